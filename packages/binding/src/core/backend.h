#pragma once
// The one small interface every engine implements (threads, uring, win-tp), and the sink through
// which engines hand finished ops back to the port that owns them.

#include <functional>
#include <string>

#include "core/op.h"

struct uv_loop_s;

namespace tpio {

// Receives finished ops. Complete() may be called from any thread (pool workers); CompleteOnLoop()
// only from the JS thread that owns the port (e.g. an io_uring CQ drain), followed by one Flush()
// per drain so that JavaScript is called once per wake-up.
class CompletionSink {
 public:
  virtual ~CompletionSink() = default;
  virtual void Complete(Op** ops, size_t count) = 0;
  virtual void CompleteOnLoop(Op* op) = 0;
  virtual void FlushOnLoop() = 0;
  // JS thread, from a backend's own loop callback: the engine accepted `op` but cannot finish it
  // after all (io_uring: -EOPNOTSUPP for this file); run it again on the threads engine. The
  // default completes it as it is.
  virtual void Resubmit(Op* op) { CompleteOnLoop(op); }
};

// What a backend is given when created: the loop of the JS environment that owns the port and the
// sink to complete into.
struct BackendContext {
  uv_loop_s* loop = nullptr;
  CompletionSink* sink = nullptr;
  unsigned threads = 0;   // pool size hint (threads backend); 0 = default
  unsigned entries = 0;   // maximum ops in flight on this port
};

class Backend {
 public:
  enum class SubmitResult { kAccepted, kDeclined };

  virtual ~Backend() = default;

  // "threads", "uring", "win-tp".
  virtual const char* Name() const = 0;

  // JS thread. Takes ownership of the op's memory until it is completed through the sink. A backend
  // may queue the op and issue it on Flush(). kDeclined means "not by me": the port sends the op
  // to the threads backend instead (unsupported opcode, foreign handle, full queue).
  virtual SubmitResult Submit(Op* op) = 0;

  // JS thread, once at the end of every batch of Submit() calls.
  virtual void Flush() = 0;

  // JS thread: an op this engine declined with kOpFlagDelegated set (so that it ran on the threads
  // engine) has been delivered. Lets an engine count what it handed away.
  virtual void DelegatedDone(Op* /*op*/) {}

  // JS thread. Best effort: the op still completes exactly once, with -ECANCELED if the cancel won
  // or with its real result if it did not.
  virtual void Cancel(Op* op) = 0;

  // JS thread. Cancels everything in flight and blocks until every accepted op has been completed
  // through the sink (the memory it points at is about to be freed). Idempotent.
  virtual void Shutdown() = 0;

  // JS thread, after Shutdown(). Closes loop handles; on_closed runs once they are gone (it may run
  // synchronously when the backend has no handles).
  virtual void Close(std::function<void()> on_closed) = 0;

  // Referencing keeps the loop alive (only while ops are in flight).
  virtual void Ref() {}
  virtual void Unref() {}
};

}  // namespace tpio

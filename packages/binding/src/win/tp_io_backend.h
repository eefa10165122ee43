#pragma once
// The win-tp engine: the seeds themselves. Reads and writes on handles opened with
// FILE_FLAG_OVERLAPPED are issued with an OVERLAPPED inside the op and complete on Windows
// thread-pool threads, either through a TP_IO (CreateThreadpoolIo + StartThreadpoolIo before every
// call + IoCompletionCallback) or, for descriptors bound with port.bindIoCompletionCallback(),
// through BindIoCompletionCallback. Callbacks only post the op to the port (CompletionSink is
// thread-safe); JavaScript runs on its own thread. Everything else is declined to the threads engine.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/backend.h"

namespace tpio::win {

class TpIoBackend final : public Backend {
 public:
  explicit TpIoBackend(const BackendContext& context);
  ~TpIoBackend() override;

  TpIoBackend(const TpIoBackend&) = delete;
  TpIoBackend& operator=(const TpIoBackend&) = delete;

  const char* Name() const override { return "win-tp"; }
  SubmitResult Submit(Op* op) override;
  void Flush() override {}
  void Cancel(Op* op) override;
  void Shutdown() override;
  void Close(std::function<void()> on_closed) override;

  // Any thread: the op's final result. Delivers it through the sink exactly once.
  void Finish(Op* op, int32_t result);

 private:
  SubmitResult SubmitTransfer(Op* op);
  SubmitResult SubmitWork(Op* op);
  void Track(Op* op);

  CompletionSink* sink_;
  std::mutex mutex_;
  std::condition_variable drained_;
  std::unordered_set<Op*> in_flight_;  // guarded by mutex_: accepted, not yet handed to the sink
  size_t completing_ = 0;              // guarded by mutex_: inside sink_->Complete() right now
};

// Process-wide counts of what win-tp engines did with the ops offered to them (for probe() and
// tests that must know an op really went through the thread pool rather than the threads engine).
struct TpIoCounters {
  uint64_t threadpool_io = 0;  // reads/writes issued through a TP_IO (CreateThreadpoolIo)
  uint64_t bound = 0;          // reads/writes issued on a BindIoCompletionCallback handle
  uint64_t completed_now = 0;  // of those, delivered at once (sync success, immediate EOF/failure)
  uint64_t work = 0;           // open / fsync run with TrySubmitThreadpoolCallback
  uint64_t declined = 0;       // handed to the threads engine
};
TpIoCounters ReadTpIoCounters();

// Creates the engine, or returns null with `error` set (e.g. the thread-pool API is missing).
std::unique_ptr<Backend> CreateTpIoBackend(const BackendContext& context, std::string* error);

}  // namespace tpio::win

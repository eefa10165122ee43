#pragma once
// The win-tp engine: the seeds themselves. Reads and writes on handles opened with
// FILE_FLAG_OVERLAPPED are issued with an OVERLAPPED inside the op and complete on Windows
// thread-pool threads, either through a TP_IO (CreateThreadpoolIo + StartThreadpoolIo before every
// call + IoCompletionCallback) or, for descriptors bound with port.bindIoCompletionCallback(),
// through BindIoCompletionCallback. Callbacks only post the op to the port (CompletionSink is
// thread-safe); JavaScript runs on its own thread. Everything else is declined to the threads engine.

#include <condition_variable>
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

// Creates the engine, or returns null with `error` set (e.g. the thread-pool API is missing).
std::unique_ptr<Backend> CreateTpIoBackend(const BackendContext& context, std::string* error);

}  // namespace tpio::win

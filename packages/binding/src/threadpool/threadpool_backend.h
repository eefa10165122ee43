#pragma once
// The portable engine: N worker threads doing the blocking call for each op (pread, pwrite, fsync,
// ...). Also the target for ops the fast engines decline. Workers take several ops per grab and
// complete them in one batch, because a cross-thread wake-up costs far more than a cached pread.

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/backend.h"
#include "threadpool/op_ring.h"

namespace tpio::pool {

class ThreadpoolBackend final : public Backend {
 public:
  explicit ThreadpoolBackend(const BackendContext& context);
  ~ThreadpoolBackend() override;

  ThreadpoolBackend(const ThreadpoolBackend&) = delete;
  ThreadpoolBackend& operator=(const ThreadpoolBackend&) = delete;

  const char* Name() const override { return "threads"; }
  SubmitResult Submit(Op* op) override;
  void Flush() override;
  void Cancel(Op* op) override;
  void Shutdown() override;
  void Close(std::function<void()> on_closed) override;

 private:
  void StartWorkers();
  void WorkerMain();

  CompletionSink* sink_;
  unsigned thread_count_;
  std::vector<Op*> batch_;  // JS thread: ops submitted since the last Flush()

  std::mutex mutex_;
  std::condition_variable work_ready_;
  OpRing queue_;            // guarded by mutex_; sized for the port's entries, never reallocated
  unsigned idle_ = 0;       // guarded by mutex_: workers waiting on work_ready_
  bool stopping_ = false;   // guarded by mutex_
  std::vector<std::thread> workers_;
};

}  // namespace tpio::pool

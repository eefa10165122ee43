#pragma once
// The portable engine: N worker threads doing the blocking call for each op (pread, pwrite, fsync,
// ...). Also the target for ops the fast engines decline. Workers take several ops per grab and
// complete them in one batch, because a cross-thread wake-up costs far more than a cached pread;
// for the same reason the last worker to run out of work briefly polls for more before it sleeps
// when ops are coming a few at a time (see threadpool_backend.cc). On Linux, a few small reads
// of each batch whose bytes are cached are answered on the JavaScript thread instead
// (cached_read.h, ADR 0007), while the workers take the rest.

#include <atomic>
#include <condition_variable>
#include <cstdint>
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
  // Worker, under mutex_: whether this worker, out of work, should poll for more before sleeping;
  // `after_read_ahead`: the last op it ran was read-ahead (kOpFlagReadAhead).
  bool ShouldSpin(bool after_read_ahead) const;
  // JS thread, in Flush(): whether the batch's last op is a large read to try on this thread,
  // the last of several large reads with none pending from an earlier Flush().
  bool EndsWithLargeCachedReadCandidate() const;
  // JS thread, in Flush(): folds the batch's size into batch_average16_.
  void RecordBatch(size_t ops);
  // JS thread: appends `ops` to the queue, wakes a worker if none is awake, and empties `ops`.
  void Post(std::vector<Op*>& ops);
  // Worker, without the lock: returns once posted_ differs from `seen` or the spin window is over.
  void SpinUntilPosted(uint64_t seen);

  CompletionSink* sink_;
  unsigned thread_count_;
  std::vector<Op*> batch_;  // JS thread: ops submitted since the last Flush()
  std::vector<Op*> candidates_;  // JS thread, in Flush(): reads to try from the page cache
  std::vector<Op*> cached_;      // JS thread, in Flush(): reads answered from the page cache

  std::mutex mutex_;
  std::condition_variable work_ready_;
  OpRing queue_;            // guarded by mutex_; sized for the port's entries, never reallocated
  unsigned idle_ = 0;       // guarded by mutex_: workers waiting on work_ready_
  bool stopping_ = false;   // guarded by mutex_
  bool spinner_ = false;    // guarded by mutex_: a worker is polling posted_ (at most one)
  // Bumped under mutex_ by every Flush() and by Shutdown(); a spinning worker polls it without the
  // lock (acquire) and takes the lock before touching the queue.
  std::atomic<uint64_t> posted_{0};
  // Recent ops per Flush(), in sixteenths (written by the JS thread, read by workers as a hint).
  std::atomic<uint32_t> batch_average16_{16};
  // Large reads posted and not yet run (added by Post(), taken off by the worker that runs one or by
  // Cancel()); a hint for Submit() on the JS thread, so relaxed.
  std::atomic<uint32_t> large_reads_pending_{0};
  std::vector<std::thread> workers_;
};

}  // namespace tpio::pool

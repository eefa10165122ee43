// Worker-thread engine. See threadpool_backend.h for the why; the queue discipline is: the JS thread
// appends a whole batch under one lock and wakes one idle worker; a worker takes a share of the
// queue, wakes another idle worker if work remains, runs its share and completes it in one call.

#include "threadpool/threadpool_backend.h"

#include <algorithm>

#include "core/errno.h"
#include "threadpool/blocking_ops.h"

namespace tpio::pool {

namespace {

constexpr size_t kMaxGrab = 32;

unsigned DefaultThreadCount() {
  unsigned cores = std::thread::hardware_concurrency();
  if (cores == 0) cores = 2;
  return std::clamp(cores, 2u, 4u);
}

}  // namespace

ThreadpoolBackend::ThreadpoolBackend(const BackendContext& context)
    : sink_(context.sink), thread_count_(context.threads ? context.threads : DefaultThreadCount()), queue_(context.entries) {
  batch_.reserve(context.entries);
}

ThreadpoolBackend::~ThreadpoolBackend() { Shutdown(); }

Backend::SubmitResult ThreadpoolBackend::Submit(Op* op) {
  op->state.store(OpState::kQueued, std::memory_order_relaxed);
  batch_.push_back(op);
  return SubmitResult::kAccepted;
}

void ThreadpoolBackend::Flush() {
  if (batch_.empty()) return;
  if (workers_.empty()) StartWorkers();
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Op* op : batch_) queue_.push_back(op);
    wake = idle_ > 0;
  }
  batch_.clear();
  // Busy workers come back for more on their own; only an idle one needs the (costly) wake-up.
  if (wake) work_ready_.notify_one();
}

void ThreadpoolBackend::Cancel(Op* op) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!queue_.erase(op)) return;  // already running or done: it completes with its real result
  }
  op->result = kErrCanceled;
  op->state.store(OpState::kDone, std::memory_order_release);
  sink_->Complete(&op, 1);
}

void ThreadpoolBackend::Shutdown() {
  std::vector<Op*> cancelled;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    queue_.drain_to(&cancelled);
  }
  // Ops submitted but never flushed are cancelled too.
  cancelled.insert(cancelled.end(), batch_.begin(), batch_.end());
  batch_.clear();
  for (Op* op : cancelled) {
    op->result = kErrCanceled;
    op->state.store(OpState::kDone, std::memory_order_release);
  }
  if (!cancelled.empty()) sink_->Complete(cancelled.data(), cancelled.size());
  work_ready_.notify_all();
  // Joining waits for the ops workers are running: their memory must outlive the syscalls.
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void ThreadpoolBackend::Close(std::function<void()> on_closed) {
  Shutdown();
  on_closed();
}

void ThreadpoolBackend::StartWorkers() {
  workers_.reserve(thread_count_);
  for (unsigned i = 0; i < thread_count_; i++) workers_.emplace_back([this] { WorkerMain(); });
}

void ThreadpoolBackend::WorkerMain() {
  std::vector<Op*> grabbed;
  grabbed.reserve(kMaxGrab);
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (queue_.empty() && !stopping_) {
        idle_++;
        work_ready_.wait(lock);
        idle_--;
      }
      if (stopping_ && queue_.empty()) return;
      // Take a fair share so that other workers have something to do, but several at a time.
      size_t share = (queue_.size() + thread_count_ - 1) / thread_count_;
      size_t take = std::clamp<size_t>(share, 1, kMaxGrab);
      for (size_t i = 0; i < take; i++) {
        Op* op = queue_.pop_front();
        op->state.store(OpState::kRunning, std::memory_order_relaxed);
        grabbed.push_back(op);
        // A large transfer ends the grab. It is then reported as soon as it is done: otherwise the
        // first of two 1 MiB reads taken together would wait for the second, and a read-ahead
        // consumer would get its data, and issue its next read, one copy later. And the next large
        // transfer stays in the queue for whichever worker is free first.
        if (IsLargeTransfer(*op)) break;
      }
      if (!queue_.empty() && idle_ > 0) work_ready_.notify_one();
    }
    for (Op* op : grabbed) {
      op->result = RunBlocking(op);
      op->state.store(OpState::kDone, std::memory_order_release);
    }
    sink_->Complete(grabbed.data(), grabbed.size());
    grabbed.clear();
  }
}

}  // namespace tpio::pool

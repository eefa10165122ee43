// Worker-thread engine. See threadpool_backend.h for the why; the queue discipline is: the JS thread
// appends a whole batch under one lock and wakes one idle worker; a worker takes a share of the
// queue, wakes another idle worker if work remains, runs its share and completes it in one call.

#include "threadpool/threadpool_backend.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#if defined(_MSC_VER)
#include <intrin.h>
#endif

#include "core/errno.h"
#include "threadpool/blocking_ops.h"
#include "threadpool/cached_read.h"

namespace tpio::pool {

namespace {

constexpr size_t kMaxGrab = 32;
// Spin-then-sleep. On this project's 2-vCPU VM a worker's futex wake-up costs 15-20 µs, a large
// part of a small op's round trip, so a worker that runs out of work polls the queue for a while
// before it sleeps, and a submission meanwhile needs no wake-up. The window covers the JavaScript
// thread's turn: it is woken with the completion (20-30 µs), runs the callback and submits the
// next op. Measured (binding, alternating processes, ops/s): 4 KiB reads at depth 1 2.1-2.9x, depth
// 2 2.5x, depth 4 2x; 64 KiB sequential writes at depth 1 1.2-1.4x. 30 µs gained half as much, and
// 60-200 µs all about the same.
constexpr long kDefaultSpinMicros = 100;
// Spinning pays only when ops come a few at a time, each waiting on an earlier one (a write stream,
// reads at a low queue depth). Ops that come in batches share one wake-up already, and there a
// spinner took them as soon as they came, in smaller grabs: 4 KiB reads at depth 64 ran 15% slower
// and used 25% more CPU per op. So workers spin only while the JavaScript thread's recent Flush()
// calls have averaged at most this many ops.
constexpr uint32_t kSpinMaxAverageBatch = 4;
// Nor after read-ahead (kOpFlagReadAhead: 1 MiB chunks with several in flight). When both workers
// have run dry there, the consumer is the slow side, and the next read came 100 µs to 1 ms after a
// spin began: 75-90% of the spins behind chunks() and 1 MiB read streams found nothing, and the
// vCPU they held was wanted by node's GC and the other worker (chunks() 9% faster with the window
// off). A BYOB reader's and a write stream's next op follows its completion at once (91-99% of
// spins found it, most within 10-50 µs), and they are not read-ahead. The io_uring engine marks
// the reads it hands over while another large one is in flight; this engine marks a large read
// submitted while one posted by an earlier Flush() has not run yet (the halves of a BYOB view come
// in one batch, so they do not mark each other).
// Small cached reads are answered on the JavaScript thread (TryCachedRead), but at most this many
// per batch: the rest go to the workers first, so that they copy while this thread copies. On
// 2 vCPUs (binding, 4 KiB random reads, ops/s, alternating processes) reads at depth 64 and 256
// ran at 0.67-0.90 M and 0.77-0.99 M with 16 kept, against 0.48-0.51 M and 0.68-0.73 M all on
// workers and 0.55-0.65 M and 0.56-0.63 M all on this thread; 8 kept slowed depth 16 (0.49-0.52 M
// against 0.52-0.57 M), 32 slowed depth 64 (0.61-0.63 M). See ADR 0007.
constexpr size_t kCachedReadsPerBatch = 16;

unsigned DefaultThreadCount() {
  unsigned cores = std::thread::hardware_concurrency();
  if (cores == 0) cores = 2;
  return std::clamp(cores, 2u, 4u);
}

long SpinMicros() {
  static const long micros = [] {
    const char* value = std::getenv("TPIO_THREADS_SPIN_US");
    long parsed = value != nullptr && value[0] != '\0' ? std::strtol(value, nullptr, 10) : kDefaultSpinMicros;
    return std::clamp(parsed, 0L, 10'000L);
  }();
  return micros;
}

bool MultiCore() {
  static const bool multi = std::thread::hardware_concurrency() > 1;
  return multi;
}

inline void CpuRelax() {
#if defined(_MSC_VER) && (defined(_M_X64) || defined(_M_IX86))
  _mm_pause();
#elif defined(_MSC_VER) && defined(_M_ARM64)
  __yield();
#elif defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

bool IsLargeRead(const Op& op) {
  return (op.kind == OpKind::kRead || op.kind == OpKind::kReadv) && IsLargeTransfer(op);
}

}  // namespace

bool ThreadpoolBackend::ShouldSpin(bool after_read_ahead) const {
  // Only the last worker to run out of work spins, and only with a core to spare: a spinner next to
  // a busy worker (or on the only core) takes the CPU that the work and JavaScript need.
  return SpinMicros() > 0 && !after_read_ahead && !spinner_ && idle_ + 1 == thread_count_ &&
         MultiCore() && batch_average16_.load(std::memory_order_relaxed) <= kSpinMaxAverageBatch * 16;
}

void ThreadpoolBackend::RecordBatch(size_t ops) {
  // Exponential moving average (weight 1/8) in sixteenths of an op. Only the JS thread writes it;
  // workers read it as a hint, so relaxed is enough.
  uint32_t average = batch_average16_.load(std::memory_order_relaxed);
  uint32_t sample = static_cast<uint32_t>(std::min<size_t>(ops, 4096)) * 16;
  batch_average16_.store(average - average / 8 + sample / 8, std::memory_order_relaxed);
}

void ThreadpoolBackend::SpinUntilPosted(uint64_t seen) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(SpinMicros());
  for (unsigned n = 1; posted_.load(std::memory_order_acquire) == seen; n++) {
    CpuRelax();
    if ((n & 63) == 0 && std::chrono::steady_clock::now() > deadline) return;
  }
}

ThreadpoolBackend::ThreadpoolBackend(const BackendContext& context)
    : sink_(context.sink), thread_count_(context.threads ? context.threads : DefaultThreadCount()), queue_(context.entries) {
  batch_.reserve(context.entries);
  cached_.reserve(context.entries);
  candidates_.reserve(context.entries);
}

ThreadpoolBackend::~ThreadpoolBackend() { Shutdown(); }

Backend::SubmitResult ThreadpoolBackend::Submit(Op* op) {
  op->state.store(OpState::kQueued, std::memory_order_relaxed);
  if (IsLargeRead(*op) && large_reads_pending_.load(std::memory_order_relaxed) != 0) {
    op->engine_flags |= kOpFlagReadAhead;  // another large read is still queued or running
  }
  batch_.push_back(op);
  return SubmitResult::kAccepted;
}

void ThreadpoolBackend::Flush() {
  if (batch_.empty()) return;
  RecordBatch(batch_.size());
  // Small cached reads at the end of the batch stay on this thread (TryCachedRead): the rest is
  // posted first, so that the workers copy their share while this thread copies its own.
  while (candidates_.size() < kCachedReadsPerBatch && !batch_.empty() && IsCachedReadCandidate(*batch_.back())) {
    candidates_.push_back(batch_.back());
    batch_.pop_back();
  }
  // Of several large reads in one batch with none pending from earlier (the halves of a BYOB view,
  // the first reads of chunks() or readFile), the last is tried here too, while a worker copies the
  // others: as the io_uring engine copies the last one inside io_uring_enter (ADR 0004). BYOB reader
  // on this engine, alternating processes: 5.4-5.8 -> 6.5-7.6 GB/s, 17% less CPU per MiB. Not a
  // lone large read: behind chunks() each refill comes alone after the others finished, and this
  // thread then copied every chunk itself (7.4-7.9 -> 5.6-6.0 GB/s). See ADR 0007.
  if (candidates_.empty() && EndsWithLargeCachedReadCandidate()) {
    candidates_.push_back(batch_.back());
    batch_.pop_back();
  }
  Post(batch_);
  for (Op* op : candidates_) {
    if (TryCachedRead(op)) {
      op->state.store(OpState::kDone, std::memory_order_relaxed);
      cached_.push_back(op);
    } else {
      batch_.push_back(op);  // not cached (or not a file): a worker reads it
    }
  }
  candidates_.clear();
  Post(batch_);
  if (!cached_.empty()) {
    sink_->Complete(cached_.data(), cached_.size());  // one wake-up of the loop for all of them
    cached_.clear();
  }
}

bool ThreadpoolBackend::EndsWithLargeCachedReadCandidate() const {
  if (batch_.size() < 2 || !IsLargeCachedReadCandidate(*batch_.back())) return false;
  if (large_reads_pending_.load(std::memory_order_relaxed) != 0) return false;
  return std::any_of(batch_.begin(), batch_.end() - 1, [](const Op* op) { return IsLargeRead(*op); });
}

void ThreadpoolBackend::Post(std::vector<Op*>& ops) {
  if (ops.empty()) return;
  if (workers_.empty()) StartWorkers();
  // Counted before a worker can take one (and count it off).
  auto large_reads = static_cast<uint32_t>(
      std::count_if(ops.begin(), ops.end(), [](const Op* op) { return IsLargeRead(*op); }));
  if (large_reads != 0) large_reads_pending_.fetch_add(large_reads, std::memory_order_relaxed);
  bool wake;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Op* op : ops) queue_.push_back(op);
    // A spinning worker sees posted_ move and takes the lock, so it needs no wake-up either.
    wake = idle_ > 0 && !spinner_;
    posted_.fetch_add(1, std::memory_order_release);
  }
  ops.clear();
  // Busy workers come back for more on their own; only an idle one needs the (costly) wake-up.
  if (wake) work_ready_.notify_one();
}

void ThreadpoolBackend::Cancel(Op* op) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!queue_.erase(op)) return;  // already running or done: it completes with its real result
  }
  if (IsLargeRead(*op)) large_reads_pending_.fetch_sub(1, std::memory_order_relaxed);
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
    posted_.fetch_add(1, std::memory_order_release);
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
  bool after_read_ahead = false;  // the last op this worker ran was read-ahead
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      bool spun = false;
      while (queue_.empty() && !stopping_) {
        if (!spun && ShouldSpin(after_read_ahead)) {
          // `seen` is read under the lock that Flush() holds while it appends and bumps posted_, so
          // anything appended after this check moves posted_ past `seen`. Once per idle spell: the
          // loop re-checks the queue under the lock, then sleeps.
          spun = true;
          spinner_ = true;
          uint64_t seen = posted_.load(std::memory_order_relaxed);
          lock.unlock();
          SpinUntilPosted(seen);
          lock.lock();
          spinner_ = false;
          continue;
        }
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
      if (IsLargeRead(*op)) large_reads_pending_.fetch_sub(1, std::memory_order_relaxed);
      op->state.store(OpState::kDone, std::memory_order_release);
    }
    // Read before Complete(): from then on the ops belong to the JS thread.
    after_read_ahead = (grabbed.back()->engine_flags & kOpFlagReadAhead) != 0;
    sink_->Complete(grabbed.data(), grabbed.size());
    grabbed.clear();
  }
}

}  // namespace tpio::pool

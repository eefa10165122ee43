// Ring setup and the shared-memory protocol with the kernel. Memory ordering, as the kernel's
// io_uring.h documents it: we release-store the SQ tail (so the SQEs are visible before the tail),
// acquire-load the CQ tail (so CQE contents are visible after it), release-store the CQ head (so
// the kernel may reuse a slot only after we read it), and use a full fence before reading the SQ
// flags for NEED_WAKEUP (SQPOLL: the tail store must not pass the flags load).

#include "linux/uring_ring.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

#include "linux/uring_syscalls.h"

namespace tpio::uring {

namespace {

uint32_t* At(void* base, uint32_t offset) {
  return reinterpret_cast<uint32_t*>(static_cast<char*>(base) + offset);
}

const char* SetupHint(int error) {
  switch (error) {
    case EPERM: return " (blocked by seccomp or kernel.io_uring_disabled)";
    case ENOSYS: return " (kernel built without io_uring)";
    case ENOMEM: return " (locked-memory limit too low: RLIMIT_MEMLOCK)";
    default: return "";
  }
}

}  // namespace

std::unique_ptr<Ring> Ring::Create(const Options& options, std::string* error) {
  std::unique_ptr<Ring> ring(new Ring());
  unsigned entries = std::clamp(options.entries, 1u, 32768u);
  // Optional flags are dropped one by one when an older kernel rejects them with EINVAL.
  uint32_t optional = kSetupSubmitAll | (options.single_issuer ? kSetupSingleIssuer : 0) |
                      (options.coop_taskrun ? kSetupCoopTaskrun : 0);
  Params params;
  int fd;
  for (;;) {
    std::memset(&params, 0, sizeof(params));
    params.flags = kSetupCqsize | kSetupClamp | optional | (options.sqpoll ? kSetupSqpoll : 0);
    params.cq_entries = entries * 2;
    fd = Setup(entries, &params);
    if (fd != -EINVAL || optional == 0) break;
    optional &= optional - 1;  // drop the lowest optional flag and retry
  }
  if (fd < 0) {
    *error = "io_uring_setup failed: " + ErrnoName(-fd) + SetupHint(-fd);
    return nullptr;
  }
  ring->fd_ = fd;
  ring->features_ = params.features;
  ring->sqpoll_ = options.sqpoll;
  // SINGLE_MMAP (5.4), NODROP (5.5) and RW_CUR_POS (5.6) are the baseline we rely on.
  const uint32_t required = kFeatSingleMmap | kFeatNodrop | kFeatRwCurPos;
  if ((params.features & required) != required) {
    *error = "kernel too old: io_uring lacks SINGLE_MMAP/NODROP/RW_CUR_POS (needs Linux 5.6+)";
    return nullptr;
  }
  if (!ring->Map(params, error)) return nullptr;
  return ring;
}

bool Ring::Map(const Params& params, std::string* error) {
  size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(uint32_t);
  size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(Cqe);
  ring_size_ = std::max(sq_size, cq_size);
  void* ring = mmap(nullptr, ring_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, kOffSqRing);
  if (ring == MAP_FAILED) {
    *error = "mmap of the io_uring rings failed: " + ErrnoName(errno);
    return false;
  }
  ring_ = ring;
  sqes_size_ = params.sq_entries * sizeof(Sqe);
  void* sqes = mmap(nullptr, sqes_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd_, kOffSqes);
  if (sqes == MAP_FAILED) {
    *error = "mmap of the io_uring SQEs failed: " + ErrnoName(errno);
    return false;
  }
  sqes_ = static_cast<Sqe*>(sqes);

  sq_entries_ = params.sq_entries;
  sq_mask_ = *At(ring_, params.sq_off.ring_mask);
  sq_head_ = At(ring_, params.sq_off.head);
  sq_tail_ = At(ring_, params.sq_off.tail);
  sq_flags_ = At(ring_, params.sq_off.flags);
  sqe_tail_ = *sq_tail_;
  // SQE slot i is always announced as index i: fill the indirection array once.
  uint32_t* array = At(ring_, params.sq_off.array);
  for (uint32_t i = 0; i < sq_entries_; i++) array[i] = i;

  cq_entries_ = params.cq_entries;
  cq_mask_ = *At(ring_, params.cq_off.ring_mask);
  cq_head_ = At(ring_, params.cq_off.head);
  cq_tail_ = At(ring_, params.cq_off.tail);
  cqes_ = reinterpret_cast<Cqe*>(static_cast<char*>(ring_) + params.cq_off.cqes);
  return true;
}

Ring::~Ring() {
  if (sqes_ != nullptr) munmap(sqes_, sqes_size_);
  if (ring_ != nullptr) munmap(ring_, ring_size_);
  if (fd_ >= 0) close(fd_);
}

Sqe* Ring::GetSqe() {
  // Acquire: the kernel's head store happens after it finished reading those SQEs.
  uint32_t head = __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
  if (sqe_tail_ - head >= sq_entries_) return nullptr;
  Sqe* sqe = &sqes_[sqe_tail_ & sq_mask_];
  std::memset(sqe, 0, sizeof(Sqe));
  sqe_tail_++;
  return sqe;
}

unsigned Ring::Unsubmitted() const {
  return sqe_tail_ - __atomic_load_n(sq_head_, __ATOMIC_ACQUIRE);
}

int Ring::Submit(unsigned wait, unsigned limit) {
  // Release: the SQE contents written above become visible before the new tail.
  __atomic_store_n(sq_tail_, sqe_tail_, __ATOMIC_RELEASE);
  unsigned pending = Unsubmitted();
  unsigned flags = wait > 0 ? kEnterGetevents : 0;
  if (sqpoll_) {
    // Full fence: the tail store must be ordered before reading NEED_WAKEUP, or the poller may
    // go to sleep having missed the new tail while we see the flag still clear.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool need_wakeup = (__atomic_load_n(sq_flags_, __ATOMIC_RELAXED) & kSqNeedWakeup) != 0;
    if (!need_wakeup && wait == 0) return static_cast<int>(pending);
    if (need_wakeup) flags |= kEnterSqWakeup;
  }
  if (pending == 0 && wait == 0) return 0;
  const unsigned offered = pending < limit ? pending : limit;
  if (!sqpoll_ && offered == 0 && wait == 0) return -EAGAIN;
  for (;;) {
    int result = Enter(fd_, sqpoll_ ? 0 : offered, wait, flags);
    if (result != -EINTR) return result;
  }
}

uint32_t Ring::CqHead() const {
  // Only we write the CQ head: a relaxed load sees our own last store.
  return __atomic_load_n(cq_head_, __ATOMIC_RELAXED);
}

uint32_t Ring::CqTail() const {
  // Acquire: CQE contents written by the kernel are visible once we see the tail that covers them.
  return __atomic_load_n(cq_tail_, __ATOMIC_ACQUIRE);
}

void Ring::AdvanceCq(uint32_t new_head) {
  // Release: our reads of the consumed CQEs complete before the kernel may overwrite the slots.
  __atomic_store_n(cq_head_, new_head, __ATOMIC_RELEASE);
}

bool Ring::CqOverflowed() const {
  return (__atomic_load_n(sq_flags_, __ATOMIC_RELAXED) & kSqCqOverflow) != 0;
}

}  // namespace tpio::uring

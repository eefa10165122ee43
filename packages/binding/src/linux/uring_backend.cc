// io_uring engine. Threading: everything runs on the JS thread that owns the port; the kernel is
// the only other party (through the ring's shared memory, see uring_ring.cc for the ordering).
// Lifecycle: Submit/Flush/Cancel while open; Shutdown() cancels and waits for every accepted op;
// Close() closes the poll handle; the destructor unmaps the ring and closes the fds.

#include "linux/uring_backend.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>
#include <utility>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/fault_injector.h"
#include "linux/buffered_write.h"
#include "linux/uring_ops.h"
#include "linux/uring_probe.h"
#include "linux/uring_syscalls.h"

namespace tpio::uring {

namespace {

// user_data of our own ASYNC_CANCEL requests; real ops carry their (non-null) Op pointer.
constexpr uint64_t kCancelTag = 0;

// Setup flags that are opt-in until measured faster on a target machine: TPIO_URING_FLAGS is a
// comma list of "sqpoll", "single_issuer", "coop_taskrun" (read once).
bool FlagRequested(const char* name) {
  static const std::string flags = [] {
    const char* value = std::getenv("TPIO_URING_FLAGS");
    return std::string(",") + (value ? value : "") + ",";
  }();
  return flags.find(std::string(",") + name + ",") != std::string::npos;
}

bool SqpollRequested() {
  static const bool requested = [] {
    const char* value = std::getenv("TPIO_URING_SQPOLL");
    return value != nullptr && value[0] == '1';
  }();
  return requested;
}

}  // namespace

std::unique_ptr<Backend> CreateUringBackend(const BackendContext& context, std::string* error) {
  Ring::Options options;
  options.entries = context.entries ? context.entries : 256;
  options.sqpoll = SqpollRequested() || FlagRequested("sqpoll");
  options.single_issuer = FlagRequested("single_issuer");
  options.coop_taskrun = FlagRequested("coop_taskrun");
  std::unique_ptr<Ring> ring = Ring::Create(options, error);
  if (!ring) return nullptr;
  int event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (event_fd < 0) {
    *error = "eventfd failed: " + ErrnoName(errno);
    return nullptr;
  }
  int rc = Register(ring->Fd(), kRegisterEventfd, &event_fd, 1);
  if (rc < 0) {
    close(event_fd);
    *error = "IORING_REGISTER_EVENTFD failed: " + ErrnoName(-rc);
    return nullptr;
  }
  auto backend = std::make_unique<UringBackend>(context, std::move(ring), event_fd);
  if (!backend->Start(error)) {
    // The poll handle may already be known to the loop: it can only go away through uv_close,
    // which needs a loop turn, so the backend deletes itself from the close callback.
    UringBackend* raw = backend.release();
    raw->Close([raw] { delete raw; });
    return nullptr;
  }
  return backend;
}

UringBackend::UringBackend(const BackendContext& context, std::unique_ptr<Ring> ring, int event_fd)
    : sink_(context.sink),
      loop_(context.loop),
      ring_(std::move(ring)),
      event_fd_(event_fd),
      max_per_wake_(std::max(context.entries, 1u)) {
  for (unsigned op = 0; op < 256; op++) usable_[op] = OpUsable(static_cast<uint8_t>(op));
  creator_uid_ = getuid();
  creator_euid_ = geteuid();
  creator_gid_ = getgid();
  creator_egid_ = getegid();
}

bool UringBackend::CredentialsChanged() {
  // getgroups() changes are not compared: dropping privileges changes the ids too (setgroups
  // alone, with the same ids, is not a drop we detect).
  if (!credentials_changed_) {
    credentials_changed_ = getuid() != creator_uid_ || geteuid() != creator_euid_ || getgid() != creator_gid_ || getegid() != creator_egid_;
  }
  return credentials_changed_;
}

UringBackend::~UringBackend() {
  Shutdown();
  ring_.reset();  // unmaps and closes the ring (which also drops the eventfd registration)
  if (event_fd_ >= 0) close(event_fd_);
}

bool UringBackend::Start(std::string* error) {
  int rc = uv_poll_init(loop_, &poll_, event_fd_);
  if (rc == 0) {
    poll_.data = this;
    rc = uv_poll_start(&poll_, UV_READABLE, OnPoll);
    polling_ = true;  // initialised: must be closed
  }
  if (rc != 0) {
    *error = std::string("uv_poll on the io_uring eventfd failed: ") + uv_strerror(rc);
    return false;
  }
  // The port keeps the loop alive while ops are in flight; an idle engine must not.
  uv_unref(reinterpret_cast<uv_handle_t*>(&poll_));
  return true;
}

void UringBackend::SubmitNow() {
  ring_->Submit(0, faults_.enabled() ? faults_.SubmitLimit(ring_->Unsubmitted()) : UINT32_MAX);
  // The kernel may take only part of the batch (-EAGAIN or a short count when it cannot allocate
  // requests). Whatever it left in the SQ must be offered again even if no other wake-up is coming:
  // those ops count as in flight and keep the loop alive, so an SQE left behind by the last submit
  // before an idle moment would hang the process. Making the eventfd readable has OnReadable()
  // submit them on the next loop turn. (Under SQPOLL the poller consumes the SQ on its own.)
  if (!ring_->Sqpoll() && ring_->Unsubmitted() > 0) WakeSelf();
}

void UringBackend::WakeSelf() {
  uint64_t one = 1;
  ssize_t ignored = write(event_fd_, &one, sizeof(one));
  (void)ignored;
}

Sqe* UringBackend::NextSqe() {
  Sqe* sqe = ring_->GetSqe();
  if (sqe != nullptr) return sqe;
  // SQ full: hand what we have to the kernel without waiting, then try once more.
  SubmitNow();
  return ring_->GetSqe();
}

Backend::SubmitResult UringBackend::Submit(Op* op) {
  if (shut_down_) return SubmitResult::kDeclined;
  uint8_t opcode = OpcodeFor(*op);
  if (opcode == 0 || !usable_[opcode]) return SubmitResult::kDeclined;
  // After a privilege drop an SQPOLL ring would still act as its creator: the threads engine,
  // whose workers follow setuid (glibc applies it to every thread), takes the op instead.
  if (ring_->Sqpoll() && CredentialsChanged()) return SubmitResult::kDeclined;
  // Buffered file writes would be punted to the ring's io-wq workers: the threads engine runs them
  // faster (see buffered_write.h).
  if (IsBufferedFileWrite(*op)) return SubmitResult::kDeclined;
  // Large transfers (reads, and writes the check above left here). A buffered read of cached data
  // completes inline, inside io_uring_enter on the JS thread, so on the ring every large copy would
  // wait behind JavaScript and the others. One at a time (a BYOB reader) that is still the cheapest way:
  // no hand-off. Several at once from steady read-ahead (chunks, streams, sequential depth 4) go to
  // the threads engine, whose workers copy in parallel with JavaScript and each other. Measured on
  // 2 vCPUs, same machine, alternating (ADR 0004): the threads engine moved those reads 13-29%
  // faster than the ring's own io-wq workers (IOSQE_ASYNC) did, most with fresh destination memory;
  // a lone 1 MiB read inline was 15% faster than handing it to a worker. Several large ops in one
  // batch with none in flight (the parts of a split BYOB view, the first batch of read-ahead): the
  // last one is held back until Flush() and copied inline, and each earlier one is handed to a
  // worker as soon as the next one arrives, so that the workers are already copying while the JS
  // thread copies its part. The halves of 1 MiB views moved 8.0-9.9 GB/s that way, against
  // 5.5-7.2 all on workers and 5.5-6.8 as one inline read (ADR 0004).
  if (IsLargeTransfer(*op)) {
    if (held_large_ != nullptr) {
      sink_->Resubmit(MarkDelegated(std::exchange(held_large_, nullptr)));  // starts on a worker now
      held_large_ = op;
      return SubmitResult::kAccepted;
    }
    if (large_in_flight_ != 0 || large_delegated_ != 0) {
      MarkDelegated(op)->engine_flags |= kOpFlagReadAhead;
      return SubmitResult::kDeclined;  // the port runs it on the threads engine
    }
    held_large_ = op;  // accepted: copied inline by Flush(), the last large op of this batch
    return SubmitResult::kAccepted;
  }
  // Small cached reads at a deep queue: a share goes to the workers (small_read_share.h).
  if (share_.Delegate(*op, in_flight_)) {
    op->engine_flags |= kEngineFlagSmallRead | kOpFlagDelegated;
    return SubmitResult::kDeclined;  // the port runs it on the threads engine
  }
  Sqe* sqe = NextSqe();
  if (sqe == nullptr) return SubmitResult::kDeclined;
  Issue(op, opcode, sqe);
  if (IsSmallPositionedRead(*op)) small_reads_issued_++;
  return SubmitResult::kAccepted;
}

Op* UringBackend::MarkDelegated(Op* op) {
  // Counted until the port delivers it (DelegatedDone), so later large ops know one is running.
  op->engine_flags |= kOpFlagDelegated;
  large_delegated_++;
  return op;
}

bool UringBackend::RouteAliasedRead(Op* op) {
  if (op->kind != OpKind::kRead || !ReadWouldAlias(op->data, op->position, op->length)) return false;
  if (!bounce_busy_ && op->length <= bounce_.capacity() && bounce_.Place(op->position) != nullptr) {
    op->engine_flags |= kEngineFlagBounced;
    bounce_busy_ = true;
    return false;  // still goes onto the ring, pointed at bounce_ by Issue()
  }
  // Too large for bounce_, or bounce_ still holds an earlier read the disk has not delivered: a
  // worker reads it in pieces through its own bounce buffer, still faster than one slow copy.
  sink_->Resubmit(MarkDelegated(op));
  return true;
}

void UringBackend::Unbounce(Op* op, int32_t res) {
  if ((op->engine_flags & kEngineFlagBounced) == 0) return;
  if (res > 0) CopyWithoutAliasing(op->data, bounce_.Place(op->position), static_cast<size_t>(res));
  op->engine_flags &= static_cast<uint8_t>(~kEngineFlagBounced);
  bounce_busy_ = false;
}

void UringBackend::IssueHeldLarge() {
  Op* op = std::exchange(held_large_, nullptr);
  if (op == nullptr || RouteAliasedRead(op)) return;
  Sqe* sqe = NextSqe();
  if (sqe == nullptr) {
    Unbounce(op, 0);
    sink_->Resubmit(MarkDelegated(op));  // SQ full even after a submit
    return;
  }
  op->engine_flags |= kEngineFlagLarge;
  Issue(op, OpcodeFor(*op), sqe);
}

void UringBackend::Issue(Op* op, uint8_t opcode, Sqe* sqe) {
  PrepareSqe(op, opcode, sqe);
  if ((op->engine_flags & kEngineFlagBounced) != 0) sqe->addr = reinterpret_cast<uintptr_t>(bounce_.Place(op->position));
  if (op->interrupts != 0) [[unlikely]] {
    // Test-only (TPIO_FAULTS): this attempt is interrupted. A NOP stands in for it, and its CQE is
    // taken as -EINTR with nothing transferred (CompleteCqe), which is what sends the op through
    // the real retry path below.
    *sqe = Sqe{};
    sqe->opcode = kOpNop;
    sqe->fd = -1;
    sqe->user_data = reinterpret_cast<uintptr_t>(op);
  }
  if ((op->engine_flags & kEngineFlagLarge) != 0) large_in_flight_++;  // until its CQE
  op->state.store(OpState::kRunning, std::memory_order_relaxed);
  in_flight_++;
}

void UringBackend::Reissue(Op* op) {
  // Under SQPOLL after a privilege drop, or with the SQ full even after a submit, the threads
  // engine takes the op (its blocking calls retry EINTR too).
  Sqe* sqe = ring_->Sqpoll() && CredentialsChanged() ? nullptr : NextSqe();
  if (sqe == nullptr) {
    sink_->Resubmit(op);
    return;
  }
  Issue(op, OpcodeFor(*op), sqe);  // submitted by OnReadable() after this drain
}

void UringBackend::Flush() {
  IssueHeldLarge();
  // CQEs posted while io_uring_enter runs are the reads it completed inline: their bytes were
  // cached. (An async completion landing meanwhile is counted too; it only blurs the average.)
  const uint32_t tail = ring_->CqTail();
  SubmitNow();  // one io_uring_enter per batch (none when the batch went elsewhere)
  share_.RecordBatch(std::exchange(small_reads_issued_, 0), ring_->CqTail() - tail);
}

void UringBackend::DelegatedDone(Op* op) {
  if ((op->engine_flags & kEngineFlagSmallRead) != 0) {
    share_.Delivered();
  } else {
    large_delegated_--;
  }
}

void UringBackend::Cancel(Op* op) {
  if (shut_down_) return;
  Sqe* sqe = NextSqe();
  if (sqe == nullptr) return;  // best effort: the op completes with its real result
  sqe->opcode = kOpAsyncCancel;
  sqe->fd = -1;
  sqe->addr = reinterpret_cast<uintptr_t>(op);  // cancel key: the op's user_data
  sqe->user_data = kCancelTag;
  SubmitNow();
}

void UringBackend::OnPoll(uv_poll_t* handle, int status, int events) {
  static_cast<UringBackend*>(handle->data)->OnReadable();
}

void UringBackend::OnReadable() {
  if (shut_down_) return;
  uint64_t count = 0;
  // Resets the eventfd counter (it is non-blocking: EAGAIN when a re-arm already consumed it).
  ssize_t ignored = read(event_fd_, &count, sizeof(count));
  (void)ignored;
  SubmitNow();  // what an earlier submit left in the SQ (no syscall when there is none)
  if (ring_->CqOverflowed()) Enter(ring_->Fd(), 0, 0, kEnterGetevents);  // flush NODROP backlog
  bool more = Drain(max_per_wake_);
  SubmitNow();  // ops re-issued by this drain (EINTR)
  if (more) {
    // Bounded work per wake-up: more CQEs remain, so make the eventfd readable again and let
    // the loop run its other handles (timers, sockets) before we continue.
    WakeSelf();
  }
  sink_->FlushOnLoop();  // one JS call for this wake-up (the port skips it when nothing is ready)
}

bool UringBackend::Drain(uint32_t limit) {
  uint32_t head = ring_->CqHead();
  const uint32_t tail = ring_->CqTail();
  const uint32_t end = tail - head > limit ? head + limit : tail;
  for (uint32_t index = head; index != end; index++) {
    const Cqe* cqe = ring_->CqeAt(index);
    // CompleteCqe only touches the op, never the ring: reading the CQE fields is all we need.
    CompleteCqe(cqe->user_data, cqe->res);
  }
  ring_->AdvanceCq(end);  // one release store for the whole batch
  return end != tail;
}

void UringBackend::CompleteCqe(uint64_t user_data, int32_t res) {
  if (user_data == kCancelTag) return;  // our ASYNC_CANCEL's own result: 0, -ENOENT or -EALREADY
  Op* op = reinterpret_cast<Op*>(static_cast<uintptr_t>(user_data));
  in_flight_--;
  if ((op->engine_flags & kEngineFlagLarge) != 0) large_in_flight_--;  // a re-issue counts again
  if (res == -EOPNOTSUPP && !shut_down_) {
    // The kernel knows the opcode but not for this file (filesystem or flag combination):
    // re-run it on the threads engine, as libuv does, without the caller noticing.
    Unbounce(op, 0);
    sink_->Resubmit(op);
    return;
  }
  if (op->interrupts != 0) [[unlikely]] {
    // Test-only: the NOP that stood in for an interrupted attempt (Issue) completed.
    TakeInterrupt(op);
    res = -EINTR;
  }
  if (res == -EINTR) [[unlikely]] {
    // Interrupted before anything was transferred: libuv retries EINTR, and so do we, unless the
    // op was being cancelled (or the port is shutting down), where ECANCELED is the honest result.
    // close(2) is never retried: the descriptor is gone either way (as in the threads engine).
    if (op->kind == OpKind::kClose) {
      res = 0;
    } else if (!shut_down_ && !op->cancel_requested) {
      Reissue(op);
      return;
    } else {
      res = -ECANCELED;
    }
  }
  // Counted here, once delivered: a read handed on (EOPNOTSUPP, SQ full) is counted where it ends.
  if ((op->engine_flags & kEngineFlagBounced) != 0) CountBouncedRead();
  Unbounce(op, res);
  FinishOp(op, res);
  op->state.store(OpState::kDone, std::memory_order_release);
  sink_->CompleteOnLoop(op);
}

void UringBackend::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (in_flight_ > 0) {
    // IORING_ASYNC_CANCEL_ANY | ALL (5.19): one request cancels everything cancellable. On older
    // kernels it fails with EINVAL and we simply wait: file I/O always completes.
    Sqe* sqe = NextSqe();
    if (sqe != nullptr) {
      sqe->opcode = kOpAsyncCancel;
      sqe->fd = -1;
      sqe->op_flags = kCancelAny | kCancelAll;
      sqe->user_data = kCancelTag;
    }
  }
  // Wait until every accepted op has posted its CQE: their buffers are about to be freed.
  Drain(UINT32_MAX);
  while (in_flight_ > 0) {
    int rc = ring_->Submit(1);
    if (rc < 0 && rc != -EAGAIN && rc != -EBUSY && rc != -EINTR) {
      // The ring itself is unusable (cannot happen with a valid fd); waiting would spin forever.
      break;
    }
    if (ring_->CqOverflowed()) Enter(ring_->Fd(), 0, 0, kEnterGetevents);
    Drain(UINT32_MAX);
  }
  // No FlushOnLoop here: the port drops what completed during shutdown.
}

void UringBackend::Close(std::function<void()> on_closed) {
  Shutdown();
  if (!polling_) {
    on_closed();
    return;
  }
  on_closed_ = std::move(on_closed);
  polling_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), [](uv_handle_t* handle) {
    auto* self = static_cast<UringBackend*>(handle->data);
    std::function<void()> done = std::move(self->on_closed_);
    if (done) done();  // may destroy the backend (the port deletes itself): touch nothing after this
  });
}

}  // namespace tpio::uring

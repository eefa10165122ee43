// See tp_io_backend.h. Life of a read or write:
//   Submit (JS thread): handle from the fd; bind it to the pool on first use; OVERLAPPED in
//   Op::scratch; StartThreadpoolIo; ReadFile/WriteFile; then DecideAfterIssue() says whether a
//   callback will come or the result must be delivered now (with CancelThreadpoolIo).
//   Callback (pool thread): CompleteOverlapped -> Finish -> sink->Complete.
// Shutdown cancels every in-flight op with CancelIoEx and waits until each has been handed to the
// sink, so the port may free the op table and release the buffers right after.

#include "win/tp_io_backend.h"

#include <windows.h>

#include <atomic>

#include "core/errno.h"
#include "core/fault_injector.h"
#include "win/overlapped_op.h"
#include "win/tp_io_decision.h"
#include "win/tp_io_handles.h"
#include "win/tp_io_open.h"
#include "win/win_errno.h"

namespace tpio::win {

namespace {

struct Counters {
  std::atomic<uint64_t> threadpool_io{0};
  std::atomic<uint64_t> bound{0};
  std::atomic<uint64_t> completed_now{0};
  std::atomic<uint64_t> work{0};
  std::atomic<uint64_t> declined{0};
};
Counters g_counters;

Backend::SubmitResult Declined() {
  g_counters.declined.fetch_add(1, std::memory_order_relaxed);
  return Backend::SubmitResult::kDeclined;
}

// fsync/fdatasync and open run as simple pool callbacks (TrySubmitThreadpoolCallback).
VOID CALLBACK RunWork(PTP_CALLBACK_INSTANCE, PVOID context) {
  auto* state = static_cast<OverlappedOp*>(context);
  Op* op = state->op;
  int32_t result = 0;
  switch (op->kind) {
    case OpKind::kOpen:
      result = OpenFile(op->path, op->open_flags, op->mode, /*overlapped=*/true);
      break;
    case OpKind::kFsync:
    case OpKind::kFdatasync: {
      HANDLE handle = HandleFromFd(op->fd);
      if (handle == INVALID_HANDLE_VALUE) result = uv::kEbadf;
      else if (!FlushFileBuffers(handle)) result = TranslateWin32Error(GetLastError());
      break;
    }
    default:
      result = kErrNoSys;
  }
  state->backend->Finish(op, result);
}

}  // namespace

void CompleteOverlapped(OVERLAPPED* overlapped, DWORD io_result, ULONG_PTR bytes) {
  // OVERLAPPED is the first member of OverlappedOp, which lives in the op's scratch memory.
  auto* state = reinterpret_cast<OverlappedOp*>(overlapped);
  state->backend->Finish(state->op, ResultFromCompletion(io_result, bytes, state->is_read));
}

TpIoBackend::TpIoBackend(const BackendContext& context) : sink_(context.sink) {}

TpIoBackend::~TpIoBackend() { Shutdown(); }

void TpIoBackend::Track(Op* op) {
  op->state.store(OpState::kRunning, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mutex_);
  in_flight_.insert(op);
}

void TpIoBackend::Finish(Op* op, int32_t result) {
  {
    // Leave the in-flight set before the sink sees the op: once delivered, JavaScript may reuse
    // the slot (and this Op) for a new submission. `completing_` keeps Shutdown() waiting until
    // the sink call below has returned.
    std::lock_guard<std::mutex> lock(mutex_);
    in_flight_.erase(op);
    completing_++;
  }
  op->result = result;
  op->state.store(OpState::kDone, std::memory_order_release);
  sink_->Complete(&op, 1);
  std::lock_guard<std::mutex> lock(mutex_);
  if (--completing_ == 0 && in_flight_.empty()) drained_.notify_all();
}

Backend::SubmitResult TpIoBackend::Submit(Op* op) {
  // Overlapped I/O and pool work items are not interrupted by signals: a simulated interruption
  // (TPIO_FAULTS, test-only) is an attempt that did nothing, absorbed as the threads engine does.
  while (TakeInterrupt(op)) {
  }
  switch (op->kind) {
    case OpKind::kRead:
    case OpKind::kWrite:
      return SubmitTransfer(op);
    case OpKind::kOpen:
    case OpKind::kFsync:
    case OpKind::kFdatasync:
      return SubmitWork(op);
    default:
      // readv/writev, stat, truncate, close, ...: the threads engine's Windows calls handle them
      // (on overlapped handles too, without posting to the pool's port).
      return Declined();
  }
}

Backend::SubmitResult TpIoBackend::SubmitTransfer(Op* op) {
  const bool is_read = op->kind == OpKind::kRead;
  HANDLE handle = HandleFromFd(op->fd);
  if (handle == INVALID_HANDLE_VALUE) return Declined();  // the threads engine says EBADF
  HandleBinding binding;
  if (!AcquireBinding(handle, op->bound_callback, &binding)) return Declined();
  // Overlapped handles have no file position: "current position" is only meaningful for appends.
  if (op->position < 0 && !(binding.append && !is_read)) return Declined();

  OverlappedOp* state = ResetOverlapped(op);
  state->backend = this;
  state->handle = handle;
  state->is_read = is_read;
  if (binding.append && !is_read) {
    state->overlapped.Offset = 0xFFFFFFFF;  // write at end of file
    state->overlapped.OffsetHigh = 0xFFFFFFFF;
  } else {
    state->overlapped.Offset = static_cast<DWORD>(static_cast<uint64_t>(op->position) & 0xFFFFFFFF);
    state->overlapped.OffsetHigh = static_cast<DWORD>(static_cast<uint64_t>(op->position) >> 32);
  }
  Track(op);

  auto* io = static_cast<PTP_IO>(binding.io);
  const bool threadpool_io = binding.mode == BindMode::kThreadpoolIo;
  if (threadpool_io) StartThreadpoolIo(io);
  DWORD bytes = 0;
  BOOL ok = is_read ? ReadFile(handle, op->data, op->length, &bytes, &state->overlapped)
                    : WriteFile(handle, op->data, op->length, &bytes, &state->overlapped);
  IssueInput input{};
  input.call_succeeded = ok != FALSE;
  input.last_error = ok ? 0 : GetLastError();
  input.bytes = bytes;
  input.skip_on_success = binding.skip_on_success;
  input.is_read = is_read;
  input.threadpool_io = threadpool_io;
  // From here on the op may already be complete (the callback can run before ReadFile returns):
  // only the decision's own data is used.
  IssueDecision decision = DecideAfterIssue(input);
  (threadpool_io ? g_counters.threadpool_io : g_counters.bound).fetch_add(1, std::memory_order_relaxed);
  if (decision.action == IssueAction::kCompleteNow) {
    g_counters.completed_now.fetch_add(1, std::memory_order_relaxed);
    if (decision.cancel_threadpool_io) CancelThreadpoolIo(io);
    Finish(op, decision.result);
  }
  return SubmitResult::kAccepted;
}

Backend::SubmitResult TpIoBackend::SubmitWork(Op* op) {
  OverlappedOp* state = ResetOverlapped(op);
  state->backend = this;
  Track(op);
  if (!TrySubmitThreadpoolCallback(RunWork, state, static_cast<PTP_CALLBACK_ENVIRON>(CallbackEnvironment()))) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      in_flight_.erase(op);
    }
    return Declined();
  }
  g_counters.work.fetch_add(1, std::memory_order_relaxed);
  return SubmitResult::kAccepted;
}

void TpIoBackend::Cancel(Op* op) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (in_flight_.count(op) == 0) return;  // already finished: it completes with its real result
  OverlappedOp* state = OverlappedOf(op);
  // Work items (open, fsync) cannot be cancelled once queued; they complete with their result.
  if (state->handle != nullptr) CancelIoEx(state->handle, &state->overlapped);
}

void TpIoBackend::Shutdown() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (Op* op : in_flight_) {
    OverlappedOp* state = OverlappedOf(op);
    if (state->handle != nullptr) CancelIoEx(state->handle, &state->overlapped);
  }
  drained_.wait(lock, [this] { return in_flight_.empty() && completing_ == 0; });
}

void TpIoBackend::Close(std::function<void()> on_closed) {
  Shutdown();
  on_closed();
}

TpIoCounters ReadTpIoCounters() {
  TpIoCounters counters;
  counters.threadpool_io = g_counters.threadpool_io.load(std::memory_order_relaxed);
  counters.bound = g_counters.bound.load(std::memory_order_relaxed);
  counters.completed_now = g_counters.completed_now.load(std::memory_order_relaxed);
  counters.work = g_counters.work.load(std::memory_order_relaxed);
  counters.declined = g_counters.declined.load(std::memory_order_relaxed);
  return counters;
}

std::unique_ptr<Backend> CreateTpIoBackend(const BackendContext& context, std::string* error) {
  if (CallbackEnvironment() == nullptr) {
    *error = "the Win32 thread pool is not available";
    return nullptr;
  }
  return std::make_unique<TpIoBackend>(context);
}

}  // namespace tpio::win

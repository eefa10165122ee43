// Native port. Threading: everything here runs on the JS thread that owns the port, except
// Complete(), which pool threads call; it only touches remote_ (under mutex_) and uv_async_send().

#include "napi/port.h"

#include "core/errno.h"
#include "core/fault_injector.h"
#include "core/protocol.h"
#include "core/select_backend.h"
#include "napi/op_decoder.h"
#include "threadpool/blocking_ops.h"

namespace tpio::napi {

// core/errno.h spells libuv's numbers out so that engine code needs no uv.h; hold them to uv.h here
// (a wrong Windows EFAULT, -4084 = UV_EALREADY, once slipped through).
static_assert(kErrCanceled == UV_ECANCELED && kErrInval == UV_EINVAL && kErrFault == UV_EFAULT);
static_assert(kErrNoSys == UV_ENOSYS && kErrNoMem == UV_ENOMEM && kErrBadf == UV_EBADF);

namespace p = tpio::protocol;

Port* Port::Create(napi_env env, const std::string& backend, unsigned threads, unsigned entries, std::string* error) {
  auto* port = new Port(env, entries, threads);
  uv_loop_s* loop = nullptr;
  napi_get_uv_event_loop(env, &loop);
  BackendContext context{loop, port, threads, entries};
  BackendChoice choice = SelectBackend(backend, context);
  if (!choice.backend) {
    *error = choice.error;
    delete port;
    return nullptr;
  }
  port->backend_ = std::move(choice.backend);
  port->fallback_reason_ = std::move(choice.fallback_reason);
  uv_async_init(loop, &port->async_, OnAsync);
  port->async_.data = port;
  uv_unref(reinterpret_cast<uv_handle_t*>(&port->async_));
  port->open_handles_ = 1;
  napi_add_async_cleanup_hook(env, OnEnvCleanup, port, &port->cleanup_hook_);
  return port;
}

Port::Port(napi_env env, unsigned entries, unsigned threads)
    : env_(env), entries_(entries), threads_(threads), ops_(std::make_unique<Op[]>(entries)), closing_owned_(std::make_unique<bool[]>(entries)) {
  for (unsigned i = 0; i < entries; i++) ops_[i].slot = i;
  ready_.reserve(entries);
}

Port::~Port() = default;

void Port::Attach(napi_env env, napi_value submissions, napi_value completions, napi_value buffers, napi_value on_completions) {
  void* data = nullptr;
  size_t length = 0;
  napi_get_arraybuffer_info(env, submissions, &data, &length);
  submissions_ = static_cast<int32_t*>(data);
  napi_get_arraybuffer_info(env, completions, &data, &length);
  completions_ = static_cast<int32_t*>(data);
  napi_create_reference(env, submissions, 1, &submissions_ref_);
  napi_create_reference(env, completions, 1, &completions_ref_);
  napi_create_reference(env, buffers, 1, &buffers_ref_);
  napi_create_reference(env, on_completions, 0, &on_completions_ref_);
  napi_value name;
  napi_create_string_utf8(env, "tpio:completions", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, nullptr, name, &async_context_);
}

void Port::SetActive(bool active) {
  uint32_t count = 0;
  if (active) {
    // In flight: keep the loop alive and the JS side (which holds the buffers) reachable.
    uv_ref(reinterpret_cast<uv_handle_t*>(&async_));
    napi_reference_ref(env_, on_completions_ref_, &count);
  } else {
    uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
    napi_reference_unref(env_, on_completions_ref_, &count);
  }
}

Backend* Port::Fallback() {
  if (!fallback_) {
    uv_loop_s* loop = nullptr;
    napi_get_uv_event_loop(env_, &loop);
    fallback_ = SelectBackend("threads", BackendContext{loop, this, threads_, entries_}).backend;
  }
  return fallback_.get();
}

void Port::Submit(napi_env env, uint32_t count, const napi_value* views) {
  if (released_ || count == 0) return;
  if (count > entries_) count = entries_;
  // Each record's JS value comes either as a call argument (fast: all handles in one
  // napi_get_cb_info) or from the shared buffers array (one napi_get_element per record).
  napi_value buffers = nullptr;
  if (views == nullptr) napi_get_reference_value(env, buffers_ref_, &buffers);
  bool used_fallback = false;
  bool failed_early = false;
  size_t before = in_flight_;
  for (uint32_t i = 0; i < count; i++) {
    const int32_t* words = submissions_ + static_cast<size_t>(i) * p::kSubmissionWords;
    uint32_t slot = static_cast<uint32_t>(words[p::kWordSlot]);
    if (slot >= entries_) continue;  // cannot happen with lib/port.ts; never index out of bounds
    Op* op = &ops_[slot];
    if (op->state.load(std::memory_order_acquire) != OpState::kFree) continue;  // slot in use: refuse
    op->Reset();
    in_flight_++;
    napi_value value = nullptr;
    if (NeedsView(words[p::kWordOp])) {
      if (views != nullptr) value = views[i];
      else napi_get_element(env, buffers, i, &value);
    }
    int32_t error = DecodeOp(env, words, value, op);
    // Test-only (TPIO_FAULTS): fail the op without issuing it, or shorten it, on every engine.
    if (error == 0 && faults_.enabled()) error = faults_.Apply(op);
    if (error == 0 && op->kind == OpKind::kClose) closing_owned_[slot] = owned_fds_.erase(op->fd) > 0;
    if (error != 0) {
      op->result = error;
      op->state.store(OpState::kDone, std::memory_order_relaxed);
      ready_.push_back(op);
      failed_early = true;
      continue;
    }
    if (backend_->Submit(op) == Backend::SubmitResult::kAccepted) {
      op->backend = backend_.get();
    } else {
      op->backend = Fallback();
      op->backend->Submit(op);
      used_fallback = true;
      delegated_ops_++;
    }
  }
  if (before == 0 && in_flight_ > 0) SetActive(true);
  // The workers' share first: they start copying while the engine's own flush (io_uring_enter,
  // which copies cached data inline on this thread) runs.
  if (used_fallback) fallback_->Flush();
  backend_->Flush();
  // Early failures go through the normal completion path, on the next loop turn.
  if (failed_early) uv_async_send(&async_);
}

void Port::Cancel(uint32_t slot) {
  if (released_ || slot >= entries_) return;
  Op* op = &ops_[slot];
  OpState state = op->state.load(std::memory_order_acquire);
  if (state == OpState::kFree || state == OpState::kDone || op->backend == nullptr || op->cancel_requested) return;
  op->cancel_requested = true;
  op->backend->Cancel(op);
}

void Port::Complete(Op** ops, size_t count) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    remote_.insert(remote_.end(), ops, ops + count);
  }
  uv_async_send(&async_);  // coalesces: cheap when a wake-up is already pending
}

void Port::CompleteOnLoop(Op* op) { ready_.push_back(op); }

void Port::FlushOnLoop() { Deliver(); }

void Port::Resubmit(Op* op) {
  Backend* fallback = Fallback();
  op->backend = fallback;
  delegated_ops_++;
  fallback->Submit(op);
  fallback->Flush();
}

void Port::OnAsync(uv_async_t* handle) { static_cast<Port*>(handle->data)->Deliver(); }

void Port::Deliver() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!remote_.empty()) {
      ready_.insert(ready_.end(), remote_.begin(), remote_.end());
      remote_.clear();
    }
  }
  if (ready_.empty()) return;
  const size_t count = ready_.size();  // <= entries_: each in-flight op completes once
  for (size_t i = 0; i < count; i++) {
    Op* op = ready_[i];
    // Descriptor ownership (also while released: an open that finished during shutdown is ours).
    if (op->kind == OpKind::kOpen) [[unlikely]] {
      if (op->result >= 0) owned_fds_.insert(op->result);
    } else if (op->kind == OpKind::kClose && op->result == kErrCanceled && closing_owned_[op->slot]) [[unlikely]] {
      owned_fds_.insert(op->fd);  // cancelled before it ran: the descriptor is still open, still ours
    }
    if (!released_) {
      completions_[i * p::kCompletionWords] = static_cast<int32_t>(op->slot);
      completions_[i * p::kCompletionWords + 1] = op->result;
    }
    if ((op->engine_flags & kOpFlagDelegated) != 0) [[unlikely]] backend_->DelegatedDone(op);
    // Counted on delivery: the io_uring engine marks an op when it hands it over during its flush.
    if ((op->engine_flags & kOpFlagReadAhead) != 0) [[unlikely]] read_ahead_ops_++;
    op->iov_heap.reset();
    op->backend = nullptr;
    op->state.store(OpState::kFree, std::memory_order_release);
  }
  ready_.clear();
  in_flight_ -= count;
  if (released_) return;

  napi_handle_scope scope;
  napi_open_handle_scope(env_, &scope);
  napi_value callback = nullptr;
  napi_get_reference_value(env_, on_completions_ref_, &callback);
  if (in_flight_ == 0) SetActive(false);
  if (callback != nullptr) {
    napi_value global;
    napi_value argument;
    napi_value result;
    napi_get_global(env_, &global);
    napi_create_uint32(env_, static_cast<uint32_t>(count), &argument);
    // make_callback opens a callback scope, so microtasks (promise reactions) run when it returns.
    if (napi_make_callback(env_, async_context_, global, callback, 1, &argument, &result) == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env_, &exception);
      napi_fatal_exception(env_, exception);  // surfaces as 'uncaughtException', never silently
    }
  }
  napi_close_handle_scope(env_, scope);
}

void Port::OnEnvCleanup(napi_async_cleanup_hook_handle, void* data) {
  // The environment (a worker thread or the main thread) is going away with this port still open:
  // nothing may reach JavaScript again, and nothing may be in flight once its memory is freed.
  // Descriptors opened through it and never closed are closed too, as node's FileHandle does.
  static_cast<Port*>(data)->Release(/*close_owned=*/true);
}

void Port::Release(bool close_owned) {
  if (released_) return;
  released_ = true;
  if (owner_ != nullptr) *owner_ = nullptr;
  owner_ = nullptr;
  ShutdownAndClose(close_owned);
}

void Port::ShutdownAndClose(bool close_owned) {
  // Blocks until every accepted op has completed: buffers are about to be released.
  backend_->Shutdown();
  if (fallback_) fallback_->Shutdown();
  Deliver();  // drops what completed during shutdown (released_ is set), but keeps fd ownership
  // Only now: no op in flight can still use (or be about to open or close) one of these.
  if (close_owned) CloseOwnedDescriptors();
  if (on_completions_ref_) napi_delete_reference(env_, on_completions_ref_);
  if (submissions_ref_) napi_delete_reference(env_, submissions_ref_);
  if (completions_ref_) napi_delete_reference(env_, completions_ref_);
  if (buffers_ref_) napi_delete_reference(env_, buffers_ref_);
  on_completions_ref_ = submissions_ref_ = completions_ref_ = buffers_ref_ = nullptr;
  if (async_context_) napi_async_destroy(env_, async_context_);
  async_context_ = nullptr;
  open_handles_ += fallback_ ? 2 : 1;
  backend_->Close([this] { OnHandleClosed(); });
  if (fallback_) fallback_->Close([this] { OnHandleClosed(); });
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), [](uv_handle_t* handle) { static_cast<Port*>(handle->data)->OnHandleClosed(); });
}

void Port::CloseOwnedDescriptors() {
  // Synchronously, on this (ending) thread, through the threads engine's own close: the platform's
  // close(2), or on Windows the CRT descriptor with its thread-pool binding released first.
  for (int32_t fd : owned_fds_) {
    Op op;
    op.kind = OpKind::kClose;
    op.fd = fd;
    pool::RunBlocking(&op);
  }
  owned_fds_.clear();
}

void Port::OnHandleClosed() {
  if (--open_handles_ > 0) return;
  if (cleanup_hook_) napi_remove_async_cleanup_hook(cleanup_hook_);
  delete this;
}

}  // namespace tpio::napi

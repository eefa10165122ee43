#pragma once
// The native half of a Port: the op table, the engine (plus a lazily created threads engine for
// declined ops), the loop handle that brings completions back, and the one JS call per wake-up.
// It lives until its handles are closed, independently of the JS wrapper that drives it.

#include <node_api.h>
#include <uv.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/backend.h"
#include "core/fault_injector.h"

namespace tpio::napi {

class Port final : public CompletionSink {
 public:
  // Creates the port and its engine. On failure returns null with `error` set.
  static Port* Create(napi_env env, const std::string& backend, unsigned threads, unsigned entries, std::string* error);

  // The JS side: shared records, the buffers array and the completion function.
  void Attach(napi_env env, napi_value submissions, napi_value completions, napi_value buffers, napi_value on_completions);

  const char* BackendName() const { return backend_->Name(); }
  const std::string& FallbackReason() const { return fallback_reason_; }
  // Ops the port's engine handed to the threads engine (declined or re-run there); JS thread.
  uint64_t DelegatedOps() const { return delegated_ops_; }
  // Delivered reads that an engine marked read-ahead (kOpFlagReadAhead); JS thread.
  uint64_t ReadAheadOps() const { return read_ahead_ops_; }
  unsigned Entries() const { return entries_; }

  // JS thread: decode `count` records and hand them to the engine(s). `views` holds each record's
  // JS value (buffer, vector, stats or path) or is null to read them from the buffers array.
  void Submit(napi_env env, uint32_t count, const napi_value* views = nullptr);
  // JS thread: best-effort cancel of the op in `slot`.
  void Cancel(uint32_t slot);
  // JS thread: the caller takes `fd` (opened through this port) over, so the end of the environment
  // no longer closes it. Returns whether the port owned it.
  bool Disown(int32_t fd) { return owned_fds_.erase(fd) > 0; }
  // JS thread: stop everything, wait for in-flight ops, close handles, free this (asynchronously).
  // `close_owned`: the environment is ending, so also close the descriptors this port opened and
  // that were not closed through it (node's FileHandle closes its fd when its environment goes).
  void Release(bool close_owned = false);
  // The wrapper's pointer to this port, nulled when the environment releases the port first.
  void SetOwner(Port** owner) { owner_ = owner; }

  // CompletionSink
  void Complete(Op** ops, size_t count) override;
  void CompleteOnLoop(Op* op) override;
  void FlushOnLoop() override;
  void Resubmit(Op* op) override;

 private:
  Port(napi_env env, unsigned entries, unsigned threads);
  ~Port() override;

  static void OnAsync(uv_async_t* handle);
  static void OnEnvCleanup(napi_async_cleanup_hook_handle handle, void* data);
  Backend* Fallback();
  void Deliver();
  void ShutdownAndClose(bool close_owned);
  void CloseOwnedDescriptors();
  void OnHandleClosed();
  void SetActive(bool active);

  napi_env env_;
  unsigned entries_;
  // The `threads` option: the pool size of the engine itself when it is the threads engine, and of
  // the threads engine that Fallback() creates for the ops another engine hands over.
  const unsigned threads_;
  std::unique_ptr<Op[]> ops_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<Backend> fallback_;
  std::string fallback_reason_;
  uint64_t delegated_ops_ = 0;
  uint64_t read_ahead_ops_ = 0;

  int32_t* submissions_ = nullptr;
  int32_t* completions_ = nullptr;
  napi_ref submissions_ref_ = nullptr;
  napi_ref completions_ref_ = nullptr;
  napi_ref buffers_ref_ = nullptr;
  napi_ref on_completions_ref_ = nullptr;  // strong only while ops are in flight
  napi_async_context async_context_ = nullptr;
  napi_async_cleanup_hook_handle cleanup_hook_ = nullptr;

  uv_async_t async_;              // wakes the loop for completions from other threads
  size_t in_flight_ = 0;          // JS thread
  std::vector<Op*> ready_;        // JS thread: completed, not yet delivered
  std::mutex mutex_;
  std::vector<Op*> remote_;       // guarded by mutex_: completed on other threads
  bool released_ = false;
  int open_handles_ = 0;
  Port** owner_ = nullptr;
  // JS thread: descriptors returned by this port's opens and not yet closed through it. Never one
  // the caller passed in. A close takes its fd out when submitted (from then on the number may be
  // reused by a concurrent open) and puts it back if the close was cancelled before it ran.
  std::unordered_set<int32_t> owned_fds_;
  std::unique_ptr<bool[]> closing_owned_;  // per slot: that slot's close op took an owned fd out
  FaultInjector faults_;  // test-only, TPIO_FAULTS
};

}  // namespace tpio::napi

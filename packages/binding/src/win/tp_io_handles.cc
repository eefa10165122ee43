// See tp_io_handles.h. The table is leaked on purpose (never destroyed at process exit): pool
// callbacks may still run while static destructors do.

#include "win/tp_io_handles.h"

#include <windows.h>

#include <mutex>
#include <unordered_map>

#include "win/overlapped_op.h"

namespace tpio::win {

namespace {

// NtQueryInformationFile(FileModeInformation), resolved at run time from ntdll.
struct IoStatusBlock {
  union {
    LONG status;
    void* pointer;
  };
  ULONG_PTR information;
};
using NtQueryInformationFileFn = LONG(NTAPI*)(HANDLE, IoStatusBlock*, void*, ULONG, int);
constexpr int kFileModeInformation = 16;
constexpr ULONG kFileSynchronousIoAlert = 0x10;
constexpr ULONG kFileSynchronousIoNonalert = 0x20;

VOID CALLBACK OnThreadpoolIo(PTP_CALLBACK_INSTANCE, PVOID, PVOID overlapped, ULONG io_result, ULONG_PTR bytes, PTP_IO) {
  CompleteOverlapped(static_cast<OVERLAPPED*>(overlapped), io_result, bytes);
}

VOID CALLBACK OnBoundCompletion(DWORD error, DWORD bytes, LPOVERLAPPED overlapped) {
  CompleteOverlapped(overlapped, error, bytes);
}

class HandleTable {
 public:
  static HandleTable& Get() {
    static HandleTable* table = new HandleTable();
    return *table;
  }

  PTP_CALLBACK_ENVIRON environment() { return &environment_; }

  void Register(HANDLE handle, bool append) {
    PTP_IO stale = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      HandleBinding& binding = bindings_[handle];
      // CreateFileW just returned this value, so a binding still filed under it belongs to a handle
      // closed behind tpio's back (e.g. fs.closeSync on a descriptor tpio opened): drop it, or the
      // new handle would be mistaken for one already bound to the pool and never complete.
      if (binding.mode == BindMode::kThreadpoolIo) stale = static_cast<PTP_IO>(binding.io);
      binding = HandleBinding{};
      binding.append = append;
    }
    // Frees the TP_IO once its last callback (for the old handle) has returned.
    if (stale != nullptr) CloseThreadpoolIo(stale);
  }

  bool Acquire(HANDLE handle, bool bound_path, HandleBinding* out) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = bindings_.find(handle);
    if (it == bindings_.end()) {
      // Not opened by tpio: accept it only when its file object is overlapped and on disk.
      if (GetFileType(handle) != FILE_TYPE_DISK || !IsOverlappedHandle(handle)) return false;
      it = bindings_.emplace(handle, HandleBinding{}).first;
    }
    HandleBinding& binding = it->second;
    if (binding.mode == BindMode::kNone) {
      if (bound_path) {
        if (!BindIoCompletionCallback(handle, OnBoundCompletion, 0)) return false;
        binding.mode = BindMode::kBound;
      } else {
        PTP_IO io = CreateThreadpoolIo(handle, OnThreadpoolIo, nullptr, &environment_);
        if (io == nullptr) return false;
        binding.io = io;
        binding.mode = BindMode::kThreadpoolIo;
        // A read or write that completes at once then skips the port: the engine delivers it itself.
        binding.skip_on_success =
            SetFileCompletionNotificationModes(handle, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE) != FALSE;
      }
    }
    *out = binding;
    return true;
  }

  void Release(HANDLE handle) {
    HandleBinding binding;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = bindings_.find(handle);
      if (it == bindings_.end()) return;
      binding = it->second;
      bindings_.erase(it);
    }
    if (binding.mode == BindMode::kNone) return;
    CancelIoEx(handle, nullptr);
    if (binding.mode == BindMode::kThreadpoolIo) {
      auto* io = static_cast<PTP_IO>(binding.io);
      WaitForThreadpoolIoCallbacks(io, FALSE);
      CloseThreadpoolIo(io);
    }
  }

 private:
  HandleTable() {
    InitializeThreadpoolEnvironment(&environment_);
    HMODULE module = nullptr;
    // The pool takes a reference on this module while our callbacks run (the seeds' DLL remark).
    if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                           reinterpret_cast<LPCWSTR>(&OnThreadpoolIo), &module)) {
      SetThreadpoolCallbackLibrary(&environment_, module);
    }
  }

  std::mutex mutex_;
  std::unordered_map<HANDLE, HandleBinding> bindings_;
  TP_CALLBACK_ENVIRON environment_;
};

}  // namespace

bool IsOverlappedHandle(void* handle) {
  static const auto query = reinterpret_cast<NtQueryInformationFileFn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationFile")));
  if (query == nullptr) return false;
  IoStatusBlock status{};
  ULONG mode = 0;
  if (query(static_cast<HANDLE>(handle), &status, &mode, sizeof(mode), kFileModeInformation) != 0) return false;
  return (mode & (kFileSynchronousIoAlert | kFileSynchronousIoNonalert)) == 0;
}

void RegisterOverlappedHandle(void* handle, bool append) { HandleTable::Get().Register(static_cast<HANDLE>(handle), append); }

bool AcquireBinding(void* handle, bool bound_path, HandleBinding* binding) {
  return HandleTable::Get().Acquire(static_cast<HANDLE>(handle), bound_path, binding);
}

void ReleaseHandleBinding(void* handle) { HandleTable::Get().Release(static_cast<HANDLE>(handle)); }

void* CallbackEnvironment() { return HandleTable::Get().environment(); }

}  // namespace tpio::win

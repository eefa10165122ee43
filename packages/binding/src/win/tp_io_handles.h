#pragma once
// The process-wide table of handles bound to the Win32 thread pool. A handle can be associated
// with one completion port only, once, for its whole life: every port (the main thread's and each
// worker's) shares one binding per handle, and completions find their engine through the
// OVERLAPPED, never through the binding. Handle values are void* so this header needs no windows.h.

#include <cstdint>

namespace tpio::win {

enum class BindMode : uint8_t {
  kNone,           // overlapped, not bound yet
  kThreadpoolIo,   // CreateThreadpoolIo: StartThreadpoolIo before every ReadFile/WriteFile
  kBound,          // BindIoCompletionCallback: nothing per call
};

struct HandleBinding {
  BindMode mode = BindMode::kNone;
  void* io = nullptr;            // PTP_IO for kThreadpoolIo
  bool skip_on_success = false;  // FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is set on the handle
  bool append = false;           // opened with O_APPEND: writes go to the end of file
};

// A handle tpio opened itself with FILE_FLAG_OVERLAPPED. A binding still filed under the same value
// (its handle was closed behind tpio's back, e.g. fs.closeSync) is dropped here.
//
// Bindings are keyed by handle value and not re-verified per op (that would cost a system call per
// read). A stale binding met by a *synchronous* handle that reused the value is harmless as long as
// skip-on-success was set (it is, on NTFS and under Wine): the transfer completes synchronously and
// DecideAfterIssue delivers it at once. Close tpio-opened descriptors through tpio to avoid the case.
void RegisterOverlappedHandle(void* handle, bool append);

// Binds the handle on first use (with BindIoCompletionCallback when `bound_path`, otherwise with
// CreateThreadpoolIo; an existing binding of the other kind is reused, since a handle cannot be
// rebound). False when the handle cannot post completions (not overlapped, not a disk file, or the
// binding failed): the op must go to the threads engine.
bool AcquireBinding(void* handle, bool bound_path, HandleBinding* binding);

// Before the handle is closed: cancels its pending I/O, waits for its callbacks, closes the TP_IO.
void ReleaseHandleBinding(void* handle);

// True when the handle was opened for overlapped I/O (FILE_FLAG_OVERLAPPED): the kernel's file
// object has neither FILE_SYNCHRONOUS_IO_ALERT nor FILE_SYNCHRONOUS_IO_NONALERT.
bool IsOverlappedHandle(void* handle);

// The callback environment every pool object of this addon uses: it names this module as the
// callback library, so the DLL stays loaded while callbacks are outstanding (PTP_CALLBACK_ENVIRON).
void* CallbackEnvironment();

}  // namespace tpio::win

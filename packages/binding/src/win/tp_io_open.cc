// See tp_io_open.h. Flag translation follows libuv's fs__open (src/win/fs.c): every sharing mode
// (so that files can be renamed or deleted while open, as on POSIX), FILE_FLAG_BACKUP_SEMANTICS so
// that directories open, and ERROR_FILE_EXISTS under O_CREAT without O_EXCL reported as EISDIR.

#include "win/tp_io_open.h"

#include <windows.h>
#include <io.h>
#include <uv.h>

#include <memory>
#include <mutex>

#include "win/tp_io_handles.h"
#include "win/win_errno.h"

namespace tpio::win {

namespace {

// uv_fs_close needs a loop, though a call without a callback runs synchronously and touches only
// its request. One loop for the process, made on first use and never closed: a thread_local one
// was closed by the thread's exit, and on a worker thread that node is tearing down (its
// FileHandles closed by the port's cleanup hook on that thread) the exit then never finished
// (worker.terminate() hung under Wine whenever the worker held an open FileHandle); one per call
// made an I/O completion port per close. Not the JS thread's loop: its counters are that thread's.
// A failed uv_loop_init (no completion port to be had) is tried again at the next close rather than
// remembered, so that one bad moment does not fail every later close. The mutex is leaked as the
// handle table is: a close on another thread may still run while static destructors do.
uv_loop_t* SyncCallLoop() {
  static std::mutex* const mutex = new std::mutex();
  static uv_loop_t* loop = nullptr;
  std::lock_guard<std::mutex> lock(*mutex);
  if (loop == nullptr) {
    auto made = std::make_unique<uv_loop_t>();
    if (uv_loop_init(made.get()) == 0) loop = made.release();
  }
  return loop;
}

}  // namespace

bool Utf8ToWide(const char* utf8, wchar_t** out) {
  int length = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, nullptr, 0);
  if (length <= 0) return false;
  auto* wide = new wchar_t[static_cast<size_t>(length)];
  if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, wide, length) != length) {
    delete[] wide;
    return false;
  }
  *out = wide;
  return true;
}

int32_t TranslateOpenFlags(int32_t flags, uint32_t mode, bool overlapped, CreateFileParams* params) {
  DWORD access = 0;
  switch (flags & kOpenAccessMask) {
    case kOpenReadOnly:
      access = FILE_GENERIC_READ;
      break;
    case kOpenWriteOnly:
      access = FILE_GENERIC_WRITE;
      break;
    case kOpenReadWrite:
      access = FILE_GENERIC_READ | FILE_GENERIC_WRITE;
      break;
    default:
      return uv::kEinval;
  }
  if (flags & kOpenAppend) {
    access &= ~static_cast<DWORD>(FILE_WRITE_DATA);
    access |= FILE_APPEND_DATA;
  }
  DWORD share = (flags & kOpenExlock) ? 0 : (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE);

  DWORD disposition = 0;
  switch (flags & (kOpenCreate | kOpenExclusive | kOpenTruncate)) {
    case 0:
    case kOpenExclusive:
      disposition = OPEN_EXISTING;
      break;
    case kOpenCreate:
      disposition = OPEN_ALWAYS;
      break;
    case kOpenCreate | kOpenExclusive:
    case kOpenCreate | kOpenTruncate | kOpenExclusive:
      disposition = CREATE_NEW;
      break;
    case kOpenTruncate:
    case kOpenTruncate | kOpenExclusive:
      disposition = TRUNCATE_EXISTING;
      break;
    case kOpenCreate | kOpenTruncate:
      disposition = CREATE_ALWAYS;
      break;
    default:
      return uv::kEinval;
  }

  DWORD attributes = FILE_ATTRIBUTE_NORMAL;
  if (flags & kOpenCreate) {
    // A file created without write permission for its owner is created read-only, as libuv does
    // (the process umask applies first).
    int current_umask = _umask(0);
    _umask(current_umask);
    if (!((mode & ~static_cast<uint32_t>(current_umask)) & 0200)) attributes |= FILE_ATTRIBUTE_READONLY;
  }
  if (flags & kOpenTemporary) {
    attributes |= FILE_FLAG_DELETE_ON_CLOSE | FILE_ATTRIBUTE_TEMPORARY;
    access |= DELETE;
  }
  if (flags & kOpenShortLived) attributes |= FILE_ATTRIBUTE_TEMPORARY;
  switch (flags & (kOpenSequential | kOpenRandom)) {
    case 0:
      break;
    case kOpenSequential:
      attributes |= FILE_FLAG_SEQUENTIAL_SCAN;
      break;
    case kOpenRandom:
      attributes |= FILE_FLAG_RANDOM_ACCESS;
      break;
    default:
      return uv::kEinval;
  }
  if (flags & kOpenDirect) {
    // FILE_APPEND_DATA and FILE_FLAG_NO_BUFFERING cannot be combined: keep plain write access when
    // there is one, refuse a direct append-only open.
    if (access & FILE_APPEND_DATA) {
      if (!(access & FILE_WRITE_DATA)) return uv::kEinval;
      access &= ~static_cast<DWORD>(FILE_APPEND_DATA);
    }
    attributes |= FILE_FLAG_NO_BUFFERING;
  }
  if (flags & (kOpenDsync | kOpenSync)) attributes |= FILE_FLAG_WRITE_THROUGH;
  attributes |= FILE_FLAG_BACKUP_SEMANTICS;
  if (overlapped) attributes |= FILE_FLAG_OVERLAPPED;

  params->access = access;
  params->share = share;
  params->disposition = disposition;
  params->attributes = attributes;
  return 0;
}

int32_t OpenFile(const char* utf8_path, int32_t flags, uint32_t mode, bool overlapped) {
  CreateFileParams params;
  int32_t error = TranslateOpenFlags(flags, mode, overlapped, &params);
  if (error != 0) return error;
  wchar_t* raw_path = nullptr;
  if (!Utf8ToWide(utf8_path, &raw_path)) return uv::kEinval;
  std::unique_ptr<wchar_t[]> path(raw_path);
  HANDLE handle = CreateFileW(path.get(), params.access, params.share, nullptr, params.disposition, params.attributes, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    DWORD last = GetLastError();
    if (last == ERROR_FILE_EXISTS && (flags & kOpenCreate) && !(flags & kOpenExclusive)) return uv::kEisdir;
    return TranslateWin32Error(last);
  }
  int fd = uv_open_osfhandle(handle);
  if (fd < 0) {
    CloseHandle(handle);
    return uv::kEmfile;
  }
  if (overlapped) RegisterOverlappedHandle(handle, (flags & kOpenAppend) != 0);
  return fd;
}

void* HandleFromFd(int32_t fd) {
  if (fd < 0) return INVALID_HANDLE_VALUE;
  return uv_get_osfhandle(fd);
}

int32_t CloseFd(int32_t fd) {
  HANDLE handle = HandleFromFd(fd);
  if (handle == INVALID_HANDLE_VALUE) return uv::kEbadf;
  // Unbind from the thread pool first: pending I/O is cancelled and its callbacks drained, and a
  // later handle with the same value must not inherit this one's TP_IO.
  ReleaseHandleBinding(handle);
  uv_loop_t* loop = SyncCallLoop();
  if (loop == nullptr) return uv::kEnomem;
  uv_fs_t request;
  int result = uv_fs_close(loop, &request, fd, nullptr);
  uv_fs_req_cleanup(&request);
  return result < 0 ? result : 0;
}

}  // namespace tpio::win

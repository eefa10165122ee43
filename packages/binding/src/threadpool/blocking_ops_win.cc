// The blocking calls of the threads engine on Windows. Descriptors are node's CRT descriptors
// (converted with node's libuv: uv_get_osfhandle); positional reads and writes use an OVERLAPPED
// with an offset, as libuv's fs__read/fs__write do, which works on synchronous handles and on the
// overlapped handles win-tp opens alike. On an overlapped handle the OVERLAPPED carries an event
// whose low bit is set, so the completion is waited for here and never posted to the pool's port.

#include "threadpool/blocking_ops.h"

#include <windows.h>

#include <climits>
#include <memory>

#include "core/errno.h"
#include "core/fault_injector.h"
#include "core/stat_fields.h"
#include "win/tp_io_handles.h"
#include "win/tp_io_open.h"
#include "win/win_errno.h"

namespace tpio::pool {

namespace w = tpio::win;

namespace {

// One manual-reset event per worker thread for waiting on overlapped transfers.
class ThreadEvent {
 public:
  ThreadEvent() : event_(CreateEventW(nullptr, TRUE, FALSE, nullptr)) {}
  ~ThreadEvent() {
    if (event_ != nullptr) CloseHandle(event_);
  }
  ThreadEvent(const ThreadEvent&) = delete;
  ThreadEvent& operator=(const ThreadEvent&) = delete;
  HANDLE get() const { return event_; }

 private:
  HANDLE event_;
};

HANDLE ThreadEventHandle() {
  thread_local ThreadEvent event;
  return event.get();
}

// One ReadFile/WriteFile of at most `length` bytes. position >= 0: at that offset, without moving
// a synchronous handle's file pointer (pread semantics). position < 0: at the file pointer.
// Returns bytes, or a negative errno; reads at end of file return 0.
int64_t TransferOnce(HANDLE handle, bool overlapped_handle, bool is_read, void* data, DWORD length, int64_t position) {
  DWORD bytes = 0;
  BOOL ok;
  if (!overlapped_handle && position < 0) {
    ok = is_read ? ReadFile(handle, data, length, &bytes, nullptr) : WriteFile(handle, data, length, &bytes, nullptr);
  } else {
    LARGE_INTEGER zero{};
    LARGE_INTEGER saved{};
    // Synchronous handle: restore the file pointer a positional transfer moves (as libuv does).
    // Overlapped handle without a position: emulate one with the file pointer.
    bool restore = !overlapped_handle && SetFilePointerEx(handle, zero, &saved, FILE_CURRENT);
    bool advance = overlapped_handle && position < 0;
    if (advance) {
      if (!SetFilePointerEx(handle, zero, &saved, FILE_CURRENT)) return w::TranslateWin32Error(GetLastError());
      position = saved.QuadPart;
    }
    OVERLAPPED overlapped{};
    overlapped.Offset = static_cast<DWORD>(static_cast<uint64_t>(position) & 0xFFFFFFFF);
    overlapped.OffsetHigh = static_cast<DWORD>(static_cast<uint64_t>(position) >> 32);
    if (overlapped_handle) {
      HANDLE event = ThreadEventHandle();
      ResetEvent(event);
      // Low bit set: no completion packet is queued to the port the handle may be bound to.
      overlapped.hEvent = reinterpret_cast<HANDLE>(reinterpret_cast<uintptr_t>(event) | 1);
    }
    ok = is_read ? ReadFile(handle, data, length, &bytes, &overlapped) : WriteFile(handle, data, length, &bytes, &overlapped);
    if (!ok && GetLastError() == ERROR_IO_PENDING) ok = GetOverlappedResult(handle, &overlapped, &bytes, TRUE);
    DWORD error = ok ? 0 : GetLastError();
    if (restore) SetFilePointerEx(handle, saved, nullptr, FILE_BEGIN);
    if (advance && ok) {
      LARGE_INTEGER next;
      next.QuadPart = position + bytes;
      SetFilePointerEx(handle, next, nullptr, FILE_BEGIN);
    }
    SetLastError(error);
  }
  if (ok) return bytes;
  DWORD error = GetLastError();
  if (is_read && (error == ERROR_HANDLE_EOF || error == ERROR_BROKEN_PIPE)) return 0;
  return w::TranslateTransferError(error);
}

int32_t Clamp(int64_t value) { return value > INT32_MAX ? INT32_MAX : static_cast<int32_t>(value); }

// read/write/readv/writev: buffers in order, stopping at the first short or failed transfer (libuv's
// loop); a failure after some bytes reports the bytes.
int32_t Transfer(Op* op, bool is_read) {
  HANDLE handle = static_cast<HANDLE>(w::HandleFromFd(op->fd));
  if (handle == INVALID_HANDLE_VALUE) return w::uv::kEbadf;
  const bool overlapped_handle = w::IsOverlappedHandle(handle);
  IoVec single{op->data, op->length};
  const IoVec* buffers = op->iov != nullptr ? op->iov : &single;
  const uint32_t count = op->iov != nullptr ? op->iov_count : 1;
  int64_t total = 0;
  for (uint32_t i = 0; i < count; i++) {
    size_t length = buffers[i].length;
    if (length > UINT32_MAX) length = UINT32_MAX;
    int64_t position = op->position < 0 ? -1 : op->position + total;
    int64_t result = TransferOnce(handle, overlapped_handle, is_read, buffers[i].base, static_cast<DWORD>(length), position);
    if (result < 0) return total > 0 ? Clamp(total) : static_cast<int32_t>(result);
    total += result;
    if (static_cast<size_t>(result) < length || total >= INT32_MAX) break;
  }
  return Clamp(total);
}

// copy_file_range has no Windows counterpart: copy through a buffer, as libuv's uv_fs_sendfile does
// on Windows. Positions of -1 use (and advance) the descriptors' file positions.
int32_t CopyRange(Op* op) {
  HANDLE in = static_cast<HANDLE>(w::HandleFromFd(op->fd));
  HANDLE out = static_cast<HANDLE>(w::HandleFromFd(op->fd_out));
  if (in == INVALID_HANDLE_VALUE || out == INVALID_HANDLE_VALUE) return w::uv::kEbadf;
  const bool in_overlapped = w::IsOverlappedHandle(in);
  const bool out_overlapped = w::IsOverlappedHandle(out);
  constexpr DWORD kChunk = 64 * 1024;
  std::unique_ptr<char[]> buffer(new char[kChunk]);
  int64_t remaining = op->length64 > INT32_MAX ? INT32_MAX : op->length64;
  int64_t total = 0;
  while (remaining > 0) {
    DWORD want = remaining < kChunk ? static_cast<DWORD>(remaining) : kChunk;
    int64_t got = TransferOnce(in, in_overlapped, true, buffer.get(), want, op->position < 0 ? -1 : op->position + total);
    if (got < 0) return total > 0 ? Clamp(total) : static_cast<int32_t>(got);
    if (got == 0) break;
    int64_t put = 0;
    while (put < got) {
      int64_t wrote = TransferOnce(out, out_overlapped, false, buffer.get() + put, static_cast<DWORD>(got - put),
                                   op->position_out < 0 ? -1 : op->position_out + total + put);
      if (wrote <= 0) return total + put > 0 ? Clamp(total + put) : static_cast<int32_t>(wrote < 0 ? wrote : w::uv::kEio);
      put += wrote;
    }
    total += got;
    remaining -= got;
    if (got < want) break;
  }
  return Clamp(total);
}

// FILETIME (100 ns units since 1601) -> seconds since 1970, with the nanoseconds in *nsec.
int64_t FileTimeToNs(const LARGE_INTEGER& time, int64_t* nsec) {
  // 100 ns units since 1601-01-01 -> seconds since 1970-01-01.
  constexpr int64_t kEpochDelta = 116444736000000000LL;
  int64_t ticks = time.QuadPart - kEpochDelta;
  int64_t seconds = ticks / 10000000;
  int64_t remainder = ticks % 10000000;
  if (remainder < 0) {
    remainder += 10000000;
    seconds--;
  }
  *nsec = remainder * 100;
  return seconds;
}

// The fields as libuv's fs__stat_handle reports them, so that they equal node:fs's: permission bits
// from the read-only attribute only, blocks from the allocation size, a directory's size is 0.
int32_t StatHandle(HANDLE handle, int64_t* out, bool is_link) {
  BY_HANDLE_FILE_INFORMATION info;
  FILE_BASIC_INFO basic;
  FILE_STANDARD_INFO standard;
  if (!GetFileInformationByHandle(handle, &info) ||
      !GetFileInformationByHandleEx(handle, FileBasicInfo, &basic, sizeof(basic)) ||
      !GetFileInformationByHandleEx(handle, FileStandardInfo, &standard, sizeof(standard))) {
    return w::TranslateWin32Error(GetLastError());
  }
  int64_t mode = (basic.FileAttributes & FILE_ATTRIBUTE_READONLY) ? 0444 : 0666;
  int64_t size = standard.EndOfFile.QuadPart;
  if (is_link) {
    mode |= 0xA000;  // S_IFLNK
  } else if (standard.Directory) {
    mode |= 0x4000;  // S_IFDIR
    size = 0;
  } else {
    mode |= 0x8000;  // S_IFREG
  }
  out[kStatDev] = info.dwVolumeSerialNumber;
  out[kStatMode] = mode;
  out[kStatNlink] = standard.NumberOfLinks;
  out[kStatUid] = 0;
  out[kStatGid] = 0;
  out[kStatRdev] = 0;
  out[kStatBlksize] = 4096;
  out[kStatIno] = static_cast<int64_t>((static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow);
  out[kStatSize] = size;
  out[kStatBlocks] = static_cast<int64_t>(static_cast<uint64_t>(standard.AllocationSize.QuadPart) >> 9);
  out[kStatAtimeSec] = FileTimeToNs(basic.LastAccessTime, &out[kStatAtimeNsec]);
  out[kStatMtimeSec] = FileTimeToNs(basic.LastWriteTime, &out[kStatMtimeNsec]);
  out[kStatCtimeSec] = FileTimeToNs(basic.ChangeTime, &out[kStatCtimeNsec]);
  out[kStatBirthtimeSec] = FileTimeToNs(basic.CreationTime, &out[kStatBirthtimeNsec]);
  return 0;
}

int32_t StatPath(Op* op, bool follow) {
  wchar_t* raw_path = nullptr;
  if (!w::Utf8ToWide(op->path, &raw_path)) return w::uv::kEinval;
  std::unique_ptr<wchar_t[]> path(raw_path);
  DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | (follow ? 0 : FILE_FLAG_OPEN_REPARSE_POINT);
  HANDLE handle = CreateFileW(path.get(), FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                              nullptr, OPEN_EXISTING, flags, nullptr);
  if (handle == INVALID_HANDLE_VALUE) return w::TranslateWin32Error(GetLastError());
  bool is_link = false;
  if (!follow) {
    FILE_ATTRIBUTE_TAG_INFO tag;
    if (GetFileInformationByHandleEx(handle, FileAttributeTagInfo, &tag, sizeof(tag)) &&
        (tag.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) && tag.ReparseTag == IO_REPARSE_TAG_SYMLINK) {
      is_link = true;
    }
  }
  int32_t result = StatHandle(handle, op->stat_out, is_link);
  CloseHandle(handle);
  return result;
}

int32_t SetEndOfFile(HANDLE handle, int64_t length) {
  FILE_END_OF_FILE_INFO info;
  info.EndOfFile.QuadPart = length;
  if (!SetFileInformationByHandle(handle, FileEndOfFileInfo, &info, sizeof(info))) return w::TranslateWin32Error(GetLastError());
  return 0;
}

int32_t Allocate(Op* op, HANDLE handle) {
  // posix_fallocate semantics for mode 0: the file grows to cover [position, position + length).
  if (op->mode != 0) return w::uv::kEnotsup;
  LARGE_INTEGER size;
  if (!GetFileSizeEx(handle, &size)) return w::TranslateWin32Error(GetLastError());
  int64_t end = op->position + op->length64;
  return end > size.QuadPart ? SetEndOfFile(handle, end) : 0;
}

}  // namespace

int32_t RunBlocking(Op* op) {
  // Windows file calls are not interrupted by signals, so there is no EINTR to retry. A simulated
  // interruption (TPIO_FAULTS, test-only) is an attempt that did nothing: absorb it and make the
  // call, as the POSIX retry loop does.
  while (TakeInterrupt(op)) {
  }
  switch (op->kind) {
    case OpKind::kRead:
    case OpKind::kReadv:
      return Transfer(op, true);
    case OpKind::kWrite:
    case OpKind::kWritev:
      return Transfer(op, false);
    case OpKind::kOpen:
      return w::OpenFile(op->path, op->open_flags, op->mode, /*overlapped=*/false);
    case OpKind::kClose:
      return w::CloseFd(op->fd);
    case OpKind::kStat:
      return StatPath(op, true);
    case OpKind::kLstat:
      return StatPath(op, false);
    case OpKind::kCopyFileRange:
      return CopyRange(op);
    default:
      break;
  }
  HANDLE handle = static_cast<HANDLE>(w::HandleFromFd(op->fd));
  if (handle == INVALID_HANDLE_VALUE) return w::uv::kEbadf;
  switch (op->kind) {
    case OpKind::kFsync:
    case OpKind::kFdatasync:
      return FlushFileBuffers(handle) ? 0 : w::TranslateWin32Error(GetLastError());
    case OpKind::kFstat:
      return StatHandle(handle, op->stat_out, false);
    case OpKind::kFtruncate:
      return SetEndOfFile(handle, op->length64);
    case OpKind::kFallocate:
      return Allocate(op, handle);
    case OpKind::kStartWriteback:
      return 0;  // Windows has no call that starts writeback without waiting: the hint does nothing
    default:
      return kErrNoSys;
  }
}

}  // namespace tpio::pool

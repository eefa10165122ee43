#pragma once
// Opening files on Windows the way libuv's fs__open does (node's O_* flags are the CRT's values:
// O_RDONLY 0, O_WRONLY 1, O_RDWR 2, O_APPEND 8, O_CREAT 0x100, O_TRUNC 0x200, O_EXCL 0x400), and
// the descriptor <-> HANDLE conversions. Descriptors always live in node's own CRT table (node.exe
// links its CRT statically), so conversions go through node's exported libuv, never our CRT.

#include <cstdint>

namespace tpio::win {

// Node's O_* values on Windows (and UV_FS_O_* extensions libuv understands).
constexpr int32_t kOpenReadOnly = 0x0000;
constexpr int32_t kOpenWriteOnly = 0x0001;
constexpr int32_t kOpenReadWrite = 0x0002;
constexpr int32_t kOpenAccessMask = 0x0003;
constexpr int32_t kOpenAppend = 0x0008;
constexpr int32_t kOpenRandom = 0x0010;
constexpr int32_t kOpenSequential = 0x0020;
constexpr int32_t kOpenTemporary = 0x0040;
constexpr int32_t kOpenCreate = 0x0100;
constexpr int32_t kOpenTruncate = 0x0200;
constexpr int32_t kOpenExclusive = 0x0400;
constexpr int32_t kOpenShortLived = 0x1000;
constexpr int32_t kOpenDirect = 0x02000000;
constexpr int32_t kOpenDsync = 0x04000000;
constexpr int32_t kOpenSync = 0x08000000;
constexpr int32_t kOpenExlock = 0x10000000;

// CreateFileW's parameters for a set of O_* flags and a mode.
struct CreateFileParams {
  uint32_t access = 0;
  uint32_t share = 0;
  uint32_t disposition = 0;
  uint32_t attributes = 0;
};

// Returns 0, or a negative errno (EINVAL) for a combination Windows cannot express.
int32_t TranslateOpenFlags(int32_t flags, uint32_t mode, bool overlapped, CreateFileParams* params);

// Opens a UTF-8 path; returns a descriptor in node's CRT table or a negative errno. With
// `overlapped`, the handle is opened with FILE_FLAG_OVERLAPPED and registered with the win-tp
// handle table (so it can post completions to the thread pool).
int32_t OpenFile(const char* utf8_path, int32_t flags, uint32_t mode, bool overlapped);

// The HANDLE behind a descriptor of node's CRT table, or INVALID_HANDLE_VALUE (as void*).
void* HandleFromFd(int32_t fd);

// Closes a descriptor of node's CRT table (and its handle). 0 or a negative errno.
int32_t CloseFd(int32_t fd);

// UTF-8 -> UTF-16 for the W APIs; false on invalid UTF-8.
bool Utf8ToWide(const char* utf8, wchar_t** out);  // caller frees *out with delete[]

}  // namespace tpio::win

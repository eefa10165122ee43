// The Win32 -> errno table. The pairs follow libuv's uv_translate_sys_error (src/win/error.c), so
// that a failure reported by tpio carries the same code node:fs would report for it; only the file
// system relevant codes are listed (sockets never reach this engine).

#include "win/win_errno.h"

namespace tpio::win {

namespace {

struct Mapping {
  uint32_t win32;
  int32_t errno_value;
};

// Searched linearly: only failures are translated, never the hot path.
constexpr Mapping kTable[] = {
    {1, uv::kEisdir},          // ERROR_INVALID_FUNCTION (a read on a directory handle)
    {2, uv::kEnoent},          // ERROR_FILE_NOT_FOUND
    {3, uv::kEnoent},          // ERROR_PATH_NOT_FOUND
    {4, uv::kEmfile},          // ERROR_TOO_MANY_OPEN_FILES
    {5, uv::kEperm},           // ERROR_ACCESS_DENIED (libuv: EPERM, as node reports a denied open)
    {6, uv::kEbadf},           // ERROR_INVALID_HANDLE
    {8, uv::kEnomem},          // ERROR_NOT_ENOUGH_MEMORY
    {13, uv::kEinval},         // ERROR_INVALID_DATA
    {14, uv::kEnomem},         // ERROR_OUTOFMEMORY
    {15, uv::kEnoent},         // ERROR_INVALID_DRIVE
    {17, uv::kExdev},          // ERROR_NOT_SAME_DEVICE
    {19, uv::kErofs},          // ERROR_WRITE_PROTECT
    {23, uv::kEio},            // ERROR_CRC
    {31, uv::kEio},            // ERROR_GEN_FAILURE
    {32, uv::kEbusy},          // ERROR_SHARING_VIOLATION
    {33, uv::kEbusy},          // ERROR_LOCK_VIOLATION
    {39, uv::kEnospc},         // ERROR_HANDLE_DISK_FULL
    {50, uv::kEnotsup},        // ERROR_NOT_SUPPORTED
    {80, uv::kEexist},         // ERROR_FILE_EXISTS
    {82, uv::kEnospc},         // ERROR_CANNOT_MAKE
    {87, uv::kEinval},         // ERROR_INVALID_PARAMETER
    {109, uv::kEof},           // ERROR_BROKEN_PIPE
    {110, uv::kEio},           // ERROR_OPEN_FAILED
    {111, uv::kEfault},        // ERROR_BUFFER_OVERFLOW
    {112, uv::kEnospc},        // ERROR_DISK_FULL
    {122, uv::kEinval},        // ERROR_INSUFFICIENT_BUFFER
    {123, uv::kEnoent},        // ERROR_INVALID_NAME
    {145, uv::kEnotempty},     // ERROR_DIR_NOT_EMPTY
    {161, uv::kEnoent},        // ERROR_BAD_PATHNAME
    {183, uv::kEexist},        // ERROR_ALREADY_EXISTS
    {206, uv::kEnametoolong},  // ERROR_FILENAME_EXCED_RANGE
    {230, uv::kEpipe},         // ERROR_BAD_PIPE
    {232, uv::kEpipe},         // ERROR_NO_DATA
    {233, uv::kEpipe},         // ERROR_PIPE_NOT_CONNECTED
    {267, uv::kEnoent},        // ERROR_DIRECTORY
    {275, uv::kEnospc},        // ERROR_EA_TABLE_FULL
    {995, uv::kEcanceled},     // ERROR_OPERATION_ABORTED
    {998, uv::kEacces},        // ERROR_NOACCESS
    {1004, uv::kEbadf},        // ERROR_INVALID_FLAGS
    {1100, uv::kEnospc},       // ERROR_END_OF_MEDIA
    {1113, uv::kEcharset},     // ERROR_NO_UNICODE_TRANSLATION
    {1117, uv::kEio},          // ERROR_IO_DEVICE
    {1314, uv::kEperm},        // ERROR_PRIVILEGE_NOT_HELD
    {1464, uv::kEinval},       // ERROR_SYMLINK_NOT_SUPPORTED
    {1920, uv::kEacces},       // ERROR_CANT_ACCESS_FILE
    {1921, uv::kEloop},        // ERROR_CANT_RESOLVE_FILENAME
    {4390, uv::kEnoent},       // ERROR_INVALID_REPARSE_DATA (not a reparse point in the path)
    {740, uv::kEacces},        // ERROR_ELEVATION_REQUIRED
};

}  // namespace

int32_t TranslateWin32Error(uint32_t error) {
  if (error == kErrorSuccess) return 0;
  for (const Mapping& mapping : kTable) {
    if (mapping.win32 == error) return mapping.errno_value;
  }
  return uv::kUnknown;
}

int32_t TranslateTransferError(uint32_t error) {
  if (error == kErrorAccessDenied) return uv::kEbadf;
  return TranslateWin32Error(error);
}

}  // namespace tpio::win

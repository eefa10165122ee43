#pragma once
// Win32 error codes -> Node's negative errno numbers on Windows (libuv's fixed UV_E* codes, which
// util.getSystemErrorMap() resolves to names such as ENOENT). One table for the whole addon: the
// win-tp engine and the threads engine's Windows calls both translate through here.
//
// No Windows headers in this interface or its implementation: the error numbers are stable ABI, so
// the table also compiles (and is unit-tested) on Linux.

#include <cstdint>

namespace tpio::win {

// The Win32 error codes the engine itself branches on (winerror.h values).
constexpr uint32_t kErrorSuccess = 0;
constexpr uint32_t kErrorFileNotFound = 2;
constexpr uint32_t kErrorPathNotFound = 3;
constexpr uint32_t kErrorAccessDenied = 5;
constexpr uint32_t kErrorInvalidHandle = 6;
constexpr uint32_t kErrorHandleEof = 38;
constexpr uint32_t kErrorFileExists = 80;
constexpr uint32_t kErrorInvalidParameter = 87;
constexpr uint32_t kErrorBrokenPipe = 109;
constexpr uint32_t kErrorAlreadyExists = 183;
constexpr uint32_t kErrorOperationAborted = 995;
constexpr uint32_t kErrorIoPending = 997;
constexpr uint32_t kErrorNotFound = 1168;
constexpr uint32_t kErrorInvalidFlags = 1004;

// libuv's Windows error numbers (uv/errno.h, the branch taken when the CRT lacks the errno).
namespace uv {
constexpr int32_t kE2big = -4093;
constexpr int32_t kEacces = -4092;
constexpr int32_t kEagain = -4088;
constexpr int32_t kEbadf = -4083;
constexpr int32_t kEbusy = -4082;
constexpr int32_t kEcanceled = -4081;
constexpr int32_t kEcharset = -4080;
constexpr int32_t kEexist = -4075;
constexpr int32_t kEfault = -4074;
constexpr int32_t kEinval = -4071;
constexpr int32_t kEio = -4070;
constexpr int32_t kEisdir = -4068;
constexpr int32_t kEloop = -4067;
constexpr int32_t kEmfile = -4066;
constexpr int32_t kEnametoolong = -4064;
constexpr int32_t kEnoent = -4058;
constexpr int32_t kEnomem = -4057;
constexpr int32_t kEnospc = -4055;
constexpr int32_t kEnosys = -4054;
constexpr int32_t kEnotdir = -4052;
constexpr int32_t kEnotempty = -4051;
constexpr int32_t kEnotsup = -4049;
constexpr int32_t kEperm = -4048;
constexpr int32_t kEpipe = -4047;
constexpr int32_t kErofs = -4045;
constexpr int32_t kExdev = -4037;
constexpr int32_t kEof = -4095;
constexpr int32_t kUnknown = -4094;
}  // namespace uv

// GetLastError() / IoResult -> negative errno (UV_UNKNOWN for codes libuv does not name).
int32_t TranslateWin32Error(uint32_t error);

// The same for a failed ReadFile/WriteFile, as libuv's fs__read/fs__write report it: access denied
// on a data transfer means the handle lacks that access (EBADF, like read() on an O_WRONLY fd).
int32_t TranslateTransferError(uint32_t error);

}  // namespace tpio::win

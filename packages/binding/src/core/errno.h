#pragma once
// Negative error numbers in the platform's libuv numbering, for the few errors the engine itself
// reports (cancellation, bad arguments caught natively). Linux/macOS: -errno. Windows: uv's codes.

namespace tpio {

#ifdef _WIN32
constexpr int kErrCanceled = -4081;   // UV_ECANCELED
constexpr int kErrInval = -4071;      // UV_EINVAL
constexpr int kErrFault = -4074;      // UV_EFAULT (-4084 is UV_EALREADY)
constexpr int kErrNoSys = -4054;      // UV_ENOSYS
constexpr int kErrNoMem = -4057;      // UV_ENOMEM
constexpr int kErrBadf = -4083;       // UV_EBADF
constexpr int kErrNotSup = -4049;     // UV_ENOTSUP
#else
constexpr int kErrCanceled = -125;    // ECANCELED
constexpr int kErrInval = -22;        // EINVAL
constexpr int kErrFault = -14;        // EFAULT
constexpr int kErrNoSys = -38;        // ENOSYS
constexpr int kErrNoMem = -12;        // ENOMEM
constexpr int kErrBadf = -9;          // EBADF
constexpr int kErrNotSup = -95;       // EOPNOTSUPP
#endif

}  // namespace tpio

#pragma once
// The three io_uring system calls as thin wrappers (no liburing), plus errno naming for messages.
// Each returns the kernel's result, or a negative errno on failure (never touches errno's meaning).

#include <string>

#include "linux/uring_abi.h"

namespace tpio::uring {

int Setup(unsigned entries, Params* params);
int Enter(int ring_fd, unsigned to_submit, unsigned min_complete, unsigned flags);
int Register(int ring_fd, unsigned opcode, const void* arg, unsigned nr_args);

// "EPERM", "ENOSYS", ... (falls back to the number).
std::string ErrnoName(int error);

// Test hook: TPIO_TEST_URING_SETUP_ERRNO=EPERM|ENOSYS|ENOMEM makes every Setup() fail with that
// errno (read once per process), so that the fallback path can be tested on any kernel.
int ForcedSetupErrno();

}  // namespace tpio::uring

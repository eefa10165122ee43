// io_uring system calls. The numbers come from <sys/syscall.h>; they are the same on every
// architecture that has io_uring (425-427, from the unified syscall table), defined here if missing.

#include "linux/uring_syscalls.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif

namespace tpio::uring {

namespace {

int Result(long result) { return result < 0 ? -errno : static_cast<int>(result); }

struct ErrnoNameEntry {
  int error;
  const char* name;
};

constexpr ErrnoNameEntry kErrnoNames[] = {
    {EPERM, "EPERM"},   {ENOSYS, "ENOSYS"}, {ENOMEM, "ENOMEM"}, {EINVAL, "EINVAL"},
    {EFAULT, "EFAULT"}, {EMFILE, "EMFILE"}, {ENFILE, "ENFILE"}, {EACCES, "EACCES"},
    {EAGAIN, "EAGAIN"}, {EBUSY, "EBUSY"},   {EINTR, "EINTR"},   {EOPNOTSUPP, "EOPNOTSUPP"},
};

}  // namespace

int Setup(unsigned entries, Params* params) {
  int forced = ForcedSetupErrno();
  if (forced != 0) return -forced;
  return Result(syscall(__NR_io_uring_setup, entries, params));
}

int Enter(int ring_fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
  return Result(syscall(__NR_io_uring_enter, ring_fd, to_submit, min_complete, flags, nullptr, 0));
}

int Register(int ring_fd, unsigned opcode, const void* arg, unsigned nr_args) {
  return Result(syscall(__NR_io_uring_register, ring_fd, opcode, arg, nr_args));
}

std::string ErrnoName(int error) {
  for (const ErrnoNameEntry& entry : kErrnoNames) {
    if (entry.error == error) return entry.name;
  }
  return "errno " + std::to_string(error);
}

int ForcedSetupErrno() {
  // Read once: a function-local static is initialised thread-safely.
  static const int forced = [] {
    const char* value = std::getenv("TPIO_TEST_URING_SETUP_ERRNO");
    if (value == nullptr || *value == '\0') return 0;
    for (const ErrnoNameEntry& entry : kErrnoNames) {
      if (std::strcmp(entry.name, value) == 0) return entry.error;
    }
    int number = std::atoi(value);
    return number > 0 ? number : EPERM;
  }();
  return forced;
}

}  // namespace tpio::uring

// The blocking calls of the threads engine on POSIX systems. EINTR is retried (as libuv's uv_fs_*
// do), so callers never see it; every other failure is returned as a negative errno.

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "threadpool/blocking_ops.h"

#include <cerrno>
#include <climits>
#include <cstddef>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/fault_injector.h"
#include "core/read_bounce.h"
#include "core/stat_fields.h"
#include "threadpool/bounced_read.h"

namespace tpio::pool {

static_assert(sizeof(IoVec) == sizeof(struct iovec), "IoVec must match struct iovec");
static_assert(offsetof(IoVec, base) == offsetof(struct iovec, iov_base), "IoVec::base offset");
static_assert(offsetof(IoVec, length) == offsetof(struct iovec, iov_len), "IoVec::length offset");

namespace {

// Runs `call` until it is not interrupted. A test build under TPIO_FAULTS may plan simulated
// interruptions on the op: such an attempt reports EINTR without making the call, exactly what a
// signal arriving before any data moved does, and goes around the same loop.
template <typename Call>
int64_t Retry(Op* op, Call call) {
  for (;;) {
    int64_t result;
    if (TakeInterrupt(op)) {
      result = -1;
      errno = EINTR;
    } else {
      result = call();
    }
    if (result >= 0) return result;
    if (errno != EINTR) return -errno;
  }
}

int32_t Clamp(int64_t result) {
  // Results are at most kIoMaxLength (2^31-1) bytes, as node:fs limits requests.
  return result > INT32_MAX ? INT32_MAX : static_cast<int32_t>(result);
}

int32_t StatPath(Op* op, bool follow) {
#ifdef __linux__
  struct statx buffer;
  int flags = follow ? 0 : AT_SYMLINK_NOFOLLOW;
  const char* path = op->path;
  int dirfd = AT_FDCWD;
  if (op->kind == OpKind::kFstat) {
    path = "";
    dirfd = op->fd;
    flags = AT_EMPTY_PATH;
  }
  int64_t result = Retry(op, [&] { return statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_BTIME, &buffer); });
  if (result < 0) return static_cast<int32_t>(result);
  FillStatFromStatx(op->stat_out, buffer);
  return 0;
#else
  struct stat buffer;
  int64_t result;
  if (op->kind == OpKind::kFstat) result = Retry(op, [&] { return fstat(op->fd, &buffer); });
  else if (follow) result = Retry(op, [&] { return stat(op->path, &buffer); });
  else result = Retry(op, [&] { return lstat(op->path, &buffer); });
  if (result < 0) return static_cast<int32_t>(result);
  FillStatFromStat(op->stat_out, buffer);
  return 0;
#endif
}

int32_t CopyRange(Op* op) {
#ifdef __linux__
  off_t in = op->position;
  off_t out = op->position_out;
  size_t length = op->length64 > INT32_MAX ? INT32_MAX : static_cast<size_t>(op->length64);
  int64_t result = Retry(op, [&] {
    return copy_file_range(op->fd, op->position < 0 ? nullptr : &in, op->fd_out,
                           op->position_out < 0 ? nullptr : &out, length, 0);
  });
  return Clamp(result);
#else
  (void)op;
  return -ENOSYS;
#endif
}

int32_t Allocate(Op* op) {
#ifdef __linux__
  return static_cast<int32_t>(Retry(op, [&] { return fallocate(op->fd, static_cast<int>(op->mode), op->position, op->length64); }));
#else
  int error = posix_fallocate(op->fd, op->position, op->length64);
  return -error;
#endif
}

// Starts writeback of the range's dirty pages and returns without waiting for it (a later fsync has
// less left to do). Elsewhere there is no such call: the hint does nothing beyond checking the fd.
int32_t StartWriteback(Op* op) {
#ifdef __linux__
  return static_cast<int32_t>(Retry(op, [&] {
    return sync_file_range(op->fd, op->position, op->length64, SYNC_FILE_RANGE_WRITE);
  }));
#else
  return fcntl(op->fd, F_GETFD) < 0 ? -errno : 0;
#endif
}

}  // namespace

int32_t RunBlocking(Op* op) {
  const int fd = op->fd;
  const off_t position = op->position;
  switch (op->kind) {
    case OpKind::kRead:
      if (ReadWouldAlias(op->data, position, op->length)) {
        bool bounced = false;
        const int32_t result = Clamp(Retry(op, [&] { return BouncedPread(fd, op->data, op->length, position, 0, &bounced); }));
        if (bounced) CountBouncedRead();  // once, after any retried interruptions
        return result;
      }
      return Clamp(Retry(op, [&] {
        return position < 0 ? read(fd, op->data, op->length) : pread(fd, op->data, op->length, position);
      }));
    case OpKind::kWrite:
      return Clamp(Retry(op, [&] {
        return position < 0 ? write(fd, op->data, op->length) : pwrite(fd, op->data, op->length, position);
      }));
    case OpKind::kReadv: {
      auto* iov = reinterpret_cast<const struct iovec*>(op->iov);
      // Reads may be capped at IOV_MAX buffers (a short read); writes must not be silently cut.
      int count = static_cast<int>(op->iov_count > IOV_MAX ? IOV_MAX : op->iov_count);
      return Clamp(Retry(op, [&] { return position < 0 ? readv(fd, iov, count) : preadv(fd, iov, count, position); }));
    }
    case OpKind::kWritev: {
      auto* iov = reinterpret_cast<const struct iovec*>(op->iov);
      if (op->iov_count > IOV_MAX) return -EINVAL;
      int count = static_cast<int>(op->iov_count);
      return Clamp(Retry(op, [&] { return position < 0 ? writev(fd, iov, count) : pwritev(fd, iov, count, position); }));
    }
    case OpKind::kFsync:
      return static_cast<int32_t>(Retry(op, [&] { return fsync(fd); }));
    case OpKind::kFdatasync:
#ifdef __APPLE__
      return static_cast<int32_t>(Retry(op, [&] { return fsync(fd); }));
#else
      return static_cast<int32_t>(Retry(op, [&] { return fdatasync(fd); }));
#endif
    case OpKind::kOpen:
      return static_cast<int32_t>(Retry(op, [&] { return open(op->path, op->open_flags | O_CLOEXEC, op->mode); }));
    case OpKind::kClose: {
      // close(2) must not be retried on EINTR: the descriptor is gone either way.
      int result = close(fd);
      return result < 0 && errno != EINTR ? -errno : 0;
    }
    case OpKind::kFstat:
      return StatPath(op, true);
    case OpKind::kStat:
      return StatPath(op, true);
    case OpKind::kLstat:
      return StatPath(op, false);
    case OpKind::kFtruncate:
      return static_cast<int32_t>(Retry(op, [&] { return ftruncate(fd, op->length64); }));
    case OpKind::kFallocate:
      return Allocate(op);
    case OpKind::kCopyFileRange:
      return CopyRange(op);
    case OpKind::kStartWriteback:
      return StartWriteback(op);
  }
  return -ENOSYS;
}

}  // namespace tpio::pool

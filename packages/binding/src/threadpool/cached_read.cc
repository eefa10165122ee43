// See cached_read.h. Only whole answers are taken: the requested length, 0 at the end of the file,
// or fewer bytes followed by a second RWF_NOWAIT read that finds the end of the file. Anything
// else (EAGAIN: not cached, a short count that is not the end, ESPIPE, any error) goes to a worker,
// which reads the whole range again and reports exactly what a blocking pread reports.

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "threadpool/cached_read.h"

#include "core/read_bounce.h"
#include "threadpool/bounced_read.h"

#include <atomic>

#ifdef __linux__
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sys/uio.h>
#endif

namespace tpio::pool {

#if defined(__linux__) && defined(RWF_NOWAIT)

namespace {

// Cleared for the whole process when preadv2 itself is missing (ENOSYS: an old kernel or a seccomp
// filter), since every later call would fail the same way. EOPNOTSUPP (RWF_NOWAIT unknown, or not
// supported by this file's filesystem) is per file and fails before any work: it only costs the
// call. Relaxed: a stale true only costs one more failed attempt.
std::atomic<bool> g_supported{true};

// TPIO_THREADS_CACHED_READS=0 sends every read to the workers, as before this path existed.
bool Enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("TPIO_THREADS_CACHED_READS");
    return value == nullptr || std::strcmp(value, "0") != 0;
  }();
  return enabled;
}

// One preadv2 with RWF_NOWAIT; -errno on failure.
int64_t PreadNowait(int fd, void* data, size_t length, int64_t position) {
  struct iovec iov = {data, length};
  ssize_t result = preadv2(fd, &iov, 1, position, RWF_NOWAIT);
  return result >= 0 ? result : -errno;
}

// PreadNowait, through the bounce buffer where the destination would alias (`*bounced` as
// BouncedPread sets it).
int64_t ReadNowait(int fd, void* data, size_t length, int64_t position, bool* bounced) {
  *bounced = false;
  if (!ReadWouldAlias(data, position, length)) return PreadNowait(fd, data, length, position);
  int64_t result = BouncedPread(fd, data, length, position, RWF_NOWAIT, bounced);
  return result >= 0 ? result : -errno;
}

// What both kinds of candidate need: a plain read at an explicit position that no other engine
// handed over so that a worker copies it (the io_uring engine's share of small reads, its large
// reads in flight together: this thread already copies its own part), and the call available.
// Test builds plan simulated interruptions on an op (TPIO_FAULTS); the worker's retry loop takes them.
bool MayTry(const Op& op) {
  if (op.kind != OpKind::kRead || op.position < 0 || (op.engine_flags & kOpFlagDelegated) != 0) return false;
  return op.interrupts == 0 && Enabled() && g_supported.load(std::memory_order_relaxed);
}

}  // namespace

bool IsCachedReadCandidate(const Op& op) { return op.length < kLargeTransfer && MayTry(op); }

bool IsLargeCachedReadCandidate(const Op& op) {
  return op.length >= kLargeTransfer && (op.engine_flags & kOpFlagReadAhead) == 0 && MayTry(op);
}

bool TryCachedRead(Op* op) {
  bool bounced = false;
  int64_t result = ReadNowait(op->fd, op->data, op->length, op->position, &bounced);
  if (result < 0) {
    if (result == -ENOSYS) g_supported.store(false, std::memory_order_relaxed);
    return false;
  }
  if (result > 0 && result < op->length) {
    // Short: the end of the file, or only part of the range cached. Another cached read says which
    // (0 at the end; EAGAIN, or bytes if the file just grew, and the worker reads it all again).
    char probe;
    if (PreadNowait(op->fd, &probe, 1, op->position + result) != 0) return false;
  }
  // Counted only here, with the result kept: a failed attempt is repeated by a worker, which counts it.
  if (bounced) CountBouncedRead();
  op->result = static_cast<int32_t>(result);
  return true;
}

#else

bool IsCachedReadCandidate(const Op& /*op*/) { return false; }
bool IsLargeCachedReadCandidate(const Op& /*op*/) { return false; }
bool TryCachedRead(Op* /*op*/) { return false; }

#endif

}  // namespace tpio::pool

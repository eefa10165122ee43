#pragma once
// The threads engine's positioned read through a bounce buffer (POSIX), for destinations the
// kernel would copy slowly (core/read_bounce.h). The range is read in pieces of up to 1 MiB into a
// buffer of the calling thread's own, each copied out before the next.

#include <cstddef>
#include <cstdint>

namespace tpio::pool {

// Reads up to `length` bytes at `position` into `data` as one pread (`flags` 0) or one preadv2
// with `flags` (Linux: RWF_NOWAIT) would: returns the byte count, short at the end of the file or
// where a piece came back short, or -1 with errno set when the first piece fails. A failure after
// some bytes arrived returns those bytes, as the kernel does for a read that fails part-way.
// `*bounced` says whether the bounce buffer was used (it is not when it could not be allocated).
// Callers count the read (CountBouncedRead) once its result is final, so that a cached attempt
// the worker then repeats, or a retried interruption, counts once.
int64_t BouncedPread(int fd, void* data, size_t length, int64_t position, int flags, bool* bounced);

}  // namespace tpio::pool

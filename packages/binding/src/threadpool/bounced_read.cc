// See bounced_read.h.

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "threadpool/bounced_read.h"

#include <algorithm>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/read_bounce.h"

namespace tpio::pool {

namespace {

// Piece size. Each pread has a fixed cost that weighs more than where the copy-out reads from: on
// the development VM (1 MiB of L2 per core) a C loop bouncing 1 MiB reads ran at 10.9-11.6 GB/s
// in one piece against 8.3-8.6 in 256 KiB pieces, and a threads-engine BYOB reader used ~7% less
// CPU per MiB (ADR 0010). Larger reads than this still go in pieces, to bound each thread's buffer.
constexpr size_t kPiece = 1024 * 1024;

int64_t ReadPiece(int fd, char* data, size_t length, int64_t position, int flags) {
#ifdef __linux__
  if (flags != 0) {
    struct iovec iov = {data, length};
    return preadv2(fd, &iov, 1, position, flags);
  }
#endif
  (void)flags;
  return pread(fd, data, length, position);
}

}  // namespace

int64_t BouncedPread(int fd, void* data, size_t length, int64_t position, int flags, bool* bounced) {
  // One per thread: workers, and the JS thread for the cached large reads it answers itself.
  thread_local BounceBuffer bounce(kPiece);
  char* staging = bounce.Place(position);
  *bounced = staging != nullptr;
  if (staging == nullptr) return ReadPiece(fd, static_cast<char*>(data), length, position, flags);
  auto* out = static_cast<char*>(data);
  size_t done = 0;
  while (done < length) {
    const size_t want = std::min(kPiece, length - done);
    // Every piece starts at a position that is a multiple of kPiece past the first, so the
    // staging area's offset in its cache line still matches.
    const int64_t got = ReadPiece(fd, staging, want, position + static_cast<int64_t>(done), flags);
    if (got < 0) return done == 0 ? -1 : static_cast<int64_t>(done);  // errno as the call left it
    CopyWithoutAliasing(out + done, staging, static_cast<size_t>(got));
    done += static_cast<size_t>(got);
    if (static_cast<size_t>(got) < want) break;  // the end of the file, or what was cached
  }
  return static_cast<int64_t>(done);
}

}  // namespace tpio::pool

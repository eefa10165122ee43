#pragma once
// A small positioned read whose bytes are already in the page cache, done on the JS thread instead
// of a worker (Linux: preadv2 with RWF_NOWAIT, which copies cached data and never waits for the
// disk). Handing a 4 KiB cached read to a worker costs two cross-thread wake-ups, far more than
// the copy itself; io_uring gets the same effect by completing cached reads inside io_uring_enter.
// Large reads are tried too, but only the last of several in one batch (ThreadpoolBackend::Flush).

#include "core/op.h"

namespace tpio::pool {

// Whether `op` may be tried: a plain read below kLargeTransfer at an explicit position, on a
// platform that has the call, and not turned off (TPIO_THREADS_CACHED_READS=0).
bool IsCachedReadCandidate(const Op& op);

// Whether `op` may be tried as a large one: a plain read of kLargeTransfer or more at an explicit
// position, not handed over by another engine, not read-ahead, on a platform that has the call.
bool IsLargeCachedReadCandidate(const Op& op);

// JS thread. Reads `op` (a candidate, see above) if its bytes are cached, setting op->result to
// the byte count, and returns true; returns false, with nothing decided, when a worker must run it
// (not cached, not a file, a platform without RWF_NOWAIT).
bool TryCachedRead(Op* op);

}  // namespace tpio::pool

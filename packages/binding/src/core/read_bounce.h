#pragma once
// Reads into a caller's buffer that the kernel would copy slowly, taken through a bounce buffer.
//
// Why: the kernel copies page-cache data with `rep movsb`, and on x86 cores that copy runs 1.5-3x
// slower when the destination sits 1-31 bytes past the source modulo 4 KiB (4K aliasing; measured
// in napi/read_alignment.cc and ADR 0009). Buffers that tpio allocates are placed out of that zone,
// but a caller's own buffer cannot be moved: a `new ArrayBuffer(1 MiB)` or `Buffer.alloc(1 MiB)` is
// a glibc mmap block whose data starts 16 bytes into a page, exactly in the zone for every
// page-aligned file position. For such reads the engines let the kernel copy into a buffer of their
// own placed at the source's offset (full speed), then copy that into the caller's memory with
// vector moves (AVX2, else SSE2), which the aliasing does not slow much. Two copies, the second
// from cache, measured faster than the one slow copy (ADR 0010).

#include <cstddef>
#include <cstdint>

namespace tpio {

// Whether a read of `length` bytes at file `position` into `data` goes through a bounce buffer:
// on x86-64 only (the effect belongs to those cores), for reads of kLargeTransfer bytes or more
// (below that the copy is short next to the call), when `data` is 1-31 bytes past `position`
// modulo 4096. TPIO_READ_BOUNCE=0 turns it off for the process.
bool ReadWouldAlias(const void* data, int64_t position, size_t length);

// Copies `length` bytes with unaligned vector loads and stores, 32 bytes wide where the CPU has
// AVX2 and 16 otherwise (never `rep movsb`, whose speed depends on the same aliasing). Plain memcpy
// where the platform has no such moves.
void CopyWithoutAliasing(void* destination, const void* source, size_t length);

// Counts one read whose result came through a bounce buffer (any engine, any thread), and the total
// so far for diagnostics (`probe().bouncedReads`). Called once per read, where its result is final:
// an attempt that another path repeats (a cached read a worker redoes, a ring read handed on) is
// counted by that path only.
void CountBouncedRead();
uint64_t BouncedReads();

// A bounce buffer: `capacity` bytes reachable from any 64-byte offset, allocated on first use and
// page-aligned so that a position's offset within a cache line can be matched. Owned by one thread
// at a time (a worker, or the JS thread through an engine).
class BounceBuffer {
 public:
  explicit BounceBuffer(size_t capacity) : capacity_(capacity) {}
  ~BounceBuffer();
  BounceBuffer(const BounceBuffer&) = delete;
  BounceBuffer& operator=(const BounceBuffer&) = delete;

  // Where a read at `position` should land: equal to `position` modulo 64, with `capacity()` bytes
  // of room. Null if the memory could not be allocated (the caller then reads directly).
  char* Place(int64_t position);
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  char* memory_ = nullptr;
};

}  // namespace tpio

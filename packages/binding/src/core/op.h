#pragma once
// The platform-neutral description of one I/O operation: what JavaScript asked for (decoded from
// a submission record) and what the engine reports back. Backends read it; none of them sees N-API.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace tpio {

// Operation codes. The numbers are part of the JS<->native protocol (lib/protocol.ts mirrors them).
enum class OpKind : uint8_t {
  kRead = 1,
  kWrite = 2,
  kReadv = 3,
  kWritev = 4,
  kFsync = 5,
  kFdatasync = 6,
  kOpen = 7,           // path, open_flags, mode -> result is the new fd
  kClose = 8,          // fd
  kFstat = 9,          // fd -> stat_out
  kStat = 10,          // path -> stat_out (follows symlinks)
  kLstat = 11,         // path -> stat_out
  kFtruncate = 12,     // fd, length64
  kFallocate = 13,     // fd, position, length64, mode
  kCopyFileRange = 14, // fd -> fd_out, position -> position_out, length64 -> result bytes copied
  kStartWriteback = 15, // fd, position, length64 (0: to the end of the file); a hint, result 0
};
constexpr int kOpKindMax = 15;

// Number of int64 fields written to stat_out, in Node's order: dev, mode, nlink, uid, gid, rdev,
// blksize, ino, size, blocks, then sec/nsec pairs for atime, mtime, ctime, birthtime.
constexpr int kStatFields = 18;

// A view of caller memory. Same shape as POSIX struct iovec (asserted where both are visible).
struct IoVec {
  void* base;
  size_t length;
};

// Lifecycle of an op inside a backend. Transitions are CAS'd so that a cancel racing a worker that
// picks the op up decides exactly one winner.
enum class OpState : uint32_t {
  kFree = 0,
  kQueued = 1,   // accepted by a backend, not yet running
  kRunning = 2,  // a worker or the kernel owns the memory
  kDone = 3,     // result is final; waiting for delivery to JS
};

class Backend;

struct Op {
  OpKind kind = OpKind::kRead;
  Backend* backend = nullptr;  // the engine that accepted the op (JS thread only)
  uint32_t slot = 0;          // index in the port's op table; echoed in the completion record
  int32_t fd = -1;
  int64_t position = -1;      // -1 means "the file's current position" (read/write/readv/writev)

  // read / write: one contiguous range of caller memory.
  void* data = nullptr;
  uint32_t length = 0;

  // readv / writev: iov points at iov_inline or iov_heap.
  IoVec* iov = nullptr;
  uint32_t iov_count = 0;
  static constexpr uint32_t kInlineIov = 8;
  IoVec iov_inline[kInlineIov] = {};
  std::unique_ptr<IoVec[]> iov_heap;

  // open / stat / lstat: a NUL-terminated path owned by a JS Buffer kept alive by the JS request.
  const char* path = nullptr;
  int32_t open_flags = 0;
  uint32_t mode = 0;          // open mode; fallocate mode

  int64_t length64 = 0;       // ftruncate / fallocate / copy_file_range / start-writeback length
  int32_t fd_out = -1;        // copy_file_range destination
  int64_t position_out = -1;  // copy_file_range destination offset

  int64_t* stat_out = nullptr;  // kStatFields int64s in caller memory

  // Outcome: >= 0 is bytes transferred (or the new fd for open), < 0 is a negative errno in the
  // platform's libuv numbering (Linux: -errno; Windows: uv's fixed negative codes).
  int32_t result = 0;
  std::atomic<OpState> state{OpState::kFree};
  bool cancel_requested = false;  // JS thread only
  // Issued through port.read/port.write on a descriptor bound with bindIoCompletionCallback (the
  // Windows engine then uses BindIoCompletionCallback for the handle). Other engines ignore it.
  bool bound_callback = false;
  // Engine-private marks for the op's lifetime (io_uring: a large transfer), plus the shared
  // kOpFlagDelegated and kOpFlagReadAhead.
  uint8_t engine_flags = 0;
  // Test-only (TPIO_FAULTS): simulated interruptions left before the op may really run. The engine
  // that runs the op consumes them in its EINTR retry path (core/fault_injector.h, TakeInterrupt).
  uint8_t interrupts = 0;

  // Backend-private bytes that live exactly as long as the op (struct statx for io_uring, the
  // OVERLAPPED for Windows). 8-byte aligned; backends static_assert that their data fits.
  static constexpr size_t kScratchSize = 256;
  alignas(16) unsigned char scratch[kScratchSize] = {};

  void Reset() {
    data = nullptr;
    length = 0;
    iov = nullptr;
    iov_count = 0;
    iov_heap.reset();
    path = nullptr;
    open_flags = 0;
    mode = 0;
    length64 = 0;
    fd_out = -1;
    position_out = -1;
    stat_out = nullptr;
    result = 0;
    cancel_requested = false;
    bound_callback = false;
    engine_flags = 0;
    interrupts = 0;
    backend = nullptr;
  }
};

// Op::engine_flags bit that engines share: the port's engine declined this op on purpose and wants
// Backend::DelegatedDone() when the engine that ran it instead has delivered it. Engine-private
// bits stay below the shared ones (this and kOpFlagReadAhead).
constexpr uint8_t kOpFlagDelegated = 0x80;
// Op::engine_flags bit that engines share: a large read issued while another was in flight
// (read-ahead), marked by the io_uring engine when it hands one over and by the threads engine when
// an earlier one is still queued or running. Its issuer keeps other reads in flight and issues the
// next one when its consumer takes a result, not when this one completes, so the threads engine's
// worker that runs it does not poll for a next op afterwards (ADR 0006).
constexpr uint8_t kOpFlagReadAhead = 0x40;

const char* OpKindName(OpKind kind);

// Transfers of at least this many bytes are "large": the copy costs more than handing the op
// around, so engines decide where they run (UringBackend::Submit), and a large one ends a worker's
// grab of queued ops so that it is reported as soon as it is done (ThreadpoolBackend::WorkerMain).
constexpr size_t kLargeTransfer = 128 * 1024;

// A read or write (plain or vectored) of at least kLargeTransfer bytes.
bool IsLargeTransfer(const Op& op);

}  // namespace tpio

#pragma once
// Which small reads the io_uring engine hands to the threads engine's workers. A cached 4 KiB read
// on the ring is copied inside io_uring_enter, on the JavaScript thread, which also runs every
// completion callback: at a deep queue that thread is the bottleneck and the second core idles.
// While the ring shows that reads are cached, and enough are in flight, a fixed share of small
// reads goes to the workers, so that both cores copy (ADR 0008). Reads that are not cached stay on
// the ring, where the kernel runs them asynchronously: workers would block on the disk.

#include <cstddef>
#include <cstdint>

#include "core/op.h"

namespace tpio::uring {

class SmallReadShare {
 public:
  // `sixteenths`: the share of small reads in flight that goes to the workers (0: none).
  explicit SmallReadShare(uint32_t sixteenths) : sixteenths_(sixteenths) {}

  // The share from TPIO_URING_WORKER_SHARE (sixteenths, 0 turns it off), else the default.
  static uint32_t ConfiguredShare();

  // Whether `op`, about to be submitted while `on_ring` ops are in flight on the ring, goes to the
  // workers. If so it is counted until Delivered().
  bool Delegate(const Op& op, size_t on_ring);
  // A delegated read was delivered to JavaScript.
  void Delivered() { delegated_--; }

  // A batch went to the kernel: `issued` small reads, of which `completed` had their CQE posted
  // by the time io_uring_enter returned (that is, their bytes were cached).
  void RecordBatch(uint32_t issued, uint32_t completed);

 private:
  uint32_t sixteenths_;
  size_t delegated_ = 0;  // delegated reads not yet delivered
  // Recent fraction of small reads completed inside io_uring_enter, in 1/256ths. Starts at 0: a
  // new ring must first see its reads complete inline before it hands any to the workers.
  uint32_t inline256_ = 0;
};

// A plain read below kLargeTransfer at an explicit position, with no test fault planned.
bool IsSmallPositionedRead(const Op& op);

}  // namespace tpio::uring

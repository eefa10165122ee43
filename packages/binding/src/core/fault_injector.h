#pragma once
// Test-only fault injection, applied by the native port to every engine: TPIO_FAULTS (read once per
// process) makes a chosen fraction of ops fail without being issued, interrupts them (EINTR), or
// shortens reads and writes. Unset (the normal case) it costs one predictable branch per op.

#include <cstdint>
#include <string>
#include <vector>

#include "core/op.h"

namespace tpio {

// TPIO_FAULTS="rate=0.05,errors=EIO:ENOSPC:EINTR,short=0.05,seed=1"
//   rate   fraction of ops (all kinds but close) that fail with one of `errors`, never issued
//   errors negative errnos to pick from, by name (EIO, ENOSPC, EINTR, EAGAIN, ENOMEM, EACCES, EBADF).
//          EINTR is not a failure: as libuv, tpio retries interrupted calls, so an op picked for
//          EINTR is issued with 1 or 2 simulated interruptions (Op::interrupts) that the engine's
//          retry path must absorb: the threads engine's blocking call reports EINTR without running
//          and is called again; io_uring issues a NOP whose completion counts as -EINTR and re-issues
//          the op. Callers never see EINTR. (Windows calls are never interrupted: win-tp and the
//          Windows blocking calls absorb the simulated interruption before making the call.)
//   short  fraction of read/write/readv/writev ops of 2+ bytes whose length is cut to 1..length-1
//   refuse fraction of the io_uring engine's submit calls the kernel takes only in part: a prefix of
//          the pending SQEs, often none (-EAGAIN), as io_uring_enter does when it cannot allocate
//          requests. The rest stay in the SQ; the engine must submit them again.
//   seed   PRNG seed (each port mixes in its own creation number, so runs are repeatable)
struct FaultConfig {
  bool enabled = false;
  double rate = 0;
  double short_rate = 0;
  double refuse_rate = 0;
  uint64_t seed = 1;
  std::vector<int32_t> errors;
  std::string spec;
};

// The process-wide configuration, parsed from TPIO_FAULTS on first use. An unparsable value
// aborts with a message: a fault test that silently injects nothing would prove nothing.
const FaultConfig& Faults();

// Counters since process start (all ports, all threads).
struct FaultCounters {
  uint64_t considered = 0;
  uint64_t errors = 0;
  uint64_t shortened = 0;
  uint64_t interrupted = 0;   // simulated interruptions planned (EINTR picks, 1 or 2 each)
  uint64_t retried = 0;       // ... and absorbed by an engine's retry path
  uint64_t refused = 0;       // io_uring submit calls cut short (`refuse`)
  uint64_t by_error[8] = {};  // parallel to FaultConfig::errors (first 8)
};
FaultCounters FaultTotals();

// Counts one simulated interruption absorbed by a retry path (any thread).
void NoteInterruptRetried();

// Engine side (the thread running the op): true when a simulated interruption is due, i.e. the
// attempt about to be made must instead report EINTR having done nothing. Owners of the op only:
// the threads engine's worker, or the JS thread for io_uring.
inline bool TakeInterrupt(Op* op) {
  if (op->interrupts == 0) return false;
  op->interrupts--;
  NoteInterruptRetried();
  return true;
}

// One per port (JS thread only): decides the fate of each op.
class FaultInjector {
 public:
  FaultInjector();
  bool enabled() const { return config_.enabled; }
  // Returns a negative errno to complete `op` with instead of issuing it, or 0 to issue it (its
  // length possibly reduced, or with Op::interrupts set).
  int32_t Apply(Op* op);
  // io_uring (JS thread): how many of the `pending` SQEs the next submit call may hand to the
  // kernel. All of them, unless `refuse` picks this call: then a shorter prefix, often none.
  unsigned SubmitLimit(unsigned pending);

 private:
  double Next();  // uniform in [0, 1)
  const FaultConfig& config_;
  uint64_t state_;
};

}  // namespace tpio

#pragma once
// The io_uring engine: ops are submitted inline from the JS thread (one io_uring_enter per batch),
// and completions come back through an eventfd watched by a uv_poll_t on the port's own loop.

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "core/backend.h"
#include "core/fault_injector.h"
#include "core/read_bounce.h"
#include "linux/small_read_share.h"
#include "linux/uring_ring.h"

namespace tpio::uring {

// Op::engine_flags bits of this engine.
constexpr uint8_t kEngineFlagLarge = 1;  // a large transfer accepted onto the ring (IsLargeTransfer)
constexpr uint8_t kEngineFlagSmallRead = 2;  // a small read handed to the workers (SmallReadShare)
constexpr uint8_t kEngineFlagBounced = 4;  // a large read the ring copies into bounce_ (read_bounce.h)

// Creates the engine for one port. Null with `error` set ("io_uring_setup failed: EPERM (...)")
// when io_uring cannot be used here; `backend: 'auto'` then falls back to worker threads.
std::unique_ptr<Backend> CreateUringBackend(const BackendContext& context, std::string* error);

class UringBackend final : public Backend {
 public:
  UringBackend(const BackendContext& context, std::unique_ptr<Ring> ring, int event_fd);
  ~UringBackend() override;

  UringBackend(const UringBackend&) = delete;
  UringBackend& operator=(const UringBackend&) = delete;

  // Starts watching the eventfd. False (with `error`) if libuv refuses.
  bool Start(std::string* error);

  const char* Name() const override { return "uring"; }
  SubmitResult Submit(Op* op) override;
  void Flush() override;
  void DelegatedDone(Op* op) override;
  void Cancel(Op* op) override;
  void Shutdown() override;
  void Close(std::function<void()> on_closed) override;

 private:
  static void OnPoll(uv_poll_t* handle, int status, int events);
  void OnReadable();
  Sqe* NextSqe();
  // Offers the kernel every filled SQE without waiting for completions (see Ring::Submit); what it
  // does not take is offered again on the next loop turn.
  void SubmitNow();
  // Makes the eventfd readable: OnReadable() runs on the next loop turn.
  void WakeSelf();
  // Hands up to `limit` CQEs to the sink; true if more were left in the ring.
  bool Drain(uint32_t limit);
  void CompleteCqe(uint64_t user_data, int32_t res);
  // Fills `sqe` for `op` (a NOP while a simulated interruption is due) and counts it in flight.
  void Issue(Op* op, uint8_t opcode, Sqe* sqe);
  // An accepted op whose attempt reported -EINTR: issue it again (here, or on the threads engine).
  void Reissue(Op* op);
  // Marks a large op as handed to the threads engine and counts it until delivered; returns `op`.
  Op* MarkDelegated(Op* op);
  // Flush(): the batch's last large op, held back by Submit(), goes onto the ring after all.
  void IssueHeldLarge();
  // A large read into memory the kernel would copy slowly (read_bounce.h): true if it was routed
  // through bounce_ (flagged kEngineFlagBounced) or handed to a worker, which bounces it in pieces.
  bool RouteAliasedRead(Op* op);
  // A bounced read's CQE: copies its `res` bytes out of bounce_ and frees bounce_ for the next one.
  void Unbounce(Op* op, int32_t res);
  // SQPOLL only: true once the process's credentials differ from the ring creator's.
  bool CredentialsChanged();

  CompletionSink* sink_;
  uv_loop_s* loop_;
  std::unique_ptr<Ring> ring_;
  int event_fd_;
  uv_poll_t poll_;
  bool polling_ = false;
  bool shut_down_ = false;
  size_t in_flight_ = 0;         // ops accepted whose CQE has not been seen
  // Large transfers (see Submit): on the ring, held back in the batch being built (Submit calls
  // until Flush), and handed to the threads engine but not yet delivered.
  size_t large_in_flight_ = 0;
  Op* held_large_ = nullptr;
  size_t large_delegated_ = 0;
  // One large read at a time lands here first when its destination is in the slow zone; the ring
  // copies into it at full speed and Unbounce() copies it out on this thread.
  static constexpr size_t kBounceCapacity = 1024 * 1024;
  BounceBuffer bounce_{kBounceCapacity};
  bool bounce_busy_ = false;
  SmallReadShare share_{SmallReadShare::ConfiguredShare()};
  uint32_t small_reads_issued_ = 0;  // small reads put on the ring since the last Flush()
  FaultInjector faults_;         // test-only (TPIO_FAULTS refuse=): cuts submit calls short
  uint32_t max_per_wake_;        // bound on CQEs handled per loop wake-up
  bool usable_[256] = {};        // opcode -> may be issued (probe + kernel gates), cached
  std::function<void()> on_closed_;
  // The SQPOLL kernel thread runs every op with the credentials of the task that created the ring,
  // even after setuid/setgid (the class of CVE-2024-22017). Without SQPOLL, ops submitted inline
  // and the io-wq workers use the submitter's current credentials (checked by the privilege test).
  bool credentials_changed_ = false;  // sticky
  unsigned creator_uid_ = 0, creator_euid_ = 0, creator_gid_ = 0, creator_egid_ = 0;
};

}  // namespace tpio::uring

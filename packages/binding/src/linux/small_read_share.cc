// See small_read_share.h. The numbers are from the 2-vCPU development VM (ADR 0008).

#include "linux/small_read_share.h"

#include <algorithm>
#include <cstdlib>

namespace tpio::uring {

namespace {

// 4 KiB random reads at depth 64 on a cached file, binding, alternating processes (M ops/s):
// 10/16 to the workers 1.02-1.06, 12/16 1.20-1.37, 13/16 1.08-1.32; none 0.81-0.92; the C io_uring
// loop 1.05-1.08.
constexpr uint32_t kDefaultSixteenths = 12;
// Below this many in flight a batch is too small to pay for waking a worker.
constexpr size_t kMinInFlight = 16;
// Hand reads over only while at least this share of recent small reads completed inline (/256).
constexpr uint32_t kCachedThreshold256 = 224;

}  // namespace

uint32_t SmallReadShare::ConfiguredShare() {
  static const uint32_t share = [] {
    const char* value = std::getenv("TPIO_URING_WORKER_SHARE");
    if (value == nullptr || value[0] == '\0') return kDefaultSixteenths;
    return static_cast<uint32_t>(std::clamp(std::strtol(value, nullptr, 10), 0L, 16L));
  }();
  return share;
}

bool IsSmallPositionedRead(const Op& op) {
  return op.kind == OpKind::kRead && op.position >= 0 && op.length < kLargeTransfer && op.interrupts == 0;
}

bool SmallReadShare::Delegate(const Op& op, size_t on_ring) {
  if (sixteenths_ == 0 || inline256_ < kCachedThreshold256 || !IsSmallPositionedRead(op)) return false;
  size_t total = on_ring + delegated_;
  // Keep the workers' part of what is in flight at the share. Counting per op in flight (rather
  // than per batch) matters: completions from the ring and from the workers arrive at different
  // times, so batches vary in size. Every 12th..16th op of each batch instead: 0.81-0.82 M ops/s.
  if (total < kMinInFlight || delegated_ * 16 >= (total + 1) * sixteenths_) return false;
  delegated_++;
  return true;
}

void SmallReadShare::RecordBatch(uint32_t issued, uint32_t completed) {
  if (issued == 0) return;
  // Moving average with weight 1/4: a few batches of cache misses turn the hand-over off.
  uint32_t sample = std::min(completed, issued) * 256 / issued;
  inline256_ = inline256_ - inline256_ / 4 + sample / 4;
}

}  // namespace tpio::uring

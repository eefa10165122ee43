#pragma once
// The threads engine's queue of ops waiting for a worker: a ring over storage allocated once.
// std::deque allocated a 512-byte block every 64 ops on the JS thread and freed it on a worker:
// steady malloc churn (with cross-thread frees) for a queue whose size has a known bound, since
// an op is queued at most once and a port has at most `entries` ops in flight.

#include <cstddef>
#include <vector>

#include "core/op.h"

namespace tpio::pool {

class OpRing {
 public:
  explicit OpRing(size_t capacity) : items_(capacity > 0 ? capacity : 1) {}

  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  void push_back(Op* op) {
    if (count_ == items_.size()) Grow();  // not reached while the entries bound holds
    items_[Index(count_)] = op;
    count_++;
  }

  Op* pop_front() {
    Op* op = items_[head_];
    head_ = Index(1);
    count_--;
    return op;
  }

  // Removes `op`, keeping the others in order. False when it is not queued.
  bool erase(Op* op) {
    for (size_t i = 0; i < count_; i++) {
      if (items_[Index(i)] != op) continue;
      for (size_t j = i + 1; j < count_; j++) items_[Index(j - 1)] = items_[Index(j)];
      count_--;
      return true;
    }
    return false;
  }

  // Moves every queued op to the end of `out`, in order.
  void drain_to(std::vector<Op*>* out) {
    while (count_ > 0) out->push_back(pop_front());
  }

 private:
  size_t Index(size_t offset) const { return (head_ + offset) % items_.size(); }

  void Grow() {
    std::vector<Op*> bigger(items_.size() * 2);
    for (size_t i = 0; i < count_; i++) bigger[i] = items_[Index(i)];
    items_.swap(bigger);
    head_ = 0;
  }

  std::vector<Op*> items_;
  size_t head_ = 0;
  size_t count_ = 0;
};

}  // namespace tpio::pool

#pragma once
// One io_uring instance: the ring fd, the mmapped SQ/CQ rings and SQE array, and the memory-ordered
// accessors for them. RAII: the destructor unmaps and closes. Used from one thread (the JS thread).

#include <cstdint>
#include <memory>
#include <string>

#include "linux/uring_abi.h"

namespace tpio::uring {

class Ring {
 public:
  struct Options {
    unsigned entries = 256;    // SQ size; the CQ is twice as large
    bool sqpoll = false;       // IORING_SETUP_SQPOLL (off by default: it burns a core)
    bool single_issuer = false; // IORING_SETUP_SINGLE_ISSUER (6.0) when the kernel has it
    bool coop_taskrun = false;  // IORING_SETUP_COOP_TASKRUN (5.19): no IPI for task work
  };

  // Null with `error` set ("io_uring_setup failed: EPERM (...)") when the ring cannot be created.
  static std::unique_ptr<Ring> Create(const Options& options, std::string* error);
  ~Ring();

  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  int Fd() const { return fd_; }
  uint32_t Features() const { return features_; }
  unsigned SqEntries() const { return sq_entries_; }
  unsigned CqEntries() const { return cq_entries_; }

  // A zeroed SQE at the local tail, or null when the SQ is full. Not visible to the kernel until
  // Submit() publishes the tail.
  Sqe* GetSqe();
  // SQEs published or filled but not yet consumed by the kernel.
  unsigned Unsubmitted() const;
  // Publishes filled SQEs and enters the kernel. Returns the number consumed or a negative errno.
  // The kernel may consume fewer than were published (a short count, or -EAGAIN/-EBUSY with none
  // taken): the rest stay queued (Unsubmitted() > 0) until the next call. With wait > 0, also waits
  // for CQEs. `limit` caps how many the kernel is offered (test-only fault injection); a cap of 0
  // without waiting returns -EAGAIN without entering, as a refusing kernel would.
  int Submit(unsigned wait, unsigned limit = UINT32_MAX);

  // Completion side: [head, tail) are ready CQEs. Consume with CqeAt() then AdvanceCq().
  uint32_t CqHead() const;
  uint32_t CqTail() const;
  const Cqe* CqeAt(uint32_t index) const { return &cqes_[index & cq_mask_]; }
  void AdvanceCq(uint32_t new_head);
  // The kernel holds CQEs it could not post (NODROP): they need an enter with GETEVENTS.
  bool CqOverflowed() const;
  bool Sqpoll() const { return sqpoll_; }

 private:
  Ring() = default;
  bool Map(const Params& params, std::string* error);

  int fd_ = -1;
  uint32_t features_ = 0;
  bool sqpoll_ = false;
  void* ring_ = nullptr;  // SQ and CQ rings share one mapping (IORING_FEAT_SINGLE_MMAP)
  size_t ring_size_ = 0;
  Sqe* sqes_ = nullptr;
  size_t sqes_size_ = 0;

  unsigned sq_entries_ = 0;
  uint32_t sq_mask_ = 0;
  uint32_t* sq_head_ = nullptr;   // written by the kernel
  uint32_t* sq_tail_ = nullptr;   // written by us
  uint32_t* sq_flags_ = nullptr;  // written by the kernel
  uint32_t sqe_tail_ = 0;         // local tail: SQEs handed out, maybe not yet published

  unsigned cq_entries_ = 0;
  uint32_t cq_mask_ = 0;
  uint32_t* cq_head_ = nullptr;   // written by us
  uint32_t* cq_tail_ = nullptr;   // written by the kernel
  Cqe* cqes_ = nullptr;
};

}  // namespace tpio::uring

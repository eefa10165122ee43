#pragma once
// Which writes the io_uring engine hands to the threads engine.
//
// A buffered write to a file cannot complete inside io_uring_enter on ext4 or tmpfs: the kernel's
// non-blocking attempt is refused and the write is punted to an io-wq worker, which costs a failed
// attempt and a wake-up on top of what a threads-engine worker pays. Measured on this project's
// machine (Linux 6.18, ext4 and tmpfs, ADR 0004), the ring moved buffered writes at 0.5-0.85x the
// threads engine's rate at every size and depth tried (4 KiB at depth 64 to 1 MiB at depth 1).
// O_DIRECT writes, and writes to pipes, sockets and character devices, do not have that problem
// and stay on the ring.

#include "core/op.h"

namespace tpio::uring {

// True for a write or writev to a regular file or block device opened without O_DIRECT. Costs two
// syscalls (fstat, fcntl), asked again per op because a descriptor number can be reused. False when
// either fails: the ring then reports the real error.
bool IsBufferedFileWrite(const Op& op);

}  // namespace tpio::uring

#pragma once
// How each tpio op becomes an io_uring SQE, and what happens to its CQE result. The op data is
// defined once in core/op.h; this is io_uring's half of it (compio's per-backend op files).

#include <cstdint>

#include "core/op.h"
#include "linux/uring_abi.h"

namespace tpio::uring {

// The opcode that carries `op`, or 0 when io_uring has none (copy_file_range) or the op's shape
// is not something we submit (more than IOV_MAX buffers). 0 means "decline".
uint8_t OpcodeFor(const Op& op);

// Fills `sqe` (already zeroed) for `op` with `opcode` from OpcodeFor(). user_data is the op.
void PrepareSqe(Op* op, uint8_t opcode, Sqe* sqe);

// Turns a CQE result into the op's result (statx: copies the fields into the caller's array).
void FinishOp(Op* op, int32_t res);

}  // namespace tpio::uring

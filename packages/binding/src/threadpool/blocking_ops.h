#pragma once
// The blocking system call behind each op kind, for the threads engine (and for ops a fast engine
// declines). Returns the op's result: bytes, a new fd, 0, or a negative errno.

#include "core/op.h"

namespace tpio::pool {

int32_t RunBlocking(Op* op);

}  // namespace tpio::pool

#pragma once
// What this kernel's io_uring supports: probed once per process (IORING_REGISTER_PROBE) and cached,
// with the kernel gates that a probe cannot see (version-dependent bugs) applied on top.

#include <cstdint>
#include <string>
#include <vector>

namespace tpio::uring {

// Kernel opcode names (e.g. "READ", "STATX") the kernel reports as supported; empty with `error`
// set when io_uring cannot be used at all. For `tpio doctor`.
std::vector<std::string> SupportedOpNames(std::string* error);

// Whether tpio may issue `opcode` on this kernel (probe result and kernel gates). Cached.
bool OpUsable(uint8_t opcode);

}  // namespace tpio::uring

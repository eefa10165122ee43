// Opcode probing. One small ring is created, probed and closed the first time anyone asks; the
// answer is cached for the process (the kernel does not change under us).

#include "linux/uring_probe.h"

#include <cstdio>
#include <mutex>
#include <sys/utsname.h>

#include "linux/uring_abi.h"
#include "linux/uring_ring.h"
#include "linux/uring_syscalls.h"

namespace tpio::uring {

namespace {

// enum io_uring_op names, in order (IORING_OP_ prefix dropped). Later opcodes print as "OP_<n>".
constexpr const char* kOpNames[] = {
    "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
    "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
    "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ",
    "WRITE", "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE",
    "PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT",
    "SYMLINKAT", "LINKAT", "MSG_RING", "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET",
    "URING_CMD", "SEND_ZC", "SENDMSG_ZC", "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE",
    "FUTEX_WAITV", "FIXED_FD_INSTALL", "FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT",
    "READV_FIXED", "WRITEV_FIXED", "PIPE",
};
constexpr size_t kOpNameCount = sizeof(kOpNames) / sizeof(kOpNames[0]);
static_assert(kOpNameCount == kOpFtruncate + 8u, "opcode name table ends at PIPE (FTRUNCATE + 7)");

constexpr unsigned kProbeOps = 256;

struct ProbeResult {
  std::string error;
  bool supported[kProbeOps] = {};
  unsigned kernel = 0;  // 0xMMmmpp
};

unsigned KernelVersion() {
  struct utsname names;
  if (uname(&names) != 0) return 0;
  unsigned major = 0, minor = 0, patch = 0;
  std::sscanf(names.release, "%u.%u.%u", &major, &minor, &patch);
  return (major << 16) | (minor << 8) | (patch > 255 ? 255 : patch);
}

const ProbeResult& Probe() {
  static ProbeResult result;
  static std::once_flag once;
  std::call_once(once, [] {
    result.kernel = KernelVersion();
    Ring::Options options;
    options.entries = 2;
    std::unique_ptr<Ring> ring = Ring::Create(options, &result.error);
    if (!ring) return;
    struct {
      ProbeHeader header;
      ProbeOp ops[kProbeOps];
    } probe = {};
    int rc = Register(ring->Fd(), kRegisterProbe, &probe, kProbeOps);
    if (rc < 0) {
      result.error = "IORING_REGISTER_PROBE failed: " + ErrnoName(-rc) + " (kernel older than 5.6)";
      return;
    }
    for (unsigned i = 0; i < probe.header.ops_len && i < kProbeOps; i++) {
      if (probe.ops[i].flags & kProbeOpSupported) result.supported[probe.ops[i].op] = true;
    }
  });
  return result;
}

}  // namespace

std::vector<std::string> SupportedOpNames(std::string* error) {
  const ProbeResult& probe = Probe();
  std::vector<std::string> names;
  if (!probe.error.empty()) {
    *error = probe.error;
    return names;
  }
  for (unsigned op = 0; op < kProbeOps; op++) {
    if (!probe.supported[op]) continue;
    names.emplace_back(op < kOpNameCount ? std::string(kOpNames[op]) : "OP_" + std::to_string(op));
  }
  return names;
}

bool OpUsable(uint8_t opcode) {
  const ProbeResult& probe = Probe();
  if (!probe.error.empty() || !probe.supported[opcode]) return false;
  // IORING_OP_CLOSE could fail exec() of a just-written file with ETXTBSY before 5.15.90 (the
  // final fput was deferred); libuv gates it the same way.
  if (opcode == kOpClose && probe.kernel < 0x050f5a) return false;
  return true;
}

}  // namespace tpio::uring

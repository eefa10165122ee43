// Names of op kinds, for diagnostics and error messages, and which ops are large transfers.

#include "core/op.h"

namespace tpio {

const char* OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kRead: return "read";
    case OpKind::kWrite: return "write";
    case OpKind::kReadv: return "readv";
    case OpKind::kWritev: return "writev";
    case OpKind::kFsync: return "fsync";
    case OpKind::kFdatasync: return "fdatasync";
    case OpKind::kOpen: return "open";
    case OpKind::kClose: return "close";
    case OpKind::kFstat: return "fstat";
    case OpKind::kStat: return "stat";
    case OpKind::kLstat: return "lstat";
    case OpKind::kFtruncate: return "ftruncate";
    case OpKind::kFallocate: return "fallocate";
    case OpKind::kCopyFileRange: return "copy_file_range";
    case OpKind::kStartWriteback: return "sync_file_range";
  }
  return "unknown";
}

bool IsLargeTransfer(const Op& op) {
  switch (op.kind) {
    case OpKind::kRead:
    case OpKind::kWrite:
      return op.length >= kLargeTransfer;
    case OpKind::kReadv:
    case OpKind::kWritev: {
      size_t total = 0;
      for (uint32_t i = 0; i < op.iov_count && total < kLargeTransfer; i++) total += op.iov[i].length;
      return total >= kLargeTransfer;
    }
    default:
      return false;
  }
}

}  // namespace tpio

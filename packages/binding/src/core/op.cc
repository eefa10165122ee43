// Names of op kinds, for diagnostics and error messages.

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
  }
  return "unknown";
}

}  // namespace tpio

// Op -> SQE mapping. Field use per opcode follows io_uring_enter(2): read/write take addr/len/off
// (off = -1 means the file position, IORING_FEAT_RW_CUR_POS); statx puts the path in addr, the
// mask in len and the struct statx pointer in off (addr2); fallocate puts the length in addr.

#include "linux/uring_ops.h"

#include <climits>
#include <fcntl.h>

#include "core/stat_fields.h"

namespace tpio::uring {

static_assert(sizeof(Statx) <= Op::kScratchSize, "struct statx must fit in Op::scratch");
static_assert(alignof(Statx) <= alignof(Op), "Op::scratch alignment");

namespace {

uint64_t Address(const void* pointer) { return reinterpret_cast<uintptr_t>(pointer); }

}  // namespace

uint8_t OpcodeFor(const Op& op) {
  switch (op.kind) {
    case OpKind::kRead: return kOpRead;
    case OpKind::kWrite: return kOpWrite;
    case OpKind::kReadv:
    case OpKind::kWritev:
      // The threads engine caps reads and rejects writes above IOV_MAX; keep one behaviour there.
      if (op.iov_count > IOV_MAX) return 0;
      return op.kind == OpKind::kReadv ? kOpReadv : kOpWritev;
    case OpKind::kFsync:
    case OpKind::kFdatasync: return kOpFsync;
    case OpKind::kOpen: return kOpOpenat;
    case OpKind::kClose: return kOpClose;
    case OpKind::kFstat:
    case OpKind::kStat:
    case OpKind::kLstat: return kOpStatx;
    case OpKind::kFtruncate: return kOpFtruncate;
    case OpKind::kFallocate: return kOpFallocate;
    case OpKind::kCopyFileRange: return 0;  // no io_uring opcode: the threads engine runs it
    // IORING_OP_SYNC_FILE_RANGE never completes inline (the kernel punts it to io-wq); the threads
    // engine's workers run it as they run buffered writes.
    case OpKind::kStartWriteback: return 0;
  }
  return 0;
}

void PrepareSqe(Op* op, uint8_t opcode, Sqe* sqe) {
  sqe->opcode = opcode;
  sqe->fd = op->fd;
  sqe->user_data = Address(op);
  switch (op->kind) {
    case OpKind::kRead:
    case OpKind::kWrite:
      sqe->addr = Address(op->data);
      sqe->len = op->length;
      sqe->off = static_cast<uint64_t>(op->position);  // -1: current position
      break;
    case OpKind::kReadv:
    case OpKind::kWritev: {
      sqe->addr = Address(op->iov);
      sqe->len = op->iov_count;
      sqe->off = static_cast<uint64_t>(op->position);
      break;
    }
    case OpKind::kFsync:
      break;
    case OpKind::kFdatasync:
      sqe->op_flags = kFsyncDatasync;
      break;
    case OpKind::kOpen:
      sqe->fd = AT_FDCWD;
      sqe->addr = Address(op->path);
      sqe->len = op->mode;
      sqe->op_flags = static_cast<uint32_t>(op->open_flags | O_CLOEXEC);
      break;
    case OpKind::kClose:
      break;
    case OpKind::kFstat:
    case OpKind::kStat:
    case OpKind::kLstat: {
      static const char kEmptyPath[] = "";
      bool by_fd = op->kind == OpKind::kFstat;
      sqe->fd = by_fd ? op->fd : AT_FDCWD;
      sqe->addr = Address(by_fd ? kEmptyPath : op->path);
      sqe->len = kStatxBasicStats | kStatxBtime;
      sqe->off = Address(op->scratch);
      sqe->op_flags = by_fd ? AT_EMPTY_PATH : op->kind == OpKind::kLstat ? AT_SYMLINK_NOFOLLOW : 0;
      break;
    }
    case OpKind::kFtruncate:
      sqe->off = static_cast<uint64_t>(op->length64);
      break;
    case OpKind::kFallocate:
      sqe->off = static_cast<uint64_t>(op->position);
      sqe->addr = static_cast<uint64_t>(op->length64);
      sqe->len = op->mode;
      break;
    case OpKind::kCopyFileRange:
    case OpKind::kStartWriteback:
      break;
  }
}

void FinishOp(Op* op, int32_t res) {
  switch (op->kind) {
    case OpKind::kFstat:
    case OpKind::kStat:
    case OpKind::kLstat:
      if (res == 0) FillStatFromStatx(op->stat_out, *reinterpret_cast<const Statx*>(op->scratch));
      break;
    default:
      break;
  }
  op->result = res;
}

}  // namespace tpio::uring

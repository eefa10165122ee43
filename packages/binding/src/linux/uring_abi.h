#pragma once
// Our own copy of the io_uring kernel ABI (include/uapi/linux/io_uring.h and struct statx): only
// the structs, opcodes and flags tpio uses, with static_asserts so a layout slip fails the build.

#include <cstddef>
#include <cstdint>

namespace tpio::uring {

// struct io_uring_sqe: one submission queue entry (64 bytes).
struct Sqe {
  uint8_t opcode;        // IORING_OP_*
  uint8_t flags;         // IOSQE_*
  uint16_t ioprio;
  int32_t fd;
  uint64_t off;          // union: off / addr2 (statx: the struct statx pointer)
  uint64_t addr;         // union: addr / splice_off_in (buffer, iovec array, path, cancel key)
  uint32_t len;          // bytes, iovec count, open mode, statx mask, fallocate mode
  uint32_t op_flags;     // union: rw_flags, fsync_flags, open_flags, statx_flags, cancel_flags
  uint64_t user_data;    // echoed in the CQE
  uint16_t buf_index;    // union: buf_index / buf_group
  uint16_t personality;
  int32_t file_index;    // union: splice_fd_in / file_index
  uint64_t addr3;
  uint64_t pad2;
};
static_assert(sizeof(Sqe) == 64, "io_uring_sqe size");
static_assert(offsetof(Sqe, fd) == 4, "sqe.fd");
static_assert(offsetof(Sqe, off) == 8, "sqe.off");
static_assert(offsetof(Sqe, addr) == 16, "sqe.addr");
static_assert(offsetof(Sqe, len) == 24, "sqe.len");
static_assert(offsetof(Sqe, op_flags) == 28, "sqe.rw_flags");
static_assert(offsetof(Sqe, user_data) == 32, "sqe.user_data");
static_assert(offsetof(Sqe, buf_index) == 40, "sqe.buf_index");
static_assert(offsetof(Sqe, file_index) == 44, "sqe.file_index");
static_assert(offsetof(Sqe, addr3) == 48, "sqe.addr3");

// struct io_uring_cqe: one completion queue entry (16 bytes without CQE32).
struct Cqe {
  uint64_t user_data;
  int32_t res;           // >= 0 result, < 0 negative errno
  uint32_t flags;
};
static_assert(sizeof(Cqe) == 16, "io_uring_cqe size");
static_assert(offsetof(Cqe, res) == 8, "cqe.res");

// struct io_sqring_offsets
struct SqOffsets {
  uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
  uint64_t user_addr;
};
static_assert(sizeof(SqOffsets) == 40, "io_sqring_offsets size");
static_assert(offsetof(SqOffsets, array) == 24, "sq_off.array");

// struct io_cqring_offsets
struct CqOffsets {
  uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
  uint64_t user_addr;
};
static_assert(sizeof(CqOffsets) == 40, "io_cqring_offsets size");
static_assert(offsetof(CqOffsets, cqes) == 20, "cq_off.cqes");

// struct io_uring_params
struct Params {
  uint32_t sq_entries;
  uint32_t cq_entries;
  uint32_t flags;
  uint32_t sq_thread_cpu;
  uint32_t sq_thread_idle;
  uint32_t features;
  uint32_t wq_fd;
  uint32_t resv[3];
  SqOffsets sq_off;
  CqOffsets cq_off;
};
static_assert(sizeof(Params) == 120, "io_uring_params size");
static_assert(offsetof(Params, features) == 20, "params.features");
static_assert(offsetof(Params, sq_off) == 40, "params.sq_off");
static_assert(offsetof(Params, cq_off) == 80, "params.cq_off");

// struct io_uring_probe_op / struct io_uring_probe (flexible array of ops follows the header).
struct ProbeOp {
  uint8_t op;
  uint8_t resv;
  uint16_t flags;        // IO_URING_OP_SUPPORTED
  uint32_t resv2;
};
static_assert(sizeof(ProbeOp) == 8, "io_uring_probe_op size");
struct ProbeHeader {
  uint8_t last_op;
  uint8_t ops_len;
  uint16_t resv;
  uint32_t resv2[3];
};
static_assert(sizeof(ProbeHeader) == 16, "io_uring_probe size");
constexpr uint16_t kProbeOpSupported = 1u << 0;  // IO_URING_OP_SUPPORTED

// struct statx_timestamp / struct statx (include/uapi/linux/stat.h), 256 bytes.
struct StatxTimestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
};
static_assert(sizeof(StatxTimestamp) == 16, "statx_timestamp size");
struct Statx {
  uint32_t stx_mask;
  uint32_t stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink;
  uint32_t stx_uid;
  uint32_t stx_gid;
  uint16_t stx_mode;
  uint16_t spare0;
  uint64_t stx_ino;
  uint64_t stx_size;
  uint64_t stx_blocks;
  uint64_t stx_attributes_mask;
  StatxTimestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major, stx_rdev_minor;
  uint32_t stx_dev_major, stx_dev_minor;
  uint64_t spare[14];  // stx_mnt_id, dio alignment and later fields: unused here
};
static_assert(sizeof(Statx) == 256, "struct statx size");
static_assert(offsetof(Statx, stx_ino) == 32, "statx.stx_ino");
static_assert(offsetof(Statx, stx_atime) == 64, "statx.stx_atime");
static_assert(offsetof(Statx, stx_mtime) == 112, "statx.stx_mtime");
static_assert(offsetof(Statx, stx_rdev_major) == 128, "statx.stx_rdev_major");
static_assert(offsetof(Statx, stx_dev_major) == 136, "statx.stx_dev_major");
constexpr uint32_t kStatxBasicStats = 0x7ffu;  // STATX_BASIC_STATS
constexpr uint32_t kStatxBtime = 0x800u;       // STATX_BTIME

// enum io_uring_op: the opcodes tpio issues (the numbers are ABI).
enum Opcode : uint8_t {
  kOpNop = 0,            // IORING_OP_NOP (5.1): stands in for an interrupted attempt (TPIO_FAULTS)
  kOpReadv = 1,          // IORING_OP_READV (5.1)
  kOpWritev = 2,         // IORING_OP_WRITEV (5.1)
  kOpFsync = 3,          // IORING_OP_FSYNC (5.1)
  kOpAsyncCancel = 14,   // IORING_OP_ASYNC_CANCEL (5.5)
  kOpFallocate = 17,     // IORING_OP_FALLOCATE (5.6)
  kOpOpenat = 18,        // IORING_OP_OPENAT (5.6)
  kOpClose = 19,         // IORING_OP_CLOSE (5.6)
  kOpStatx = 21,         // IORING_OP_STATX (5.6)
  kOpRead = 22,          // IORING_OP_READ (5.6)
  kOpWrite = 23,         // IORING_OP_WRITE (5.6)
  kOpFtruncate = 55,     // IORING_OP_FTRUNCATE (6.9)
};

// io_uring_setup() flags (IORING_SETUP_*).
constexpr uint32_t kSetupSqpoll = 1u << 1;
constexpr uint32_t kSetupCqsize = 1u << 3;
constexpr uint32_t kSetupClamp = 1u << 4;
constexpr uint32_t kSetupSubmitAll = 1u << 7;      // 5.18
constexpr uint32_t kSetupCoopTaskrun = 1u << 8;    // 5.19
constexpr uint32_t kSetupSingleIssuer = 1u << 12;  // 6.0

// io_uring_params.features (IORING_FEAT_*).
constexpr uint32_t kFeatSingleMmap = 1u << 0;  // 5.4
constexpr uint32_t kFeatNodrop = 1u << 1;      // 5.5
constexpr uint32_t kFeatRwCurPos = 1u << 3;    // 5.6: offset -1 means the file position

// io_uring_enter() flags (IORING_ENTER_*).
constexpr uint32_t kEnterGetevents = 1u << 0;
constexpr uint32_t kEnterSqWakeup = 1u << 1;

// SQ ring flags (IORING_SQ_*).
constexpr uint32_t kSqNeedWakeup = 1u << 0;
constexpr uint32_t kSqCqOverflow = 1u << 1;

// sqe.flags values (IOSQE_*).
constexpr uint8_t kSqeAsync = 1u << 4;  // IOSQE_ASYNC: issue from an io-wq worker, never inline

// sqe.op_flags values.
constexpr uint32_t kFsyncDatasync = 1u << 0;     // IORING_FSYNC_DATASYNC
constexpr uint32_t kCancelAll = 1u << 0;         // IORING_ASYNC_CANCEL_ALL (5.19)
constexpr uint32_t kCancelAny = 1u << 2;         // IORING_ASYNC_CANCEL_ANY (5.19)

// io_uring_register() opcodes (IORING_REGISTER_*).
constexpr unsigned kRegisterEventfd = 4;
constexpr unsigned kRegisterProbe = 8;

// mmap offsets (IORING_OFF_*).
constexpr uint64_t kOffSqRing = 0;
constexpr uint64_t kOffSqes = 0x10000000ULL;

}  // namespace tpio::uring

#pragma once
// Fills the 18 int64 stat fields JavaScript reads (Node's Stats order) from the platform's
// structures. Shared by the threads engine and io_uring's statx completions.

#include <cstdint>
#include <sys/stat.h>

#include "core/op.h"

namespace tpio {

enum StatField : int {
  kStatDev, kStatMode, kStatNlink, kStatUid, kStatGid, kStatRdev, kStatBlksize, kStatIno, kStatSize,
  kStatBlocks, kStatAtimeSec, kStatAtimeNsec, kStatMtimeSec, kStatMtimeNsec, kStatCtimeSec,
  kStatCtimeNsec, kStatBirthtimeSec, kStatBirthtimeNsec,
};
static_assert(kStatBirthtimeNsec + 1 == kStatFields, "stat field count");

#ifdef __linux__
// Kept as a template so callers may pass the kernel's struct statx or our own ABI copy of it.
template <typename Statx>
inline void FillStatFromStatx(int64_t* out, const Statx& s) {
  // Same encoding as glibc's makedev(), which is what node reports.
  out[kStatDev] = static_cast<int64_t>(((static_cast<uint64_t>(s.stx_dev_major) & 0x00000fffULL) << 8) |
                                       ((static_cast<uint64_t>(s.stx_dev_major) & 0xfffff000ULL) << 32) |
                                       ((static_cast<uint64_t>(s.stx_dev_minor) & 0x000000ffULL) << 0) |
                                       ((static_cast<uint64_t>(s.stx_dev_minor) & 0xffffff00ULL) << 12));
  out[kStatMode] = s.stx_mode;
  out[kStatNlink] = s.stx_nlink;
  out[kStatUid] = s.stx_uid;
  out[kStatGid] = s.stx_gid;
  out[kStatRdev] = static_cast<int64_t>(((static_cast<uint64_t>(s.stx_rdev_major) & 0x00000fffULL) << 8) |
                                        ((static_cast<uint64_t>(s.stx_rdev_major) & 0xfffff000ULL) << 32) |
                                        ((static_cast<uint64_t>(s.stx_rdev_minor) & 0x000000ffULL) << 0) |
                                        ((static_cast<uint64_t>(s.stx_rdev_minor) & 0xffffff00ULL) << 12));
  out[kStatBlksize] = s.stx_blksize;
  out[kStatIno] = static_cast<int64_t>(s.stx_ino);
  out[kStatSize] = static_cast<int64_t>(s.stx_size);
  out[kStatBlocks] = static_cast<int64_t>(s.stx_blocks);
  out[kStatAtimeSec] = s.stx_atime.tv_sec;
  out[kStatAtimeNsec] = s.stx_atime.tv_nsec;
  out[kStatMtimeSec] = s.stx_mtime.tv_sec;
  out[kStatMtimeNsec] = s.stx_mtime.tv_nsec;
  out[kStatCtimeSec] = s.stx_ctime.tv_sec;
  out[kStatCtimeNsec] = s.stx_ctime.tv_nsec;
  out[kStatBirthtimeSec] = s.stx_btime.tv_sec;
  out[kStatBirthtimeNsec] = s.stx_btime.tv_nsec;
}
#endif

#ifndef _WIN32
inline void FillStatFromStat(int64_t* out, const struct stat& s) {
  out[kStatDev] = static_cast<int64_t>(s.st_dev);
  out[kStatMode] = s.st_mode;
  out[kStatNlink] = static_cast<int64_t>(s.st_nlink);
  out[kStatUid] = s.st_uid;
  out[kStatGid] = s.st_gid;
  out[kStatRdev] = static_cast<int64_t>(s.st_rdev);
  out[kStatBlksize] = s.st_blksize;
  out[kStatIno] = static_cast<int64_t>(s.st_ino);
  out[kStatSize] = s.st_size;
  out[kStatBlocks] = s.st_blocks;
#ifdef __APPLE__
  out[kStatAtimeSec] = s.st_atimespec.tv_sec;
  out[kStatAtimeNsec] = s.st_atimespec.tv_nsec;
  out[kStatMtimeSec] = s.st_mtimespec.tv_sec;
  out[kStatMtimeNsec] = s.st_mtimespec.tv_nsec;
  out[kStatCtimeSec] = s.st_ctimespec.tv_sec;
  out[kStatCtimeNsec] = s.st_ctimespec.tv_nsec;
  out[kStatBirthtimeSec] = s.st_birthtimespec.tv_sec;
  out[kStatBirthtimeNsec] = s.st_birthtimespec.tv_nsec;
#else
  out[kStatAtimeSec] = s.st_atim.tv_sec;
  out[kStatAtimeNsec] = s.st_atim.tv_nsec;
  out[kStatMtimeSec] = s.st_mtim.tv_sec;
  out[kStatMtimeNsec] = s.st_mtim.tv_nsec;
  out[kStatCtimeSec] = s.st_ctim.tv_sec;
  out[kStatCtimeNsec] = s.st_ctim.tv_nsec;
  out[kStatBirthtimeSec] = s.st_ctim.tv_sec;
  out[kStatBirthtimeNsec] = s.st_ctim.tv_nsec;
#endif
}
#endif

}  // namespace tpio

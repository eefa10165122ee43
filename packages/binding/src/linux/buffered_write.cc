#include "linux/buffered_write.h"

#include <fcntl.h>
#include <sys/stat.h>

namespace tpio::uring {

bool IsBufferedFileWrite(const Op& op) {
  if (op.kind != OpKind::kWrite && op.kind != OpKind::kWritev) return false;
  struct stat st;
  if (fstat(op.fd, &st) != 0) return false;
  if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) return false;
  int flags = fcntl(op.fd, F_GETFL);
  return flags >= 0 && (flags & O_DIRECT) == 0;
}

}  // namespace tpio::uring

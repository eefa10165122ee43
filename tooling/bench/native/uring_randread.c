/* The native limit for one core: 4 KiB random reads at a fixed queue depth through a plain
 * io_uring loop (raw syscalls, system <linux/io_uring.h>). Built and run by the tpio bench harness.
 * usage: uring_randread <file> <queue-depth> <seconds> [block-size]
 * prints one JSON line: {"ops":N,"bytes":N,"seconds":S,"cpuUs":U} */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_us(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static uint32_t rng = 2463534242u;
static uint32_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  int fd = open(argv[1], O_RDONLY);
  unsigned depth = (unsigned)atoi(argv[2]);
  double seconds = atof(argv[3]);
  unsigned block = argc > 4 ? (unsigned)atoi(argv[4]) : 4096;
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return 1;
  uint64_t blocks = (uint64_t)st.st_size / block;

  struct io_uring_params p;
  memset(&p, 0, sizeof(p));
  int ring = (int)syscall(__NR_io_uring_setup, depth, &p);
  if (ring < 0) { perror("io_uring_setup"); return 1; }
  size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  size_t size = sq_size > cq_size ? sq_size : cq_size;
  char* base = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
  struct io_uring_sqe* sqes = mmap(0, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
  unsigned* sq_tail = (unsigned*)(base + p.sq_off.tail);
  unsigned* sq_array = (unsigned*)(base + p.sq_off.array);
  unsigned sq_mask = *(unsigned*)(base + p.sq_off.ring_mask);
  unsigned* cq_head = (unsigned*)(base + p.cq_off.head);
  unsigned* cq_tail = (unsigned*)(base + p.cq_off.tail);
  unsigned cq_mask = *(unsigned*)(base + p.cq_off.ring_mask);
  struct io_uring_cqe* cqes = (struct io_uring_cqe*)(base + p.cq_off.cqes);
  for (unsigned i = 0; i < p.sq_entries; i++) sq_array[i] = i;

  char* buffers = aligned_alloc(4096, (size_t)depth * block);
  memset(buffers, 0, (size_t)depth * block);
  unsigned tail = *sq_tail;
  unsigned pending = 0;
  for (unsigned i = 0; i < depth; i++) {
    struct io_uring_sqe* sqe = &sqes[tail & sq_mask];
    memset(sqe, 0, sizeof(*sqe));
    sqe->opcode = IORING_OP_READ;
    sqe->fd = fd;
    sqe->addr = (uint64_t)(uintptr_t)(buffers + (size_t)i * block);
    sqe->len = block;
    sqe->off = (next_random() % blocks) * block;
    sqe->user_data = i;
    tail++;
    pending++;
  }
  uint64_t ops = 0, bytes = 0;
  double start = now(), cpu_start = cpu_us(), deadline = start + seconds;
  int stopping = 0;
  unsigned in_flight = depth;
  while (in_flight > 0) {
    atomic_store_explicit((_Atomic unsigned*)sq_tail, tail, memory_order_release);
    int rc = (int)syscall(__NR_io_uring_enter, ring, pending, 1, IORING_ENTER_GETEVENTS, NULL, 0);
    if (rc < 0) { perror("io_uring_enter"); return 1; }
    pending = 0;
    unsigned head = *cq_head;
    unsigned ctail = atomic_load_explicit((_Atomic unsigned*)cq_tail, memory_order_acquire);
    if (!stopping && (ops & 255) == 0 && now() >= deadline) stopping = 1;
    for (; head != ctail; head++) {
      struct io_uring_cqe* cqe = &cqes[head & cq_mask];
      if (cqe->res < 0) { fprintf(stderr, "read: %d\n", cqe->res); return 1; }
      ops++;
      bytes += (uint64_t)cqe->res;
      if (stopping) { in_flight--; continue; }
      struct io_uring_sqe* sqe = &sqes[tail & sq_mask];
      uint64_t slot = cqe->user_data;
      memset(sqe, 0, sizeof(*sqe));
      sqe->opcode = IORING_OP_READ;
      sqe->fd = fd;
      sqe->addr = (uint64_t)(uintptr_t)(buffers + slot * block);
      sqe->len = block;
      sqe->off = (next_random() % blocks) * block;
      sqe->user_data = slot;
      tail++;
      pending++;
    }
    atomic_store_explicit((_Atomic unsigned*)cq_head, head, memory_order_release);
    if (!stopping && now() >= deadline) stopping = 1;
  }
  double elapsed = now() - start;
  printf("{\"ops\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"cpuUs\":%.0f}\n", (unsigned long long)ops,
         (unsigned long long)bytes, elapsed, cpu_us() - cpu_start);
  return 0;
}

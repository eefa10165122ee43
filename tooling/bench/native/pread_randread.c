/* The machine limit without a ring: N threads each doing 4 KiB pread() at random offsets.
 * usage: pread_randread <file> <threads> <seconds> [block-size]
 * prints one JSON line: {"ops":N,"bytes":N,"seconds":S,"cpuUs":U} */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int fd;
static unsigned block;
static uint64_t blocks;
static double deadline;
static atomic_ullong total_ops, total_bytes;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void* worker(void* arg) {
  uint32_t rng = 2463534242u + (uint32_t)(uintptr_t)arg * 7919u;
  char* buffer = aligned_alloc(4096, block);
  uint64_t ops = 0, bytes = 0;
  for (;;) {
    for (int i = 0; i < 256; i++) {
      rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5;
      ssize_t n = pread(fd, buffer, block, (off_t)((rng % blocks) * block));
      if (n < 0) { perror("pread"); exit(1); }
      ops++;
      bytes += (uint64_t)n;
    }
    if (now() >= deadline) break;
  }
  atomic_fetch_add(&total_ops, ops);
  atomic_fetch_add(&total_bytes, bytes);
  free(buffer);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  fd = open(argv[1], O_RDONLY);
  int threads = atoi(argv[2]);
  double seconds = atof(argv[3]);
  block = argc > 4 ? (unsigned)atoi(argv[4]) : 4096;
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return 1;
  blocks = (uint64_t)st.st_size / block;
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  double start = now();
  deadline = start + seconds;
  pthread_t ids[64];
  if (threads > 64) threads = 64;
  for (int i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, (void*)(uintptr_t)i);
  for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
  double elapsed = now() - start;
  getrusage(RUSAGE_SELF, &after);
  double cpu = (after.ru_utime.tv_sec - before.ru_utime.tv_sec + after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1e6 +
               (after.ru_utime.tv_usec - before.ru_utime.tv_usec) + (after.ru_stime.tv_usec - before.ru_stime.tv_usec);
  printf("{\"ops\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"cpuUs\":%.0f}\n", (unsigned long long)total_ops,
         (unsigned long long)total_bytes, elapsed, cpu);
  return 0;
}

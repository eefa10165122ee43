// no-uring: runs a command with io_uring denied the way container runtimes deny it (Docker's and
// Podman's default seccomp profiles): io_uring_setup fails with EPERM. The filter is inherited
// across exec and fork, so everything the command starts is covered too.
//
//   cc -O2 -o no-uring no-uring.c && ./no-uring node app.js
//   ./no-uring --check    exits 0 if io_uring_setup now fails with EPERM (self-test)

#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425 /* the same number on every architecture since 5.1 */
#endif

#if defined(__x86_64__)
#define TPIO_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TPIO_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "no-uring: add this architecture's AUDIT_ARCH_* value"
#endif

static int deny_io_uring(void) {
  struct sock_filter program[] = {
      // A foreign architecture's syscall numbers mean something else: refuse them outright.
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TPIO_AUDIT_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog filter = {.len = sizeof(program) / sizeof(program[0]), .filter = program};
  // Without NO_NEW_PRIVS an unprivileged process may not install a filter (and setuid binaries
  // started later could not escape it anyway).
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    perror("no-uring: prctl(PR_SET_NO_NEW_PRIVS)");
    return -1;
  }
  if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) != 0) {
    perror("no-uring: seccomp(SECCOMP_SET_MODE_FILTER)");
    return -1;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: no-uring --check | no-uring <command> [args...]\n");
    return 2;
  }
  if (deny_io_uring() != 0) return 1;
  if (strcmp(argv[1], "--check") == 0) {
    unsigned char params[120] = {0};  // struct io_uring_params
    long rc = syscall(__NR_io_uring_setup, 1, params);
    if (rc >= 0) {
      fprintf(stderr, "no-uring: io_uring_setup succeeded under the filter (fd %ld)\n", rc);
      return 1;
    }
    printf("io_uring_setup: %s\n", errno == EPERM ? "EPERM" : strerror(errno));
    return errno == EPERM ? 0 : 1;
  }
  execvp(argv[1], argv + 1);
  fprintf(stderr, "no-uring: cannot run %s: %s\n", argv[1], strerror(errno));
  return 127;
}

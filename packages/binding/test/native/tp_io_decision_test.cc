// Unit tests for the win-tp decisions Wine never exercises (it never completes a file read
// synchronously): synchronous success on a FILE_SKIP_COMPLETION_PORT_ON_SUCCESS handle, immediate
// end of file, immediate failure; and the Win32 -> errno table. Pure logic: built and run on Linux
// by test/native-decision.test.ts (g++), no Windows headers involved.

#include <cstdio>
#include <cstdlib>
#include <initializer_list>

#include "win/tp_io_decision.h"
#include "win/win_errno.h"

namespace {

int g_failures = 0;
int g_checks = 0;

#define CHECK_EQ(actual, expected)                                                                   \
  do {                                                                                               \
    g_checks++;                                                                                      \
    long long a_ = static_cast<long long>(actual);                                                   \
    long long e_ = static_cast<long long>(expected);                                                 \
    if (a_ != e_) {                                                                                  \
      g_failures++;                                                                                  \
      std::printf("FAIL %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #actual, a_, \
                  #expected, e_);                                                                    \
    }                                                                                                \
  } while (0)

using tpio::win::DecideAfterIssue;
using tpio::win::IssueAction;
using tpio::win::IssueDecision;
using tpio::win::IssueInput;
namespace uv = tpio::win::uv;

IssueInput Input(bool ok, uint32_t error, uint32_t bytes, bool skip, bool is_read, bool threadpool_io = true) {
  IssueInput input{};
  input.call_succeeded = ok;
  input.last_error = error;
  input.bytes = bytes;
  input.skip_on_success = skip;
  input.is_read = is_read;
  input.threadpool_io = threadpool_io;
  return input;
}

void TestPending() {
  for (bool skip : {false, true}) {
    for (bool is_read : {false, true}) {
      IssueDecision decision = DecideAfterIssue(Input(false, tpio::win::kErrorIoPending, 0, skip, is_read));
      CHECK_EQ(static_cast<int>(decision.action), static_cast<int>(IssueAction::kWaitForCallback));
      CHECK_EQ(decision.cancel_threadpool_io, false);
    }
  }
}

void TestSynchronousSuccess() {
  // Without skip-on-success the packet is queued anyway: the callback delivers, no cancel.
  IssueDecision queued = DecideAfterIssue(Input(true, 0, 4096, false, true));
  CHECK_EQ(static_cast<int>(queued.action), static_cast<int>(IssueAction::kWaitForCallback));
  CHECK_EQ(queued.cancel_threadpool_io, false);
  // With skip-on-success nothing is queued: deliver now and return the start.
  IssueDecision now = DecideAfterIssue(Input(true, 0, 4096, true, true));
  CHECK_EQ(static_cast<int>(now.action), static_cast<int>(IssueAction::kCompleteNow));
  CHECK_EQ(now.cancel_threadpool_io, true);
  CHECK_EQ(now.result, 4096);
  IssueDecision write = DecideAfterIssue(Input(true, 0, 17, true, false));
  CHECK_EQ(static_cast<int>(write.action), static_cast<int>(IssueAction::kCompleteNow));
  CHECK_EQ(write.result, 17);
  // A synchronous 0-byte success is end of file, delivered as 0 bytes.
  IssueDecision empty = DecideAfterIssue(Input(true, 0, 0, true, true));
  CHECK_EQ(empty.result, 0);
  CHECK_EQ(empty.cancel_threadpool_io, true);
}

void TestImmediateEof() {
  IssueDecision eof = DecideAfterIssue(Input(false, tpio::win::kErrorHandleEof, 0, false, true));
  CHECK_EQ(static_cast<int>(eof.action), static_cast<int>(IssueAction::kCompleteNow));
  CHECK_EQ(eof.cancel_threadpool_io, true);
  CHECK_EQ(eof.result, 0);
  IssueDecision eof_skip = DecideAfterIssue(Input(false, tpio::win::kErrorHandleEof, 0, true, true));
  CHECK_EQ(eof_skip.result, 0);
  CHECK_EQ(eof_skip.cancel_threadpool_io, true);
  // On a bound (BindIoCompletionCallback) handle there is no start to cancel.
  IssueDecision bound = DecideAfterIssue(Input(false, tpio::win::kErrorHandleEof, 0, false, true, false));
  CHECK_EQ(static_cast<int>(bound.action), static_cast<int>(IssueAction::kCompleteNow));
  CHECK_EQ(bound.cancel_threadpool_io, false);
  CHECK_EQ(bound.result, 0);
}

void TestImmediateFailure() {
  IssueDecision handle = DecideAfterIssue(Input(false, tpio::win::kErrorInvalidHandle, 0, false, true));
  CHECK_EQ(static_cast<int>(handle.action), static_cast<int>(IssueAction::kCompleteNow));
  CHECK_EQ(handle.cancel_threadpool_io, true);
  CHECK_EQ(handle.result, uv::kEbadf);
  // Writing to a read-only handle: access denied on a transfer is EBADF, as libuv reports it.
  IssueDecision denied = DecideAfterIssue(Input(false, tpio::win::kErrorAccessDenied, 0, true, false));
  CHECK_EQ(denied.result, uv::kEbadf);
  CHECK_EQ(denied.cancel_threadpool_io, true);
  IssueDecision full = DecideAfterIssue(Input(false, 112 /* ERROR_DISK_FULL */, 0, false, false));
  CHECK_EQ(full.result, uv::kEnospc);
  // FILE_FLAG_NO_BUFFERING (O_DIRECT) with a misaligned offset or length fails at once on Windows
  // (Wine does not check alignment): EINVAL through the normal completion path.
  IssueDecision misaligned = DecideAfterIssue(Input(false, tpio::win::kErrorInvalidParameter, 0, true, true));
  CHECK_EQ(static_cast<int>(misaligned.action), static_cast<int>(IssueAction::kCompleteNow));
  CHECK_EQ(misaligned.cancel_threadpool_io, true);
  CHECK_EQ(misaligned.result, uv::kEinval);
  IssueDecision aborted = DecideAfterIssue(Input(false, tpio::win::kErrorOperationAborted, 0, false, true));
  CHECK_EQ(aborted.result, uv::kEcanceled);
  // EOF is success only for reads.
  IssueDecision write_eof = DecideAfterIssue(Input(false, tpio::win::kErrorHandleEof, 0, false, false));
  CHECK_EQ(write_eof.result < 0, true);
}

void TestCompletionResults() {
  using tpio::win::ResultFromCompletion;
  CHECK_EQ(ResultFromCompletion(0, 123, true), 123);
  CHECK_EQ(ResultFromCompletion(0, 5000000000ULL, true), 2147483647);
  CHECK_EQ(ResultFromCompletion(tpio::win::kErrorHandleEof, 0, true), 0);
  CHECK_EQ(ResultFromCompletion(tpio::win::kErrorOperationAborted, 0, true), uv::kEcanceled);
  CHECK_EQ(ResultFromCompletion(tpio::win::kErrorAccessDenied, 0, false), uv::kEbadf);
  CHECK_EQ(ResultFromCompletion(1 /* ERROR_INVALID_FUNCTION */, 0, true), uv::kEisdir);
}

void TestErrnoTable() {
  using tpio::win::TranslateWin32Error;
  CHECK_EQ(TranslateWin32Error(0), 0);
  CHECK_EQ(TranslateWin32Error(2), -4058);     // ENOENT
  CHECK_EQ(TranslateWin32Error(3), -4058);     // ENOENT
  CHECK_EQ(TranslateWin32Error(5), -4048);     // EPERM, as libuv maps ERROR_ACCESS_DENIED
  CHECK_EQ(TranslateWin32Error(6), -4083);     // EBADF
  CHECK_EQ(TranslateWin32Error(80), -4075);    // EEXIST
  CHECK_EQ(TranslateWin32Error(183), -4075);   // EEXIST
  CHECK_EQ(TranslateWin32Error(112), -4055);   // ENOSPC
  CHECK_EQ(TranslateWin32Error(995), -4081);   // ECANCELED
  CHECK_EQ(TranslateWin32Error(32), -4082);    // EBUSY (sharing violation)
  CHECK_EQ(TranslateWin32Error(145), -4051);   // ENOTEMPTY
  CHECK_EQ(TranslateWin32Error(206), -4064);   // ENAMETOOLONG
  CHECK_EQ(TranslateWin32Error(1314), -4048);  // EPERM
  CHECK_EQ(TranslateWin32Error(267), -4058);   // ERROR_DIRECTORY -> ENOENT (libuv)
  CHECK_EQ(TranslateWin32Error(99999), -4094); // UNKNOWN
}

}  // namespace

int main() {
  TestPending();
  TestSynchronousSuccess();
  TestImmediateEof();
  TestImmediateFailure();
  TestCompletionResults();
  TestErrnoTable();
  std::printf("%d checks, %d failed\n", g_checks, g_failures);
  return g_failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#pragma once
// What to do right after ReadFile/WriteFile was called with an OVERLAPPED on a handle bound to the
// thread pool: wait for the IoCompletionCallback, or deliver the result now (through the normal
// completion path) and call CancelThreadpoolIo because no callback will ever come for this start.
// Pure logic with no Windows headers, so the paths Wine never takes (synchronous completion on a
// FILE_SKIP_COMPLETION_PORT_ON_SUCCESS handle, immediate EOF, immediate failure) are unit-tested
// on Linux (test/native/tp_io_decision_test.cc).

#include <cstdint>

namespace tpio::win {

enum class IssueAction : uint8_t {
  kWaitForCallback,  // a completion packet is (or will be) queued: the callback delivers the result
  kCompleteNow,      // nothing will be queued: deliver `result` now
};

struct IssueDecision {
  IssueAction action;
  // The StartThreadpoolIo made for this call must be returned with CancelThreadpoolIo (only for the
  // CreateThreadpoolIo path; BindIoCompletionCallback has no per-call start).
  bool cancel_threadpool_io;
  int32_t result;  // kCompleteNow: bytes transferred (>= 0) or a negative errno
};

struct IssueInput {
  bool call_succeeded;     // ReadFile/WriteFile returned TRUE
  uint32_t last_error;     // GetLastError() when it returned FALSE
  uint32_t bytes;          // *lpNumberOfBytesTransferred when it returned TRUE
  bool skip_on_success;    // the handle has FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
  bool is_read;            // ERROR_HANDLE_EOF means "0 bytes, success" for reads
  bool threadpool_io;      // issued through a TP_IO (CreateThreadpoolIo) rather than a bound handle
};

IssueDecision DecideAfterIssue(const IssueInput& input);

// The result an IoCompletionCallback (or FileIOCompletionRoutine) reports for one op: bytes on
// success, 0 bytes for end of file on a read, a negative errno otherwise.
int32_t ResultFromCompletion(uint32_t io_result, uint64_t bytes, bool is_read);

}  // namespace tpio::win

// See tp_io_decision.h. The rules, from the seeds' Remarks and the Win32 documentation:
// - TRUE on a handle without skip-on-success: the packet is queued anyway; the callback runs.
// - TRUE on a skip-on-success handle: no packet, no callback; cancel the start, deliver now.
// - FALSE + ERROR_IO_PENDING: the callback runs later.
// - FALSE + anything else (ERROR_HANDLE_EOF included): the I/O never started; no callback will
//   run, so cancel the start and deliver the failure (or the 0-byte EOF) now.

#include "win/tp_io_decision.h"

#include <cstdint>

#include "win/win_errno.h"

namespace tpio::win {

namespace {

int32_t ClampBytes(uint64_t bytes) { return bytes > INT32_MAX ? INT32_MAX : static_cast<int32_t>(bytes); }

}  // namespace

int32_t ResultFromCompletion(uint32_t io_result, uint64_t bytes, bool is_read) {
  if (io_result == kErrorSuccess) return ClampBytes(bytes);
  if (is_read && (io_result == kErrorHandleEof || io_result == kErrorBrokenPipe)) return ClampBytes(bytes);
  return TranslateTransferError(io_result);
}

IssueDecision DecideAfterIssue(const IssueInput& input) {
  if (input.call_succeeded) {
    if (!input.skip_on_success) return {IssueAction::kWaitForCallback, false, 0};
    return {IssueAction::kCompleteNow, input.threadpool_io, ClampBytes(input.bytes)};
  }
  if (input.last_error == kErrorIoPending) return {IssueAction::kWaitForCallback, false, 0};
  return {IssueAction::kCompleteNow, input.threadpool_io, ResultFromCompletion(input.last_error, 0, input.is_read)};
}

}  // namespace tpio::win

#pragma once
// The layout of the shared submission and completion records exchanged between lib/port.ts and the
// native port. Keep in sync with lib/protocol.ts (a test checks the constants through the addon).

#include <cstdint>

namespace tpio::protocol {

// Submission record: kSubmissionWords 32-bit words, little-endian, written by JavaScript.
constexpr int kSubmissionWords = 16;
enum SubmissionWord : int {
  kWordOp = 0,          // OpKind
  kWordSlot = 1,        // op table index
  kWordFd = 2,
  kWordCount = 3,       // readv/writev: number of buffers
  kWordPositionLo = 4,  // position as two halves; -1/-1 = current position
  kWordPositionHi = 5,
  kWordOffset = 6,      // byte offset into the buffer view
  kWordLength = 7,      // byte length
  kWordFlags = 8,       // open flags
  kWordMode = 9,        // open / fallocate mode
  kWordLength64Lo = 10, // ftruncate / fallocate / copy_file_range length
  kWordLength64Hi = 11,
  kWordFdOut = 12,      // copy_file_range
  kWordPositionOutLo = 13,
  kWordPositionOutHi = 14,
  kWordSubmitFlags = 15,  // kSubmitFlag* bits
};

// kWordSubmitFlags bits.
constexpr int32_t kSubmitFlagBound = 1;  // issued on a descriptor bound with bindIoCompletionCallback

// Completion record: two 32-bit words: slot, result.
constexpr int kCompletionWords = 2;

}  // namespace tpio::protocol

#pragma once
// The per-op state the win-tp engine keeps inside Op::scratch: the OVERLAPPED the kernel and the
// thread pool hand back, and the way from it to the op and the engine that issued it.

#include <windows.h>

#include <new>

#include "core/op.h"

namespace tpio::win {

class TpIoBackend;

struct OverlappedOp {
  OVERLAPPED overlapped;   // must stay first: completions give us &overlapped
  Op* op;
  TpIoBackend* backend;
  HANDLE handle;           // for CancelIoEx; null for work items (open, fsync)
  bool is_read;
};

static_assert(sizeof(OverlappedOp) <= Op::kScratchSize, "OverlappedOp must fit in Op::scratch");
static_assert(alignof(OverlappedOp) <= 16, "Op::scratch is 16-byte aligned");

// Constructs a zeroed OverlappedOp in the op's scratch memory.
inline OverlappedOp* ResetOverlapped(Op* op) {
  auto* state = new (op->scratch) OverlappedOp{};
  state->op = op;
  return state;
}

inline OverlappedOp* OverlappedOf(Op* op) { return std::launder(reinterpret_cast<OverlappedOp*>(op->scratch)); }

// Called by the pool callbacks (tp_io_handles.cc) for every completed OVERLAPPED of this engine.
void CompleteOverlapped(OVERLAPPED* overlapped, DWORD io_result, ULONG_PTR bytes);

}  // namespace tpio::win

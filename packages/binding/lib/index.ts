// @tpio/binding: the Windows thread-pool I/O completion model (CreateThreadpoolIo, StartThreadpoolIo,
// IoCompletionCallback, CancelThreadpoolIo, WaitForThreadpoolIoCallbacks, CloseThreadpoolIo,
// BindIoCompletionCallback) on every platform, over io_uring, the Win32 thread pool or worker threads.

export { Port, createPort, defaultPort } from './port.js';
export type { BoundCompletionRoutine, PortCallback } from './completion-target.js';
export { Io, type IoCompletionCallback } from './io.js';
export { OpKind, statFields } from './protocol.js';
export { probe, usableBackends, type ProbeReport } from './probe.js';
export { adviseHugePages } from './memory-advice.js';
export { allocReadBuffer } from './read-buffer.js';
export type { WinTpCounters } from './load.js';
export type { FaultReport } from './load.js';
export type {
  AllocateRequest,
  BackendName,
  CopyRangeRequest,
  FstatRequest,
  IoRequest,
  IoVectorRequest,
  OpenRequest,
  PathStatRequest,
  PortOptions,
  Position,
  RequestObject,
  TruncateRequest,
  WritebackRequest,
} from './types.js';

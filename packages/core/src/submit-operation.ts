// How an Operation is issued on its Io: StartThreadpoolIo (io.start()) and the binding call its
// `call` names. A call that throws (bad arguments) gives the start back (CancelThreadpoolIo).

import type { Io } from '@tpio/binding';
import { Call, type Operation } from './operation.js';

/** Starts and issues `operation` on `io`; throws (with the start returned) on bad arguments. */
export function submitOperation<C>(io: Io<C, Operation>, operation: Operation): void {
  io.start();
  try {
    switch (operation.call) {
      case Call.read: io.read(operation as Operation & { buffer: ArrayBufferView; length: number }); break;
      case Call.write: io.write(operation as Operation & { buffer: ArrayBufferView; length: number }); break;
      case Call.readv: io.readv(operation as Operation & { buffers: ArrayBufferView[] }); break;
      case Call.writev: io.writev(operation as Operation & { buffers: ArrayBufferView[] }); break;
      case Call.fsync: io.fsync(operation); break;
      case Call.fdatasync: io.fdatasync(operation); break;
      case Call.fstat: io.fstat(operation as Operation & { stats: BigInt64Array }); break;
      case Call.ftruncate: io.ftruncate(operation); break;
      case Call.copyFileRange: io.copyFileRange(operation as Operation & { length: number }); break;
      case Call.close: io.closeHandle(operation); break;
      case Call.startWriteback: io.startWriteback(operation); break;
    }
  } catch (error) {
    io.cancel();
    throw error;
  }
}

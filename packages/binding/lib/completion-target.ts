// The things a port delivers completions to, besides an Io: a descriptor bound with
// BindIoCompletionCallback, and a port-level request such as open or stat.

import { kDeliver } from './io.js';
import type { RequestObject } from './types.js';

/** Something a completion is delivered to: an Io, a bound descriptor, or a port-level request. */
export interface CompletionTarget {
  [kDeliver](request: object, result: number, slot: number): void;
}

/** `fn(errorCode, bytesTransferred, request)`: the FileIOCompletionRoutine of BindIoCompletionCallback. */
export type BoundCompletionRoutine<R extends object = RequestObject> = (errorCode: number, bytesTransferred: number, request: R) => void;

/** `callback(result, request)` for port-level requests (open, stat): result is the fd or 0, or a negative errno. */
export type PortCallback<R extends object> = (result: number, request: R) => void;

/** A descriptor bound with bindIoCompletionCallback: completions go to its routine. */
export class BoundFile implements CompletionTarget {
  constructor(readonly fd: number, readonly routine: BoundCompletionRoutine<any>) {}
  [kDeliver](request: object, result: number): void {
    this.routine(result < 0 ? result : 0, result < 0 ? 0 : result, request);
  }
}

/** A port-level request (open, stat): its completion goes to its own callback. */
export class PortRequest implements CompletionTarget {
  constructor(readonly callback: PortCallback<any>) {}
  [kDeliver](request: object, result: number): void {
    this.callback(result, request);
  }
}

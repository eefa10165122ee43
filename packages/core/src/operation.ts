// One request record per operation on a FileHandle: it is the request object handed to the
// binding (the OVERLAPPED) and carries how to settle it, so the hot path allocates no closures.
// Also the internal symbols the other modules of this package use to reach into FileHandle.

import { statsFromArray } from './stats.js';

/** The shape of the value an operation settles with. */
export const Shape = {
  /** `{ bytesRead, buffer }` */
  read: 0,
  /** `{ bytesWritten, buffer }` */
  write: 1,
  /** `{ bytesRead, buffers }` */
  readv: 2,
  /** `{ bytesWritten, buffers }` */
  writev: 3,
  /** fs.Stats / fs.BigIntStats */
  stat: 4,
  /** undefined */
  none: 5,
  /** the byte count (internal callers) */
  bytes: 6,
} as const;

/** Which binding call issues an operation. */
export const Call = {
  read: 0,
  write: 1,
  readv: 2,
  writev: 3,
  fsync: 4,
  fdatasync: 5,
  fstat: 6,
  ftruncate: 7,
  copyFileRange: 8,
  close: 9,
  startWriteback: 10,
} as const;

/** Receives completions of operations that are not settled through a promise (iterators). */
export interface OperationSink {
  complete(operation: Operation, result: number, bytesTransferred: number): void;
}

/**
 * An operation on a {@link FileHandle} as {@link FileHandle.completions} reports it: the request
 * handed to the engine. Treat it as read-only.
 *
 * @example
 * for await (const { request } of file.completions()) console.log(request.syscall, request.position);
 */
export interface IoOperation {
  /** The system call this operation stands for (`'read'`, `'write'`, `'fstat'`, ...). */
  readonly syscall: string;
  /** The buffer of a read or write. */
  readonly buffer: ArrayBufferView | undefined;
  /** The buffers of a readv or writev. */
  readonly buffers: readonly ArrayBufferView[] | undefined;
  /** Offset into `buffer`. */
  readonly offset: number;
  /** Bytes requested (or the new length of a truncate). */
  readonly length: number | bigint;
  /** File position (-1: the descriptor's own position, used only for appends). */
  readonly position: number | bigint;
}

/** @internal The request record. Every field is set in the constructor to keep one hidden class. */
export class Operation implements IoOperation {
  call: number;
  shape: number;
  syscall: string;
  buffer: ArrayBufferView | undefined = undefined;
  buffers: readonly ArrayBufferView[] | undefined = undefined;
  offset = 0;
  length: number | bigint = 0;
  position: number | bigint = -1;
  stats: BigInt64Array | undefined = undefined;
  bigint = false;
  fdOut = -1;
  positionOut: number | bigint = -1;
  /** Tracked position reserved by this operation (-1: none). */
  reserved = -1;
  resolve: ((value: any) => void) | undefined = undefined;
  reject: ((error: unknown) => void) | undefined = undefined;
  sink: OperationSink | undefined = undefined;
  /** Free for the issuer (readMany keeps the caller's position here). */
  tag: unknown = undefined;

  constructor(call: number, shape: number, syscall: string) {
    this.call = call;
    this.shape = shape;
    this.syscall = syscall;
  }
}

/**
 * Results like node's `{ __proto__: null, bytesRead, buffer }`: no Object.prototype behind them
 * (util.inspect prints `[Object: null prototype]`), but built by a constructor whose prototype is
 * an empty null-prototype object, because V8 builds `__proto__: null` literals in dictionary mode,
 * ~10x slower to create — too much for a per-read result.
 */
function resultClass<T extends new (...args: any[]) => object>(Class: T): T {
  delete (Class.prototype as { constructor?: unknown }).constructor;
  Object.setPrototypeOf(Class.prototype, null);
  // Print exactly as node's results print (only console/inspect pays for the copy).
  Object.defineProperty(Class.prototype, inspectCustom, {
    value(this: object, _depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
      return inspect(Object.assign(Object.create(null), this), options);
    },
  });
  return Class;
}

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

const ReadResult = resultClass(class {
  constructor(public bytesRead: number, public buffer: unknown) {}
});
const WriteResult = resultClass(class {
  constructor(public bytesWritten: number, public buffer: unknown) {}
});
const ReadvResult = resultClass(class {
  constructor(public bytesRead: number, public buffers: unknown) {}
});
const WritevResult = resultClass(class {
  constructor(public bytesWritten: number, public buffers: unknown) {}
});

/** The value a finished operation resolves with. */
export function settledValue(operation: Operation, bytes: number): unknown {
  switch (operation.shape) {
    case Shape.read: return new ReadResult(bytes, operation.buffer);
    case Shape.write: return new WriteResult(bytes, operation.tag ?? operation.buffer);
    case Shape.readv: return new ReadvResult(bytes, operation.buffers);
    case Shape.writev: return new WritevResult(bytes, operation.buffers);
    case Shape.stat: return statsFromArray(operation.stats!, operation.bigint);
    case Shape.bytes: return bytes;
    default: return undefined;
  }
}

/**
 * The syscall an operation's OS error names. node's readv and writev are libuv's read and write
 * requests over several buffers, so their errors say `read` and `write` (a closed handle's error
 * still names the method, as node's does).
 */
export function errorSyscall(operation: Operation): string {
  switch (operation.call) {
    case Call.readv: return 'read';
    case Call.writev: return 'write';
    default: return operation.syscall;
  }
}

let pending: Operation;
function executor(resolve: (value: any) => void, reject: (error: unknown) => void): void {
  pending.resolve = resolve;
  pending.reject = reject;
}

/** A promise settled by the operation's completion; one shared executor, no closure per call. */
export function promiseFor<T>(operation: Operation): Promise<T> {
  pending = operation;
  return new Promise<T>(executor);
}

/** @internal FileHandle: issue an Operation (start + call); throws on bad arguments. */
export const kSubmit = Symbol('tpio.submit');
/** @internal FileHandle: read into a buffer at a position; resolves with the byte count. */
export const kReadAt = Symbol('tpio.readAt');
/** @internal FileHandle: write from a buffer at a position; resolves with the byte count. */
export const kWriteAt = Symbol('tpio.writeAt');
/** @internal FileHandle: its TrackedPosition (`value`, get/set; `append`). */
export const kPosition = Symbol('tpio.position');
/** @internal FileHandle: its Io. */
export const kIo = Symbol('tpio.io');
/** @internal FileHandle: throws EBADF when closed or closing. */
export const kCheckOpen = Symbol('tpio.checkOpen');

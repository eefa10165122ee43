// Io: the TP_IO of CreateThreadpoolIo. One per descriptor and callback; counts StartThreadpoolIo
// calls so that an I/O without a matching start() is refused instead of corrupting anything.

import { OpKind, type OpCode } from './protocol.js';
import { invalidState } from './errors.js';
import type { Port } from './port.js';
import type {
  AllocateRequest,
  CopyRangeRequest,
  FstatRequest,
  IoRequest,
  IoVectorRequest,
  RequestObject,
  TruncateRequest,
  WritebackRequest,
} from './types.js';

/** @internal The method a port calls to hand a completion to its target. */
export const kDeliver = Symbol('tpio.deliver');

/**
 * IoCompletionCallback: `callback(context, request, result, bytesTransferred, io)`. `result` is 0 or a
 * negative errno (Node's `err.errno`); end of file is 0 with 0 bytes. It runs on the JavaScript
 * thread that owns the port.
 */
export type IoCompletionCallback<C = unknown, R extends object = RequestObject> = (
  context: C,
  request: R,
  result: number,
  bytesTransferred: number,
  io: Io<C, R>,
) => void;

/**
 * An I/O completion object bound to one descriptor (CreateThreadpoolIo). Call {@link Io.start}
 * before every operation; call {@link Io.cancel} for a start whose operation was never issued.
 */
export class Io<C = unknown, R extends object = RequestObject> {
  readonly #port: Port;
  readonly #fd: number;
  readonly #callback: IoCompletionCallback<C, R>;
  readonly #context: C;
  #starts = 0;
  #pending = 0;
  #closed = false;
  #suppressed = false;
  #waiters: (() => void)[] = [];

  /** @internal Use `port.createIo()`. */
  constructor(port: Port, fd: number, callback: IoCompletionCallback<C, R>, context: C) {
    this.#port = port;
    this.#fd = fd;
    this.#callback = callback;
    this.#context = context;
  }

  /** The descriptor this object is bound to. */
  get fd(): number {
    return this.#fd;
  }

  /** The context passed to `createIo`, handed to every callback. */
  get context(): C {
    return this.#context;
  }

  /** The port this object belongs to. */
  get port(): Port {
    return this.#port;
  }

  /** Operations issued and not yet called back. */
  get pending(): number {
    return this.#pending;
  }

  /** Starts not yet consumed by an operation or returned by {@link Io.cancel}. */
  get starts(): number {
    return this.#starts;
  }

  /** StartThreadpoolIo: announces one operation. Throws ERR_INVALID_STATE after {@link Io.close}. */
  start(): void {
    if (this.#closed) throw invalidState('start() on a closed Io');
    this.#starts++;
  }

  /** CancelThreadpoolIo: returns a start whose operation was not issued (or failed to issue). */
  cancel(): void {
    if (this.#starts === 0) throw invalidState('cancel() without a matching start()');
    this.#starts--;
  }

  /** ReadFile: reads into `request.buffer` at `request.position`. */
  read(request: R & IoRequest): void {
    this.#issue(OpKind.read, request);
  }

  /** WriteFile: writes `request.buffer` at `request.position`. */
  write(request: R & IoRequest): void {
    this.#issue(OpKind.write, request);
  }

  /** Scatter read into `request.buffers`. */
  readv(request: R & IoVectorRequest): void {
    this.#issue(OpKind.readv, request);
  }

  /** Gather write of `request.buffers`. */
  writev(request: R & IoVectorRequest): void {
    this.#issue(OpKind.writev, request);
  }

  /** FlushFileBuffers / fsync. */
  fsync(request: R): void {
    this.#issue(OpKind.fsync, request);
  }

  /** fdatasync. */
  fdatasync(request: R): void {
    this.#issue(OpKind.fdatasync, request);
  }

  /** fstat into `request.stats` (18 int64 fields, Node's Stats order). */
  fstat(request: R & FstatRequest): void {
    this.#issue(OpKind.fstat, request);
  }

  /** ftruncate to `request.length`. */
  ftruncate(request: R & TruncateRequest): void {
    this.#issue(OpKind.ftruncate, request);
  }

  /** fallocate `request.length` bytes at `request.position`. */
  fallocate(request: R & AllocateRequest): void {
    this.#issue(OpKind.fallocate, request);
  }

  /** copy_file_range to `request.fdOut`; bytesTransferred is the number copied (0 at end of file). */
  copyFileRange(request: R & CopyRangeRequest): void {
    this.#issue(OpKind.copyFileRange, request);
  }

  /**
   * Starts writing the range's dirty pages to storage and completes without waiting for them
   * (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`, run by a worker on every engine), so that a
   * later fsync has less left to wait for. A hint: it makes nothing durable, and on other systems it
   * only checks the descriptor.
   */
  startWriteback(request: R & WritebackRequest): void {
    this.#issue(OpKind.startWriteback, request);
  }

  /** CloseHandle: closes the descriptor itself (after this, the Io is of no further use). */
  closeHandle(request: R): void {
    this.#issue(OpKind.close, request);
  }

  /**
   * CancelIoEx: asks the engine to cancel `request` (or every operation of this Io). Each one still
   * calls back exactly once: with ECANCELED if the cancel won, or with its real result.
   */
  cancelIoEx(request?: R): number {
    return this.#port.cancelFor(this, request);
  }

  /**
   * WaitForThreadpoolIoCallbacks: resolves once every issued operation has called back. With
   * `cancelPending`, in-flight operations are cancelled and their callbacks are not run.
   */
  waitForCallbacks(cancelPending = false): Promise<void> {
    if (cancelPending && this.#pending > 0) {
      this.#suppressed = true;
      this.#port.cancelFor(this);
    }
    if (this.#pending === 0) {
      this.#suppressed = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** CloseThreadpoolIo: no further start() is accepted. In-flight operations still call back. */
  close(): void {
    this.#closed = true;
  }

  #issue(kind: OpCode, request: R): void {
    if (this.#starts === 0) throw invalidState('an I/O was issued without a matching start()');
    this.#port.submitIo(this, kind, this.#fd, request);
    this.#starts--;
    this.#pending++;
  }

  /** @internal */
  [kDeliver](request: object, result: number): void {
    this.#pending--;
    const suppressed = this.#suppressed;
    if (this.#pending === 0) {
      this.#suppressed = false;
      if (this.#waiters.length > 0) {
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const resolve of waiters) resolve();
      }
    }
    if (suppressed) return;
    this.#callback(this.#context, request as R, result < 0 ? result : 0, result < 0 ? 0 : result, this);
  }
}

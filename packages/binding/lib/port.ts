// Port: the completion port and its pool (CreateThreadpoolIo's environment). It owns the shared
// submission and completion records, batches every request issued in one tick into one native
// call, and dispatches each batch of completions with one JavaScript call per wake-up.

import { loadAddon, type NativePort } from './load.js';
import { OpKind, SubmitFlag, Word, completionWords, submissionWords, writeInt64, type OpCode } from './protocol.js';
import { encodeRecord } from './record-encoder.js';
import { toPathBuffer, validateInt32Like, validateRequest, validateStatsArray } from './request-checks.js';
import { errnoOf, invalidArgValue, invalidState } from './errors.js';
import { validateFd, validateFunction, validateInteger, validateObject } from './validate.js';
import { Io, type IoCompletionCallback, kDeliver } from './io.js';
import { BoundFile, PortRequest, type BoundCompletionRoutine, type CompletionTarget, type PortCallback } from './completion-target.js';
import type { BackendName, OpenRequest, PathStatRequest, PortOptions, RequestObject } from './types.js';

interface Deferred {
  target: CompletionTarget;
  kind: OpCode;
  fd: number;
  request: object;
  extra: unknown;
}

// Flushes are scheduled as reactions of one settled promise rather than with queueMicrotask(), which
// wraps every callback in an AsyncResource (async-hooks bookkeeping on each batch). #flush never
// throws: it only hands the records to the addon, which reports problems per record.
const settled = Promise.resolve();

const backendNames = new Set(['auto', 'uring', 'threads', 'win-tp']);
const defaultEntries = 1024;

/**
 * A completion port served by a pool: the engine (`uring`, `threads` or `win-tp`) and the
 * JavaScript thread's view of it. Create one with {@link createPort}; callbacks always run on the
 * JavaScript thread that created the port.
 */
export class Port {
  readonly #native: NativePort;
  readonly #submissions: Int32Array;
  readonly #completions: Int32Array;
  readonly #buffers: unknown[] = [];
  readonly #entries: number;
  // Slot table: what each in-flight slot belongs to. Parallel arrays keep the hot path monomorphic.
  readonly #targets: (CompletionTarget | undefined)[];
  readonly #requests: (object | undefined)[];
  readonly #keepAlive: unknown[];
  readonly #free: Int32Array;
  #freeCount: number;
  #batch = 0;
  #flushScheduled = false;
  #deferred: Deferred[] = [];
  #deferredHead = 0;
  #bound = new Map<number, BoundFile>();
  #closed = false;
  #idleWaiters: (() => void)[] = [];
  readonly #flushBound = () => this.#flush();
  readonly #onCompletionsBound: (count: number) => void;

  /** @internal Use {@link createPort}. */
  constructor(options: PortOptions = {}) {
    validateObject(options, 'options');
    const backend = options.backend ?? 'auto';
    if (typeof backend !== 'string' || !backendNames.has(backend)) {
      throw invalidArgValue('options.backend', backend, "must be one of: 'auto', 'uring', 'threads', 'win-tp'");
    }
    const threads = options.threads ?? 0;
    validateInteger(threads, 'options.threads', 0, 256);
    const entries = options.entries ?? defaultEntries;
    validateInteger(entries, 'options.entries', 1, 32768);
    const envBackend = process.env.TPIO_BACKEND;
    const chosen = backend === 'auto' && envBackend ? envBackend : backend;
    const { addon } = loadAddon();
    const submissions = new ArrayBuffer(entries * submissionWords * 4);
    const completions = new ArrayBuffer(entries * completionWords * 4);
    // The port owns this function: the addon holds it weakly while idle, so it lives exactly as
    // long as the port does.
    this.#onCompletionsBound = (count: number) => this.#onCompletions(count);
    this.#native = new addon.NativePort({ backend: chosen, threads, entries }, submissions, completions, this.#buffers, this.#onCompletionsBound);
    this.#entries = this.#native.entries;
    this.#submissions = new Int32Array(submissions);
    this.#completions = new Int32Array(completions);
    this.#targets = new Array(this.#entries).fill(undefined);
    this.#requests = new Array(this.#entries).fill(undefined);
    this.#keepAlive = new Array(this.#entries).fill(undefined);
    this.#free = new Int32Array(this.#entries);
    for (let i = 0; i < this.#entries; i++) this.#free[i] = this.#entries - 1 - i;
    this.#freeCount = this.#entries;
  }

  /** The engine serving this port: `'uring'`, `'threads'` or `'win-tp'`. */
  get backend(): BackendName {
    return this.#native.backend as BackendName;
  }

  /** Why `auto` did not pick the platform's fast engine, or `null` when it did. */
  get fallbackReason(): string | null {
    return this.#native.fallbackReason;
  }

  /**
   * Operations this port's engine handed to the threads engine so far: ops it has no way to run
   * (e.g. `copyFileRange` on io_uring, or node:fs descriptors on `win-tp`), ops the kernel refused
   * for this file (`EOPNOTSUPP`), and on io_uring large transfers issued while another is in flight
   * (or together with a later one, which the ring copies meanwhile), which worker threads copy in
   * parallel faster than the ring does, and a share of small cached reads at a deep queue, which the
   * workers copy on another core while the ring copies the rest. Always 0 on `threads`.
   *
   * @example
   * const port = createPort();
   * console.log(port.backend, port.delegatedOps);
   */
  get delegatedOps(): number {
    return this.#native.delegatedOps;
  }

  /**
   * Reads completed so far that ran as read-ahead: a large read (128 KiB and up) issued while
   * another was in flight, as `chunks()` and read streams keep them. The worker thread that runs one
   * goes to sleep afterwards instead of polling for a next op, since its issuer sends the next read
   * when a consumer takes a result, not when this one completes. Marked by the `uring` engine (the
   * ones it hands to worker threads) and the `threads` engine; on `win-tp` only reads handed over
   * to worker threads can count.
   *
   * @example
   * const port = createPort();
   * console.log(port.readAheadOps);
   */
  get readAheadOps(): number {
    return this.#native.readAheadOps;
  }

  /** Maximum operations in flight at once; more are queued in JavaScript until slots free up. */
  get entries(): number {
    return this.#entries;
  }

  /** Operations issued and not yet completed (including ones queued for a free slot). */
  get inFlight(): number {
    return this.#entries - this.#freeCount + (this.#deferred.length - this.#deferredHead);
  }

  /**
   * CreateThreadpoolIo: binds `fd` to this port. Every I/O on the returned {@link Io} must be
   * preceded by `io.start()`, and completes by calling `callback(context, request, result,
   * bytesTransferred, io)` on this thread.
   */
  createIo<C = unknown, R extends object = RequestObject>(fd: number, callback: IoCompletionCallback<C, R>, context?: C): Io<C, R> {
    this.#checkOpen();
    validateFd(fd);
    validateFunction(callback, 'callback');
    return new Io<C, R>(this, fd, callback, context as C);
  }

  /**
   * BindIoCompletionCallback: associates `fd` with this port so that {@link Port.read} and
   * {@link Port.write} on it complete by calling `routine(errorCode, bytesTransferred, request)`.
   * `errorCode` is 0 or a negative errno.
   */
  bindIoCompletionCallback<R extends object = RequestObject>(fd: number, routine: BoundCompletionRoutine<R>): true {
    this.#checkOpen();
    validateFd(fd);
    validateFunction(routine, 'routine');
    if (this.#bound.has(fd)) throw invalidState(`file descriptor ${fd} is already bound to this port`);
    this.#bound.set(fd, new BoundFile(fd, routine));
    return true;
  }

  /** Forgets a binding made with {@link Port.bindIoCompletionCallback} (Windows unbinds on CloseHandle). */
  unbindIoCompletionCallback(fd: number): boolean {
    return this.#bound.delete(fd);
  }

  /** ReadFile on a bound descriptor: `request = { buffer, position, offset?, length? }`. */
  read(fd: number, request: RequestObject): void {
    this.submitIo(this.#boundTarget(fd), OpKind.read, fd, request);
  }

  /** WriteFile on a bound descriptor. */
  write(fd: number, request: RequestObject): void {
    this.submitIo(this.#boundTarget(fd), OpKind.write, fd, request);
  }

  /** Opens `request.path` with numeric `request.flags` and `request.mode`; `callback(fdOrErrno, request)`. */
  open<R extends OpenRequest>(request: R, callback: PortCallback<R>): void {
    this.#checkOpen();
    validateObject(request, 'request');
    validateFunction(callback, 'callback');
    const path = toPathBuffer(request.path, 'path');
    validateInt32Like(request.flags, 'flags');
    validateInt32Like(request.mode ?? 0o666, 'mode');
    this.#enqueue(new PortRequest(callback), OpKind.open, -1, request, path);
  }

  /** stat (or lstat with `followSymlinks: false`) of `request.path` into `request.stats`; `callback(0 | errno, request)`. */
  stat<R extends PathStatRequest>(request: R, callback: PortCallback<R>): void {
    this.#checkOpen();
    validateObject(request, 'request');
    validateFunction(callback, 'callback');
    const path = toPathBuffer(request.path, 'path');
    validateStatsArray(request.stats);
    const kind = request.followSymlinks === false ? OpKind.lstat : OpKind.stat;
    this.#enqueue(new PortRequest(callback), kind, -1, request, path);
  }

  /**
   * Hands `fd`, a descriptor this port opened, over to the caller: the port no longer closes it
   * when its thread ends (a worker exiting closes the descriptors its ports opened, as node's
   * FileHandle does). For code that gives the number to someone else who will close it. Returns
   * whether the port owned `fd`; closing it through an Io or with node:fs still works.
   *
   * @example
   * port.open({ path: 'a.txt', flags: 0 }, (fd) => { if (fd >= 0) port.disown(fd); });
   */
  disown(fd: number): boolean {
    validateFd(fd);
    return !this.#closed && this.#native.disown(fd);
  }

  /** Cancels every in-flight operation and waits for all of them, then releases the engine. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (let slot = 0; slot < this.#entries; slot++) if (this.#targets[slot] !== undefined) this.#native.cancel(slot);
    this.#cancelDeferred(() => true);
    if (this.#entries - this.#freeCount > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    this.#native.close();
  }

  /** @internal Validates and issues one I/O request for `target` on `fd`. Throws on bad arguments. */
  submitIo(target: CompletionTarget, kind: OpCode, fd: number, request: RequestObject): void {
    // Fast path for the hot case: read/write of a view at a number position, with a free slot and
    // nothing queued. It accepts only what the general checks below accept, so errors (and
    // everything else) still go through them unchanged.
    if ((kind === OpKind.read || kind === OpKind.write) && this.#freeCount > 0 && !this.#closed && this.#deferredHead === this.#deferred.length) {
      if (typeof request === 'object' && request !== null) {
        const buffer = request.buffer;
        const position = request.position;
        if (typeof position === 'number' && position >= -1 && Number.isSafeInteger(position) && ArrayBuffer.isView(buffer) && !Array.isArray(request)) {
          const size = buffer.byteLength;
          const offset = request.offset ?? 0;
          const length = request.length ?? size - offset;
          if (Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= size) {
            this.#encodeView(target, kind, fd, request, buffer, offset, length, position);
            return;
          }
        }
      }
    }
    this.#checkOpen();
    validateRequest(kind, request);
    this.#enqueue(target, kind, fd, request, undefined);
  }

  /** @internal Real cancellation of the in-flight ops of `target` (optionally only `request`). */
  cancelFor(target: CompletionTarget, request?: object): number {
    let count = 0;
    for (let slot = 0; slot < this.#entries; slot++) {
      if (this.#targets[slot] === target && (request === undefined || this.#requests[slot] === request)) {
        this.#native.cancel(slot);
        count++;
      }
    }
    return count + this.#cancelDeferred((deferred) => deferred.target === target && (request === undefined || deferred.request === request));
  }

  /** Requests still waiting for a slot were never issued: they call back as cancelled, on a later tick. */
  #cancelDeferred(matches: (deferred: Deferred) => boolean): number {
    let count = 0;
    const cancelled = errnoOf('ECANCELED');
    for (let i = this.#deferredHead; i < this.#deferred.length; i++) {
      const deferred = this.#deferred[i]!;
      if (!matches(deferred)) continue;
      this.#deferred.splice(i--, 1);
      count++;
      queueMicrotask(() => deferred.target[kDeliver](deferred.request, cancelled, -1));
    }
    return count;
  }

  #checkOpen(): void {
    if (this.#closed) throw invalidState('the port is closed');
  }

  #boundTarget(fd: number): BoundFile {
    validateFd(fd);
    const bound = this.#bound.get(fd);
    if (bound === undefined) throw invalidState(`file descriptor ${fd} is not bound with bindIoCompletionCallback()`);
    return bound;
  }

  #enqueue(target: CompletionTarget, kind: OpCode, fd: number, request: object, extra: unknown): void {
    if (this.#freeCount === 0 || this.#deferredHead < this.#deferred.length) {
      this.#deferred.push({ target, kind, fd, request, extra });
      return;
    }
    this.#encode(target, kind, fd, request, extra);
  }

  /** #encode for read/write of a view with checked offset and length at a number position (the fast path). */
  #encodeView(target: CompletionTarget, kind: OpCode, fd: number, request: object, buffer: ArrayBufferView, offset: number, length: number, position: number): void {
    const slot = this.#free[--this.#freeCount]!;
    this.#targets[slot] = target;
    this.#requests[slot] = request;
    this.#keepAlive[slot] = undefined;
    const words = this.#submissions;
    const base = this.#batch * submissionWords;
    words[base + Word.op] = kind;
    words[base + Word.slot] = slot;
    words[base + Word.fd] = fd;
    words[base + Word.submitFlags] = target instanceof BoundFile ? SubmitFlag.bound : 0;
    words[base + Word.offset] = offset;
    words[base + Word.length] = length;
    if (position < 0x80000000) {
      words[base + Word.positionLo] = position; // -1 is -1/-1: the current position
      words[base + Word.positionHi] = position < 0 ? -1 : 0;
    } else {
      writeInt64(words, base + Word.positionLo, position);
    }
    this.#buffers[this.#batch] = buffer;
    this.#batch++;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      void settled.then(this.#flushBound);
    }
  }

  #encode(target: CompletionTarget, kind: OpCode, fd: number, request: any, extra: unknown): void {
    const slot = this.#free[--this.#freeCount]!;
    this.#targets[slot] = target;
    this.#requests[slot] = request;
    this.#keepAlive[slot] = extra;
    try {
      this.#encodeRecord(target, slot, kind, fd, request, extra);
    } catch (error) {
      // Nothing was recorded for the batch: give the slot back, or the port would wait for it forever.
      this.#targets[slot] = undefined;
      this.#requests[slot] = undefined;
      this.#keepAlive[slot] = undefined;
      this.#free[this.#freeCount++] = slot;
      throw error;
    }
    this.#batch++;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      void settled.then(this.#flushBound);
    }
  }

  #encodeRecord(target: CompletionTarget, slot: number, kind: OpCode, fd: number, request: any, extra: unknown): void {
    const flags = target instanceof BoundFile ? SubmitFlag.bound : 0;
    encodeRecord(this.#submissions, this.#batch * submissionWords, this.#buffers, this.#batch, kind, slot, fd, flags, request, extra);
  }

  #flush(): void {
    this.#flushScheduled = false;
    const count = this.#batch;
    if (count === 0) return;
    this.#batch = 0;
    const buffers = this.#buffers;
    try {
      // The record values travel as arguments: the addon reads them all with one call (entries
      // past `count`, left from a bigger batch, are undefined and ignored).
      this.#native.submit(count, ...buffers);
    } finally {
      // Drop the references but keep the array's storage: truncating and regrowing it on every
      // batch allocated a new backing store each time (garbage, and scavenges in the loop).
      buffers.fill(undefined, 0, count);
      if (buffers.length > 2 * count + 16) buffers.length = count;
    }
  }

  #onCompletions(count: number): void {
    const records = this.#completions;
    let firstError: unknown;
    let failed = false;
    for (let i = 0; i < count; i++) {
      const slot = records[i * completionWords]!;
      const result = records[i * completionWords + 1]!;
      const target = this.#targets[slot]!;
      const request = this.#requests[slot]!;
      this.#targets[slot] = undefined;
      this.#requests[slot] = undefined;
      this.#keepAlive[slot] = undefined;
      this.#free[this.#freeCount++] = slot;
      try {
        target[kDeliver](request, result, slot);
      } catch (error) {
        // Keep delivering the rest of the batch; the first exception is rethrown below and becomes
        // an uncaught exception, later ones are raised on their own ticks.
        if (!failed) {
          failed = true;
          firstError = error;
        } else {
          process.nextTick(() => {
            throw error;
          });
        }
      }
    }
    this.#issueDeferred();
    if (this.#freeCount === this.#entries && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (failed) throw firstError;
  }

  #issueDeferred(): void {
    while (this.#freeCount > 0 && this.#deferredHead < this.#deferred.length) {
      const deferred = this.#deferred[this.#deferredHead]!;
      this.#deferred[this.#deferredHead++] = undefined as unknown as Deferred;
      this.#encode(deferred.target, deferred.kind, deferred.fd, deferred.request, deferred.extra);
    }
    if (this.#deferredHead === this.#deferred.length) {
      this.#deferred = [];
      this.#deferredHead = 0;
    }
  }
}

/**
 * Creates a completion port. `backend: 'auto'` (the default) picks io_uring on Linux, the Win32
 * thread pool on Windows and worker threads elsewhere, falling back to worker threads when the fast
 * engine is unavailable (see {@link Port.fallbackReason}). `TPIO_BACKEND` overrides `auto`.
 *
 * @example
 * import { createPort } from '@tpio/binding';
 * import { openSync } from 'node:fs';
 * const port = createPort();
 * const io = port.createIo(openSync('package.json'), (context, request, result, bytes) => {
 *   console.log(context, result, bytes);
 * }, 'my context');
 * io.start();
 * io.read({ buffer: Buffer.alloc(64), position: 0 });
 */
export function createPort(options?: PortOptions): Port {
  return new Port(options);
}

let sharedPort: Port | undefined;

/** The port shared by everything on this JavaScript thread (created on first use, never keeps the process alive). */
export function defaultPort(): Port {
  sharedPort ??= new Port();
  return sharedPort;
}

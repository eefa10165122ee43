// ReadStream: node:fs's fs.ReadStream (lib/internal/fs/streams.js) with read-ahead underneath.
//
// Two ways to move bytes:
//  - fast path (a path opened by this stream, or a @tpio/core FileHandle): up to `depth` reads in
//    flight at explicit positions, each a readv into several fresh highWaterMark-sized Buffers, so
//    the engine works ahead of the consumer while chunks stay exactly node's (size, order, content);
//  - compat path (`options.fs`, a numeric fd, or a node:fs FileHandle): node's own algorithm, one
//    read at a time through the fs-ops object, because those calls are the user's to observe and a
//    numeric fd's position is the kernel's.
// Either way destroy() waits for reads in flight before closing the descriptor.

import { Readable, finished } from 'node:stream';
import { fileHandleOperations, type FileHandle as TpioFileHandle } from '@tpio/core';
import { nodeFs, type FsOverride } from './fs-ops.js';
import { resolveReadOptions, type StreamPath } from './validate-options.js';
import { callableClass, closeWithHandle, constructWithOpenMethod, errorOrDestroy, openStreamFile } from './stream-common.js';

/** Options of {@link createReadStream}: node:fs's, plus `depth`. */
export interface ReadStreamOptions {
  flags?: string | number;
  encoding?: BufferEncoding | null;
  /** A descriptor, a node:fs FileHandle or a @tpio/core FileHandle: no `'open'` event then. */
  fd?: number | import('node:fs/promises').FileHandle | TpioFileHandle | null;
  mode?: number | string;
  autoClose?: boolean;
  emitClose?: boolean;
  /** First byte (inclusive). */
  start?: number;
  /** Last byte (inclusive). */
  end?: number;
  /** Chunk size (default 64 KiB). */
  highWaterMark?: number;
  signal?: AbortSignal;
  fs?: FsOverride | null;
  /** Reads in flight ahead of the consumer (tpio only; default {@link defaultReadDepth}). */
  depth?: number;
}

/**
 * Reads kept in flight ahead of the consumer when `depth` is not given, chosen by measurement: 4,
 * but never more than {@link readAheadBytes} in flight (and at least 2), so chunks of 2 MiB get 2.
 */
export const defaultReadDepth = 4;
/** The read-ahead byte budget that bounds the default depth for large chunks. */
const readAheadBytes = 4 * 1024 * 1024;
/**
 * Each read-ahead op covers about this many bytes (a readv of several chunks when chunks are
 * small). Measured on 2 vCPUs with 64 KiB chunks: 1 MiB ops cost ~20% less CPU per GB than
 * 256 KiB ops (fewer submissions, wake-ups and completions); 2 MiB ops gained nothing more.
 */
const opBytes = 1024 * 1024;
const maxBuffersPerOp = 64;

/** The default depth for chunks of `chunkSize` bytes (see {@link defaultReadDepth}). */
function defaultDepthFor(chunkSize: number): number {
  const opSize = Math.max(1, Math.floor(opBytes / Math.max(chunkSize, 1))) * chunkSize;
  return Math.max(2, Math.min(defaultReadDepth, Math.floor(readAheadBytes / Math.max(opSize, 1))));
}

/** One read-ahead operation: a readv into `buffers` at `position` (null: the handle's position). */
interface ReadAhead {
  buffers: Buffer[];
  length: number;
  position: number | null;
  done: boolean;
  discarded: boolean;
  error: Error | null;
  bytes: number;
  /** Chunks of it pushed so far, and their bytes. */
  next: number;
  delivered: number;
}

type StreamState = { _readableState: { autoDestroy: boolean }; _writableState: { autoDestroy: boolean } };

const kIoDone = Symbol('kIoDone');

class ReadStream extends Readable {
  declare fd: number | null;
  declare path: string | Buffer;
  declare flags: string | number;
  declare mode: string | number;
  declare start: number | undefined;
  declare end: number;
  declare pos: number | undefined;
  declare bytesRead: number;
  #fs: FsOverride | undefined;
  #handle: TpioFileHandle | undefined;
  /** The handle this stream opened itself (not one it was given). */
  #opened: TpioFileHandle | undefined;
  #fast: boolean;
  #depth: number;
  #performingIO = false;
  // Read-ahead state (fast path).
  #queue: ReadAhead[] = [];
  #inFlight = 0;
  #wanting = false;
  #stopped = false;
  #pushedEnd = false;
  #explicit: boolean;
  #base: number;
  #issued = 0;
  /** Read-ahead ops issued so far (for the ramp-up of op sizes). */
  #ops = 0;
  #total: number;
  #onIdle: (() => void) | undefined;

  constructor(path: StreamPath | null | undefined, options?: ReadStreamOptions | BufferEncoding) {
    const plan = resolveReadOptions(path, options);
    super(plan.streamOptions);
    const { target } = plan;
    this.#fast = target.kind === 'path' || target.kind === 'tpio-handle';
    if (target.kind === 'path' || target.kind === 'fs-path') {
      this.fd = null;
      this.#fs = target.kind === 'fs-path' ? target.fs : undefined;
      this.path = target.path;
      this.flags = target.flags;
      this.mode = target.mode;
    } else {
      this.fd = target.fd;
      if (target.kind === 'tpio-handle') this.#handle = target.handle;
      else if (target.kind === 'node-handle') this.#fs = fileHandleOperations(target.handle as never);
      else this.#fs = target.fs ?? nodeFs;
      if (target.kind !== 'fd') closeWithHandle(this, target.handle as unknown as NodeJS.EventEmitter);
    }
    this.start = plan.start;
    this.end = plan.end;
    this.pos = plan.start;
    this.bytesRead = 0;
    // A handle given without `start` reads from its own position: one read at a time keeps order.
    this.#explicit = target.kind === 'path' || plan.start !== undefined;
    this.#depth = this.#explicit ? (plan.depth ?? defaultDepthFor(this.readableHighWaterMark)) : 1;
    this.#base = plan.start ?? 0;
    this.#total = plan.end === Infinity ? Infinity : plan.end + 1 - this.#base;
  }

  /** As node's: `autoClose` is `autoDestroy` of the readable state. */
  get autoClose(): boolean {
    return (this as unknown as StreamState)._readableState.autoDestroy;
  }

  set autoClose(value: boolean) {
    (this as unknown as StreamState)._readableState.autoDestroy = value;
    if (!value && #opened in this) this.#opened?.disown(); // stream.fd is now the caller's to close
  }

  /** True until the file is open. */
  get pending(): boolean {
    return this.fd === null;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    if (typeof this.fd === 'number') {
      callback();
      return;
    }
    if (typeof (this as unknown as { open?: unknown }).open === 'function') {
      // The subclass opens a descriptor its own way: read it as node would, through node:fs.
      this.#fast = false;
      this.#fs ??= nodeFs;
      constructWithOpenMethod(this, callback);
      return;
    }
    openStreamFile(this, this.#fs, callback, (handle) => {
      this.#handle = handle;
      this.#opened = handle;
    });
  }

  override _read(n: number): void {
    if (!this.#fast) {
      this.#compatRead(n);
      return;
    }
    this.#wanting = true;
    // Never push from inside _read: node's stream cannot (its read is always asynchronous), and
    // read() would then return more than one chunk.
    const head = this.#queue[0];
    if (head === undefined) this.#deliver(); // issues reads, or ends (node ends inside _read too)
    else if (head.done) process.nextTick(() => this.#deliver());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!(#fast in this)) {
      // Destroyed inside the Readable constructor (an already aborted signal): nothing is open.
      callback(error);
    } else if (this.#fast) {
      this.#stopReading();
      if (this.#inFlight > 0) this.#onIdle = () => this.#close(error, callback);
      else this.#close(error, callback);
    } else if (this.#performingIO) {
      this.once(kIoDone, (ioError: Error | null) => this.#close(error || ioError, callback));
    } else {
      this.#close(error, callback);
    }
  }

  /**
   * Destroys the stream (closing the file); `callback` runs once it has finished.
   *
   * @example
   * stream.close((error) => console.log('closed', error));
   */
  close(callback?: (error?: Error | null) => void): void {
    if (typeof callback === 'function') finished(this, callback);
    this.destroy();
  }

  #close(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.fd) {
      callback(error);
      return;
    }
    const done = (closeError?: Error | null): void => callback(closeError || error);
    if (this.#handle !== undefined) this.#handle.close().then(() => done(), done);
    else this.#fs!.close!(this.fd, done);
    this.fd = null;
  }

  /** node's _read, one read at a time through the fs-ops object. */
  #compatRead(n: number): void {
    n = this.pos !== undefined ? Math.min(this.end - this.pos + 1, n) : Math.min(this.end - this.bytesRead + 1, n);
    if (n <= 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafeSlow(n);
    this.#performingIO = true;
    this.#fs!.read!(this.fd!, buffer, 0, n, this.pos, (error, bytesRead, filled) => {
      this.#performingIO = false;
      if (this.destroyed) {
        this.emit(kIoDone, error);
        return;
      }
      if (error) errorOrDestroy(this, error);
      else if (bytesRead > 0) this.#pushChunk(filled ?? buffer, bytesRead);
      else this.push(null);
    });
  }

  /** Counts and pushes `bytes` of `buffer`, copied to a right-sized Buffer when short. */
  #pushChunk(buffer: Buffer, bytes: number): boolean {
    if (this.pos !== undefined) this.pos += bytes;
    this.bytesRead += bytes;
    let chunk = buffer;
    if (bytes !== buffer.length) {
      // Copy instead of slicing so that a short read does not keep the whole buffer alive.
      chunk = Buffer.allocUnsafeSlow(bytes);
      buffer.copy(chunk, 0, 0, bytes);
    }
    return this.push(chunk);
  }

  /**
   * Pushes completed reads in order, one chunk per push while the consumer wants more (as node's
   * one-read-at-a-time stream would, so `read()` and the buffer look the same), then tops up.
   */
  #deliver(): void {
    // A consumer may destroy the stream in a 'data' listener, inside push(): stop there, as node's
    // stream, which pushes its end only on a later _read, never emits 'end' after that.
    while (this.#wanting && !this.#pushedEnd && !this.destroyed) {
      const head = this.#queue[0];
      if (head === undefined) {
        if (this.#issued >= this.#total || this.readableHighWaterMark === 0) this.#pushEnd();
        break;
      }
      if (!head.done) break;
      if (head.error !== null) {
        this.#queue.shift();
        this.#stopReading();
        errorOrDestroy(this, head.error);
        return;
      }
      if (head.bytes === 0) {
        this.#pushEnd();
        break;
      }
      const buffer = head.buffers[head.next]!;
      const bytes = Math.min(head.bytes - head.delivered, buffer.length);
      head.next++;
      head.delivered += bytes;
      if (head.delivered === head.bytes) {
        this.#queue.shift();
        if (head.bytes < head.length) {
          // A short read (end of file, or a file that changed): reads issued past it are of no
          // use. Continue from where it stopped, as node's next read would.
          this.#discardQueue();
          this.#issued = head.position === null ? this.bytesRead + bytes : head.position + head.bytes - this.#base;
        }
      }
      this.#wanting = this.#pushChunk(buffer, bytes);
    }
    this.#fill();
  }

  #pushEnd(): void {
    this.#pushedEnd = true;
    this.#stopReading();
    this.push(null);
  }

  /** Keeps `depth` reads in flight. */
  #fill(): void {
    const chunkSize = this.readableHighWaterMark;
    while (!this.#stopped && this.#queue.length < this.#depth && this.#issued < this.#total && chunkSize > 0 && !this.destroyed) {
      const left = this.#total - this.#issued;
      // The first ops ramp up (1, 2, 4, ... chunks) so that the first chunk is not held back by a
      // large read; from then on each op is about opBytes.
      const full = Math.min(maxBuffersPerOp, Math.floor(opBytes / chunkSize), 2 ** Math.min(this.#ops++, 16));
      const count = Math.max(1, Math.min(full, Math.ceil(left / chunkSize)));
      const buffers: Buffer[] = new Array(count);
      let length = 0;
      for (let i = 0; i < count; i++) {
        const size = Math.min(chunkSize, left - length);
        // A store of its own, exactly the chunk's size, at byteOffset 0: node's chunks are, and
        // consumers may keep them or view their `buffer` whole. Not placed for the copy
        // (allocReadBuffer) as core's chunks are: that needs a view into a larger store, and
        // measured within the noise for streams, whose chunks mostly come from the heap (ADR 0009).
        buffers[i] = Buffer.allocUnsafeSlow(size);
        length += size;
      }
      const read: ReadAhead = {
        buffers,
        length,
        position: this.#explicit ? this.#base + this.#issued : null,
        done: false,
        discarded: false,
        error: null,
        bytes: 0,
        next: 0,
        delivered: 0,
      };
      this.#issued += length;
      this.#queue.push(read);
      this.#issue(read);
    }
  }

  #issue(read: ReadAhead): void {
    const handle = this.#handle!;
    this.#inFlight++;
    const promise: Promise<{ bytesRead: number }> = read.buffers.length === 1
      ? handle.read(read.buffers[0]!, 0, read.length, read.position)
      : handle.readv(read.buffers, read.position);
    promise.then((result) => this.#completed(read, null, result.bytesRead), (error: Error) => this.#completed(read, error, 0));
  }

  #completed(read: ReadAhead, error: Error | null, bytes: number): void {
    this.#inFlight--;
    if (error !== null && (error as { syscall?: string }).syscall === 'readv') {
      // Several chunks per op is our business: report the read node would have made.
      Object.assign(error, { syscall: 'read', message: error.message.replace(/, readv\b/, ', read') });
    }
    read.done = true;
    read.error = error;
    read.bytes = bytes;
    if (this.#inFlight === 0 && this.#onIdle !== undefined) {
      const onIdle = this.#onIdle;
      this.#onIdle = undefined;
      onIdle();
      return;
    }
    if (!read.discarded && this.#queue[0] === read && this.#wanting) this.#deliver();
  }

  #discardQueue(): void {
    for (const read of this.#queue) read.discarded = true;
    this.#queue = [];
  }

  #stopReading(): void {
    this.#stopped = true;
    this.#discardQueue();
  }
}


/**
 * node:fs's `fs.ReadStream`, on tpio: same options, events (`'open'`, `'ready'`, `'close'`),
 * properties and errors. Callable with or without `new`.
 *
 * @example
 * import { ReadStream } from '@tpio/stream';
 * const stream = ReadStream('package.json', { encoding: 'utf8' });
 * for await (const text of stream) process.stdout.write(text);
 */
const ReadStreamClass = callableClass(ReadStream);
type ReadStreamClass = ReadStream;
export { ReadStreamClass as ReadStream };

/**
 * Opens `path` for reading as `fs.createReadStream(path, options)` does, with `depth` reads in
 * flight ahead of the consumer.
 *
 * @example
 * import { createReadStream } from '@tpio/stream';
 * createReadStream('package.json', { start: 0, end: 99 }).pipe(process.stdout);
 */
export function createReadStream(path: StreamPath | null | undefined, options?: ReadStreamOptions | BufferEncoding): ReadStream {
  return new ReadStream(path, options);
}

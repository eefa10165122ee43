// chunks(): a file read in order, in fixed-size pieces, with `depth` reads in flight ahead of
// the consumer (read-ahead). Reads are issued at explicit positions; a short read (end of file,
// or a file that shrank) cancels and discards the reads issued past it, so chunks never skip bytes.

import { systemError } from '@tpio/binding/errors';
import { allocReadBuffer } from '@tpio/binding';
import { validateInteger, validateObject, kIoMaxLength } from '@tpio/binding/validate';
import { invalidState, outOfRange } from '@tpio/binding/errors';
import { Call, Operation, Shape, kCheckOpen, kIo, kPosition, kSubmit, type OperationSink } from './operation.js';
import { abortError, onAbort, validateAbortSignal } from './abort.js';
import { freshReadBuffer } from './fresh-read-buffer.js';
import type { FileHandle } from './file-handle.js';

/**
 * Options of {@link FileHandle.chunks}.
 *
 * @example
 * const options: ChunksOptions = { chunkSize: 1 << 20, depth: 4, start: 0, end: 99, reuse: true };
 */
export interface ChunksOptions {
  /** Bytes per read (default 512 KiB). Large chunks (>= 128 KiB) read fastest. */
  chunkSize?: number;
  /** Reads in flight ahead of the consumer (default 4). */
  depth?: number;
  /** First byte to read (default: the handle's position, which then advances as chunks are yielded). */
  start?: number | bigint;
  /** Last byte to read, inclusive, as in fs streams (default: to the end of the file). */
  end?: number | bigint;
  /** Cancels the reads in flight (for real) and rejects the pending `next()` with an AbortError. */
  signal?: AbortSignal;
  /**
   * Reuse `depth + 1` buffers instead of allocating one per chunk. A yielded chunk then stays valid
   * only until the next call to `next()` (the next loop iteration): copy what you keep. Default false:
   * every chunk is a fresh Buffer the consumer may keep.
   */
  reuse?: boolean;
}

const defaultChunkSize = 512 * 1024;
const defaultDepth = 4;

interface Waiter {
  resolve: (result: IteratorResult<Buffer>) => void;
  reject: (error: unknown) => void;
}

function toNumber(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'bigint') {
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw outOfRange(name, `>= 0 && <= ${Number.MAX_SAFE_INTEGER}`, value);
    return Number(value);
  }
  if (value === Infinity) return Infinity;
  validateInteger(value, name, 0);
  return value;
}

/** @internal The iterator behind {@link FileHandle.chunks}. */
export class ChunkIterator implements AsyncIterableIterator<Buffer>, OperationSink {
  readonly #handle: FileHandle;
  readonly #chunkSize: number;
  readonly #depth: number;
  readonly #end: number; // exclusive
  readonly #advance: boolean;
  readonly #reuse: boolean;
  readonly #signal: AbortSignal | undefined;
  readonly #detach: () => void;
  #next: number;
  /** Reads allowed in flight: `depth`, or 1 after a short read (usually the end of the file). */
  #limit: number;
  #queue: ChunkRead[] = [];
  #outstanding = 0;
  #finished = false; // nothing more to read: end reached, error or abort
  #error: unknown = undefined;
  #waiter: Waiter | undefined;
  #idle: (() => void) | undefined;
  #pool: Buffer[] = [];
  #held: Buffer | undefined;

  constructor(handle: FileHandle, options: ChunksOptions = {}) {
    validateObject(options, 'options');
    const chunkSize: unknown = options.chunkSize ?? defaultChunkSize;
    validateInteger(chunkSize, 'options.chunkSize', 1, kIoMaxLength);
    this.#chunkSize = chunkSize;
    const depth: unknown = options.depth ?? defaultDepth;
    validateInteger(depth, 'options.depth', 1, 4096);
    this.#depth = depth;
    this.#limit = depth;
    validateAbortSignal(options.signal, 'options.signal');
    this.#advance = options.start === undefined;
    const start = toNumber(options.start, 'start', 0);
    const end = toNumber(options.end, 'end', Infinity);
    if (start > end) throw outOfRange('start', `<= "end" (here: ${end})`, start);
    this.#handle = handle;
    this.#next = this.#advance ? Math.max(handle[kPosition].value, 0) : start;
    this.#end = end === Infinity ? Infinity : end + 1;
    this.#reuse = options.reuse === true;
    this.#signal = options.signal;
    if (this.#signal?.aborted) {
      this.#finished = true;
      this.#error = abortError(this.#signal);
    }
    this.#detach = onAbort(this.#signal, () => this.#abort());
  }

  next(): Promise<IteratorResult<Buffer>> {
    if (this.#held !== undefined) {
      this.#pool.push(this.#held);
      this.#held = undefined;
    }
    if (this.#waiter !== undefined) return Promise.reject(invalidState('chunks(): next() called while a previous next() is pending'));
    if (this.#error !== undefined) return this.#settleEnd();
    this.#fill();
    const head = this.#queue[0];
    if (head === undefined) return this.#settleEnd();
    if (head.done) return this.#take() ?? this.#settleEnd();
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Buffer>> {
    this.#stop();
    this.#error = undefined;
    return new Promise((resolve) => this.#whenIdle(() => resolve({ value: undefined, done: true })));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** @internal OperationSink: a read finished. */
  complete(operation: Operation, result: number, bytes: number): void {
    const read = operation as ChunkRead;
    this.#outstanding--;
    read.done = true;
    read.result = result < 0 ? result : bytes;
    if (read.discarded) {
      // Past a short read, cancelled, or stopped: only its buffer is of use now.
      if (this.#reuse) this.#pool.push(read.buffer as Buffer);
    } else if (this.#waiter !== undefined && this.#queue[0] === read) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      (this.#take() ?? this.#settleEnd()).then(waiter.resolve, waiter.reject);
    }
    if (this.#outstanding === 0 && this.#idle !== undefined) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }

  /** Keeps `depth` reads in flight. */
  #fill(): void {
    while (!this.#finished && this.#queue.length < this.#limit && this.#next < this.#end) {
      const length = Math.min(this.#chunkSize, this.#end - this.#next);
      const read = new ChunkRead();
      // Placed for a fast copy from the page cache (allocReadBuffer). A reused buffer keeps its
      // place: chunks follow each other at multiples of chunkSize.
      read.buffer = this.#reuse ? (this.#pool.pop() ?? allocReadBuffer(this.#chunkSize, this.#next)) : freshReadBuffer(length, this.#next);
      read.length = length;
      read.position = this.#next;
      read.sink = this;
      try {
        this.#handle[kCheckOpen]('read');
        this.#handle[kSubmit](read);
      } catch (error) {
        this.#stop();
        this.#error = error;
        return;
      }
      this.#outstanding++;
      this.#queue.push(read);
      this.#next += length;
    }
  }

  /**
   * Takes the completed head of the queue: a resolved chunk, or undefined when iteration ends
   * (end of data or an error, kept in #error) and #settleEnd() must answer.
   */
  #take(): Promise<IteratorResult<Buffer>> | undefined {
    const read = this.#queue.shift()!;
    const result = read.result;
    const position = read.position as number;
    if (result < 0) {
      this.#stop();
      this.#error = systemError(result, { syscall: 'read' });
      return undefined;
    }
    if (result < (read.length as number)) {
      // Short read: whatever was issued past it starts at the wrong place.
      this.#discardQueue();
      this.#next = position + result;
      this.#limit = 1;
      if (result === 0) {
        this.#finished = true;
        if (this.#reuse) this.#pool.push(read.buffer as Buffer);
        return undefined;
      }
    } else {
      this.#limit = this.#depth;
    }
    if (this.#advance) this.#handle[kPosition].value = position + result;
    const buffer = read.buffer as Buffer;
    if (this.#reuse) this.#held = buffer;
    this.#fill();
    return Promise.resolve({ value: result === buffer.length ? buffer : buffer.subarray(0, result), done: false });
  }

  /** Ends the iteration once nothing is in flight: rejects with the stored error, or is done. */
  #settleEnd(): Promise<IteratorResult<Buffer>> {
    this.#stop();
    return new Promise((resolve, reject) => {
      this.#whenIdle(() => {
        const error = this.#error;
        if (error === undefined) {
          resolve({ value: undefined, done: true });
        } else {
          this.#error = undefined;
          reject(error);
        }
      });
    });
  }

  #discardQueue(): void {
    const io = this.#handle[kIo];
    for (const read of this.#queue) {
      read.discarded = true;
      if (!read.done) io.cancelIoEx(read);
      else if (this.#reuse) this.#pool.push(read.buffer as Buffer);
    }
    this.#queue = [];
  }

  #stop(): void {
    this.#finished = true;
    this.#detach();
    this.#discardQueue();
  }

  #abort(): void {
    if (this.#finished && this.#queue.length === 0) return;
    this.#stop();
    this.#error = abortError(this.#signal);
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      this.#settleEnd().then(waiter.resolve, waiter.reject);
    }
  }

  #whenIdle(callback: () => void): void {
    if (this.#outstanding === 0) {
      callback();
      return;
    }
    const previous = this.#idle;
    this.#idle = previous === undefined ? callback : () => {
      previous();
      callback();
    };
  }
}

/** A read of the chunk iterator, with its completion state. */
class ChunkRead extends Operation {
  done = false;
  discarded = false;
  result = 0;

  constructor() {
    super(Call.read, Shape.bytes, 'read');
  }
}


/**
 * Reads a file in order as an async iterator of Buffers, keeping `depth` reads in flight.
 *
 * @example
 * for await (const chunk of chunks(file, { chunkSize: 1 << 20, depth: 4, start: 0, end: 99 })) console.log(chunk.length);
 */
export function chunks(handle: FileHandle, options?: ChunksOptions): AsyncIterableIterator<Buffer> {
  return new ChunkIterator(handle, options);
}

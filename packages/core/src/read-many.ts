// readMany(): many positioned reads with at most `depth` in flight, yielded in completion order.
// Ranges come from any iterable or async iterable and are pulled only as slots free up, and
// finished results waiting for a slow consumer count too (in flight plus waiting stay under
// 2 x depth), so a huge (or endless) list of ranges never sits in memory.

import { systemError, invalidArgType, invalidState } from '@tpio/binding/errors';
import { kIoMaxLength, normalizePosition, validateInteger, validateObject } from '@tpio/binding/validate';
import { Call, Operation, Shape, kCheckOpen, kIo, kSubmit, type OperationSink } from './operation.js';
import { abortError, onAbort, validateAbortSignal } from './abort.js';
import { freshReadBuffer } from './fresh-read-buffer.js';
import type { FileHandle } from './file-handle.js';

/**
 * A range to read: `length` bytes at `position`, optionally into a `buffer` of your own.
 *
 * @example
 * const range: ReadRange = { position: 4096, length: 4096 };
 */
export interface ReadRange {
  position: number | bigint;
  length: number;
  /** Read into this buffer (at offset 0) instead of a fresh one. Must hold `length` bytes. */
  buffer?: Buffer;
}

/**
 * One finished read. `buffer` holds `bytesRead` bytes (fewer than asked at the end of the file).
 *
 * @example
 * for await (const { position, bytesRead, buffer }: ReadManyResult of file.readMany(ranges)) {}
 */
export interface ReadManyResult {
  position: number | bigint;
  bytesRead: number;
  buffer: Buffer;
}

/**
 * Options of {@link FileHandle.readMany}.
 *
 * @example
 * file.readMany(ranges, { depth: 64, signal: AbortSignal.timeout(1000) } satisfies ReadManyOptions);
 */
export interface ReadManyOptions {
  /**
   * Reads in flight at most (default 32). Finished results the consumer has not taken yet count
   * too: reads in flight plus results waiting stay at most `2 * depth`, so a slow consumer holds
   * back the reading instead of collecting results in memory.
   */
  depth?: number;
  /** Cancels the reads in flight (for real) and rejects with an AbortError. */
  signal?: AbortSignal;
}

interface Waiter {
  resolve: (result: IteratorResult<ReadManyResult>) => void;
  reject: (error: unknown) => void;
}

/** @internal The iterator behind {@link FileHandle.readMany}. */
export class ReadManyIterator implements AsyncIterableIterator<ReadManyResult>, OperationSink {
  readonly #handle: FileHandle;
  readonly #depth: number;
  readonly #signal: AbortSignal | undefined;
  readonly #detach: () => void;
  readonly #source: Iterator<ReadRange> | AsyncIterator<ReadRange>;
  readonly #sync: boolean;
  /** Reads in flight, by slot (kept in `operation.fdOut`, which reads do not use). */
  #slots: (Operation | undefined)[] = [];
  #freeSlots: number[] = [];
  #inFlight = 0;
  #ready: ReadManyResult[] = [];
  #readyHead = 0;
  #exhausted = false;
  #pulling = false;
  #finished = false;
  #error: unknown = undefined;
  #waiter: Waiter | undefined;
  #fillScheduled = false;
  readonly #fillBound = (): void => {
    if (!this.#fillScheduled) return;
    this.#fill();
    this.#settleIfEnded();
  };

  constructor(handle: FileHandle, ranges: Iterable<ReadRange> | AsyncIterable<ReadRange>, options: ReadManyOptions = {}) {
    validateObject(options, 'options');
    const depth: unknown = options.depth ?? 32;
    validateInteger(depth, 'options.depth', 1, 65536);
    this.#depth = depth;
    validateAbortSignal(options.signal, 'options.signal');
    const source = ranges as { [Symbol.iterator]?: () => Iterator<ReadRange>; [Symbol.asyncIterator]?: () => AsyncIterator<ReadRange> };
    if (source != null && typeof source[Symbol.asyncIterator] === 'function') {
      this.#source = source[Symbol.asyncIterator]!();
      this.#sync = false;
    } else if (source != null && typeof source[Symbol.iterator] === 'function') {
      this.#source = source[Symbol.iterator]!();
      this.#sync = true;
    } else {
      throw invalidArgType('ranges', ['Iterable', 'AsyncIterable'], ranges);
    }
    this.#handle = handle;
    this.#signal = options.signal;
    this.#detach = onAbort(this.#signal, () => this.#fail(abortError(this.#signal)));
    if (this.#signal?.aborted) this.#fail(abortError(this.#signal));
  }

  next(): Promise<IteratorResult<ReadManyResult>> {
    if (this.#waiter !== undefined) return Promise.reject(invalidState('readMany(): next() called while a previous next() is pending'));
    if (this.#readyHead < this.#ready.length) {
      const value = this.#ready[this.#readyHead++]!;
      if (this.#readyHead === this.#ready.length) {
        this.#ready = [];
        this.#readyHead = 0;
      }
      this.#fill();
      return Promise.resolve({ value, done: false });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#fill();
      this.#settleIfEnded();
    });
  }

  return(): Promise<IteratorResult<ReadManyResult>> {
    this.#stop();
    this.#error = undefined;
    this.#ready = [];
    this.#readyHead = 0;
    const source = this.#source;
    return new Promise((resolve) => {
      this.#waiter = { resolve, reject: resolve };
      this.#settleIfEnded();
    }).then(async (result) => {
      await source.return?.();
      return result as IteratorResult<ReadManyResult>;
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** @internal OperationSink */
  complete(operation: Operation, result: number, bytes: number): void {
    this.#slots[operation.fdOut] = undefined;
    this.#freeSlots.push(operation.fdOut);
    this.#inFlight--;
    if (!this.#finished) {
      if (result < 0) {
        this.#fail(systemError(result, { syscall: 'read' }));
      } else {
        const value: ReadManyResult = { position: operation.tag as number | bigint, bytesRead: bytes, buffer: operation.buffer as Buffer };
        const waiter = this.#waiter;
        if (waiter !== undefined) {
          this.#waiter = undefined;
          waiter.resolve({ value, done: false });
        } else {
          this.#ready.push(value);
        }
        this.#scheduleFill();
      }
    }
    this.#settleIfEnded();
  }

  /** Refills once per batch of completions (after it), not once per completion. */
  #scheduleFill(): void {
    if (this.#fillScheduled) return;
    this.#fillScheduled = true;
    queueMicrotask(this.#fillBound);
  }

  #fill(): void {
    this.#fillScheduled = false;
    if (this.#sync) {
      const source = this.#source as Iterator<ReadRange>;
      while (this.#wantsMore()) {
        let step: IteratorResult<ReadRange>;
        try {
          step = source.next();
        } catch (error) {
          this.#fail(error);
          return;
        }
        if (step.done) this.#exhausted = true;
        else this.#issue(step.value);
      }
    } else if (!this.#pulling) {
      void this.#pull();
    }
  }

  /**
   * Whether to issue another read: a slot is free, and reads in flight plus results waiting stay
   * under 2 x depth. A consumer that keeps up never meets the second limit (it takes a batch's
   * results as the batch is refilled, in one go); one that does not holds the reading back.
   */
  #wantsMore(): boolean {
    if (this.#finished || this.#exhausted || this.#inFlight >= this.#depth) return false;
    return this.#inFlight + (this.#ready.length - this.#readyHead) < 2 * this.#depth;
  }

  async #pull(): Promise<void> {
    this.#pulling = true;
    const source = this.#source as AsyncIterator<ReadRange>;
    try {
      while (this.#wantsMore()) {
        const step = await source.next();
        if (this.#finished) break;
        if (step.done) this.#exhausted = true;
        else this.#issue(step.value);
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#pulling = false;
    }
    this.#settleIfEnded();
  }

  #issue(range: ReadRange): void {
    try {
      if (range === null || typeof range !== 'object') throw invalidArgType('range', 'Object', range);
      let position = range.position;
      const length = range.length;
      // Fast path for the common shape; anything else goes through node's checks.
      if (typeof position !== 'number' || !(position >= 0) || !Number.isSafeInteger(position)) {
        position = normalizePosition(position, 'range.position');
        if (position === -1) throw invalidArgType('range.position', ['integer', 'bigint'], range.position);
      }
      if (typeof length !== 'number' || !(length >= 0 && length <= kIoMaxLength) || !Number.isInteger(length)) validateInteger(length, 'range.length', 0, kIoMaxLength);
      const buffer = range.buffer ?? freshReadBuffer(length, Number(position));
      if (buffer.byteLength < length) throw invalidArgType('range.buffer', `Buffer of at least ${length} bytes`, buffer);
      const operation = new Operation(Call.read, Shape.bytes, 'read');
      operation.buffer = buffer;
      operation.length = length;
      operation.position = position;
      operation.tag = range.position;
      operation.sink = this;
      this.#handle[kCheckOpen]('read');
      const slot = this.#freeSlots.length > 0 ? this.#freeSlots.pop()! : this.#slots.length;
      operation.fdOut = slot; // unused by reads: the slot of this read in #slots
      this.#handle[kSubmit](operation);
      this.#slots[slot] = operation;
      this.#inFlight++;
    } catch (error) {
      this.#fail(error);
    }
  }

  #stop(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#detach();
    const io = this.#handle[kIo];
    for (const operation of this.#slots) if (operation !== undefined) io.cancelIoEx(operation);
  }

  #fail(error: unknown): void {
    if (this.#finished) return;
    this.#stop();
    this.#error = error;
    this.#ready = [];
    this.#readyHead = 0;
    this.#settleIfEnded();
  }

  /** Answers a parked next() once nothing more can come: done, or the error, after in-flight reads end. */
  #settleIfEnded(): void {
    const waiter = this.#waiter;
    if (waiter === undefined || this.#inFlight > 0 || this.#pulling) return;
    if (!this.#finished && !this.#exhausted) return;
    if (this.#readyHead < this.#ready.length) return;
    this.#waiter = undefined;
    if (!this.#finished) {
      this.#finished = true;
      this.#detach();
    }
    const error = this.#error;
    if (error !== undefined) {
      this.#error = undefined;
      waiter.reject(error);
    } else {
      waiter.resolve({ value: undefined, done: true });
    }
  }
}

/**
 * Reads many ranges of a file with at most `depth` reads in flight, in completion order.
 *
 * @example
 * const ranges = [{ position: 0, length: 4096 }, { position: 65536, length: 4096 }];
 * for await (const { position, bytesRead } of readMany(file, ranges, { depth: 64 })) console.log(position, bytesRead);
 */
export function readMany(handle: FileHandle, ranges: Iterable<ReadRange> | AsyncIterable<ReadRange>, options?: ReadManyOptions): AsyncIterableIterator<ReadManyResult> {
  return new ReadManyIterator(handle, ranges, options);
}

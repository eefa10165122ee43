// The cheapest JavaScript shapes over the raw binding, as floors for @tpio/core's cases: a promise
// per read (the shape of FileHandle.read) and an async iterator yielding one object per completion
// to a `for await` loop (the shape of readMany). Each is about as cheap as code of that shape gets
// on the binding: no argument checks, no position tracking, no cancellation, no close bookkeeping
// (the promise floor still makes one closure per read, which core avoids with a shared executor).
// core / floor is then core's own overhead, and floor / binding (or native) is the shape's price.

import { openSync } from 'node:fs';
import type { Io, Port } from '@tpio/binding';
import { bindingPort } from '../binding-port.js';
import { Meter, randomBlocks } from '../meter.js';
import { promiseReadLoops, type PromiseReadHandle } from './random-reads.js';

const block = 4096;

interface FloorParams {
  file: string;
  size: number;
  depth: number;
  duration: number;
  backend: 'uring' | 'threads';
}

interface ReadRequest {
  buffer: Buffer;
  position: number;
}

/** The promise floor's request: the read and what settles its promise. */
interface SettledRequest extends ReadRequest {
  settle: (bytes: number) => void;
}

/** A promise per read straight on the binding: read(buffer, offset, length, position) → { bytesRead }. */
function promiseHandle(port: Port, fd: number): PromiseReadHandle {
  const io: Io<undefined, SettledRequest> = port.createIo(fd, (_context, request, error, bytes) => {
    if (error < 0) throw new Error(`read failed: ${error}`);
    request.settle(bytes);
  });
  return {
    read(buffer, _offset, _length, position) {
      return new Promise((resolve) => {
        io.start();
        io.read({ buffer, position, settle: (bytesRead) => resolve({ bytesRead }) });
      });
    },
    async close() {
      await port.close();
    },
  };
}

/** FileHandle.read's floor: `depth` async loops, each awaiting a bare promise around one binding read. */
export async function bindingPromiseRead(params: FloorParams) {
  const port = await bindingPort(params.backend, 64);
  return promiseReadLoops(promiseHandle(port, openSync(params.file, 'r')), params);
}

interface ReadResult {
  position: number;
  bytesRead: number;
  buffer: Buffer;
}

interface Range {
  position: number;
  length: number;
  buffer: Buffer;
}

/** Completions handed to a for-await loop one by one: nothing but the async-iterator protocol. */
class CompletionIterator implements AsyncIterableIterator<ReadResult> {
  inFlight = 0;
  #ready: ReadResult[] = [];
  #head = 0;
  #waiter: ((result: IteratorResult<ReadResult>) => void) | undefined;

  /** One completion. A next() parks only while reads are in flight, so one always comes to answer it. */
  deliver(value: ReadResult): void {
    this.inFlight--;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter === undefined) this.#ready.push(value);
    else waiter({ value, done: false });
  }

  next(): Promise<IteratorResult<ReadResult>> {
    if (this.#head < this.#ready.length) {
      const value = this.#ready[this.#head++]!;
      if (this.#head === this.#ready.length) {
        this.#ready = [];
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.inFlight === 0) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * readMany's floor: ranges pulled from a generator as coreReadMany's are, read on the binding with
 * `depth` in flight, each completion yielded to a for-await loop.
 */
export async function bindingIteratorRead(params: FloorParams) {
  const port = await bindingPort(params.backend, 64);
  const fd = openSync(params.file, 'r');
  const next = randomBlocks(params.size / block);
  const ringSize = params.depth * 2; // as coreReadMany's ring
  const slab = Buffer.alloc(ringSize * block);
  const ring = Array.from({ length: ringSize }, (_, i) => slab.subarray(i * block, (i + 1) * block));
  const result = await new Meter().run(params.duration, async (meter) => {
    function* ranges(): Generator<Range> {
      for (let i = 0; !meter.stopped; i = (i + 1) % ringSize) yield { position: next() * block, length: block, buffer: ring[i]! };
    }
    const source = ranges();
    const iterator = new CompletionIterator();
    const issue = (): void => {
      const step = source.next();
      if (step.done) return;
      io.start();
      io.read({ buffer: step.value.buffer, position: step.value.position });
      iterator.inFlight++;
    };
    const io: Io<undefined, ReadRequest> = port.createIo(fd, (_context, request, error, bytes) => {
      if (error < 0) throw new Error(`read failed: ${error}`);
      iterator.deliver({ position: request.position, bytesRead: bytes, buffer: request.buffer });
      issue();
    });
    for (let i = 0; i < params.depth; i++) issue();
    for await (const { bytesRead } of iterator) {
      meter.ops++;
      meter.bytes += bytesRead;
    }
  });
  await port.close();
  return result;
}

// Deterministic tests with a fake, hand-stepped Io: the order of completions is chosen by the
// test, as tokio's fs mocks do, so read-ahead, short reads, position tracking and close can be
// checked where real engines make timing unpredictable.

import { describe, expect, it } from 'vitest';
import { errnoOf } from '@tpio/binding/errors';
import { FileHandle } from './index.js';

interface Issued {
  call: string;
  request: any;
}

class FakeIo {
  issued: Issued[] = [];
  pending = 0;
  cancelled: any[] = [];
  #waiters: (() => void)[] = [];
  constructor(readonly fd: number, readonly callback: Function, readonly context: unknown) {}
  start(): void {}
  cancel(): void {}
  close(): void {}
  #issue(call: string, request: any): void {
    this.issued.push({ call, request });
    this.pending++;
  }
  read(request: any): void { this.#issue('read', request); }
  write(request: any): void { this.#issue('write', request); }
  fstat(request: any): void { this.#issue('fstat', request); }
  closeHandle(request: any): void { this.#issue('close', request); }
  cancelIoEx(request: any): number {
    this.cancelled.push(request);
    return 1;
  }
  waitForCallbacks(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
  /** Completes the issued request at `index` (in issue order among those still pending). */
  complete(request: any, result: number, bytes = 0, fill = 0): void {
    const index = this.issued.findIndex((entry) => entry.request === request);
    expect(index).toBeGreaterThanOrEqual(0);
    this.issued.splice(index, 1);
    if (fill && request.buffer) Buffer.from(request.buffer.buffer, request.buffer.byteOffset + (request.offset ?? 0), bytes).fill(fill);
    this.pending--;
    if (this.pending === 0) for (const resolve of this.#waiters.splice(0)) resolve();
    this.callback(this.context, request, result, bytes, this);
  }
  reads(): any[] {
    return this.issued.filter((entry) => entry.call === 'read').map((entry) => entry.request);
  }
}

function fakeHandle(): { handle: FileHandle; io: FakeIo } {
  let io!: FakeIo;
  const port = {
    createIo(fd: number, callback: Function, context: unknown) {
      io = new FakeIo(fd, callback, context);
      return io;
    },
  };
  const handle = new FileHandle(100, port as never, false);
  return { handle, io };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('state machine (fake Io)', () => {
  it('chunks yields in file order whatever order reads complete in', async () => {
    const { handle, io } = fakeHandle();
    const iterator = handle.chunks({ chunkSize: 10, depth: 3, start: 0, end: 29 });
    const first = iterator.next();
    const [a, b, c] = io.reads();
    expect([a.position, b.position, c.position]).toEqual([0, 10, 20]);
    io.complete(c, 0, 10, 3);
    io.complete(b, 0, 10, 2);
    await tick();
    io.complete(a, 0, 10, 1);
    expect((await first).value).toEqual(Buffer.alloc(10, 1));
    expect((await iterator.next()).value).toEqual(Buffer.alloc(10, 2));
    expect((await iterator.next()).value).toEqual(Buffer.alloc(10, 3));
    expect((await iterator.next()).done).toBe(true);
    expect(io.pending).toBe(0);
  });

  it('a short read mid-file cancels the reads issued past it and re-reads from where it stopped', async () => {
    const { handle, io } = fakeHandle();
    const iterator = handle.chunks({ chunkSize: 10, depth: 3, start: 0 });
    const first = iterator.next();
    const [a, b, c] = io.reads();
    io.complete(a, 0, 4, 1); // short: the file was shorter than expected (or grew later)
    expect((await first).value).toEqual(Buffer.alloc(4, 1));
    expect(io.cancelled).toEqual([b, c]);
    const [again] = io.reads().filter((request) => request !== b && request !== c);
    expect(again.position).toBe(4);
    expect(io.reads().length).toBe(3); // one new read only, until a full read comes back
    const second = iterator.next();
    io.complete(b, errnoOf('ECANCELED'), 0);
    io.complete(c, 0, 10, 9); // lost the race with the cancel: discarded anyway
    io.complete(again, 0, 0);
    expect((await second).done).toBe(true);
    expect(io.pending).toBe(0);
  });

  it('positions are reserved in issue order; a short last read gives back the rest', async () => {
    const { handle, io } = fakeHandle();
    const one = handle.read(Buffer.alloc(10), 0, 10, null);
    const two = handle.read(Buffer.alloc(10), 0, 10, null);
    const [a, b] = io.reads();
    expect([a.position, b.position]).toEqual([0, 10]);
    io.complete(b, 0, 3);
    io.complete(a, 0, 10);
    expect((await one).bytesRead).toBe(10);
    expect((await two).bytesRead).toBe(3);
    const three = handle.read(Buffer.alloc(10), 0, 10, null);
    expect(io.reads()[0].position).toBe(13);
    io.complete(io.reads()[0], 0, 0);
    await three;
  });

  it('close waits for operations in flight before closing the descriptor', async () => {
    const { handle, io } = fakeHandle();
    const read = handle.read(Buffer.alloc(10), 0, 10, 0);
    let closed = false;
    const closing = handle.close().then(() => {
      closed = true;
    });
    await tick();
    expect(io.issued.map((entry) => entry.call)).toEqual(['read']);
    io.complete(io.reads()[0], 0, 10);
    await read;
    await tick();
    const close = io.issued.find((entry) => entry.call === 'close')!;
    expect(closed).toBe(false);
    io.complete(close.request, 0);
    await closing;
    expect(closed).toBe(true);
  });

  it('readMany yields in completion order and never exceeds depth', async () => {
    const { handle, io } = fakeHandle();
    const ranges = Array.from({ length: 5 }, (_, i) => ({ position: i * 100, length: 10 }));
    const iterator = handle.readMany(ranges, { depth: 2 });
    const first = iterator.next();
    expect(io.reads().map((request) => request.position)).toEqual([0, 100]);
    io.complete(io.reads()[1], 0, 10);
    expect((await first).value.position).toBe(100);
    expect(io.reads().map((request) => request.position)).toEqual([0, 200]);
    const order: number[] = [];
    while (io.reads().length > 0) {
      const next = iterator.next();
      io.complete(io.reads().at(-1), 0, 10);
      order.push((await next).value.position);
    }
    expect(order).toEqual([200, 300, 400, 0]);
    expect((await iterator.next()).done).toBe(true);
  });
});

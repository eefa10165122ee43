// How a batch names its buffers: a read/write record carries its view's ArrayBuffer with an
// absolute offset, or nothing when the previous record of the batch named the same ArrayBuffer.
// These tests mix every kind of view in single batches and check that no record ever reads into
// or writes from another record's bytes, and that a buffer detached before the flush fails cleanly.

import { expect, it } from 'vitest';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { usableBackends, type Port } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';
import { promiseIo, usePorts } from './helpers.js';

const fileSize = 2 * 1024 * 1024;

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir();
  const { path, data } = dir.randomFile('data.bin', fileSize);
  const newPort = usePorts(backend);

  /** Writes `pieces` back to back into a new file, all in one batch; the completions and the file's bytes. */
  async function writeInOneBatch(port: Port, name: string, pieces: Buffer[]) {
    const target = dir.file(name);
    const fd = openSync(target, 'w+');
    try {
      const { issue } = promiseIo(port, fd);
      let position = 0;
      const completions = await Promise.all(pieces.map((buffer) => {
        const request = { buffer, position };
        position += buffer.length;
        return issue('write', request);
      }));
      return { completions, written: readFileSync(target) };
    } finally {
      closeSync(fd);
    }
  }

  it('one batch of reads into views of shared, separate, pooled, shared-memory and DataView buffers lands each in its own bytes', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    const slab = Buffer.alloc(16 * 1024, 0xee);
    const other = new Uint8Array(8192).fill(0xee);
    const pooled = Buffer.allocUnsafe(100).fill(0xee); // a slice of Buffer's shared pool
    const shared = new Uint8Array(new SharedArrayBuffer(4096)).fill(0xee);
    const dataView = new DataView(new ArrayBuffer(64), 8, 32);
    const requests: { view: Uint8Array; position: number; offset?: number; length?: number; buffer: ArrayBufferView }[] = [
      { buffer: slab.subarray(0, 4096), view: slab.subarray(0, 4096), position: 0 },
      { buffer: slab.subarray(8192, 12288), view: slab.subarray(8192, 12288), position: 40960 },
      { buffer: other, view: other.subarray(100, 300), position: 777, offset: 100, length: 200 },
      { buffer: slab.subarray(4096, 8192), view: slab.subarray(4096, 8192), position: 12345 },
      { buffer: pooled, view: pooled.subarray(10, 60), position: 99999, offset: 10, length: 50 },
      { buffer: shared, view: shared.subarray(0, 4096), position: 3 },
      { buffer: slab.subarray(12288), view: slab.subarray(12288 + 1, 12288 + 1001), position: 200000, offset: 1, length: 1000 },
      { buffer: dataView, view: new Uint8Array(dataView.buffer, 8, 32), position: 65536 },
    ];
    // Issued in one tick: one batch, one native submit call.
    const completions = await Promise.all(requests.map(({ view: _view, ...request }) => issue('read', request)));
    for (const [i, { view, position }] of requests.entries()) {
      expect(completions[i]!.result, `request ${i}`).toBe(0);
      expect(completions[i]!.bytesTransferred, `request ${i}`).toBe(view.length);
      expect(Buffer.from(view).equals(data.subarray(position, position + view.length)), `request ${i}`).toBe(true);
    }
    // Bytes outside every request's range are untouched.
    expect(slab[12288]).toBe(0xee);
    expect(other[99]).toBe(0xee);
    expect(other[300]).toBe(0xee);
    expect(pooled[9]).toBe(0xee);
    expect(pooled[60]).toBe(0xee);
    expect(new Uint8Array(dataView.buffer)[7]).toBe(0);
    expect(new Uint8Array(dataView.buffer)[40]).toBe(0);
    closeSync(fd);
  });

  it('one batch of writes from alternating views of two slabs writes each view at its position', async () => {
    const a = Buffer.from(data.subarray(0, 8192));
    const b = Buffer.from(data.subarray(8192, 16384));
    const writes = [a.subarray(0, 4096), b.subarray(0, 4096), a.subarray(4096), b.subarray(4096)];
    const { completions, written } = await writeInOneBatch(newPort(), 'writes.bin', writes);
    for (const completion of completions) expect(completion).toMatchObject({ result: 0, bytesTransferred: 4096 });
    expect(written.equals(Buffer.concat(writes))).toBe(true);
  });

  it('large transfers alone, several in one batch, and mixed with small ones return the file bytes', async () => {
    // io_uring copies a large transfer inline when no other is in flight: alone, or the last of
    // several in one batch, whose earlier ones go to the threads engine (port.delegatedOps counts
    // them) so that workers copy in parallel with the ring's inline copy; the bytes must not care.
    const port = newPort();
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    try {
      const delegatedBefore = port.delegatedOps;
      const alone = Buffer.alloc(512 * 1024);
      expect(await issue('read', { buffer: alone, position: 1000 })).toMatchObject({ result: 0, bytesTransferred: alone.length });
      expect(alone.equals(data.subarray(1000, 1000 + alone.length))).toBe(true);
      if (backend === 'uring' || backend === 'threads') expect(port.delegatedOps).toBe(delegatedBefore);
      const sizes = [256 * 1024, 4096, 300 * 1024, 128 * 1024, 100, 1024 * 1024];
      const positions = sizes.map((_size, i) => i * 200_000);
      const buffers = sizes.map((size) => Buffer.alloc(size));
      const completions = await Promise.all(buffers.map((buffer, i) => issue('read', { buffer, position: positions[i] })));
      for (const [i, buffer] of buffers.entries()) {
        const expected = data.subarray(positions[i], positions[i]! + buffer.length);
        expect(completions[i]!.bytesTransferred).toBe(expected.length);
        expect(buffer.subarray(0, expected.length).equals(expected)).toBe(true);
      }
      // Four large reads in one batch: the threads engine runs the first three, the ring the last.
      if (backend === 'uring') expect(port.delegatedOps - delegatedBefore).toBe(3);
      if (backend === 'threads') expect(port.delegatedOps).toBe(0);
      // All delivered: a lone large transfer is the ring's again, and so are small ones meanwhile.
      const again = Buffer.alloc(1024 * 1024);
      const small = Buffer.alloc(4096);
      const [large, tiny] = await Promise.all([issue('read', { buffer: again, position: 5 }), issue('read', { buffer: small, position: 7 })]);
      expect(large).toMatchObject({ result: 0, bytesTransferred: again.length });
      expect(tiny).toMatchObject({ result: 0, bytesTransferred: small.length });
      expect(again.equals(data.subarray(5, 5 + again.length))).toBe(true);
      expect(small.equals(data.subarray(7, 7 + small.length))).toBe(true);
      if (backend === 'uring') expect(port.delegatedOps - delegatedBefore).toBe(3);
      // The two halves of one view (a split BYOB read): the first on a worker, the second inline.
      const view = Buffer.alloc(1024 * 1024);
      const halves = await Promise.all([
        issue('read', { buffer: view, offset: 0, length: 512 * 1024, position: 3 }),
        issue('read', { buffer: view, offset: 512 * 1024, length: 512 * 1024, position: 3 + 512 * 1024 }),
      ]);
      for (const half of halves) expect(half).toMatchObject({ result: 0, bytesTransferred: 512 * 1024 });
      expect(view.equals(data.subarray(3, 3 + view.length))).toBe(true);
      if (backend === 'uring') expect(port.delegatedOps - delegatedBefore).toBe(4);
    } finally {
      closeSync(fd);
    }
  });

  it('large writes issued together on io_uring all run on the threads engine and land in order of position', async () => {
    const port = newPort();
    const delegatedBefore = port.delegatedOps;
    const pieces = [0, 1, 2, 3].map((i) => data.subarray(i * 256 * 1024, (i + 1) * 256 * 1024));
    const { completions, written } = await writeInOneBatch(port, 'large-writes.bin', pieces);
    for (const completion of completions) expect(completion).toMatchObject({ result: 0, bytesTransferred: 256 * 1024 });
    if (backend === 'uring') expect(port.delegatedOps - delegatedBefore).toBe(4);
    expect(written.equals(data.subarray(0, 1024 * 1024))).toBe(true);
  });

  it('a buffer detached after the read was issued (same tick) fails with EFAULT, and the rest of the batch still reads', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    try {
      const doomed = new ArrayBuffer(8192);
      const survivor = Buffer.alloc(4096);
      const first = issue('read', { buffer: new Uint8Array(doomed, 0, 4096), position: 0 });
      const second = issue('read', { buffer: new Uint8Array(doomed, 4096, 4096), position: 4096 });
      const third = issue('read', { buffer: survivor, position: 8192 });
      structuredClone(doomed, { transfer: [doomed] }); // detaches it before the batch is flushed
      expect(doomed.byteLength).toBe(0);
      const errno = errnoOf('EFAULT');
      expect(await first).toMatchObject({ result: errno, bytesTransferred: 0 });
      expect(await second).toMatchObject({ result: errno, bytesTransferred: 0 });
      expect(await third).toMatchObject({ result: 0, bytesTransferred: 4096 });
      expect(survivor.equals(data.subarray(8192, 12288))).toBe(true);
    } finally {
      closeSync(fd); // before the temp folder is removed (Windows cannot remove open files)
    }
  });
});

import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { currentPort, open } from './index.js';
import { useBackend } from '../test/helpers.js';

/** What fs.createReadStream yields for the same options: the reference for boundaries. */
async function nodeChunks(path: string, options: { start?: number; end?: number; highWaterMark: number }): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of fs.createReadStream(path, options)) out.push(chunk as Buffer);
  return out;
}

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();
  const sizes = [0, 1, 4095, 4096, 4097, 65_536 * 3 + 17];
  const files = sizes.map((size) => dir.randomFile(`chunks-${size}.bin`, size));

  describe('chunks', () => {
    // One test per file: the 1- and 7-byte chunk cases are thousands of reads each, and under Wine
    // all files in one test came close to the time limit of a single test.
    it.each(sizes.map((size, index) => ({ size, file: files[index]! })))('yields the same chunks as fs.createReadStream for odd chunk sizes and ranges, file of $size bytes', async ({ file }) => {
      const { path, data } = file;
      for (const chunkSize of [1, 7, 4096, 65_536]) {
        if (chunkSize < 4096 && data.length > 5000) continue;
        const ranges: { start?: number; end?: number }[] = [{}, { start: 0 }, { start: 3 }, { start: 2, end: 2 }, { start: 5, end: 4100 }, { end: 9000 }, { start: data.length + 10 }];
        for (const range of ranges) {
          const theirs = await nodeChunks(path, { highWaterMark: chunkSize, ...range });
          for (const depth of [1, 3, 8]) {
            await using handle = await open(path);
            const ours: Buffer[] = [];
            for await (const chunk of handle.chunks({ chunkSize, depth, ...range })) ours.push(chunk);
            expect(ours.map((c) => c.length)).toEqual(theirs.map((c) => c.length));
            expect(Buffer.concat(ours).equals(Buffer.concat(theirs))).toBe(true);
          }
        }
      }
    });

    it('yields fresh buffers the consumer may keep; reuse mode recycles depth + 1 buffers', async () => {
      const { path, data } = files[5]!;
      await using handle = await open(path);
      const kept: Buffer[] = [];
      for await (const chunk of handle.chunks({ chunkSize: 4096, depth: 4 })) kept.push(chunk);
      expect(Buffer.concat(kept).equals(data)).toBe(true);
      const arrays = new Set<ArrayBufferLike>();
      const copies: Buffer[] = [];
      for await (const chunk of handle.chunks({ chunkSize: 4096, depth: 4, reuse: true, start: 0 })) {
        arrays.add(chunk.buffer);
        copies.push(Buffer.from(chunk));
      }
      expect(Buffer.concat(copies).equals(data)).toBe(true);
      expect(arrays.size).toBeLessThanOrEqual(5);
    });

    it('advances the handle position when start is omitted', async () => {
      const { path, data } = files[5]!;
      await using handle = await open(path);
      await handle.read(Buffer.alloc(100), 0, 100, null);
      const rest: Buffer[] = [];
      for await (const chunk of handle.chunks({ chunkSize: 65_536 })) rest.push(chunk);
      expect(Buffer.concat(rest).equals(data.subarray(100))).toBe(true);
      expect((await handle.read(Buffer.alloc(10), 0, 10, null)).bytesRead).toBe(0);
    });

    it('keeps at most depth reads in flight', async () => {
      const { path } = files[5]!;
      await using handle = await open(path);
      const port = currentPort();
      let max = 0;
      for await (const _chunk of handle.chunks({ chunkSize: 1000, depth: 3 })) max = Math.max(max, port.inFlight);
      expect(max).toBeLessThanOrEqual(3);
      expect(max).toBeGreaterThan(0);
    });

    it('abort mid-iteration cancels the reads in flight and leaves the handle usable', async () => {
      const { path, data } = dir.randomFile('big.bin', 4 << 20);
      await using handle = await open(path);
      const controller = new AbortController();
      const reason = new Error('stop');
      let count = 0;
      const iterate = async () => {
        for await (const _chunk of handle.chunks({ chunkSize: 4096, depth: 32, signal: controller.signal })) {
          if (++count === 3) controller.abort(reason);
        }
      };
      const error = await iterate().then(() => undefined, (caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted', cause: reason });
      expect(currentPort().inFlight).toBe(0);
      const { buffer } = await handle.read(Buffer.alloc(16), 0, 16, 0);
      expect(buffer.equals(data.subarray(0, 16))).toBe(true);
    });

    it('an already aborted signal rejects at once; break cancels and waits', async () => {
      const { path } = files[5]!;
      await using handle = await open(path);
      const iterator = handle.chunks({ signal: AbortSignal.abort() });
      await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
      for await (const _chunk of handle.chunks({ chunkSize: 100, depth: 16 })) break;
      expect(currentPort().inFlight).toBe(0);
    });

    it('reports read errors like node and validates options', async () => {
      await using handle = await open(dir.path);
      await expect(handle.chunks().next()).rejects.toMatchObject({ code: 'EISDIR', syscall: 'read', message: 'EISDIR: illegal operation on a directory, read' });
      expect(currentPort().inFlight).toBe(0);
      expect(() => handle.chunks({ chunkSize: 0 })).toThrow(/"options.chunkSize"/);
      expect(() => handle.chunks({ start: 10, end: 5 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    });

    it('close while iterating: close waits, the iterator then fails with EBADF', async () => {
      const { path } = files[5]!;
      const handle = await open(path);
      const iterator = handle.chunks({ chunkSize: 1000, depth: 8 });
      await iterator.next();
      await handle.close();
      const drained = async () => {
        for (;;) if ((await iterator.next()).done) return;
      };
      await expect(drained()).rejects.toMatchObject({ code: 'EBADF' });
      expect(currentPort().inFlight).toBe(0);
    });
  });
});

// Property tests (fast-check) for the async iterators, on every engine:
// - chunks() yields what node's read stream yields over the same range with highWaterMark =
//   chunkSize (the same boundaries and bytes), at any depth, fresh or reused buffers, whether the
//   range comes from start/end or from the handle's position; stopped early or aborted at a random
//   chunk, it leaves nothing in flight and the handle keeps working.
// - readMany() yields every range exactly once with pread's answer, at any depth, from an iterable
//   or an async iterable; aborted at a random result, it rejects with an AbortError and leaves
//   nothing in flight.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { currentPort, open, type FileHandle } from '../src/index.js';
import { useBackend } from './helpers.js';

const runs = Number(process.env.TPIO_DIFF_RUNS ?? 100);
const seed = Number(process.env.TPIO_DIFF_SEED ?? 20261123);

/** What node's read stream yields for these options, as hex chunks. */
async function nodeChunks(path: string, options: { start?: number; end?: number; highWaterMark: number }): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of fs.createReadStream(path, options)) chunks.push((chunk as Buffer).toString('hex'));
  return chunks;
}

/** Whether `handle`'s engine has nothing in flight (close() waits for what is). */
function idle(): boolean {
  return currentPort().inFlight === 0;
}

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-iter-');
  const sizes = [0, 1, 4095, 4096, 65_537, 200_003];
  const files = new Map(sizes.map((size) => [size, dir.randomFile(`f-${size}.bin`, size)]));

  describe('chunks()', () => {
    it(`yields node's read-stream chunks for any range, depth and chunk size (${runs} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...sizes),
          fc.record({ start: fc.option(fc.integer({ min: 0, max: 210_000 }), { nil: undefined }), length: fc.option(fc.integer({ min: 1, max: 210_000 }), { nil: undefined }) }),
          fc.integer({ min: 1, max: 70_000 }),
          fc.integer({ min: 1, max: 8 }),
          fc.boolean(),
          fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
          async (size, range, chunkSize, depth, reuse, handlePosition) => {
            const { path } = files.get(size)!;
            const end = range.length === undefined ? undefined : (range.start ?? 0) + range.length - 1;
            const handle = await open(path);
            try {
              // Without `start`, chunks() reads from the handle's position (moved by a read first).
              if (range.start === undefined && handlePosition !== undefined) await handle.read(Buffer.alloc(handlePosition), 0, handlePosition, null);
              const from = range.start ?? Math.min(handlePosition ?? 0, size);
              // A handle already past `end` has nothing left to read (node's stream refuses start > end).
              const expected = end !== undefined && from > end ? [] : await nodeChunks(path, { start: from, end, highWaterMark: chunkSize });
              const got: string[] = [];
              for await (const chunk of handle.chunks({ chunkSize, depth, start: range.start, end, reuse })) got.push(chunk.toString('hex'));
              expect(got, `size ${size}, from ${from}, end ${end}, chunkSize ${chunkSize}, depth ${depth}`).toEqual(expected);
              // The handle's position moved past what was yielded only when it supplied the start.
              const after = await handle.read(Buffer.alloc(1), 0, 1, null);
              const position = range.start === undefined ? Math.min(size, end === undefined ? size : Math.max(from, Math.min(end + 1, size))) : 0;
              expect(after.bytesRead).toBe(position < size ? 1 : 0);
            } finally {
              await handle.close();
            }
            expect(idle()).toBe(true);
          },
        ),
        { numRuns: runs, seed },
      );
    }, 300_000);

    it(`stopped or aborted at any chunk, leaves nothing in flight and the handle usable (${runs} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 30_000 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 12 }), fc.boolean(), async (chunkSize, depth, stopAt, abort) => {
          const { path, data } = files.get(200_003)!;
          const handle = await open(path);
          const controller = new AbortController();
          let seen = 0;
          let outcome = 'ended';
          try {
            for await (const chunk of handle.chunks({ chunkSize, depth, start: 0, signal: controller.signal })) {
              expect(chunk.equals(data.subarray(seen * chunkSize, seen * chunkSize + chunk.length))).toBe(true);
              if (seen++ === stopAt) {
                if (!abort) break;
                controller.abort();
              }
            }
          } catch (error) {
            outcome = (error as Error).name;
          }
          // An abort rejects the next chunk; at the last one it may also reject the read that finds
          // the end of the file (a short read is not the end on its own), as a stream's abort before
          // 'end' errors the stream.
          const total = Math.ceil(data.length / chunkSize);
          if (!abort || stopAt >= total) expect(outcome).toBe('ended');
          else if (stopAt < total - 1) expect(outcome).toBe('AbortError');
          else expect(['AbortError', 'ended']).toContain(outcome);
          const { bytesRead, buffer } = await handle.read(Buffer.alloc(16), 0, 16, 100);
          expect(bytesRead).toBe(16);
          expect(buffer.equals(data.subarray(100, 116))).toBe(true);
          await handle.close();
          expect(idle()).toBe(true);
        }),
        { numRuns: runs, seed },
      );
    }, 300_000);
  });

  describe('readMany()', () => {
    const range = fc.record({ position: fc.integer({ min: 0, max: 201_000 }), length: fc.integer({ min: 0, max: 6_000 }) });

    it(`yields every range once with pread's answer, at any depth (${runs} runs)`, async () => {
      const { path, data } = files.get(200_003)!;
      await fc.assert(
        fc.asyncProperty(fc.array(range, { maxLength: 300 }), fc.integer({ min: 1, max: 70 }), fc.boolean(), async (ranges, depth, asyncSource) => {
          const expected = ranges.map(({ position, length }) => `${position}:${data.subarray(position, position + length).toString('hex')}`).sort();
          async function* slowly() {
            for (const [index, r] of ranges.entries()) {
              if (index % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
              yield r;
            }
          }
          await using handle = await open(path);
          const got: string[] = [];
          for await (const { position, bytesRead, buffer } of handle.readMany(asyncSource ? slowly() : ranges, { depth })) {
            got.push(`${position}:${buffer.subarray(0, bytesRead).toString('hex')}`);
          }
          expect(got.sort()).toEqual(expected);
        }),
        { numRuns: runs, seed },
      );
      expect(idle()).toBe(true);
    }, 300_000);

    it(`aborted at any result, rejects with an AbortError and leaves nothing in flight (${runs} runs)`, async () => {
      const { path } = files.get(200_003)!;
      await fc.assert(
        fc.asyncProperty(fc.array(range, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 70 }), fc.nat({ max: 299 }), async (ranges, depth, abortAt) => {
          const handle: FileHandle = await open(path);
          const controller = new AbortController();
          let seen = 0;
          let outcome = 'ended';
          try {
            for await (const result of handle.readMany(ranges, { depth, signal: controller.signal })) {
              expect(result.bytesRead).toBeLessThanOrEqual(result.buffer.length);
              if (seen++ === abortAt) controller.abort();
            }
          } catch (error) {
            outcome = (error as Error).name;
          }
          // The abort rejects the next result. After the last one it may also reject (the iterator
          // may not have seen the end of the ranges yet) or not.
          if (abortAt >= ranges.length) expect(outcome).toBe('ended');
          else if (abortAt < ranges.length - 1) expect(outcome).toBe('AbortError');
          else expect(['AbortError', 'ended']).toContain(outcome);
          expect((await handle.read(Buffer.alloc(4), 0, 4, 0)).bytesRead).toBe(4);
          await handle.close();
          expect(idle()).toBe(true);
        }),
        { numRuns: runs, seed },
      );
    }, 300_000);
  });
});


import { describe, expect, it } from 'vitest';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { currentPort, open } from './index.js';
import { useBackend } from '../test/helpers.js';

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();
  const { path, data } = dir.randomFile('many.bin', 1 << 20);

  function ranges(count: number, length = 4096): { position: number; length: number }[] {
    return Array.from({ length: count }, (_, i) => ({ position: (i * 7919 * 13) % (data.length - 100), length }));
  }

  describe('readMany', () => {
    it('reads every range of an iterable, at most depth at a time', async () => {
      await using handle = await open(path);
      const wanted = ranges(500);
      const port = currentPort();
      for (const depth of [1, 4, 64]) {
        let max = 0;
        const seen = new Map<number, number>();
        for await (const { position, bytesRead, buffer } of handle.readMany(wanted, { depth })) {
          max = Math.max(max, port.inFlight);
          const start = position as number;
          expect(bytesRead).toBe(Math.min(4096, data.length - start));
          expect(buffer.subarray(0, bytesRead).equals(data.subarray(start, start + bytesRead))).toBe(true);
          seen.set(start, (seen.get(start) ?? 0) + 1);
        }
        expect([...seen.values()].reduce((a, b) => a + b, 0)).toBe(500);
        expect(max).toBeLessThanOrEqual(depth);
      }
    });

    it('a slow consumer holds the reading back: in flight plus waiting results stay within 2 x depth', async () => {
      await using handle = await open(path);
      const wanted = ranges(60);
      for (const [depth, asynchronous] of [[1, false], [4, false], [4, true], [16, false]] as const) {
        let pulled = 0;
        let taken = 0;
        let ahead = 0;
        function* sync() {
          for (const range of wanted) {
            pulled++;
            ahead = Math.max(ahead, pulled - taken);
            yield range;
          }
        }
        async function* asyncSource() {
          yield* sync();
        }
        for await (const { position, bytesRead, buffer } of handle.readMany(asynchronous ? asyncSource() : sync(), { depth })) {
          taken++;
          // Time for the reads in flight to finish and be delivered while this result is held.
          for (let i = 0; i < 2; i++) await new Promise((resolve) => setTimeout(resolve, 1));
          const start = position as number;
          expect(buffer.subarray(0, bytesRead).equals(data.subarray(start, start + bytesRead))).toBe(true);
        }
        expect(taken).toBe(60);
        // + 1: next() refills as it hands a result over, before the loop body has counted it as taken.
        expect(ahead).toBeLessThanOrEqual(2 * depth + 1);
        expect(ahead).toBeGreaterThan(depth); // reading did run ahead of the consumer, beyond what is in flight
      }
    });

    it('accepts async iterables, generators, bigint positions and caller buffers; short reads at the end', async () => {
      await using handle = await open(path);
      async function* source() {
        yield { position: 0n, length: 10 };
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield { position: data.length - 5, length: 10, buffer: Buffer.alloc(10) };
        yield { position: data.length + 100, length: 10 };
      }
      const results = [];
      for await (const result of handle.readMany(source(), { depth: 2 })) results.push(result);
      results.sort((a, b) => Number(a.position) - Number(b.position));
      expect(results.map((r) => [r.position, r.bytesRead])).toEqual([[0n, 10], [data.length - 5, 5], [data.length + 100, 0]]);
      expect(results[1]!.buffer.subarray(0, 5).equals(data.subarray(data.length - 5))).toBe(true);
    });

    it('large ranges without a buffer get fresh ones placed for the copy (ADR 0009), with the bytes', async () => {
      await using handle = await open(path);
      const ranges = [0, 16, 4096 + 40].map((position) => ({ position, length: 256 * 1024 }));
      const results = [];
      for await (const result of handle.readMany(ranges, { depth: 3 })) results.push(result);
      results.sort((a, b) => Number(a.position) - Number(b.position));
      for (const { position, bytesRead, buffer } of results) {
        const at = Number(position);
        expect(bytesRead).toBe(256 * 1024);
        expect(buffer.equals(data.subarray(at, at + bytesRead))).toBe(true);
        expect(buffer.byteOffset).toBeLessThanOrEqual(63);
      }
      expect(new Set(results.map((r) => r.buffer.buffer)).size).toBe(3); // one ArrayBuffer each
    });

    it('abort mid-iteration cancels what is in flight; the handle stays usable', async () => {
      await using handle = await open(path);
      const controller = new AbortController();
      let count = 0;
      const run = async () => {
        for await (const _result of handle.readMany(ranges(5000), { depth: 64, signal: controller.signal })) {
          if (++count === 10) controller.abort();
        }
      };
      await expect(run()).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
      expect(currentPort().inFlight).toBe(0);
      expect((await handle.read(Buffer.alloc(4), 0, 4, 0)).buffer.equals(data.subarray(0, 4))).toBe(true);
    });

    it('break stops pulling ranges and waits for reads in flight', async () => {
      await using handle = await open(path);
      let pulled = 0;
      function* source() {
        for (const range of ranges(1000)) {
          pulled++;
          yield range;
        }
      }
      for await (const _result of handle.readMany(source(), { depth: 8 })) break;
      expect(currentPort().inFlight).toBe(0);
      expect(pulled).toBeLessThanOrEqual(17); // depth in flight + at most depth finished before the break
    });

    it('rejects bad ranges and read errors', async () => {
      await using handle = await open(path);
      const bad = handle.readMany([{ position: -5, length: 1 }]);
      await expect(bad.next()).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      expect(() => handle.readMany(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      await using directory = await open(dir.path);
      await expect(directory.readMany([{ position: 0, length: 1 }]).next()).rejects.toMatchObject({ code: 'EISDIR', syscall: 'read' });
      expect(currentPort().inFlight).toBe(0);
    });
  });
});

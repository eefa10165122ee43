import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { once } from 'node:events';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { currentPort, open, type ReadLinesOptions } from './index.js';
import { outcome, useBackend } from '../test/helpers.js';

const fsp = fs.promises;

/** Every line of `handle.readLines(options)` (node's FileHandle or ours). */
async function lines(handle: { readLines(options?: ReadLinesOptions): AsyncIterable<string> }, options?: ReadLinesOptions): Promise<string[]> {
  const result: string[] = [];
  for await (const line of handle.readLines(options)) result.push(line);
  return result;
}

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();
  // Line ends of every kind, empty lines, no final newline, and multi-byte characters that chunk
  // boundaries (small highWaterMarks below) cut in the middle.
  const mixed = dir.file('mixed.txt', 'first\nsecond\r\nthird\rfourth\n\n\r\nnaïve ☃ 𝄞 end\nlast without newline');
  const big = dir.file('big.txt', Array.from({ length: 30_000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`).join('\n') + '\n');
  const empty = dir.file('empty.txt', '');

  describe('readLines', () => {
    it('yields the same lines as node for every line end, chunk size, range and encoding', async () => {
      const cases: ReadLinesOptions[] = [
        {},
        { highWaterMark: 1 },
        { highWaterMark: 7 },
        { highWaterMark: 1000 },
        { start: 3 },
        { start: 3, end: 20 },
        { end: 0 },
        { start: 1000 },
        { encoding: 'latin1', highWaterMark: 5 },
        { end: Infinity },
      ];
      for (const path of [mixed, big, empty]) {
        // Reads of a few bytes over the big file would take seconds (on both sides) and show nothing new.
        for (const options of path === big ? cases.filter(({ highWaterMark }) => (highWaterMark ?? Infinity) >= 1000) : cases) {
          await using ours = await open(path);
          const theirs = await fsp.open(path);
          try {
            expect(await lines(ours, { ...options }), `${path} ${JSON.stringify(options)}`).toEqual(await lines(theirs, { ...options }));
          } finally {
            await theirs.close();
          }
        }
      }
    });

    it('closes the handle when the lines end, unless autoClose is false', async () => {
      const ours = await open(mixed);
      await lines(ours);
      expect(ours.fd).toBe(-1);

      await using kept = await open(mixed);
      const first = await lines(kept, { autoClose: false, start: 0 });
      expect(kept.fd).toBeGreaterThanOrEqual(0);
      expect(await lines(kept, { autoClose: false, start: 0 })).toEqual(first);
    });

    it('starts at the handle position when start is omitted, as node does', async () => {
      await using ours = await open(big);
      const theirs = await fsp.open(big);
      await ours.read(Buffer.alloc(100), 0, 100, null);
      await theirs.read(Buffer.alloc(100), 0, 100, null);
      expect(await lines(ours)).toEqual(await lines(theirs));
    });

    it('leaves the handle open when the loop stops early, as node does', async () => {
      await using ours = await open(big);
      const theirs = await fsp.open(big);
      for (const handle of [ours, theirs]) {
        for await (const line of handle.readLines()) {
          expect(line).toBe('line 0 ');
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(ours.fd).toBeGreaterThanOrEqual(0);
      expect(theirs.fd).toBeGreaterThanOrEqual(0);
      await theirs.close();
    });

    it('checks options as node does, synchronously', async () => {
      const invalid: unknown[] = [
        { start: -1 },
        { start: 5, end: 2 },
        { end: 'x' },
        { start: 1.5 },
        { highWaterMark: -1 },
        { encoding: 'nope' },
        { signal: 1 },
      ];
      await using ours = await open(mixed);
      for (const options of invalid) {
        // node's readLines() passes the options to a ReadStream, which checks them as
        // fs.createReadStream does (a FileHandle left with a half-made stream crashes node on close).
        const expected = await outcome(() => fs.createReadStream(mixed, options as object));
        expect(await outcome(() => ours.readLines(options as ReadLinesOptions)), JSON.stringify(options)).toEqual(expected);
      }
      // Not an object: node spreads it into the stream's options, which adds nothing.
      const theirs = await fsp.open(mixed);
      try {
        expect(await lines(ours, 'latin1' as ReadLinesOptions)).toEqual(await lines(theirs, 'latin1' as ReadLinesOptions));
      } finally {
        await theirs.close();
      }
    });

    it('throws node\'s error on a closed handle', async () => {
      const ours = await open(mixed);
      const theirs = await fsp.open(mixed);
      await ours.close();
      await theirs.close();
      expect(await outcome(() => ours.readLines())).toEqual(await outcome(() => theirs.readLines()));
    });

    it('aborts with the signal: the iterator throws AbortError, the handle closes, nothing is left in flight', async () => {
      const ours = await open(big);
      const controller = new AbortController();
      let count = 0;
      const error = await (async () => {
        for await (const _ of ours.readLines({ signal: controller.signal, highWaterMark: 4096 })) if (++count === 3) controller.abort();
      })().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
      expect(count).toBeLessThan(30_000);
      // The destroyed stream closes the handle once its read in flight is done, as node's does: wait
      // for that rather than for a fixed time, which a loaded machine can outlast.
      if (ours.fd !== -1) await once(ours, 'close');
      expect(ours.fd).toBe(-1);
      await ours.close(); // the same promise: settles when the reads in flight have completed
      expect(currentPort().inFlight).toBe(0);
    });

    it('ends the lines when the handle is closed under them', async () => {
      const ours = await open(big);
      const seen: string[] = [];
      const reading = (async () => {
        for await (const line of ours.readLines({ highWaterMark: 1024 })) {
          seen.push(line);
          if (seen.length === 5) void ours.close();
        }
      })();
      await reading;
      expect(seen.length).toBeGreaterThanOrEqual(5);
      expect(seen.length).toBeLessThan(30_000);
      expect(ours.fd).toBe(-1);
    });
  });
});

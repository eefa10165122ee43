// The conformance scenarios at random (fast-check): read streams with random ranges, chunk sizes,
// encodings and early destroys over files of random sizes, the same consumed in paused mode with
// read(n) of random sizes, and write streams with random flags,
// start positions, chunk sequences and `flush`, each run on node:fs and on @tpio/stream and the
// recordings (events in order, chunks, properties, errors, the file's bytes) compared.
// read-stream.test.ts and write-stream.test.ts hold the hand-picked cases; a difference found here
// becomes one of them.

import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { nodeApi, recordRead, recordWrite, tpioApi, useBackend, type StreamApi } from './harness.js';

const runs = Number(process.env.TPIO_DIFF_RUNS ?? 60);
const seed = Number(process.env.TPIO_DIFF_SEED ?? 20261123);

/** A size near the interesting boundaries (0, small, one 64 KiB chunk, a few chunks). */
const fileSize = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(65_535, 65_536, 65_537, 131_072, 200_001));
const encoding = fc.constantFrom(undefined, 'utf8', 'hex', 'latin1', 'base64', 'utf16le');
const highWaterMark = fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 140_000 }), fc.constantFrom(65_536, 1 << 20));

const readOptions = fc.record(
  {
    start: fc.oneof(fc.integer({ min: 0, max: 210_000 }), fc.constant(undefined)),
    end: fc.oneof(fc.integer({ min: 0, max: 210_000 }), fc.constantFrom(undefined, Infinity)),
    highWaterMark,
    encoding,
  },
  { requiredKeys: [] },
);

const writeChunk = fc.oneof(
  fc.uint8Array({ maxLength: 40_000 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 200, unit: fc.constantFrom('a', 'é', '€', '𝄞', '\n') }),
);

const writeOptions = fc.record(
  {
    flags: fc.constantFrom('w', 'a', 'r+', 'w+', 'as'),
    start: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 5_000 })),
    highWaterMark: fc.oneof(fc.constant(undefined), fc.integer({ min: 1, max: 70_000 })),
    encoding: fc.constantFrom(undefined, 'utf8', 'latin1'),
    flush: fc.boolean(),
  },
  { requiredKeys: [] },
);

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-stream-random-');
  let run = 0;

  describe('streams with random options, against node:fs', () => {
    it(`createReadStream: same chunks, events and properties (${runs} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(fileSize, readOptions, fc.option(fc.integer({ min: 0, max: 5 })), async (size, options, destroyAfter) => {
          const file = join(dir.path, `read-${run++}.bin`);
          fs.writeFileSync(file, Buffer.from(Array.from({ length: size }, (_, i) => (i * 131 + (i >> 8)) & 0xff)));
          const recordWith = (api: StreamApi) => {
            let stream: fs.ReadStream;
            try {
              stream = api.createReadStream(file, options);
            } catch (error) {
              const { code, message, name } = error as Record<string, unknown>;
              return Promise.resolve({ thrown: { code, message, name } });
            }
            return recordRead(stream, (_chunk, index) => {
              if (index === destroyAfter) stream.destroy();
            });
          };
          const theirs = await recordWith(nodeApi);
          const ours = await recordWith(tpioApi);
          expect(ours, `size ${size}, options ${JSON.stringify(options)}, destroy after ${destroyAfter}`).toEqual(theirs);
          fs.rmSync(file);
        }),
        { numRuns: runs, seed },
      );
    }, 300_000);

    it(`createReadStream in paused mode, read(n) with random n: same results (${runs} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(fileSize, readOptions, fc.array(fc.integer({ min: 1, max: 150_000 }), { minLength: 1, maxLength: 40 }), async (size, options, sizes) => {
          const file = join(dir.path, `paused-${run++}.bin`);
          fs.writeFileSync(file, Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + (i >> 9)) & 0xff)));
          const replay = async (api: StreamApi): Promise<unknown> => {
            let stream: fs.ReadStream;
            try {
              // Bytes only: with an encoding, read(n) counts characters, and node's stream can stop
              // for good (hex, highWaterMark 2, read(3): no more 'readable'), ours alike.
              stream = api.createReadStream(file, { ...options, encoding: undefined });
            } catch (error) {
              const { code, message } = error as Record<string, unknown>;
              return { thrown: { code, message } };
            }
            // On each 'readable', read(n) with the next n until it returns null; record what came.
            // (Never read(0): with nothing else asked for, node's stream then waits forever.) When a
            // read(n) finds too little buffered and returns null depends on how far reading got, which
            // read-ahead changes by design, and so does what read() without n returns (all that is
            // buffered); what each read(n) that returns something gives must not. So read(n) only,
            // and the nulls are not recorded.
            const log: unknown[] = [];
            let next = 0;
            await new Promise<void>((resolve) => {
              stream.on('readable', () => {
                for (;;) {
                  const n = sizes[next++ % sizes.length];
                  const chunk = stream.read(n) as Buffer | string | null;
                  if (chunk === null) {
                    next--; // ask for the same n again on the next 'readable'
                    break;
                  }
                  log.push([n, typeof chunk === 'string' ? chunk : chunk.toString('hex')]);
                }
              });
              stream.on('end', () => log.push('end'));
              stream.on('error', (error) => {
                log.push(['error', (error as { code?: string }).code]);
                resolve();
              });
              stream.on('close', () => resolve());
            });
            return { log, bytesRead: stream.bytesRead };
          };
          const theirs = await replay(nodeApi);
          const ours = await replay(tpioApi);
          expect(ours, `size ${size}, options ${JSON.stringify(options)}, read sizes ${JSON.stringify(sizes)}`).toEqual(theirs);
          fs.rmSync(file);
        }),
        { numRuns: runs, seed },
      );
    }, 300_000);

    it(`createWriteStream: same events, properties and bytes (${runs} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 6_000 }), writeOptions, fc.array(writeChunk, { maxLength: 12 }), async (initial, options, chunks) => {
          const results: unknown[] = [];
          for (const api of [nodeApi, tpioApi]) {
            const file = join(dir.path, `write-${run++}.bin`);
            fs.writeFileSync(file, initial);
            let stream: fs.WriteStream;
            try {
              stream = api.createWriteStream(file, options);
            } catch (error) {
              const { code, message, name } = error as Record<string, unknown>;
              results.push({ thrown: { code, message, name } });
              continue;
            }
            results.push(
              await recordWrite(stream, file, (s) => {
                for (const chunk of chunks) s.write(chunk);
                s.end();
              }),
            );
            fs.rmSync(file);
          }
          expect(results[1], `options ${JSON.stringify(options)}, ${chunks.length} chunks, file at first ${initial.length} bytes`).toEqual(results[0]);
        }),
        { numRuns: runs, seed },
      );
    }, 300_000);
  });
});

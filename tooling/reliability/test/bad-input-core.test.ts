// Property-based bad input for @tpio/core (fast-check): open/readFile/writeFile/appendFile/copyFile/
// stat and every FileHandle method called with random arguments — wrong types, negative or huge
// positions and lengths, detached or tiny buffers, closed handles. Each call must throw or reject
// with a typed error carrying a node:fs code (ERR_* or a system code), or succeed. Paths are always
// inside a temporary folder (random strings would create files anywhere).

import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionalImport } from './helpers.js';

const core = await optionalImport<typeof import('@tpio/core')>('@tpio/core', (module) => typeof module.open === 'function');
const runs = Number(process.env.TPIO_REL_PROPERTY_RUNS ?? 1500);
const scratch = mkdtempSync(join(tmpdir(), 'tpio-rel-badcore-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const counts = { calls: 0, typedErrors: 0, succeeded: 0, detachedTypeErrors: 0 };
afterAll(() => console.log(`bad-input (core): ${counts.calls} random calls; ${counts.typedErrors} errors (${counts.detachedTypeErrors} of them V8's detached-buffer TypeError, as node:fs), ${counts.succeeded} succeeded`));

function detached(size: number): Uint8Array {
  const view = new Uint8Array(size);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  // fast-check prints counterexamples; a detached view cannot be iterated for that.
  Object.defineProperty(view, fc.toStringMethod, { value: () => `detached(${size})` });
  return view;
}

const existing = join(scratch, 'existing.bin');
writeFileSync(existing, Buffer.alloc(10_000, 7));
const specials: Record<string, () => unknown> = {
  detached: () => detached(32),
  tiny: () => Buffer.alloc(1),
  empty: () => Buffer.alloc(0),
  dataView: () => new DataView(new ArrayBuffer(8)),
  floats: () => new Float32Array(4),
  negative: () => -1,
  hugeNumber: () => 2 ** 53,
  int32Over: () => 2 ** 31,
  hugeBigInt: () => 2n ** 63n,
  bigNeg: () => -1n,
  nan: () => NaN,
  infinity: () => -Infinity,
  fraction: () => 0.5,
  abortedSignal: () => AbortSignal.abort(),
  options: () => ({ position: 2 ** 40, length: 5, offset: 3, buffer: Buffer.alloc(4) }),
  encoding: () => 'base64',
  badEncoding: () => 'nope',
  flagsString: () => 'r+',
  badFlags: () => 'rw+x',
  mode: () => 0o600,
};
const value = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 1 }).filter((v) => typeof v !== 'string') },
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(specials)).map((name) => specials[name]!()) },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 1 << 16 }) },
);
const pathValue = fc.oneof(
  fc.constantFrom(existing, join(scratch, 'new.bin'), join(scratch, 'missing', 'x'), scratch, `${scratch}/a\0b`, ''),
  fc.constantFrom(existing, scratch).map((path) => Buffer.from(path)),
  fc.constant(new URL(`file://${existing}`)),
  // A string value as a path names a file in the scratch folder: relative, it would create files
  // like 'rw+x' in the package folder (writeFile, appendFile, open with 'w').
  value.map((v) => (typeof v === 'string' ? join(scratch, v) : v)),
);
const handleMethods = ['read', 'write', 'readv', 'writev', 'stat', 'truncate', 'sync', 'datasync', 'readFile', 'writeFile', 'appendFile', 'chunks', 'readMany'] as const;

async function expectTyped(run: () => unknown): Promise<void> {
  counts.calls++;
  try {
    let result = run();
    if (result && typeof (result as AsyncIterator<unknown>).next === 'function' && !(result instanceof Promise)) {
      // Iterators: pull a few items; errors surface there.
      const iterator = result as AsyncIterator<unknown>;
      for (let i = 0; i < 3; i++) if ((await iterator.next()).done) break;
      await iterator.return?.();
      result = undefined;
    }
    await result;
    counts.succeeded++;
  } catch (error) {
    counts.typedErrors++;
    expect(error).toBeInstanceOf(Error);
    const code = (error as { code?: unknown }).code;
    // The one exception, shared with node:fs (fs.promises.writeFile(path, detachedView) throws the
    // same): V8's own TypeError when a view over a detached ArrayBuffer is wrapped.
    if (code === undefined && error instanceof TypeError && /detached ArrayBuffer/.test(error.message)) {
      counts.detachedTypeErrors++;
      return;
    }
    expect(typeof code === 'string' && /^(ERR_[A-Z0-9_]+|E[A-Z0-9]+|ABORT_ERR)$/.test(code), `code ${String(code)}: ${(error as Error).message}`).toBe(true);
  }
}

describe.skipIf(!core.module)(`@tpio/core with random arguments${core.missing ? ` (skipped: ${core.missing})` : ''}`, () => {
  it(`whole-file helpers and FileHandle methods never crash and always give typed errors (${runs} runs)`, async () => {
    const api = core.module!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ call: fc.integer({ min: 0, max: 8 }), method: fc.constantFrom(...handleMethods), path: pathValue, args: fc.array(value, { maxLength: 4 }), closeFirst: fc.boolean() }),
          { minLength: 1, maxLength: 6 },
        ),
        async (calls) => {
          for (const { call, method, path, args, closeFirst } of calls) {
            switch (call) {
              case 0:
                await expectTyped(async () => (await (api.open as any)(path, ...args.slice(0, 2))).close());
                break;
              case 1:
                await expectTyped(() => (api.readFile as any)(path, args[0]));
                break;
              case 2:
                await expectTyped(() => (api.writeFile as any)(path, args[0], args[1]));
                break;
              case 3:
                await expectTyped(() => (api.appendFile as any)(path, args[0], args[1]));
                break;
              case 4:
                await expectTyped(() => (api.copyFile as any)(path, join(scratch, 'copy.bin'), args[0]));
                break;
              case 5:
                await expectTyped(() => (api.stat as any)(path, args[0]));
                break;
              default: {
                // A FileHandle method on a real handle (closed first, sometimes).
                const handle = await api.open(existing, 'r+');
                if (closeFirst) await handle.close();
                await expectTyped(() => (handle as any)[method](...args));
                await handle.close();
              }
            }
          }
        },
      ),
      { numRuns: runs, seed: Number(process.env.TPIO_REL_PROPERTY_SEED ?? 20261121) },
    );
    expect(counts.calls).toBeGreaterThan(runs);
  }, 240_000);
});

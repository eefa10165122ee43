// Property-based bad input (fast-check): the binding's functions called with random arguments —
// wrong types, negative and huge positions and lengths, detached and tiny buffers, closed fds and a
// closed port. Every call must either throw synchronously a typed error with a node:fs code
// (ERR_*), or be accepted and complete through the callback with 0 or a negative errno that node
// knows (util.getSystemErrorName). Never a crash (run under ASan too: tooling/reliability/asan.sh).

import { afterAll, expect, it } from 'vitest';
import fc from 'fast-check';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { join } from 'node:path';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, usableBackends, type Port } from '../../lib/index.js';

const runs = Number(process.env.TPIO_REL_PROPERTY_RUNS ?? 1000);
let totalCalls = 0;
let thrown = 0;
const completed: Record<string, number> = {};
afterAll(() => console.log(`bad-input (binding): ${totalCalls} random calls; ${thrown} threw a typed error; completions ${JSON.stringify(completed)}`));

function detached(size: number): Uint8Array {
  const view = new Uint8Array(size);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  // fast-check prints counterexamples; a detached view cannot be iterated for that.
  Object.defineProperty(view, fc.toStringMethod, { value: () => `detached(${size})` });
  return view;
}

// A closed descriptor number (nothing else may reuse it while the property runs: it is taken from
// the top of a range we keep open).
const closedFd = (() => {
  const fd = openSync('/dev/null', 'r');
  closeSync(fd);
  return fd;
})();

const specials: Record<string, () => unknown> = {
  detachedBuffer: () => detached(64),
  detachedEmpty: () => detached(0),
  tinyBuffer: () => Buffer.alloc(1),
  emptyBuffer: () => Buffer.alloc(0),
  dataView: () => new DataView(new ArrayBuffer(16)),
  float64: () => new Float64Array(3),
  sharedBuffer: () => new Uint8Array(new SharedArrayBuffer(32)),
  bigStats: () => new BigInt64Array(18),
  shortStats: () => new BigInt64Array(3),
  negative: () => -1,
  minusTwo: () => -2,
  hugeNumber: () => 2 ** 53,
  int32Max: () => 2 ** 31 - 1,
  int32Over: () => 2 ** 31,
  uint32Max: () => 2 ** 32 - 1,
  hugeBigInt: () => 2n ** 63n,
  maxBigInt: () => 2n ** 63n - 1n,
  negativeBigInt: () => -5n,
  nan: () => NaN,
  infinity: () => Infinity,
  fraction: () => 1.5,
  closedFd: () => closedFd,
  nullByte: () => 'a\0b',
  url: () => new URL('file:///dev/null'),
  httpUrl: () => new URL('http://example.com/x'),
  sparseArray: () => [Buffer.alloc(4), , Buffer.alloc(2)], // eslint-disable-line no-sparse-arrays
};

const value = fc.oneof(
  { weight: 3, arbitrary: fc.anything({ maxDepth: 1 }) },
  { weight: 4, arbitrary: fc.constantFrom(...Object.keys(specials)).map((name) => specials[name]!()) },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 1 << 20 }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }) },
);
const maybe = (arbitrary: fc.Arbitrary<unknown>) => fc.option(arbitrary, { nil: undefined });
const request = fc.record(
  { buffer: value, buffers: fc.oneof(value, fc.array(value, { maxLength: 4 })), position: value, offset: value, length: value, stats: value, fdOut: value, positionOut: value, mode: value, path: value, flags: value, followSymlinks: value },
  { requiredKeys: [] },
);
const ioMethods = ['read', 'write', 'readv', 'writev', 'fsync', 'fdatasync', 'fstat', 'ftruncate', 'fallocate', 'copyFileRange', 'startWriteback'] as const;

function expectTypedError(error: unknown): void {
  thrown++;
  expect(error).toBeInstanceOf(Error);
  const code = (error as { code?: unknown }).code;
  expect(typeof code === 'string' && /^(ERR_[A-Z0-9_]+|E[A-Z0-9]+)$/.test(code), `code ${String(code)}: ${(error as Error).message}`).toBe(true);
}

function expectKnownResult(result: number): void {
  const key = result < 0 ? getSystemErrorName(result) : 'ok';
  completed[key] = (completed[key] ?? 0) + 1;
  expect(Number.isInteger(result)).toBe(true);
  if (result < 0) expect(() => getSystemErrorName(result)).not.toThrow();
}

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir('tpio-rel-badinput-');
  const readable = dir.file('data.bin', Buffer.alloc(64 * 1024, 1));
  writeFileSync(join(dir.path, 'scratch.bin'), '');

  it(`random arguments to Port, Io and the port-level calls never crash (${runs} runs)`, async () => {
    const port: Port = createPort({ backend });
    const readFd = openSync(readable, 'r');
    // Writable, but in a file whose size we do not care about (sparse at worst): huge positions are allowed.
    const writeFd = openSync(join(dir.path, 'scratch.bin'), 'r+');
    const results: number[] = [];
    const callback = (_context: unknown, _request: unknown, result: number) => results.push(result);
    const io = port.createIo(readFd, callback);
    const ioWrite = port.createIo(writeFd, callback);
    port.bindIoCompletionCallback(readFd, (errorCode: number) => results.push(errorCode));

    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ call: fc.integer({ min: 0, max: 7 }), method: fc.constantFrom(...ioMethods), request: fc.oneof(request, value), args: fc.array(value, { maxLength: 3 }), useWriteFd: fc.boolean() }),
          { minLength: 1, maxLength: 12 },
        ),
        async (calls) => {
          for (const { call, method, request: req, args, useWriteFd } of calls) {
            totalCalls++;
            if (process.env.BI_DEBUG) process.stderr.write(`call ${totalCalls} ${call} ${method} ${useWriteFd} ${(() => { try { return JSON.stringify(req, (k, v) => typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? `view${v.byteLength}` : v); } catch { return '?'; } })()} inFlight=${port.inFlight}\n`);
            try {
              switch (call) {
                case 0:
                case 1:
                case 2: {
                  // fallocate with a random huge length could really fill the disk: read-only fd only.
                  const target = useWriteFd && method !== 'fallocate' ? ioWrite : io;
                  target.start();
                  try {
                    (target as any)[method](req);
                  } catch (error) {
                    target.cancel();
                    throw error;
                  }
                  break;
                }
                case 3:
                  (port as any).open(req, (result: number) => {
                    results.push(result);
                    if (result >= 0) closeSync(result);
                  });
                  break;
                case 4:
                  (port as any).stat(req, (result: number) => results.push(result));
                  break;
                case 5:
                  (port as any).read(args[0] ?? readFd, req);
                  break;
                case 6:
                  (port as any).createIo(args[0], args[1], args[2]);
                  break;
                case 7:
                  await createPort(args[0] as any).close();
                  break;
              }
            } catch (error) {
              expectTypedError(error);
            }
          }
          if (process.env.BI_DEBUG) process.stderr.write(`wait io pending=${io.pending} ioWrite=${ioWrite.pending} inFlight=${port.inFlight}\n`);
          await io.waitForCallbacks();
          await ioWrite.waitForCallbacks();
          if (process.env.BI_DEBUG) process.stderr.write(`waited\n`);
          // A slot that never completes would hang close(): fail loudly instead.
          const deadline = Date.now() + 10_000;
          while (port.inFlight > 0) {
            if (Date.now() > deadline) throw new Error(`port.inFlight stuck at ${port.inFlight}`);
            await new Promise((resolve) => setImmediate(resolve));
          }
          for (const result of results.splice(0)) expectKnownResult(result);
        },
      ),
      { numRuns: runs, seed: Number(process.env.TPIO_REL_PROPERTY_SEED ?? 20261121) },
    );

    await port.close();
    // A closed port: every call is a typed error.
    for (const method of ioMethods) {
      totalCalls++;
      expect(() => io.start()).not.toThrow();
      try {
        (io as any)[method]({ buffer: Buffer.alloc(4), position: 0 });
        throw new Error(`${method} on a closed port was accepted`);
      } catch (error) {
        io.cancel();
        expectTypedError(error);
        expect((error as { code: string }).code).toBe('ERR_INVALID_STATE');
      }
    }
    closeSync(readFd);
    closeSync(writeFd);
  }, 240_000);

  it('a request that fails while being recorded does not leak its slot (fallocate mode 1n)', async () => {
    const port = createPort({ backend });
    const fd = openSync(readable, 'r');
    const io = port.createIo(fd, () => {});
    io.start();
    expect(() => io.fallocate({ position: 0, length: 1, mode: 1n as unknown as number })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    io.cancel();
    expect(port.inFlight).toBe(0);
    await port.close();
    closeSync(fd); // Windows cannot remove the temporary directory while a file in it is open
  });
});

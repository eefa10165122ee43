// Files the port opens itself (port.open). On Windows these are the handles win-tp can drive
// natively: opened with FILE_FLAG_OVERLAPPED, bound to the thread pool with CreateThreadpoolIo (or
// BindIoCompletionCallback for bound descriptors), completing on pool threads. Descriptors from
// node:fs are synchronous handles that win-tp declines to the threads engine; both kinds are mixed
// here. Every case runs on every engine of the host (uring/threads on Linux, win-tp/threads on
// Windows), so the Windows engine is held to the same results as the others.

import { describe, expect, it, onTestFinished } from 'vitest';
import { constants, openSync, closeSync, fstatSync, readFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, probe, usableBackends, statFields, type Port } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';
import { usePorts } from './helpers.js';

interface Completion {
  request: any;
  result: number;
  bytes: number;
}

function openWith(port: Port, path: string, flags: number, mode = 0o666): Promise<number> {
  return new Promise((resolve) => port.open({ path, flags, mode }, (result) => resolve(result)));
}

/** An Io whose completions resolve one promise per request; counts callbacks per request. */
function ioFor(port: Port, fd: number) {
  const waiting = new Map<object, (completion: Completion) => void>();
  const calls = new Map<object, number>();
  const io = port.createIo(fd, (_context, request: any, result, bytes) => {
    calls.set(request, (calls.get(request) ?? 0) + 1);
    const resolve = waiting.get(request);
    waiting.delete(request);
    resolve?.({ request, result, bytes });
  }, 'overlapped');
  const issue = (method: string, request: any): Promise<Completion> =>
    new Promise((resolve) => {
      waiting.set(request, resolve);
      io.start();
      (io as any)[method](request);
    });
  return { io, issue, calls };
}

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir('tpio-overlapped-');
  const size = 1024 * 1024 + 123;
  const { path, data } = dir.randomFile('data.bin', size);
  const newPort = usePorts(backend);

  it('opens with the port and reads 256 random ranges concurrently', async () => {
    const port = newPort();
    const fd = await openWith(port, path, constants.O_RDONLY);
    expect(fd).toBeGreaterThanOrEqual(0);
    const { issue } = ioFor(port, fd);
    const reads = Array.from({ length: 256 }, () => {
      const position = randomInt(0, size);
      const length = randomInt(1, 64 * 1024);
      return issue('read', { buffer: Buffer.alloc(length), position });
    });
    for (const { request, result, bytes } of await Promise.all(reads)) {
      expect(result).toBe(0);
      const expected = data.subarray(request.position, request.position + request.buffer.length);
      expect(bytes).toBe(expected.length);
      expect(request.buffer.subarray(0, bytes).equals(expected)).toBe(true);
    }
    await issue('closeHandle', {});
  });

  it('writes 256 blocks concurrently at their positions, then reads them back', async () => {
    const port = newPort();
    const target = join(dir.path, `written-${backend}.bin`);
    const fd = await openWith(port, target, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC);
    expect(fd).toBeGreaterThanOrEqual(0);
    const { issue } = ioFor(port, fd);
    const block = 4096;
    const expected = randomBytes(256 * block);
    const order = Array.from({ length: 256 }, (_, i) => i).sort(() => Math.random() - 0.5);
    const writes = await Promise.all(
      order.map((i) => issue('write', { buffer: expected.subarray(i * block, (i + 1) * block), position: i * block })),
    );
    for (const { result, bytes } of writes) {
      expect(result).toBe(0);
      expect(bytes).toBe(block);
    }
    expect((await issue('fsync', {})).result).toBe(0);
    expect((await issue('fdatasync', {})).result).toBe(0);
    const back = Buffer.alloc(expected.length);
    const read = await issue('read', { buffer: back, position: 0 });
    expect(read.bytes).toBe(expected.length);
    expect(back.equals(expected)).toBe(true);
    await issue('closeHandle', {});
    expect(readFileSync(target).equals(expected)).toBe(true);
  });

  it('reports end of file as success with 0 bytes, and a short read at the end', async () => {
    const port = newPort();
    const fd = await openWith(port, path, constants.O_RDONLY);
    const { issue } = ioFor(port, fd);
    const past = await issue('read', { buffer: Buffer.alloc(100), position: size + 1000 });
    expect(past.result).toBe(0);
    expect(past.bytes).toBe(0);
    const at = await issue('read', { buffer: Buffer.alloc(100), position: size });
    expect([at.result, at.bytes]).toEqual([0, 0]);
    const tail = await issue('read', { buffer: Buffer.alloc(100), position: size - 10 });
    expect([tail.result, tail.bytes]).toEqual([0, 10]);
    expect(tail.request.buffer.subarray(0, 10).equals(data.subarray(size - 10))).toBe(true);
    await issue('closeHandle', {});
  });

  it('reports open failures with node error numbers', async () => {
    const port = newPort();
    expect(await openWith(port, join(dir.path, 'missing', 'file'), constants.O_RDONLY)).toBe(errnoOf('ENOENT'));
    expect(await openWith(port, path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL)).toBe(errnoOf('EEXIST'));
  });

  it('fails a write on a read-only descriptor and a read on a write-only one with EBADF', async () => {
    const port = newPort();
    const readOnly = await openWith(port, path, constants.O_RDONLY);
    const writeOnly = await openWith(port, join(dir.path, `wo-${backend}.bin`), constants.O_WRONLY | constants.O_CREAT);
    const ro = ioFor(port, readOnly);
    const wo = ioFor(port, writeOnly);
    const write = await ro.issue('write', { buffer: Buffer.from('nope'), position: 0 });
    expect([write.result, write.bytes]).toEqual([errnoOf('EBADF'), 0]);
    const read = await wo.issue('read', { buffer: Buffer.alloc(4), position: 0 });
    expect([read.result, read.bytes]).toEqual([errnoOf('EBADF'), 0]);
    await ro.issue('closeHandle', {});
    await wo.issue('closeHandle', {});
  });

  it('appends with O_APPEND whatever the position', async () => {
    const port = newPort();
    const target = dir.file(`append-${backend}.txt`, 'start:');
    const fd = await openWith(port, target, constants.O_WRONLY | constants.O_APPEND);
    const { issue } = ioFor(port, fd);
    expect((await issue('write', { buffer: Buffer.from('one,'), position: 0 })).bytes).toBe(4);
    expect((await issue('write', { buffer: Buffer.from('two'), position: 2 })).bytes).toBe(3);
    await issue('closeHandle', {});
    expect(readFileSync(target, 'utf8')).toBe('start:one,two');
  });

  it('runs readv, writev, fstat and ftruncate on a port-opened descriptor', async () => {
    const port = newPort();
    const target = join(dir.path, `vector-${backend}.bin`);
    const fd = await openWith(port, target, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC);
    const { issue } = ioFor(port, fd);
    const parts = [randomBytes(1000), randomBytes(5000), randomBytes(3)];
    const written = await issue('writev', { buffers: parts, position: 10 });
    expect([written.result, written.bytes]).toEqual([0, 6003]);
    const into = [Buffer.alloc(6), Buffer.alloc(4000), Buffer.alloc(4000)];
    const read = await issue('readv', { buffers: into, position: 4 });
    expect([read.result, read.bytes]).toEqual([0, 6009]);
    const joined = Buffer.concat(into).subarray(0, 6009);
    expect(joined.subarray(6).equals(Buffer.concat(parts))).toBe(true);
    expect(joined.subarray(0, 6).equals(Buffer.alloc(6))).toBe(true);
    const stats = new BigInt64Array(statFields);
    expect((await issue('fstat', { stats })).result).toBe(0);
    expect(stats[8]).toBe(6013n); // size
    expect((await issue('ftruncate', { length: 100 })).result).toBe(0);
    expect((await issue('fstat', { stats })).result).toBe(0);
    expect(stats[8]).toBe(100n);
    await issue('closeHandle', {});
  });

  it('stat and fstat agree with node:fs on a port-opened file', async () => {
    const port = newPort();
    const expected = statSync(path, { bigint: true });
    const byPath = new BigInt64Array(statFields);
    expect(await new Promise((resolve) => port.stat({ path, stats: byPath }, resolve))).toBe(0);
    const fd = await openWith(port, path, constants.O_RDONLY);
    const { issue } = ioFor(port, fd);
    const byFd = new BigInt64Array(statFields);
    expect((await issue('fstat', { stats: byFd })).result).toBe(0);
    for (const stats of [byPath, byFd]) {
      expect(stats[0]).toBe(expected.dev);
      expect(stats[1]).toBe(expected.mode);
      expect(stats[2]).toBe(expected.nlink);
      expect(stats[7]).toBe(expected.ino);
      expect(stats[8]).toBe(expected.size);
      expect(stats[9]).toBe(expected.blocks);
      expect(stats[12] * 1_000_000_000n + stats[13]).toBe(expected.mtimeNs);
    }
    const missing = new BigInt64Array(statFields);
    expect(await new Promise((resolve) => port.stat({ path: join(dir.path, 'nope'), stats: missing }, resolve))).toBe(errnoOf('ENOENT'));
    await issue('closeHandle', {});
  });

  it('serves bindIoCompletionCallback descriptors (BindIoCompletionCallback on Windows)', async () => {
    const port = newPort();
    const fd = await openWith(port, path, constants.O_RDONLY);
    const results: [number, number, any][] = [];
    const all = new Promise<void>((resolve) => {
      port.bindIoCompletionCallback(fd, (errorCode, bytes, request) => {
        results.push([errorCode, bytes, request]);
        if (results.length === 64) resolve();
      });
    });
    for (let i = 0; i < 63; i++) port.read(fd, { buffer: Buffer.alloc(512), position: i * 1000 });
    port.read(fd, { buffer: Buffer.alloc(512), position: size + 1 }); // end of file
    await all;
    for (const [errorCode, bytes, request] of results) {
      expect(errorCode).toBe(0);
      if (request.position > size) expect(bytes).toBe(0);
      else {
        expect(bytes).toBe(512);
        expect(request.buffer.equals(data.subarray(request.position, request.position + 512))).toBe(true);
      }
    }
    port.unbindIoCompletionCallback(fd);
    await ioFor(port, fd).issue('closeHandle', {});
  });

  it('mixes node:fs descriptors (declined to threads on win-tp) with its own on one port', async () => {
    const port = newPort();
    const foreign = openSync(path, 'r');
    const own = await openWith(port, path, constants.O_RDONLY);
    const a = ioFor(port, foreign);
    const b = ioFor(port, own);
    const [x, y] = await Promise.all([
      a.issue('read', { buffer: Buffer.alloc(777), position: 4242 }),
      b.issue('read', { buffer: Buffer.alloc(777), position: 4242 }),
    ]);
    expect(x.request.buffer.equals(data.subarray(4242, 4242 + 777))).toBe(true);
    expect(y.request.buffer.equals(x.request.buffer)).toBe(true);
    // The file position of a node:fs descriptor is untouched by positional reads.
    const next = Buffer.alloc(8);
    const current = await a.issue('read', { buffer: next, position: -1 });
    expect(current.bytes).toBe(8);
    expect(next.equals(data.subarray(0, 8))).toBe(true);
    closeSync(foreign);
    await b.issue('closeHandle', {});
  });

  it('reads at the current position on a port-opened descriptor', async () => {
    const port = newPort();
    const fd = await openWith(port, path, constants.O_RDONLY);
    const { issue } = ioFor(port, fd);
    const first = await issue('read', { buffer: Buffer.alloc(10), position: -1 });
    const second = await issue('read', { buffer: Buffer.alloc(10), position: -1 });
    expect(first.request.buffer.equals(data.subarray(0, 10))).toBe(true);
    expect(second.request.buffer.equals(data.subarray(10, 20))).toBe(true);
    await issue('closeHandle', {});
  });

  it('cancels in-flight reads: every request calls back exactly once', async () => {
    const port = newPort();
    const fd = await openWith(port, path, constants.O_RDONLY);
    const { io, issue, calls } = ioFor(port, fd);
    const pending = Array.from({ length: 128 }, (_, i) => issue('read', { buffer: Buffer.alloc(8192), position: (i * 8192) % size }));
    io.cancelIoEx();
    const done = await Promise.all(pending);
    for (const { request, result, bytes } of done) {
      expect(calls.get(request)).toBe(1);
      expect([0, errnoOf('ECANCELED')]).toContain(result);
      if (result === 0) expect(request.buffer.subarray(0, bytes).equals(data.subarray(request.position, request.position + bytes))).toBe(true);
    }
    await issue('closeHandle', {});
  });

  it('fails I/O on a descriptor closed through the port with EBADF', async () => {
    const port = newPort();
    const fd = await openWith(port, path, constants.O_RDONLY);
    const { issue } = ioFor(port, fd);
    expect((await issue('closeHandle', {})).result).toBe(0);
    const read = await issue('read', { buffer: Buffer.alloc(4), position: 0 });
    expect(read.result).toBe(errnoOf('EBADF'));
  });

  it('reports EISDIR for a read on a directory', async () => {
    const port = newPort();
    const folder = join(dir.path, `folder-${backend}`);
    mkdirSync(folder);
    const fd = await openWith(port, folder, constants.O_RDONLY);
    expect(fd).toBeGreaterThanOrEqual(0);
    const { issue } = ioFor(port, fd);
    const read = await issue('read', { buffer: Buffer.alloc(4), position: 0 });
    expect(read.result).toBe(errnoOf('EISDIR'));
    await issue('closeHandle', {});
  });

  it('survives workers terminated with 256 reads in flight on port-opened files (repeated)', async () => {
    const workerUrl = new URL('./fixtures/worker-overlapped.mjs', import.meta.url);
    // The workers' descriptors stay open until the process exits (terminate() is the point): on
    // Windows an open file cannot leave its directory, so they get a folder of their own that is
    // removed on a best-effort basis.
    const own = mkdtempSync(join(tmpdir(), 'tpio-workers-'));
    const workerPath = join(own, 'data.bin');
    writeFileSync(workerPath, data);
    onTestFinished(() => {
      try {
        rmSync(own, { recursive: true, force: true });
      } catch {
        // still open on Windows
      }
    });
    for (let round = 0; round < 5; round++) {
      const worker = new Worker(workerUrl, { workerData: { backend, path: workerPath, size } });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
      await worker.terminate();
    }
    // This thread's engine still works afterwards.
    const port = newPort();
    const fd = await openWith(port, path, constants.O_RDONLY);
    const { issue } = ioFor(port, fd);
    const read = await issue('read', { buffer: Buffer.alloc(64), position: 64 });
    expect(read.request.buffer.equals(data.subarray(64, 128))).toBe(true);
    await issue('closeHandle', {});
  });

  it('disown(fd): the descriptor outlives the worker whose port opened it; the others are closed', async () => {
    const worker = new Worker(new URL('./fixtures/worker-disown.mjs', import.meta.url), { workerData: { backend, path } });
    const fds = await new Promise<{ kept: number; dropped: number; first: boolean; again: boolean }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    expect(fds).toMatchObject({ first: true, again: false });
    expect(fds.kept).toBeGreaterThanOrEqual(0);
    await worker.terminate();
    expect(fstatSync(fds.kept).size).toBe(size);
    expect(() => fstatSync(fds.dropped)).toThrow(/EBADF/);
    // Now this thread's to close (through a port, which on Windows also unbinds it from the pool).
    expect((await ioFor(newPort(), fds.kept).issue('closeHandle', {})).result).toBe(0);
  });

  it('disown() checks its argument and answers false for descriptors the port does not own', async () => {
    const port = newPort();
    const foreign = openSync(path, 'r');
    try {
      expect(port.disown(foreign)).toBe(false);
      expect(() => port.disown('3' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => port.disown(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      const own = await openWith(port, path, constants.O_RDONLY);
      await port.close();
      expect(port.disown(own)).toBe(false); // a closed port owns nothing any more
      closeSync(own);
    } finally {
      closeSync(foreign);
    }
  });

  it('still completes on a new file after a port-opened descriptor was closed with node:fs', async () => {
    const port = newPort();
    for (let round = 0; round < 8; round++) {
      // Handle values are reused at once on Windows: the new file must get a fresh pool binding.
      const fd = await openWith(port, path, constants.O_RDONLY);
      const { issue } = ioFor(port, fd);
      const read = await issue('read', { buffer: Buffer.alloc(32), position: round * 32 });
      expect(read.request.buffer.equals(data.subarray(round * 32, round * 32 + 32))).toBe(true);
      closeSync(fd);
    }
  });

  it('still completes on a node:fs file that reuses the handle of a port-opened one closed with node:fs', async () => {
    const port = newPort();
    for (let round = 0; round < 8; round++) {
      const own = await openWith(port, path, constants.O_RDONLY);
      expect((await ioFor(port, own).issue('read', { buffer: Buffer.alloc(16), position: 0 })).bytes).toBe(16);
      closeSync(own);
      // A synchronous handle now likely has the old handle's value: it must not be treated as bound.
      const foreign = openSync(path, 'r');
      const read = await ioFor(port, foreign).issue('read', { buffer: Buffer.alloc(16), position: 16 * round });
      expect(read.request.buffer.equals(data.subarray(16 * round, 16 * round + 16))).toBe(true);
      closeSync(foreign);
    }
  });

  it('closes the port with reads in flight: all of them call back, then close resolves', async () => {
    const port = createPort({ backend });
    const fd = await openWith(port, path, constants.O_RDONLY);
    const { issue, calls } = ioFor(port, fd);
    const pending = Array.from({ length: 64 }, (_, i) => issue('read', { buffer: Buffer.alloc(65536), position: i * 1000 }));
    await port.close();
    const done = await Promise.all(pending);
    for (const { request } of done) expect(calls.get(request)).toBe(1);
    // The descriptor is still open: close it through another port (which also unbinds it from the pool).
    const other = newPort();
    expect((await ioFor(other, fd).issue('closeHandle', {})).result).toBe(0);
  });
});

describe('win-tp specifics', () => {
  it.runIf(process.platform === 'win32')('is compiled in and picked by auto on Windows', () => {
    expect(usableBackends()).toContain('win-tp');
    const port = createPort({ backend: 'win-tp' });
    expect(port.backend).toBe('win-tp');
    void port.close();
  });

  it.runIf(process.platform === 'win32')('really drives port-opened files through the thread pool, and only those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpio-counters-'));
    const path = join(dir, 'data.bin');
    const data = randomBytes(256 * 1024);
    writeFileSync(path, data);
    const port = createPort({ backend: 'win-tp' });
    const counters = () => probe().winTp!;
    const before = counters();
    const fd = await openWith(port, path, constants.O_RDWR);
    const own = ioFor(port, fd);
    await Promise.all(Array.from({ length: 64 }, (_, i) => own.issue('read', { buffer: Buffer.alloc(4096), position: i * 4096 })));
    await own.issue('write', { buffer: Buffer.from('tpio'), position: 0 });
    await own.issue('fsync', {});
    const afterOwn = counters();
    expect(afterOwn.threadpoolIo - before.threadpoolIo).toBe(65); // 64 reads + 1 write, each with StartThreadpoolIo
    expect(afterOwn.work - before.work).toBe(2); // open + fsync
    expect(afterOwn.declined - before.declined).toBe(0);

    const foreign = openSync(path, 'r');
    const other = ioFor(port, foreign);
    await Promise.all(Array.from({ length: 16 }, (_, i) => other.issue('read', { buffer: Buffer.alloc(4096), position: i * 4096 })));
    const afterForeign = counters();
    expect(afterForeign.threadpoolIo - afterOwn.threadpoolIo).toBe(0);
    expect(afterForeign.declined - afterOwn.declined).toBe(16); // synchronous handles go to the threads engine
    closeSync(foreign);

    const boundFd = await openWith(port, path, constants.O_RDONLY);
    let calls = 0;
    await new Promise<void>((resolve) => {
      port.bindIoCompletionCallback(boundFd, () => {
        if (++calls === 8) resolve();
      });
      for (let i = 0; i < 8; i++) port.read(boundFd, { buffer: Buffer.alloc(512), position: i * 512 });
    });
    expect(counters().bound - afterForeign.bound).toBe(8); // BindIoCompletionCallback path
    port.unbindIoCompletionCallback(boundFd);
    await ioFor(port, boundFd).issue('closeHandle', {});
    await own.issue('closeHandle', {});
    await port.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.runIf(process.platform !== 'win32')('reports no win-tp counters where the engine is not compiled in', () => {
    expect(probe().winTp).toBeNull();
  });

  it.runIf(process.platform !== 'win32')('is refused loudly where it does not exist', () => {
    expect(() => createPort({ backend: 'win-tp' })).toThrow();
  });

});

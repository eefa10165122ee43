// Every op kind through each engine: the io_uring opcodes (read, write, readv, writev, fsync,
// fdatasync, openat, close, statx, ftruncate, fallocate), the current-position reads (offset -1 on
// the ring) and the ops io_uring declines (copy_file_range), which must reach the threads engine.

import { execFileSync } from 'node:child_process';
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, statFields, usableBackends, type Io, type Port } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';

interface Done {
  result: number;
  bytes: number;
}

// One op through `io`, as a promise: the callback-style API wrapped for the tests.
function once(port: Port, fd: number, issue: (io: Io<unknown, any>, request: any) => void, request: any = {}): Promise<Done> {
  return new Promise((resolve) => {
    const io = port.createIo(fd, (_context, _request, result, bytes) => resolve({ result, bytes }));
    io.start();
    issue(io, request);
  });
}

function portOpen(port: Port, path: string, flags: number, mode = 0o644): Promise<number> {
  return new Promise((resolve) => port.open({ path, flags, mode }, (result) => resolve(result)));
}

function portStat(port: Port, path: string, followSymlinks = true): Promise<{ result: number; stats: BigInt64Array }> {
  const stats = new BigInt64Array(statFields);
  return new Promise((resolve) => port.stat({ path, stats, followSymlinks }, (result) => resolve({ result, stats })));
}

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir('tpio-uring-ops-');

  async function withPort<T>(body: (port: Port) => Promise<T>): Promise<T> {
    const port = createPort({ backend });
    try {
      expect(port.backend).toBe(backend);
      return await body(port);
    } finally {
      await port.close();
    }
  }

  it('reads at positions and at the current position (-1), in order', () =>
    withPort(async (port) => {
      const { path, data } = dir.randomFile('cur.bin', 10_000);
      const fd = openSync(path, 'r');
      try {
        const buffer = Buffer.alloc(4096);
        let done = await once(port, fd, (io, r) => io.read(r), { buffer, position: 100 });
        expect(done).toEqual({ result: 0, bytes: 4096 });
        expect(buffer.equals(data.subarray(100, 4196))).toBe(true);
        // Position -1 twice: the file position advances like read(2).
        const first = Buffer.alloc(3000);
        const second = Buffer.alloc(3000);
        done = await once(port, fd, (io, r) => io.read(r), { buffer: first, position: -1 });
        expect(done.bytes).toBe(3000);
        done = await once(port, fd, (io, r) => io.read(r), { buffer: second, position: null });
        expect(done.bytes).toBe(3000);
        expect(first.equals(data.subarray(0, 3000))).toBe(true);
        expect(second.equals(data.subarray(3000, 6000))).toBe(true);
        // End of file: success with 0 bytes.
        done = await once(port, fd, (io, r) => io.read(r), { buffer, position: 20_000 });
        expect(done).toEqual({ result: 0, bytes: 0 });
      } finally {
        closeSync(fd);
      }
    }));

  it('writes, writev at -1, readv, fsync, fdatasync, ftruncate, fallocate', () =>
    withPort(async (port) => {
      const path = dir.file('rw.bin', '');
      const fd = openSync(path, 'r+');
      try {
        let done = await once(port, fd, (io, r) => io.write(r), { buffer: Buffer.from('hello '), position: -1 });
        expect(done.bytes).toBe(6);
        done = await once(port, fd, (io, r) => io.writev(r), { buffers: [Buffer.from('wor'), Buffer.from('ld')], position: -1 });
        expect(done.bytes).toBe(5);
        expect(readFileSync(path, 'utf8')).toBe('hello world');
        const a = Buffer.alloc(5);
        const b = Buffer.alloc(6);
        done = await once(port, fd, (io, r) => io.readv(r), { buffers: [a, b], position: 0 });
        expect(done.bytes).toBe(11);
        expect(a.toString() + b.toString()).toBe('hello world');
        expect((await once(port, fd, (io, r) => io.fsync(r))).result).toBe(0);
        expect((await once(port, fd, (io, r) => io.fdatasync(r))).result).toBe(0);
        expect((await once(port, fd, (io, r) => io.ftruncate(r), { length: 5 })).result).toBe(0);
        expect(readFileSync(path, 'utf8')).toBe('hello');
        expect((await once(port, fd, (io, r) => io.fallocate(r), { position: 0, length: 65536 })).result).toBe(0);
        expect(fstatSync(fd).size).toBe(65536);
      } finally {
        closeSync(fd);
      }
    }));

  it('opens, fstats, stats, lstats and closes', () =>
    withPort(async (port) => {
      const { path } = dir.randomFile('stat.bin', 12345);
      const link = `${dir.path}/stat.link`;
      // Wine 8's CreateSymbolicLinkW reports success but makes nothing: the link part is POSIX/real-Windows only.
      const withLink = process.platform !== 'win32';
      if (withLink) symlinkSync(path, link);
      const fd = await portOpen(port, path, constants.O_RDONLY);
      expect(fd).toBeGreaterThanOrEqual(0);
      const stats = new BigInt64Array(statFields);
      expect((await once(port, fd, (io, r) => io.fstat(r), { stats })).result).toBe(0);
      const expected = statSync(path, { bigint: true });
      expect(stats[8]).toBe(12345n); // size
      expect(stats[7]).toBe(expected.ino);
      expect(stats[0]).toBe(expected.dev);
      expect(stats[1]).toBe(expected.mode);
      expect(stats[12]).toBe(expected.mtimeMs / 1000n); // mtime seconds
      const viaPath = await portStat(port, withLink ? link : path);
      expect(viaPath.result).toBe(0);
      expect(viaPath.stats[7]).toBe(expected.ino);
      const viaLink = await portStat(port, withLink ? link : path, false);
      expect(viaLink.result).toBe(0);
      expect(viaLink.stats[7]).toBe(lstatSync(withLink ? link : path, { bigint: true }).ino);
      expect((await portStat(port, `${dir.path}/missing`)).result).toBe(errnoOf('ENOENT'));
      expect(await portOpen(port, `${dir.path}/missing`, constants.O_RDONLY)).toBe(errnoOf('ENOENT'));
      expect((await once(port, fd, (io, r) => io.closeHandle(r))).result).toBe(0);
      expect(() => fstatSync(fd)).toThrow(/EBADF/);
    }));

  it('copy_file_range (no io_uring opcode) goes through the threads engine', () =>
    withPort(async (port) => {
      const { path, data } = dir.randomFile('copy-src.bin', 100_000);
      const target = dir.file('copy-dst.bin', '');
      const source = openSync(path, 'r');
      const dest = openSync(target, 'w');
      try {
        const done = await once(port, source, (io, r) => io.copyFileRange(r), { fdOut: dest, position: 0, positionOut: 0, length: 100_000 });
        expect(done).toEqual({ result: 0, bytes: 100_000 });
        expect(readFileSync(target).equals(data)).toBe(true);
      } finally {
        closeSync(source);
        closeSync(dest);
      }
    }));

  it('reports errors as negative errno (EBADF on a closed descriptor)', () =>
    withPort(async (port) => {
      const fd = openSync(dir.file('bad.bin', 'x'), 'r');
      closeSync(fd);
      const done = await once(port, fd, (io, r) => io.read(r), { buffer: Buffer.alloc(8), position: 0 });
      expect(done).toEqual({ result: errnoOf('EBADF'), bytes: 0 });
    }));

  it('keeps 512 random reads in flight on a small port (entries 64) and gets every byte right', () =>
    withPort(async () => {
      const port = createPort({ backend, entries: 64 });
      const { path, data } = dir.randomFile('many.bin', 1 << 20);
      const fd = openSync(path, 'r');
      try {
        const reads: Promise<void>[] = [];
        for (let i = 0; i < 512; i++) {
          const position = ((i * 7919) % 256) * 4096;
          const buffer = Buffer.alloc(4096);
          reads.push(
            once(port, fd, (io, r) => io.read(r), { buffer, position }).then((done) => {
              expect(done.bytes).toBe(4096);
              expect(buffer.equals(data.subarray(position, position + 4096))).toBe(true);
            }),
          );
        }
        await Promise.all(reads);
      } finally {
        closeSync(fd);
        await port.close();
      }
    }));
});

describe('io_uring specifics', () => {
  const uring = usableBackends().includes('uring') && (process.env.TPIO_BACKEND ?? 'auto') !== 'threads';
  it.skipIf(!uring)('auto picks uring here, without a fallback reason (skipped: io_uring not usable or TPIO_BACKEND=threads)', async () => {
    const port = createPort({ backend: 'auto' });
    expect(port.backend).toBe('uring');
    expect(port.fallbackReason).toBeNull();
    await port.close();
  });

  describe('where writes run', () => {
    const dir = useTempDir('tpio-uring-writes-');

    /** One write through `port`; its completion and how many ops the port handed to the threads engine meanwhile. */
    async function writeCounted(port: Port, fd: number, buffer: Buffer) {
      const before = port.delegatedOps;
      const done = await once(port, fd, (io, r) => io.write(r), { buffer, position: 0 });
      return { done, delegated: port.delegatedOps - before };
    }

    it.skipIf(!uring)('a buffered write to a file runs on the threads engine, small or large, and lands', async () => {
      // The ring would punt it to an io-wq worker (buffered_write.h); the threads engine is faster.
      const port = createPort({ backend: 'uring' });
      const target = dir.file('buffered.bin', '');
      const fd = openSync(target, 'w');
      try {
        for (const size of [100, 4096, 1 << 20]) {
          const buffer = Buffer.alloc(size, size & 0xff);
          const { done, delegated } = await writeCounted(port, fd, buffer);
          expect(done).toEqual({ result: 0, bytes: size });
          expect(delegated).toBe(1);
          expect(readFileSync(target).subarray(0, size).equals(buffer)).toBe(true);
        }
      } finally {
        closeSync(fd);
        await port.close();
      }
    });

    it.skipIf(!uring)('a write to a FIFO stays on the ring (no worker blocks on a pipe)', async () => {
      const port = createPort({ backend: 'uring' });
      const fifo = join(dir.path, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const fd = openSync(fifo, constants.O_RDWR); // both ends: Linux opens a FIFO read-write without waiting
      try {
        const { done, delegated } = await writeCounted(port, fd, Buffer.from('through the pipe'));
        expect(done).toEqual({ result: 0, bytes: 16 });
        expect(delegated).toBe(0);
        const back = Buffer.alloc(16);
        expect(readSync(fd, back, 0, 16, null)).toBe(16);
        expect(back.toString()).toBe('through the pipe');
      } finally {
        closeSync(fd);
        await port.close();
      }
    });

    it.skipIf(!uring)('an O_DIRECT write stays on the ring', async () => {
      const port = createPort({ backend: 'uring' });
      let fd: number;
      try {
        fd = openSync(dir.file('direct.bin'), constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT);
      } catch (error) {
        // A filesystem without O_DIRECT (tmpfs before Linux 6.6) cannot show this; the others can.
        expect((error as NodeJS.ErrnoException).code).toBe('EINVAL');
        await port.close();
        return;
      }
      try {
        // Whether the kernel accepts this buffer's address for direct I/O depends on where V8 put it
        // (EINVAL if not aligned enough); either way the ring, not a worker, reported it.
        const { done, delegated } = await writeCounted(port, fd, Buffer.alloc(4096, 1));
        expect([{ result: 0, bytes: 4096 }, { result: errnoOf('EINVAL'), bytes: 0 }]).toContainEqual(done);
        expect(delegated).toBe(0);
      } finally {
        closeSync(fd);
        await port.close();
      }
    });
  });
});

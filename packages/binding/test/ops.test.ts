// The file operations beyond read/write that the layers above build on: open, stat, fstat,
// ftruncate, fallocate, copy_file_range, fsync, close — compared with what node:fs reports.

import { afterAll, expect, it } from 'vitest';
import { closeSync, constants, fstatSync, openSync, readFileSync, statSync, lstatSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, statFields, usableBackends, type Port } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';
import { promiseIo } from './helpers.js';

function portCall<R extends object>(call: (request: R, callback: (result: number, request: R) => void) => void, request: R) {
  return new Promise<number>((resolve) => call(request, (result) => resolve(result)));
}

function expectSameStats(stats: BigInt64Array, expected: ReturnType<typeof statSync>) {
  const big = expected as any;
  expect(stats[1]).toBe(BigInt(big.mode));
  expect(stats[7]).toBe(BigInt(big.ino));
  expect(stats[8]).toBe(BigInt(big.size));
  expect(stats[0]).toBe(BigInt(big.dev));
  expect(stats[2]).toBe(BigInt(big.nlink));
  expect(Number(stats[12]) * 1000 + Number(stats[13]) / 1e6).toBeCloseTo(big.mtimeMs, 0);
}

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir();
  let port: Port;
  const getPort = () => (port ??= createPort({ backend }));
  afterAll(() => port?.close());

  it('open creates, reports the fd, and fails like open(2)', async () => {
    const target = `${dir.path}/opened.txt`;
    const fd = await portCall(getPort().open.bind(getPort()), { path: target, flags: constants.O_CREAT | constants.O_WRONLY, mode: 0o640 });
    expect(fd).toBeGreaterThan(2);
    expect(fstatSync(fd).isFile()).toBe(true);
    // Windows has no permission bits: a file created with an owner-write mode is 0o666 there.
    expect(statSync(target).mode & 0o777).toBe(process.platform === 'win32' ? 0o666 : 0o640 & ~process.umask());
    closeSync(fd);
    const missing = await portCall(getPort().open.bind(getPort()), { path: `${dir.path}/missing/x`, flags: constants.O_RDONLY });
    expect(missing).toBe(errnoOf('ENOENT'));
    const exclusive = await portCall(getPort().open.bind(getPort()), { path: target, flags: constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY });
    expect(exclusive).toBe(errnoOf('EEXIST'));
    const url = await portCall(getPort().open.bind(getPort()), { path: pathToFileURL(target), flags: constants.O_RDONLY });
    expect(url).toBeGreaterThan(2);
    closeSync(url);
  });

  it('stat, lstat and fstat match node', async () => {
    const target = dir.file('stat.txt', 'some bytes');
    let link = `${dir.path}/stat-link`;
    try {
      symlinkSync(target, link);
      lstatSync(link);
    } catch (error) {
      // Windows needs a privilege (or developer mode) for symlinks, and Wine 8 reports success
      // without making one: there, stat and lstat are compared on the file itself.
      if (process.platform !== 'win32') throw error;
      link = target;
    }
    const stats = new BigInt64Array(statFields);
    expect(await portCall(getPort().stat.bind(getPort()), { path: link, stats })).toBe(0);
    expectSameStats(stats, statSync(link));
    expect(await portCall(getPort().stat.bind(getPort()), { path: link, stats, followSymlinks: false })).toBe(0);
    expectSameStats(stats, lstatSync(link));
    expect(await portCall(getPort().stat.bind(getPort()), { path: `${dir.path}/nope`, stats })).toBe(errnoOf('ENOENT'));
    const fd = openSync(target, 'r');
    const { issue } = promiseIo(getPort(), fd);
    const fstats = new BigInt64Array(statFields);
    expect((await issue('fstat', { stats: fstats })).result).toBe(0);
    expectSameStats(fstats, fstatSync(fd));
    closeSync(fd);
  });

  it('ftruncate, fallocate, fsync, fdatasync', async () => {
    const target = dir.file('sized.bin', Buffer.alloc(100, 1));
    const fd = openSync(target, 'r+');
    const { issue } = promiseIo(getPort(), fd);
    expect((await issue('ftruncate', { length: 10 })).result).toBe(0);
    expect(fstatSync(fd).size).toBe(10);
    expect((await issue('ftruncate', { length: 5000n })).result).toBe(0);
    expect(fstatSync(fd).size).toBe(5000);
    const allocated = await issue('fallocate', { position: 0, length: 1 << 20 });
    expect([0, errnoOf('ENOTSUP')]).toContain(allocated.result);
    if (allocated.result === 0) expect(fstatSync(fd).size).toBe(1 << 20);
    expect((await issue('fsync', {})).result).toBe(0);
    expect((await issue('fdatasync', {})).result).toBe(0);
    closeSync(fd);
  });

  it('startWriteback completes with 0 on a written range or the whole file, keeps the bytes, and checks its fd', async () => {
    const data = randomBytes(3 << 20);
    const target = dir.file('writeback.bin', Buffer.alloc(0));
    const fd = openSync(target, 'r+');
    writeSync(fd, data, 0, data.length, 0); // dirty pages in the page cache
    const { issue } = promiseIo(getPort(), fd);
    const started = await Promise.all([
      issue('startWriteback', { position: 0, length: 1 << 20 }),
      issue('startWriteback', { position: 1n << 20n, length: 1n << 20n }),
      issue('startWriteback', {}), // 0, 0: the whole file
    ]);
    expect(started.map((completion) => [completion.result, completion.bytesTransferred])).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect((await issue('fdatasync', {})).result).toBe(0);
    expect(readFileSync(target).equals(data)).toBe(true);
    closeSync(fd);
    expect((await issue('startWriteback', {})).result).toBe(errnoOf('EBADF'));
    await expect(issue('startWriteback', { position: -1 })).rejects.toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    await expect(issue('startWriteback', { length: -5n })).rejects.toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('copy_file_range copies in the kernel and reports 0 at end of file', async () => {
    const { path: source, data } = dir.randomFile('copy-src.bin', 300_000);
    const dest = dir.file('copy-dest.bin', Buffer.alloc(0));
    const input = openSync(source, 'r');
    const output = openSync(dest, 'w');
    const { issue } = promiseIo(getPort(), input);
    let position = 0;
    for (;;) {
      const completion = await issue('copyFileRange', { fdOut: output, position, positionOut: position, length: 128 * 1024 });
      expect(completion.result).toBe(0);
      if (completion.bytesTransferred === 0) break;
      position += completion.bytesTransferred;
    }
    closeSync(input);
    closeSync(output);
    expect(readFileSync(dest).equals(data)).toBe(true);
  });

  it('closeHandle closes the descriptor; a second close reports EBADF', async () => {
    const fd = openSync(dir.file('close.txt', 'x'), 'r');
    const { issue } = promiseIo(getPort(), fd);
    expect((await issue('closeHandle', {})).result).toBe(0);
    expect(() => fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect((await issue('closeHandle', {})).result).toBe(errnoOf('EBADF'));
  });

  it('writes to an O_APPEND descriptor append', async () => {
    const target = dir.file('append.txt', 'start:');
    const fd = openSync(target, 'a');
    const { issue } = promiseIo(getPort(), fd);
    await issue('write', { buffer: Buffer.from('one,'), position: null });
    await issue('write', { buffer: Buffer.from('two'), position: null });
    closeSync(fd);
    expect(readFileSync(target, 'utf8')).toBe('start:one,two');
    writeFileSync(target, '');
  });
});

import fs from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { currentPort } from '@tpio/core';
import { tpioFs } from './index.js';
import { coalesce } from './write-stream.js';

describe('tpioFs', () => {
  const dir = useTempDir('tpio-stream-fsops-');
  const { path: file, data } = dir.randomFile('data.bin', 150_000);

  it("runs node's own streams on tpio", async () => {
    const out = join(dir.path, 'copy.bin');
    await pipeline(fs.createReadStream(file, { fs: tpioFs, start: 10 }), fs.createWriteStream(out, { fs: tpioFs, flush: true }));
    expect(fs.readFileSync(out).equals(data.subarray(10))).toBe(true);
  });

  it('reports open errors as node does', async () => {
    const missing = join(dir.path, 'missing');
    const error = await new Promise((resolve) => tpioFs.open(missing, 'r', 0o666, resolve));
    expect(error).toMatchObject({ code: 'ENOENT', message: `ENOENT: no such file or directory, open '${missing}'` });
  });

  it("hands out descriptors that are the caller's, as fs.open does: tpio never closes them by itself", async () => {
    const fd = await new Promise<number>((resolve, reject) => tpioFs.open(file, 'r', 0o666, (error, opened) => (error ? reject(error) : resolve(opened))));
    expect(currentPort().disown(fd)).toBe(false); // not the port's: a terminated worker leaves it open
    const bytes = await new Promise((resolve) => tpioFs.read(fd, Buffer.alloc(8), 0, 8, 0, (_error, bytesRead) => resolve(bytesRead)));
    expect(bytes).toBe(8);
    await new Promise((resolve) => tpioFs.close(fd, resolve));
    expect(() => fs.fstatSync(fd)).toThrow(/EBADF/);
  });

  it('falls through to node:fs for descriptors it did not open', async () => {
    const fd = fs.openSync(file, 'r');
    const bytes = await new Promise((resolve) => tpioFs.read(fd, Buffer.alloc(8), 0, 8, 0, (_error, bytesRead) => resolve(bytesRead)));
    expect(bytes).toBe(8);
    await new Promise((resolve) => tpioFs.close(fd, resolve));
  });
});

describe('coalesce', () => {
  it('joins runs of small chunks, keeps large ones, bounds the buffer count', () => {
    const big = Buffer.alloc(20_000, 1);
    const parts = coalesce([Buffer.from('a'), Buffer.from('b'), big, Buffer.from('c')]);
    expect(parts.map((part) => part.length)).toEqual([2, 20_000, 1]);
    expect(parts[1]).toBe(big);
    const many = Array.from({ length: 5000 }, (_, i) => Buffer.from(String(i % 10)));
    const joined = coalesce(many);
    expect(joined.length).toBeLessThan(1024);
    expect(Buffer.concat(joined).equals(Buffer.concat(many))).toBe(true);
    const bigs = Array.from({ length: 2000 }, () => big);
    const bounded = coalesce(bigs);
    expect(bounded.length).toBeLessThanOrEqual(1024);
    expect(Buffer.concat(bounded).length).toBe(2000 * 20_000);
  });
});

// Large writes, compared with what one pwrite reports: every byte lands where it was asked to, a
// hole before a write past the end reads as zeros, and a write cut by a file size limit reports
// the short count, then EFBIG, exactly as node:fs does (nothing reports bytes that were not written).

import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { usableBackends } from '../lib/index.js';
import { promiseIo, usePorts } from './helpers.js';

const piece = 128 * 1024; // sizes below are around multiples of this
const child = fileURLToPath(new URL('./fixtures/fsize-child.mjs', import.meta.url));

function hasPrlimit(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function pattern(length: number, seed: number): Buffer {
  const buffer = Buffer.alloc(length);
  for (let i = 0; i < length; i++) buffer[i] = (i * 31 + seed) & 0xff;
  return buffer;
}

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir();
  const newPort = usePorts(backend);

  it('writes of 128 KiB, one byte more, and 1 MiB and a tail land byte for byte', async () => {
    const path = dir.file('pieces.bin', '');
    const fd = openSync(path, 'r+');
    const { issue } = promiseIo(newPort(), fd);
    const position = 777;
    const lengths = [piece, piece + 1, 8 * piece + 12345];
    let end = 0;
    for (const [i, length] of lengths.entries()) {
      const data = pattern(length, i);
      const at = position + end;
      const { result, bytesTransferred } = await issue('write', { buffer: data, position: at });
      expect(result).toBe(0);
      expect(bytesTransferred).toBe(length);
      expect(readFileSync(path).subarray(at, at + length).equals(data)).toBe(true);
      end += length;
    }
    expect(statSync(path).size).toBe(position + end);
    closeSync(fd);
  });

  it('a write from an offset into the buffer, at a position past the end, leaves a hole of zeros', async () => {
    const path = dir.file('offset.bin', 'head');
    const fd = openSync(path, 'r+');
    const { issue } = promiseIo(newPort(), fd);
    const data = pattern(3 * piece + 5, 9);
    const { bytesTransferred } = await issue('write', { buffer: data, offset: 3, length: data.length - 3, position: 10_000 });
    expect(bytesTransferred).toBe(data.length - 3);
    const file = readFileSync(path);
    expect(file.subarray(0, 4).toString()).toBe('head');
    expect(file.subarray(4, 10_000).every((byte) => byte === 0)).toBe(true);
    expect(file.subarray(10_000).equals(data.subarray(3))).toBe(true);
    closeSync(fd);
  });

  it.runIf(hasPrlimit())('under a file size limit, reports what node:fs reports: a short count, then EFBIG', () => {
    const limit = 2 * piece + 37_856; // inside the third piece
    const run = (engine: string) => {
      const path = `${dir.path}/fsize-${engine}.bin`;
      const out = spawnSync('prlimit', [`--fsize=${limit}`, process.execPath, child, path, engine], { encoding: 'utf8', env: { ...process.env, LIMIT: String(limit) } });
      expect(out.status, out.stderr).toBe(0);
      return { results: JSON.parse(out.stdout.trim().split('\n').pop()!) as unknown[], size: statSync(path).size };
    };
    const node = run('node');
    expect(node).toEqual({ results: [limit, 'EFBIG'], size: limit });
    const tpio = run(backend);
    expect(tpio.size).toBe(limit);
    expect(tpio.results[0]).toBe(limit);
    expect(tpio.results[1]).toBe(-27); // -EFBIG on Linux
  });
});

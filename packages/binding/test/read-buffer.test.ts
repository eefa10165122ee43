// allocReadBuffer(): from 128 KiB up, a Buffer whose first byte sits at the same offset in a 64-byte
// cache line as the file position (rounded down to 8 bytes) it will be read from (the native side's
// own measure of the address, readAlignment, then says 0 bytes to skip), at a byteOffset that is a
// multiple of 8; node's argument errors; reads fill it.

import { describe, expect, it } from 'vitest';
import { openSync, closeSync } from 'node:fs';
import { allocReadBuffer, createPort } from '../lib/index.js';
import { loadAddon } from '../lib/load.js';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { usableBackends } from '../lib/index.js';

const dir = useTempDir('tpio-read-buffer-');
const { addon } = loadAddon();
const kib = 1024;

describe('allocReadBuffer', () => {
  it('places large buffers at the position\'s offset in a cache line, in memory of their own', () => {
    for (const size of [128 * kib, 1024 * kib, 4096 * kib + 7]) {
      for (const position of [0, 1, 7, 8, 16, 63, 64, 4095, 4101, 2 ** 40 + 37]) {
        const buffer = allocReadBuffer(size, position);
        expect(buffer.length).toBe(size);
        expect(buffer.byteOffset).toBeGreaterThanOrEqual(0);
        expect(buffer.byteOffset).toBeLessThanOrEqual(56);
        expect(buffer.buffer.byteLength).toBe(size + 63);
        expect(addon.readAlignment(buffer, position)).toBe(0);
      }
    }
  });

  it('keeps byteOffset a multiple of 8 at any position, so typed arrays can view the buffer', () => {
    for (let position = 0; position < 80; position++) {
      const buffer = allocReadBuffer(128 * kib, position);
      expect(buffer.byteOffset % 8).toBe(0);
      // The address rounded down to 8 bytes matches the position rounded down, modulo 64.
      expect(addon.readAlignment(buffer, position - (position % 8))).toBe(0);
      const doubles = new Float64Array(buffer.buffer, buffer.byteOffset, buffer.length / 8);
      doubles[0] = 1.5;
      expect(buffer.readDoubleLE(0)).toBe(1.5);
    }
  });

  it('gives smaller buffers as Buffer.allocUnsafeSlow does, and position defaults to 0', () => {
    const small = allocReadBuffer(128 * kib - 1, 5);
    expect([small.length, small.byteOffset, small.buffer.byteLength]).toEqual([128 * kib - 1, 0, 128 * kib - 1]);
    expect(allocReadBuffer(0).length).toBe(0);
    expect(addon.readAlignment(allocReadBuffer(256 * kib), 0)).toBe(0);
  });

  it('rejects bad sizes and positions with node\'s errors', () => {
    const cases: [unknown, unknown, string, RegExp][] = [
      ['1', 0, 'ERR_INVALID_ARG_TYPE', /The "size" argument must be of type number/],
      [1.5, 0, 'ERR_OUT_OF_RANGE', /The value of "size" is out of range. It must be an integer/],
      [-1, 0, 'ERR_OUT_OF_RANGE', /The value of "size" is out of range/],
      [2 ** 31, 0, 'ERR_OUT_OF_RANGE', /The value of "size" is out of range. It must be >= 0 && <= 2147483647/],
      [4096, -1, 'ERR_OUT_OF_RANGE', /The value of "position" is out of range/],
      [4096, 1n, 'ERR_INVALID_ARG_TYPE', /The "position" argument must be of type number/],
    ];
    for (const [size, position, code, message] of cases) {
      expect(() => allocReadBuffer(size as number, position as number)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
    }
  });

});

describeEachBackend(usableBackends(), (backend) => {
  it('is filled by a read at its position', async () => {
    const { path, data } = dir.randomFile(`read-buffer-${backend}.bin`, 3 * 1024 * kib);
    const port = createPort({ backend });
    const fd = openSync(path, 'r');
    try {
      const io = port.createIo(fd, (_context, request: { done: (result: number, bytes: number) => void }, result, bytes) => request.done(result, bytes));
      const position = 1024 * kib + 16;
      const buffer = allocReadBuffer(1024 * kib, position);
      const bytes = await new Promise<number>((resolve, reject) => {
        io.start();
        io.read({ buffer, position, done: (result: number, count: number) => (result < 0 ? reject(new Error(`read: ${result}`)) : resolve(count)) });
      });
      expect(bytes).toBe(buffer.length);
      expect(buffer.equals(data.subarray(position, position + bytes))).toBe(true);
    } finally {
      closeSync(fd);
      await port.close();
    }
  });
});

import fs from 'node:fs';
import { expect, it } from 'vitest';
import { usableBackends } from '@tpio/binding';
import { open } from '@tpio/core';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { useBackend } from '../test/conformance/harness.js';
import { maxParts, minPartBytes, splitParts, splitRead } from './split-read.js';

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-stream-split-');
  const size = 3 * 1024 * 1024 + 4321;
  const { path: file, data } = dir.randomFile('data.bin', size);

  it('fills the view with the file bytes, in parts or in one read, at any position', async () => {
    await using handle = await open(file);
    const lengths = [1, minPartBytes - 1, 2 * minPartBytes, 2 * minPartBytes + 7, maxParts * minPartBytes * 2 + 3, 1024 * 1024];
    for (const length of lengths) {
      for (const position of [0, 12345, size - length - 1]) {
        const target = new Uint8Array(length);
        expect(await splitRead(handle, target, position)).toBe(length);
        expect(Buffer.from(target).equals(data.subarray(position, position + length))).toBe(true);
      }
    }
  });

  it('reads a view in one read on io_uring and in parts elsewhere', () => {
    const split = backend === 'uring' ? 1 : maxParts;
    expect([splitParts(1 << 20), splitParts(2 * minPartBytes), splitParts(minPartBytes - 1), splitParts(0)]).toEqual([split, split, 1, 1]);
  });

  it('counts only the bytes up to the end of the file when later parts find nothing', async () => {
    await using handle = await open(file);
    for (const before of [1, minPartBytes + 3, 3 * minPartBytes]) {
      const target = new Uint8Array(1024 * 1024).fill(7);
      expect(await splitRead(handle, target, size - before)).toBe(before);
      expect(Buffer.from(target.subarray(0, before)).equals(data.subarray(size - before))).toBe(true);
    }
    expect(await splitRead(handle, new Uint8Array(1024 * 1024), size + 10)).toBe(0);
  });

  it("rejects with node's error when the read fails (a directory)", async () => {
    const folder = await open(dir.path);
    try {
      const expected = await fs.promises.open(dir.path).then((h) => h.read(Buffer.alloc(1), 0, 1, 0).finally(() => h.close())).catch((error) => error);
      const error = await splitRead(folder, new Uint8Array(1024 * 1024), 0).catch((caught) => caught);
      expect(error).toMatchObject({ code: expected.code, errno: expected.errno, syscall: expected.syscall, message: expected.message });
    } finally {
      await folder.close();
    }
  });
});

// Small positioned reads compared with node's readSync on the same descriptor, at the places where
// an answer taken straight from the page cache could differ from a blocking pread: the end of the
// file (a short count, 0 at and past it), zero-length reads, holes, a file that grew or shrank since
// its pages were cached, and descriptors that are not regular files. On Linux the threads engine
// answers cached reads on the JavaScript thread (RWF_NOWAIT) and leaves the rest to its workers;
// io_uring completes them inside io_uring_enter. Either way the results must be node's.

import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { usableBackends } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';
import { nodeRead, promiseIo, usePorts, withUnreadableDescriptors } from './helpers.js';

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir();
  const newPort = usePorts(backend);

  /** Reads `length` bytes at `position` through the port and checks them against node's answer. */
  async function expectSameAsNode(issue: ReturnType<typeof promiseIo>['issue'], fd: number, length: number, position: number) {
    const buffer = Buffer.alloc(length, 0xee);
    const { result, bytesTransferred } = await issue('read', { buffer, position });
    const expected = nodeRead(fd, length, position);
    if ('code' in expected) {
      expect([result, bytesTransferred]).toEqual([errnoOf(expected.code), 0]);
    } else {
      expect([result, bytesTransferred]).toEqual([0, expected.bytes.length]);
      expect(buffer.subarray(0, bytesTransferred).equals(expected.bytes)).toBe(true);
    }
  }

  it('reads around the end of a cached file: whole, short, at the end, past it, zero-length', async () => {
    const size = 10_000;
    const path = dir.randomFile('edges.bin', size).path;
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(newPort(), fd);
    try {
      for (const [length, position] of [
        [4096, 0], [4096, 4096], [4096, size - 4096], [4096, size - 100], [4096, size - 1],
        [4096, size], [4096, size + 1], [4096, 1 << 30], [0, 0], [0, size], [1, size - 1], [127 * 1024, 1],
      ] as const) {
        await expectSameAsNode(issue, fd, length, position);
      }
    } finally {
      closeSync(fd);
    }
  });

  it('reads a hole as zeros, and see a file grow and shrink after its pages were read', async () => {
    const path = dir.file('changing.bin', '');
    const fd = openSync(path, 'r+');
    const { issue } = promiseIo(newPort(), fd);
    try {
      writeSync(fd, Buffer.from('tail'), 0, 4, 1 << 20);
      await expectSameAsNode(issue, fd, 4096, 4096); // inside the hole
      await expectSameAsNode(issue, fd, 4096, (1 << 20) - 2); // the hole's end and the data
      await expectSameAsNode(issue, fd, 64, (1 << 20) + 4); // at the end: 0
      writeSync(fd, Buffer.from('more bytes'), 0, 10, (1 << 20) + 4);
      await expectSameAsNode(issue, fd, 64, (1 << 20) + 4); // the same place, now 10 bytes
      ftruncateSync(fd, 5000);
      await expectSameAsNode(issue, fd, 4096, 4096); // short again: 904 bytes
      await expectSameAsNode(issue, fd, 4096, 8192); // past the new end: 0
    } finally {
      closeSync(fd);
    }
  });

  it('reads large ranges issued together as node does: whole, across the end, at it, past it, and failing', async () => {
    // Two or more large reads in one batch with none pending: on Linux the threads engine tries the
    // last one from the page cache on the JavaScript thread while a worker copies the others.
    const size = 700_001;
    const path = dir.randomFile('large-pair.bin', size).path;
    const fd = openSync(path, 'r');
    const writeOnly = openSync(dir.file('large-write-only.bin', 'data'), 'w');
    const { issue } = promiseIo(newPort(), fd);
    const { issue: issueWriteOnly } = promiseIo(newPort(), writeOnly);
    try {
      for (const pair of [
        [[256 * 1024, 0], [256 * 1024, 256 * 1024]], // the halves of one view, both whole
        [[256 * 1024, 0], [512 * 1024, 300_000]], // the last one short: the end of the file
        [[128 * 1024, 1], [128 * 1024, size]], // the last one at the end: 0
        [[200_000, 3], [1 << 20, size + 4096], [1 << 20, 5]], // past the end, then across it
      ]) {
        await Promise.all(pair.map(([length, position]) => expectSameAsNode(issue, fd, length!, position!)));
      }
      await Promise.all([0, 1 << 20].map((position) => expectSameAsNode(issueWriteOnly, writeOnly, 1 << 20, position)));
    } finally {
      closeSync(fd);
      closeSync(writeOnly);
    }
  });

  it('fails on a directory and on a write-only descriptor as node does', async () => {
    await withUnreadableDescriptors(dir.path, backend, async (fd) => {
      const { issue } = promiseIo(newPort(), fd);
      await expectSameAsNode(issue, fd, 16, 0);
    });
  });
});

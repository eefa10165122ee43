// Large reads into caller memory that sits 1-31 bytes past the file position modulo 4 KiB, where the
// kernel's copy is slow on x86 (ADR 0010): the engines read them through a bounce buffer of their
// own and copy them out. Whatever the path, the caller must see exactly what node's readSync
// reports, and not a byte outside the range that arrived may change. Views are placed at chosen
// distances with the addon's pageOffset(), so the slow zone is hit whatever malloc returned.

import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { probe, usableBackends, type Port } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';
import { loadAddon } from '../lib/load.js';
import { nodeRead, promiseIo, usePorts, withUnreadableDescriptors } from './helpers.js';

const guard = 0xee;
const page = 4096;
/** Engines that bounce: the POSIX ones, on x86-64 (the Windows engines read directly). */
const bouncesHere = process.arch === 'x64' && process.platform !== 'win32';
const inZone = [1, 4, 8, 16, 24, 31];
const outOfZone = [0, 32, 48, 4064, 4088];

interface Placed {
  backing: Buffer;
  offset: number;
  view: Buffer;
}

/** A view of `length` bytes whose first byte is `distance` bytes past `position` modulo 4 KiB. */
function placeView(length: number, position: number, distance: number): Placed {
  const backing = Buffer.alloc(length + 2 * page, guard);
  const start = loadAddon().addon.pageOffset(backing);
  const offset = (((distance + position - start) % page) + 2 * page) % page;
  const view = backing.subarray(offset, offset + length);
  expect((loadAddon().addon.pageOffset(view) - (position % page) + 2 * page) % page).toBe(distance);
  return { backing, offset, view };
}

/** Checks one completed read against node's answer, and that the guard bytes around it are intact. */
function expectNodesAnswer(placed: Placed, completion: { result: number; bytesTransferred: number }, fd: number, position: number) {
  const { backing, offset, view } = placed;
  const expected = nodeRead(fd, view.length, position);
  let arrived = 0;
  if ('code' in expected) {
    expect([completion.result, completion.bytesTransferred]).toEqual([errnoOf(expected.code), 0]);
  } else {
    arrived = expected.bytes.length;
    expect([completion.result, completion.bytesTransferred]).toEqual([0, arrived]);
    expect(view.subarray(0, arrived).equals(expected.bytes)).toBe(true);
  }
  const untouched = (from: number, to: number) => backing.subarray(from, to).every((byte) => byte === guard);
  expect(untouched(0, offset)).toBe(true);
  expect(untouched(offset + arrived, backing.length)).toBe(true);
}

type Issue = ReturnType<typeof promiseIo>['issue'];

/** Issues `count` reads of `length` bytes at consecutive positions at once, each into a view `distance(i)` bytes past its position. */
function readConsecutive(issue: Issue, count: number, length: number, distance: (i: number) => number) {
  return Array.from({ length: count }, (_, i) => {
    const position = i * length;
    const placed = placeView(length, position, distance(i));
    return { placed, position, done: issue('read', { buffer: placed.view, position }) };
  });
}

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir();
  const newPort = usePorts(backend);
  const size = 3 * 1024 * 1024 + 1234;

  /** Opens `path` for reading on a new port and runs `body` with it; the descriptor is closed after. */
  async function withReader(path: string, body: (fd: number, issue: Issue, port: Port) => Promise<void>) {
    const fd = openSync(path, 'r');
    const port = newPort();
    try {
      await body(fd, promiseIo(port, fd).issue, port);
    } finally {
      closeSync(fd);
    }
  }

  it('reads into views at every distance from the position, in and out of the slow zone, as node does', async () => {
    await withReader(dir.randomFile('distances.bin', size).path, async (fd, issue) => {
      for (const distance of [...inZone, ...outOfZone]) {
        // A read larger than the io_uring engine's bounce buffer goes to a worker, which bounces it in pieces.
        for (const [length, position] of [[128 * 1024, 0], [512 * 1024, 3 * page], [1 << 20, 777], [(2 << 20) + 100, 5]] as const) {
          const placed = placeView(length, position, distance);
          const before = probe().bouncedReads;
          const completion = await issue('read', { buffer: placed.view, position });
          expectNodesAnswer(placed, completion, fd, position);
          expect(probe().bouncedReads - before).toBe(bouncesHere && inZone.includes(distance) ? 1 : 0);
        }
      }
    });
  });

  it('stops where the file ends: across it in the middle of a piece, at it, past it', async () => {
    await withReader(dir.randomFile('ends.bin', size).path, async (fd, issue) => {
      for (const [length, position] of [[1 << 20, size - 300_000], [(2 << 20) + 64, size - (2 << 20) + 1000], [256 * 1024, size], [256 * 1024, size + page]] as const) {
        const placed = placeView(length, position, 16);
        expectNodesAnswer(placed, await issue('read', { buffer: placed.view, position }), fd, position);
      }
    });
  });

  it('reads several slow-zone views in flight at once, as a split view and as read-ahead', async () => {
    // Two in one batch: the io_uring engine bounces the last inline and hands the first to a worker;
    // the threads engine tries the last on the JavaScript thread. Eight: some find the io_uring
    // engine's one bounce buffer taken and go to workers.
    await withReader(dir.randomFile('together.bin', size).path, async (fd, issue) => {
      for (const count of [2, 8]) {
        const reads = readConsecutive(issue, count, 384 * 1024, (i) => 8 + i);
        for (const { placed, position, done } of reads) expectNodesAnswer(placed, await done, fd, position);
      }
    });
  });

  // Linux only: O_DIRECT, and only the Linux engines try a cached read first (ADR 0007).
  it.runIf(process.platform === 'linux')('reads bytes not in the page cache, counting each bounced read once', async () => {
    // Written with O_DIRECT, so the page cache holds none of it: the threads engine's attempt on the
    // JavaScript thread (RWF_NOWAIT) fails and a worker reads the range again. That attempt once
    // counted as a second bounced read.
    const length = 256 * 1024;
    const count = 3;
    const path = join(dir.path, 'uncached.bin');
    const data = randomBytes(count * length);
    const aligned = placeView(data.length, 0, 0).view; // direct I/O wants page-aligned memory
    data.copy(aligned);
    const out = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_DIRECT);
    try {
      expect(writeSync(out, aligned, 0, aligned.length, 0)).toBe(aligned.length);
    } finally {
      closeSync(out);
    }
    await withReader(path, async (fd, issue) => {
      const before = probe().bouncedReads;
      const reads = readConsecutive(issue, count, length, () => 16);
      for (const { placed, position, done } of reads) {
        expectNodesAnswer(placed, await done, fd, position);
        expect(placed.view.equals(data.subarray(position, position + length))).toBe(true);
      }
      expect(probe().bouncedReads - before).toBe(bouncesHere ? count : 0);
    });
  });

  it('fails as node does on a directory and a write-only descriptor, leaving the view untouched', async () => {
    await withUnreadableDescriptors(dir.path, backend, async (fd) => {
      const { issue } = promiseIo(newPort(), fd);
      const placed = placeView(256 * 1024, 0, 16);
      expectNodesAnswer(placed, await issue('read', { buffer: placed.view, position: 0 }), fd, 0);
    });
  });

  it('delivers every slow-zone read, whole or cancelled, when the port closes with them in flight', async () => {
    await withReader(dir.randomFile('closing.bin', size).path, async (fd, issue, port) => {
      const reads = readConsecutive(issue, 4, 512 * 1024, () => 16);
      await port.close();
      for (const { placed, position, done } of reads) {
        const completion = await done;
        if (completion.result === errnoOf('ECANCELED')) {
          expect(completion.bytesTransferred).toBe(0);
        } else {
          expectNodesAnswer(placed, completion, fd, position);
        }
      }
    });
  });
});

// Descriptors opened through tpio in a worker thread that is then terminated are closed, as node's
// FileHandle closes its descriptor when its environment goes away: port.open(), core's open() and
// the streams', on every port of that thread. A descriptor the caller passed in (createIo), or one
// handed to the caller (FileHandle.disown(), streams with autoClose: false), is never closed by
// tpio. Checked with real worker threads and /proc/self/fd.

import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixture } from './helpers.js';

const backends = process.env.TPIO_BACKEND && process.env.TPIO_BACKEND !== 'auto' ? [process.env.TPIO_BACKEND] : ['uring', 'threads'];
const procFds = '/proc/self/fd';
const fdCount = () => readdirSync(procFds).length;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe.skipIf(!existsSync(procFds))('descriptors of a terminated worker', () => {
  for (const backend of backends) {
    it(`[${backend}] are closed when the worker is terminated; the caller's own descriptor is not`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tpio-rel-fds-'));
      const file = join(dir, 'data.bin');
      writeFileSync(file, Buffer.alloc(1024 * 1024, 7));
      const foreignFd = openSync(file, 'r');
      try {
        for (let round = 0; round < 3; round++) {
          await settle();
          const baseline = fdCount();
          const worker = new Worker(pathToFileURL(fixture('worker-fds.mjs')), { workerData: { backend, file, count: 40, foreignFd } });
          const fds = await new Promise<Record<string, number[]>>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
          });
          const opened = [...fds.binding!, ...fds.core!, ...fds.stream!, ...fds.otherPort!];
          expect(opened).toHaveLength(124);
          for (const fd of opened) expect(readlinkSync(join(procFds, String(fd)))).toBe(file);
          expect(fds.callers).toHaveLength(4);
          expect(fdCount()).toBeGreaterThanOrEqual(baseline + opened.length + fds.callers.length);
          expect(await worker.terminate()).toBe(1);
          await settle();
          // The caller's descriptors are still open (the last one is the write stream's file).
          for (const fd of fds.callers) expect(readlinkSync(join(procFds, String(fd)))).toMatch(file);
          for (const fd of fds.callers) closeSync(fd);
          expect(fdCount()).toBe(baseline);
          // Still the caller's: open, and the same file.
          expect(readlinkSync(join(procFds, String(foreignFd)))).toBe(file);
        }
      } finally {
        closeSync(foreignFd);
        rmSync(dir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});

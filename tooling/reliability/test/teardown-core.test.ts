// Teardown through the upper layers: FileHandle.close() during reads, handles never closed and
// collected, process.exit() with reads in flight, workers using core terminated mid-flight, and
// stream destroy() during reads and writes. No crash, no hang (children have deadlines), every
// promise settles.

import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixture, runNode } from './helpers.js';

const backends = process.env.TPIO_BACKEND && process.env.TPIO_BACKEND !== 'auto' ? [process.env.TPIO_BACKEND] : ['uring', 'threads'];
const file = join(mkdtempSync(join(tmpdir(), 'tpio-rel-tdcore-')), 'data.bin');
writeFileSync(file, randomBytes(4 * 1024 * 1024));
const script = fixture('teardown-core.mjs');

for (const backend of backends) {
  describe(`[${backend}] core teardown`, () => {
    const env = { TPIO_BACKEND: backend };

    it('FileHandle.close() while 200 reads are in flight: every read settles, close resolves', () => {
      const child = runNode([script, 'close-during', file], { env });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      const outcomes = JSON.parse(child.stdout);
      expect(Object.values(outcomes).reduce((a: number, b) => a + (b as number), 0)).toBe(4000);
      // A read either completed or was cancelled/refused because the handle closed.
      for (const outcome of Object.keys(outcomes)) expect(['ok', 'ECANCELED', 'EBADF', 'ABORT_ERR']).toContain(outcome);
    }, 150_000);

    it('handles never closed, with reads in flight, are garbage-collected without a crash', () => {
      const child = runNode(['--expose-gc', script, 'gc-unclosed', file], { env });
      expect(child.signal).toBeNull();
      expect(child.stdout).toBe('gc ok\n');
      expect(child.status).toBe(0);
    }, 150_000);

    it('idle handles never closed are closed on garbage collection, with the warnings node:fs gives', () => {
      const child = runNode(['--expose-gc', script, 'gc-closes', file], { env });
      expect(child.status).toBe(0);
      const report = JSON.parse(child.stdout);
      expect(report.node).toMatchObject({ opened: 20, left: 0 });
      // Node collects FileHandles too: whatever it closed, core closes, with the same warnings.
      expect(report.core).toEqual({ ...report.node });
      expect(report.core.warnings).toContain('Warning  Closing file descriptor N on garbage collection');
    }, 150_000);

    it("descriptors streams leave to the caller are not closed again when the streams are collected", () => {
      const child = runNode(['--expose-gc', script, 'gc-given', file], { env });
      expect(child.status).toBe(0);
      expect(JSON.parse(child.stdout)).toEqual({ newFiles: 80, open: 80, warnings: [] });
    }, 150_000);

    it('process.exit() with core reads in flight', () => {
      for (let round = 0; round < 3; round++) {
        const child = runNode([script, 'exit', file], { env });
        expect(child.signal).toBeNull();
        expect(child.stderr).toBe('');
        expect(child.status).toBe(5);
      }
    }, 300_000);

    it('workers reading through core, terminated mid-flight (50)', async () => {
      for (let batch = 0; batch < 5; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const worker = new Worker(pathToFileURL(script), { workerData: { file }, env: { ...process.env, TPIO_BACKEND: backend } });
            await new Promise<void>((resolve, reject) => {
              worker.once('message', () => resolve());
              worker.once('error', reject);
            });
            expect(await worker.terminate()).toBe(1);
          }),
        );
      }
    }, 300_000);

    it('stream destroy() during reads and writes: close follows, no error but the caller-made one', () => {
      const child = runNode([script, 'stream-destroy', file], { env });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      const report = JSON.parse(child.stdout);
      if (report.skipped) return console.log(`stream part skipped: ${report.skipped}`);
      expect(report.events).toEqual(['closed']);
    }, 150_000);
  });
}

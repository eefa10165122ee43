// Fault injection at the native port (TPIO_FAULTS, test-only): a fraction of ops fail with EIO or
// ENOSPC without being issued, another is interrupted (EINTR) and must be retried by the engine,
// another is shortened, and io_uring's submit calls are cut short (the kernel takes part of a batch
// or none of it). Every read must either fail with an injected error or return the file's bytes;
// every byte a write reports must be in the file after fsync; EINTR never reaches a callback;
// nothing may hang. Runs in child processes (the variable is read once per process).

import { expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { runNodeChild } from '@tpio/vitest-config/child';
import { usableBackends } from '../../lib/index.js';

const childPath = fileURLToPath(new URL('./fixtures/faults-child.mjs', import.meta.url));

/** The fault child with TPIO_FAULTS=spec; one still running after 60 s fails with a diagnosis. */
const faultChild = (spec: string, backend: string, path: string, dir: string) =>
  runNodeChild([childPath, backend, path, dir], { timeout: 60_000, env: { ...process.env, TPIO_FAULTS: spec } });

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir('tpio-rel-faults-');
  const { path } = dir.randomFile('source.bin', 4 * 1024 * 1024);

  for (const spec of ['rate=0.1,errors=EIO:ENOSPC:EINTR,short=0.1,seed=1', 'rate=0.3,errors=EIO:ENOSPC:EINTR,short=0.3,refuse=0.3,seed=7']) {
    it(`reads return the file's bytes or an injected error; written bytes reach the file (${spec})`, async () => {
      const child = await faultChild(spec, backend, path, dir.path);
      expect(child.signal).toBeNull();
      expect(child.stderr).toBe('');
      const report = JSON.parse(child.stdout);
      console.log(`[${backend}] ${spec}: ${JSON.stringify(report.counts)} injected ${JSON.stringify(report.faults.byError)}, shortened ${report.faults.shortened}`);
      expect(report.violations).toEqual([]);
      expect(child.status).toBe(0);
      expect(report.faults.errors).toBeGreaterThan(0);
      expect(report.faults.shortened).toBeGreaterThan(0);
      expect(report.counts.shortReads).toBeGreaterThan(0);
      expect(report.counts.shortWrites).toBeGreaterThan(0);
      // Every simulated interruption went through an engine's retry path.
      expect(report.faults.interrupted).toBeGreaterThan(0);
      expect(report.faults.retried).toBe(report.faults.interrupted);
    });
  }

  it('SQEs the kernel leaves in the submission queue are offered again: nothing hangs, every op succeeds', async () => {
    // Before the engine re-armed its eventfd after a short submit, SQEs left behind by the last
    // submit before an idle moment were never issued: this child hung in 4 runs out of 4.
    const child = await faultChild('refuse=0.5,seed=4', backend, path, dir.path);
    expect(child.signal).toBeNull();
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout);
    console.log(`[${backend}] refused submits: ${JSON.stringify(report.counts)}, refused ${report.faults.refused}`);
    expect(report.violations).toEqual([]);
    expect(child.status).toBe(0);
    expect(report.counts).toMatchObject({ readErrors: 0, writeErrors: 0, fsyncRetries: 0, openErrors: 0, shortReads: 0, shortWrites: 0 });
    // Only io_uring has a submission queue the kernel can leave entries in.
    if (backend === 'uring') expect(report.faults.refused).toBeGreaterThan(50);
    else expect(report.faults.refused).toBe(0);
  });

  it('interrupted ops (EINTR only) are retried: every read and write succeeds, byte-exact', async () => {
    const child = await faultChild('rate=0.5,errors=EINTR,seed=3', backend, path, dir.path);
    expect(child.signal).toBeNull();
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout);
    console.log(`[${backend}] EINTR only: ${JSON.stringify(report.counts)}, interrupted ${report.faults.interrupted}, retried ${report.faults.retried}`);
    expect(report.violations).toEqual([]);
    expect(child.status).toBe(0);
    expect(report.counts).toMatchObject({ readErrors: 0, writeErrors: 0, fsyncRetries: 0, openErrors: 0, shortReads: 0, shortWrites: 0 });
    expect(report.faults.errors).toBe(0);
    expect(report.faults.interrupted).toBeGreaterThan(1000);
    expect(report.faults.retried).toBe(report.faults.interrupted);
  });
});

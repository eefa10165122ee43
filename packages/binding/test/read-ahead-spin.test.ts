// After a read-ahead transfer (a large read issued while another is in flight: kOpFlagReadAhead),
// the worker that ran it sleeps instead of polling for a next op: its issuer sends the next read
// when a consumer takes a result, usually long after the spin window (ADR 0006). After a buffered
// write or a split view's reads it still polls. Observed from /proc (the worker's CPU time until it
// sleeps) in a child process whose window is 10 ms, so that a spin outlasts the sampling; the
// write is the control that the sampling sees a spin at all. On `uring` the worker is the port's
// helper, and the reads it runs are counted as handed over (delegatedOps). The engine's mark is
// counted in port.readAheadOps.

import { expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runNodeChild } from '@tpio/vitest-config/child';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { usableBackends } from '../lib/index.js';

const child = fileURLToPath(new URL('./fixtures/read-ahead-spin-child.mjs', import.meta.url));
// Linux, with per-thread CPU time in /proc (schedstat, present unless the kernel leaves out
// CONFIG_SCHED_INFO).
const schedstat = process.platform === 'linux' && existsSync('/proc/self/schedstat');

const dir = useTempDir('tpio-read-ahead-');

describeEachBackend(usableBackends(), (backend) => {
  const title = 'the worker polls for a next op after a write or a split view\'s reads, and sleeps after a read-ahead read';
  it.skipIf(!schedstat)(`${title}${schedstat ? '' : ' (skipped: Linux without /proc schedstat)'}`, async () => {
    const { path } = dir.randomFile(`read-ahead-${backend}.bin`, 4 << 20);
    // Bounce off: the child's 3 MiB Buffer.alloc is in the slow copy zone, where the io_uring engine
    // would hand that read to a worker as well (ADR 0010), which is not what this test counts.
    const env = { ...process.env, TPIO_THREADS_SPIN_US: '10000', TPIO_READ_BOUNCE: '0' };
    const outcome = await runNodeChild([child, backend, path], { env, timeout: 30_000 });
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    const handedOver = backend === 'uring' ? 1 : 0;
    expect(JSON.parse(outcome.stdout)).toEqual({
      afterWrite: true,
      splitDelegated: handedOver,
      afterSplit: true,
      readAheadDelegated: handedOver,
      readAheadMarked: 1,
      readAheadTries: expect.any(Number),
      afterReadAhead: false,
    });
  });
});

// After a read-ahead transfer (a large read the io_uring engine hands to the threads engine because
// another is in flight: kOpFlagReadAhead), the worker that ran it sleeps instead of polling for a
// next op: its issuer sends the next read when a consumer takes a result, usually long after the
// spin window (ADR 0006). After a buffered write or the worker's half of a split view it still
// polls. Observed from /proc in a child process whose window is 10 ms, so that a spin outlasts the
// sampling; the write is the control that the sampling sees a spin at all.

import { expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runNodeChild } from '@tpio/vitest-config/child';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { usableBackends } from '../lib/index.js';

const child = fileURLToPath(new URL('./fixtures/read-ahead-spin-child.mjs', import.meta.url));
const uring = process.platform === 'linux' && usableBackends().includes('uring') && (process.env.TPIO_BACKEND ?? 'auto') !== 'threads';

const dir = useTempDir('tpio-read-ahead-');

it.skipIf(!uring)('a uring port\'s worker polls for a next op after a write or a split view\'s half, and sleeps after a read-ahead transfer', async () => {
  const { path } = dir.randomFile('read-ahead.bin', 4 << 20);
  const outcome = await runNodeChild([child, path], { env: { ...process.env, TPIO_THREADS_SPIN_US: '10000' }, timeout: 30_000 });
  expect(outcome.stderr).toBe('');
  expect(outcome.status).toBe(0);
  expect(JSON.parse(outcome.stdout)).toEqual({
    afterWrite: true,
    splitDelegated: 1,
    afterSplit: true,
    readAheadDelegated: 1,
    afterReadAhead: false,
  });
});

// The threads engine's spin-then-sleep workers (threadpool_backend.cc): a worker that runs out of
// work polls for more for TPIO_THREADS_SPIN_US before it sleeps, and a submission made meanwhile
// skips the wake-up. Every window must still hand every op to a worker: none (0), one that ends
// as submissions arrive (1 µs), and the default.

import { expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runNodeChild } from '@tpio/vitest-config/child';
import { useTempDir } from '@tpio/vitest-config/fixtures';

const child = fileURLToPath(new URL('./fixtures/spin-child.mjs', import.meta.url));

const dir = useTempDir('tpio-spin-');
const { path } = dir.randomFile('spin.bin', 1 << 20);

for (const spin of ['0', '1', '']) {
  it(`reads with gaps of every kind around the spin window (TPIO_THREADS_SPIN_US=${spin || 'default'}) all complete, with the right bytes`, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TPIO_THREADS_SPIN_US: spin };
    if (spin === '') delete env.TPIO_THREADS_SPIN_US;
    const outcome = await runNodeChild([child, path, '3000'], { env, timeout: 60_000 });
    expect(outcome.stderr).toBe('');
    expect(outcome).toMatchObject({ status: 0, stdout: 'ok true\n' });
  }, 90_000);
}

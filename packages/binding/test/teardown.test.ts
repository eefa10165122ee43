// Environments that end with I/O in flight: terminated worker threads, process.exit(), and the
// rule that an idle port never keeps the process alive. Exceptions in callbacks are not swallowed.

import { expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { runNodeChild } from '@tpio/vitest-config/child';
import { usableBackends } from '../lib/index.js';

const workerUrl = new URL('./fixtures/worker-reads.mjs', import.meta.url);
const childPath = fileURLToPath(new URL('./fixtures/child.mjs', import.meta.url));

/** A scenario of fixtures/child.mjs in its own process; one still running after 30 s fails with a diagnosis. */
const scenario = (name: string, backend: string, path: string) => runNodeChild([childPath, name, backend, path], { timeout: 30_000 });

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir();
  const size = 8 * 1024 * 1024;
  const { path } = dir.randomFile('teardown.bin', size);

  it('a worker terminated with 256 reads in flight does not crash (repeated)', async () => {
    for (let round = 0; round < 20; round++) {
      const worker = new Worker(workerUrl, { workerData: { backend, path, size } });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
      });
      // Let some completions flow, then pull the rug.
      await new Promise((resolve) => setTimeout(resolve, round % 3));
      const code = await worker.terminate();
      expect(code).toBe(1);
    }
  });

  it('an idle port does not keep the process alive', async () => {
    const child = await scenario('idle', backend, path);
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('read 16\n');
    expect(child.status).toBe(0);
  });

  it('an exception in a callback becomes an uncaught exception; the rest of the batch still runs', async () => {
    const child = await scenario('throw', backend, path);
    expect(child.stdout).toContain('uncaught: boom from callback\n');
    expect(child.stdout).toContain('calls 4\n');
    expect(child.status).toBe(0);
  });

  it('process.exit() with I/O in flight exits cleanly with the given code', async () => {
    for (let round = 0; round < 5; round++) {
      const child = await scenario('exit', backend, path);
      expect(child.signal).toBeNull();
      expect(child.status).toBe(7);
    }
  });
});

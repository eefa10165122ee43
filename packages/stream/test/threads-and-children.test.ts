// The streams load and read in worker threads and forked children (each has its own port). Runs
// the built package (dist), as an application would.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '@tpio/vitest-config/fixtures';

const script = fileURLToPath(new URL('./fixtures/read-file.mjs', import.meta.url));

describe('worker threads and forked children', () => {
  const dir = useTempDir('tpio-stream-workers-');
  const { path: file } = dir.randomFile('data.bin', 300_000);

  it('reads a file in two worker threads at once', async () => {
    const run = () => new Promise<{ bytes: number }>((resolve, reject) => {
      const worker = new Worker(script, { workerData: { file } });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const results = await Promise.all([run(), run()]);
    for (const result of results) expect(result.bytes).toBe(300_000);
  });

  it('reads a file in a forked child', async () => {
    const child = fork(script, [file], { stdio: 'inherit' });
    const result = await new Promise<{ bytes: number }>((resolve, reject) => {
      child.once('message', resolve as never);
      child.once('error', reject);
    });
    expect(result.bytes).toBe(300_000);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
  });
});

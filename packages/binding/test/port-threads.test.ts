// createPort({ threads }) sizes every pool of worker threads the port runs: the threads engine's
// own, and the threads engine a `uring` port hands buffered writes (and more) to. Counted from
// /proc in a child process, which starts no other threads meanwhile.

import { expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { runNodeChild } from '@tpio/vitest-config/child';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { usableBackends } from '../lib/index.js';

const child = fileURLToPath(new URL('./fixtures/threads-child.mjs', import.meta.url));

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir('tpio-port-threads-');

  for (const threads of [1, 3]) {
    // Linux: the count comes from /proc (win-tp, Windows only, runs on the system's thread pool).
    it.skipIf(process.platform !== 'linux')(`a port created with { threads: ${threads} } starts ${threads} worker thread(s) for a buffered write`, async () => {
      const path = dir.file(`threads-${threads}.bin`, '');
      const outcome = await runNodeChild([child, backend, path, String(threads)], { timeout: 30_000 });
      expect(outcome.stderr).toBe('');
      expect(outcome.status).toBe(0);
      const report = JSON.parse(outcome.stdout) as { result: number; bytes: number; started: number; delegated: number };
      expect(report).toEqual({ result: 0, bytes: 65536, started: threads, delegated: backend === 'uring' ? 1 : 0 });
    });
  }
});

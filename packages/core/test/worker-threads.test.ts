import { describe, expect, it } from 'vitest';
import { fstatSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { open } from '../src/index.js';
import { useBackend } from './helpers.js';

const script = new URL('./fixtures/worker.mjs', import.meta.url);
const childScript = new URL('./fixtures/terminate-child.mjs', import.meta.url);
const execFileAsync = promisify(execFile);

/** Starts the fixture worker; `message` settles with its first message (or its error). */
function start(workerData: object): { worker: Worker; message: Promise<any> } {
  const worker = new Worker(script, { workerData });
  const message = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, message };
}

function run(workerData: object): Promise<any> {
  return start(workerData).message;
}

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();
  const { path, data } = dir.randomFile('worker.bin', 1_000_003);
  const digest = createHash('sha256').update(data).digest('hex');

  describe('worker threads (built package)', () => {
    it('each worker reads on its own port while the main thread does too', async () => {
      await using handle = await open(path);
      const main = (async () => {
        let total = 0;
        for await (const chunk of handle.chunks({ chunkSize: 4096, start: 0 })) total += chunk.length;
        return total;
      })();
      const results = await Promise.all([run({ path, backend }), run({ path, backend }), main]);
      for (const result of results.slice(0, 2)) {
        expect(result).toEqual({ backend, digest, many: 200, size: data.length, inFlight: 0 });
      }
      expect(results[2]).toBe(data.length);
    });

    it('terminating a worker that holds an open FileHandle ends, also where only the worker loaded tpio', async () => {
      const { worker, message } = start({ path, backend, mode: 'idle' });
      await message;
      expect(await worker.terminate()).toBe(1);
      // In a process of its own, whose main thread never loads tpio: there the Windows build hung.
      const { stdout } = await execFileAsync(process.execPath, [fileURLToPath(childScript), path, backend]);
      expect(stdout.trim()).toBe('terminated: 1');
    });

    it('terminating a worker with reads in flight is safe', async () => {
      const { worker, message } = start({ path, backend, mode: 'endless' });
      const { fd } = (await message) as { fd: number };
      await new Promise((resolve) => setTimeout(resolve, 20));
      const file = statSync(path);
      expect(await worker.terminate()).toBe(1);
      // The worker's descriptor is closed with its environment, as node closes its FileHandles
      // (the number may already have been reused by another open: then it is another file).
      let stillOurs: boolean;
      try {
        const stats = fstatSync(fd);
        stillOurs = stats.ino === file.ino && stats.dev === file.dev;
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('EBADF');
        stillOurs = false;
      }
      expect(stillOurs).toBe(false);
      // The process is still fine: the main thread keeps reading.
      await using handle = await open(path);
      expect((await handle.read(Buffer.alloc(8), 0, 8, 0)).buffer.equals(data.subarray(0, 8))).toBe(true);
    });
  });
});

import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { open } from './index.js';
import { expectSameOutcome, useBackend } from '../test/helpers.js';

const fsp = fs.promises;
type Handle = Awaited<ReturnType<typeof open>>;

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();
  let serial = 0;

  /** Two identical files: one for our handle, one for node's. */
  async function twins(): Promise<[Handle, fs.promises.FileHandle, string, string]> {
    serial++;
    const a = dir.file(`ours-${serial}.txt`, 'data');
    const b = dir.file(`theirs-${serial}.txt`, 'data');
    return [await open(a, 'r+'), await fsp.open(b, 'r+'), a, b];
  }

  describe('chmod, chown, utimes', () => {
    it('change the file as node\'s FileHandle does', async () => {
      const [ours, theirs, a, b] = await twins();
      try {
        for (const mode of [0o600, '644', 0o444, '0755']) {
          await expectSameOutcome(ours.chmod(mode), theirs.chmod(mode));
          expect(fs.statSync(a).mode).toBe(fs.statSync(b).mode);
        }
        for (const [atime, mtime] of [[1_000, 2_000], [new Date(3_000_000), new Date(4_000_500)], ['5000', '6000.5']] as const) {
          await expectSameOutcome(ours.utimes(atime, mtime), theirs.utimes(atime, mtime));
          const [x, y] = [fs.statSync(a), fs.statSync(b)];
          expect(x.mtimeMs).toBe(y.mtimeMs);
          // Wine moves the access time to "now" on the next access, for node's file as for ours.
          if (process.platform !== 'win32') expect(x.atimeMs).toBe(y.atimeMs);
        }
        const { uid, gid } = fs.statSync(a);
        await expectSameOutcome(ours.chown(-1, -1), theirs.chown(-1, -1));
        await expectSameOutcome(ours.chown(uid, gid), theirs.chown(uid, gid));
        expect((await ours.stat()).mode).toBe(fs.statSync(a).mode);
      } finally {
        await ours.close();
        await theirs.close();
      }
    });

    it('reject bad arguments with node\'s errors', async () => {
      const [ours, theirs] = await twins();
      try {
        const calls: [string, unknown[]][] = [
          ['chmod', ['x']],
          ['chmod', [{}]],
          ['chmod', [-1]],
          ['chown', ['a', 1]],
          ['chown', [1, -2]],
          ['utimes', [{}, 1]],
          ['utimes', [1, 'soon']],
        ];
        for (const [method, args] of calls) {
          const call = (handle: object) => (handle as Record<string, (...values: unknown[]) => Promise<void>>)[method]!(...args);
          await expectSameOutcome(call(ours), call(theirs));
        }
      } finally {
        await ours.close();
        await theirs.close();
      }
    });

    it('reject with node\'s "file closed" error once the handle is closed', async () => {
      const [ours, theirs] = await twins();
      await ours.close();
      await theirs.close();
      await expectSameOutcome(ours.chmod(0o600), theirs.chmod(0o600));
      await expectSameOutcome(ours.chown(-1, -1), theirs.chown(-1, -1));
      await expectSameOutcome(ours.utimes(1, 1), theirs.utimes(1, 1));
    });

    it('finish before close() closes the descriptor', async () => {
      // chmod and utimes are never in flight together here: on Windows libuv's fchmod writes back
      // the whole FileBasicInformation it read, times included, so a utimes that lands between its
      // read and its write is undone (node:fs's own calls race the same way).
      async function closeWhileRunning(calls: (handle: Handle) => Promise<void>[]): Promise<[string, string]> {
        const [ours, theirs, a, b] = await twins();
        await theirs.chmod(0o640);
        await theirs.close();
        let settled = 0;
        const running = calls(ours).map((call) => call.then(() => settled++));
        await ours.close();
        expect(settled).toBe(running.length);
        await Promise.all(running);
        return [a, b];
      }
      const [chmodded, node] = await closeWhileRunning((handle) => [handle.chmod(0o640), handle.chown(-1, -1)]);
      expect(fs.statSync(chmodded).mode).toBe(fs.statSync(node).mode);
      const [touched] = await closeWhileRunning((handle) => [handle.utimes(7, 8), handle.chown(-1, -1)]);
      expect(fs.statSync(touched).mtimeMs).toBe(8_000);
    });
  });
});

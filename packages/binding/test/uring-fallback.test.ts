// Engine fallback: io_uring setup failing (seccomp, io_uring_disabled, memlock; forced here with
// the TPIO_TEST_URING_SETUP_ERRNO hook in a child process) and ops io_uring cannot finish
// (EOPNOTSUPP completions re-run on the threads engine).

import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, probe, usableBackends } from '../lib/index.js';

const dist = new URL('../dist/index.js', import.meta.url).href;
const uringCompiled = probe().backends.includes('uring');

function runChild(script: string, env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.TPIO_BACKEND;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as tpio from '${dist}';\n${script}`], {
    env: childEnv,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!uringCompiled)('io_uring setup failure (child process, skipped: uring engine not compiled in)', () => {
  const check = `
    const port = tpio.createPort({ backend: 'auto' });
    let forced;
    try { tpio.createPort({ backend: 'uring' }); forced = 'created'; } catch (error) { forced = error.code + ' ' + error.message; }
    const fd = (await import('node:fs')).openSync(process.execPath, 'r');
    const io = port.createIo(fd, (_c, _r, result, bytes) => {
      console.log(JSON.stringify({ backend: port.backend, reason: port.fallbackReason, forced, usable: tpio.usableBackends(), result, bytes }));
      port.close();
    });
    io.start();
    io.read({ buffer: Buffer.alloc(16), position: 0 });
  `;

  for (const [errno, hint] of [
    ['EPERM', /blocked by seccomp or kernel\.io_uring_disabled/],
    ['ENOSYS', /kernel built without io_uring/],
    ['ENOMEM', /RLIMIT_MEMLOCK/],
  ] as const) {
    it(`auto falls back to threads with a reason; backend 'uring' throws (${errno})`, () => {
      const child = runChild(check, { TPIO_TEST_URING_SETUP_ERRNO: errno });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      const report = JSON.parse(child.stdout.trim());
      expect(report.backend).toBe('threads');
      expect(report.reason).toMatch(new RegExp(`^uring unavailable: io_uring_setup failed: ${errno}`));
      expect(report.reason).toMatch(hint);
      expect(report.forced).toMatch(/^ERR_TPIO_BACKEND_UNAVAILABLE .*io_uring_setup failed/);
      expect(report.usable).toEqual(['threads']);
      expect(report).toMatchObject({ result: 0, bytes: 16 });
    });
  }

  it('tpio doctor data reports the setup failure', () => {
    const child = runChild(`console.log(JSON.stringify(tpio.probe()));`, { TPIO_TEST_URING_SETUP_ERRNO: 'EPERM' });
    const report = JSON.parse(child.stdout.trim());
    expect(report.uringOps).toEqual([]);
    expect(report.uringError).toMatch(/EPERM/);
  });

  it('without the hook, the kernel opcodes are listed', () => {
    const report = probe();
    if (report.uringError !== null) return; // io_uring blocked on this host: nothing to list
    expect(report.uringOps).toEqual(expect.arrayContaining(['READ', 'WRITE', 'STATX', 'ASYNC_CANCEL']));
  });
});

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir('tpio-uring-fallback-');

  // Linux only: FALLOC_FL_PUNCH_HOLE without KEEP_SIZE and the io_uring -> threads re-run are Linux
  // kernel behaviour; Windows has no fallocate modes (both engines answer ENOTSUP there).
  it.skipIf(process.platform === 'win32')('an op the kernel answers with EOPNOTSUPP completes once, with the threads engine\'s result', async () => {
    const port = createPort({ backend });
    const fd = openSync(dir.file('punch.bin', 'x'.repeat(8192)), 'r+');
    try {
      // PUNCH_HOLE without KEEP_SIZE is EOPNOTSUPP on every filesystem (vfs_fallocate): on io_uring
      // the CQE is re-run on the threads engine, which reports the same error.
      const calls: number[] = [];
      await new Promise<void>((resolve) => {
        const io = port.createIo(fd, (_context, _request, result) => {
          calls.push(result);
          setTimeout(resolve, 20);
        });
        io.start();
        io.fallocate({ position: 0, length: 4096, mode: 0x02 });
      });
      expect(calls).toEqual([-osConstants.errno.EOPNOTSUPP]);
    } finally {
      closeSync(fd);
      await port.close();
    }
  });
});

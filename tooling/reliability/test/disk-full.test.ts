// Disk full and read-only files. A 1 MiB tmpfs fills up: writes report ENOSPC (through the
// binding on every engine, and through @tpio/core's writeFile) and the bytes written before stay
// intact. Opening a read-only file for writing reports EACCES (as nobody: root ignores modes), and
// writing under a read-only bind mount reports EROFS. Mounting needs root (CAP_SYS_ADMIN): the
// skips say so.

import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPort, usableBackends } from '@tpio/binding';
import { backendsToTest } from '@tpio/vitest-config/backends';
import { fixture, isRoot, optionalImport, runNode } from './helpers.js';

const engines = backendsToTest(usableBackends());
const base = mkdtempSync(join(tmpdir(), 'tpio-rel-full-'));
const mountPoint = join(base, 'small');
const roMount = join(base, 'ro');
chmodSync(base, 0o755); // nobody must reach the files: only their own modes may say no
mkdirSync(mountPoint);
mkdirSync(roMount);

function mount(args: string[]): string | undefined {
  const result = spawnSync('mount', args, { encoding: 'utf8' });
  return result.status === 0 ? undefined : (result.stderr || result.error?.message || `mount exited ${result.status}`).trim();
}
const tmpfsProblem = isRoot ? mount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]) : 'not root';
afterAll(() => {
  if (!tmpfsProblem) spawnSync('umount', [mountPoint]);
  spawnSync('umount', [roMount]);
  rmSync(base, { recursive: true, force: true });
});

function write(port: ReturnType<typeof createPort>, fd: number, buffer: Buffer, position: number): Promise<[number, number]> {
  return new Promise((resolve) => {
    const io = port.createIo(fd, (_context, _request, result, bytes) => resolve([result, bytes]));
    io.start();
    io.write({ buffer, position });
  });
}

describe.skipIf(Boolean(tmpfsProblem))(`disk full (1 MiB tmpfs)${tmpfsProblem ? ` (skipped: cannot mount tmpfs: ${tmpfsProblem})` : ''}`, () => {
  for (const engine of engines) {
    it(`[${engine}] writes fill the disk, then report ENOSPC; the earlier bytes are intact`, async () => {
      const port = createPort({ backend: engine });
      const path = join(mountPoint, `fill-${engine}.bin`);
      const fd = openSync(path, 'w+');
      const data = randomBytes(2 * 1024 * 1024);
      let position = 0;
      let error = 0;
      while (position < data.length) {
        const [result, bytes] = await write(port, fd, data.subarray(position, position + 64 * 1024), position);
        if (result < 0) {
          error = result;
          break;
        }
        expect(bytes).toBeGreaterThan(0);
        position += bytes;
      }
      closeSync(fd);
      await port.close();
      expect(error).toBe(-28); // ENOSPC
      expect(position).toBeGreaterThan(0);
      expect(position).toBeLessThanOrEqual(1024 * 1024);
      expect(readFileSync(path).equals(data.subarray(0, position))).toBe(true);
      rmSync(path);
    });
  }

  it('@tpio/core writeFile rejects with ENOSPC; a file written before is intact', async () => {
    const core = await optionalImport<typeof import('@tpio/core')>('@tpio/core', (module) => typeof module.writeFile === 'function');
    if (!core.module) return console.log(`skipped: ${core.missing}`);
    const first = randomBytes(300 * 1024);
    await core.module.writeFile(join(mountPoint, 'first.bin'), first);
    const error = await core.module.writeFile(join(mountPoint, 'second.bin'), randomBytes(2 * 1024 * 1024)).then(() => undefined, (reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'ENOSPC', syscall: 'write' });
    expect(readFileSync(join(mountPoint, 'first.bin')).equals(first)).toBe(true);
  });
});

describe.skipIf(!isRoot)(`read-only${isRoot ? '' : ' (skipped: needs root to drop to nobody and to bind-mount)'}`, () => {
  it(`opening a 0444 file for writing reports EACCES (as nobody) on ${engines.join(', ')} and in core`, () => {
    const dir = mkdtempSync(join(base, 'acl-'));
    chmodSync(dir, 0o755);
    const file = join(dir, 'readonly.txt');
    writeFileSync(file, 'keep me', { mode: 0o444 });
    chownSync(file, 65534, 65534); // nobody's own file: only the mode forbids writing
    const child = runNode([fixture('eacces-child.mjs'), file, ...engines]);
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout);
    for (const engine of engines) expect(report[engine]).toEqual({ write: -13, read: 'fd' }); // EACCES; reading works
    if (report.core !== undefined) expect(report.core).toBe('EACCES open');
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  const bindProblem = isRoot ? mount(['--bind', base, roMount]) ?? mount(['-o', 'remount,bind,ro', roMount]) : 'not root';
  it.skipIf(Boolean(bindProblem))(`writing under a read-only bind mount reports EROFS${bindProblem ? ` (skipped: ${bindProblem})` : ''}`, async () => {
    writeFileSync(join(base, 'ro-target.txt'), 'old');
    for (const engine of engines) {
      const port = createPort({ backend: engine });
      const result = await new Promise((resolve) => port.open({ path: join(roMount, 'ro-target.txt'), flags: 1 /* O_WRONLY */, mode: 0 }, resolve));
      expect(result).toBe(-30); // EROFS
      await port.close();
    }
  });
});

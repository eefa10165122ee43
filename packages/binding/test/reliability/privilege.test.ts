// After a privilege drop (setgid/setuid to nobody), tpio must not open a root-only file on any
// engine — including on a port created and used before the drop. That is the class of
// CVE-2024-22017: libuv's io_uring kept the ring creator's credentials for work done after setuid.
// Runs only as root (the drop needs it); the skip says so.

import { expect, it, describe } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { backendsToTest } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { usableBackends } from '../../lib/index.js';

const childPath = fileURLToPath(new URL('./fixtures/privilege-child.mjs', import.meta.url));
const isRoot = process.getuid?.() === 0;

describe.skipIf(!isRoot)(`privilege drop${isRoot ? '' : ' (skipped: the tests do not run as root, so they cannot drop privileges)'}`, () => {
  const dir = useTempDir('tpio-rel-priv-');
  chmodSync(dir.path, 0o755); // nobody may enter the folder: only the file's own mode protects it
  const secret = join(dir.path, 'secret.txt');
  writeFileSync(secret, 'root only\n', { mode: 0o600 });
  const publicFile = join(dir.path, 'public.txt');
  writeFileSync(publicFile, 'anyone\n', { mode: 0o644 });
  const engines = backendsToTest(usableBackends());

  const variants: [string, Record<string, string>][] = [['default rings', {}]];
  // SQPOLL's kernel thread keeps the ring creator's credentials: the engine must notice the drop.
  if (engines.includes('uring')) variants.push(['SQPOLL rings (TPIO_URING_SQPOLL=1)', { TPIO_URING_SQPOLL: '1' }]);

  for (const [variant, env] of variants) {
    it(`nobody cannot open a root-only file on ${engines.join(', ')}, even on a port created before the drop (${variant})`, () => {
      const child = spawnSync(process.execPath, [childPath, secret, publicFile, ...engines], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      const report = JSON.parse(child.stdout);
      expect(report).toMatchObject({ uid: 65534, euid: 65534 });
      for (const engine of engines) {
        expect(report.engines[engine]).toEqual({
          backend: engine,
          secretOnPortBeforeDrop: ['-13'], // EACCES, every one of 64 concurrent opens
          secretOnPortAfterDrop: ['-13'],
          publicOnPortBeforeDrop: true,
        });
      }
    });
  }
});

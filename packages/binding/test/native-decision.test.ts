// Builds and runs test/native/tp_io_decision_test.cc: the win-tp decisions Wine cannot reach
// (synchronous completion on a skip-on-success handle, immediate EOF, immediate failure) and the
// Win32 -> errno table. Pure C++ without Windows headers, so it runs wherever a host C++ compiler is.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiler = process.env.CXX ?? 'g++';
const haveCompiler = process.platform !== 'win32' && spawnSync(compiler, ['--version'], { stdio: 'ignore' }).status === 0;

describe('win-tp decision logic (native unit test)', () => {
  it.skipIf(!haveCompiler)('passes every check', () => {
    const out = mkdtempSync(join(tmpdir(), 'tpio-native-'));
    try {
      const exe = join(out, 'tp_io_decision_test');
      const build = spawnSync(compiler, [
        '-std=c++20', '-Wall', '-Wextra', '-Werror', `-I${join(packageRoot, 'src')}`,
        join(packageRoot, 'test', 'native', 'tp_io_decision_test.cc'),
        join(packageRoot, 'src', 'win', 'tp_io_decision.cc'),
        join(packageRoot, 'src', 'win', 'win_errno.cc'),
        '-o', exe,
      ], { encoding: 'utf8' });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
      const run = spawnSync(exe, { encoding: 'utf8' });
      expect(run.stdout).toMatch(/^\d+ checks, 0 failed\n$/m);
      expect(run.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

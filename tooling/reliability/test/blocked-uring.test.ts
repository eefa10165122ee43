// io_uring denied the way container runtimes deny it (seccomp: io_uring_setup -> EPERM), through
// tooling/reliability/no-uring.c, built here with cc. `auto` must fall back to threads and say why,
// a forced `uring` must fail loudly, and the binding and core suites must pass under the filter.

import { describe, expect, it } from 'vitest';
import { writeFileSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNoUring, fixture, repoRoot, runNode } from './helpers.js';
import { failedTests } from '../../ci/vitest-report.mjs';

const launcher = buildNoUring();
const scratch = mkdtempSync(join(tmpdir(), 'tpio-blocked-'));

describe.skipIf(!launcher.path)(`io_uring blocked by seccomp${launcher.missing ? ` (skipped: ${launcher.missing})` : ''}`, () => {
  it('the filter makes io_uring_setup fail with EPERM', () => {
    const check = runNode([], { prefix: [launcher.path!, '--check'], env: { LD_PRELOAD: undefined } });
    // runNode appends node to the prefix; --check ignores everything after it.
    expect(check.stdout).toBe('io_uring_setup: EPERM\n');
    expect(check.status).toBe(0);
  });

  it("auto falls back to threads with the reason; backend: 'uring' fails loudly; reads work", () => {
    const file = join(scratch, 'hello.txt');
    writeFileSync(file, 'hello');
    const child = runNode([fixture('auto-port.mjs'), file], { prefix: [launcher.path!], env: { TPIO_BACKEND: undefined } });
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout);
    expect(report.backend).toBe('threads');
    expect(report.fallbackReason).toMatch(/io_uring_setup failed: EPERM/);
    expect(report.forced).toBe('ERR_TPIO_BACKEND_UNAVAILABLE');
    expect(report).toMatchObject({ result: 0, bytes: 5 });
  });

  for (const suite of ['packages/binding', 'packages/core', 'packages/stream']) {
    it(`the ${suite} suite passes under the filter (TPIO_BACKEND unset: auto)`, () => {
      const reportFile = join(scratch, `${suite.replace(/\//g, '_')}.json`);
      const cwd = join(repoRoot, suite);
      const child = runNode([join(cwd, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=json', `--outputFile=${reportFile}`], {
        prefix: [launcher.path!],
        cwd,
        env: { TPIO_BACKEND: undefined, TPIO_REL_WORKERS: '20' },
        timeout: 240_000,
      });
      const report = JSON.parse(readFileSync(reportFile, 'utf8'));
      console.log(`${suite} under no-uring: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
      if (child.status !== 0) console.log(child.stdout.slice(-4000), child.stderr.slice(-4000));
      // The nested run's report lives in a temporary directory: name what failed, with why.
      expect(failedTests(report, repoRoot)).toEqual([]);
      expect(report.numFailedTests).toBe(0);
      expect(child.status).toBe(0);
    }, 300_000);
  }
});

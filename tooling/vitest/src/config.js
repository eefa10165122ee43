// Shared vitest configuration. Each package's vitest.config.ts calls tpioVitestConfig(); when
// TPIO_TEST_REPORT_DIR is set (CI), results are also written as JSON for the pass/fail count.
// Plain JavaScript: vitest loads config files with Node's own loader, which does not read TypeScript.

import { defineConfig } from 'vitest/config';
import { join } from 'node:path';

/**
 * @param {string} name package name, used for the JSON report file
 * @param {string[]} [include] test globs
 */
export function tpioVitestConfig(name, include = ['src/**/*.test.ts', 'test/**/*.test.ts']) {
  const reportDir = process.env.TPIO_TEST_REPORT_DIR;
  const backend = process.env.TPIO_BACKEND ?? 'all';
  /** @type {any[]} */
  const reporters = ['default'];
  if (reportDir) reporters.push(['json', { outputFile: join(reportDir, `${name.replace(/[@/]/g, '_')}-${backend}.json`) }]);
  return defineConfig({
    test: {
      include,
      reporters,
      // Native handles and worker threads: forks isolate a crash to one file and keep teardown real.
      pool: 'forks',
      testTimeout: 60_000,
      hookTimeout: 60_000,
      fileParallelism: false,
    },
  });
}

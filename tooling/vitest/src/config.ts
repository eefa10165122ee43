// Shared vitest configuration. Each package's vitest.config.ts calls tpioVitestConfig(); when
// TPIO_TEST_REPORT_DIR is set (CI), results are also written as JSON for the pass/fail count.

import { defineConfig } from 'vitest/config';
import { join } from 'node:path';

export function tpioVitestConfig(name: string, include: string[] = ['src/**/*.test.ts', 'test/**/*.test.ts']) {
  const reportDir = process.env.TPIO_TEST_REPORT_DIR;
  const backend = process.env.TPIO_BACKEND ?? 'all';
  const reporters: any[] = ['default'];
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

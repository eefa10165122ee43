// Reading vitest JSON reports (`--reporter=json`): the tests that failed and the files that did
// not load. Used by summarize.mjs and by tests that run a suite in a nested vitest.

import { relative } from 'node:path';

/** A file that failed to load has no failed tests but a failed suite: it counts as one failure. */
export function isBrokenFile(file) {
  return file.status === 'failed' && file.assertionResults.length === 0;
}

/**
 * "<test file> > <test>: <first line of the message>" for each failed test of `report`, and
 * "<test file> did not load: <message>" for each file that did not load; paths relative to `base`.
 */
export function failedTests(report, base = process.cwd()) {
  const lines = [];
  for (const file of report.testResults) {
    const where = relative(base, file.name);
    for (const test of file.assertionResults) {
      if (test.status !== 'failed') continue;
      const message = (test.failureMessages?.[0] ?? '').split('\n')[0];
      lines.push(`${where} > ${test.fullName}: ${message}`);
    }
    if (isBrokenFile(file)) lines.push(`${where} did not load: ${(file.message ?? '').split('\n')[0]}`);
  }
  return lines;
}

#!/usr/bin/env node
// Sums test results from vitest JSON reports (*.json) and plain count files (*.counts holding
// "passed failed") in a directory, and prints the one line CI reads: `N passed, N failed`.
// Usage: node tooling/ci/summarize.mjs <dir> [extra-failures]

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, extra = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(extra);
for (const name of readdirSync(dir).sort()) {
  const path = join(dir, name);
  if (name.endsWith('.json')) {
    const report = JSON.parse(readFileSync(path, 'utf8'));
    passed += report.numPassedTests;
    // A file that failed to load has no failed tests but a failed suite: count it.
    const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
    failed += report.numFailedTests + brokenFiles;
    console.error(`  ${name}: ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles} failed`);
  } else if (name.endsWith('.counts')) {
    const [p, f] = readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
    passed += p;
    failed += f;
    console.error(`  ${name}: ${p} passed, ${f} failed`);
  }
}
console.log(`${passed} passed, ${failed} failed`);

#!/usr/bin/env node
// Sums test results from vitest JSON reports (*.json) and plain count files (*.counts holding
// "passed failed") in a directory, and prints the one line CI reads: `N passed, N failed`.
// Before it, on stderr, it names every failed test found in the JSON reports of the directory and
// of its subdirectories (asan/ holds the sanitizer run's): CI keeps only the tail of a long log, so
// the names must come last to be seen.
// Usage: node tooling/ci/summarize.mjs <dir> [extra-failures]

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { failedTests, isBrokenFile } from './vitest-report.mjs';

const [dir, extra = '0'] = process.argv.slice(2);

/** "<report>: <test file> > <test>: <first line of the message>" for each failure in a report. */
function failureLines(name, report) {
  return failedTests(report).map((line) => `    ${name}: ${line}`);
}

/** Failure lines of every JSON report under `root`, subdirectories included. */
function allFailures(root) {
  const lines = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) lines.push(...allFailures(path));
    else if (entry.name.endsWith('.json')) lines.push(...failureLines(relative(dir, path), JSON.parse(readFileSync(path, 'utf8'))));
  }
  return lines;
}

let passed = 0;
let failed = Number(extra);
for (const name of readdirSync(dir).sort()) {
  const path = join(dir, name);
  if (name.endsWith('.json')) {
    const report = JSON.parse(readFileSync(path, 'utf8'));
    const broken = report.testResults.filter(isBrokenFile).length;
    passed += report.numPassedTests;
    failed += report.numFailedTests + broken;
    console.error(`  ${name}: ${report.numPassedTests} passed, ${report.numFailedTests + broken} failed`);
  } else if (name.endsWith('.counts')) {
    const [p, f] = readFileSync(path, 'utf8').trim().split(/\s+/).map(Number);
    passed += p;
    failed += f;
    console.error(`  ${name}: ${p} passed, ${f} failed`);
  }
}
const failures = allFailures(dir);
if (failures.length > 0) console.error(`  failed tests:\n${failures.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);

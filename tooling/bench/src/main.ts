// tpio bench: `pnpm bench [-- --size 1g --runs 5 --duration 1 --cases random,sequential --json out.json]`.
// Measures every selected case in one run, alternating contenders round by round, warming the page
// cache before each round, and prints medians with ratios to the baselines of the same run.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allCases } from './cases/index.js';
import type { BenchContext, CaseResult, Measurement } from './harness.js';
import { benchRoot, compileNative, ensureDataFile, median, runJsChild, warm } from './harness.js';
import { formatTable, summarize } from './report.js';

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!match) throw new Error(`--size: cannot parse "${text}" (e.g. 1g, 256m)`);
  const unit = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(match[1]) * unit);
}

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1g' },
    runs: { type: 'string', default: '5' },
    duration: { type: 'string', default: '1' },
    cases: { type: 'string', default: '' },
    json: { type: 'string' },
    dir: { type: 'string', default: join(benchRoot, '..', '..', '.bench') },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

if (values.help) {
  console.log('usage: bench [--size 1g] [--runs 5] [--duration 1] [--cases <id substrings, comma separated>] [--json <file>] [--dir .bench]');
  console.log(`cases: ${allCases.map((c) => c.id).join(', ')}`);
  process.exit(0);
}

const size = parseSize(values.size!);
const runs = Math.max(1, Number(values.runs));
const filters = values.cases!.split(',').map((part) => part.trim()).filter(Boolean);
const selected = allCases.filter((c) => filters.length === 0 || filters.some((filter) => c.id.includes(filter)));
const workDir = values.dir!;

console.log(`tpio bench: ${selected.length} case(s), file ${(size / 2 ** 20).toFixed(0)} MiB in ${workDir}, ${runs} run(s) of ${values.duration} s`);
const file = ensureDataFile(workDir, size);
const native: Record<string, string> = {};
for (const [name, extra] of [['uring_randread', []], ['pread_randread', ['-pthread']]] as const) {
  const binary = compileNative(name, workDir, [...extra]);
  if (binary) native[name] = binary;
}
const context: BenchContext = { file, size, duration: Number(values.duration), workDir, native };

const idle: Measurement[] = [];
for (let i = 0; i < Math.min(runs, 3); i++) idle.push(await runJsChild('meter.js', 'idle', context.duration as unknown as object));
const idleP99Ms = median(idle.map((run) => run.loopP99Ms ?? 0));

const results: CaseResult[] = [];
for (const benchCase of selected) {
  const skipped = new Map<string, string>();
  const available = benchCase.contenders.filter((contender) => {
    const reason = contender.unavailable?.(context);
    if (reason) skipped.set(contender.name, reason);
    return !reason;
  });
  // Each contender's measurements by round number, so that ratios can be paired within a round.
  const measured = new Map(available.map((contender) => [contender.name, new Array<Measurement | undefined>(runs).fill(undefined)]));
  for (let run = 0; run < runs; run++) {
    await warm(file);
    // Alternate: each round starts with a different contender, so drift hits everyone alike.
    for (let i = 0; i < available.length; i++) {
      const contender = available[(i + run) % available.length]!;
      try {
        measured.get(contender.name)![run] = await contender.run(context);
      } catch (error) {
        skipped.set(contender.name, (error as Error).message.split('\n')[0]!.slice(0, 160));
      }
    }
    process.stderr.write(`  ${benchCase.id}: round ${run + 1}/${runs} done\n`);
  }
  results.push(summarize(benchCase, measured, skipped));
}

console.log(formatTable(results, idleP99Ms, runs));
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify({ size, runs, duration: context.duration, idleP99Ms, cases: results }, null, 2)}\n`);
  console.log(`\nJSON written to ${values.json}`);
}

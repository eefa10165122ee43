// `tpio bench` (the default job): tpio against node:fs on one file, in one run — random 4 KiB reads
// at queue depth 64, a sequential stream read, and copies. Contenders alternate run by run and the
// median counts; the file is read fully right before each case (this VM evicts idle page cache).

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { backendChoice } from '../backend.js';
import { benchCases, type BenchContext, type Contender } from '../bench-cases.js';
import { measured, renderTable, type BenchReport, type BenchRow } from '../bench-report.js';
import { createTempDir, warm, writeRandomFile } from '../temp-file.js';
import { formatBytes, integerIn, parseSize } from '../format.js';

export interface BenchOptions {
  size: number;
  file?: string;
  runs: number;
  duration: number;
  json?: boolean;
}

const minimumSize = 64 * 1024;

/** A one-line status on a TTY stderr, rewritten in place (cut to the width); nothing otherwise. */
function status(text: string): void {
  if (process.stderr.isTTY !== true) return;
  process.stderr.write(`\r\x1b[K${text.slice(0, Math.max((process.stderr.columns || 80) - 1, 20))}`);
}

/** Runs every contender of a case `runs` times, alternating their order; rates per contender. */
async function runCase(contenders: Contender[], context: BenchContext, runs: number, label: string): Promise<Map<Contender, number[]>> {
  const rates = new Map(contenders.map((contender) => [contender, [] as number[]]));
  warm(context.file);
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      status(`${label}: ${contender.api} (run ${run + 1}/${runs})`);
      rates.get(contender)!.push(await contender.run(context));
      contender.after?.(context);
    }
  }
  return rates;
}

export async function bench(options: BenchOptions): Promise<void> {
  const temp = createTempDir('tpio-bench-');
  try {
    let file = options.file;
    let size = options.size;
    if (file === undefined) {
      file = join(temp.path, 'bench.bin');
      status(`creating a ${formatBytes(size)} file of random bytes`);
      writeRandomFile(file, size);
    } else {
      size = statSync(file).size;
      if (size < minimumSize) throw new Error(`${file} has ${size} bytes; the bench needs at least ${formatBytes(minimumSize)}`);
    }
    const context: BenchContext = { file, size, dir: temp.path, durationMs: options.duration };
    const { backend, fallbackReason } = backendChoice();
    const rows: BenchRow[] = [];
    for (const benchCase of benchCases) {
      const rates = await runCase([...benchCase.node, benchCase.tpio], context, options.runs, benchCase.name);
      const tpio = measured(benchCase.unit, benchCase.tpio.api, rates.get(benchCase.tpio)!);
      for (const contender of benchCase.node) {
        const node = measured(benchCase.unit, contender.api, rates.get(contender)!);
        rows.push({ case: benchCase.id, name: contender.row ?? benchCase.name, unit: benchCase.unit, node, tpio, speedup: tpio.median / node.median });
      }
    }
    const report: BenchReport = {
      backend,
      fallbackReason,
      file: { path: file, size, temporary: options.file === undefined },
      runs: options.runs,
      durationMs: options.duration,
      rows,
    };
    status('');
    process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${renderTable(report)}\n`);
  } finally {
    status('');
    temp.remove();
  }
}

function parseBenchSize(text: string): number {
  const size = parseSize(text);
  if (size < minimumSize) throw new InvalidArgumentError(`the bench needs at least ${formatBytes(minimumSize)}.`);
  return size;
}

export function register(program: Command): void {
  program
    .command('bench', { isDefault: true })
    .description('compare tpio with node:fs on this machine (the default command)')
    .addOption(new Option('-s, --size <size>', 'size of the temporary file, e.g. 16MiB, 1GiB').default(256 * 1024 * 1024, '256MiB').argParser(parseBenchSize))
    .option('--file <path>', 'use this existing file instead of a temporary one (it is only read)')
    .addOption(new Option('--runs <n>', 'runs per contender; the median counts').default(3).argParser(integerIn(1, 99)))
    .addOption(new Option('--duration <ms>', 'length of one random-read run in ms').default(1000).argParser(integerIn(10, 60_000)))
    .option('--json', 'print the results as JSON')
    .addHelpText('after', '\nExamples:\n  tpio bench\n  tpio bench --size 1GiB --runs 5\n  tpio bench --file /data/big.iso --json')
    .action((options: BenchOptions) => bench(options));
}

// The harness: shared helpers for every case group. A case group (src/cases/*.ts) registers cases;
// each case has contenders that are measured in child processes (fresh heap, own CPU accounting),
// alternating contenders within a round, warming the page cache before each round, and reporting
// medians of the rounds plus ratios to the case's baselines measured in the same run.

import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, openSync, closeSync, writeSync, statSync, unlinkSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One measurement window of one contender. */
export interface Measurement {
  ops: number;
  bytes: number;
  seconds: number;
  /** CPU time (user + system, all threads) spent in the window, in microseconds. */
  cpuUs: number;
  /** Event-loop delay p99 in milliseconds (JS contenders only). */
  loopP99Ms?: number;
}

/** What every contender gets: the data file and the options of this run. */
export interface BenchContext {
  file: string;
  size: number;
  duration: number;
  workDir: string;
  /** Compiled native helpers by name (absent when no C compiler was found). */
  native: Record<string, string>;
}

/** One competitor in a case. `run` returns one measurement (it usually spawns a child). */
export interface Contender {
  name: string;
  /** Skipped (with the reason) when this returns a string. */
  unavailable?(context: BenchContext): string | undefined;
  run(context: BenchContext): Promise<Measurement>;
}

/** One row group of the table: contenders measured under the same conditions. */
export interface BenchCase {
  /** Stable id used by --cases, e.g. "random-4k/qd64". */
  id: string;
  title: string;
  contenders: Contender[];
  /** Contender names the ratios are computed against, e.g. { 'x fs.promises': 'fs.promises' }. */
  baselines: Record<string, string>;
  /** Lines printed under the group's table, e.g. the ratio targets the case is measured against. */
  notes?: string[];
}

export interface ContenderResult {
  name: string;
  skipped?: string;
  runs: Measurement[];
  median?: Measurement & { opsPerSec: number; gbPerSec: number; cpuUsPerOp: number };
  /** Ratio of the medians, by the case's baseline labels. */
  ratios: Record<string, number | null>;
  /** By baseline label: this contender's throughput over the baseline's in each round (null: one of them has none). */
  roundRatios: Record<string, (number | null)[]>;
}

export interface CaseResult {
  id: string;
  title: string;
  /** The case's ratio columns: label -> the contender they divide by. */
  baselines: Record<string, string>;
  results: ContenderResult[];
  notes?: string[];
}

export const benchRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Creates (once, then reused) a file of `size` random bytes in `dir`. */
export function ensureDataFile(dir: string, size: number): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `data-${size}.bin`);
  if (existsSync(file) && statSync(file).size === size) return file;
  const fd = openSync(file, 'w');
  const chunk = Buffer.allocUnsafe(8 << 20);
  try {
    for (let written = 0; written < size; ) {
      const length = Math.min(chunk.length, size - written);
      randomFillSync(chunk, 0, length);
      written += writeSync(fd, chunk, 0, length);
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Reads the whole file so the measurement runs from the page cache (this VM evicts idle pages). */
export async function warm(file: string): Promise<void> {
  await new Promise<void>((resolvePromise, reject) => {
    const stream = createReadStream(file, { highWaterMark: 4 << 20 });
    stream.on('data', () => {});
    stream.on('end', resolvePromise);
    stream.on('error', reject);
  });
}

/**
 * Writes `size` bytes to a scratch file in `dir` and deletes it, just before a write contender
 * measures: its page cache then comes from memory freed a moment ago. On a guest that reports free
 * memory to its host (virtio-balloon free page reporting, as the development VM does), a 1 GiB
 * write stream that starts a few seconds after the last big free ran at ~1 GB/s against ~3 for
 * every writer, node's included, and which state a contender drew decided its round
 * (tooling/bench/README.md, "Fresh memory after idle"). Every write contender gets the same warm-up.
 */
export function warmWriteMemory(dir: string, size: number): void {
  const path = join(dir, `warm-write-${process.pid}.bin`);
  const block = Buffer.alloc(Math.min(size, 1 << 20), 0xa5);
  const fd = openSync(path, 'w');
  try {
    for (let position = 0; position < size; position += block.length) writeSync(fd, block, 0, Math.min(block.length, size - position), position);
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}

/** Compiles tooling/bench/native/<name>.c into the work dir with `cc -O2`; null without a compiler. */
export function compileNative(name: string, workDir: string, extra: string[] = []): string | null {
  const source = join(benchRoot, 'native', `${name}.c`);
  const output = join(workDir, name);
  try {
    if (!existsSync(output) || statSync(output).mtimeMs < statSync(source).mtimeMs) {
      execFileSync('cc', ['-O2', '-o', output, source, ...extra], { stdio: 'pipe' });
    }
    return output;
  } catch {
    return null;
  }
}

/** Runs a program that prints one Measurement as JSON on its last stdout line. */
export function runJsonProcess(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (data) => (out += data));
    child.stderr.on('data', (data) => (err += data));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${err.trim() || out.trim()}`));
        return;
      }
      resolvePromise(JSON.parse(line) as Measurement);
    });
  });
}

/**
 * glibc's MALLOC_TOP_PAD_ at 64 MiB, for contenders that show what the process setting is worth.
 * Reading into fresh large Buffers is bound by first-touch page faults: the garbage collector frees
 * a few dozen of them at once, glibc gives that memory back to the system, and the next Buffers
 * fault it in again. With the pad glibc keeps 64 MiB at the top of its heap, so the next Buffers
 * reuse memory already mapped. It is the user's choice, for the whole process (node:fs benefits as
 * much), so the targets are read against the contenders without it.
 */
export const topPad: NodeJS.ProcessEnv = { MALLOC_TOP_PAD_: String(64 << 20) };

/**
 * Runs `export function <fn>(params)` of a case module (dist/cases/<module>.js) in a fresh Node
 * child through dist/child.js. `env` is set before Node starts (e.g. UV_USE_IO_URING=1).
 */
export function runJsChild(module: string, fn: string, params: object, env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  const spec = JSON.stringify({ module, fn, params });
  return runJsonProcess(process.execPath, [join(benchRoot, 'dist', 'child.js'), spec], env);
}

/**
 * Runs a shell command (e.g. `cat file > /dev/null`) and reports its wall time and CPU (the
 * children's user + system time from /proc/self/stat of a small Node wrapper). `ops` is the work
 * expressed in the unit of the JS contenders it is compared with (e.g. 1 MiB requests).
 */
export function runCommand(script: string, bytes: number, ops: number): Promise<Measurement> {
  const wrapper = `
    const { spawnSync } = require('node:child_process');
    const { readFileSync } = require('node:fs');
    const start = process.hrtime.bigint();
    const result = spawnSync('sh', ['-c', ${JSON.stringify(script)}], { stdio: 'inherit' });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) process.exit(1);
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]); // cutime + cstime (clock ticks, 100/s)
    console.log(JSON.stringify({ ops: ${ops}, bytes: ${bytes}, seconds, cpuUs: ticks * 1e4 }));
  `;
  return runJsonProcess(process.execPath, ['-e', wrapper]);
}

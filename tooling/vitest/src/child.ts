// Child processes for tests that must not hang: a child that outlives its time is examined before
// it is killed, and runChild() rejects with where it was stuck (each thread's kernel wait channel
// and system call, and with gdb installed its native stacks) instead of resolving "status null".

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ChildOutcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A child that ran past its time: `message` says where its threads were; it was then killed. */
export class ChildHangError extends Error {
  override name = 'ChildHangError';
  constructor(diagnosis: string, readonly outcome: ChildOutcome) {
    super(diagnosis);
  }
}

export interface ChildOptions {
  /** Milliseconds before the child counts as hung (default 120 000). */
  timeout?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * Sent to a hung child before it is examined: a child that handles it (a JS listener runs when
   * the event loop is waiting, not when native code blocks) can print its own state on stderr.
   */
  probeSignal?: NodeJS.Signals;
}

/** Spawns of one child in all, when a spawn fails for a passing reason. */
const spawnAttempts = 3;

/**
 * Runs `command args` to the end and collects its output. A child still running at the timeout is
 * diagnosed and killed, and the promise rejects with a {@link ChildHangError}. A spawn that fails
 * for a passing reason (see {@link isTransientSpawnError}) is tried again, up to 3 times in all.
 */
export async function runChild(command: string, args: string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runChildOnce(command, args, options);
    } catch (error) {
      if (attempt >= spawnAttempts || !isTransientSpawnError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/**
 * Whether a spawn failed before the child ran, for a reason that can pass: `EAGAIN` (process or
 * memory limits), or `UNKNOWN`, which is what Wine's CreateProcess gives now and then when several
 * node.exe start at once (one `spawn UNKNOWN` in a CI run of 2026-11-23; the same test then passed
 * 3 times alone). The child never started, so running it again tests the same thing.
 */
export function isTransientSpawnError(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  return typeof syscall === 'string' && syscall.startsWith('spawn') && (code === 'UNKNOWN' || code === 'EAGAIN');
}

function runChildOnce(command: string, args: string[], options: ChildOptions): Promise<ChildOutcome> {
  const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let hang: string | undefined;
  const examine = () => {
    hang = `${describeProcess(child.pid!)}\nstderr: ${stderr}`;
    child.kill('SIGKILL');
  };
  let timer = setTimeout(() => {
    if (options.probeSignal === undefined) return examine();
    hang = `process ${child.pid} did not finish in time (it ended on the probe, ${options.probeSignal})`;
    child.kill(options.probeSignal);
    timer = setTimeout(examine, 2000); // time to answer the probe
  }, options.timeout ?? 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      const outcome = { status, signal, stdout, stderr };
      if (hang === undefined) resolve(outcome);
      else reject(new ChildHangError(hang, outcome));
    });
  });
}

/**
 * Node's flags for the test children that run tpio's scenarios (runNodeChild() here, runNode() in
 * tooling/reliability); the CLI's tests run it as users do, without them. Node 20 can deadlock at exit (nodejs/node#54918, fixed upstream
 * by nodejs/node#61963, which Node 20 does not have): the main thread waits in
 * `NodePlatform::DrainTasks` for the platform's background tasks, while a TurboFan job on one of
 * them waits in `CollectionBarrier::AwaitCollectionBackground` for the main thread to collect
 * garbage. A child that runs hot JavaScript up to its exit hits it now and then: these are the
 * stacks of the teardown child's rare "hang" (gdb, CI, 2026-11-23). With recompilation on the main
 * thread there is no such background job, and what a child tests of tpio is unchanged.
 */
export const testChildNodeFlags: readonly string[] = ['--no-concurrent-recompilation'];

/** {@link runChild} for a Node script: this Node, {@link testChildNodeFlags}, then `args`. */
export function runNodeChild(args: string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  return runChild(process.execPath, [...testChildNodeFlags, ...args], options);
}

/** What each thread of `pid` is doing, from /proc (Linux) and, when installed, gdb. */
export function describeProcess(pid: number): string {
  const lines = [`process ${pid} did not finish in time`];
  const tasks = `/proc/${pid}/task`;
  if (existsSync(tasks)) {
    for (const tid of readdirSync(tasks)) {
      const read = (name: string) => {
        try {
          return readFileSync(join(tasks, tid, name), 'utf8').trim();
        } catch {
          return '?';
        }
      };
      // syscall: the number of the call it is blocked in (and its arguments), or "running".
      lines.push(`  thread ${tid} ${read('comm')}: wchan ${read('wchan')}, syscall ${read('syscall').split(' ').slice(0, 4).join(' ')}`);
    }
  }
  const gdb = spawnSync('gdb', ['-batch', '-p', String(pid), '-ex', 'thread apply all bt 20'], { encoding: 'utf8', timeout: 30_000 });
  if (gdb.status === 0) {
    for (const line of gdb.stdout.split('\n')) {
      if (line.startsWith('Thread')) lines.push(line);
      // "#3  0x... in name (args) at file:line": the frame number and the function name suffice.
      const frame = /^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+)/.exec(line);
      if (frame) lines.push(`    #${frame[1]} ${frame[2]}`);
    }
  }
  return lines.join('\n');
}

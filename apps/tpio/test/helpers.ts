// Runs the built CLI (dist/main.js) the way a user does: a child process, stdio captured.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node dist/main.js ...args`; NO_COLOR so output is plain text even if a test runs on a TTY. */
export function tpio(args: string[], options: SpawnSyncOptions = {}): CliResult {
  const child = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    ...options,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { status: child.status, stdout: String(child.stdout), stderr: String(child.stderr) };
}

/** Runs a shell command line (for pipes such as `tpio cat big | head -c 10`). */
export function sh(command: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const child = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** Quotes a path for sh. */
export const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

// Shared helpers for the cross-layer reliability tests: paths, child processes, an optional import
// of layers that may not be merged yet, and the C launcher build.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testChildNodeFlags } from '@tpio/vitest-config/child';

export const reliabilityRoot = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = join(reliabilityRoot, '..', '..');
export const fixture = (name: string) => join(reliabilityRoot, 'test', 'fixtures', name);

/** The environment for a nested run: no CI report file of ours gets overwritten, no vitest state leaks in. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('VITEST') || key === 'TPIO_TEST_REPORT_DIR' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function runNode(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; timeout?: number; prefix?: string[] } = {}): SpawnSyncReturns<string> {
  const command = options.prefix ? options.prefix[0]! : process.execPath;
  const nodeArgs = [...testChildNodeFlags, ...args]; // Node 20's exit deadlock: see testChildNodeFlags
  const fullArgs = options.prefix ? [...options.prefix.slice(1), process.execPath, ...nodeArgs] : nodeArgs;
  return spawnSync(command, fullArgs, {
    encoding: 'utf8',
    cwd: options.cwd ?? reliabilityRoot,
    env: childEnv(options.env),
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Imports a workspace layer, or returns the reason it cannot be used (not merged or not built yet). */
export async function optionalImport<T>(name: string, probe: (module: any) => boolean): Promise<{ module?: T; missing?: string }> {
  try {
    const module = await import(name);
    return probe(module) ? { module } : { missing: `${name} is a placeholder on this branch` };
  } catch (error) {
    return { missing: `${name} cannot be imported: ${(error as Error).message.split('\n')[0]}` };
  }
}

let launcher: { path?: string; missing?: string } | undefined;

/** Compiles tooling/reliability/no-uring.c once per test file (cc, at test time). */
export function buildNoUring(): { path?: string; missing?: string } {
  if (launcher) return launcher;
  const which = spawnSync('sh', ['-c', 'command -v cc'], { encoding: 'utf8' });
  if (which.status !== 0) return (launcher = { missing: 'no C compiler (cc) on PATH to build no-uring.c' });
  const out = join(mkdtempSync(join(tmpdir(), 'tpio-no-uring-')), 'no-uring');
  // No sanitizer preload for the compiler itself.
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  const build = spawnSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', out, join(reliabilityRoot, 'no-uring.c')], { encoding: 'utf8', env });
  if (build.status !== 0 || !existsSync(out)) return (launcher = { missing: `cc failed: ${build.stderr}` });
  return (launcher = { path: out });
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

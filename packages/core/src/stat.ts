// stat(path, { bigint }) and lstat(path, { bigint }), as fs.promises, through the engine.

import type { BigIntStats, Stats } from 'node:fs';
import { systemError } from '@tpio/binding/errors';
import { statsFromArray } from './stats.js';
import { getValidatedPath, type PathLike } from './validated-path.js';
import { currentPort } from './default-port.js';

/**
 * Options of {@link stat} and {@link lstat}.
 *
 * @example
 * await stat('a', { bigint: true } satisfies StatOptions);
 */
export interface StatOptions {
  /** Return `fs.BigIntStats` (bigint fields and nanosecond times). */
  bigint?: boolean;
}

interface StatRequest {
  path: string | Buffer;
  stats: BigInt64Array;
  followSymlinks: boolean;
  bigint: boolean;
  resolve: (stats: Stats | BigIntStats) => void;
  reject: (error: unknown) => void;
}

function onStat(result: number, request: StatRequest): void {
  if (result < 0) request.reject(systemError(result, { syscall: request.followSymlinks ? 'stat' : 'lstat', path: request.path }));
  else request.resolve(statsFromArray(request.stats, request.bigint));
}

function statPath(path: PathLike, options: StatOptions | undefined, followSymlinks: boolean): Promise<Stats | BigIntStats> {
  const validPath = getValidatedPath(path);
  const bigint = options?.bigint === true;
  return new Promise((resolve, reject) => {
    currentPort().stat<StatRequest>({ path: validPath, stats: new BigInt64Array(18), followSymlinks, bigint, resolve, reject }, onStat);
  });
}

/**
 * `fs.promises.stat`: an `fs.Stats` (or `fs.BigIntStats` with `{ bigint: true }`) for `path`, following symlinks.
 *
 * @example
 * import { stat } from '@tpio/core';
 * const { size } = await stat('package.json');
 */
export async function stat(path: PathLike, options?: { bigint?: false }): Promise<Stats>;
export async function stat(path: PathLike, options: { bigint: true }): Promise<BigIntStats>;
export async function stat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats>;
export async function stat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats> {
  return statPath(path, options, true);
}

/**
 * `fs.promises.lstat`: like {@link stat}, but describes a symbolic link itself.
 *
 * @example
 * import { lstat } from '@tpio/core';
 * (await lstat('/proc/self')).isSymbolicLink(); // true on Linux
 */
export async function lstat(path: PathLike, options?: { bigint?: false }): Promise<Stats>;
export async function lstat(path: PathLike, options: { bigint: true }): Promise<BigIntStats>;
export async function lstat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats>;
export async function lstat(path: PathLike, options?: StatOptions): Promise<Stats | BigIntStats> {
  return statPath(path, options, false);
}

// fs.Stats and fs.BigIntStats built from the binding's 18 int64 fields. The objects are real
// instances (`instanceof fs.Stats`, `isFile()`...) made with the prototype rather than the
// constructor, which node deprecates (DEP0180), and carry the same own fields in node's order.

import { Stats, statSync, type BigIntStats } from 'node:fs';

const nsPerMs = 1_000_000n;
const nsPerSec = 1_000_000_000n;
let bigIntStatsPrototype: object | undefined;

function bigIntPrototype(): object {
  // node does not export BigIntStats: take its prototype from one bigint stat of the cwd, once.
  if (bigIntStatsPrototype === undefined) {
    try {
      bigIntStatsPrototype = Object.getPrototypeOf(statSync('.', { bigint: true })) as object;
    } catch {
      bigIntStatsPrototype = Stats.prototype;
    }
  }
  return bigIntStatsPrototype;
}

function dateFromMs(ms: number | bigint): Date {
  return new Date(Math.round(Number(ms)));
}

/**
 * Builds an `fs.Stats` (or, with `bigint`, an `fs.BigIntStats`) from the binding's stat array
 * (dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, then sec/nsec of atime, mtime,
 * ctime and birthtime).
 *
 * @example
 * const stats = statsFromArray(new BigInt64Array(18), false);
 * stats instanceof (await import('node:fs')).Stats; // true
 */
export function statsFromArray(array: BigInt64Array, bigint: true): BigIntStats;
export function statsFromArray(array: BigInt64Array, bigint: false): Stats;
export function statsFromArray(array: BigInt64Array, bigint: boolean): Stats | BigIntStats;
export function statsFromArray(array: BigInt64Array, bigint: boolean): Stats | BigIntStats {
  if (bigint) {
    const stats = Object.create(bigIntPrototype()) as Record<string, unknown>;
    for (let i = 0; i < 10; i++) stats[fieldNames[i]!] = array[i]!;
    const atimeNs = array[10]! * nsPerSec + array[11]!;
    const mtimeNs = array[12]! * nsPerSec + array[13]!;
    const ctimeNs = array[14]! * nsPerSec + array[15]!;
    const birthtimeNs = array[16]! * nsPerSec + array[17]!;
    stats.atimeMs = atimeNs / nsPerMs;
    stats.mtimeMs = mtimeNs / nsPerMs;
    stats.ctimeMs = ctimeNs / nsPerMs;
    stats.birthtimeMs = birthtimeNs / nsPerMs;
    stats.atimeNs = atimeNs;
    stats.mtimeNs = mtimeNs;
    stats.ctimeNs = ctimeNs;
    stats.birthtimeNs = birthtimeNs;
    stats.atime = dateFromMs(stats.atimeMs as bigint);
    stats.mtime = dateFromMs(stats.mtimeMs as bigint);
    stats.ctime = dateFromMs(stats.ctimeMs as bigint);
    stats.birthtime = dateFromMs(stats.birthtimeMs as bigint);
    return stats as unknown as BigIntStats;
  }
  const stats = Object.create(Stats.prototype) as Record<string, unknown>;
  for (let i = 0; i < 10; i++) stats[fieldNames[i]!] = Number(array[i]!);
  const atimeMs = Number(array[10]!) * 1e3 + Number(array[11]!) / 1e6;
  const mtimeMs = Number(array[12]!) * 1e3 + Number(array[13]!) / 1e6;
  const ctimeMs = Number(array[14]!) * 1e3 + Number(array[15]!) / 1e6;
  const birthtimeMs = Number(array[16]!) * 1e3 + Number(array[17]!) / 1e6;
  stats.atimeMs = atimeMs;
  stats.mtimeMs = mtimeMs;
  stats.ctimeMs = ctimeMs;
  stats.birthtimeMs = birthtimeMs;
  stats.atime = dateFromMs(atimeMs);
  stats.mtime = dateFromMs(mtimeMs);
  stats.ctime = dateFromMs(ctimeMs);
  stats.birthtime = dateFromMs(birthtimeMs);
  return stats as unknown as Stats;
}

const fieldNames = ['dev', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'blksize', 'ino', 'size', 'blocks'] as const;

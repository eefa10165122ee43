// Open flags and modes as node:fs accepts them: the string forms ('r', 'wx+', 'as', ...) or numbers,
// and modes as integers or octal strings. Invalid values raise node's own ERR_* errors.

import { constants } from 'node:fs';
import { invalidArgValue } from '@tpio/binding/errors';
import { validateInt32, validateUint32 } from '@tpio/binding/validate';

const { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_SYNC, O_TRUNC, O_WRONLY } = constants;

const flagTable: Record<string, number> = {
  __proto__: null as unknown as number,
  r: O_RDONLY,
  rs: O_RDONLY | O_SYNC,
  sr: O_RDONLY | O_SYNC,
  'r+': O_RDWR,
  'rs+': O_RDWR | O_SYNC,
  'sr+': O_RDWR | O_SYNC,
  w: O_TRUNC | O_CREAT | O_WRONLY,
  wx: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  xw: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
  'w+': O_TRUNC | O_CREAT | O_RDWR,
  'wx+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  'xw+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
  a: O_APPEND | O_CREAT | O_WRONLY,
  ax: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  xa: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
  as: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  sa: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
  'a+': O_APPEND | O_CREAT | O_RDWR,
  'ax+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'xa+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
  'as+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
  'sa+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
};

/**
 * The flags node:fs accepts: a string such as `'r'`, `'wx+'`, `'as'`, or numeric `fs.constants` bits.
 *
 * @example
 * const flags: OpenFlags = 'wx+';
 */
export type OpenFlags = string | number;

/**
 * Converts node:fs open flags to numbers exactly as node does (`null`/`undefined` mean `'r'`).
 * Throws node's ERR_INVALID_ARG_VALUE for anything else.
 *
 * @example
 * import { stringToFlags } from '@tpio/core';
 * import { constants } from 'node:fs';
 * stringToFlags('a+') === (constants.O_APPEND | constants.O_CREAT | constants.O_RDWR); // true
 */
export function stringToFlags(flags: unknown, name = 'flags'): number {
  if (typeof flags === 'number') {
    validateInt32(flags, name);
    return flags;
  }
  if (flags == null) return O_RDONLY;
  if (typeof flags === 'string') {
    const value = flagTable[flags];
    if (value !== undefined) return value;
  }
  throw invalidArgValue(name, flags);
}

const octal = /^[0-7]+$/;

/**
 * Parses a file mode as node does: an unsigned 32-bit integer or an octal string (`'644'`), with
 * `fallback` for `null`/`undefined`.
 *
 * @example
 * import { parseFileMode } from '@tpio/core';
 * parseFileMode('644', 'mode', 0o666) === 0o644; // true
 */
export function parseFileMode(value: unknown, name: string, fallback: number): number {
  value ??= fallback;
  if (typeof value === 'string') {
    if (!octal.test(value)) throw invalidArgValue(name, value, 'must be a 32-bit unsigned integer or an octal string');
    value = Number.parseInt(value, 8);
  }
  validateUint32(value, name);
  return value;
}

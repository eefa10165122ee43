// Paths as node:fs accepts them: a string, a Buffer (or Uint8Array) or a file: URL. URLs become
// paths through node's own fileURLToPath, so bad URLs fail with node's exact errors.

import { fileURLToPath } from 'node:url';
import { invalidArgType, invalidArgValue } from '@tpio/binding/errors';

/**
 * What every tpio function taking a path accepts: a string, a Buffer/Uint8Array or a `file:` URL.
 *
 * @example
 * const path: PathLike = new URL('file:///tmp/a.txt');
 */
export type PathLike = string | Buffer | Uint8Array | URL;

function isUrl(value: unknown): value is URL {
  return value instanceof URL || (value != null && typeof value === 'object' && 'href' in value && 'protocol' in value && (value as { auth?: unknown }).auth === undefined);
}

/**
 * Validates `path` as node:fs does (getValidatedPath) and returns a string or Buffer.
 *
 * @example
 * import { getValidatedPath } from '@tpio/core';
 * getValidatedPath(new URL('file:///tmp/a.txt')); // '/tmp/a.txt'
 */
export function getValidatedPath(path: unknown, name = 'path'): string | Buffer {
  if (isUrl(path)) path = fileURLToPath(path);
  if (typeof path === 'string') {
    if (path.includes('\u0000')) throw invalidArgValue(name, path, 'must be a string, Uint8Array, or URL without null bytes');
    return path;
  }
  if (path instanceof Uint8Array) {
    if (path.includes(0)) throw invalidArgValue(name, path, 'must be a string, Uint8Array, or URL without null bytes');
    return Buffer.isBuffer(path) ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength);
  }
  throw invalidArgType(name, ['string', 'Buffer', 'URL'], path);
}

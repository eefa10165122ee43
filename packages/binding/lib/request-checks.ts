// Argument checks for each kind of request, with node:fs's ERR_* codes, and the path encoding the
// native side expects. Run before a request takes a slot, so a bad request changes nothing.

import { fileURLToPath } from 'node:url';
import { OpKind, statFields, type OpCode } from './protocol.js';
import { codedError, invalidArgType, invalidArgValue } from './errors.js';
import { normalizePosition, validateBuffer, validateFd, validateInt32, validateInteger, validateObject, validateOffsetLength } from './validate.js';
import type { RequestObject } from './types.js';

/** A path (string, Buffer or file URL) as a NUL-terminated Buffer; refuses embedded NULs as node does. */
export function toPathBuffer(path: unknown, name = 'path'): Buffer {
  let text: Buffer;
  if (typeof path === 'string') text = Buffer.from(path);
  else if (Buffer.isBuffer(path)) text = path;
  else if (path instanceof URL) {
    if (path.protocol !== 'file:') throw codedError('ERR_INVALID_URL_SCHEME', 'The URL must be of scheme file', TypeError);
    text = Buffer.from(fileURLToPath(path)); // platform rules: file:///C:/x is C:\x on Windows
  } else throw invalidArgType(name, ['string', 'Buffer', 'URL'], path);
  if (text.includes(0)) {
    throw invalidArgValue(name, typeof path === 'string' ? path : text, 'must be a string, Uint8Array, or URL without null bytes');
  }
  const terminated = Buffer.allocUnsafe(text.length + 1);
  text.copy(terminated);
  terminated[text.length] = 0;
  return terminated;
}

/** `stats` must be a BigInt64Array with room for the 18 stat fields. */
export function validateStatsArray(stats: unknown): asserts stats is BigInt64Array {
  if (!(stats instanceof BigInt64Array) || stats.length < statFields) {
    throw invalidArgType('request.stats', `BigInt64Array of length ${statFields}`, stats);
  }
}

/** An integer-valued number (open flags and modes). */
export function validateInt32Like(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidArgType(name, 'number', value);
}

/** A non-negative 64-bit length or offset: a safe integer or a bigint. */
export function validateLength64(value: unknown, name: string): void {
  if (typeof value === 'bigint') {
    if (value < 0n) throw invalidArgValue(name, value, 'must be >= 0');
    return;
  }
  validateInteger(value, name, 0);
}

/** Checks `request` for an I/O of `kind`; throws node's ERR_* error for the first bad field. */
export function validateRequest(kind: OpCode, request: RequestObject): void {
  validateObject(request, 'request');
  switch (kind) {
    case OpKind.read:
    case OpKind.write: {
      const buffer = request.buffer;
      validateBuffer(buffer);
      const offset = request.offset ?? 0;
      validateInteger(offset, 'offset', 0);
      const length = request.length ?? buffer.byteLength - offset;
      validateInteger(length, 'length');
      validateOffsetLength(offset, length, buffer.byteLength);
      normalizePosition(request.position);
      break;
    }
    case OpKind.readv:
    case OpKind.writev: {
      const buffers = request.buffers;
      if (!Array.isArray(buffers)) throw invalidArgType('buffers', 'ArrayBufferView[]', buffers);
      for (let i = 0; i < buffers.length; i++) validateBuffer(buffers[i], `buffers[${i}]`);
      normalizePosition(request.position);
      break;
    }
    case OpKind.fstat:
      validateStatsArray(request.stats);
      break;
    case OpKind.ftruncate:
      validateLength64(request.length, 'length');
      break;
    case OpKind.fallocate:
      validateLength64(request.position, 'position');
      validateLength64(request.length, 'length');
      validateInt32(request.mode ?? 0, 'mode', 0);
      break;
    case OpKind.copyFileRange:
      validateFd(request.fdOut, 'fdOut');
      normalizePosition(request.position);
      normalizePosition(request.positionOut, 'positionOut');
      validateLength64(request.length, 'length');
      break;
    case OpKind.startWriteback:
      validateLength64(request.position ?? 0, 'position');
      validateLength64(request.length ?? 0, 'length');
      break;
  }
}

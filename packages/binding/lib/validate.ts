// Argument checks with node:fs's ERR_* codes and messages. Exported for the layers above
// (`@tpio/binding/validate`) so every layer rejects bad input the same way.

import { invalidArgType, outOfRange } from './errors.js';

/** Largest byte count node:fs accepts for one read or write (kIoMaxLength). */
export const kIoMaxLength = 2 ** 31 - 1;
/** Largest position node:fs accepts: 2 ** 63 - 1 as a bigint. */
export const kMaxPositionBigInt = 2n ** 63n - 1n;

/** Throws ERR_INVALID_ARG_TYPE unless `value` is an ArrayBufferView (Buffer, TypedArray, DataView). */
export function validateBuffer(value: unknown, name = 'buffer'): asserts value is ArrayBufferView {
  if (!ArrayBuffer.isView(value)) throw invalidArgType(name, ['Buffer', 'TypedArray', 'DataView'], value);
}

/** Node's validateInteger: a safe integer in [min, max]. */
export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** Node's validateInt32. */
export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** Node's validateUint32 (optionally positive). */
export function validateUint32(value: unknown, name: string, positive = false): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  const min = positive ? 1 : 0;
  const max = 4294967295;
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

/** A file descriptor as node:fs accepts one (int32 >= 0). */
export function validateFd(value: unknown, name = 'fd'): asserts value is number {
  validateInt32(value, name, 0);
}

/** Node's validateFunction. */
export function validateFunction(value: unknown, name: string): asserts value is Function {
  if (typeof value !== 'function') throw invalidArgType(name, 'Function', value);
}

/** Node's validateObject (plain object check: not null, not an array). */
export function validateObject(value: unknown, name: string, allowNullable = false): asserts value is Record<string, unknown> {
  if ((!allowNullable && value === null) || Array.isArray(value) || typeof value !== 'object') {
    if (allowNullable && value === null) return;
    throw invalidArgType(name, 'Object', value);
  }
}

/**
 * A read/write position as node:fs accepts it: null/undefined/-1 for "current position", otherwise
 * a safe integer >= 0 or a bigint in [0, 2 ** 63 - 1]. Returns -1 for "current position".
 */
export function normalizePosition(value: unknown, name = 'position'): number | bigint {
  if (value === null || value === undefined) return -1;
  if (typeof value === 'number') {
    if (value === -1) return -1;
    validateInteger(value, name, -1);
    return value;
  }
  if (typeof value === 'bigint') {
    if (value === -1n) return -1;
    if (value < 0n || value > kMaxPositionBigInt) throw outOfRange(name, `>= 0 && <= ${kMaxPositionBigInt}`, value);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  throw invalidArgType(name, ['integer', 'bigint'], value);
}

/** Checks offset/length against a buffer the way fs.read does (validateOffsetLengthRead). */
export function validateOffsetLength(offset: number, length: number, bufferLength: number): void {
  if (offset < 0) throw outOfRange('offset', '>= 0', offset);
  if (length < 0) throw outOfRange('length', '>= 0', length);
  if (offset + length > bufferLength) throw outOfRange('length', `<= ${bufferLength - offset}`, length);
}

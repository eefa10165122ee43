// Argument handling of FileHandle.read/write/readv/writev, following node's fs.promises code path
// step by step so that defaults, overloads and ERR_* errors come out the same. Each parser returns
// the request record to issue (position -1 = the handle's position) or, where node answers without
// any I/O, the finished result.

import { errnoOf, invalidArgType, invalidArgValue, outOfRange, systemError } from '@tpio/binding/errors';
import { normalizePosition, validateBuffer, validateInt32, validateInteger } from '@tpio/binding/validate';
import { Call, Operation, Shape } from './operation.js';
import type { FileReadOptions, FileReadParams, FileReadResult, FileWriteResult } from './read-write-results.js';

/** node's error for an operation on a closed FileHandle. */
export function closedError(syscall: string): Error {
  const error = new Error('file closed') as Error & { code: string; syscall: string };
  error.code = 'EBADF';
  error.syscall = syscall;
  return error;
}

/**
 * Position -2 on Windows: at the handle's position without moving it. node hands a safe integer
 * position to libuv as is, and libuv on Windows passes it to the kernel as the OVERLAPPED offset
 * (restoring the file pointer afterwards): -2 is FILE_USE_FILE_POINTER_POSITION, any other negative
 * offset below -1 is EINVAL. On POSIX libuv takes every negative offset as "the current position".
 */
export const positionHere = -2;

/**
 * A position argument: -1 for "the handle's position". As in node, anything but a safe integer
 * >= 0 (null, strings, negative numbers, 1.5, 2 ** 53) means the current position; tpio also
 * accepts bigints (checked against the 2 ** 63 - 1 limit). On Windows a safe integer below -1 is
 * what the kernel makes of it there (see positionHere): -2, or EINVAL for `syscall`.
 */
export function explicitPosition(position: unknown, syscall: 'read' | 'write' = 'read'): number | bigint {
  if (typeof position === 'number') {
    if (Number.isSafeInteger(position) && position >= 0) return position;
    if (process.platform === 'win32' && Number.isSafeInteger(position) && position < -1) {
      if (position === positionHere) return positionHere;
      throw systemError(errnoOf('EINVAL'), { syscall });
    }
    return -1;
  }
  if (typeof position === 'bigint') return position < 0n ? -1 : normalizePosition(position);
  return -1;
}

// node >= 22 validates FileHandle.read's position (nodejs/node#42835, semver-major): an integer
// >= -1 or a bigint in [-1n, 2 ** 63 - 1 - length], else ERR_OUT_OF_RANGE / ERR_INVALID_ARG_TYPE.
// Before, anything but a safe integer meant the current position.
const readValidatesPosition = Number(process.versions.node.split('.')[0]) >= 22;

/** node >= 22's validatePosition for FileHandle.read, then the position to issue. */
function readPosition(position: unknown, length: number): number | bigint {
  if (!readValidatesPosition) return explicitPosition(position, 'read');
  if (position === null || position === undefined) return -1;
  if (typeof position === 'number') {
    validateInteger(position, 'position', -1);
    return position;
  }
  if (typeof position === 'bigint') {
    const max = 2n ** 63n - 1n - BigInt(length);
    if (!(position >= -1n && position <= max)) throw outOfRange('position', `>= -1 && <= ${max}`, position);
    return position === -1n ? -1 : normalizePosition(position);
  }
  throw invalidArgType('position', ['integer', 'bigint'], position);
}

/** node's validateBufferArray. */
export function validateBufferArray(buffers: unknown): asserts buffers is ArrayBufferView[] {
  if (!Array.isArray(buffers)) throw invalidArgType('buffers', 'ArrayBufferView[]', buffers);
  for (let i = 0; i < buffers.length; i++) {
    if (!ArrayBuffer.isView(buffers[i])) throw invalidArgType('buffers', 'ArrayBufferView[]', buffers);
  }
}

/** Total bytes of a buffer list. */
export function totalLength(buffers: readonly ArrayBufferView[]): number {
  let total = 0;
  for (let i = 0; i < buffers.length; i++) total += buffers[i]!.byteLength;
  return total;
}

/** read(buffer, offset, length, position) | read(buffer, options) | read(options). */
export function readOperation(bufferOrOptions: unknown, offset: unknown, length: unknown, position: unknown): Operation | FileReadResult {
  let buffer = bufferOrOptions as ArrayBufferView;
  if (!ArrayBuffer.isView(buffer)) {
    if (bufferOrOptions !== undefined && bufferOrOptions !== null && (typeof bufferOrOptions !== 'object' || Array.isArray(bufferOrOptions))) {
      throw invalidArgType('options', 'Object', bufferOrOptions);
    }
    const params = (bufferOrOptions ?? {}) as FileReadParams;
    buffer = params.buffer ?? Buffer.alloc(16384);
    offset = params.offset ?? 0;
    length = params.length ?? buffer.byteLength - (offset as number);
    position = params.position ?? null;
    validateBuffer(buffer);
  }
  if (offset !== null && typeof offset === 'object') {
    const options = offset as FileReadOptions;
    offset = options.offset ?? 0;
    length = options.length ?? buffer.byteLength - (offset as number);
    position = options.position ?? null;
  }
  if (offset == null) offset = 0;
  else validateInteger(offset, 'offset', 0);
  length ??= buffer.byteLength - (offset as number);
  if (length === 0) return { __proto__: null, bytesRead: 0, buffer } as unknown as FileReadResult;
  if (buffer.byteLength === 0) throw invalidArgValue('buffer', buffer, 'is empty and cannot be written');
  const start = offset as number;
  const count = length as number;
  if (count < 0) throw outOfRange('length', '>= 0', count);
  if (start + count > buffer.byteLength) throw outOfRange('length', `<= ${buffer.byteLength - start}`, count);
  const operation = new Operation(Call.read, Shape.read, 'read');
  operation.buffer = buffer;
  operation.offset = start;
  operation.length = count;
  operation.position = readPosition(position, count);
  return operation;
}

/** write(buffer, offset, length, position) | write(buffer, options) | write(string, position, encoding). */
export function writeOperation(buffer: unknown, offset: unknown, length: unknown, position: unknown): Operation | FileWriteResult {
  if ((buffer as ArrayBufferView | undefined)?.byteLength === 0) {
    return { __proto__: null, bytesWritten: 0, buffer } as unknown as FileWriteResult;
  }
  const operation = new Operation(Call.write, Shape.write, 'write');
  if (ArrayBuffer.isView(buffer)) {
    if (typeof offset === 'object') {
      const options = (offset ?? {}) as { offset?: number; length?: number; position?: unknown };
      offset = options.offset ?? 0;
      length = options.length ?? buffer.byteLength - (offset as number);
      position = options.position ?? null;
    }
    if (offset == null) offset = 0;
    else validateInteger(offset, 'offset', 0);
    if (typeof length !== 'number') length = buffer.byteLength - (offset as number);
    const start = offset as number;
    const count = length as number;
    if (start > buffer.byteLength) throw outOfRange('offset', `<= ${buffer.byteLength}`, start);
    if (count > buffer.byteLength - start) throw outOfRange('length', `<= ${buffer.byteLength - start}`, count);
    if (count < 0) throw outOfRange('length', '>= 0', count);
    validateInt32(count, 'length', 0);
    operation.buffer = buffer;
    operation.offset = start;
    operation.length = count;
    operation.position = explicitPosition(position, 'write');
    return operation;
  }
  if (typeof buffer !== 'string') throw invalidArgType('buffer', ['string', 'Buffer', 'TypedArray', 'DataView'], buffer);
  const encoding = length as string | null | undefined;
  if (encoding === 'hex' && buffer.length % 2 !== 0) {
    throw invalidArgValue('encoding', encoding, `is invalid for data of length ${buffer.length}`);
  }
  const bytes = Buffer.from(buffer, encoding && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  operation.buffer = bytes;
  operation.length = bytes.byteLength;
  operation.tag = buffer; // settle with the string, as node does
  operation.position = explicitPosition(offset, 'write');
  return operation;
}

/**
 * readv/writev: one operation over several buffers at `position` (-1: the handle's position), or
 * node's outcome without I/O for no buffers: a writev of nothing succeeds, a readv of nothing fails
 * with EINVAL.
 */
export function vectoredOperation(syscall: 'readv' | 'writev', buffers: unknown, position: unknown): Operation | { bytesWritten: 0; buffers: readonly ArrayBufferView[] } {
  validateBufferArray(buffers);
  const writing = syscall === 'writev';
  if (buffers.length === 0) {
    if (writing) return { __proto__: null, bytesWritten: 0, buffers } as { bytesWritten: 0; buffers: readonly ArrayBufferView[] };
    // node reads no buffers through libuv, whose uv_fs_read refuses an empty list with EINVAL.
    throw systemError(errnoOf('EINVAL'), { syscall: 'read' });
  }
  const operation = writing ? new Operation(Call.writev, Shape.writev, 'writev') : new Operation(Call.readv, Shape.readv, 'readv');
  operation.buffers = buffers;
  operation.length = totalLength(buffers);
  operation.position = explicitPosition(position, writing ? 'write' : 'read');
  return operation;
}

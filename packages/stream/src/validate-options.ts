// Option handling for ReadStream / WriteStream, in node:fs's order and with its errors: the
// options argument is normalised (a string is an encoding), copied (inherited enumerable
// properties count, the caller's object is never written to), then fd / path / fs / range checks
// run before the stream exists, so a bad argument throws synchronously and opens nothing.

import { fileURLToPath } from 'node:url';
import type { FileHandle as NodeFileHandle } from 'node:fs/promises';
import { FileHandle as TpioFileHandle } from '@tpio/core';
import { codedError, invalidArgType, invalidArgValue, outOfRange } from '@tpio/binding/errors';
import { validateFunction, validateInt32, validateInteger } from '@tpio/binding/validate';
import type { FsOverride } from './fs-ops.js';

/** A path as node:fs streams accept it. */
export type StreamPath = string | Buffer | URL;

/** Where a stream's bytes come from or go to, once its options are checked. */
export type StreamTarget =
  /** A path opened by the stream with @tpio/core. */
  | { kind: 'path'; path: string | Buffer; flags: string | number; mode: string | number }
  /** A path opened through `options.fs.open`. */
  | { kind: 'fs-path'; path: string | Buffer; flags: string | number; mode: string | number; fs: FsOverride }
  /** A numeric descriptor, used through `options.fs` or node:fs. */
  | { kind: 'fd'; fd: number; fs: FsOverride | undefined }
  /** A node:fs/promises FileHandle. */
  | { kind: 'node-handle'; handle: NodeFileHandle; fd: number }
  /** A @tpio/core FileHandle. */
  | { kind: 'tpio-handle'; handle: TpioFileHandle; fd: number };

/** The checked options common to both streams. */
export interface StreamPlan {
  target: StreamTarget;
  /** What the Readable / Writable constructor receives (a copy of the caller's options). */
  streamOptions: Record<string, any>;
  start: number | undefined;
}

/** Read stream plan: adds the inclusive `end` and the read-ahead `depth`. */
export interface ReadPlan extends StreamPlan {
  end: number;
  depth: number | undefined;
}

/** Write stream plan: adds `flush`. */
export interface WritePlan extends StreamPlan {
  flush: boolean;
}

/** Largest `depth` accepted: more reads than this in flight only costs memory. */
export const maxDepth = 1024;

/**
 * node's getOptions + copyObject: `undefined`/`null`/a function mean "no options", a string is an
 * encoding, anything else but an object throws; the result is a fresh object holding every
 * enumerable property, own or inherited.
 *
 * @example
 * copyOptions('utf8'); // { encoding: 'utf8' }
 */
export function copyOptions(options: unknown): Record<string, any> {
  let source: Record<string, any>;
  if (options == null || typeof options === 'function') source = {};
  else if (typeof options === 'string') source = { encoding: options };
  else if (typeof options !== 'object') throw invalidArgType('options', ['string', 'Object'], options);
  else source = options as Record<string, any>;
  if (source.encoding !== 'buffer' && source.encoding && !Buffer.isEncoding(source.encoding)) {
    // node passes (encoding, 'encoding') to ERR_INVALID_ARG_VALUE: the message reads that way.
    throw invalidArgValue('encoding', source.encoding, 'is invalid encoding');
  }
  if (source.signal !== undefined) validateSignal(source.signal);
  const copy: Record<string, any> = {};
  for (const key in source) copy[key] = source[key];
  return copy;
}

function validateSignal(signal: unknown): void {
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal)) {
    throw invalidArgType('options.signal', 'AbortSignal', signal);
  }
}

/**
 * node's toPathIfFileURL + validatePath: file URLs become paths; anything but a string or a
 * Uint8Array throws ERR_INVALID_ARG_TYPE, and a NUL byte ERR_INVALID_ARG_VALUE.
 *
 * @example
 * toValidPath(new URL('file:///tmp/a')); // '/tmp/a'
 */
export function toValidPath(path: unknown): string | Buffer {
  if (path instanceof URL) path = fileURLToPath(path);
  if (typeof path !== 'string' && !(path instanceof Uint8Array)) throw invalidArgType('path', ['string', 'Buffer', 'URL'], path);
  const hasNul = typeof path === 'string' ? path.includes('\u0000') : path.includes(0);
  if (hasNul) throw invalidArgValue('path', path, 'must be a string, Uint8Array, or URL without null bytes');
  return typeof path === 'string' ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength);
}

function validatedFd(fd: unknown): number {
  if (Object.is(fd, -0)) return 0;
  validateInt32(fd, 'fd', 0);
  return fd;
}

/** node does not export its FileHandle class: recognise one by its shape (an emitter named FileHandle). */
function isNodeFileHandle(value: unknown): value is NodeFileHandle {
  if (value === null || typeof value !== 'object' || value instanceof TpioFileHandle) return false;
  const candidate = value as { constructor?: { name?: string }; fd?: unknown; on?: unknown; read?: unknown };
  return candidate.constructor?.name === 'FileHandle' && typeof candidate.fd === 'number' && typeof candidate.on === 'function' && typeof candidate.read === 'function';
}

function importFd(options: Record<string, any>): StreamTarget {
  const fd: unknown = options.fd;
  if (typeof fd === 'number') return { kind: 'fd', fd: validatedFd(fd), fs: options.fs || undefined };
  if (isNodeFileHandle(fd)) {
    if (options.fs) throw codedError('ERR_METHOD_NOT_IMPLEMENTED', 'The FileHandle with fs method is not implemented');
    return { kind: 'node-handle', handle: fd, fd: validatedFd(fd.fd) };
  }
  if (fd instanceof TpioFileHandle) {
    if (options.fs) throw codedError('ERR_METHOD_NOT_IMPLEMENTED', 'The FileHandle with fs method is not implemented');
    return { kind: 'tpio-handle', handle: fd, fd: validatedFd(fd.fd) };
  }
  throw invalidArgType('options.fd', ['number', 'FileHandle'], fd);
}

/** The fs functions a stream will call: `options.fs` when given, else node:fs itself. */
function fsOf(target: StreamTarget): Record<string, unknown> | undefined {
  if (target.kind === 'fs-path' || target.kind === 'fd') return target.fs as Record<string, unknown> | undefined;
  return undefined;
}

function resolveTarget(path: unknown, options: Record<string, any>, defaultFlags: string): StreamTarget {
  if (options.fd == null) {
    const fs = options.fs || undefined;
    if (fs !== undefined) validateFunction((fs as Record<string, unknown>).open, 'options.fs.open');
    const flags = options.flags === undefined ? defaultFlags : options.flags;
    const mode = options.mode === undefined ? 0o666 : options.mode;
    const validPath = toValidPath(path);
    return fs === undefined ? { kind: 'path', path: validPath, flags, mode } : { kind: 'fs-path', path: validPath, flags, mode, fs };
  }
  return importFd(options);
}

function validateStart(start: unknown): number | undefined {
  if (start !== undefined) validateInteger(start, 'start', 0);
  return start as number | undefined;
}

/**
 * Checks ReadStream arguments exactly as node:fs does (same order, codes and messages), plus
 * tpio's `depth`. Throws synchronously.
 *
 * @example
 * resolveReadOptions('file.txt', { start: 2, end: 9 }).end; // 9
 */
export function resolveReadOptions(path: unknown, rawOptions: unknown): ReadPlan {
  const options = copyOptions(rawOptions);
  if (options.highWaterMark === undefined) options.highWaterMark = 64 * 1024;
  if (options.autoDestroy === undefined) options.autoDestroy = false;
  const target = resolveTarget(path, options, 'r');
  options.autoDestroy = options.autoClose === undefined ? true : options.autoClose;
  const fs = fsOf(target);
  if (fs !== undefined) {
    validateFunction(fs.read, 'options.fs.read');
    if (options.autoDestroy) validateFunction(fs.close, 'options.fs.close');
  }
  const start = validateStart(options.start);
  let end: unknown = options.end;
  if (end === undefined) {
    end = Infinity;
  } else if (end !== Infinity) {
    validateInteger(end, 'end', 0);
    if (start !== undefined && start > end) throw outOfRange('start', `<= "end" (here: ${end})`, start);
  }
  const depth: unknown = options.depth;
  if (depth !== undefined) validateInteger(depth, 'options.depth', 1, maxDepth);
  return { target, streamOptions: options, start, end: end as number, depth: depth as number | undefined };
}

/**
 * Checks WriteStream arguments exactly as node:fs does (same order, codes and messages).
 *
 * @example
 * resolveWriteOptions('out.txt', { flags: 'a' }).target.kind; // 'path'
 */
export function resolveWriteOptions(path: unknown, rawOptions: unknown): WritePlan {
  const options = copyOptions(rawOptions);
  options.decodeStrings = true; // only buffers reach _write
  const target = resolveTarget(path, options, 'w');
  options.autoDestroy = options.autoClose === undefined ? true : options.autoClose;
  const fs = fsOf(target);
  if (fs !== undefined) {
    if (!fs.write && !fs.writev) throw invalidArgType('options.fs.write', 'function', fs.write);
    if (fs.write) validateFunction(fs.write, 'options.fs.write');
    if (fs.writev) validateFunction(fs.writev, 'options.fs.writev');
    if (options.autoDestroy) validateFunction(fs.close, 'options.fs.close');
  }
  let flush: unknown = options.flush;
  if (flush == null) {
    flush = false;
  } else {
    if (typeof flush !== 'boolean') throw invalidArgType('options.flush', 'boolean', flush);
    if (fs !== undefined) validateFunction(fs.fsync, 'options.fs.fsync');
  }
  const start = validateStart(options.start);
  return { target, streamOptions: options, start, flush: flush as boolean };
}

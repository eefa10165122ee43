// writeFile() / appendFile(): data (string, buffer, or an iterable / async iterable of them) to a
// file or handle, with node:fs's options and checks. A buffer is written as several writes in
// flight at explicit positions; append handles write in order, one at a time.

import { invalidArgType } from '@tpio/binding/errors';
import { kIo, kPosition, kWriteAt, type Operation } from './operation.js';
import { checkAborted, onAbort } from './abort.js';
import { getOptions } from './options.js';
import { FileHandle } from './file-handle.js';
import { open } from './open.js';
import { positionUnknown } from './tracked-position.js';
import { WritebackPacer } from './writeback-pacer.js';
import type { OpenFlags } from './flags.js';
import type { PathLike } from './validated-path.js';

/**
 * What {@link writeFile} accepts: a string, any ArrayBufferView, or an (async) iterable of strings/views.
 *
 * @example
 * const data: WriteFileData = ['a', Buffer.from('b')];
 */
export type WriteFileData = string | ArrayBufferView | Iterable<string | ArrayBufferView> | AsyncIterable<string | ArrayBufferView>;

/**
 * Options of {@link writeFile}, as node:fs's.
 *
 * @example
 * await writeFile('a.txt', 'x', { mode: 0o600, flush: true } satisfies WriteFileOptions);
 */
export interface WriteFileOptions {
  /** Encoding of string data (default `'utf8'`). */
  encoding?: BufferEncoding | null;
  /** File mode for a created file (default `0o666`). */
  mode?: number | string;
  /** Open flags (default `'w'`; `'a'` for appendFile). Ignored for a FileHandle. */
  flag?: OpenFlags;
  /** Checked between writes: rejects with an AbortError. */
  signal?: AbortSignal;
  /** fsync the file before closing it (path only, as node). */
  flush?: boolean;
}

const pieceSize = 1024 * 1024;
const piecesInFlight = 4;

function isCustomIterable(data: unknown): data is Iterable<unknown> | AsyncIterable<unknown> {
  return (
    data != null &&
    typeof data !== 'string' &&
    !ArrayBuffer.isView(data) &&
    (typeof (data as Iterable<unknown>)[Symbol.iterator] === 'function' || typeof (data as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
  );
}

/** Writes all of `data` at the handle's position and advances it; an abort cancels the writes in flight. */
async function writeAll(handle: FileHandle, data: Uint8Array, signal: AbortSignal | undefined, pacer: WritebackPacer | undefined): Promise<void> {
  if (data.byteLength === 0) return;
  const inFlight = new Set<Operation>();
  const detach = onAbort(signal, () => {
    for (const operation of inFlight) handle[kIo].cancelIoEx(operation);
  });
  try {
    await writeAllIn(handle, data, signal, inFlight, pacer);
  } catch (error) {
    // A write cancelled by the abort fails with ECANCELED: report the abort, as node would.
    checkAborted(signal);
    throw error;
  } finally {
    detach();
  }
}

async function writeAllIn(handle: FileHandle, data: Uint8Array, signal: AbortSignal | undefined, inFlight: Set<Operation>, pacer: WritebackPacer | undefined): Promise<void> {
  const tracked = handle[kPosition];
  const position = tracked.value;
  if (tracked.append || position === positionUnknown || data.byteLength <= pieceSize) {
    // In order, at the tracked position (appends go to the end whatever the position).
    let offset = 0;
    while (offset < data.byteLength) {
      checkAborted(signal);
      const written = await handle[kWriteAt](data, offset, Math.min(pieceSize, data.byteLength - offset), -1, inFlight);
      offset += written;
      pacer?.wrote(written);
    }
    return;
  }
  tracked.value = position + data.byteLength;
  const pieces: Promise<void>[] = [];
  let next = 0;
  const writePiece = async (): Promise<void> => {
    while (next < data.byteLength) {
      checkAborted(signal);
      let offset = next;
      const end = Math.min(next + pieceSize, data.byteLength);
      next = end;
      while (offset < end) {
        const written = await handle[kWriteAt](data, offset, end - offset, position + offset, inFlight);
        offset += written;
        pacer?.wrote(written);
      }
    }
  };
  for (let i = 0; i < piecesInFlight; i++) pieces.push(writePiece());
  const results = await Promise.allSettled(pieces);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/** @internal writeFile on an open handle; validates `data` and `options` as node does. */
export async function writeFileHandle(handle: FileHandle, data: unknown, options: unknown): Promise<void> {
  const normalized = getOptions(options, { encoding: 'utf8' as BufferEncoding, mode: 0o666, flag: 'w' as OpenFlags });
  const bytes = toBytes(data, normalized.encoding);
  await writeData(handle, bytes, normalized.signal, normalized.encoding, undefined);
}

function toBytes(data: unknown, encoding: BufferEncoding | null | undefined): Uint8Array | Iterable<unknown> | AsyncIterable<unknown> {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (isCustomIterable(data)) return data;
  if (typeof data !== 'string') throw invalidArgType('data', ['string', 'Buffer', 'TypedArray', 'DataView'], data);
  return Buffer.from(data, encoding || 'utf8');
}

/** Writes `data`; with a `pacer` (a writeFile that syncs at the end), writeback starts as it goes. */
async function writeData(handle: FileHandle, data: Uint8Array | Iterable<unknown> | AsyncIterable<unknown>, signal: AbortSignal | undefined, encoding: BufferEncoding | null | undefined, pacer: WritebackPacer | undefined): Promise<void> {
  checkAborted(signal);
  if (data instanceof Uint8Array) {
    await writeAll(handle, data, signal, pacer);
    return;
  }
  for await (const chunk of data as AsyncIterable<unknown>) {
    checkAborted(signal);
    const bytes = ArrayBuffer.isView(chunk) ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.from(chunk as string, encoding || 'utf8');
    await writeAll(handle, bytes, signal, pacer);
  }
}

async function writeFileWithFlag(path: PathLike | FileHandle, data: unknown, options: unknown, flag: OpenFlags): Promise<void> {
  const normalized = getOptions(options, { encoding: 'utf8' as BufferEncoding, mode: 0o666, flag });
  const flush = normalized.flush ?? false;
  if (typeof flush !== 'boolean') throw invalidArgType('options.flush', 'boolean', flush);
  const bytes = toBytes(data, normalized.encoding);
  if (path instanceof FileHandle) return writeData(path, bytes, normalized.signal, normalized.encoding, undefined);
  checkAborted(normalized.signal);
  const handle = await open(path as PathLike, normalized.flag || flag, normalized.mode);
  try {
    await writeData(handle, bytes, normalized.signal, normalized.encoding, flush ? new WritebackPacer(handle) : undefined);
    if (flush) await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * `fs.promises.writeFile`: replaces the file's content with `data` (or writes at a FileHandle's position).
 *
 * @example
 * import { writeFile } from '@tpio/core';
 * await writeFile('out.txt', 'hello\n');
 * await writeFile('out.bin', (async function* () { yield Buffer.from([1, 2]); yield 'three'; })());
 */
export async function writeFile(path: PathLike | FileHandle, data: WriteFileData, options?: WriteFileOptions | BufferEncoding | null): Promise<void> {
  return writeFileWithFlag(path, data, options, 'w');
}

/**
 * `fs.promises.appendFile`: appends `data` to the file (flag `'a'` unless options say otherwise).
 *
 * @example
 * import { appendFile } from '@tpio/core';
 * await appendFile('log.txt', 'one more line\n');
 */
export async function appendFile(path: PathLike | FileHandle, data: WriteFileData, options?: WriteFileOptions | BufferEncoding | null): Promise<void> {
  return writeFileWithFlag(path, data, options, 'a');
}

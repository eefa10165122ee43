// readFile(): the whole file (from a handle's position) in one fresh Buffer. When the size is
// known, the buffer is allocated once and filled by several reads in flight at once, straight
// into their final place (no copies); files of unknown size (pipes, /proc) are read in pieces.

import { codedError } from '@tpio/binding/errors';
import { allocReadBuffer } from '@tpio/binding';
import { kIoMaxLength } from '@tpio/binding/validate';
import { Call, Operation, Shape, kIo, kPosition, kReadAt, kSubmit, promiseFor } from './operation.js';
import { abortError, checkAborted, onAbort } from './abort.js';
import { getOptions } from './options.js';
import { FileHandle } from './file-handle.js';
import { open } from './open.js';
import { positionUnknown } from './tracked-position.js';
import type { OpenFlags } from './flags.js';
import type { PathLike } from './validated-path.js';

/**
 * Options of {@link readFile}, as node:fs's.
 *
 * @example
 * await readFile('a.txt', { encoding: 'utf8', signal } satisfies ReadFileOptions);
 */
export interface ReadFileOptions {
  /** Return a string in this encoding instead of a Buffer. */
  encoding?: BufferEncoding | null;
  /** Open flags (default `'r'`). Ignored for a FileHandle. */
  flag?: OpenFlags;
  /** Cancels the reads in flight and rejects with an AbortError. */
  signal?: AbortSignal;
}

const pieceSize = 1024 * 1024;
const piecesInFlight = 4;
const unknownSizeChunk = 64 * 1024;
// The result buffer is not advised for huge pages (adviseHugePages): on a guest that reports free
// memory to its host, huge pages faulted onto reported blocks made a 1 GiB readFile ~5x slower,
// while 4 KiB pages, faulted by the pieces in flight on both cores, ran at 2x+ node's (ADR 0005).
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

function fileTooLarge(size: number): Error {
  return codedError('ERR_FS_FILE_TOO_LARGE', `File size (${size}) is greater than 2 GiB`, RangeError);
}

/** Fills `buffer` from `position` with up to `piecesInFlight` reads at once; resolves with the bytes read. */
async function readKnownSize(handle: FileHandle, buffer: Buffer, position: number, signal: AbortSignal | undefined): Promise<number> {
  const length = buffer.length;
  const inFlight = new Set<Operation>();
  let next = 0;
  let contiguous = length; // bytes before the first piece that found the end of the file
  let failure: unknown;
  const detach = onAbort(signal, () => {
    failure ??= abortError(signal);
    for (const operation of inFlight) handle[kIo].cancelIoEx(operation);
  });
  // A short read is not the end of the file: its remainder is read again (as node's readFile loops
  // until a read returns 0). Only a read of 0 bytes ends the file early (it shrank meanwhile).
  const remainders: [number, number][] = [];
  try {
    await new Promise<void>((resolve) => {
      const issue = (): void => {
        while (failure === undefined && inFlight.size < piecesInFlight && (remainders.length > 0 || next < length)) {
          let start: number;
          let count: number;
          if (remainders.length > 0) {
            [start, count] = remainders.pop()!;
          } else {
            start = next;
            count = Math.min(pieceSize, length - next);
            next += count;
          }
          const operation = new Operation(Call.read, Shape.bytes, 'read');
          operation.buffer = buffer;
          operation.offset = start;
          operation.length = count;
          operation.position = position + start;
          const promise = promiseFor<number>(operation);
          try {
            handle[kSubmit](operation);
          } catch (error) {
            failure = error;
            break;
          }
          inFlight.add(operation);
          promise.then(
            (bytes) => {
              inFlight.delete(operation);
              if (bytes === 0) {
                if (start < contiguous) contiguous = start;
              } else if (bytes < count && start + bytes < contiguous) {
                remainders.push([start + bytes, count - bytes]);
              }
              issue();
            },
            (error: unknown) => {
              inFlight.delete(operation);
              failure ??= error;
              issue();
            },
          );
        }
        if (inFlight.size === 0) resolve();
      };
      issue();
    });
  } finally {
    detach();
  }
  if (failure !== undefined) throw failure;
  return contiguous;
}

/** Reads until end of file in pieces, for files whose size is unknown. */
async function readUnknownSize(handle: FileHandle, signal: AbortSignal | undefined): Promise<Buffer> {
  const buffers: Buffer[] = [];
  let total = 0;
  const inFlight = new Set<Operation>();
  const detach = onAbort(signal, () => {
    for (const operation of inFlight) handle[kIo].cancelIoEx(operation);
  });
  try {
    for (;;) {
      checkAborted(signal);
      const buffer = Buffer.allocUnsafeSlow(unknownSizeChunk);
      const bytes = await handle[kReadAt](buffer, 0, unknownSizeChunk, -1, inFlight);
      if (bytes === 0) break;
      buffers.push(bytes === unknownSizeChunk ? buffer : buffer.subarray(0, bytes));
      total += bytes;
    }
  } catch (error) {
    checkAborted(signal);
    throw error;
  } finally {
    detach();
  }
  return buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers, total);
}

/** @internal readFile on an open handle, from its position; `options` already normalised. */
export async function readFileHandle(handle: FileHandle, options: { encoding?: BufferEncoding | null; signal?: AbortSignal }): Promise<string | Buffer> {
  const { signal, encoding } = options;
  checkAborted(signal);
  const stats = await handle.stat();
  checkAborted(signal);
  const size = (stats.mode & S_IFMT) === S_IFREG ? stats.size : 0;
  if (size > kIoMaxLength) throw fileTooLarge(size);
  let position = handle[kPosition].value;
  if (position === positionUnknown) position = size; // after an append: at the end
  let result: Buffer;
  if (position >= size) {
    // A size fstat cannot tell (pipes, /proc), or nothing left: read on to the end in pieces. Like
    // node's, this issues a read even at the end, so a handle not open for reading fails (EBADF).
    result = await readUnknownSize(handle, signal);
  } else {
    const buffer = allocReadBuffer(size - position, position); // placed for a fast copy
    const bytes = await readKnownSize(handle, buffer, position, signal);
    handle[kPosition].value = position + bytes;
    result = bytes === buffer.length ? buffer : buffer.subarray(0, bytes);
  }
  return encoding ? result.toString(encoding) : result;
}

/**
 * `fs.promises.readFile`: the whole file as a Buffer, or a string with an encoding. `path` may be a
 * FileHandle (read from its position). Reads run several at a time into one buffer.
 *
 * @example
 * import { readFile } from '@tpio/core';
 * const text = await readFile('package.json', 'utf8');
 */
export async function readFile(path: PathLike | FileHandle, options: { encoding: BufferEncoding; flag?: OpenFlags; signal?: AbortSignal } | BufferEncoding): Promise<string>;
export async function readFile(path: PathLike | FileHandle, options?: { encoding?: null; flag?: OpenFlags; signal?: AbortSignal } | null): Promise<Buffer>;
export async function readFile(path: PathLike | FileHandle, options?: ReadFileOptions | BufferEncoding | null): Promise<string | Buffer>;
export async function readFile(path: PathLike | FileHandle, options?: ReadFileOptions | BufferEncoding | null): Promise<string | Buffer> {
  const normalized = getOptions(options, { flag: 'r' as OpenFlags }) as { flag?: OpenFlags; encoding?: BufferEncoding | null; signal?: AbortSignal };
  if (path instanceof FileHandle) return readFileHandle(path, normalized);
  checkAborted(normalized.signal);
  const handle = await open(path as PathLike, normalized.flag || 'r', 0o666);
  try {
    return await readFileHandle(handle, normalized);
  } finally {
    await handle.close();
  }
}

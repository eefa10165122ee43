// readLines(): node's FileHandle.readLines, a readline Interface over the file's bytes. node feeds
// it a ReadStream on the handle; here the input is a Readable over chunks(), so the lines arrive
// with chunks()'s read-ahead. Options are createReadStream's, checked as node checks them, and the
// handle is closed when the input ends or is destroyed unless `autoClose` is false.

import { createRequire } from 'node:module';
import type { Interface } from 'node:readline';
import { outOfRange } from '@tpio/binding/errors';
import { validateInteger } from '@tpio/binding/validate';
import { getOptions } from './options.js';
import type { FileHandle } from './file-handle.js';

/**
 * Options of {@link FileHandle.readLines}: those of node's `filehandle.createReadStream()`.
 *
 * @example
 * file.readLines({ encoding: 'latin1', start: 0, end: 1023 } satisfies ReadLinesOptions);
 */
export interface ReadLinesOptions {
  /** How the bytes are decoded (default utf8, readline's own). */
  encoding?: BufferEncoding | null;
  /** Close the handle when the input ends or is destroyed (default true). */
  autoClose?: boolean;
  /** Emit 'close' on the input after it is destroyed (default true). */
  emitClose?: boolean;
  /** First byte to read (default: the handle's position). */
  start?: number;
  /** Last byte to read, inclusive (default: the end of the file). */
  end?: number;
  /** Bytes per read (default 64 KiB). */
  highWaterMark?: number;
  /** Destroys the input with an AbortError, which the line iterator then throws. */
  signal?: AbortSignal;
}

const defaultHighWaterMark = 64 * 1024;

// node:readline and node:stream load on the first readLines() only: most users of core never call
// it, and loading them costs every process that imports core about 2 ms.
const load = createRequire(import.meta.url);

/**
 * A readline Interface over `handle`'s lines, as node's `filehandle.readLines(options)`.
 *
 * @example
 * for await (const line of readLines(file)) console.log(line);
 */
export function readLines(handle: FileHandle, options?: ReadLinesOptions): Interface {
  // node's stream takes the descriptor from the handle at once: -1 once the handle is closed.
  if (handle.fd === -1) throw outOfRange('fd', '>= 0 && <= 2147483647', -1);
  // node spreads `options` into the stream's options: only an object's own properties count (a
  // string or number adds nothing), then checks the encoding and signal as getOptions does.
  const settings = getOptions({ ...(options as object) }, {}) as ReadLinesOptions;
  const { start, end, encoding, signal, emitClose } = settings;
  // node's ReadStream: start and end are non-negative integers (end may be Infinity), start <= end.
  if (start !== undefined) validateInteger(start, 'start', 0);
  if (end !== undefined && end !== Infinity) {
    validateInteger(end, 'end', 0);
    if (start !== undefined && start > end) throw outOfRange('start', `<= "end" (here: ${end})`, start);
  }
  const highWaterMark = settings.highWaterMark ?? defaultHighWaterMark;
  const autoClose = settings.autoClose ?? true;
  const closeHandle = () => (autoClose ? handle.close() : undefined);
  // The bytes: chunks() from the first read the stream asks for.
  async function* bytes(): AsyncGenerator<Buffer> {
    // A loop, not `yield*`: an abort throws into this generator, and `yield*` would turn that into
    // a TypeError for chunks(), which has no throw().
    try {
      for await (const chunk of handle.chunks({ chunkSize: Math.max(1, highWaterMark), start, end: end === Infinity ? undefined : end })) yield chunk;
    } catch (error) {
      // Closed under us (node's stream closes itself on the handle's 'close'): the lines end there.
      if (handle.fd !== -1 || (error as { code?: string } | undefined)?.code !== 'EBADF') throw error;
    } finally {
      await closeHandle();
    }
  }
  const { Readable } = load('node:stream') as typeof import('node:stream');
  const { createInterface } = load('node:readline') as typeof import('node:readline');
  const input = Readable.from(bytes(), { objectMode: false, highWaterMark, encoding: encoding ?? undefined, signal, emitClose });
  // Destroyed before the first read: the generator never ran, so its `finally` will not close.
  input.once('close', () => void closeHandle()?.catch(() => {}));
  return createInterface({ input, crlfDelay: Infinity });
}

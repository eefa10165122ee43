// Web streams over tpio: a byte ReadableStream (BYOB readers get their own view filled by one
// read straight from the engine; default readers get fresh chunks) and a WritableStream of
// Uint8Array chunks whose backpressure is the write in flight plus the queuing strategy.

import { ReadableStream, WritableStream } from 'node:stream/web';
import type { ReadableByteStreamController } from 'node:stream/web';
import { FileHandle as TpioFileHandle, WritebackPacer, open as tpioOpen } from '@tpio/core';
import { allocReadBuffer } from '@tpio/binding';
import { invalidArgType, outOfRange } from '@tpio/binding/errors';
import { validateInteger } from '@tpio/binding/validate';
import { toValidPath, type StreamPath } from './validate-options.js';
import { splitRead } from './split-read.js';

/** Options of {@link readableWebStream}. */
export interface ReadableWebStreamOptions {
  /** First byte (inclusive; default 0 for a path, the handle's position for a handle). */
  start?: number;
  /** Last byte (inclusive; default: to the end of the file). */
  end?: number;
  /** Size of the chunks default readers receive (default 64 KiB). */
  chunkSize?: number;
  /** Close the handle at the end, on error or cancel (default true for a path, false for a handle). */
  autoClose?: boolean;
}

/** Options of {@link writableWebStream}. */
export interface WritableWebStreamOptions {
  /** Open flags for a path (default `'w'`). */
  flags?: string | number;
  /** Mode for a created file (default 0o666). */
  mode?: number | string;
  /** Position of the first write (default: the file's position, the end with `'a'`). */
  start?: number;
  /** Bytes queued before `writer.ready` waits (default 16 KiB). */
  highWaterMark?: number;
  /** fsync before closing. */
  flush?: boolean;
  /** Close the handle when the stream closes or aborts (default true for a path, false for a handle). */
  autoClose?: boolean;
}

type Source = StreamPath | TpioFileHandle;

/** Queue size of a chunk in bytes; anything else counts 0 and is refused by write() with node's error. */
function chunkBytes(chunk: unknown): number {
  return ArrayBuffer.isView(chunk) ? chunk.byteLength : 0;
}

function checkSource(source: unknown): void {
  if (!(source instanceof TpioFileHandle)) toValidPath(source);
}

function optionsObject<T>(options: unknown): T {
  if (options === undefined || options === null) return {} as T;
  if (typeof options !== 'object') throw invalidArgType('options', 'Object', options);
  return options as T;
}

function checkBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw invalidArgType(name, 'boolean', value);
}

/**
 * A `ReadableStream` of `type: 'bytes'` over a file (a path, opened here, or a @tpio/core
 * FileHandle). A BYOB reader's `read(view, { min })` is served by reading straight into `view`;
 * a default reader receives fresh Buffers of `chunkSize` bytes. Cancelling stops reading (a read
 * already in flight completes into nothing) and closes the file when `autoClose`.
 *
 * @example
 * import { readableWebStream } from '@tpio/stream';
 * const reader = readableWebStream('package.json').getReader({ mode: 'byob' });
 * const { value } = await reader.read(new Uint8Array(1024), { min: 16 });
 */
export function readableWebStream(source: Source, options?: ReadableWebStreamOptions): ReadableStream<Uint8Array> {
  checkSource(source);
  const settings = optionsObject<ReadableWebStreamOptions>(options);
  const ownsFile = !(source instanceof TpioFileHandle);
  const chunkSize = settings.chunkSize ?? 64 * 1024;
  validateInteger(chunkSize, 'options.chunkSize', 1, 2 ** 31 - 1);
  if (settings.start !== undefined) validateInteger(settings.start, 'options.start', 0);
  if (settings.end !== undefined && settings.end !== Infinity) validateInteger(settings.end, 'options.end', 0);
  const start = settings.start;
  const end = settings.end ?? Infinity;
  if (start !== undefined && start > end) throw outOfRange('start', `<= "end" (here: ${end})`, start);
  checkBoolean(settings.autoClose, 'options.autoClose');
  const autoClose = settings.autoClose ?? ownsFile;

  let handle: TpioFileHandle | undefined = ownsFile ? undefined : source;
  let position: number | null = start ?? (ownsFile ? 0 : null);
  let remaining = end === Infinity ? Infinity : end + 1 - (start ?? 0);
  let reading: Promise<unknown> | undefined;
  let finished = false;

  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    if (reading !== undefined) await reading.catch(() => {});
    if (autoClose && handle !== undefined) await handle.close();
  };

  const pull = async (controller: ReadableByteStreamController): Promise<void> => {
    const request = controller.byobRequest;
    if (remaining <= 0) {
      await finish();
      controller.close();
      request?.respond(0);
      return;
    }
    let target: Uint8Array;
    if (request?.view) {
      const view = request.view;
      target = new Uint8Array(view.buffer, view.byteOffset, Math.min(view.byteLength, remaining));
    } else {
      // Placed for a fast copy from the page cache (at the current position the offset is a guess).
      target = allocReadBuffer(Math.min(chunkSize, remaining), position ?? 0);
    }
    // A caller's view at a known position may be filled by several reads at once (splitRead);
    // chunks for default readers are one read each, since their reads already overlap the consumer.
    const read = request?.view && position !== null
      ? splitRead(handle!, target, position)
      : handle!.read(target, 0, target.byteLength, position).then((result) => result.bytesRead);
    reading = read;
    let bytesRead: number;
    try {
      bytesRead = await read;
    } catch (error) {
      await finish().catch(() => {});
      throw error;
    } finally {
      reading = undefined;
    }
    if (finished) return; // cancelled while the read was in flight: its bytes go nowhere
    if (bytesRead === 0) {
      await finish();
      controller.close();
      request?.respond(0);
      return;
    }
    if (position !== null) position += bytesRead;
    remaining -= bytesRead;
    if (request?.view) {
      request.respond(bytesRead);
    } else if (bytesRead === target.byteLength) {
      controller.enqueue(target);
    } else {
      // Right-size a short chunk instead of keeping the whole buffer alive behind it. Never from
      // Buffer's shared pool: enqueue() transfers (detaches) the chunk's whole ArrayBuffer.
      const chunk = Buffer.allocUnsafeSlow(bytesRead);
      chunk.set(target.subarray(0, bytesRead));
      controller.enqueue(chunk);
    }
  };

  return new ReadableStream({
    type: 'bytes',
    async start() {
      if (handle === undefined) handle = await tpioOpen(source as StreamPath, 'r');
    },
    pull,
    cancel: () => finish(),
  }) as ReadableStream<Uint8Array>;
}

/**
 * A `WritableStream` of Uint8Array chunks into a file (a path, opened here with `flags`, or a
 * @tpio/core FileHandle). Each chunk is written completely before the next one starts; the
 * `highWaterMark` (bytes) sets when `writer.ready` waits. Works with `pipeTo`, `pipeline` and
 * `Writable.fromWeb`.
 *
 * @example
 * import { writableWebStream } from '@tpio/stream';
 * const writer = writableWebStream('out.bin').getWriter();
 * await writer.write(new Uint8Array([1, 2, 3]));
 * await writer.close();
 */
export function writableWebStream(source: Source, options?: WritableWebStreamOptions): WritableStream<Uint8Array> {
  checkSource(source);
  const settings = optionsObject<WritableWebStreamOptions>(options);
  const ownsFile = !(source instanceof TpioFileHandle);
  if (settings.start !== undefined) validateInteger(settings.start, 'options.start', 0);
  const highWaterMark = settings.highWaterMark ?? 16 * 1024;
  validateInteger(highWaterMark, 'options.highWaterMark', 0);
  checkBoolean(settings.flush, 'options.flush');
  checkBoolean(settings.autoClose, 'options.autoClose');
  const autoClose = settings.autoClose ?? ownsFile;
  let handle: TpioFileHandle | undefined = ownsFile ? undefined : source;
  let position: number | null = settings.start ?? null;
  let closed = false;
  // With `flush`, writeback starts as the chunks arrive, so that the sync at close has less to wait for.
  let pacer: WritebackPacer | undefined;

  const closeFile = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    if (autoClose && handle !== undefined) await handle.close();
  };

  return new WritableStream<Uint8Array>({
    async start() {
      if (handle === undefined) handle = await tpioOpen(source as StreamPath, settings.flags ?? 'w', settings.mode ?? 0o666);
      if (settings.flush) pacer = new WritebackPacer(handle);
    },
    async write(chunk) {
      let offset = 0;
      try {
        // A bad chunk errors the stream for good, as a failed write does: close what it opened.
        if (!ArrayBuffer.isView(chunk)) throw invalidArgType('chunk', ['Buffer', 'TypedArray', 'DataView'], chunk);
        const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        while (offset < bytes.byteLength) {
          const { bytesWritten } = await handle!.write(bytes, offset, bytes.byteLength - offset, position);
          offset += bytesWritten;
          if (position !== null) position += bytesWritten;
          pacer?.wrote(bytesWritten);
        }
      } catch (error) {
        await closeFile().catch(() => {});
        throw error;
      }
    },
    async close() {
      try {
        if (settings.flush && handle !== undefined) await handle.sync();
      } finally {
        await closeFile();
      }
    },
    abort: () => closeFile(),
  }, { highWaterMark, size: chunkBytes });
}

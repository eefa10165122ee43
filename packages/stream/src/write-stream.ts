// WriteStream: node:fs's fs.WriteStream (lib/internal/fs/streams.js) over @tpio/core.
//
// Writable already serialises calls and hands every chunk buffered behind a write in flight to
// _writev at once; here _writev also coalesces runs of small chunks into larger buffers, so many
// tiny writes become one gather write of few iovecs (and never more than the kernel's IOV_MAX).
// A path (or a @tpio/core FileHandle) is written through the tpio FileHandle; `options.fs`, a
// numeric fd or a node:fs FileHandle go through the fs-ops object, with node's exact calls.
// node's rules are kept: EAGAIN counts as zero bytes written, partial writes are retried, five
// zero-byte attempts in a row fail; `flush` fsyncs before close; close waits for a write in flight.

import { Writable } from 'node:stream';
import { WritebackPacer, fileHandleOperations, type FileHandle as TpioFileHandle } from '@tpio/core';
import { codedError } from '@tpio/binding/errors';
import { nodeFs, type FsOverride } from './fs-ops.js';
import { resolveWriteOptions, type StreamPath } from './validate-options.js';
import { callableClass, closeWithHandle, constructWithOpenMethod, openStreamFile } from './stream-common.js';

/** Options of {@link createWriteStream}: node:fs's. */
export interface WriteStreamOptions {
  flags?: string | number;
  encoding?: BufferEncoding | null;
  /** A descriptor, a node:fs FileHandle or a @tpio/core FileHandle: no `'open'` event then. */
  fd?: number | import('node:fs/promises').FileHandle | TpioFileHandle | null;
  mode?: number | string;
  autoClose?: boolean;
  emitClose?: boolean;
  /** Byte position of the first write (default: the file's position, or its end with `'a'`). */
  start?: number;
  /** Buffered bytes before write() returns false (default 16 KiB). */
  highWaterMark?: number;
  signal?: AbortSignal;
  fs?: FsOverride | null;
  /** fsync the file before closing it. */
  flush?: boolean;
}

type StreamState = { _readableState: { autoDestroy: boolean }; _writableState: { autoDestroy: boolean } };
type Callback = (error?: Error | null) => void;

const kIoDone = Symbol('kIoDone');
/** Chunks below this size are copied together into one buffer by _writev. */
const smallChunk = 16 * 1024;
/** Target size of a coalesced buffer. */
const coalesceBytes = 256 * 1024;
/** Linux's IOV_MAX: one writev takes at most this many buffers. */
const maxIovecs = 1024;

/**
 * Groups runs of small chunks into single buffers (copying them), keeps large chunks as they are.
 *
 * @example
 * coalesce([Buffer.from('a'), Buffer.from('b')]); // [<Buffer 61 62>]
 */
export function coalesce(chunks: Buffer[]): Buffer[] {
  let small = 0;
  for (const chunk of chunks) if (chunk.length < smallChunk) small++;
  if (small < 2 && chunks.length <= maxIovecs) return chunks;
  const result: Buffer[] = [];
  let run: Buffer[] = [];
  let runBytes = 0;
  const flushRun = (): void => {
    if (run.length === 1) result.push(run[0]!);
    else if (run.length > 1) result.push(Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const chunk of chunks) {
    if (chunk.length >= smallChunk && result.length + 2 < maxIovecs) {
      flushRun();
      result.push(chunk);
      continue;
    }
    run.push(chunk);
    runBytes += chunk.length;
    if (runBytes >= coalesceBytes && result.length + 2 < maxIovecs) flushRun();
  }
  flushRun();
  return result;
}

class WriteStream extends Writable {
  declare fd: number | null;
  declare path: string | Buffer;
  declare flags: string | number;
  declare mode: string | number;
  declare flush: boolean;
  declare start: number | undefined;
  declare pos: number | undefined;
  declare bytesWritten: number;
  #fs: FsOverride | undefined;
  /** The handle this stream opened itself (not one it was given). */
  #opened: TpioFileHandle | undefined;
  #performingIO = false;
  /** Only tpio's own writes are coalesced: calls into `options.fs` stay exactly node's. */
  #coalesce = false;
  /** With `flush`, starts writeback as the stream goes (tpio's own handles only, as #coalesce). */
  #pacer: WritebackPacer | undefined;

  constructor(path: StreamPath | null | undefined, options?: WriteStreamOptions | BufferEncoding) {
    const plan = resolveWriteOptions(path, options);
    super(plan.streamOptions);
    const { target } = plan;
    if (target.kind === 'path' || target.kind === 'fs-path') {
      this.fd = null;
      this.#fs = target.kind === 'fs-path' ? target.fs : undefined;
      this.path = target.path;
      this.flags = target.flags;
      this.mode = target.mode;
    } else {
      this.fd = target.fd;
      if (target.kind === 'fd') this.#fs = target.fs ?? nodeFs;
      else this.#fs = fileHandleOperations(target.handle as never);
      this.#coalesce = target.kind === 'tpio-handle';
      if (target.kind === 'tpio-handle') this.#pacer = new WritebackPacer(target.handle);
      if (target.kind !== 'fd') closeWithHandle(this, target.handle as unknown as NodeJS.EventEmitter);
    }
    this.flush = plan.flush;
    // Either write or writev is enough in `options.fs`: only the one given is used, as in node.
    if (this.#fs !== undefined && !this.#fs.write) (this as { _write: unknown })._write = null;
    if (this.#fs !== undefined && !this.#fs.writev) (this as { _writev: unknown })._writev = null;
    this.start = plan.start;
    this.pos = plan.start;
    this.bytesWritten = 0;
    if (plan.streamOptions.encoding) this.setDefaultEncoding(plan.streamOptions.encoding);
  }

  /** As node's: `autoClose` is `autoDestroy` of the writable state. */
  get autoClose(): boolean {
    return (this as unknown as StreamState)._writableState.autoDestroy;
  }

  set autoClose(value: boolean) {
    (this as unknown as StreamState)._writableState.autoDestroy = value;
    if (!value && #opened in this) this.#opened?.disown(); // stream.fd is now the caller's to close
  }

  /** True until the file is open. */
  get pending(): boolean {
    return this.fd === null;
  }

  override _construct(callback: Callback): void {
    if (typeof this.fd === 'number') {
      callback();
      return;
    }
    if (typeof (this as unknown as { open?: unknown }).open === 'function') {
      this.#fs ??= nodeFs;
      constructWithOpenMethod(this, callback);
      return;
    }
    openStreamFile(this, this.#fs, callback, (handle) => {
      this.#opened = handle;
      this.#fs = fileHandleOperations(handle as never);
      this.#coalesce = true;
      this.#pacer = new WritebackPacer(handle);
    });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    this.#performingIO = true;
    this.#writeAll(chunk, chunk.length, this.pos, 0, (error) => this.#afterIo(error, callback));
    if (this.pos !== undefined) this.pos += chunk.length;
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: Callback): void {
    let size = 0;
    const buffers: Buffer[] = new Array(chunks.length);
    for (let i = 0; i < chunks.length; i++) {
      buffers[i] = chunks[i]!.chunk;
      size += buffers[i]!.length;
    }
    this.#performingIO = true;
    this.#writevAll(this.#coalesce ? coalesce(buffers) : buffers, size, this.pos, 0, (error) => this.#afterIo(error, callback));
    if (this.pos !== undefined) this.pos += size;
  }

  override _destroy(error: Error | null, callback: Callback): void {
    if (!(#performingIO in this)) {
      // Destroyed inside the Writable constructor (an already aborted signal): nothing is open.
      callback(error);
      return;
    }
    // File I/O may run as blocking calls on other threads: never close a descriptor in use.
    if (this.#performingIO) this.once(kIoDone, (ioError: Error | null) => this.#close(error || ioError, callback));
    else this.#close(error, callback);
  }

  /**
   * Ends the stream and closes the file; `callback` runs on `'close'`.
   *
   * @example
   * stream.close(() => console.log('closed'));
   */
  close(callback?: Callback): void {
    if (callback) {
      if (this.closed) {
        process.nextTick(callback);
        return;
      }
      this.on('close', callback);
    }
    // Without autoClose nothing destroys the stream after 'finish': do it here.
    if (!this.autoClose) this.on('finish', this.destroy);
    this.end();
  }

  /** There is no shutdown() for files: the same as end(). */
  destroySoon(...args: Parameters<Writable['end']>): this {
    return this.end(...args);
  }

  #afterIo(error: Error | null | undefined, callback: Callback): void {
    this.#performingIO = false;
    if (this.destroyed) {
      callback(error);
      this.emit(kIoDone, error);
      return;
    }
    callback(error);
  }

  #close(error: Error | null, callback: Callback): void {
    if (!this.fd) {
      callback(error);
    } else if (this.flush) {
      this.#fs!.fsync!(this.fd, (flushError) => this.#closeFd(error || flushError, callback));
    } else {
      this.#closeFd(error, callback);
    }
  }

  #closeFd(error: Error | null, callback: Callback): void {
    this.#fs!.close!(this.fd!, (closeError) => callback(closeError || error));
    this.fd = null;
  }

  #writeAll(data: Buffer, size: number, position: number | undefined, retries: number, callback: Callback): void {
    this.#fs!.write!(this.fd!, data, 0, size, position, (error, bytesWritten, buffer) => {
      if (error?.code === 'EAGAIN') {
        error = null;
        bytesWritten = 0;
      }
      if (this.destroyed || error) {
        callback(error || streamDestroyed('write'));
        return;
      }
      this.bytesWritten += bytesWritten;
      if (this.flush) this.#pacer?.wrote(bytesWritten);
      retries = bytesWritten ? 0 : retries + 1;
      size -= bytesWritten;
      if (position !== undefined) position += bytesWritten;
      if (retries > 5) callback(codedError('ERR_SYSTEM_ERROR', 'A system error occurred: write failed'));
      else if (size) this.#writeAll((buffer ?? data).subarray(bytesWritten), size, position, retries, callback);
      else callback();
    });
  }

  #writevAll(buffers: Buffer[], size: number, position: number | undefined, retries: number, callback: Callback): void {
    this.#fs!.writev!(this.fd!, buffers, position, (error, bytesWritten) => {
      if (error?.code === 'EAGAIN') {
        error = null;
        bytesWritten = 0;
      }
      if (this.destroyed || error) {
        callback(error || streamDestroyed('writev'));
        return;
      }
      this.bytesWritten += bytesWritten;
      if (this.flush) this.#pacer?.wrote(bytesWritten);
      retries = bytesWritten ? 0 : retries + 1;
      size -= bytesWritten;
      if (position !== undefined) position += bytesWritten;
      if (retries > 5) callback(codedError('ERR_SYSTEM_ERROR', 'A system error occurred: writev failed'));
      else if (size) this.#writevAll(skipBytes(buffers, bytesWritten), size, position, retries, callback);
      else callback();
    });
  }
}

function streamDestroyed(method: string): Error {
  return codedError('ERR_STREAM_DESTROYED', `Cannot call ${method} after a stream was destroyed`);
}

/** The buffers that remain after `count` bytes of `buffers` were written (views, no copy). */
function skipBytes(buffers: Buffer[], count: number): Buffer[] {
  let index = 0;
  while (index < buffers.length && count >= buffers[index]!.length) count -= buffers[index++]!.length;
  const rest = buffers.slice(index);
  if (count > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(count);
  return rest;
}

/**
 * node:fs's `fs.WriteStream`, on tpio: same options (`flags`, `start`, `flush`, `fs`, ...),
 * events and errors. Callable with or without `new`.
 *
 * @example
 * import { WriteStream } from '@tpio/stream';
 * const out = WriteStream('out.txt', { flags: 'a' });
 * out.end('appended\n');
 */
const WriteStreamClass = callableClass(WriteStream);
type WriteStreamClass = WriteStream;
export { WriteStreamClass as WriteStream };

/**
 * Opens `path` for writing as `fs.createWriteStream(path, options)` does; small writes queued
 * behind a write in flight are coalesced into one gather write.
 *
 * @example
 * import { createWriteStream } from '@tpio/stream';
 * const out = createWriteStream('out.txt');
 * out.write('hello ');
 * out.end('world\n');
 */
export function createWriteStream(path: StreamPath | null | undefined, options?: WriteStreamOptions | BufferEncoding): WriteStream {
  return new WriteStream(path, options);
}

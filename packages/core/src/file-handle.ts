// FileHandle: the fs.promises FileHandle surface over ONE binding Io per descriptor. Every
// operation is a request record (operation.ts) whose completion settles a promise or feeds an
// iterator; the handle tracks its own file position, as node's descriptor would, because
// completion engines (and Windows overlapped handles) only know explicit offsets.

import type { BigIntStats, Stats } from 'node:fs';
import type { Interface } from 'node:readline';
import type { Io, Port } from '@tpio/binding';
import { systemError } from '@tpio/binding/errors';
import { validateInteger } from '@tpio/binding/validate';
import { Call, Operation, Shape, errorSyscall, kCheckOpen, kIo, kPosition, kReadAt, kSubmit, kWriteAt, promiseFor, settledValue } from './operation.js';
import { closedError, readOperation, vectoredOperation, writeOperation } from './read-write-arguments.js';
import { chunks, type ChunksOptions } from './chunks.js';
import { readMany, type ReadManyOptions, type ReadManyResult, type ReadRange } from './read-many.js';
import { CompletionListeners, type Completion, type CompletionsOptions } from './completions.js';
import { readFileHandle, type ReadFileOptions } from './read-file.js';
import { readLines, type ReadLinesOptions } from './read-lines.js';
import { writeFileHandle, type WriteFileData, type WriteFileOptions } from './write-file.js';
import { getOptions } from './options.js';
import { FileHandleStreams } from './file-handle-streams.js';
import { closeOnCollect, forgetOnCollect } from './close-on-collect.js';
import { submitOperation } from './submit-operation.js';
import { TrackedPosition } from './tracked-position.js';
import { MetadataCalls, fdMetadataCalls, type FdCall } from './fd-metadata.js';
import type { FileReadOptions, FileReadParams, FileReadResult, FileWriteResult } from './read-write-results.js';

export type { FileReadOptions, FileReadParams, FileReadResult, FileWriteResult } from './read-write-results.js';

// Node 20.20 defines Symbol.asyncDispose; older runtimes get node's symbol, for `await using`.
(Symbol as { asyncDispose?: symbol }).asyncDispose ??= Symbol.for('nodejs.asyncDispose');

/**
 * An open file, with the methods and results of `fs.promises.FileHandle`. Create one with
 * {@link open}. All operations go through one completion object (Io) bound to the descriptor;
 * `close()` waits for operations in flight. Like node's, it emits `'close'` when `close()` is first
 * called, and its streams (inherited from {@link FileHandleStreams}) close with it.
 *
 * @example
 * import { open } from '@tpio/core';
 * await using file = await open('package.json');
 * const { bytesRead, buffer } = await file.read(Buffer.alloc(64), 0, 64, 0);
 * console.log(buffer.subarray(0, bytesRead).toString());
 */
export class FileHandle extends FileHandleStreams {
  #fd: number;
  readonly #io: Io<FileHandle, Operation>;
  readonly #position: TrackedPosition;
  #closePromise: Promise<void> | undefined;
  readonly #listeners = new CompletionListeners();
  readonly #metadataCalls = new MetadataCalls(); // chmod/chown/utimes: close() waits for them too

  /** @internal Use {@link open}. */
  constructor(fd: number, port: Port, append: boolean) {
    super();
    this.#fd = fd;
    this.#position = new TrackedPosition(append);
    this.#io = port.createIo<FileHandle, Operation>(fd, FileHandle.#onCompletion, this);
    closeOnCollect(this, fd, port);
  }

  static #onCompletion(handle: FileHandle, operation: Operation, result: number, bytes: number): void {
    handle.#position.settle(operation, bytes);
    if (operation.sink !== undefined) operation.sink.complete(operation, result, bytes);
    else if (result < 0) operation.reject!(systemError(result, { syscall: errorSyscall(operation) }));
    else operation.resolve!(settledValue(operation, bytes));
    handle.#listeners.push(operation, result, bytes);
  }

  /** The numeric descriptor, or -1 once `close()` has been called. */
  get fd(): number {
    return this.#fd;
  }

  /**
   * Reads into a buffer: `read(buffer, offset, length, position)`, `read(buffer, options)` or
   * `read(options)`. A `null` or omitted position reads at the handle's position and advances it.
   *
   * @example
   * const { bytesRead, buffer } = await file.read({ buffer: Buffer.alloc(16), position: 0 });
   */
  read<T extends ArrayBufferView = Buffer>(buffer: T, offset?: number | null, length?: number | null, position?: number | bigint | null): Promise<FileReadResult<T>>;
  read<T extends ArrayBufferView = Buffer>(buffer: T, options?: FileReadOptions): Promise<FileReadResult<T>>;
  read<T extends ArrayBufferView = Buffer>(options?: FileReadParams<T>): Promise<FileReadResult<T>>;
  read(bufferOrOptions?: unknown, offset?: unknown, length?: unknown, position?: unknown): Promise<FileReadResult<any>> {
    try {
      if (this.#closePromise !== undefined) throw closedError('read');
      const operation = readOperation(bufferOrOptions, offset, length, position);
      if (!(operation instanceof Operation)) return Promise.resolve(operation as FileReadResult);
      return this.#issueAt(operation, operation.position, operation.length as number);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Writes a buffer — `write(buffer, offset, length, position)` or `write(buffer, options)` — or a
   * string — `write(string, position, encoding)`. Without a position, writes at the handle's
   * position (and advance it); in append mode they always go to the end of the file.
   *
   * @example
   * await file.write('hello\n');
   * await file.write(Buffer.from('world\n'), 0, 6, 6);
   */
  write<T extends ArrayBufferView>(buffer: T, offset?: number | null, length?: number | null, position?: number | bigint | null): Promise<FileWriteResult<T>>;
  write<T extends ArrayBufferView>(buffer: T, options?: { offset?: number; length?: number; position?: number | bigint | null }): Promise<FileWriteResult<T>>;
  write(data: string, position?: number | bigint | null, encoding?: BufferEncoding | null): Promise<FileWriteResult<string>>;
  write(buffer: unknown, offset?: unknown, length?: unknown, position?: unknown): Promise<FileWriteResult<any>> {
    try {
      if (this.#closePromise !== undefined) throw closedError('write');
      const operation = writeOperation(buffer, offset, length, position);
      if (!(operation instanceof Operation)) return Promise.resolve(operation as FileWriteResult);
      return this.#issueAt(operation, operation.position, operation.length as number);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Scatter read into `buffers` (at `position`, or at the handle's position).
   *
   * @example
   * const { bytesRead, buffers } = await file.readv([Buffer.alloc(4), Buffer.alloc(4)], 0);
   */
  readv<T extends readonly ArrayBufferView[]>(buffers: T, position?: number | bigint | null): Promise<{ bytesRead: number; buffers: T }> {
    return this.#vectored('readv', buffers, position) as Promise<{ bytesRead: number; buffers: T }>;
  }

  /**
   * Gather write of `buffers` (at `position`, or at the handle's position).
   *
   * @example
   * await file.writev([Buffer.from('a'), Buffer.from('b')], 0);
   */
  writev<T extends readonly ArrayBufferView[]>(buffers: T, position?: number | bigint | null): Promise<{ bytesWritten: number; buffers: T }> {
    return this.#vectored('writev', buffers, position) as Promise<{ bytesWritten: number; buffers: T }>;
  }

  /** readv and writev: one operation over several buffers at `position` or the tracked position. */
  #vectored(syscall: 'readv' | 'writev', buffers: readonly ArrayBufferView[], position: number | bigint | null | undefined): Promise<unknown> {
    try {
      if (this.#closePromise !== undefined) throw closedError(syscall);
      const operation = vectoredOperation(syscall, buffers, position);
      if (!(operation instanceof Operation)) return Promise.resolve(operation);
      return this.#issueAt(operation, operation.position, operation.length as number);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * fstat: an `fs.Stats`, or `fs.BigIntStats` with `{ bigint: true }`.
   *
   * @example
   * const { size } = await file.stat();
   */
  stat(options?: { bigint?: false }): Promise<Stats>;
  stat(options: { bigint: true }): Promise<BigIntStats>;
  stat(options?: { bigint?: boolean }): Promise<Stats | BigIntStats>;
  stat(options: { bigint?: boolean } = { bigint: false }): Promise<Stats | BigIntStats> {
    try {
      if (this.#closePromise !== undefined) throw closedError('fstat');
      const operation = new Operation(Call.fstat, Shape.stat, 'fstat');
      operation.stats = new BigInt64Array(18);
      operation.bigint = options.bigint === true;
      return this.#issue(operation);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * ftruncate to `len` bytes (default 0; negative counts as 0, as in node).
   *
   * @example
   * await file.truncate(10);
   */
  truncate(len = 0): Promise<void> {
    try {
      if (this.#closePromise !== undefined) throw closedError('ftruncate');
      validateInteger(len, 'len');
      const operation = new Operation(Call.ftruncate, Shape.none, 'ftruncate');
      operation.length = Math.max(0, len);
      if (this.#position.waitsForEnd(operation)) return this.#findEnd().then(() => this.#issue(operation));
      return this.#issue(operation);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * fsync: flushes data and metadata to the device.
   *
   * @example
   * await file.sync();
   */
  sync(): Promise<void> {
    return this.#simple(Call.fsync, 'fsync');
  }

  /**
   * fdatasync: flushes data (and the metadata needed to read it back).
   *
   * @example
   * await file.datasync();
   */
  datasync(): Promise<void> {
    return this.#simple(Call.fdatasync, 'fdatasync');
  }

  /**
   * Starts writing the file's dirty pages in `[position, position + length)` to storage and
   * resolves without waiting (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`; `length` 0, the
   * default, means to the end), so that a later {@link FileHandle.sync} has less left to wait for.
   * A hint, not a flush: it makes nothing durable; elsewhere it does nothing.
   *
   * @example
   * await file.write(bigBuffer);
   * await file.startWriteback(); // the device starts now; a later datasync() waits only for the rest
   */
  startWriteback(position: number | bigint = 0, length: number | bigint = 0): Promise<void> {
    return this.#simple(Call.startWriteback, 'sync_file_range', position, length);
  }

  /**
   * fchmod: changes the file's mode (a number, or an octal string such as `'644'`).
   *
   * @example
   * await file.chmod(0o600);
   */
  chmod(mode: string | number): Promise<void> {
    return this.#metadata('fchmod', fdMetadataCalls.fchmod(mode));
  }

  /**
   * fchown: changes the file's owner and group (-1 keeps one as it is).
   *
   * @example
   * await file.chown(process.getuid(), -1);
   */
  chown(uid: number, gid: number): Promise<void> {
    return this.#metadata('fchown', fdMetadataCalls.fchown(uid, gid));
  }

  /**
   * futimes: sets the access and modification times (Dates, seconds as numbers, or numeric strings).
   *
   * @example
   * await file.utimes(new Date(), new Date());
   */
  utimes(atime: string | number | Date, mtime: string | number | Date): Promise<void> {
    return this.#metadata('futimes', fdMetadataCalls.futimes(atime, mtime));
  }

  /**
   * Reads from the handle's position to the end: a Buffer, or a string with an encoding.
   *
   * @example
   * const text = await file.readFile('utf8');
   */
  readFile(options?: ReadFileOptions | BufferEncoding | null): Promise<string | Buffer>;
  readFile(options: { encoding: BufferEncoding } | BufferEncoding): Promise<string>;
  async readFile(options?: unknown): Promise<string | Buffer> {
    this[kCheckOpen]('readFile');
    return readFileHandle(this, getOptions(options, { flag: 'r' }) as { encoding?: BufferEncoding | null; signal?: AbortSignal });
  }

  /**
   * Writes `data` (string, buffer, or an iterable / async iterable of them) at the handle's position.
   *
   * @example
   * await file.writeFile('all of it');
   */
  writeFile(data: WriteFileData, options?: WriteFileOptions | BufferEncoding | null): Promise<void> {
    if (this.#closePromise !== undefined) return Promise.reject(closedError('writeFile'));
    return writeFileHandle(this, data, options);
  }

  /**
   * Appends `data`: the same as {@link FileHandle.writeFile} (node's semantics: at the handle's position,
   * which is the end of the file for handles opened with an `'a'` flag).
   *
   * @example
   * await file.appendFile('more\n');
   */
  appendFile(data: WriteFileData, options?: WriteFileOptions | BufferEncoding | null): Promise<void> {
    return this.writeFile(data, options);
  }

  /**
   * A `readline` Interface over the file's lines, as node's `filehandle.readLines()`: options as
   * `createReadStream`'s, and the handle closes when the lines end unless `autoClose` is false.
   *
   * @example
   * for await (const line of file.readLines()) console.log(line);
   */
  readLines(options?: ReadLinesOptions): Interface {
    return readLines(this, options);
  }

  /**
   * Reads `[start, end]` (inclusive, as fs streams) in `chunkSize` pieces with `depth` reads in flight ahead
   * of the consumer. See {@link ChunksOptions}.
   *
   * @example
   * for await (const chunk of file.chunks({ chunkSize: 1 << 20, depth: 4 })) process.stdout.write(chunk);
   */
  chunks(options?: ChunksOptions): AsyncIterableIterator<Buffer> {
    return chunks(this, options);
  }

  /**
   * Reads every `{ position, length }` range of `ranges` (iterable or async iterable) in completion
   * order, at most `depth` at a time and at most `2 * depth` ahead of the consumer (see the options).
   *
   * @example
   * for await (const { position, bytesRead, buffer } of file.readMany([{ position: 0, length: 4096 }])) {}
   */
  readMany(ranges: Iterable<ReadRange> | AsyncIterable<ReadRange>, options?: ReadManyOptions): AsyncIterableIterator<ReadManyResult> {
    return readMany(this, ranges, options);
  }

  /**
   * Every completion on this handle, from now until it closes, as `{ request, result, bytesTransferred }`
   * (the IoCompletionCallback as a loop). Completions are queued until consumed.
   *
   * @example
   * for await (const { request, result, bytesTransferred } of file.completions()) console.log(request.syscall, result, bytesTransferred);
   */
  completions(options?: CompletionsOptions): AsyncIterableIterator<Completion> {
    return this.#listeners.open(options, this.#closePromise !== undefined);
  }

  /**
   * Closes the descriptor after the operations in flight complete, emitting `'close'` at once.
   * Calling it again returns the same promise.
   *
   * @example
   * await file.close();
   */
  close(): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise;
    this.#closePromise = this.#close();
    this.emit('close'); // synchronously, as node's FileHandle does
    return this.#closePromise;
  }

  /**
   * Hands the descriptor over to the caller, who will close it: from now on neither garbage
   * collection nor the end of this thread (a worker exiting) closes it. The handle keeps working
   * and `close()` still closes the descriptor. For code that passes `fd` on as a number whose
   * owner closes it with node:fs, as fs streams with `autoClose: false` do. Returns `fd` (-1 once
   * `close()` has been called).
   *
   * @example
   * const file = await open('data.bin');
   * const fd = file.disown();
   * // ... later, whoever got the number: fs.closeSync(fd)
   */
  disown(): number {
    if (this.#closePromise !== undefined) return -1;
    forgetOnCollect(this);
    this.#io.port.disown(this.#fd);
    return this.#fd;
  }

  /**
   * `await using file = await open(...)` closes the file at the end of the scope.
   *
   * @example
   * { await using file = await open('package.json'); }
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #close(): Promise<void> {
    this.#fd = -1;
    forgetOnCollect(this);
    try {
      if (this.#io.pending > 0) await this.#io.waitForCallbacks(false);
      await this.#metadataCalls.settled(); // none start after close()
      await this.#issue<void>(new Operation(Call.close, Shape.none, 'close'));
    } finally {
      this.#io.close();
      this.#listeners.end();
    }
  }

  /** chmod/chown/utimes, through node:fs (see fd-metadata.ts). */
  #metadata(syscall: string, call: FdCall): Promise<void> {
    if (this.#closePromise !== undefined) return Promise.reject(closedError(syscall));
    return this.#metadataCalls.run(this.#fd, call);
  }

  /** fsync/fdatasync/sync_file_range. Async, as node's methods are: every error rejects. */
  async #simple(call: number, syscall: string, position: number | bigint = -1, length: number | bigint = 0): Promise<void> {
    this[kCheckOpen](syscall);
    const operation = new Operation(call, Shape.none, syscall);
    operation.position = position;
    operation.length = length;
    return this.#issue(operation);
  }

  /** Issues a read/write at `position` (-1: the tracked position; see TrackedPosition.place). */
  #issueAt<T>(operation: Operation, position: number | bigint, length: number): Promise<T> {
    if (this.#position.place(operation, position, length)) return this.#issue(operation);
    return this.#findEnd().then(() => this.#issueAt<T>(operation, position, length));
  }

  /** After an append, finds the end it left (fstat) before anything that uses or moves it is issued. */
  #findEnd(): Promise<void> {
    return this.stat({ bigint: false }).then((stats) => this.#position.foundEnd(stats.size));
  }

  #issue<T>(operation: Operation): Promise<T> {
    const promise = promiseFor<T>(operation);
    this[kSubmit](operation);
    return promise;
  }

  /** @internal Starts and issues an operation on this handle's Io (see submitOperation). */
  [kSubmit](operation: Operation): void {
    submitOperation(this.#io, operation);
  }

  /** @internal Reads into `buffer` at `offset` (position -1: tracked), listed in `inFlight` until settled (for aborts). */
  [kReadAt](buffer: ArrayBufferView, offset: number, length: number, position: number | bigint, inFlight?: Set<Operation>): Promise<number> {
    return this.#transfer(Call.read, 'read', buffer, offset, length, position, inFlight);
  }

  /** @internal Writes `length` bytes of `buffer` from `offset`; as {@link FileHandle[kReadAt]}. */
  [kWriteAt](buffer: ArrayBufferView, offset: number, length: number, position: number | bigint, inFlight?: Set<Operation>): Promise<number> {
    return this.#transfer(Call.write, 'write', buffer, offset, length, position, inFlight);
  }

  #transfer(call: number, syscall: string, buffer: ArrayBufferView, offset: number, length: number, position: number | bigint, inFlight: Set<Operation> | undefined): Promise<number> {
    this[kCheckOpen](syscall);
    const operation = new Operation(call, Shape.bytes, syscall);
    operation.buffer = buffer;
    operation.offset = offset;
    operation.length = length;
    const promise = this.#issueAt<number>(operation, position, length);
    if (inFlight === undefined) return promise;
    inFlight.add(operation);
    return promise.finally(() => inFlight.delete(operation));
  }

  /** @internal The tracked position (its value is -1 after an append until the end is known). */
  get [kPosition](): TrackedPosition {
    return this.#position;
  }

  /** @internal */
  get [kIo](): Io<FileHandle, Operation> {
    return this.#io;
  }

  /** @internal Throws node's EBADF "file closed" error once close() has been called. */
  [kCheckOpen](syscall: string): void {
    if (this.#closePromise !== undefined) throw closedError(syscall);
  }
}

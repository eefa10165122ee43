// The stream methods of fs.promises' FileHandle, as FileHandle's base class. createReadStream and
// createWriteStream make node's own fs.ReadStream / fs.WriteStream on the handle, doing their I/O
// through it exactly as node's streams on a node FileHandle do (fileHandleOperations); and
// readableWebStream is node's web stream over the handle's reads. They are here so that code
// written for fs.promises runs unchanged; @tpio/stream has streams with read-ahead.

import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { CreateReadStreamOptions, CreateWriteStreamOptions, ReadableWebStreamOptions } from 'node:fs/promises';
import { ReadableStream, type ReadableByteStreamController, type ReadableStreamDefaultController } from 'node:stream/web';
import { codedError, invalidArgType, invalidState } from '@tpio/binding/errors';
import { fileHandleOperations, type PromiseFileHandle } from './file-handle-operations.js';

/** node's stream classes take `(path, options)`; with `fd` in the options the path is ignored. */
type FsStreamClass<S> = new (path: undefined, options: Record<string, unknown>) => S;
const ReadStreamClass = fs.ReadStream as unknown as FsStreamClass<fs.ReadStream>;
const WriteStreamClass = fs.WriteStream as unknown as FsStreamClass<fs.WriteStream>;

/** The handle as these methods use it: its promise methods, `fd`, and its `'close'` event. */
type StreamingHandle = PromiseFileHandle & EventEmitter & { readonly fd: number };

// node 22 (in its current releases; the change came from node 23) makes readableWebStream() a byte
// stream always and ignores its options. node 20 makes one only for `type: 'bytes'`, and otherwise
// a stream of ArrayBuffers read 64 KiB at a time.
const alwaysBytes = Number(process.versions.node.split('.')[0]) >= 22;
const plainChunkSize = 64 * 1024;
/** node's autoAllocateChunkSize: what a default reader of the byte stream gets per read. */
const byteChunkSize = 16 * 1024;

/**
 * The stream methods of `fs.promises.FileHandle`; {@link FileHandle} inherits them.
 */
export abstract class FileHandleStreams extends EventEmitter {
  #webStreamTaken = false;

  /**
   * node's `filehandle.createReadStream(options)`: an `fs.ReadStream` (node's own class) reading
   * this file through this handle, one read at a time. It closes the handle at its end unless
   * `autoClose` is false, and closes when the handle does. For read-ahead use @tpio/stream.
   *
   * @example
   * (await open('log.txt')).createReadStream({ start: 100 }).pipe(process.stdout);
   */
  createReadStream(options?: CreateReadStreamOptions): fs.ReadStream {
    return closingWith(this, new ReadStreamClass(undefined, streamOptions(this as never, options)));
  }

  /**
   * node's `filehandle.createWriteStream(options)`: an `fs.WriteStream` (node's own class) writing
   * through this handle; with `flush: true` it syncs the file before closing it.
   *
   * @example
   * const out = (await open('out.txt', 'w')).createWriteStream();
   * out.end('hello\n');
   */
  createWriteStream(options?: CreateWriteStreamOptions): fs.WriteStream {
    return closingWith(this, new WriteStreamClass(undefined, streamOptions(this as never, options)));
  }

  /**
   * node's `filehandle.readableWebStream(options)`: a web `ReadableStream` of the file from the
   * handle's position. With `type: 'bytes'` (always, on node 22 and later) it is a byte stream whose
   * BYOB readers read straight into their views; otherwise, as in node 20, its chunks are
   * ArrayBuffers of up to 64 KiB. It never closes the handle, and it ends when the handle closes.
   * A handle gives out one such stream; asking again throws ERR_INVALID_STATE, as node does.
   *
   * @example
   * for await (const chunk of file.readableWebStream({ type: 'bytes' })) console.log(chunk.byteLength);
   */
  readableWebStream(options: ReadableWebStreamOptions = {}): ReadableStream {
    const handle = this as unknown as StreamingHandle;
    if (handle.fd === -1) throw invalidState('The FileHandle is closed');
    if (this.#webStreamTaken) throw invalidState('The FileHandle is locked');
    this.#webStreamTaken = true; // before the type check, as in node: a bad type still uses it up
    if (alwaysBytes) return byteStream(handle);
    if (options.type !== undefined && typeof options.type !== 'string') throw invalidArgType('options.type', 'string', options.type);
    return options.type === 'bytes' ? byteStream(handle) : plainStream(handle);
  }
}

/** node spreads the options (own properties only) and adds the handle; `fs` cannot go with a handle. */
function streamOptions(handle: StreamingHandle, options: object | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...options };
  if (copy.fs) throw codedError('ERR_METHOD_NOT_IMPLEMENTED', 'The FileHandle with fs method is not implemented');
  copy.fd = handle.fd;
  copy.fs = fileHandleOperations(handle);
  return copy;
}

/** As node's streams on a FileHandle: the stream closes when the handle does. */
function closingWith<S extends fs.ReadStream | fs.WriteStream>(handle: EventEmitter, stream: S): S {
  handle.on('close', stream.close.bind(stream));
  return stream;
}

/**
 * The reads of a web stream that ends when the handle closes: `settle` ends the stream at once, or
 * after the read in flight, which then gives null (nothing to deliver).
 */
function readsUntilClose(handle: StreamingHandle, settle: () => void): (view: ArrayBufferView, length: number) => Promise<number | null> {
  let reading = false;
  let ended = false;
  handle.once('close', () => {
    ended = true;
    if (!reading) settle();
  });
  return async (view, length) => {
    reading = true;
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(view as Buffer, 0, length, null));
    } finally {
      reading = false;
    }
    if (!ended) return bytesRead;
    settle();
    return null;
  };
}

function byteStream(handle: StreamingHandle): ReadableStream {
  let controller!: ReadableByteStreamController;
  // Closing a byte stream with a view lent out needs respond(0) for that view.
  const settle = (): void => {
    try {
      controller.close();
      controller.byobRequest?.respond(0);
    } catch {} // closed or errored already
  };
  const read = readsUntilClose(handle, settle);
  return new ReadableStream({
    type: 'bytes',
    autoAllocateChunkSize: byteChunkSize,
    start(c) {
      controller = c;
    },
    async pull(c) {
      const request = c.byobRequest!;
      const view = request.view!;
      const bytesRead = await read(view, view.byteLength);
      if (bytesRead === null) return;
      if (bytesRead === 0) c.close();
      request.respond(bytesRead);
    },
  });
}

function plainStream(handle: StreamingHandle): ReadableStream {
  let controller!: ReadableStreamDefaultController;
  const settle = (): void => {
    try {
      controller.close();
    } catch {}
  };
  const read = readsUntilClose(handle, settle);
  return new ReadableStream({
    start(c) {
      controller = c;
    },
    async pull(c) {
      const chunk = new ArrayBuffer(plainChunkSize);
      const bytesRead = await read(new Uint8Array(chunk), plainChunkSize);
      if (bytesRead === null) return;
      if (bytesRead === 0) c.close();
      else c.enqueue(bytesRead === plainChunkSize ? chunk : chunk.slice(0, bytesRead));
    },
  });
}

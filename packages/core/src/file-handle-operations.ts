// node's FileHandleOperations (lib/internal/fs/streams.js): the callback-style functions an fs
// stream calls (its `fs` option), made from a FileHandle's promise methods. node's streams given a
// FileHandle as `fd` do their I/O through such an object; so do this package's FileHandle stream
// methods, and @tpio/stream for any FileHandle it is given (node's or ours).

import { codedError } from '@tpio/binding/errors';

type Callback<T extends unknown[]> = (error: NodeJS.ErrnoException | null, ...result: T) => void;

/**
 * The functions of node:fs an fs stream calls, with node's callback signatures: the shape of the
 * `fs` option of `fs.createReadStream` / `fs.createWriteStream`.
 */
export interface FsOperations {
  open(path: string | Buffer, flags: string | number, mode: string | number, callback: Callback<[number]>): void;
  read(fd: number, buffer: Buffer, offset: number, length: number, position: number | null | undefined, callback: Callback<[number, Buffer]>): void;
  write(fd: number, buffer: Buffer, offset: number, length: number, position: number | null | undefined, callback: Callback<[number, Buffer]>): void;
  writev(fd: number, buffers: Buffer[], position: number | null | undefined, callback: Callback<[number, Buffer[]]>): void;
  fsync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void;
  close(fd: number, callback: (error?: NodeJS.ErrnoException | null) => void): void;
}

/** What {@link fileHandleOperations} needs of a FileHandle: node's and tpio's both have it. */
export interface PromiseFileHandle {
  read(buffer: Buffer, offset: number, length: number, position: number | null | undefined): Promise<{ bytesRead: number; buffer: Buffer }>;
  write(buffer: Buffer, offset: number, length: number, position: number | null | undefined): Promise<{ bytesWritten: number; buffer: Buffer }>;
  writev(buffers: Buffer[], position: number | null | undefined): Promise<{ bytesWritten: number; buffers: Buffer[] }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An fs-operations object over a FileHandle's promise methods, as node makes for streams on a
 * FileHandle: `open` throws ERR_METHOD_NOT_IMPLEMENTED (the file is open already), the descriptor
 * arguments are ignored, and every other call adapts the handle's promise to node's callback.
 *
 * @example
 * import { open, fileHandleOperations } from '@tpio/core';
 * const ops = fileHandleOperations(await open('package.json'));
 * ops.read(0, Buffer.alloc(4), 0, 4, 0, (error, bytesRead) => console.log(bytesRead));
 */
export function fileHandleOperations(handle: PromiseFileHandle): FsOperations {
  return {
    open() {
      throw codedError('ERR_METHOD_NOT_IMPLEMENTED', 'The open() method is not implemented');
    },
    read(_fd, buffer, offset, length, position, callback) {
      handle.read(buffer, offset, length, position).then((result) => callback(null, result.bytesRead, result.buffer), (error) => callback(error, 0, buffer));
    },
    write(_fd, buffer, offset, length, position, callback) {
      handle.write(buffer, offset, length, position).then((result) => callback(null, result.bytesWritten, result.buffer), (error) => callback(error, 0, buffer));
    },
    writev(_fd, buffers, position, callback) {
      handle.writev(buffers, position).then((result) => callback(null, result.bytesWritten, result.buffers), (error) => callback(error, 0, buffers));
    },
    fsync(_fd, callback) {
      handle.sync().then(() => callback(null), callback);
    },
    close(_fd, callback) {
      handle.close().then(() => callback(), callback);
    },
  };
}

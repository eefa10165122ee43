// The `fs` option of fs streams: an object of node-style callback functions (open, read, write,
// writev, fsync, close) a stream calls instead of node:fs. Three uses here:
//  - streams given `options.fs` call exactly those functions, with node's arguments;
//  - streams given a FileHandle (node's or tpio's) go through @tpio/core's fileHandleOperations(),
//    as node's do;
//  - `tpioFs` is such an object backed by @tpio/core, so node's own `fs.createReadStream(path,
//    { fs: tpioFs })` (or any code taking an fs-like object) runs on tpio's engine.

import fs from 'node:fs';
import { open as tpioOpen, type FileHandle as TpioFileHandle, type FsOperations } from '@tpio/core';

/**
 * The `fs` option of {@link createReadStream} / {@link createWriteStream}: the subset of node:fs a
 * stream calls. Read streams need `open` (unless `fd` is given), `read` and `close` (when
 * `autoClose`); write streams `open`, `write` and/or `writev`, `close`, and `fsync` with `flush`.
 */
export type FsOverride = Partial<FsOperations>;

/** node:fs itself, called through the module object as node's streams do. */
export const nodeFs: FsOverride = fs as unknown as FsOverride;

const openHandles = new Map<number, TpioFileHandle>();

function handleFor(fd: number): TpioFileHandle | undefined {
  return openHandles.get(fd);
}

/**
 * A node-style fs object backed by @tpio/core: pass it as the `fs` option of node's own streams
 * (or of ours). Descriptors it opens are served by tpio's engine; other descriptors fall through
 * to node:fs.
 *
 * @example
 * import fs from 'node:fs';
 * import { tpioFs } from '@tpio/stream';
 * fs.createReadStream('package.json', { fs: tpioFs }).pipe(process.stdout);
 */
export const tpioFs: FsOperations = {
  open(path, flags, mode, callback) {
    tpioOpen(path, flags, mode).then((handle) => {
      // The number is the caller's, as fs.open's is: whatever closes it (this object's close, or
      // node:fs), tpio never closes it again (not on collection, not when the thread ends).
      handle.disown();
      openHandles.set(handle.fd, handle);
      callback(null, handle.fd);
    }, (error) => callback(error, -1));
  },
  read(fd, buffer, offset, length, position, callback) {
    const handle = handleFor(fd);
    if (handle === undefined) return fs.read(fd, buffer, offset, length, position ?? null, callback);
    handle.read(buffer, offset, length, position).then((result) => callback(null, result.bytesRead, result.buffer), (error) => callback(error, 0, buffer));
  },
  write(fd, buffer, offset, length, position, callback) {
    const handle = handleFor(fd);
    if (handle === undefined) return fs.write(fd, buffer, offset, length, position, callback);
    handle.write(buffer, offset, length, position).then((result) => callback(null, result.bytesWritten, result.buffer), (error) => callback(error, 0, buffer));
  },
  writev(fd, buffers, position, callback) {
    const handle = handleFor(fd);
    if (handle === undefined) return fs.writev(fd, buffers, position ?? null, callback);
    handle.writev(buffers, position).then((result) => callback(null, result.bytesWritten, result.buffers), (error) => callback(error, 0, buffers));
  },
  fsync(fd, callback) {
    const handle = handleFor(fd);
    if (handle === undefined) return fs.fsync(fd, callback);
    handle.sync().then(() => callback(null), callback);
  },
  close(fd, callback) {
    const handle = handleFor(fd);
    if (handle === undefined) return fs.close(fd, callback);
    openHandles.delete(fd);
    handle.close().then(() => callback(null), callback);
  },
};

// copyFile(): node's copy semantics (libuv's uv_fs_copyfile: same-file check, truncate, the source's
// mode, the destination removed on failure, errors as `copyfile 'src' -> 'dest'`) with the fastest
// path this machine offers: in-kernel copy_file_range ranges in flight at once, and when the kernel
// declines (other filesystems, old kernels) a read-ahead pipeline of reused buffers with batched writes.

import { constants, fchmod, promises as fsPromises, type Stats } from 'node:fs';
import { allocReadBuffer, type Port } from '@tpio/binding';
import { systemError } from '@tpio/binding/errors';
import { validateInteger, validateObject, validateFunction } from '@tpio/binding/validate';
import { codedError, errnoOf } from '@tpio/binding/errors';
import { Call, Operation, Shape, kIo, kSubmit, promiseFor } from './operation.js';
import { AbortError, abortError, checkAborted, onAbort, validateAbortSignal } from './abort.js';
import { FileHandle } from './file-handle.js';
import { openDescriptor } from './open.js';
import { currentPort } from './default-port.js';
import { getValidatedPath, type PathLike } from './validated-path.js';

/**
 * Options of {@link copyFile} (beyond node's numeric `mode`).
 *
 * @example
 * await copyFile('a', 'b', { depth: 4, onProgress: (done, total) => {} } satisfies CopyFileOptions);
 */
export interface CopyFileOptions {
  /** `fs.constants.COPYFILE_EXCL` / `COPYFILE_FICLONE` / `COPYFILE_FICLONE_FORCE` bits, as node's `mode`. */
  mode?: number;
  /** Ranges in flight at once (default 2 for copy_file_range, 4 for the read/write path). */
  depth?: number;
  /** Bytes per range (default 16 MiB for copy_file_range; 1 MiB buffers for read/write). */
  chunkSize?: number;
  /** Called after each finished range with the bytes copied so far and the total. */
  onProgress?: (bytesCopied: number, totalBytes: number) => void;
  /** Cancels the copy: ranges in flight are cancelled, the destination removed, AbortError thrown. */
  signal?: AbortSignal;
}

/** copy_file_range results that mean "not here": fall back to reading and writing. */
const declined = new Set(['EXDEV', 'ENOSYS', 'EOPNOTSUPP', 'EINVAL', 'ENOTSUP', 'EIO', 'EPERM'].map((code) => {
  try {
    return errnoOf(code);
  } catch {
    return 0;
  }
}));

interface Plan {
  size: number;
  depth: number;
  chunkSize: number;
  onProgress: ((bytesCopied: number, totalBytes: number) => void) | undefined;
  signal: AbortSignal | undefined;
  copied: number;
}

function run<T>(handle: FileHandle, operation: Operation): Promise<T> {
  const promise = promiseFor<T>(operation);
  handle[kSubmit](operation);
  return promise;
}

/** Runs `work(start, length)` over [0, size) with `depth` ranges in flight; cancels the rest on failure or abort. */
async function pipeline(plan: Plan, chunkSize: number, depth: number, cancel: () => void, work: (start: number, length: number) => Promise<number>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const detach = onAbort(plan.signal, () => {
    failure ??= abortError(plan.signal);
    cancel();
  });
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < plan.size) {
      const start = next;
      const length = Math.min(chunkSize, plan.size - start);
      next += length;
      try {
        const done = await work(start, length);
        plan.copied += done;
        if (done < length) next = Math.min(next, plan.size = start + done); // the source shrank
        plan.onProgress?.(plan.copied, plan.size);
      } catch (error) {
        if (failure === undefined) {
          failure = error;
          cancel();
        }
      }
    }
  };
  try {
    const workers: Promise<void>[] = [];
    for (let i = 0; i < depth; i++) workers.push(worker());
    await Promise.all(workers);
  } finally {
    detach();
  }
  if (failure !== undefined) throw failure;
}

async function copyRanges(source: FileHandle, dest: FileHandle, plan: Plan): Promise<void> {
  const inFlight = new Set<Operation>();
  await pipeline(plan, plan.chunkSize, plan.depth, () => {
    for (const operation of inFlight) source[kIo].cancelIoEx(operation);
  }, async (start, length) => {
    let done = 0;
    while (done < length) {
      const operation = new Operation(Call.copyFileRange, Shape.bytes, 'copyfile');
      operation.fdOut = dest.fd;
      operation.position = start + done;
      operation.positionOut = start + done;
      operation.length = length - done;
      inFlight.add(operation);
      const bytes = await run<number>(source, operation).finally(() => inFlight.delete(operation));
      if (bytes === 0) break;
      done += bytes;
    }
    return done;
  });
}

async function copyBuffers(source: FileHandle, dest: FileHandle, plan: Plan, chunkSize: number, depth: number): Promise<void> {
  const pool: Buffer[] = [];
  await pipeline(plan, chunkSize, depth, () => {
    source[kIo].cancelIoEx();
    dest[kIo].cancelIoEx();
  }, async (start, length) => {
    // Placed for fast copies in and out of the page cache; pieces start chunkSize apart.
    const buffer = pool.pop() ?? allocReadBuffer(chunkSize, start);
    try {
      let read = 0;
      while (read < length) {
        const { bytesRead } = await source.read(buffer, read, length - read, start + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      let written = 0;
      while (written < read) written += (await dest.write(buffer, written, read - written, start + written)).bytesWritten;
      return read;
    } finally {
      pool.push(buffer);
    }
  });
}

function changeMode(fd: number, mode: number): Promise<void> {
  return new Promise((resolve, reject) => fchmod(fd, mode, (error) => (error ? reject(error) : resolve())));
}

/** No progress, cancellation or tuning asked for: any correct copy will do. */
function plainCopy(options: CopyFileOptions): boolean {
  return options.onProgress === undefined && options.signal === undefined && options.depth === undefined && options.chunkSize === undefined;
}

/** node checks copyFile's mode in C++, with these messages: truncated to an integer, 0..7. */
function validCopyMode(mode: unknown): number {
  if (mode == null) return 0;
  if (typeof mode !== 'number') throw codedError('ERR_INVALID_ARG_TYPE', 'mode must be int32 or null/undefined', TypeError);
  const value = Math.trunc(mode);
  if (!(value >= 0 && value <= 7)) throw codedError('ERR_OUT_OF_RANGE', 'mode is out of range: >= 0 && <= 7', RangeError);
  return value;
}

function normalizeOptions(modeOrOptions: number | CopyFileOptions | undefined): CopyFileOptions {
  if (modeOrOptions === undefined || modeOrOptions === null) return {};
  if (typeof modeOrOptions !== 'object') return { mode: modeOrOptions };
  validateObject(modeOrOptions, 'options');
  return modeOrOptions;
}

/** Whether `path` names an existing directory (false when it names nothing). */
function isDirectory(path: string | Buffer): Promise<boolean> {
  return fsPromises.stat(path).then((stats) => stats.isDirectory(), () => false);
}

async function openTarget(port: Port, dest: string | Buffer, exclusive: boolean, mode: number): Promise<{ fd: number; created: boolean }> {
  const flags = constants.O_WRONLY | constants.O_CREAT;
  // O_EXCL first: a new destination needs no same-file check and no truncate (one round trip less).
  try {
    return { fd: await openDescriptor(port, dest, flags | constants.O_EXCL, mode), created: true };
  } catch (error) {
    if (exclusive || (error as { code?: string }).code !== 'EEXIST') throw error;
  }
  return { fd: await openDescriptor(port, dest, flags, mode), created: false };
}

async function copyOpen(port: Port, src: string | Buffer, dest: string | Buffer, mode: number, options: CopyFileOptions, opened: FileHandle[]): Promise<void> {
  const source = new FileHandle(await openDescriptor(port, src, constants.O_RDONLY, 0), port, false);
  opened.push(source);
  const sourceStats = await source.stat();
  checkAborted(options.signal);
  // libuv on Windows copies with CopyFileW, which refuses a directory (ERROR_ACCESS_DENIED: EPERM)
  // as the source before the destination exists, and as the destination too (unless COPYFILE_EXCL
  // finds it exists first: EEXIST), where opening it for writing could succeed (Wine) or fail
  // otherwise. On POSIX the copy itself fails later (EISDIR).
  const exclusive = (mode & constants.COPYFILE_EXCL) !== 0;
  if (process.platform === 'win32' && (sourceStats.isDirectory() || (!exclusive && (await isDirectory(dest))))) throw systemError(errnoOf('EPERM'), { syscall: 'copyfile' });
  const wantedMode = sourceStats.mode & 0o7777;
  const { fd, created } = await openTarget(port, dest, exclusive, sourceStats.mode);
  const target = new FileHandle(fd, port, false);
  opened.push(target);
  // A created file has the source's mode less the umask: check it alongside the copy.
  let destStats: Promise<Stats> | undefined = target.stat();
  // Awaited only after the copy: until then a failure must not count as an unhandled rejection
  // (which ends the process). Found by fault injection (an fstat failing with EIO).
  destStats.catch(() => undefined);
  if (!created) {
    const stats = await destStats;
    destStats = undefined;
    if (stats.dev === sourceStats.dev && stats.ino === sourceStats.ino) return; // same file: nothing to do
    if (stats.size > 0) await target.truncate(0);
    if ((stats.mode & 0o7777) !== wantedMode) await changeMode(target.fd, wantedMode);
  }
  const plan: Plan = {
    size: sourceStats.size,
    depth: options.depth ?? 2,
    chunkSize: options.chunkSize ?? 16 * 1024 * 1024,
    onProgress: options.onProgress,
    signal: options.signal,
    copied: 0,
  };
  try {
    if (plan.size > 0) await copyRanges(source, target, plan);
  } catch (error) {
    if (error instanceof AbortError || !declined.has((error as { errno?: number }).errno ?? 0) || plan.copied > 0) throw error;
    plan.copied = 0;
    await copyBuffers(source, target, plan, Math.min(options.chunkSize ?? 1024 * 1024, 1024 * 1024 * 16), options.depth ?? 4);
  } finally {
    await destStats?.catch(() => undefined);
  }
  if (destStats !== undefined && ((await destStats).mode & 0o7777) !== wantedMode) await changeMode(target.fd, wantedMode);
}

/**
 * `fs.promises.copyFile(src, dest, mode)`, and more with an options object: progress, cancellation
 * and tuning. Uses in-kernel `copy_file_range` where the kernel supports it, otherwise reads and
 * writes with read-ahead. `fs.constants.COPYFILE_EXCL` fails if `dest` exists; the destination gets
 * the source's mode; on failure the destination is removed (as node does).
 *
 * @example
 * import { copyFile } from '@tpio/core';
 * import { constants } from 'node:fs';
 * await copyFile('big.iso', 'copy.iso', { mode: constants.COPYFILE_EXCL, onProgress: (done, total) => console.log(done / total) });
 */
export async function copyFile(src: PathLike, dest: PathLike, modeOrOptions?: number | CopyFileOptions): Promise<void> {
  const srcPath = getValidatedPath(src, 'src');
  const destPath = getValidatedPath(dest, 'dest');
  const options = normalizeOptions(modeOrOptions);
  const mode = validCopyMode(options.mode);
  if (options.depth !== undefined) validateInteger(options.depth, 'options.depth', 1, 256);
  if (options.chunkSize !== undefined) validateInteger(options.chunkSize, 'options.chunkSize', 4096, 2 ** 31 - 1);
  if (options.onProgress !== undefined) validateFunction(options.onProgress, 'options.onProgress');
  validateAbortSignal(options.signal, 'options.signal');
  checkAborted(options.signal);
  const port = currentPort();
  if ((mode & constants.COPYFILE_FICLONE_FORCE) !== 0 || (port.backend === 'threads' && plainCopy(options))) {
    // A forced reflink needs ioctl(FICLONE), which only node's libuv path issues. And on the threads
    // engine node's copy is already one pool job (open, fstat, copy_file_range, close); our steps
    // cost a cross-thread round trip each, which small files feel, so a plain copy goes there too.
    return fsPromises.copyFile(srcPath, destPath, mode);
  }
  const opened: FileHandle[] = [];
  let failure: unknown;
  try {
    await copyOpen(port, srcPath, destPath, mode, options, opened);
  } catch (error) {
    failure = error;
  }
  const closes = await Promise.allSettled(opened.map((handle) => handle.close()));
  if (failure === undefined) {
    const closeFailure = closes.find((result) => result.status === 'rejected');
    if (closeFailure !== undefined) failure = (closeFailure as PromiseRejectedResult).reason;
  }
  if (failure === undefined) return;
  if (opened.length > 1) await fsPromises.unlink(destPath).catch(() => undefined);
  if (failure instanceof AbortError) throw failure;
  const errno = (failure as { errno?: number }).errno;
  if (typeof errno !== 'number') throw failure;
  throw systemError(errno, { syscall: 'copyfile', path: srcPath, dest: destPath });
}

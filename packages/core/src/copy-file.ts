// copyFile(): node's copy semantics (libuv's uv_fs_copyfile: same-file check, truncate, the source's
// mode, the destination removed on failure, errors as `copyfile 'src' -> 'dest'`) with the fastest
// path this machine offers: in-kernel copy_file_range ranges in flight at once, and when the kernel
// declines (other filesystems, old kernels) a read-ahead pipeline of reused buffers with batched writes.

import { constants, fchmod, promises as fsPromises } from 'node:fs';
import { systemError } from '@tpio/binding/errors';
import { validateInteger, validateObject, validateFunction } from '@tpio/binding/validate';
import { errnoOf } from '@tpio/binding/errors';
import { Call, Operation, Shape, kIo, kSubmit, promiseFor } from './operation.js';
import { AbortError, abortError, checkAborted, onAbort, validateAbortSignal } from './abort.js';
import { FileHandle } from './file-handle.js';
import { openDescriptor } from './open.js';
import { currentPort } from './default-port.js';
import { getValidatedPath, type PathLike } from './validated-path.js';

/** Options of {@link copyFile} (beyond node's numeric `mode`). */
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
    const buffer = pool.pop() ?? Buffer.allocUnsafeSlow(chunkSize);
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

function normalizeOptions(modeOrOptions: number | CopyFileOptions | undefined): CopyFileOptions {
  if (modeOrOptions === undefined || modeOrOptions === null) return {};
  if (typeof modeOrOptions === 'number') return { mode: modeOrOptions };
  validateObject(modeOrOptions, 'options');
  return modeOrOptions;
}

async function copyOpen(port: ReturnType<typeof currentPort>, src: string | Buffer, dest: string | Buffer, mode: number, options: CopyFileOptions, opened: FileHandle[]): Promise<boolean> {
  const source = new FileHandle(await openDescriptor(port, src, constants.O_RDONLY, 0), port, false);
  opened.push(source);
  const sourceStats = await source.stat();
  checkAborted(options.signal);
  const exclusive = (mode & constants.COPYFILE_EXCL) !== 0;
  const destFlags = constants.O_WRONLY | constants.O_CREAT | (exclusive ? constants.O_EXCL : 0);
  const target = new FileHandle(await openDescriptor(port, dest, destFlags, sourceStats.mode), port, false);
  opened.push(target);
  const destStats = await target.stat();
  if (!exclusive) {
    if (destStats.dev === sourceStats.dev && destStats.ino === sourceStats.ino) return false; // same file: nothing to do
    if (destStats.size > 0) await target.truncate(0);
  }
  if ((destStats.mode & 0o7777) !== (sourceStats.mode & 0o7777)) await changeMode(target.fd, sourceStats.mode & 0o7777);
  const plan: Plan = {
    size: sourceStats.size,
    depth: options.depth ?? 2,
    chunkSize: options.chunkSize ?? 16 * 1024 * 1024,
    onProgress: options.onProgress,
    signal: options.signal,
    copied: 0,
  };
  if (plan.size === 0) return true;
  try {
    await copyRanges(source, target, plan);
  } catch (error) {
    if (error instanceof AbortError || !declined.has((error as { errno?: number }).errno ?? 0) || plan.copied > 0) throw error;
    plan.copied = 0;
    await copyBuffers(source, target, plan, Math.min(options.chunkSize ?? 1024 * 1024, 1024 * 1024 * 16), options.depth ?? 4);
  }
  return true;
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
  const mode = options.mode ?? 0;
  validateInteger(mode, 'mode', 0, 7);
  if (options.depth !== undefined) validateInteger(options.depth, 'options.depth', 1, 256);
  if (options.chunkSize !== undefined) validateInteger(options.chunkSize, 'options.chunkSize', 4096, 2 ** 31 - 1);
  if (options.onProgress !== undefined) validateFunction(options.onProgress, 'options.onProgress');
  validateAbortSignal(options.signal, 'options.signal');
  checkAborted(options.signal);
  if ((mode & constants.COPYFILE_FICLONE_FORCE) !== 0) {
    // A forced reflink needs ioctl(FICLONE), which only node's libuv path issues.
    return fsPromises.copyFile(srcPath, destPath, mode);
  }
  const opened: FileHandle[] = [];
  let failure: unknown;
  try {
    await copyOpen(currentPort(), srcPath, destPath, mode, options, opened);
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

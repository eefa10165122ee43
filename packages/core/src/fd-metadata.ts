// chmod, chown and utimes of a FileHandle. These change metadata, move no data and have no
// io_uring opcode, so they run through node:fs's own descriptor calls (fchmod, fchown, futimes):
// node's argument checks, errors, and platform rules (Windows: chmod toggles read-only, chown
// does nothing) come with them unchanged. tpio's descriptors are node's on every platform (on
// Windows the binding opens them through libuv), so node's calls reach the same file.

import { fchmod, fchown, futimes } from 'node:fs';

/** A node:fs call on `fd` that reports through a callback. */
export type FdCall = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;

/** The three calls, by the syscall name node's FileHandle gives their errors. */
export const fdMetadataCalls = {
  fchmod: (mode: string | number): FdCall => (fd, callback) => fchmod(fd, mode, callback),
  fchown: (uid: number, gid: number): FdCall => (fd, callback) => fchown(fd, uid, gid, callback),
  futimes: (atime: string | number | Date, mtime: string | number | Date): FdCall => (fd, callback) => futimes(fd, atime, mtime, callback),
} as const;

/**
 * The metadata calls in flight on one handle: node:fs knows nothing of the handle, so close()
 * waits for them here before the descriptor goes.
 *
 * @example
 * const calls = new MetadataCalls();
 * await calls.run(fd, fdMetadataCalls.fchmod(0o644));
 * await calls.settled();
 */
export class MetadataCalls {
  readonly #running = new Set<Promise<void>>();

  /**
   * Runs `call` on `fd` as a promise. Argument errors node throws synchronously become rejections,
   * as they are for node's FileHandle methods (async functions).
   */
  run(fd: number, call: FdCall): Promise<void> {
    const promise = new Promise<void>((resolve, reject) => call(fd, (error) => (error ? reject(error) : resolve())));
    const forget = () => this.#running.delete(promise);
    this.#running.add(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Resolves once every call started so far has settled. */
  settled(): Promise<unknown> {
    return this.#running.size === 0 ? Promise.resolve() : Promise.allSettled(this.#running);
  }
}

// A writer that ends with a sync (`flush: true`) otherwise leaves every byte it wrote for that sync:
// the device sits idle while the data is produced, then the program waits for all of it at the end.
// Starting writeback every few MiB instead lets the device write while the program goes on, so the
// final sync finds little left (docs/decisions/0011-early-writeback.md).

import type { FileHandle } from './file-handle.js';

/** Bytes written between two writeback starts, by default. */
export const writebackStrideBytes = 8 * 1024 * 1024;

/**
 * Paces {@link FileHandle.startWriteback} for a writer that will sync the file at the end: after
 * every `strideBytes` written it starts writeback of the file, one start at a time, without waiting.
 * A start that fails is ignored: it is only a hint, and the sync at the end reports any error the
 * writeback met.
 *
 * @example
 * import { open, WritebackPacer } from '@tpio/core';
 * await using file = await open('out.bin', 'w');
 * const pacer = new WritebackPacer(file);
 * for (let i = 0; i < 64; i++) {
 *   const { bytesWritten } = await file.write(Buffer.alloc(1 << 20));
 *   pacer.wrote(bytesWritten);
 * }
 * await file.sync();
 */
export class WritebackPacer {
  readonly #handle: FileHandle;
  readonly #strideBytes: number;
  #unstarted = 0;
  #starting = false;
  readonly #started = (): void => {
    this.#starting = false;
  };

  constructor(handle: FileHandle, strideBytes = writebackStrideBytes) {
    this.#handle = handle;
    this.#strideBytes = strideBytes;
  }

  /** Counts `bytes` just written; starts writeback once a stride has built up and no start is running. */
  wrote(bytes: number): void {
    this.#unstarted += bytes;
    if (this.#starting || this.#unstarted < this.#strideBytes) return;
    this.#unstarted = 0;
    this.#starting = true;
    this.#handle.startWriteback().then(this.#started, this.#started);
  }
}

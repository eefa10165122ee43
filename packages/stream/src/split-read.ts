// One large read at a known position, issued as a few concurrent reads of consecutive parts.
// Copying from the page cache is the whole cost of a large read, and one read is one copy on one
// core; parts in flight together are copied in parallel by the threads engine's workers (and its
// JavaScript thread, ADR 0007). A BYOB reader can only ever have one view outstanding, so this is
// the only way it gets more than one core there. On io_uring a view is one read: the ring copies it
// inside io_uring_enter at full speed (through a bounce buffer when the view is in the slow copy
// zone, ADR 0010), which measured as fast as two halves, one of them on a worker, at 35-45% less
// CPU (ADR 0004's amendment).

import { backendInUse, type FileHandle as TpioFileHandle } from '@tpio/core';

/** Parts are at least this big: smaller copies are cheaper done in one go than coordinated. */
export const minPartBytes = 256 * 1024;
/**
 * At most this many parts. Measured on 2 vCPUs, 1 MiB views over a cached 1 GiB file: two halves
 * copied ~2x as fast as one read on the threads engine, four parts ~1.5x.
 */
export const maxParts = 2;

/**
 * How many concurrent reads {@link splitRead} makes of a view of `length` bytes on this thread's
 * engine: one on io_uring, otherwise up to {@link maxParts} of at least {@link minPartBytes}.
 *
 * @example
 * splitParts(1 << 20); // 2 on the threads engine, 1 on io_uring
 */
export function splitParts(length: number): number {
  if (backendInUse() === 'uring') return 1;
  return Math.max(1, Math.min(maxParts, Math.floor(length / minPartBytes)));
}

/**
 * Reads `target.byteLength` bytes at `position` into `target`, split into up to {@link maxParts}
 * concurrent reads when it is large. Resolves with the bytes that arrived contiguously from the
 * start: a short part (end of file) ends the count, whatever later parts returned. Rejects with the
 * first part's error, in file order.
 *
 * @example
 * const bytesRead = await splitRead(handle, new Uint8Array(1 << 20), 0);
 */
export async function splitRead(handle: TpioFileHandle, target: Uint8Array, position: number): Promise<number> {
  const length = target.byteLength;
  const parts = splitParts(length);
  if (parts < 2) return (await handle.read(target, 0, length, position)).bytesRead;
  const partBytes = Math.ceil(length / parts);
  const sizes: number[] = [];
  const reads: Promise<{ bytesRead: number }>[] = [];
  for (let offset = 0; offset < length; offset += partBytes) {
    const size = Math.min(partBytes, length - offset);
    sizes.push(size);
    reads.push(handle.read(target, offset, size, position + offset));
  }
  const settled = await Promise.allSettled(reads);
  let total = 0;
  for (const [i, outcome] of settled.entries()) {
    if (outcome.status === 'rejected') throw outcome.reason;
    total += outcome.value.bytesRead;
    if (outcome.value.bytesRead < sizes[i]!) break;
  }
  return total;
}

// The fresh Buffer a read lands in when the caller gave none (chunks(), readMany()): the consumer
// keeps it, so it is new each time.

import { allocReadBuffer } from '@tpio/binding';

/**
 * A new Buffer of `length` bytes for reading the file at `position`. Small ones (under half of
 * `Buffer.poolSize`) are slices of node's shared pool, as node's own small Buffers are: cheaper than
 * a store of their own. Larger ones are placed for a fast copy from the page cache (allocReadBuffer,
 * ADR 0009).
 */
export function freshReadBuffer(length: number, position: number): Buffer {
  return length < Buffer.poolSize >>> 1 ? Buffer.allocUnsafe(length) : allocReadBuffer(length, position);
}

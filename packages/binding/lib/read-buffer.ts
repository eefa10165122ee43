// Destination memory for reads, placed where the kernel copies into it at full speed (see
// src/napi/read_alignment.cc).

import { loadAddon } from './load.js';
import { kIoMaxLength, validateInteger } from './validate.js';

/** Bytes a read buffer may start into its memory: one cache line minus one. */
const kMaxSkip = 63;
/**
 * From this size on, glibc's malloc maps each block on its own, 16 bytes into a page (its default
 * mmap threshold), which is where copies from page-aligned file offsets are slow. Smaller blocks
 * land at varying offsets, and their copies are short next to the native call that places them.
 */
const kPlaceFrom = 128 * 1024;

/**
 * A Buffer of `size` bytes, not initialized (as `Buffer.allocUnsafeSlow`), for reading the file
 * from `position` on. From 128 KiB up its first byte and `position` (rounded down to a multiple of
 * 8) share their place in a 64-byte cache line, which is where the kernel copies to it fastest: on
 * x86 a destination a few bytes past the source modulo 4 KiB halves the copy rate, and every Buffer
 * of 128 KiB or more that glibc's malloc maps is 16 bytes into a page (1 MiB reads on 2 vCPUs:
 * 7-8 GB/s against 14-17 placed). The same holds for writing it back at `position`. Such a Buffer
 * is a view up to 56 bytes into an ArrayBuffer of its own (`byteOffset` a multiple of 8, 0-56, so
 * typed arrays can view it); smaller ones are plain `Buffer.allocUnsafeSlow`.
 *
 * @example
 * import { allocReadBuffer } from '@tpio/binding';
 * const chunk = allocReadBuffer(1 << 20, 0); // then read the file's first MiB into it
 */
export function allocReadBuffer(size: number, position = 0): Buffer {
  validateInteger(size, 'size', 0, kIoMaxLength);
  validateInteger(position, 'position', 0);
  if (size < kPlaceFrom) return Buffer.allocUnsafeSlow(size);
  const backing = Buffer.allocUnsafeSlow(size + kMaxSkip);
  const skip = loadAddon().addon.readAlignment(backing, position);
  return backing.subarray(skip, skip + size);
}

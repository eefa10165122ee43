// The file position a FileHandle keeps for itself. Completion engines (and Windows overlapped
// handles) only know explicit offsets, so a read or write "at the current position" is issued at
// this position, which moves by the requested length at once (later operations queue behind it,
// as they would on the descriptor) and is corrected when the transfer comes up short.

import { Call, type Operation } from './operation.js';
import { positionHere } from './read-write-arguments.js';

/** The tracked position after an append: the end of the file, to be found with fstat. */
export const positionUnknown = -1;

/** @internal One handle's position; see the file comment. */
export class TrackedPosition {
  value = 0;
  /** Whether writes at the current position go to the end of the file (an `'a'` flag). */
  readonly append: boolean;

  constructor(append: boolean) {
    this.append = append;
  }

  /**
   * Sets `operation.position` for a transfer of `length` bytes at `position`: an explicit offset,
   * -1 for the tracked position (reserving `length` bytes), or positionHere (Windows: at the
   * tracked position without moving it). False when the position is unknown after an append:
   * find the end of the file (`value`), then place the operation again. A write at an explicit
   * position waits for that too (see waitsForEnd).
   */
  place(operation: Operation, position: number | bigint, length: number): boolean {
    const moves = position !== positionHere;
    if (!moves) position = -1;
    if (position !== -1) {
      if (this.waitsForEnd(operation)) return false;
      operation.position = position;
    } else if (this.append && operation.call !== Call.read && operation.call !== Call.readv) {
      operation.position = -1; // the kernel appends; the descriptor's position is now the end
      // ...unless the write was at positionHere, which libuv issues without moving the file
      // pointer, or wrote nothing on POSIX, where a write of 0 bytes leaves the position alone
      // (on Windows node's append of 0 bytes moves the pointer to the end: seen under Wine).
      if (moves && (length > 0 || process.platform === 'win32')) this.value = positionUnknown;
    } else if (this.value === positionUnknown) {
      return false;
    } else if (!moves) {
      operation.position = this.value;
    } else {
      operation.position = this.value;
      operation.reserved = length;
      this.value += length;
    }
    return true;
  }

  /**
   * Whether `operation` must wait until the end an append left is found: while the position is
   * unknown, anything that moves the end (a write at an explicit position, which append mode
   * appends without moving the descriptor's position, or a truncate) would move it first.
   */
  waitsForEnd(operation: Operation): boolean {
    return this.value === positionUnknown && operation.call !== Call.read && operation.call !== Call.readv;
  }

  /** The end of the file, found with fstat after an append, unless a later operation set the position already. */
  foundEnd(size: number): void {
    if (this.value === positionUnknown) this.value = size;
  }

  /**
   * A transfer placed with a reservation moved `bytes`: give back the part not transferred, unless
   * a later operation has reserved past it already.
   */
  settle(operation: Operation, bytes: number): void {
    if (operation.reserved < 0) return;
    const start = operation.position as number;
    if (this.value === start + operation.reserved) this.value = start + bytes;
  }
}

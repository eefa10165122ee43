// The JS side of the shared-record protocol (mirrors src/core/protocol.h and src/core/op.h).
// A test compares these numbers with the ones the addon reports.

/** Operation codes, as in `src/core/op.h`. */
export const OpKind = {
  read: 1,
  write: 2,
  readv: 3,
  writev: 4,
  fsync: 5,
  fdatasync: 6,
  open: 7,
  close: 8,
  fstat: 9,
  stat: 10,
  lstat: 11,
  ftruncate: 12,
  fallocate: 13,
  copyFileRange: 14,
  startWriteback: 15,
} as const;
export type OpKindName = keyof typeof OpKind;
export type OpCode = (typeof OpKind)[OpKindName];

export const submissionWords = 16;
export const Word = {
  op: 0,
  slot: 1,
  fd: 2,
  count: 3,
  positionLo: 4,
  positionHi: 5,
  offset: 6,
  length: 7,
  flags: 8,
  mode: 9,
  length64Lo: 10,
  length64Hi: 11,
  fdOut: 12,
  positionOutLo: 13,
  positionOutHi: 14,
  submitFlags: 15,
} as const;

/** Bits of `Word.submitFlags`. */
export const SubmitFlag = {
  /** Issued with port.read/port.write on a descriptor bound with bindIoCompletionCallback. */
  bound: 1,
} as const;
export const completionWords = 2;

/** Number of int64 fields a stat op writes, in Node's Stats order. */
export const statFields = 18;

/** Splits a non-negative 64-bit integer (number or bigint) or -1 into two 32-bit words. */
export function writeInt64(words: Int32Array, index: number, value: number | bigint): void {
  if (typeof value === 'bigint') {
    words[index] = Number(value & 0xffffffffn) | 0;
    words[index + 1] = Number((value >> 32n) & 0xffffffffn) | 0;
  } else if (value < 0) {
    words[index] = -1;
    words[index + 1] = -1;
  } else {
    words[index] = value % 0x100000000 | 0;
    words[index + 1] = Math.floor(value / 0x100000000) | 0;
  }
}

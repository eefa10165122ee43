// Writes one submission record (the layout of src/core/protocol.h) and puts the request's JS values
// (views, path buffers) at the record's index of the values array handed to native code.

import { OpKind, Word, writeInt64, type OpCode } from './protocol.js';
import { normalizePosition } from './validate.js';

/** Encodes a validated request of `kind` at word offset `base` of `words`. */
export function encodeRecord(
  words: Int32Array,
  base: number,
  buffers: unknown[],
  index: number,
  kind: OpCode,
  slot: number,
  fd: number,
  flags: number,
  request: any,
  extra: unknown,
): void {
  words[base + Word.op] = kind;
  words[base + Word.slot] = slot;
  words[base + Word.fd] = fd;
  words[base + Word.submitFlags] = flags;
  switch (kind) {
    case OpKind.read:
    case OpKind.write: {
      const buffer = request.buffer as ArrayBufferView;
      const offset = request.offset ?? 0;
      words[base + Word.offset] = offset;
      words[base + Word.length] = request.length ?? buffer.byteLength - offset;
      writeInt64(words, base + Word.positionLo, normalizePosition(request.position));
      buffers[index] = buffer;
      break;
    }
    case OpKind.readv:
    case OpKind.writev:
      words[base + Word.count] = request.buffers.length;
      writeInt64(words, base + Word.positionLo, normalizePosition(request.position));
      buffers[index] = request.buffers;
      break;
    case OpKind.fstat:
      buffers[index] = request.stats;
      break;
    case OpKind.open:
      words[base + Word.flags] = request.flags;
      words[base + Word.mode] = request.mode ?? 0o666;
      buffers[index] = extra;
      break;
    case OpKind.stat:
    case OpKind.lstat:
      buffers[index] = [extra, request.stats];
      break;
    case OpKind.ftruncate:
      writeInt64(words, base + Word.length64Lo, request.length ?? 0);
      buffers[index] = undefined;
      break;
    case OpKind.fallocate:
      writeInt64(words, base + Word.positionLo, request.position);
      writeInt64(words, base + Word.length64Lo, request.length);
      words[base + Word.mode] = request.mode ?? 0;
      buffers[index] = undefined;
      break;
    case OpKind.copyFileRange:
      writeInt64(words, base + Word.positionLo, normalizePosition(request.position));
      writeInt64(words, base + Word.positionOutLo, normalizePosition(request.positionOut, 'positionOut'));
      writeInt64(words, base + Word.length64Lo, request.length);
      words[base + Word.fdOut] = request.fdOut;
      buffers[index] = undefined;
      break;
    case OpKind.startWriteback:
      writeInt64(words, base + Word.positionLo, request.position ?? 0);
      writeInt64(words, base + Word.length64Lo, request.length ?? 0);
      buffers[index] = undefined;
      break;
    default:
      buffers[index] = undefined;
  }
}

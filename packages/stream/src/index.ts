// @tpio/stream: node:fs-compatible read and write streams over @tpio/core (read-ahead, batched
// writes), web byte streams, and an fs-ops object that puts node's own streams on tpio.

import { backendInUse } from '@tpio/core';

export { ReadStream, createReadStream, defaultReadDepth, type ReadStreamOptions } from './read-stream.js';
export { WriteStream, createWriteStream, type WriteStreamOptions } from './write-stream.js';
export { readableWebStream, writableWebStream, type ReadableWebStreamOptions, type WritableWebStreamOptions } from './web-streams.js';
export { tpioFs, type FsOverride } from './fs-ops.js';
export type { StreamPath } from './validate-options.js';

/**
 * The engine the streams run on in this thread (`'uring'`, `'threads'` or `'win-tp'`).
 *
 * @example
 * import { streamBackend } from '@tpio/stream';
 * console.log(streamBackend());
 */
export function streamBackend(): string {
  return backendInUse();
}

// @tpio/core: completion-based file I/O with the fs.promises surface — open() -> FileHandle,
// chunks()/readMany()/completions() iterators, readFile/writeFile/appendFile/copyFile, stat/lstat,
// AbortSignal cancellation and `await using`. Public exports only.

import type { BackendName } from '@tpio/binding';
import { currentPort } from './default-port.js';

export { open } from './open.js';
export { FileHandle, type FileReadOptions, type FileReadParams, type FileReadResult, type FileWriteResult } from './file-handle.js';
export type { IoOperation } from './operation.js';
export { FileHandleStreams } from './file-handle-streams.js';
export { fileHandleOperations, type FsOperations, type PromiseFileHandle } from './file-handle-operations.js';
export type { ChunksOptions } from './chunks.js';
export type { ReadLinesOptions } from './read-lines.js';
export type { ReadManyOptions, ReadManyResult, ReadRange } from './read-many.js';
export type { Completion, CompletionsOptions } from './completions.js';
export { readFile, type ReadFileOptions } from './read-file.js';
export { writeFile, appendFile, type WriteFileData, type WriteFileOptions } from './write-file.js';
export { copyFile, type CopyFileOptions } from './copy-file.js';
export { WritebackPacer, writebackStrideBytes } from './writeback-pacer.js';
export { stat, lstat, type StatOptions } from './stat.js';
export { setDefaultBackend, currentPort } from './default-port.js';
export { AbortError } from './abort.js';
export type { OpenFlags } from './flags.js';
export type { PathLike } from './validated-path.js';

/**
 * The engine serving core on this thread (`'uring'`, `'threads'` or `'win-tp'`).
 *
 * @example
 * import { backendInUse } from '@tpio/core';
 * console.log(backendInUse());
 */
export function backendInUse(): BackendName {
  return currentPort().backend;
}

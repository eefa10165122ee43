// open(path, flags, mode) -> FileHandle, with node:fs's argument rules and error messages. The
// descriptor is opened by the engine (port.open), so it is one the engine can complete I/O on.

import { constants } from 'node:fs';
import type { Port } from '@tpio/binding';
import { systemError } from '@tpio/binding/errors';
import { FileHandle } from './file-handle.js';
import { parseFileMode, stringToFlags, type OpenFlags } from './flags.js';
import { getValidatedPath, type PathLike } from './validated-path.js';
import { currentPort } from './default-port.js';

interface OpenRequest {
  path: string | Buffer;
  flags: number;
  mode: number;
  resolve: (fd: number) => void;
  reject: (error: unknown) => void;
}

function onOpened(result: number, request: OpenRequest): void {
  if (result < 0) request.reject(systemError(result, { syscall: 'open', path: request.path }));
  else request.resolve(result);
}

/** @internal Opens `path` (already validated) on `port`; resolves with the descriptor. */
export function openDescriptor(port: Port, path: string | Buffer, flags: number, mode: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    port.open<OpenRequest>({ path, flags, mode, resolve, reject }, onOpened);
  });
}

/**
 * Opens a file, as `fs.promises.open(path, flags, mode)`: `flags` is a node:fs flag string
 * (`'r'`, `'r+'`, `'w'`, `'wx'`, `'a'`, `'as+'`, ...) or number, `mode` an integer or octal string.
 *
 * @example
 * import { open } from '@tpio/core';
 * await using file = await open('data.bin', 'w+', 0o644);
 * await file.write('hello');
 */
export async function open(path: PathLike, flags: OpenFlags = 'r', mode: number | string = 0o666): Promise<FileHandle> {
  const validPath = getValidatedPath(path);
  const numericFlags = stringToFlags(flags);
  const numericMode = parseFileMode(mode, 'mode', 0o666);
  const port = currentPort();
  const fd = await openDescriptor(port, validPath, numericFlags, numericMode);
  return new FileHandle(fd, port, (numericFlags & constants.O_APPEND) !== 0);
}

// The result and option shapes of FileHandle.read and FileHandle.write, as fs.promises has them.

/**
 * The result of {@link FileHandle.read}: a null-prototype object, as node's.
 *
 * @example
 * const { bytesRead, buffer }: FileReadResult = await file.read(Buffer.alloc(8), 0, 8, 0);
 */
export interface FileReadResult<T extends ArrayBufferView = Buffer> {
  bytesRead: number;
  buffer: T;
}

/**
 * The result of {@link FileHandle.write}.
 *
 * @example
 * const { bytesWritten }: FileWriteResult = await file.write(Buffer.from('hi'));
 */
export interface FileWriteResult<T = Buffer> {
  bytesWritten: number;
  buffer: T;
}

/**
 * Options of `read(buffer, options)`.
 *
 * @example
 * await file.read(Buffer.alloc(8), { offset: 0, length: 8, position: 0 } satisfies FileReadOptions);
 */
export interface FileReadOptions {
  offset?: number | null;
  length?: number | null;
  position?: number | bigint | null;
}

/**
 * Options of `read(options)`.
 *
 * @example
 * await file.read({ buffer: Buffer.alloc(8), position: 0 } satisfies FileReadParams);
 */
export interface FileReadParams<T extends ArrayBufferView = Buffer> extends FileReadOptions {
  buffer?: T;
}

// Public request and option shapes of @tpio/binding.

/** An engine: io_uring, worker threads, or the Win32 thread pool. */
export type BackendName = 'uring' | 'threads' | 'win-tp';

/** Options of {@link createPort}. */
export interface PortOptions {
  /** `'auto'` (default) picks the platform's fast engine and falls back to `'threads'`. `TPIO_BACKEND` overrides `'auto'`. */
  backend?: 'auto' | BackendName;
  /**
   * Worker threads of the threads engine (0 = default: one per core, 2 to 4): the port's own engine
   * on `'threads'`, and on `'uring'` and `'win-tp'` the helper pool those ports hand some
   * operations to (on io_uring: buffered writes to files, large transfers issued together, a share
   * of small cached reads at a deep queue; see `port.delegatedOps`).
   */
  threads?: number;
  /** Maximum operations in flight (default 1024); more wait in JavaScript for a free slot. */
  entries?: number;
}

/** A file position: a non-negative integer or bigint; `null`, `undefined` or `-1` mean the current file position. */
export type Position = number | bigint | null | undefined;

/** The OVERLAPPED of a read or write: handed back unchanged to the completion callback. */
export interface IoRequest {
  buffer: ArrayBufferView;
  position?: Position;
  offset?: number;
  length?: number;
}

/** readv/writev: several buffers at one position. */
export interface IoVectorRequest {
  buffers: readonly ArrayBufferView[];
  position?: Position;
}

/** fstat into `stats` (18 int64 fields in Node's Stats order). */
export interface FstatRequest {
  stats: BigInt64Array;
}

export interface TruncateRequest {
  length: number | bigint;
}

export interface AllocateRequest {
  position: number | bigint;
  length: number | bigint;
  mode?: number;
}

/** copy_file_range from the Io's descriptor to `fdOut`; result is the bytes copied. */
export interface CopyRangeRequest {
  fdOut: number;
  position?: Position;
  positionOut?: Position;
  length: number | bigint;
}

/** Starts writeback of `length` bytes at `position` (both default 0; a length of 0 means to the end of the file). */
export interface WritebackRequest {
  position?: number | bigint;
  length?: number | bigint;
}

/** open(2): numeric flags as in `fs.constants`. */
export interface OpenRequest {
  path: string | Buffer | URL;
  flags: number;
  mode?: number;
}

/** stat(2)/lstat(2) of a path into `stats`. */
export interface PathStatRequest {
  path: string | Buffer | URL;
  stats: BigInt64Array;
  followSymlinks?: boolean;
}

/** Any request object; what is read from it depends on the operation. */
export type RequestObject = Record<string, any>;

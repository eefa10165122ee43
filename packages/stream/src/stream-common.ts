// Pieces ReadStream and WriteStream share: constructors callable without `new` (node's streams
// are old-style constructor functions), node's errorOrDestroy, and the `open()` monkey-patch
// compatibility node keeps in _construct.

import { finished, type Readable, type Writable } from 'node:stream';
import { open as tpioOpen, type FileHandle as TpioFileHandle } from '@tpio/core';
import type { FsOverride } from './fs-ops.js';

/** A class that can also be called as a function, returning a new instance (as node's streams). */
export type CallableClass<C extends abstract new (...args: any[]) => any> = C & ((...args: ConstructorParameters<C>) => InstanceType<C>);

/**
 * Wraps `Class` so that `Class(...)` without `new` constructs too. `instanceof`, subclassing and
 * static members behave as on the class itself.
 *
 * @example
 * const Make = callableClass(class A {});
 * Make() instanceof Make; // true
 */
export function callableClass<C extends new (...args: any[]) => any>(Class: C): CallableClass<C> {
  return new Proxy(Class, {
    apply(target, _thisArg, args) {
      return new target(...args);
    },
  }) as CallableClass<C>;
}

/**
 * node's errorOrDestroy: destroy the stream with `error` when it auto-destroys, otherwise emit
 * `'error'` on the next tick and leave it alive (what fs streams do with `autoClose: false`).
 *
 * @example
 * errorOrDestroy(stream, new Error('read failed'));
 */
export function errorOrDestroy(stream: Readable | Writable, error: Error): void {
  const internals = stream as unknown as { _readableState?: Record<string, any>; _writableState?: Record<string, any> };
  const state = (internals._readableState ?? internals._writableState)!;
  if (state.destroyed) return;
  if (state.autoDestroy) {
    stream.destroy(error);
    return;
  }
  if (!state.errored) state.errored = error;
  process.nextTick(() => {
    if (state.errorEmitted) return;
    state.errorEmitted = true;
    stream.emit('error', error);
  });
}

/**
 * node's backwards compatibility for subclasses that define `open()`: call it and treat the first
 * `'open'` (or `'error'`) it emits as the end of construction.
 *
 * @example
 * if (typeof stream.open === 'function') return constructWithOpenMethod(stream, callback);
 */
export function constructWithOpenMethod(stream: Readable | Writable, callback: (error?: Error | null) => void): void {
  const originalEmit = stream.emit;
  stream.emit = function (this: Readable | Writable, event: string | symbol, ...args: any[]): boolean {
    if (event === 'open') {
      this.emit = originalEmit;
      callback();
      return Reflect.apply(originalEmit, this, [event, ...args]);
    }
    if (event === 'error') {
      this.emit = originalEmit;
      callback(args[0]);
      return true;
    }
    return Reflect.apply(originalEmit, this, [event, ...args]);
  } as typeof stream.emit;
  (stream as unknown as { open(): void }).open();
}

/** What openStreamFile needs of a ReadStream or WriteStream. */
interface OpenableStream {
  fd: number | null;
  path: string | Buffer;
  flags: string | number;
  mode: string | number;
  readonly autoClose: boolean;
  readonly destroyed: boolean;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * Opens a stream's file as node's streams do in `_construct`: through `options.fs.open` when the
 * override was given, otherwise with @tpio/core (`onHandle` receives the handle first). Then sets
 * `fd`, completes the construction and emits `'open'` and `'ready'`.
 *
 * A descriptor the stream will not close (`autoClose: false`, or a stream destroyed before it
 * began opening, which node leaves open too) is the caller's, who may close `stream.fd` with
 * node:fs: the handle is disowned so that its collection never closes that number again.
 */
export function openStreamFile(
  stream: OpenableStream,
  fs: FsOverride | undefined,
  callback: (error?: Error | null) => void,
  onHandle: (handle: TpioFileHandle) => void,
): void {
  const opened = (fd: number): void => {
    stream.fd = fd;
    callback();
    stream.emit('open', fd);
    stream.emit('ready');
  };
  if (fs !== undefined) {
    fs.open!(stream.path, stream.flags, stream.mode, (error, fd) => (error ? callback(error) : opened(fd)));
    return;
  }
  tpioOpen(stream.path, stream.flags, stream.mode).then((handle) => {
    if (!stream.autoClose || stream.destroyed) handle.disown();
    onHandle(handle);
    opened(handle.fd);
  }, callback);
}

/**
 * Closes `stream` when `handle` (node's FileHandle or a @tpio/core one, both emit 'close') closes,
 * as node's fs streams do. Unlike node, the listener goes once the stream is done, so a handle
 * shared by many streams neither keeps them all alive nor trips MaxListenersExceededWarning.
 *
 * @example
 * closeWithHandle(stream, handle);
 */
export function closeWithHandle(stream: (Readable | Writable) & { close(): void }, handle: { on(event: 'close', listener: () => void): unknown; off(event: 'close', listener: () => void): unknown }): void {
  const onClose = (): void => stream.close();
  handle.on('close', onClose);
  finished(stream, () => handle.off('close', onClose));
}

// AbortSignal support shared by every operation: validation with node's error, the AbortError node
// rejects with (name 'AbortError', code 'ABORT_ERR', cause = signal.reason), and a helper that
// runs a callback once when a signal fires and can be detached afterwards.

import { AbortError, invalidArgType } from '@tpio/binding/errors';

export { AbortError };

/**
 * Throws node's ERR_INVALID_ARG_TYPE unless `signal` is undefined or AbortSignal-like.
 *
 * @example
 * validateAbortSignal(new AbortController().signal, 'options.signal'); // ok
 */
export function validateAbortSignal(signal: unknown, name: string): asserts signal is AbortSignal | undefined {
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || !('aborted' in signal))) {
    throw invalidArgType(name, 'AbortSignal', signal);
  }
}

/**
 * The error node:fs rejects with when `signal` aborts an operation.
 *
 * @example
 * const controller = new AbortController();
 * controller.abort();
 * abortError(controller.signal).code; // 'ABORT_ERR'
 */
export function abortError(signal: AbortSignal | undefined): AbortError {
  return new AbortError(undefined, { cause: signal?.reason });
}

/**
 * Throws an AbortError if `signal` has already fired (node's checkAborted).
 *
 * @example
 * checkAborted(undefined); // never throws
 */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/**
 * Calls `onAbort` once when `signal` fires; returns a function that detaches the listener.
 *
 * @example
 * const detach = onAbort(signal, () => io.cancelIoEx());
 * try { await work(); } finally { detach(); }
 */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (signal === undefined) return noop;
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

function noop(): void {}

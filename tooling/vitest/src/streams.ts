// When a recording of a node-style file stream may end. A stream that will emit 'close' is done on
// 'close', however long closing takes (an fsync or a close waiting for reads in flight can take
// tens of milliseconds on a loaded machine, more under ASan). One that will not (emitClose false,
// autoClose false) is done once the event loop has had a moment to show anything else it would do.

import type { Readable, Writable } from 'node:stream';

/** How long a stream that will not close is watched after its last event, for anything late. */
const quietMs = 20;

/** Whether `'close'` is still to come for a stream whose reading or writing has ended. */
export function closeExpected(stream: Readable | Writable): boolean {
  const internal = stream as unknown as { _readableState?: StreamState; _writableState?: StreamState };
  const state = (internal._readableState ?? internal._writableState)!;
  return state.emitClose && (state.autoDestroy || stream.destroyed);
}

interface StreamState {
  emitClose: boolean;
  autoDestroy: boolean;
}

/**
 * Called on a stream's last event before 'close' ('end', 'finish', 'error'): runs `finish` after a
 * quiet moment when no 'close' will come. When one will, the caller's 'close' listener finishes.
 */
export function settleUnlessClosing(stream: Readable | Writable, finish: () => void): void {
  if (!closeExpected(stream)) setTimeout(finish, quietMs);
}

/**
 * Resolves when `stream` is done: on 'close', or a quiet moment after 'end' / 'finish' / 'error'
 * when no 'close' will come. Listens from now on, so call it before the stream can end.
 */
export function streamSettled(stream: Readable | Writable): Promise<void> {
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    for (const last of ['end', 'finish', 'error']) stream.once(last, () => settleUnlessClosing(stream, resolve));
  });
}

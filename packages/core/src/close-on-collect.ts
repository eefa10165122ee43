// A FileHandle collected by the garbage collector while still open closes its descriptor, with
// node's warnings, as fs.promises' FileHandle does ("Closing file descriptor N on garbage
// collection", then DEP0137 once). An operation in flight keeps its handle reachable (the port's
// slot table holds the Io, the Io holds the handle), so this only ever sees an idle descriptor.

import { close as closeWithNode } from 'node:fs';
import type { Port } from '@tpio/binding';

interface Held {
  fd: number;
  port: Port;
}

let deprecationEmitted = false;

function closeCollected({ fd, port }: Held): void {
  process.emitWarning(`Closing file descriptor ${fd} on garbage collection`);
  if (!deprecationEmitted) {
    deprecationEmitted = true;
    process.emitWarning(
      'Closing a FileHandle object on garbage collection is deprecated. Please close FileHandle objects explicitly using FileHandle.prototype.close(). In the future, an error will be thrown if a file descriptor is closed during garbage collection.',
      'DeprecationWarning',
      'DEP0137',
    );
  }
  try {
    // Through the port that opened it, so that the port stops counting it as its own.
    const io = port.createIo(fd, () => {});
    io.start();
    io.closeHandle({});
    io.close();
  } catch {
    closeWithNode(fd, () => {}); // that port is closed: node:fs can still close the descriptor
  }
}

const registry = new FinalizationRegistry<Held>(closeCollected);

/** @internal Closes `fd` if `handle` is collected before {@link forgetOnCollect} is called. */
export function closeOnCollect(handle: object, fd: number, port: Port): void {
  registry.register(handle, { fd, port }, handle);
}

/** @internal The handle is closing by itself: nothing to do on collection. */
export function forgetOnCollect(handle: object): void {
  registry.unregister(handle);
}

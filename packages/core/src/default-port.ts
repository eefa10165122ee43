// Which port core uses on this thread. By default it is the binding's defaultPort() (per JS
// environment, so each worker thread has its own; TPIO_BACKEND picks the engine). Tests and
// applications can pin an engine or a port with setDefaultBackend().

import { createPort, defaultPort, type BackendName, type Port } from '@tpio/binding';
import { invalidArgValue } from '@tpio/binding/errors';

let chosen: Port | undefined;
const byBackend = new Map<string, Port>();

/**
 * Chooses the engine (or a specific {@link Port}) that core's functions use on this thread from now
 * on. `'auto'` returns to the binding's default port. Handles opened earlier keep their port.
 *
 * @example
 * import { setDefaultBackend, open } from '@tpio/core';
 * setDefaultBackend('threads');
 * await using file = await open('package.json');
 */
export function setDefaultBackend(backend: 'auto' | BackendName | Port): Port {
  if (typeof backend === 'object' && backend !== null) {
    chosen = backend;
    return backend;
  }
  if (backend === 'auto') {
    chosen = undefined;
    return defaultPort();
  }
  if (backend !== 'uring' && backend !== 'threads' && backend !== 'win-tp') {
    throw invalidArgValue('backend', backend, "must be one of: 'auto', 'uring', 'threads', 'win-tp'");
  }
  let port = byBackend.get(backend);
  if (port === undefined) {
    port = createPort({ backend });
    byBackend.set(backend, port);
  }
  chosen = port;
  return port;
}

/**
 * The port core's functions use on this thread (see {@link setDefaultBackend}).
 *
 * @example
 * import { currentPort } from '@tpio/core';
 * console.log(currentPort().backend); // 'uring' or 'threads'
 */
export function currentPort(): Port {
  return chosen ?? defaultPort();
}

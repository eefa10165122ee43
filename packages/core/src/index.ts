// @tpio/core: the idiomatic API over @tpio/binding (filled in by the core issue).

import { defaultPort, type BackendName } from '@tpio/binding';

/** The engine serving this thread's default port. */
export function backendInUse(): BackendName {
  return defaultPort().backend;
}

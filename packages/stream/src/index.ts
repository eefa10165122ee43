// @tpio/stream: node:fs-compatible streams over @tpio/core (filled in by the stream issue).

import { backendInUse } from '@tpio/core';

/** The engine the streams run on. */
export function streamBackend(): string {
  return backendInUse();
}

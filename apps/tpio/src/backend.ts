// Which engine core runs on here, and why: the binding's fallback reason, or the TPIO_BACKEND
// override that chose it. Shared by `tpio doctor` and the bench's header.

import { currentPort } from '@tpio/core';

export interface BackendChoice {
  backend: string;
  /** Why this is not the platform's fast engine (or that it was forced); null when it is. */
  fallbackReason: string | null;
}

/** The engine core uses on this thread; throws when TPIO_BACKEND names one that cannot run. */
export function backendChoice(): BackendChoice {
  const port = currentPort();
  const requested = process.env.TPIO_BACKEND;
  const forced = requested !== undefined && requested !== '' && requested !== 'auto' ? `forced by TPIO_BACKEND=${requested}` : null;
  return { backend: port.backend, fallbackReason: port.fallbackReason ?? forced };
}

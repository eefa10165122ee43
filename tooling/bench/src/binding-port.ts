// The binding's port for a child that measures one engine: created on that engine, and checked to
// be on it (a silent fallback would measure the wrong thing). @tpio/binding is imported here, on
// first use, so children of node:fs contenders never load the addon.

import type { Port } from '@tpio/binding';

/** A port on `backend`; throws if the binding chose another engine. */
export async function bindingPort(backend: 'uring' | 'threads' | undefined, entries?: number): Promise<Port> {
  const { createPort } = await import('@tpio/binding');
  const port = createPort(entries === undefined ? { backend } : { backend, entries });
  if (port.backend !== backend) throw new Error(`asked for ${backend}, got ${port.backend}`);
  return port;
}

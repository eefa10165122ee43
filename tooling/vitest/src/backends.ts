// describeEachBackend(): runs a suite once per engine available on this host, as libuv's
// TEST_FS_IMPL and @parcel/watcher's backend loop do. TPIO_BACKEND narrows it to one engine and
// fails loudly when that engine is not available (a forced run must never silently test nothing).

import { describe } from 'vitest';

export function backendsToTest<B extends string>(usable: readonly B[]): B[] {
  const forced = process.env.TPIO_BACKEND;
  if (forced && forced !== 'auto') {
    const match = usable.find((backend) => backend === forced);
    if (match === undefined) {
      throw new Error(`TPIO_BACKEND=${forced} but this host can run only: ${usable.join(', ') || 'nothing'}`);
    }
    return [match];
  }
  return [...usable];
}

export function describeEachBackend<B extends string>(usable: readonly B[], body: (backend: B) => void): void {
  for (const backend of backendsToTest(usable)) {
    describe(`backend ${backend}`, () => body(backend));
  }
}

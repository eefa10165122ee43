import { describe, expect, it } from 'vitest';
import { createPort, usableBackends } from '@tpio/binding';
import { backendInUse, currentPort, open, setDefaultBackend } from './index.js';

describe('@tpio/core', () => {
  it('runs on one of the usable engines', () => {
    expect(usableBackends()).toContain(backendInUse());
  });

  it('setDefaultBackend picks an engine or a port for this thread', async () => {
    try {
      for (const backend of usableBackends()) {
        const port = setDefaultBackend(backend as never);
        expect(port.backend).toBe(backend);
        expect(currentPort()).toBe(port);
        expect(setDefaultBackend(backend as never)).toBe(port); // one port per engine
      }
      const own = createPort({ backend: 'threads' });
      setDefaultBackend(own);
      await using handle = await open('package.json');
      expect(own.inFlight).toBe(0);
      const read = handle.read(Buffer.alloc(4), 0, 4, 0);
      await Promise.resolve();
      expect(own.inFlight).toBe(1);
      await read;
      expect(() => setDefaultBackend('bogus' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    } finally {
      setDefaultBackend('auto');
    }
  });
});

// Small promise helpers over the callback API, for tests only.

import { afterAll } from 'vitest';
import { createPort, type BackendName, type Io, type Port, type PortOptions } from '../lib/index.js';

export interface Completion {
  context: unknown;
  request: any;
  result: number;
  bytesTransferred: number;
}

/** An Io whose completions resolve per-request promises. */
export function promiseIo(port: Port, fd: number, context: unknown = 'ctx') {
  const waiting = new Map<object, (completion: Completion) => void>();
  const io = port.createIo(fd, (ctx, request, result, bytesTransferred) => {
    const resolve = waiting.get(request);
    waiting.delete(request);
    resolve?.({ context: ctx, request, result, bytesTransferred });
  }, context);
  function issue(method: 'read' | 'write' | 'readv' | 'writev' | 'fsync' | 'fdatasync' | 'fstat' | 'ftruncate' | 'fallocate' | 'copyFileRange' | 'closeHandle', request: any): Promise<Completion> {
    return new Promise((resolve) => {
      waiting.set(request, resolve);
      io.start();
      try {
        (io as any)[method](request);
      } catch (error) {
        io.cancel();
        waiting.delete(request);
        throw error;
      }
    });
  }
  return { io: io as Io, issue };
}

/** A port factory for one engine's describe block: every port it made is closed after the block. */
export function usePorts(backend: BackendName): (options?: PortOptions) => Port {
  const ports: Port[] = [];
  afterAll(async () => {
    for (const port of ports) await port.close();
  });
  return (options = {}) => {
    const port = createPort({ backend, ...options });
    ports.push(port);
    return port;
  };
}

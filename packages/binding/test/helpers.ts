// Small promise helpers over the callback API, for tests only.

import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
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
  function issue(method: 'read' | 'write' | 'readv' | 'writev' | 'fsync' | 'fdatasync' | 'fstat' | 'ftruncate' | 'fallocate' | 'copyFileRange' | 'startWriteback' | 'closeHandle', request: any): Promise<Completion> {
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

/** What node's readSync reports for the same read: the bytes, or the error's code. */
export function nodeRead(fd: number, length: number, position: number): { bytes: Buffer } | { code: string } {
  const buffer = Buffer.alloc(length);
  try {
    return { bytes: buffer.subarray(0, readSync(fd, buffer, 0, length, position)) };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code! };
  }
}

/**
 * Runs `use` on each descriptor a read must fail on (a directory, a write-only file), made under
 * `dirPath` for `backend`, and closes them afterwards. Windows opens directories only with special
 * flags (node reports EISDIR there for the open), so there it is the write-only file alone.
 */
export async function withUnreadableDescriptors(dirPath: string, backend: BackendName, use: (fd: number) => Promise<void>) {
  const folder = join(dirPath, `folder-${backend}`);
  mkdirSync(folder);
  const writeOnly = join(dirPath, `write-only-${backend}.bin`);
  const fds = process.platform === 'win32' ? [openSync(writeOnly, 'w')] : [openSync(folder, 'r'), openSync(writeOnly, 'w')];
  try {
    for (const fd of fds) await use(fd);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

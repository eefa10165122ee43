// The conformance harness: the same scenario runs against node:fs and against @tpio/stream, and
// what each did — events in order, chunks, properties, errors — is recorded in a comparable form.

import fs from 'node:fs';
import { beforeAll, afterAll, expect, vi } from 'vitest';
import { setDefaultBackend, currentPort, open as tpioOpen, FileHandle } from '@tpio/core';
import type { BackendName } from '@tpio/binding';
import { settleUnlessClosing } from '@tpio/vitest-config/streams';
import * as tpio from '../../src/index.js';

/** node's streams as they are at run time: @types/node leaves out `fd` and `autoClose`. */
export type NodeReadStream = fs.ReadStream & { fd: number | null; autoClose: boolean };
export type NodeWriteStream = fs.WriteStream & { fd: number | null; autoClose: boolean };

/** A stream class that, like node's, may be called with or without `new`. */
interface StreamClass<S> {
  new (path: any, options?: any): S;
  (path: any, options?: any): S;
}

/** The stream API under test: node:fs's or ours. */
export interface StreamApi {
  name: 'node' | 'tpio';
  createReadStream: (path: any, options?: any) => NodeReadStream;
  createWriteStream: (path: any, options?: any) => NodeWriteStream;
  ReadStream: StreamClass<NodeReadStream>;
  WriteStream: StreamClass<NodeWriteStream>;
}

export const nodeApi: StreamApi = {
  name: 'node',
  createReadStream: fs.createReadStream as unknown as StreamApi['createReadStream'],
  createWriteStream: fs.createWriteStream as unknown as StreamApi['createWriteStream'],
  ReadStream: fs.ReadStream as unknown as StreamApi['ReadStream'],
  WriteStream: fs.WriteStream as unknown as StreamApi['WriteStream'],
};

export const tpioApi: StreamApi = {
  name: 'tpio',
  createReadStream: tpio.createReadStream as unknown as StreamApi['createReadStream'],
  createWriteStream: tpio.createWriteStream as unknown as StreamApi['createWriteStream'],
  ReadStream: tpio.ReadStream as unknown as StreamApi['ReadStream'],
  WriteStream: tpio.WriteStream as unknown as StreamApi['WriteStream'],
};

/** Makes @tpio/core (and so the streams) use `backend` for the current describe block. */
export function useBackend(backend: BackendName): void {
  beforeAll(() => {
    setDefaultBackend(backend);
  });
  afterAll(() => {
    expect(currentPort().inFlight).toBe(0);
    setDefaultBackend('auto');
  });
}

/** An error reduced to what node users look at. */
export function errorShape(error: unknown): Record<string, unknown> {
  const { code, errno, syscall, path, message, name } = error as Record<string, unknown>;
  return { code, errno, syscall, path, message, name, isError: error instanceof Error };
}

/** Runs `run` and returns the error it throws synchronously, reduced, or 'no throw'. */
export function thrown(run: () => unknown): unknown {
  try {
    const stream = run() as { destroy?: () => void } | undefined;
    stream?.destroy?.();
    return 'no throw';
  } catch (error) {
    return errorShape(error);
  }
}

export interface Recording {
  events: unknown[];
  props: Record<string, unknown>;
}

/** How a recording shows `stream.fd`: its type, since descriptor numbers differ between runs. */
function fdType(fd: unknown): string {
  return fd === null ? 'null' : typeof fd;
}

/**
 * Records everything a readable file stream does until it closes (or, when it will not close —
 * emitClose/autoClose false — until it ended or failed and the event loop went quiet).
 * `onData` may act on the stream after each chunk (destroy, abort...).
 */
export function recordRead(stream: fs.ReadStream, onData?: (chunk: unknown, index: number) => void): Promise<Recording> {
  return new Promise((resolve) => {
    const events: unknown[] = [];
    let index = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve({
        events,
        props: {
          bytesRead: stream.bytesRead,
          pending: stream.pending,
          destroyed: stream.destroyed,
          fdType: fdType((stream as NodeReadStream).fd),
          path: stream.path,
          readableEnded: stream.readableEnded,
        },
      });
    };
    stream.on('open', (fd) => events.push(['open', typeof fd]));
    stream.on('ready', () => events.push(['ready']));
    stream.on('data', (chunk: Buffer | string) => {
      events.push(['data', typeof chunk === 'string' ? chunk : chunk.toString('hex'), isFreshChunk(chunk)]);
      onData?.(chunk, index++);
    });
    stream.on('end', () => {
      events.push(['end']);
      settleUnlessClosing(stream, finish);
    });
    stream.on('error', (error) => {
      events.push(['error', errorShape(error)]);
      settleUnlessClosing(stream, finish);
    });
    stream.on('close', () => {
      events.push(['close']);
      finish();
    });
  });
}

/** True for what node hands out: a string, or a Buffer owning a right-sized store at an 8-aligned offset. */
function isFreshChunk(chunk: Buffer | string): boolean | string {
  if (typeof chunk === 'string') return true;
  if (chunk.byteOffset % 8 !== 0) return 'misaligned';
  // node's allocUnsafeSlow gives each chunk its own store; a pooled small chunk is still bounded.
  return chunk.buffer.byteLength === chunk.length || chunk.buffer.byteLength <= 8192 || `store ${chunk.buffer.byteLength} for ${chunk.length}`;
}

/** Records a writable file stream: events in order, bytesWritten, and the final file content. */
export function recordWrite(stream: fs.WriteStream, file: string | undefined, act: (stream: fs.WriteStream) => void): Promise<Recording> {
  return new Promise((resolve) => {
    const events: unknown[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      let content: string | undefined;
      try {
        content = file === undefined ? undefined : fs.readFileSync(file, 'latin1');
      } catch (error) {
        content = `unreadable: ${(error as { code?: string }).code}`;
      }
      resolve({
        events,
        props: {
          bytesWritten: stream.bytesWritten,
          pending: stream.pending,
          destroyed: stream.destroyed,
          fdType: fdType((stream as NodeWriteStream).fd),
          content,
        },
      });
    };
    stream.on('open', (fd) => events.push(['open', typeof fd]));
    stream.on('ready', () => events.push(['ready']));
    stream.on('finish', () => {
      events.push(['finish']);
      settleUnlessClosing(stream, finish);
    });
    stream.on('error', (error) => {
      events.push(['error', errorShape(error)]);
      settleUnlessClosing(stream, finish);
    });
    stream.on('close', () => {
      events.push(['close']);
      finish();
    });
    act(stream);
  });
}

/** Wraps every function of `target` so calls are logged as [name, argument kinds]. */
export function loggingFs(target: Record<string, any>, names: string[], log: unknown[]): Record<string, any> {
  const result: Record<string, any> = {};
  for (const name of names) {
    if (typeof target[name] !== 'function') continue;
    result[name] = (...args: unknown[]) => {
      log.push([name, ...args.map(describeArgument)]);
      return target[name](...args);
    };
  }
  return result;
}

function describeArgument(value: unknown): unknown {
  if (typeof value === 'function') return 'callback';
  if (Buffer.isBuffer(value)) return `buffer(${value.length})`;
  if (Array.isArray(value)) return value.map(describeArgument);
  if (typeof value === 'number' && value > 2) return 'number'; // descriptors differ between runs
  return value;
}

/** Opens `file` with node:fs/promises or with @tpio/core, as each API's own FileHandle. */
export async function openHandle(api: StreamApi, file: string, flags = 'r'): Promise<fs.promises.FileHandle | FileHandle> {
  return api.name === 'node' ? fs.promises.open(file, flags) : tpioOpen(file, flags);
}

/** How many times `run` started writeback on a tpio FileHandle (the calls still go through). */
export async function writebackStarts(run: () => Promise<unknown>): Promise<number> {
  const started = vi.spyOn(FileHandle.prototype, 'startWriteback');
  try {
    await run();
    return started.mock.calls.length;
  } finally {
    started.mockRestore();
  }
}

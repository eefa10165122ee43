// The seeds' contract on every engine: data correctness under concurrency, EOF, errors through the
// callback, the start/cancel counting rules, waitForCallbacks, the bind path.

import { describe, expect, it } from 'vitest';
import { closeSync, openSync, readFileSync, mkdirSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, usableBackends } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';
import { promiseIo, usePorts } from './helpers.js';

const fileSize = 4 * 1024 * 1024;

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir();
  const { path, data } = dir.randomFile('data.bin', fileSize);
  const newPort = usePorts(backend);

  it('reports the engine it runs on', () => {
    const port = newPort();
    expect(port.backend).toBe(backend);
    expect(port.fallbackReason).toBeNull();
  });

  it('256 concurrent random reads return the file bytes, with the context and the same request object', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const context = { name: 'reads' };
    const seen: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      let remaining = 256;
      const io = port.createIo(fd, (ctx, request: any, result, bytes, sameIo) => {
        try {
          expect(ctx).toBe(context);
          expect(sameIo).toBe(io);
          expect(result).toBe(0);
          const expected = data.subarray(request.position, request.position + request.length);
          expect(bytes).toBe(expected.length);
          expect(Buffer.compare(request.buffer.subarray(0, bytes), expected)).toBe(0);
          seen.push(request);
          if (--remaining === 0) resolve();
        } catch (error) {
          reject(error);
        }
      }, context);
      for (let i = 0; i < 256; i++) {
        const length = randomInt(1, 65536);
        const request = { buffer: Buffer.alloc(length), position: randomInt(0, fileSize), length };
        io.start();
        io.read(request);
      }
    });
    await done;
    expect(new Set(seen).size).toBe(256);
    closeSync(fd);
  });

  it('256 concurrent random writes land where asked', async () => {
    const port = newPort();
    const target = dir.file('writes.bin', Buffer.alloc(256 * 4096));
    const expected = Buffer.alloc(256 * 4096);
    const fd = openSync(target, 'r+');
    const { issue } = promiseIo(port, fd);
    const order = [...Array(256).keys()].sort(() => Math.random() - 0.5);
    const results = await Promise.all(
      order.map((block) => {
        const buffer = randomBytes(4096);
        buffer.copy(expected, block * 4096);
        return issue('write', { buffer, position: block * 4096 });
      }),
    );
    for (const completion of results) expect([completion.result, completion.bytesTransferred]).toEqual([0, 4096]);
    closeSync(fd);
    expect(readFileSync(target).equals(expected)).toBe(true);
  });

  it('offset, length and bigint positions', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    const buffer = Buffer.alloc(100, 0xee);
    const completion = await issue('read', { buffer, offset: 10, length: 50, position: 1000n });
    expect(completion.bytesTransferred).toBe(50);
    expect(buffer.subarray(10, 60).equals(data.subarray(1000, 1050))).toBe(true);
    expect(buffer[9]).toBe(0xee);
    expect(buffer[60]).toBe(0xee);
    // Number positions take the submit fast path: the same offsets and lengths, and the length
    // defaults to the rest of the view after the offset.
    const rest = await issue('read', { buffer, offset: 70, position: 2000 });
    expect(rest.bytesTransferred).toBe(30);
    expect(buffer.subarray(70).equals(data.subarray(2000, 2030))).toBe(true);
    expect(buffer[69]).toBe(0xee);
    const view = new Uint16Array(8).fill(0xeeee);
    const part = await issue('read', { buffer: view, offset: 2, length: 4, position: 3000 });
    expect(part.bytesTransferred).toBe(4);
    expect(Buffer.from(view.buffer).subarray(2, 6).equals(data.subarray(3000, 3004))).toBe(true);
    expect(Buffer.from(view.buffer)[6]).toBe(0xee);
    closeSync(fd);
  });

  it('writes honour offset and length at number positions', async () => {
    const port = newPort();
    const target = dir.file('offset-write.bin', Buffer.alloc(64, 0x11));
    const fd = openSync(target, 'r+');
    const { issue } = promiseIo(port, fd);
    const source = Buffer.from('0123456789abcdef');
    expect((await issue('write', { buffer: source, offset: 4, length: 6, position: 8 })).bytesTransferred).toBe(6);
    expect((await issue('write', { buffer: source, offset: 12, position: 40 })).bytesTransferred).toBe(4);
    closeSync(fd);
    const written = readFileSync(target);
    expect(written.subarray(8, 14).toString()).toBe('456789');
    expect(written.subarray(40, 44).toString()).toBe('cdef');
    expect(written[7]).toBe(0x11);
    expect(written[14]).toBe(0x11);
    expect(written[44]).toBe(0x11);
  });

  it('reads into any ArrayBufferView', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    const words = new Uint32Array(8);
    await issue('read', { buffer: words, position: 0 });
    expect(Buffer.from(words.buffer).equals(data.subarray(0, 32))).toBe(true);
    const view = new DataView(new ArrayBuffer(16), 4, 8);
    const completion = await issue('read', { buffer: view, position: 8 });
    expect(completion.bytesTransferred).toBe(8);
    expect(Buffer.from(view.buffer, 4, 8).equals(data.subarray(8, 16))).toBe(true);
    closeSync(fd);
  });

  it('end of file is success with 0 bytes; a read across it is short', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    expect(await issue('read', { buffer: Buffer.alloc(16), position: fileSize })).toMatchObject({ result: 0, bytesTransferred: 0 });
    expect(await issue('read', { buffer: Buffer.alloc(16), position: fileSize * 2 })).toMatchObject({ result: 0, bytesTransferred: 0 });
    expect(await issue('read', { buffer: Buffer.alloc(16), position: fileSize - 5 })).toMatchObject({ result: 0, bytesTransferred: 5 });
    closeSync(fd);
  });

  it('null position reads and writes at the current file position', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    const first = Buffer.alloc(10);
    const second = Buffer.alloc(10);
    await issue('read', { buffer: first, position: null });
    await issue('read', { buffer: second, position: -1 });
    expect(Buffer.concat([first, second]).equals(data.subarray(0, 20))).toBe(true);
    closeSync(fd);
  });

  it('readv and writev', async () => {
    const port = newPort();
    const target = dir.file('vector.bin', Buffer.alloc(0));
    const fd = openSync(target, 'w+');
    const { issue } = promiseIo(port, fd);
    const parts = [Buffer.from('alpha-'), Buffer.from('beta-'), new Uint8Array(Buffer.from('gamma'))];
    const many = Array.from({ length: 20 }, (_, i) => Buffer.from(`[${i}]`));
    expect(await issue('writev', { buffers: parts, position: 0 })).toMatchObject({ result: 0, bytesTransferred: 16 });
    expect(await issue('writev', { buffers: many, position: 16 })).toMatchObject({ result: 0 });
    const head = Buffer.alloc(6);
    const rest = Buffer.alloc(10);
    expect(await issue('readv', { buffers: [head, rest], position: 0 })).toMatchObject({ result: 0, bytesTransferred: 16 });
    expect(head.toString()).toBe('alpha-');
    expect(rest.toString()).toBe('beta-gamma');
    closeSync(fd);
    expect(readFileSync(target, 'utf8')).toBe('alpha-beta-gamma' + many.join(''));
  });

  it('OS errors arrive through the callback: EBADF, EISDIR, EBADF on a read-only write', async () => {
    const port = newPort();
    const closedFd = openSync(path, 'r');
    closeSync(closedFd);
    const bad = promiseIo(port, closedFd);
    expect(await bad.issue('read', { buffer: Buffer.alloc(8), position: 0 })).toMatchObject({ result: errnoOf('EBADF'), bytesTransferred: 0 });
    const folder = `${dir.path}/folder`;
    mkdirSync(folder);
    const dirFd = openSync(folder, 'r');
    const onDir = promiseIo(port, dirFd);
    expect(await onDir.issue('read', { buffer: Buffer.alloc(8), position: 0 })).toMatchObject({ result: errnoOf('EISDIR'), bytesTransferred: 0 });
    closeSync(dirFd);
    const readOnly = openSync(path, 'r');
    const ro = promiseIo(port, readOnly);
    expect(await ro.issue('write', { buffer: Buffer.alloc(8), position: 0 })).toMatchObject({ result: errnoOf('EBADF') });
    closeSync(readOnly);
  });

  it('start/cancel counting: no I/O without a start, cancel returns an unused start', () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const io = port.createIo(fd, () => {});
    expect(() => io.read({ buffer: Buffer.alloc(1), position: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    expect(() => io.cancel()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    io.start();
    io.start();
    expect(io.starts).toBe(2);
    io.cancel();
    expect(io.starts).toBe(1);
    // A read refused for a bad argument does not consume the start (as ReadFile failing at once).
    expect(() => io.read({ buffer: 'nope' as any, position: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(io.starts).toBe(1);
    io.cancel();
    io.close();
    expect(() => io.start()).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    closeSync(fd);
  });

  it('waitForCallbacks resolves after every callback ran', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    let calls = 0;
    const io = port.createIo(fd, () => calls++);
    for (let i = 0; i < 64; i++) {
      io.start();
      io.read({ buffer: Buffer.alloc(4096), position: i * 4096 });
    }
    expect(io.pending).toBe(64);
    await io.waitForCallbacks();
    expect(calls).toBe(64);
    expect(io.pending).toBe(0);
    await io.waitForCallbacks(); // nothing pending: resolves at once
    closeSync(fd);
  });

  it('waitForCallbacks(true) cancels pending callbacks and waits until the engine is done', async () => {
    const port = newPort({ threads: 1 });
    const fd = openSync(path, 'r');
    let calls = 0;
    const io = port.createIo(fd, () => calls++);
    const buffers: Buffer[] = [];
    for (let i = 0; i < 256; i++) {
      io.start();
      const buffer = Buffer.alloc(65536);
      buffers.push(buffer);
      io.read({ buffer, position: (i * 65536) % fileSize });
    }
    await io.waitForCallbacks(true);
    expect(io.pending).toBe(0);
    expect(calls).toBe(0);
    expect(port.inFlight).toBe(0);
    // The Io is still usable afterwards.
    io.start();
    io.read({ buffer: Buffer.alloc(8), position: 0 });
    await io.waitForCallbacks();
    expect(calls).toBe(1);
    closeSync(fd);
  });

  it('cancelIoEx: every op calls back once, with ECANCELED or its real result', async () => {
    const port = newPort({ threads: 1 });
    const fd = openSync(path, 'r');
    const results: number[] = [];
    const io = port.createIo(fd, (_c, _r, result, bytes) => results.push(result === 0 ? bytes : result));
    for (let i = 0; i < 128; i++) {
      io.start();
      io.read({ buffer: Buffer.alloc(65536), position: (i * 65536) % fileSize });
    }
    io.cancelIoEx();
    await io.waitForCallbacks();
    expect(results).toHaveLength(128);
    for (const result of results) expect([65536, errnoOf('ECANCELED')]).toContain(result);
    closeSync(fd);
  });

  it('BindIoCompletionCallback path: port.read / port.write complete to the bound routine', async () => {
    const port = newPort();
    const fd = openSync(path, 'r');
    const calls: [number, number, any][] = [];
    const done = new Promise<void>((resolve) => {
      expect(port.bindIoCompletionCallback(fd, (errorCode, bytes, request) => {
        calls.push([errorCode, bytes, request]);
        if (calls.length === 3) resolve();
      })).toBe(true);
    });
    expect(() => port.bindIoCompletionCallback(fd, () => {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    const requests = [0, 100, fileSize].map((position) => ({ buffer: Buffer.alloc(10), position }));
    for (const request of requests) port.read(fd, request);
    await done;
    for (const [errorCode, bytes, request] of calls) {
      expect(errorCode).toBe(0);
      expect(bytes).toBe(request.position === fileSize ? 0 : 10);
      expect(request.buffer.subarray(0, bytes).equals(data.subarray(request.position, request.position + bytes))).toBe(true);
    }
    const writeOnReadOnly = new Promise<number>((resolve) => {
      port.unbindIoCompletionCallback(fd);
      port.bindIoCompletionCallback(fd, (errorCode) => resolve(errorCode));
    });
    port.write(fd, { buffer: Buffer.alloc(4), position: 0 });
    expect(await writeOnReadOnly).toBe(errnoOf('EBADF'));
    expect(() => port.read(12345, { buffer: Buffer.alloc(1), position: 0 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    closeSync(fd);
  });

  it('more requests than entries wait in JavaScript and all complete', async () => {
    const port = newPort({ entries: 8 });
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    const reads = Array.from({ length: 100 }, (_, i) => issue('read', { buffer: Buffer.alloc(512), position: i * 512 }));
    expect(port.inFlight).toBe(100);
    const results = await Promise.all(reads);
    results.forEach((completion, i) => {
      expect(completion.request.buffer.equals(data.subarray(i * 512, i * 512 + 512))).toBe(true);
    });
    expect(port.inFlight).toBe(0);
    closeSync(fd);
  });

  it('close() of a port waits for in-flight ops and refuses new ones', async () => {
    const port = createPort({ backend });
    const fd = openSync(path, 'r');
    const { issue } = promiseIo(port, fd);
    const pending = Array.from({ length: 32 }, (_, i) => issue('read', { buffer: Buffer.alloc(4096), position: i * 4096 }));
    await port.close();
    const results = await Promise.all(pending);
    for (const completion of results) expect([0, errnoOf('ECANCELED')]).toContain(completion.result);
    expect(() => port.createIo(fd, () => {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    closeSync(fd);
  });
});

describe('createPort options', () => {
  it('rejects unknown backends and bad numbers like node does', () => {
    expect(() => createPort({ backend: 'nope' as any })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => createPort({ entries: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => createPort({ threads: 'x' as any })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => createPort(5 as any)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('an engine that is not available fails loudly', () => {
    const missing = (['uring', 'win-tp'] as const).filter((name) => !usableBackends().includes(name));
    for (const backend of missing) {
      expect(() => createPort({ backend })).toThrow(expect.objectContaining({ code: 'ERR_TPIO_BACKEND_UNAVAILABLE' }));
    }
  });
});

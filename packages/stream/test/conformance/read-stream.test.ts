// createReadStream / ReadStream against node:fs: the same scenario tables on both, on every backend.

import fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { open as tpioOpen } from '@tpio/core';
import { nodeApi, tpioApi, recordRead, thrown, useBackend, loggingFs, openHandle, type StreamApi } from './harness.js';
import { createReadStream, ReadStream } from '../../src/index.js';

const fileSize = 100_003;
/** Large enough for chunks of 128 KiB and more: from that size glibc maps each block apart, and tpio's other readers place theirs (ADR 0009). */
const largeSize = 700_009;

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-stream-read-');
  const { path: file } = dir.randomFile('random.bin', fileSize);
  const { path: large } = dir.randomFile('large.bin', largeSize);
  const text = dir.file('text.txt', 'héllo wörld, ☃ and 𝄞 — '.repeat(50));
  const empty = dir.file('empty.bin', '');
  const missing = join(dir.path, 'missing.bin');

  /** Runs `scenario` on node:fs and on tpio and expects identical recordings. */
  async function same(scenario: (api: StreamApi) => Promise<unknown>): Promise<unknown> {
    const theirs = await scenario(nodeApi);
    const ours = await scenario(tpioApi);
    expect(ours).toEqual(theirs);
    return ours;
  }

  describe('ranges and chunk sizes', () => {
    const ranges: Array<[string, Record<string, unknown> | undefined]> = [
      ['defaults', undefined],
      ['start 0 end 0', { start: 0, end: 0 }],
      ['start 10 end 20', { start: 10, end: 20 }],
      ['start only', { start: 5 }],
      ['end only', { end: 65535 }],
      ['end at last byte', { end: fileSize - 1 }],
      ['end at EOF', { end: fileSize }],
      ['end past EOF', { start: fileSize - 3, end: fileSize + 100 }],
      ['start past EOF', { start: fileSize + 10 }],
      ['end Infinity', { end: Infinity }],
      ['hwm 1 small range', { highWaterMark: 1, start: 3, end: 9 }],
      ['hwm 7', { highWaterMark: 7, end: 50 }],
      ['hwm 10 start 3 end 33', { highWaterMark: 10, start: 3, end: 33 }],
      ['hwm 65536', { highWaterMark: 65536 }],
      ['hwm = size', { highWaterMark: fileSize }],
      ['hwm = size + 1', { highWaterMark: fileSize + 1 }],
      ['hwm 1 MiB', { highWaterMark: 1 << 20 }],
      ['hwm 0', { highWaterMark: 0 }],
      ['hwm 4096 end 8191', { highWaterMark: 4096, end: 8191 }],
    ];
    for (const [name, options] of ranges) {
      it(name, async () => {
        await same((api) => recordRead(api.createReadStream(file, options)));
      });
    }
    // Chunks of 128 KiB and more, at any start: still fresh, right-sized and 8-aligned as node's.
    const largeRanges: Array<[string, Record<string, unknown>]> = [
      ['large file, hwm 256 KiB', { highWaterMark: 256 * 1024 }],
      ['large file, hwm 256 KiB start 3', { highWaterMark: 256 * 1024, start: 3 }],
      ['large file, hwm 1 MiB start 13 end 600000', { highWaterMark: 1 << 20, start: 13, end: 600_000 }],
      ['large file, hwm 200001 start 4101', { highWaterMark: 200_001, start: 4101 }],
    ];
    for (const [name, options] of largeRanges) {
      it(name, async () => {
        await same((api) => recordRead(api.createReadStream(large, options)));
      });
    }
  });

  describe('encodings', () => {
    it("'buffer' is accepted by the options check and refused by setEncoding, as node", () => {
      expect(thrown(() => tpioApi.createReadStream(text, 'buffer'))).toEqual(thrown(() => nodeApi.createReadStream(text, 'buffer')));
    });
    for (const encoding of ['utf8', 'hex', 'base64', 'latin1', 'utf16le', 'ascii']) {
      it(`${encoding} (option string and object)`, async () => {
        await same((api) => recordRead(api.createReadStream(text, encoding as BufferEncoding)));
        await same((api) => recordRead(api.createReadStream(text, { encoding, highWaterMark: 7 })));
      });
    }
    it('setEncoding after creation', async () => {
      await same((api) => recordRead(api.createReadStream(text, { highWaterMark: 5 }).setEncoding('utf8') as never));
    });
  });

  describe('paths', () => {
    it('Buffer and file URL paths', async () => {
      await same((api) => recordRead(api.createReadStream(Buffer.from(file), { end: 99 })));
      await same((api) => recordRead(api.createReadStream(pathToFileURL(file), { end: 99 })));
    });
    it('empty file', async () => {
      await same((api) => recordRead(api.createReadStream(empty)));
    });
    it('missing file: error text, no open', async () => {
      const recording = await same((api) => recordRead(api.createReadStream(missing)));
      expect(JSON.stringify(recording)).toContain(`ENOENT: no such file or directory, open '${missing}'`);
    });
    it('a directory fails on read with EISDIR', async () => {
      await same((api) => recordRead(api.createReadStream(dir.path)));
    });
    it('invalid flags and mode fail asynchronously, as node', async () => {
      await same((api) => recordRead(api.createReadStream(file, { flags: 'bogus' })));
      await same((api) => recordRead(api.createReadStream(file, { mode: 'xyz' })));
      await same(async (api) => {
        const recording = await recordRead(api.createReadStream(join(dir.path, `created-${api.name}`), { flags: 'wx+' }));
        recording.props.path = 'created';
        return recording;
      });
      await same((api) => recordRead(api.createReadStream(file, { flags: 'wx+' })));
    });
  });

  describe('descriptors and handles', () => {
    it('numeric fd: no open event, closes it (autoClose)', async () => {
      await same(async (api) => {
        const fd = fs.openSync(file, 'r');
        const recording = await recordRead(api.createReadStream(null, { fd, start: 100, end: 300 }));
        return { recording, closed: thrown(() => fs.fstatSync(fd)) };
      });
    });
    it('numeric fd without start reads from the descriptor position', async () => {
      await same(async (api) => {
        const fd = fs.openSync(file, 'r');
        fs.readSync(fd, Buffer.alloc(10), 0, 10, null);
        return recordRead(api.createReadStream('ignored', { fd, highWaterMark: 1000, end: 2000 }));
      });
    });
    it('node FileHandle as fd', async () => {
      await same(async (api) => {
        const handle = await fs.promises.open(file);
        return recordRead(api.createReadStream(null, { fd: handle, start: 7, end: 5000 }));
      });
    });
    it('@tpio/core FileHandle as fd reads like node with its own FileHandle', async () => {
      await same(async (api) => {
        const handle = await openHandle(api, file);
        const recording = await recordRead(api.createReadStream(null, { fd: handle, start: 1, end: 70000 }));
        return { recording, handleFd: handle.fd };
      });
      await same(async (api) => {
        const handle = await openHandle(api, file);
        return recordRead(api.createReadStream(null, { fd: handle, highWaterMark: 4096 }));
      });
    });
  });

  describe('a handle closed under the stream', () => {
    it('closes the stream, as node does with its FileHandle', async () => {
      await same(async (api) => {
        const handle = await openHandle(api, file);
        const stream = api.createReadStream(null, { fd: handle, highWaterMark: 1000 });
        const recording = await recordRead(stream, (_chunk, index) => {
          if (index === 0) void handle.close();
        });
        // Chunks already read may still arrive before 'close': keep the first one only.
        recording.events = recording.events.filter((event, i) => (event as string[])[0] !== 'data' || i === 0);
        return { recording: { ...recording, props: { ...recording.props, bytesRead: undefined } }, handleFd: handle.fd };
      });
    });
  });

  describe('many streams on one handle', () => {
    it('do not pile up close listeners on it (node would warn after ten)', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        for (const handle of [await fs.promises.open(file), await tpioOpen(file)]) {
          for (let i = 0; i < 12; i++) await recordRead(createReadStream(null, { fd: handle as never, start: i, end: i + 10, autoClose: false }));
          expect((handle as unknown as NodeJS.EventEmitter).listenerCount('close')).toBe(0);
          await handle.close();
        }
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings.filter(({ name }) => name === 'MaxListenersExceededWarning')).toEqual([]);
      } finally {
        process.off('warning', onWarning);
      }
    });
  });

  describe('lifecycle', () => {
    it('autoClose false keeps the descriptor open after end', async () => {
      await same(async (api) => {
        const stream = api.createReadStream(file, { autoClose: false, end: 1000 });
        const recording = await recordRead(stream);
        const fd = stream.fd as number;
        const stillOpen = fs.fstatSync(fd).size;
        fs.closeSync(fd);
        return { recording, stillOpen, autoClose: stream.autoClose };
      });
    });
    it('emitClose false', async () => {
      await same((api) => recordRead(api.createReadStream(file, { emitClose: false, end: 99 })));
    });
    it('destroy() during reads waits, closes, emits close', async () => {
      await same((api) => {
        const stream = api.createReadStream(file, { highWaterMark: 1000 });
        return recordRead(stream, (_chunk, index) => {
          if (index === 2) stream.destroy();
        });
      });
    });
    // Found by random-options.test.ts: the last chunk's 'data' listener destroys the stream.
    for (const [name, options] of [['one byte', { end: 0 }], ['the last of three chunks', { start: fileSize - 2500, highWaterMark: 1000 }]] as const) {
      it(`destroy() in the 'data' listener of the last chunk (${name}): no 'end', as node`, async () => {
        await same((api) => {
          const stream = api.createReadStream(file, options);
          return recordRead(stream, () => {
            if (stream.bytesRead === (options.end ?? fileSize - 1) - (options.start ?? 0) + 1) stream.destroy();
          });
        });
      });
    }
    it('destroy(error) during reads', async () => {
      await same((api) => {
        const stream = api.createReadStream(file, { highWaterMark: 1000 });
        return recordRead(stream, (_chunk, index) => {
          if (index === 0) stream.destroy(new Error('stop here'));
        });
      });
    });
    it('destroy() before open', async () => {
      await same((api) => {
        const stream = api.createReadStream(file);
        const recording = recordRead(stream);
        stream.destroy();
        return recording;
      });
    });
    it('close(callback)', async () => {
      await same(async (api) => {
        const stream = api.createReadStream(file);
        const recording = recordRead(stream);
        const closed = await new Promise((resolve) => stream.close((error) => resolve(error === undefined ? 'ok' : (error as Error).message)));
        return { closed, recording: await recording };
      });
    });
    it('abort via signal mid-stream and before start', async () => {
      await same((api) => {
        const controller = new AbortController();
        const stream = api.createReadStream(file, { highWaterMark: 4096, signal: controller.signal });
        return recordRead(stream, (_chunk, index) => {
          if (index === 1) controller.abort();
        });
      });
      await same((api) => recordRead(api.createReadStream(file, { signal: AbortSignal.abort() })));
    });
    it('pause and resume, read(n)', async () => {
      await same(async (api) => {
        const stream = api.createReadStream(file, { highWaterMark: 16384, end: 50000 });
        await new Promise((resolve) => stream.once('readable', () => resolve(undefined)));
        const first = (stream.read(100) as Buffer).toString('hex');
        const recording = recordRead(stream);
        return { first, recording: await recording };
      });
    });
    it('read(n) larger than highWaterMark', async () => {
      await same((api) => new Promise((resolve) => {
        const stream = api.createReadStream(file, { highWaterMark: 16384 });
        const sizes: number[] = [];
        stream.on('readable', () => {
          let chunk: Buffer | null;
          while ((chunk = stream.read(40_000) as Buffer | null) !== null) sizes.push(chunk.length);
        });
        stream.on('close', () => resolve(sizes));
      }));
    });
    it('works without new, with new createReadStream, and subclassed', async () => {
      await same((api) => recordRead(api.ReadStream(file, { end: 10 })));
      await same((api) => recordRead(new (api.createReadStream as any)(file, { end: 10 })));
      await same((api) => {
        class Sub extends api.ReadStream {}
        const stream = new Sub(file, { end: 10 });
        return recordRead(stream).then((recording) => ({ recording, isSub: stream instanceof Sub, isBase: stream instanceof api.ReadStream }));
      });
    });
    it('a subclass open() method replaces opening (node compatibility)', async () => {
      await same((api) => {
        class Sub extends api.ReadStream {
          open(this: fs.ReadStream & { fd: number }): void {
            fs.open(file, 'r', (error, fd) => {
              if (error) return this.emit('error', error);
              this.fd = fd;
              this.emit('open', fd);
            });
          }
        }
        return recordRead(new Sub(file, { end: 20 }));
      });
    });
  });

  describe('options', () => {
    it('inherited options count and the options object is not written to', async () => {
      await same((api) => {
        const options = Object.freeze(Object.create({ start: 2, end: 40, highWaterMark: 8, encoding: 'hex' }));
        return recordRead(api.createReadStream(file, options));
      });
    });
    const invalid: Array<[string, unknown, unknown]> = [
      ['options number', file, 42],
      ['options boolean', file, true],
      ['bad encoding', file, { encoding: 'bogus' }],
      ['bad encoding string', file, 'bogus'],
      ['start negative', file, { start: -1 }],
      ['start string', file, { start: '1' }],
      ['start float', file, { start: 1.5 }],
      ['end negative', file, { end: -5 }],
      ['end NaN', file, { end: NaN }],
      ['start > end', file, { start: 10, end: 5 }],
      ['highWaterMark negative', file, { highWaterMark: -1 }],
      ['highWaterMark string', file, { highWaterMark: 'big' }],
      ['fd string', file, { fd: 'x' }],
      ['fd negative', file, { fd: -1 }],
      ['fd float', file, { fd: 1.5 }],
      ['fd object', file, { fd: {} }],
      ['signal not a signal', file, { signal: 'x' }],
      ['fs without open', file, { fs: {} }],
      ['fs without read', file, { fs: { open: fs.open } }],
      ['fs without close', file, { fs: { open: fs.open, read: fs.read } }],
      ['fd with fs without read', file, { fd: 0, fs: { close: fs.close } }],
      ['path number', 42, undefined],
      ['path null', null, undefined],
      ['path with NUL', 'a\u0000b', undefined],
      ['path object', {}, undefined],
      ['http URL', new URL('http://example.com/x'), undefined],
    ];
    for (const [name, path, options] of invalid) {
      it(`throws synchronously: ${name}`, () => {
        const theirs = thrown(() => nodeApi.createReadStream(path, options));
        const ours = thrown(() => tpioApi.createReadStream(path, options));
        expect(theirs).not.toBe('no throw');
        expect(ours).toEqual(theirs);
      });
    }
    it('fs override without close is fine with autoClose false', async () => {
      await same(async (api) => {
        const stream = api.createReadStream(file, { fs: { open: fs.open, read: fs.read }, autoClose: false, end: 9 });
        const recording = await recordRead(stream);
        fs.closeSync(stream.fd as number);
        return recording;
      });
    });
  });

  describe('the fs option', () => {
    it('calls the given functions with node arguments', async () => {
      await same(async (api) => {
        const log: unknown[] = [];
        const override = loggingFs(fs, ['open', 'read', 'close'], log);
        const recording = await recordRead(api.createReadStream(file, { fs: override, highWaterMark: 30000, start: 1 }));
        return { recording, log };
      });
    });
    it('with a numeric fd', async () => {
      await same(async (api) => {
        const log: unknown[] = [];
        const override = loggingFs(fs, ['read', 'close'], log);
        const fd = fs.openSync(file, 'r');
        const recording = await recordRead(api.createReadStream(null, { fd, fs: override, end: 70000 }));
        return { recording, log };
      });
    });
    it('errors from fs.read reach the stream', async () => {
      await same((api) => {
        const failing = { ...fs, read: (_fd: number, _b: Buffer, _o: number, _l: number, _p: number, callback: (error: Error) => void) => callback(Object.assign(new Error('boom'), { code: 'EIO' })) };
        return recordRead(api.createReadStream(file, { fs: failing }));
      });
    });
  });

  describe('pipelines', () => {
    it('pipeline to node streams and from ours to ours', async () => {
      await same(async (api) => {
        const out = join(dir.path, `piped-${api.name}.bin`);
        await pipeline(api.createReadStream(file, { start: 3 }), new PassThrough(), fs.createWriteStream(out));
        return fs.readFileSync(out).equals(fs.readFileSync(file).subarray(3));
      });
    });
    it('async iteration', async () => {
      await same(async (api) => {
        const chunks: number[] = [];
        for await (const chunk of api.createReadStream(file, { highWaterMark: 30000 })) chunks.push((chunk as Buffer).length);
        return chunks;
      });
    });
  });

  describe('tpio extras', () => {
    it('depth option: same chunks for any depth, validated', async () => {
      const expected = await recordRead(fs.createReadStream(file, { highWaterMark: 3000 }));
      for (const depth of [1, 2, 3, 16]) {
        expect(await recordRead(createReadStream(file, { highWaterMark: 3000, depth }))).toEqual(expected);
      }
      expect(thrown(() => createReadStream(file, { depth: 0 }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      expect(thrown(() => createReadStream(file, { depth: 'x' as never }))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    });
    it('chunks own right-sized stores at 8-aligned offsets', async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of createReadStream(file, { highWaterMark: 65536 })) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(fs.readFileSync(file))).toBe(true);
      for (const chunk of chunks) {
        expect(chunk.byteOffset % 8).toBe(0);
        expect(chunk.buffer.byteLength).toBe(chunk.length);
      }
    });
    it('a @tpio/core FileHandle is closed by autoClose and left open without it', async () => {
      const handle = await tpioOpen(file);
      await recordRead(createReadStream(null, { fd: handle, autoClose: false, end: 10 }));
      expect(handle.fd).toBeGreaterThan(0);
      await recordRead(createReadStream(null, { fd: handle, start: 0, end: 10 }));
      expect(handle.fd).toBe(-1);
    });
    it('ReadStream instances are fs-shaped', async () => {
      const stream = ReadStream(file, { end: 1 });
      const closed = new Promise((resolve) => stream.on('close', resolve));
      expect(stream).toBeInstanceOf(ReadStream);
      expect(stream.pending).toBe(true);
      expect(stream.path).toBe(file);
      expect(stream.flags).toBe('r');
      expect(stream.mode).toBe(0o666);
      stream.destroy();
      await closed;
    });
  });
});

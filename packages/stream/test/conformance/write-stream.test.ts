// createWriteStream / WriteStream against node:fs: the same scenario tables on both, on every backend.

import fs from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { open as tpioOpen, writebackStrideBytes } from '@tpio/core';
import { nodeApi, tpioApi, recordWrite, thrown, useBackend, loggingFs, openHandle, writebackStarts, type StreamApi, type Recording } from './harness.js';
import { createWriteStream, WriteStream } from '../../src/index.js';

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-stream-write-');
  let counter = 0;

  /** A fresh file path per API and run, optionally with content. */
  function target(api: StreamApi, content?: string): string {
    const path = join(dir.path, `out-${counter++}-${api.name}.txt`);
    if (content !== undefined) fs.writeFileSync(path, content);
    return path;
  }

  async function same(scenario: (api: StreamApi) => Promise<unknown>): Promise<unknown> {
    const theirs = await scenario(nodeApi);
    const ours = await scenario(tpioApi);
    expect(ours).toEqual(theirs);
    return ours;
  }

  const writeAll = (parts: Array<string | Buffer>) => (stream: fs.WriteStream) => {
    for (const part of parts.slice(0, -1)) stream.write(part);
    stream.end(parts[parts.length - 1]);
  };

  describe('writing', () => {
    it('a few writes and end()', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file), file, writeAll(['hello ', Buffer.from('wor'), 'ld\n']));
      });
    });
    it('many small writes (coalesced) keep order and content', async () => {
      await same((api) => {
        const file = target(api);
        const parts = Array.from({ length: 3000 }, (_, i) => `${i},`);
        return recordWrite(api.createWriteStream(file), file, writeAll(parts));
      });
    });
    it('large chunks and mixed sizes', async () => {
      const big = Buffer.alloc(300_000, 7);
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file, { highWaterMark: 1000 }), file, writeAll([big, 'x', big.subarray(5), 'tail']));
      });
    });
    it('empty stream creates an empty file', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file), file, (stream) => stream.end());
      });
    });
    it('encoding option sets the default string encoding', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file, { encoding: 'hex' }), file, writeAll(['48656c6c6f', '21']));
      });
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file, 'base64'), file, writeAll(['aGk=']));
      });
    });
  });

  describe('flags and positions', () => {
    it("'a' appends to an existing file", async () => {
      await same((api) => {
        const file = target(api, 'existing;');
        return recordWrite(api.createWriteStream(file, { flags: 'a' }), file, writeAll(['one;', 'two;']));
      });
    });
    it("'wx' on an existing file fails with EEXIST", async () => {
      const recording = (await same(async (api) => {
        const file = target(api, 'keep');
        const result = await recordWrite(api.createWriteStream(file, { flags: 'wx' }), file, writeAll(['lost']));
        return JSON.parse(JSON.stringify(result).replaceAll(file, '<file>')) as Recording;
      })) as Recording;
      expect(JSON.stringify(recording.events)).toContain("EEXIST: file already exists, open '<file>'");
    });
    it("'r+' with start overwrites in place", async () => {
      await same((api) => {
        const file = target(api, 'abcdefghij');
        return recordWrite(api.createWriteStream(file, { flags: 'r+', start: 3 }), file, writeAll(['XY', 'Z']));
      });
    });
    it('start past the end leaves a hole', async () => {
      await same((api) => {
        const file = target(api, 'ab');
        return recordWrite(api.createWriteStream(file, { flags: 'r+', start: 5 }), file, writeAll(['end']));
      });
    });
    it('missing directory: ENOENT open error', async () => {
      await same((api) => {
        const file = join(dir.path, 'no-such-dir', 'x.txt');
        return recordWrite(api.createWriteStream(file), undefined, writeAll(['x']));
      });
    });
    it('invalid flags fail asynchronously', async () => {
      await same((api) => {
        const file = join(dir.path, `never-${api.name}`);
        return recordWrite(api.createWriteStream(file, { flags: 'nope' }), undefined, writeAll(['x'])).then((recording) => {
          recording.props.content = undefined;
          return recording;
        });
      });
    });
  });

  describe('descriptors, handles, lifecycle', () => {
    it('numeric fd: no open event, closed at the end', async () => {
      await same(async (api) => {
        const file = target(api);
        const fd = fs.openSync(file, 'w');
        const recording = await recordWrite(api.createWriteStream(null, { fd }), file, writeAll(['via fd']));
        return { recording, closed: thrown(() => fs.fstatSync(fd)) };
      });
    });
    it('a handle closed under the stream closes the stream, as node does with its FileHandle', async () => {
      await same(async (api) => {
        const file = target(api);
        const handle = await openHandle(api, file, 'w');
        const recording = await recordWrite(api.createWriteStream(null, { fd: handle }), file, (stream) => {
          stream.write('first', () => void handle.close());
        });
        return { recording, handleFd: handle.fd };
      });
    });
    it('node FileHandle as fd', async () => {
      await same(async (api) => {
        const file = target(api);
        const handle = await fs.promises.open(file, 'w');
        return recordWrite(api.createWriteStream(null, { fd: handle }), file, writeAll(['via ', 'handle']));
      });
    });
    it('autoClose false leaves the descriptor open', async () => {
      await same(async (api) => {
        const file = target(api);
        const stream = api.createWriteStream(file, { autoClose: false });
        const recording = await recordWrite(stream, file, writeAll(['kept open']));
        const fd = stream.fd as number;
        const open = fs.fstatSync(fd).size;
        fs.closeSync(fd);
        return { recording, open };
      });
    });
    it('emitClose false', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file, { emitClose: false }), file, writeAll(['quiet']));
      });
    });
    it('flush: true', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file, { flush: true }), file, writeAll(['durable']));
      });
    });
    it('flush: true over several MiB: the same bytes and events, with writeback started as the stream goes', async () => {
      const chunk = Buffer.alloc(1 << 20, 0x33);
      const chunks = (3 * writebackStrideBytes) / chunk.length;
      for (const flush of [false, true]) {
        const starts = await writebackStarts(() => same((api) => {
          const file = target(api);
          return recordWrite(api.createWriteStream(file, { flush }), file, writeAll(Array.from({ length: chunks }, () => chunk)));
        }));
        // One start per stride at most, and only one at a time: at least one, never more than 3.
        expect(starts).toBeGreaterThanOrEqual(flush ? 1 : 0);
        expect(starts).toBeLessThanOrEqual(flush ? 3 : 0);
      }
    });
    it('destroy() while a write is in flight waits, then closes', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file), file, (stream) => {
          stream.write(Buffer.alloc(100_000, 1));
          stream.destroy();
        }).then((recording) => ({ events: recording.events, destroyed: recording.props.destroyed }));
      });
    });
    it('destroy(error)', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file), file, (stream) => {
          stream.on('open', () => stream.destroy(new Error('stop')));
          stream.write('x');
        }).then((recording) => ({ events: recording.events }));
      });
    });
    it('abort via signal', async () => {
      await same((api) => {
        const file = target(api);
        const controller = new AbortController();
        return recordWrite(api.createWriteStream(file, { signal: controller.signal }), file, (stream) => {
          stream.write('a', () => controller.abort());
        }).then((recording) => ({ events: recording.events }));
      });
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file, { signal: AbortSignal.abort() }), undefined, () => {});
      });
    });
    it('close(callback) and destroySoon()', async () => {
      await same(async (api) => {
        const file = target(api);
        const stream = api.createWriteStream(file);
        stream.write('abc');
        const first = await new Promise((resolve) => stream.close(() => resolve('closed')));
        const second = await new Promise((resolve) => stream.close(() => resolve('again')));
        return { first, second, content: fs.readFileSync(file, 'utf8'), bytesWritten: stream.bytesWritten };
      });
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file), file, (stream) => {
          stream.write('soon');
          (stream as unknown as { destroySoon(): void }).destroySoon();
        });
      });
    });
    it('close() with autoClose false still closes after finish', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.createWriteStream(file, { autoClose: false }), file, (stream) => {
          stream.write('x');
          stream.close();
        });
      });
    });
    it('without new, new createWriteStream, subclass', async () => {
      await same((api) => {
        const file = target(api);
        return recordWrite(api.WriteStream(file), file, writeAll(['a']));
      });
      await same((api) => {
        const file = target(api);
        return recordWrite(new (api.createWriteStream as any)(file), file, writeAll(['b']));
      });
      await same((api) => {
        class Sub extends api.WriteStream {}
        const file = target(api);
        const stream = new Sub(file);
        return recordWrite(stream, file, writeAll(['c'])).then((recording) => ({ recording, sub: stream instanceof Sub, base: stream instanceof api.WriteStream }));
      });
    });
  });

  describe('options', () => {
    it('inherited options count; frozen options are fine', async () => {
      await same((api) => {
        const file = target(api, '0123456789');
        const options = Object.freeze(Object.create({ flags: 'r+', start: 4, encoding: 'latin1' }));
        return recordWrite(api.createWriteStream(file, options), file, writeAll(['ab']));
      });
    });
    const invalid: Array<[string, unknown, unknown]> = [
      ['options number', 'x', 42],
      ['bad encoding', 'x', { encoding: 'nope' }],
      ['start negative', 'x', { start: -1 }],
      ['start string', 'x', { start: '0' }],
      ['flush string', 'x', { flush: 'yes' }],
      ['fd string', 'x', { fd: 'x' }],
      ['fd negative', 'x', { fd: -2 }],
      ['fs without open', 'x', { fs: {} }],
      ['fs without write or writev', 'x', { fs: { open: fs.open } }],
      ['fs write not a function', 'x', { fs: { open: fs.open, write: 1 } }],
      ['fs writev not a function', 'x', { fs: { open: fs.open, write: fs.write, writev: 'x' } }],
      ['fs without close', 'x', { fs: { open: fs.open, write: fs.write } }],
      ['flush with fs without fsync', 'x', { flush: true, fs: { open: fs.open, write: fs.write, close: fs.close } }],
      ['highWaterMark negative', 'x', { highWaterMark: -1 }],
      ['signal not a signal', 'x', { signal: {} }],
      ['path number', 1, undefined],
      ['path with NUL', 'a\u0000', undefined],
    ];
    for (const [name, path, options] of invalid) {
      it(`throws synchronously: ${name}`, () => {
        const where = typeof path === 'string' ? join(dir.path, path) : path;
        const theirs = thrown(() => nodeApi.createWriteStream(where, options));
        const ours = thrown(() => tpioApi.createWriteStream(where, options));
        expect(theirs).not.toBe('no throw');
        expect(ours).toEqual(theirs);
      });
    }
  });

  describe('the fs option', () => {
    for (const names of [['open', 'write', 'writev', 'close', 'fsync'], ['open', 'write', 'close'], ['open', 'writev', 'close']]) {
      it(`calls ${names.join('/')} with node arguments`, async () => {
        await same(async (api) => {
          const log: unknown[] = [];
          const file = target(api);
          const recording = await recordWrite(api.createWriteStream(file, { fs: loggingFs(fs, names, log), flush: names.includes('fsync') || undefined }), file, (stream) => {
            stream.write('first');
            stream.once('ready', () => {
              stream.write('a');
              stream.write('b');
              stream.end('c');
            });
          });
          return JSON.parse(JSON.stringify({ recording, log }).replaceAll(file, '<file>'));
        });
      });
    }
    it('write errors reach the stream', async () => {
      await same((api) => {
        const file = target(api);
        const failing = { ...fs, writev: undefined, write: (...args: any[]) => args[args.length - 1](Object.assign(new Error('disk on fire'), { code: 'EIO' })) };
        return recordWrite(api.createWriteStream(file, { fs: failing }), file, writeAll(['x']));
      });
    });
  });

  describe('pipelines', () => {
    it('pipeline from other streams into ours', async () => {
      await same(async (api) => {
        const file = target(api);
        const source = Readable.from((function* () {
          for (let i = 0; i < 500; i++) yield Buffer.alloc(1000 + i, i % 256);
        })());
        await pipeline(source, api.createWriteStream(file));
        return fs.readFileSync(file).toString('base64');
      });
    });
  });

  describe('tpio extras', () => {
    it('a @tpio/core FileHandle as fd', async () => {
      const file = join(dir.path, 'tpio-handle.txt');
      const handle = await tpioOpen(file, 'w');
      const stream = createWriteStream(null, { fd: handle });
      await recordWrite(stream as never, file, writeAll(['tpio ', 'handle']));
      expect(fs.readFileSync(file, 'utf8')).toBe('tpio handle');
      expect(handle.fd).toBe(-1);
    });
    it('WriteStream instances are fs-shaped', async () => {
      const stream = WriteStream(join(dir.path, 'shape.txt'), { flags: 'a' });
      const closed = new Promise((resolve) => stream.on('close', resolve));
      expect(stream).toBeInstanceOf(WriteStream);
      expect(stream.pending).toBe(true);
      expect(stream.flags).toBe('a');
      expect(stream.flush).toBe(false);
      expect(stream.bytesWritten).toBe(0);
      stream.destroy();
      await closed;
    });
  });
});

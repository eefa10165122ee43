// readableWebStream / writableWebStream: BYOB with min, default readers, cancel, pipelines and
// Readable.fromWeb / toWeb, checked against the file's bytes and node's own web streams.

import fs from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { open as tpioOpen, writebackStrideBytes } from '@tpio/core';
import { useBackend, errorShape, writebackStarts } from './harness.js';
import { createReadStream, readableWebStream, writableWebStream } from '../../src/index.js';

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function readAllByob(stream: ReadableStream<Uint8Array>, viewBytes = 7000): Promise<Buffer> {
  const reader = stream.getReader({ mode: 'byob' });
  const parts: Buffer[] = [];
  for (;;) {
    const { value, done } = await reader.read(new Uint8Array(viewBytes));
    if (value !== undefined) parts.push(Buffer.from(value));
    if (done) return Buffer.concat(parts);
  }
}

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-stream-web-');
  const { path: file, data } = dir.randomFile('random.bin', 200_001);

  describe('readableWebStream', () => {
    it('a BYOB reader gets its own view filled, with min honoured', async () => {
      const reader = readableWebStream(file).getReader({ mode: 'byob' });
      let offset = 0;
      let buffer = new ArrayBuffer(10_000);
      for (;;) {
        const { value, done } = await reader.read(new Uint8Array(buffer, 0, 10_000), { min: 4096 });
        if (done) {
          // Closed short of `min`: the partly filled view comes back with done, as the spec says.
          if (value !== undefined) offset += value.byteLength;
          break;
        }
        expect(value!.byteLength).toBeGreaterThanOrEqual(offset + 4096 > data.length ? 1 : 4096);
        expect(Buffer.from(value!).equals(data.subarray(offset, offset + value!.byteLength))).toBe(true);
        offset += value!.byteLength;
        buffer = value!.buffer as ArrayBuffer; // the same memory, transferred back: no copies in between
      }
      expect(offset).toBe(data.length);
    });

    it('BYOB reads match node FileHandle.readableWebStream byte for byte', async () => {
      const handle = await fs.promises.open(file);
      const theirs = await readAllByob((handle as unknown as { readableWebStream(o: object): ReadableStream<Uint8Array> }).readableWebStream({ type: 'bytes' }));
      await handle.close();
      expect((await readAllByob(readableWebStream(file))).equals(theirs)).toBe(true);
      expect(theirs.equals(data)).toBe(true);
    });

    it('large BYOB views (filled by several reads at once) get the same bytes as node, with start and end', async () => {
      const big = dir.randomFile('big.bin', 3 * 1024 * 1024 + 777);
      const readBig = (stream: ReadableStream<Uint8Array>) => readAllByob(stream, 1024 * 1024);
      const handle = await fs.promises.open(big.path);
      const theirs = await readBig((handle as unknown as { readableWebStream(o: object): ReadableStream<Uint8Array> }).readableWebStream({ type: 'bytes' }));
      await handle.close();
      expect((await readBig(readableWebStream(big.path))).equals(theirs)).toBe(true);
      expect(theirs.equals(big.data)).toBe(true);
      const ranged = await readBig(readableWebStream(big.path, { start: 1000, end: 2 * 1024 * 1024 + 99 }));
      expect(ranged.equals(big.data.subarray(1000, 2 * 1024 * 1024 + 100))).toBe(true);
    });

    it('a default reader gets fresh chunks of chunkSize; start and end are inclusive', async () => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of readableWebStream(file, { chunkSize: 30_000, start: 5, end: 100_004 }) as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
      expect(chunks.map((chunk) => chunk.byteLength)).toEqual([30_000, 30_000, 30_000, 10_000]);
      for (const chunk of chunks) expect(chunk.buffer.byteLength).toBe(chunk.byteLength);
      expect(Buffer.concat(chunks).equals(data.subarray(5, 100_005))).toBe(true);
    });

    it('an empty file and a range past the end', async () => {
      expect((await readAll(readableWebStream(dir.file('empty.bin', '')))).length).toBe(0);
      expect((await readAll(readableWebStream(file, { start: 300_000 }))).length).toBe(0);
    });

    it('cancel stops reading and closes what it opened (autoClose)', async () => {
      const handle = await tpioOpen(file);
      const stream = readableWebStream(handle, { autoClose: true, chunkSize: 1000 });
      const reader = stream.getReader();
      const first = await reader.read();
      expect(first.value!.byteLength).toBe(1000);
      await reader.cancel('enough');
      expect(await reader.read()).toEqual({ done: true, value: undefined });
      expect(handle.fd).toBe(-1);
    });

    it('a handle is left open without autoClose, and read from its position', async () => {
      const handle = await tpioOpen(file);
      await handle.read(Buffer.alloc(100), 0, 100, null);
      const bytes = await readAll(readableWebStream(handle));
      expect(bytes.equals(data.subarray(100))).toBe(true);
      expect(handle.fd).toBeGreaterThan(0);
      await handle.close();
    });

    it('a missing file errors the stream with node text', async () => {
      const missing = join(dir.path, 'missing.bin');
      const error = await readAll(readableWebStream(missing)).catch((caught) => caught);
      expect(errorShape(error)).toMatchObject({ code: 'ENOENT', syscall: 'open', message: `ENOENT: no such file or directory, open '${missing}'` });
    });

    it('bad arguments throw synchronously', () => {
      expect(() => readableWebStream(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
      expect(() => readableWebStream(file, { start: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => readableWebStream(file, { start: 5, end: 1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => readableWebStream(file, { chunkSize: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    });

    it('Readable.fromWeb and pipeline', async () => {
      const out = join(dir.path, 'from-web.bin');
      await pipeline(Readable.fromWeb(readableWebStream(file) as never), fs.createWriteStream(out));
      expect(fs.readFileSync(out).equals(data)).toBe(true);
      const out2 = join(dir.path, 'pipeline-web.bin');
      await pipeline(readableWebStream(file) as never, fs.createWriteStream(out2));
      expect(fs.readFileSync(out2).equals(data)).toBe(true);
    });

    it('Readable.toWeb of createReadStream', async () => {
      const web = Readable.toWeb(createReadStream(file) as unknown as Readable) as unknown as ReadableStream<Uint8Array>;
      expect((await readAll(web)).equals(data)).toBe(true);
    });
  });

  describe('writableWebStream', () => {
    it('writes chunks in order and closes', async () => {
      const out = join(dir.path, 'web-out.bin');
      const writer = writableWebStream(out).getWriter();
      for (let offset = 0; offset < data.length; offset += 33_333) await writer.write(data.subarray(offset, offset + 33_333));
      await writer.close();
      expect(fs.readFileSync(out).equals(data)).toBe(true);
    });

    it('has backpressure: desiredSize drops below zero while a large chunk is queued', async () => {
      const out = join(dir.path, 'web-bp.bin');
      const writer = writableWebStream(out, { highWaterMark: 1024 }).getWriter();
      await writer.ready;
      const pending = writer.write(Buffer.alloc(10_000, 1));
      expect(writer.desiredSize).toBeLessThan(0);
      await pending;
      await writer.ready;
      expect(writer.desiredSize).toBe(1024);
      await writer.close();
      expect(fs.statSync(out).size).toBe(10_000);
    });

    it('flags, start and flush', async () => {
      const out = dir.file('web-flags.bin', 'abcdef');
      const writer = writableWebStream(out, { flags: 'r+', start: 2, flush: true }).getWriter();
      await writer.write(Buffer.from('XY'));
      await writer.close();
      expect(fs.readFileSync(out, 'utf8')).toBe('abXYef');
      const appended = writableWebStream(out, { flags: 'a' }).getWriter();
      await appended.write(Buffer.from('!'));
      await appended.close();
      expect(fs.readFileSync(out, 'utf8')).toBe('abXYef!');
    });

    it('flush starts writeback as chunks arrive; without it none starts', async () => {
      const chunk = Buffer.alloc(1 << 20, 0x44);
      const chunks = (2 * writebackStrideBytes) / chunk.length;
      for (const flush of [false, true]) {
        const out = join(dir.path, `web-writeback-${flush}.bin`);
        const starts = await writebackStarts(async () => {
          const writer = writableWebStream(out, { flush }).getWriter();
          for (let i = 0; i < chunks; i++) await writer.write(chunk);
          await writer.close();
        });
        expect(fs.statSync(out).size).toBe(chunks * chunk.length);
        expect(starts).toBeGreaterThanOrEqual(flush ? 1 : 0);
        expect(starts).toBeLessThanOrEqual(flush ? 2 : 0);
      }
    });

    it("'wx' on an existing file errors the stream", async () => {
      const out = dir.file('web-exists.bin', 'x');
      const writer = writableWebStream(out, { flags: 'wx' }).getWriter();
      const error = await writer.write(Buffer.from('y')).catch((caught) => caught);
      expect(errorShape(error)).toMatchObject({ code: 'EEXIST', message: `EEXIST: file already exists, open '${out}'` });
    });

    it('rejects non-byte chunks, closing the file it opened', async () => {
      const out = join(dir.path, 'web-bad.bin');
      const writer = writableWebStream(out).getWriter();
      const error = await writer.write('text' as never).catch((caught) => caught);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      if (fs.existsSync('/proc/self/fd')) {
        const openOnIt = fs.readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return fs.readlinkSync(`/proc/self/fd/${fd}`) === out;
          } catch {
            return false; // the directory's own descriptor, gone by now
          }
        });
        expect(openOnIt).toEqual([]);
      }
    });

    it('pipeline, pipeTo and Writable.fromWeb', async () => {
      const out = join(dir.path, 'web-pipe.bin');
      await pipeline(createReadStream(file), writableWebStream(out) as never);
      expect(fs.readFileSync(out).equals(data)).toBe(true);
      const out2 = join(dir.path, 'web-pipeto.bin');
      await readableWebStream(file).pipeTo(writableWebStream(out2));
      expect(fs.readFileSync(out2).equals(data)).toBe(true);
      const out3 = join(dir.path, 'web-fromweb.bin');
      await pipeline(fs.createReadStream(file), Writable.fromWeb(writableWebStream(out3) as never));
      expect(fs.readFileSync(out3).equals(data)).toBe(true);
    });

    it('a handle stays open without autoClose; abort closes with it', async () => {
      const out = join(dir.path, 'web-handle.bin');
      const handle = await tpioOpen(out, 'w');
      const writer = writableWebStream(handle).getWriter();
      await writer.write(Buffer.from('abc'));
      await writer.close();
      expect(handle.fd).toBeGreaterThan(0);
      const aborting = writableWebStream(handle, { autoClose: true }).getWriter();
      await aborting.abort(new Error('no more'));
      expect(handle.fd).toBe(-1);
      expect(fs.readFileSync(out, 'utf8')).toBe('abc');
    });
  });
});

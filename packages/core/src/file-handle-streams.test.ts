import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { streamSettled } from '@tpio/vitest-config/streams';
import { currentPort, open, type FileHandle } from './index.js';
import { outcome, useBackend } from '../test/helpers.js';

const fsp = fs.promises;
type AnyHandle = FileHandle | fs.promises.FileHandle;
type Opener = (path: string, flags?: string) => Promise<AnyHandle>;
const openers: Record<'node' | 'tpio', Opener> = { node: (path, flags) => fsp.open(path, flags), tpio: (path, flags) => open(path, flags) };

/** Everything a read stream on a handle shows: chunks, events in order, properties, the handle's fd after. */
async function readStreamRecord(handle: AnyHandle, options?: object, closeHandleAfterFirstChunk = false) {
  const stream = handle.createReadStream(options as never);
  const events: string[] = [];
  const chunks: (string | number)[] = [];
  for (const name of ['open', 'ready', 'end', 'close', 'error']) {
    stream.on(name, (value: unknown) => events.push(name === 'error' ? `error ${(value as NodeJS.ErrnoException).code}` : name));
  }
  stream.on('data', (chunk: Buffer | string) => {
    chunks.push(typeof chunk === 'string' ? chunk : chunk.length);
    if (closeHandleAfterFirstChunk && chunks.length === 1) void handle.close();
  });
  // Without autoClose (or emitClose) no 'close' comes: the end is then the last event.
  await streamSettled(stream);
  const record = { events, chunks, bytesRead: stream.bytesRead, path: stream.path, pending: stream.pending, destroyed: stream.destroyed, handleOpen: handle.fd !== -1 };
  await handle.close(); // (autoClose: false) an open file would keep Windows from removing the directory
  return record;
}

/** A write stream on a handle: events, bytesWritten, the file's contents after 'close'. */
async function writeStreamRecord(handle: AnyHandle, path: string, writes: (string | Buffer)[], options?: object) {
  const stream = handle.createWriteStream(options as never);
  const events: string[] = [];
  for (const name of ['open', 'ready', 'finish', 'close', 'error']) stream.on(name, () => events.push(name));
  const settled = streamSettled(stream);
  for (const chunk of writes) stream.write(chunk);
  stream.end();
  await settled;
  return { events, bytesWritten: stream.bytesWritten, contents: fs.readFileSync(path, 'latin1'), handleOpen: handle.fd !== -1 };
}

/** Every chunk of a handle's web stream, by type and size, and the bytes. */
async function webStreamRecord(handle: AnyHandle, options?: object) {
  const sizes: string[] = [];
  const parts: Buffer[] = [];
  for await (const chunk of handle.readableWebStream(options as never) as unknown as AsyncIterable<ArrayBuffer | Uint8Array>) {
    sizes.push(`${chunk.constructor.name}:${chunk.byteLength}`);
    parts.push(Buffer.from(chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : chunk));
  }
  return { sizes, bytes: Buffer.concat(parts) };
}

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-core-handle-streams-');
  const { path: file, data } = dir.randomFile('data.bin', 200_001);
  const text = dir.file('text.txt', 'naïve ☃ 𝄞 '.repeat(3000));
  const empty = dir.file('empty.bin', '');

  describe('createReadStream', () => {
    it("gives node's chunks, events and properties for every option", async () => {
      const cases: (object | undefined)[] = [
        undefined,
        { start: 10, end: 70_000, highWaterMark: 30_000 },
        { start: 199_999 },
        { start: 300_000 },
        { end: 0 },
        { highWaterMark: 1 << 20 },
        { autoClose: false },
        { emitClose: false },
      ];
      for (const options of cases) {
        const ours = await readStreamRecord(await open(file), options);
        const theirs = await readStreamRecord(await fsp.open(file), options);
        expect(ours, JSON.stringify(options)).toEqual(theirs);
      }
      for (const [path, options] of [[text, { encoding: 'utf8', highWaterMark: 7 }], [empty, undefined]] as const) {
        expect(await readStreamRecord(await open(path), options)).toEqual(await readStreamRecord(await fsp.open(path), options));
      }
    });

    it('reads the same bytes, and leaves the handle open and usable with autoClose: false', async () => {
      const handle = await open(file);
      const parts: Buffer[] = [];
      for await (const chunk of handle.createReadStream({ autoClose: false, start: 5 })) parts.push(chunk as Buffer);
      expect(Buffer.concat(parts).equals(data.subarray(5))).toBe(true);
      expect((await handle.read(Buffer.alloc(4), 0, 4, 0)).bytesRead).toBe(4);
      await handle.close();
    });

    it('closes when the handle closes, as node does', async () => {
      const ours = await readStreamRecord(await open(file), { highWaterMark: 1000 }, true);
      const theirs = await readStreamRecord(await fsp.open(file), { highWaterMark: 1000 }, true);
      expect(ours).toEqual(theirs);
      expect(currentPort().inFlight).toBe(0);
    });

    it("throws node's errors for bad options, an fs override and a closed handle", async () => {
      const closed = { node: await fsp.open(file), tpio: await open(file) };
      await closed.node.close();
      await closed.tpio.close();
      // An fs override is refused before node's stream takes the handle; bad options are checked
      // after (which leaves node's handle unable to close), so a path stream is their reference.
      const handles = { node: await fsp.open(file), tpio: await open(file) };
      const withFs = (handle: AnyHandle) => handle.createReadStream({ fs: {} } as never);
      expect(await outcome(() => withFs(handles.tpio))).toEqual(await outcome(() => withFs(handles.node)));
      for (const options of [{ start: -1 }, { start: 5, end: 2 }, { end: '3' }, { highWaterMark: 'x' }]) {
        const ours = await outcome(() => handles.tpio.createReadStream(options as never));
        expect(ours, JSON.stringify(options)).toEqual(await outcome(() => fs.createReadStream(file, options as never)));
        expect((ours as { error?: unknown }).error).toBeDefined();
      }
      await Promise.all([handles.node.close(), handles.tpio.close()]);
      expect(await outcome(() => closed.tpio.createReadStream())).toEqual(await outcome(() => closed.node.createReadStream()));
      expect(await outcome(() => closed.tpio.createWriteStream())).toEqual(await outcome(() => closed.node.createWriteStream()));
    });
  });

  describe('createWriteStream', () => {
    it("writes node's bytes with node's events, with and without flush, at start", async () => {
      const writes = ['hello ', Buffer.from('wörld'), 'x'.repeat(70_000), Buffer.alloc(0)];
      // Not autoClose: false here: node's handle.close() then waits forever for the finished stream.
      for (const options of [undefined, { flush: true }, { start: 3 }, { emitClose: false }, { encoding: 'latin1' }]) {
        const records = [];
        for (const name of ['node', 'tpio'] as const) {
          const path = dir.file(`write-${name}.txt`, 'previous contents');
          const handle = await openers[name](path, 'r+');
          records.push(await writeStreamRecord(handle, path, writes, options));
          if (handle.fd !== -1) await handle.close();
        }
        expect(records[1], JSON.stringify(options)).toEqual(records[0]);
      }
    });

    it('leaves the handle open and usable with autoClose: false', async () => {
      const out = dir.file('kept.txt');
      const handle = await open(out, 'w');
      const stream = handle.createWriteStream({ autoClose: false });
      stream.end('kept open');
      await new Promise<void>((resolve) => stream.on('finish', () => resolve()));
      await handle.write('!', null);
      await handle.close();
      expect(fs.readFileSync(out, 'utf8')).toBe('kept open!');
    });

    it('takes a pipeline and closes the handle at the end', async () => {
      const out = dir.file('piped.bin');
      const handle = await open(out, 'w');
      await pipeline(Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), handle.createWriteStream());
      expect(fs.readFileSync(out).equals(data)).toBe(true);
      expect(handle.fd).toBe(-1);
    });
  });

  describe('readableWebStream', () => {
    it("gives node's chunks: ArrayBuffers by default on node 20, Uint8Arrays of a byte stream with type 'bytes' or on node 22", async () => {
      for (const options of [undefined, { type: 'bytes' }]) {
        for (const path of [file, empty]) {
          const handles = { node: await fsp.open(path), tpio: await open(path) };
          const ours = await webStreamRecord(handles.tpio, options);
          const theirs = await webStreamRecord(handles.node, options);
          expect(ours.sizes).toEqual(theirs.sizes);
          expect(ours.bytes.equals(theirs.bytes)).toBe(true);
          expect(handles.tpio.fd).not.toBe(-1); // the stream never closes the handle
          await Promise.all([handles.node.close(), handles.tpio.close()]);
        }
      }
    });

    it('reads straight into BYOB views, honouring min, from the handle position', async () => {
      const handle = await open(file);
      await handle.read(Buffer.alloc(1000), 0, 1000, null); // moves the position to 1000
      const reader = handle.readableWebStream({ type: 'bytes' }).getReader({ mode: 'byob' });
      const parts: Buffer[] = [];
      let buffer = new ArrayBuffer(50_000);
      for (;;) {
        // The last read ends the stream with what it got short of `min`: done, with bytes.
        const { value, done } = await reader.read(new Uint8Array(buffer), { min: 50_000 });
        if (value!.byteLength > 0) parts.push(Buffer.from(value!.slice()));
        if (done) break;
        expect(value.byteLength).toBe(50_000);
        buffer = value.buffer as ArrayBuffer;
      }
      expect(Buffer.concat(parts).equals(data.subarray(1000))).toBe(true);
      await handle.close();
    });

    it("throws node's errors: one stream per handle (even after a bad type), none once closed", async () => {
      const handles = { node: await fsp.open(file), tpio: await open(file) };
      // node 20 checks the type (after taking the stream); node 22 ignores it and gives a stream.
      const badType = async (handle: AnyHandle) => {
        const result = (await outcome(() => handle.readableWebStream({ type: 5 } as never))) as { value?: object };
        return 'value' in result ? { value: result.value!.constructor.name } : result;
      };
      expect(await badType(handles.tpio)).toEqual(await badType(handles.node));
      expect(await outcome(() => handles.tpio.readableWebStream())).toEqual(await outcome(() => handles.node.readableWebStream()));
      await Promise.all([handles.node.close(), handles.tpio.close()]);
      expect(await outcome(() => handles.tpio.readableWebStream())).toEqual(await outcome(() => handles.node.readableWebStream()));
    });

    it('ends when the handle closes, also with a BYOB read in flight, and leaves nothing running', async () => {
      for (const type of [undefined, 'bytes'] as const) {
        const handle = await open(file);
        const reader = handle.readableWebStream({ type }).getReader();
        expect((await reader.read()).done).toBe(false);
        const closing = handle.close();
        expect((await reader.read()).done).toBe(true);
        await closing;
      }
      const handle = await open(file);
      const reader = handle.readableWebStream({ type: 'bytes' }).getReader({ mode: 'byob' });
      const pending = reader.read(new Uint8Array(1 << 20));
      await handle.close();
      const { done, value } = await pending;
      expect(done).toBe(true);
      expect(value?.byteLength).toBe(0);
      expect(currentPort().inFlight).toBe(0);
    });
  });
});

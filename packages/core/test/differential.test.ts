// Model-based differential test (fast-check): random sequences of FileHandle calls applied to a
// @tpio/core FileHandle and to a node:fs FileHandle opened with the same flags on twin copies of one
// file. node:fs is the model. Every call must settle the same way on both (the same value, or the
// same error code, errno, syscall and message), and afterwards both files hold the same bytes.
//
// The hand-written cases in src/ cover each overload once; this covers their interplay: the tracked
// position moved by reads and writes without a position, then used by readFile, writeFile, readv;
// append mode; truncate behind the position; bigint and out-of-range positions; wrong offsets and
// lengths in between. A batch of positioned reads is also issued at once (tpio's real concurrency),
// compared with node's answers to the same reads. A second property does the same for the
// whole-file helpers (readFile, writeFile, appendFile, copyFile, stat) against fs.promises, on
// files, missing names and directories.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import { join } from 'node:path';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { appendFile, copyFile, open, readFile, stat, writeFile } from '../src/index.js';
import { outcome, useBackend } from './helpers.js';

const runs = Number(process.env.TPIO_DIFF_RUNS ?? 150);
const seed = Number(process.env.TPIO_DIFF_SEED ?? 20261123);

/** Any handle with fs.promises.FileHandle's surface (ours, or node's). */
type Handle = fs.promises.FileHandle;

/** Where a call reads or writes: mostly valid, sometimes the tracked position or out of range. */
const position = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 2_100 }) },
  { weight: 3, arbitrary: fc.constantFrom(null, undefined) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2_100n }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(-1, -2, 1.5, 2 ** 53, -1n, 'x', NaN) },
);
/**
 * A readv/writev position. Not -2 on Windows: there libuv issues one call per buffer at the given
 * offset plus the bytes so far, and -2 (the file pointer) plus 1 is -1, which Windows takes as the
 * end of the file. tpio transfers all the buffers at the file pointer.
 */
const vectorPosition = process.platform === 'win32' ? position.filter((value) => value !== -2) : position;
/**
 * An offset or length: mostly in range of the buffer, sometimes not. Never a fraction: node 20-24
 * abort the process on `read(buffer, 0, 1.5, 0)` (a failed CHECK in node_file.cc; tpio rejects it
 * with ERR_OUT_OF_RANGE, see the bad-input property in tooling/reliability).
 */
const count = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 320 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, -1, 2 ** 31, 'x') },
);
/** A read's length: never a string either, which node 20-26 pass on to the same CHECKs. */
const readLength = count.filter((value) => typeof value !== 'string');
const encoding = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('utf8', 'hex', 'latin1', 'base64', 'utf16le') },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 'nope', 42) },
);
const size = fc.integer({ min: 0, max: 300 });
const text = fc.string({ maxLength: 80, unit: fc.constantFrom('a', 'é', '€', '0', 'f', ' ', '\n', '𝄞') });

/** One call: what it does to a handle, and the comparable form of what it returned. */
interface Call {
  name: string;
  /** `ours`: whether `handle` is tpio's (node's, the model, is given bigint positions as numbers). */
  run(handle: Handle, ours: boolean): Promise<unknown>;
}

/**
 * tpio takes a bigint position wherever a position goes (its README: "Positions may also be
 * bigints"). node honours one only in `read` since node 22; its other calls, and `read` on node 20,
 * take anything but a number as the current position. So node's model of a bigint position is the
 * same position as a number.
 */
function modelPosition(position: unknown, ours: boolean): unknown {
  return !ours && typeof position === 'bigint' ? Number(position) : position;
}

/** A result's comparable form: bytes as hex, whether a result's buffer is the one passed in. */
function comparable(value: unknown, given?: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof fs.Stats) return { size: value.size, mode: value.mode, isFile: value.isFile() };
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = comparable(record[key]);
  if ('buffer' in record && given !== undefined) out.sameBuffer = record.buffer === given;
  if ('buffers' in record && given !== undefined) out.sameBuffers = record.buffers === given;
  return out;
}

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ size, offset: count, length: readLength, position }).map(({ size, offset, length, position }): Call => ({
    name: `read(Buffer(${size}), ${String(offset)}, ${String(length)}, ${String(position)})`,
    async run(handle, ours) {
      const buffer = Buffer.alloc(size);
      return comparable(await handle.read(buffer, offset as number, length as number, modelPosition(position, ours) as number), buffer);
    },
  })),
  fc.record({ size, offset: count, length: readLength, position }).map(({ size, offset, length, position }): Call => ({
    name: `read(Uint8Array(${size}), { offset: ${String(offset)}, length: ${String(length)}, position: ${String(position)} })`,
    async run(handle, ours) {
      const buffer = new Uint8Array(size);
      return comparable(await handle.read(buffer, { offset, length, position: modelPosition(position, ours) } as never), buffer);
    },
  })),
  position.map((position): Call => ({
    name: `read({ position: ${String(position)} })`,
    async run(handle, ours) {
      return comparable(await handle.read({ position: modelPosition(position, ours) } as never));
    },
  })),
  fc.record({ data: fc.uint8Array({ maxLength: 300 }), offset: count, length: count, position }).map(({ data, offset, length, position }): Call => ({
    name: `write(bytes(${data.length}), ${String(offset)}, ${String(length)}, ${String(position)})`,
    async run(handle, ours) {
      const buffer = Buffer.from(data);
      return comparable(await handle.write(buffer, offset as number, length as number, modelPosition(position, ours) as number), buffer);
    },
  })),
  fc.record({ data: fc.uint8Array({ maxLength: 300 }), offset: count, length: count, position }).map(({ data, offset, length, position }): Call => ({
    name: `write(bytes(${data.length}), { offset: ${String(offset)}, length: ${String(length)}, position: ${String(position)} })`,
    async run(handle, ours) {
      const buffer = Buffer.from(data);
      return comparable(await handle.write(buffer, { offset, length, position: modelPosition(position, ours) } as never), buffer);
    },
  })),
  fc.constantFrom('read()', 'write(bytes)').map((name): Call => ({
    name,
    async run(handle) {
      if (name === 'read()') return comparable(await handle.read());
      const buffer = Buffer.from('tpio\n');
      return comparable(await handle.write(buffer), buffer);
    },
  })),
  fc.record({ text, position, encoding }).map(({ text, position, encoding }): Call => ({
    name: `write(${JSON.stringify(text)}, ${String(position)}, ${String(encoding)})`,
    async run(handle, ours) {
      return comparable(await handle.write(text, modelPosition(position, ours) as number, encoding as BufferEncoding));
    },
  })),
  fc.record({ sizes: fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 4 }), position: vectorPosition }).map(({ sizes, position }): Call => ({
    name: `readv([${sizes.join(', ')}], ${String(position)})`,
    async run(handle, ours) {
      const buffers = sizes.map((n) => Buffer.alloc(n));
      return comparable(await handle.readv(buffers, modelPosition(position, ours) as number), buffers);
    },
  })),
  fc.record({ parts: fc.array(fc.uint8Array({ maxLength: 120 }), { maxLength: 4 }), position: vectorPosition }).map(({ parts, position }): Call => ({
    name: `writev([${parts.map((p) => p.length).join(', ')}], ${String(position)})`,
    async run(handle, ours) {
      const buffers = parts.map((p) => Buffer.from(p));
      return comparable(await handle.writev(buffers, modelPosition(position, ours) as number), buffers);
    },
  })),
  fc.oneof(fc.integer({ min: -5, max: 2_500 }), fc.constantFrom<unknown>(undefined, 1.5, 'x', 2 ** 53)).map((len): Call => ({
    name: `truncate(${String(len)})`,
    async run(handle) {
      return comparable(await handle.truncate(len as number));
    },
  })),
  fc.constantFrom('stat', 'sync', 'datasync').map((method): Call => ({
    name: `${method}()`,
    async run(handle) {
      return comparable(await (handle[method] as () => Promise<unknown>).call(handle));
    },
  })),
  encoding.map((encoding): Call => ({
    name: `readFile(${String(encoding)})`,
    async run(handle) {
      return comparable(await handle.readFile(encoding as BufferEncoding));
    },
  })),
  fc.record({ data: fc.oneof(text, fc.uint8Array({ maxLength: 300 })), encoding, append: fc.boolean() }).map(({ data, encoding, append }): Call => ({
    name: `${append ? 'appendFile' : 'writeFile'}(${typeof data === 'string' ? JSON.stringify(data) : `bytes(${data.length})`}, { encoding: ${String(encoding)} })`,
    async run(handle) {
      const method = append ? 'appendFile' : 'writeFile';
      return comparable(await handle[method](data, { encoding } as never));
    },
  })),
  // Positioned reads all issued at once on tpio, which runs them concurrently; the answers are
  // node's to the same reads one by one. (Concurrently, node on Windows can lose its handle's
  // position: libuv saves and restores the file pointer around each positioned read.)
  fc.array(fc.record({ size: fc.integer({ min: 1, max: 600 }), position: fc.integer({ min: 0, max: 2_100 }) }), { minLength: 2, maxLength: 16 }).map((reads): Call => ({
    name: `concurrent reads [${reads.map((r) => `${r.size}@${r.position}`).join(' ')}]`,
    async run(handle, ours) {
      const read = (r: { size: number; position: number }) => handle.read(Buffer.alloc(r.size), 0, r.size, r.position);
      const results = [];
      if (ours) results.push(...(await Promise.all(reads.map(read))));
      else for (const r of reads) results.push(await read(r));
      return results.map((result) => comparable(result));
    },
  })),
);

const flags = fc.constantFrom('r', 'r+', 'w', 'w+', 'a', 'a+', 'as+', 'rs+');

/** The whole-file helpers: tpio's, or fs.promises'. */
interface WholeFileApi {
  readFile: typeof fs.promises.readFile;
  writeFile: typeof fs.promises.writeFile;
  appendFile: typeof fs.promises.appendFile;
  copyFile: typeof fs.promises.copyFile;
  stat: typeof fs.promises.stat;
}
const tpioWholeFile = { readFile, writeFile, appendFile, copyFile, stat } as unknown as WholeFileApi;

/** One call of a whole-file helper on the files named `a` and `b` in a folder of its own. */
interface WholeFileCall {
  name: string;
  run(api: WholeFileApi, folder: string): Promise<unknown>;
}

const fileName = fc.constantFrom('a', 'b', 'missing', '.', 'a/not-a-folder');
const writeData = fc.oneof(
  text,
  fc.uint8Array({ maxLength: 3_000 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => new Uint16Array(bytes.buffer.slice(0, bytes.length & ~1))),
  fc.array(text, { maxLength: 4 }),
  fc.constantFrom<unknown>(42, null, { toString: () => 'object' }),
);
const fileFlag = fc.constantFrom<unknown>(undefined, 'r', 'r+', 'w', 'wx', 'a', 'ax', 'as', 'w+', 'nope');
const wholeFileCall: fc.Arbitrary<WholeFileCall> = fc.oneof(
  fc.record({ name: fileName, encoding, flag: fileFlag, asString: fc.boolean() }).map(({ name, encoding, flag, asString }): WholeFileCall => ({
    name: `readFile(${name}, ${asString ? String(encoding) : `{ encoding: ${String(encoding)}, flag: ${String(flag)} }`})`,
    async run(api, folder) {
      return comparable(await api.readFile(join(folder, name), (asString ? encoding : { encoding, flag }) as never));
    },
  })),
  fc.record({ name: fileName, data: writeData, encoding, flag: fileFlag, mode: fc.constantFrom<unknown>(undefined, 0o600, '644', -1), append: fc.boolean(), flush: fc.boolean() }).map(
    ({ name, data, encoding, flag, mode, append, flush }): WholeFileCall => ({
      name: `${append ? 'appendFile' : 'writeFile'}(${name}, ${Array.isArray(data) ? `[${data.length} strings]` : typeof data === 'string' ? JSON.stringify(data) : String((data as { constructor?: { name: string } })?.constructor?.name)}, { encoding: ${String(encoding)}, flag: ${String(flag)}, mode: ${String(mode)}, flush: ${flush} })`,
      async run(api, folder) {
        const method = append ? api.appendFile : api.writeFile;
        return comparable(await method(join(folder, name), data as never, { encoding, flag, mode, flush } as never));
      },
    }),
  ),
  fc.record({ from: fileName, to: fileName, mode: fc.constantFrom<unknown>(undefined, 0, fs.constants.COPYFILE_EXCL, fs.constants.COPYFILE_FICLONE, 8, 'x') }).map(({ from, to, mode }): WholeFileCall => ({
    name: `copyFile(${from}, ${to}, ${String(mode)})`,
    async run(api, folder) {
      return comparable(await api.copyFile(join(folder, from), join(folder, to), mode as never));
    },
  })),
  fileName.map((name): WholeFileCall => ({
    name: `stat(${name})`,
    async run(api, folder) {
      return comparable(await api.stat(join(folder, name)));
    },
  })),
);

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-diff-');
  let run = 0;

  describe('FileHandle against node:fs FileHandle (random call sequences)', () => {
    it(`settles every call as node does and leaves the same bytes (${runs} sequences)`, async () => {
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(flags, fc.uint8Array({ maxLength: 2_000 }), fc.array(call, { minLength: 1, maxLength: 14 }), async (flag, content, sequence) => {
          run++;
          const initial = Buffer.from(content);
          const oursPath = join(dir.path, `ours-${run}.bin`);
          const theirsPath = join(dir.path, `theirs-${run}.bin`);
          fs.writeFileSync(oursPath, initial);
          fs.writeFileSync(theirsPath, initial);
          const ours = (await open(oursPath, flag)) as unknown as Handle;
          const theirs = await fs.promises.open(theirsPath, flag);
          try {
            for (const [index, step] of sequence.entries()) {
              calls++;
              const a = await outcome(() => step.run(ours, true), [[oursPath, '<file>']]);
              const b = await outcome(() => step.run(theirs, false), [[theirsPath, '<file>']]);
              expect(a, `call ${index}: ${step.name} on '${flag}', file at first ${initial.toString('hex') || 'empty'}`).toEqual(b);
            }
          } finally {
            await ours.close();
            await theirs.close();
          }
          expect(fs.readFileSync(oursPath).toString('hex'), `file bytes after ${sequence.map((s) => s.name).join('; ')} on '${flag}'`).toBe(fs.readFileSync(theirsPath).toString('hex'));
          fs.rmSync(oursPath);
          fs.rmSync(theirsPath);
        }),
        { numRuns: runs, seed },
      );
      expect(calls).toBeGreaterThan(runs);
    }, 300_000);

    it(`readFile, writeFile, appendFile, copyFile and stat settle as fs.promises' do (${runs} sequences)`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2_000 }), fc.array(wholeFileCall, { minLength: 1, maxLength: 8 }), async (content, sequence) => {
          run++;
          const folders = [join(dir.path, `ours-${run}`), join(dir.path, `theirs-${run}`)] as const;
          for (const folder of folders) {
            fs.mkdirSync(folder);
            fs.writeFileSync(join(folder, 'a'), content);
          }
          for (const [index, step] of sequence.entries()) {
            const a = await outcome(() => step.run(tpioWholeFile, folders[0]), [[folders[0], '<dir>']]);
            const b = await outcome(() => step.run(fs.promises, folders[1]), [[folders[1], '<dir>']]);
            expect(a, `call ${index}: ${step.name}`).toEqual(b);
          }
          for (const name of ['a', 'b']) {
            const read = (folder: string) => (fs.existsSync(join(folder, name)) ? fs.readFileSync(join(folder, name)).toString('hex') : 'absent');
            expect(read(folders[0]), `${name} after ${sequence.map((s) => s.name).join('; ')}`).toBe(read(folders[1]));
          }
          for (const folder of folders) fs.rmSync(folder, { recursive: true });
        }),
        { numRuns: runs, seed },
      );
    }, 300_000);
  });
});

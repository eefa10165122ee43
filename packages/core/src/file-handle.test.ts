import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { currentPort, open } from './index.js';
import { expectSameOutcome, useBackend } from '../test/helpers.js';

const fsp = fs.promises;

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();
  const { path: file, data } = dir.randomFile('random.bin', 100_003);

  describe('open', () => {
    it('opens strings, Buffers and file URLs', async () => {
      for (const path of [file, Buffer.from(file), pathToFileURL(file)]) {
        const handle = await open(path);
        expect(handle.fd).toBeGreaterThan(2);
        await handle.close();
        expect(handle.fd).toBe(-1);
      }
    });

    it('accepts every node:fs flag string', async () => {
      for (const flags of ['r', 'rs', 'sr', 'r+', 'rs+', 'sr+', 'w', 'w+', 'a', 'as', 'sa', 'a+', 'as+', 'sa+']) {
        const target = dir.file(`flags-${flags}.txt`, 'abc');
        const handle = await open(target, flags);
        await handle.close();
      }
      for (const flags of ['wx', 'xw', 'wx+', 'xw+', 'ax', 'xa', 'ax+', 'xa+']) {
        const target = join(dir.path, `new-${flags}.txt`);
        await (await open(target, flags)).close();
        await expectSameOutcome(open(target, flags), fsp.open(target, flags));
      }
    });

    it('rejects like node for bad arguments and missing files', async () => {
      const missing = join(dir.path, 'missing', 'x');
      await expectSameOutcome(open(missing), fsp.open(missing));
      await expectSameOutcome(open(file, 'bogus'), fsp.open(file, 'bogus'));
      await expectSameOutcome(open(file, true as never), fsp.open(file, true as never));
      await expectSameOutcome(open(file, 'r', 'abc'), fsp.open(file, 'r', 'abc'));
      await expectSameOutcome(open(file, 'r', -1), fsp.open(file, 'r', -1));
      await expectSameOutcome(open(123 as never), fsp.open(123 as never));
      await expectSameOutcome(open('a\u0000b'), fsp.open('a\u0000b'));
      await expectSameOutcome(open(new URL('http://x/y')), fsp.open(new URL('http://x/y')));
      await expectSameOutcome(open(dir.path, 'w'), fsp.open(dir.path, 'w'));
    });

    it('creates files with the given mode (octal strings too)', async () => {
      const a = join(dir.path, 'mode-a');
      const b = join(dir.path, 'mode-b');
      await (await open(a, 'w', '600')).close();
      await (await fsp.open(b, 'w', '600')).close();
      expect(fs.statSync(a).mode).toBe(fs.statSync(b).mode);
    });
  });

  describe('read', () => {
    it('matches node for every overload', async () => {
      const ours = await open(file);
      const theirs = await fsp.open(file);
      const calls: ((h: fs.promises.FileHandle) => Promise<unknown>)[] = [
        (h) => h.read(Buffer.alloc(100), 0, 100, 0),
        (h) => h.read(Buffer.alloc(100), 10, 50, 99_990),
        (h) => h.read(Buffer.alloc(100), 0, 100, 100_003),
        (h) => h.read(Buffer.alloc(100), { offset: 5, length: 20, position: 7 }),
        (h) => h.read(Buffer.alloc(100), { position: 1000 }),
        (h) => h.read({ buffer: Buffer.alloc(64), position: 5 }),
        (h) => h.read({ buffer: new Uint8Array(64), offset: 2, length: 3, position: 500 }),
        (h) => h.read(Buffer.alloc(10), 0, 0, 0),
        (h) => h.read(Buffer.alloc(0), 0, 1, 0),
        (h) => h.read(Buffer.alloc(10), -1, 1, 0),
        (h) => h.read(Buffer.alloc(10), 0, 11, 0),
        (h) => h.read(Buffer.alloc(10), 5, 6, 0),
        (h) => h.read(Buffer.alloc(10), 'x' as never, 1, 0),
        (h) => h.read(42 as never),
        // not a safe integer >= 0: the current position, as node does
        (h) => h.read(Buffer.alloc(10), 0, 5, -2),
        (h) => h.read(Buffer.alloc(10), 0, 5, 2 ** 53),
        (h) => h.read(Buffer.alloc(10), 0, 5, 1.5),
        (h) => h.read(Buffer.alloc(10), 0, 5, 'abc' as never),
        (h) => h.read(null as never),
        (h) => h.readv([Buffer.alloc(3)], -5),
      ];
      for (const call of calls) await expectSameOutcome(call(ours as never), call(theirs));
      await ours.close();
      await theirs.close();
    });

    it('advances the handle position for reads without a position, as node does', async () => {
      const ours = await open(file);
      const theirs = await fsp.open(file);
      for (const length of [1, 100, 4096, 65_536, 65_536, 100, 100]) {
        const a = await ours.read(Buffer.alloc(length), 0, length, null);
        const b = await theirs.read(Buffer.alloc(length), 0, length, null);
        expect(a.bytesRead).toBe(b.bytesRead);
        expect(a.buffer.equals(b.buffer)).toBe(true);
        // a positioned read does not move the position
        await ours.read(Buffer.alloc(10), 0, 10, 0);
        await theirs.read(Buffer.alloc(10), 0, 10, 0);
      }
      const a = await ours.read();
      const b = await theirs.read();
      expect(a.bytesRead).toBe(b.bytesRead);
      expect(a.buffer.equals(b.buffer)).toBe(true);
      await ours.close();
      await theirs.close();
    });

    it('returns results without Object.prototype, printed as node prints its own', async () => {
      await using ours = await open(file);
      const theirs = await fsp.open(file);
      const a = await ours.read(Buffer.alloc(4), 0, 4, 0);
      const b = await theirs.read(Buffer.alloc(4), 0, 4, 0);
      await theirs.close();
      expect('toString' in a).toBe(false);
      expect(Object.keys(a)).toEqual(Object.keys(b));
      expect(inspect(a)).toBe(inspect(b));
      const w = await ours.writev([]);
      expect(inspect(w)).toBe('[Object: null prototype] { bytesWritten: 0, buffers: [] }');
    });

    it('accepts bigint positions', async () => {
      await using ours = await open(file);
      const { bytesRead, buffer } = await ours.read(Buffer.alloc(8), 0, 8, 1000n);
      expect(bytesRead).toBe(8);
      expect(buffer).toEqual(data.subarray(1000, 1008));
    });

    it('reports read errors like node (EISDIR)', async () => {
      const ours = await open(dir.path);
      const theirs = await fsp.open(dir.path);
      const a = await expectSameOutcome(ours.read(Buffer.alloc(10), 0, 10, 0), theirs.read(Buffer.alloc(10), 0, 10, 0));
      expect(a).toMatchObject({ error: { code: 'EISDIR', syscall: 'read' } });
      await ours.close();
      await theirs.close();
    });
  });

  describe('write', () => {
    it('matches node for buffers, strings, positions and the tracked position', async () => {
      const a = join(dir.path, 'write-a');
      const b = join(dir.path, 'write-b');
      const ours = await open(a, 'w+');
      const theirs = await fsp.open(b, 'w+');
      const calls: ((h: fs.promises.FileHandle) => Promise<unknown>)[] = [
        (h) => h.write(Buffer.from('hello world')),
        (h) => h.write(Buffer.from('HELLO'), 0, 5, 0),
        (h) => h.write(Buffer.from('abcdef'), 2),
        (h) => h.write(Buffer.from('abcdef'), 1, 2),
        (h) => h.write(Buffer.from('xyz'), { offset: 1, length: 2, position: 30 } as never),
        (h) => h.write(new Uint16Array([1, 2, 3])),
        (h) => h.write('a string'),
        (h) => h.write('at 3', 3),
        (h) => h.write('6869', 40, 'hex'),
        (h) => h.write('abc', 40, 'hex'),
        (h) => h.write('', 0),
        (h) => h.write(Buffer.alloc(0)),
        (h) => h.write(Buffer.alloc(4), 5),
        (h) => h.write(Buffer.alloc(4), 0, 5),
        (h) => h.write(Buffer.alloc(4), -1),
        (h) => h.write(12 as never),
        (h) => h.write(Buffer.from('neg'), 0, 3, -2),
        (h) => h.write(Buffer.from('str'), 0, 3, 'x' as never),
        (h) => h.write('abc', 'x' as never, 'utf8'),
        (h) => h.write('abc', 0, 'bogus' as never),
      ];
      for (const call of calls) await expectSameOutcome(call(ours as never), call(theirs));
      await ours.close();
      await theirs.close();
      expect(fs.readFileSync(a)).toEqual(fs.readFileSync(b));
    });

    it('appends in append mode, and reads see the end afterwards (a+)', async () => {
      const a = dir.file('append-a', 'start:');
      const b = dir.file('append-b', 'start:');
      for (const [path, opener] of [[a, open], [b, fsp.open]] as const) {
        const handle = await (opener as typeof fsp.open)(path, 'a+');
        const atStart = await handle.read(Buffer.alloc(3), 0, 3, null);
        expect(atStart.buffer.toString()).toBe('sta');
        await handle.write('one;');
        const afterWrite = await handle.read(Buffer.alloc(10), 0, 10, null);
        expect(afterWrite.bytesRead).toBe(0);
        await handle.write(Buffer.from('two;'), 0, 4, 0); // O_APPEND: still at the end
        const fromStart = await handle.read(Buffer.alloc(6), 0, 6, 0);
        expect(fromStart.buffer.toString()).toBe('start:');
        await handle.close();
      }
      expect(fs.readFileSync(a, 'utf8')).toBe(fs.readFileSync(b, 'utf8'));
    });

    // Found by test/differential.test.ts: where an append leaves the position when later calls
    // move the end of the file, or write nothing.
    it('keeps the position an append left while later calls move the end, as node does (a+)', async () => {
      const a = dir.file('append-end-a', '');
      const b = dir.file('append-end-b', '');
      const steps: ((h: fs.promises.FileHandle) => Promise<unknown>)[] = [
        (h) => h.write('', null), // writes nothing: the position stays at 0 (the end, here)
        (h) => h.writev([Buffer.from('0')], 0), // appended, the position does not move
        (h) => h.read(Buffer.alloc(4), 0, 4, null), // from 0: '0'
        (h) => h.writeFile('ab'), // appended: the position is now the end (3)
        (h) => h.write('c', 0), // appended without moving the position
        (h) => h.read(Buffer.alloc(4), 0, 4, null), // from 3: 'c'
        (h) => h.appendFile('de'), // the position is the end again (6)
        (h) => h.truncate(9), // the end moves, the position stays at 6
        (h) => h.readFile('latin1'), // from 6: three zeros
        (h) => h.write('x', -2), // appended; POSIX: at the position, which moves; Windows: it stays
        (h) => h.read(Buffer.alloc(4), 0, 4, null), // POSIX: nothing; Windows: from 9, 'x'
      ];
      const ours = await open(a, 'a+');
      const theirs = await fsp.open(b, 'a+');
      for (const step of steps) await expectSameOutcome(step(ours as never), step(theirs));
      await ours.close();
      await theirs.close();
      expect(fs.readFileSync(a, 'latin1')).toBe('0abcde\0\0\0x');
      expect(fs.readFileSync(b, 'latin1')).toBe('0abcde\0\0\0x');
    });

    it('readFile at the end still reads, so a write-only handle fails with EBADF as node\'s does', async () => {
      const a = dir.file('wo-a', '');
      const b = dir.file('wo-b', '');
      const ours = await open(a, 'w');
      const theirs = await fsp.open(b, 'w');
      for (const step of [(h: fs.promises.FileHandle) => h.writeFile('x'), (h: fs.promises.FileHandle) => h.readFile()]) {
        await expectSameOutcome(step(ours as never), step(theirs));
      }
      await ours.close();
      await theirs.close();
      await using readable = await open(a, 'r');
      await readable.read(Buffer.alloc(1), 0, 1, null);
      expect(await readable.readFile('utf8')).toBe('');
    });
  });

  describe('readv / writev', () => {
    it('match node', async () => {
      const a = join(dir.path, 'vec-a');
      const b = join(dir.path, 'vec-b');
      const ours = await open(a, 'w+');
      const theirs = await fsp.open(b, 'w+');
      const calls: ((h: fs.promises.FileHandle) => Promise<unknown>)[] = [
        (h) => h.writev([Buffer.from('ab'), Buffer.from('cde')]),
        (h) => h.writev([Buffer.from('XY')], 1),
        (h) => h.writev([]),
        (h) => h.writev('x' as never),
        (h) => h.writev([1] as never),
        (h) => h.readv([Buffer.alloc(2), Buffer.alloc(10)], 0),
        (h) => h.readv([Buffer.alloc(3)]),
        (h) => h.readv(null as never),
        (h) => h.readv([]), // EINVAL, from libuv in node
      ];
      for (const call of calls) await expectSameOutcome(call(ours as never), call(theirs));
      await ours.close();
      await theirs.close();
      expect(fs.readFileSync(a)).toEqual(fs.readFileSync(b));
    });

    it("name the syscall as node's errors do: read and write", async () => {
      const readOnly = await open(file, 'r');
      const writeOnly = await open(join(dir.path, 'vec-write-only'), 'w');
      await expect(readOnly.writev([Buffer.from('a'), Buffer.from('b')], 0)).rejects.toMatchObject({ code: 'EBADF', syscall: 'write', message: 'EBADF: bad file descriptor, write' });
      await expect(writeOnly.readv([Buffer.alloc(1)], 0)).rejects.toMatchObject({ code: 'EBADF', syscall: 'read', message: 'EBADF: bad file descriptor, read' });
      await readOnly.close();
      await writeOnly.close();
      // A closed handle's error names the method, as node's does.
      await expect(readOnly.readv([Buffer.alloc(1)])).rejects.toMatchObject({ code: 'EBADF', syscall: 'readv' });
    });
  });

  describe('stat, truncate, sync, datasync', () => {
    it('stat returns real fs.Stats (and BigIntStats) with node values', async () => {
      await using ours = await open(file);
      const theirs = await fsp.open(file);
      const [a, b] = [await ours.stat(), await theirs.stat()];
      expect(a).toBeInstanceOf(fs.Stats);
      expect(a.isFile()).toBe(true);
      expect(Object.keys(a)).toEqual(Object.keys(b));
      expect({ ...a, atimeMs: 0, atime: 0 }).toEqual({ ...b, atimeMs: 0, atime: 0 });
      const [c, d] = [await ours.stat({ bigint: true }), await theirs.stat({ bigint: true })];
      expect(Object.getPrototypeOf(c)).toBe(Object.getPrototypeOf(d));
      expect(Object.keys(c)).toEqual(Object.keys(d));
      expect(c.size).toBe(100_003n);
      expect(c.mtimeNs).toBe(d.mtimeNs);
      expect(c.isFile()).toBe(true);
      await theirs.close();
    });

    it('truncate, sync and datasync match node', async () => {
      const a = dir.file('trunc-a', 'abcdefghij');
      const b = dir.file('trunc-b', 'abcdefghij');
      const ours = await open(a, 'r+');
      const theirs = await fsp.open(b, 'r+');
      const calls: ((h: fs.promises.FileHandle) => Promise<unknown>)[] = [
        (h) => h.truncate(5),
        (h) => h.truncate(-3),
        (h) => h.truncate(20),
        (h) => h.truncate('1' as never),
        (h) => h.truncate(1.5),
        (h) => h.sync(),
        (h) => h.datasync(),
      ];
      for (const call of calls) await expectSameOutcome(call(ours as never), call(theirs));
      await ours.close();
      await theirs.close();
      expect(fs.readFileSync(a)).toEqual(fs.readFileSync(b));
    });

    it('sync and datasync on a read-only handle settle as node\'s (Windows refuses them: EPERM)', async () => {
      await using ours = await open(file, 'r');
      const theirs = await fsp.open(file, 'r');
      await expectSameOutcome(ours.sync(), theirs.sync());
      await expectSameOutcome(ours.datasync(), theirs.datasync());
      await theirs.close();
    });

    it('startWriteback resolves for a range or the whole file, keeps the bytes, and rejects bad arguments and a closed handle', async () => {
      const target = dir.file('writeback.bin', '');
      const bytes = Buffer.alloc(3 << 20, 0x5a);
      const handle = await open(target, 'r+');
      await handle.write(bytes, 0, bytes.length, 0);
      await expect(handle.startWriteback(0, 1 << 20)).resolves.toBeUndefined();
      await expect(handle.startWriteback(1n << 20n, 1n << 20n)).resolves.toBeUndefined();
      await expect(handle.startWriteback()).resolves.toBeUndefined();
      await handle.datasync();
      expect(fs.readFileSync(target).equals(bytes)).toBe(true);
      await expect(handle.startWriteback(-1)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await expect(handle.startWriteback(0, '1' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      await handle.close();
      await expect(handle.startWriteback()).rejects.toMatchObject({ code: 'EBADF', syscall: 'sync_file_range' });
    });
  });

  describe('close', () => {
    it('is idempotent, returns the same promise, and later ops reject like node', async () => {
      const ours = await open(file);
      const theirs = await fsp.open(file);
      const first = ours.close();
      expect(ours.close()).toBe(first);
      await first;
      await theirs.close();
      expect(ours.fd).toBe(theirs.fd);
      const calls: ((h: fs.promises.FileHandle) => Promise<unknown>)[] = [
        (h) => h.read(),
        (h) => h.write('x'),
        (h) => h.readv([Buffer.alloc(1)]),
        (h) => h.writev([Buffer.alloc(1)]),
        (h) => h.stat(),
        (h) => h.truncate(),
        (h) => h.sync(),
        (h) => h.datasync(),
        (h) => h.readFile(),
        (h) => h.writeFile('x'),
        (h) => h.appendFile('x'),
      ];
      for (const call of calls) await expectSameOutcome(call(ours as never), call(theirs));
    });

    it("emits 'close' once, synchronously in the first close(), as node's FileHandle does", async () => {
      const ours = await open(file);
      const theirs = await fsp.open(file);
      const log: string[] = [];
      for (const [name, handle] of [['ours', ours], ['theirs', theirs]] as const) {
        // node's mixes EventEmitter in (its type does not say so); ours extends it.
        const emitter = handle as unknown as NodeJS.EventEmitter;
        expect(typeof emitter.on).toBe('function');
        emitter.on('close', () => log.push(`${name} close, fd ${handle.fd}`));
        const closing = handle.close();
        log.push(`${name} close() returned`);
        void handle.close();
        await closing;
        await handle.close();
      }
      expect(log).toEqual(['ours close, fd -1', 'ours close() returned', 'theirs close, fd -1', 'theirs close() returned']);
    });

    it('waits for reads in flight', async () => {
      const handle = await open(file);
      const reads = Array.from({ length: 64 }, (_, i) => handle.read(Buffer.alloc(4096), 0, 4096, i * 1000));
      const closed = handle.close();
      const results = await Promise.all(reads);
      await closed;
      for (let i = 0; i < 64; i++) expect(results[i]!.buffer.equals(data.subarray(i * 1000, i * 1000 + 4096))).toBe(true);
      expect(currentPort().inFlight).toBe(0);
    });

    it('await using closes the handle', async () => {
      let fd = -1;
      let handleRef: Awaited<ReturnType<typeof open>> | undefined;
      {
        await using handle = await open(file);
        fd = handle.fd;
        handleRef = handle;
      }
      expect(fd).toBeGreaterThan(2);
      expect(handleRef!.fd).toBe(-1);
      expect(() => fs.fstatSync(fd)).toThrow(/EBADF/);
    });
  });

  describe('disown', () => {
    it('hands the descriptor over: the handle keeps working, close() still closes, the port no longer owns it', async () => {
      const handle = await open(file);
      const fd = handle.fd;
      expect(handle.disown()).toBe(fd);
      expect(currentPort().disown(fd)).toBe(false); // the port let go of it already
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(100), 0, 100, 5);
      expect(buffer.subarray(0, bytesRead)).toEqual(data.subarray(5, 105));
      await handle.close();
      expect(() => fs.fstatSync(fd)).toThrow(/EBADF/);
      expect(handle.disown()).toBe(-1);
    });

    it("a disowned descriptor closed with node:fs is the caller's business: the handle reports EBADF like node", async () => {
      const handle = await open(file);
      fs.closeSync(handle.disown());
      await expect(handle.read(Buffer.alloc(10), 0, 10, 0)).rejects.toMatchObject({ code: 'EBADF', syscall: 'read' });
    });
  });

  describe('completions', () => {
    it('reports every completion on the handle', async () => {
      const handle = await open(file);
      const seen: string[] = [];
      const loop = (async () => {
        for await (const { request, result, bytesTransferred } of handle.completions()) seen.push(`${request.syscall}:${result}:${bytesTransferred}`);
      })();
      await handle.read(Buffer.alloc(10), 0, 10, 0);
      await handle.stat();
      await handle.read(Buffer.alloc(10), 0, 10, 100_000);
      await handle.close();
      await loop;
      expect(seen).toEqual(['read:0:10', 'fstat:0:0', 'read:0:3', 'close:0:0']);
    });

    it('stops on abort', async () => {
      await using handle = await open(file);
      const controller = new AbortController();
      const iterator = handle.completions({ signal: controller.signal });
      const next = iterator.next();
      controller.abort();
      await expect(next).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    });
  });
});

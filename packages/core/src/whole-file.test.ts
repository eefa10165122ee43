import { describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { FileHandle, appendFile, copyFile, currentPort, lstat, open, readFile, stat, writeFile, writebackStrideBytes } from './index.js';
import { expectSameOutcome, useBackend } from '../test/helpers.js';

const fsp = fs.promises;

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir();
  const files = [0, 1, 65_537, 3 * 1024 * 1024 + 5].map((size) => dir.randomFile(`whole-${size}.bin`, size));

  describe('readFile', () => {
    it('returns the same bytes and strings as node', async () => {
      for (const { path, data } of files) {
        const ours = await readFile(path);
        expect(Buffer.isBuffer(ours)).toBe(true);
        expect(ours.equals(data)).toBe(true);
        expect(await readFile(pathToFileURL(path), 'latin1')).toBe(await fsp.readFile(path, 'latin1'));
      }
      expect(await readFile('/proc/self/status', { encoding: 'utf8' })).toMatch(/^Name:/);
    });

    it('reads a FileHandle from its position', async () => {
      const { path, data } = files[3]!;
      await using handle = await open(path);
      await handle.read(Buffer.alloc(1000), 0, 1000, null);
      const rest = await handle.readFile();
      expect((rest as Buffer).equals(data.subarray(1000))).toBe(true);
      expect(((await readFile(handle)) as Buffer).length).toBe(0);
    });

    it('errors and options like node', async () => {
      const missing = join(dir.path, 'nope');
      await expectSameOutcome(readFile(missing), fsp.readFile(missing));
      await expectSameOutcome(readFile(dir.path), fsp.readFile(dir.path));
      await expectSameOutcome(readFile(files[1]!.path, 'bogus' as never), fsp.readFile(files[1]!.path, 'bogus' as never));
      await expectSameOutcome(readFile(files[1]!.path, 42 as never), fsp.readFile(files[1]!.path, 42 as never));
      await expectSameOutcome(readFile(files[1]!.path, { signal: 'x' as never }), fsp.readFile(files[1]!.path, { signal: 'x' as never }));
      await expectSameOutcome(readFile(files[1]!.path, { signal: AbortSignal.abort() }), fsp.readFile(files[1]!.path, { signal: AbortSignal.abort() }));
      await expectSameOutcome(readFile(files[1]!.path, { flag: 'bogus' }), fsp.readFile(files[1]!.path, { flag: 'bogus' }));
    });

    it('abort cancels reads in flight', async () => {
      const { path } = files[3]!;
      const controller = new AbortController();
      const reading = readFile(path, { signal: controller.signal });
      setImmediate(() => controller.abort());
      const result = await reading.then(() => 'done', (error: unknown) => error);
      if (result !== 'done') expect(result).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
      expect(currentPort().inFlight).toBe(0);
    });
  });

  describe('writeFile / appendFile', () => {
    it('writes the same files as node for every data shape', async () => {
      const big = files[3]!.data;
      const shapes: unknown[] = [
        'hello ✓',
        big,
        new Uint16Array([1, 2, 3]),
        new DataView(big.buffer, big.byteOffset + 3, 100),
        ['a', Buffer.from('b'), 'c'],
        (async function* () {
          yield 'x';
          yield big.subarray(0, 70_000);
        })(),
      ];
      for (let i = 0; i < shapes.length; i++) {
        const a = join(dir.path, `wf-a-${i}`);
        const b = join(dir.path, `wf-b-${i}`);
        const dataA = i === 5 ? (async function* () { yield 'x'; yield big.subarray(0, 70_000); })() : shapes[i];
        await writeFile(a, dataA as never);
        await fsp.writeFile(b, shapes[i] as never);
        expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
      }
    });

    it('options, flags, modes and errors like node', async () => {
      const a = join(dir.path, 'wfo-a');
      const b = join(dir.path, 'wfo-b');
      await expectSameOutcome(writeFile(a, 'abc', { mode: 0o600, flush: true }), fsp.writeFile(b, 'abc', { mode: 0o600, flush: true }));
      expect(fs.statSync(a).mode).toBe(fs.statSync(b).mode);
      await expectSameOutcome(writeFile(a, '6465', 'hex'), fsp.writeFile(b, '6465', 'hex'));
      await expectSameOutcome(appendFile(a, 'more'), fsp.appendFile(b, 'more'));
      await expectSameOutcome(writeFile(a, 'x', { flag: 'wx' }), fsp.writeFile(b, 'x', { flag: 'wx' }), [[a, 'F'], [b, 'F']]);
      await expectSameOutcome(writeFile(a, 42 as never), fsp.writeFile(b, 42 as never));
      await expectSameOutcome(writeFile(a, 'x', { flush: 1 as never }), fsp.writeFile(b, 'x', { flush: 1 as never }));
      await expectSameOutcome(writeFile(a, 'x', { signal: AbortSignal.abort() }), fsp.writeFile(b, 'x', { signal: AbortSignal.abort() }));
      await expectSameOutcome(writeFile(join(dir.path, 'no', 'dir'), 'x'), fsp.writeFile(join(dir.path, 'no', 'dir'), 'x'));
      expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
    });

    it('with flush, starts writeback as it writes (big buffers and iterables), and writes what node writes', async () => {
      const big = Buffer.alloc(2 * writebackStrideBytes + 12345, 0x61);
      const pieces = async function* () {
        for (let i = 0; i < 3; i++) yield big.subarray(0, writebackStrideBytes);
      };
      const started = vi.spyOn(FileHandle.prototype, 'startWriteback');
      try {
        for (const [name, data, starts] of [['buffer', big, 2], ['iterable', pieces, 3]] as const) {
          for (const flush of [false, true]) {
            started.mockClear();
            const a = join(dir.path, `wf-writeback-${name}-${flush}-a`);
            const b = join(dir.path, `wf-writeback-${name}-${flush}-b`);
            await expectSameOutcome(writeFile(a, typeof data === 'function' ? data() : data, { flush }), fsp.writeFile(b, typeof data === 'function' ? data() : data, { flush }));
            expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
            // One start per stride written at most, one at a time.
            if (flush) expect(started.mock.calls.length).toBeGreaterThanOrEqual(1);
            expect(started.mock.calls.length).toBeLessThanOrEqual(flush ? starts : 0);
          }
        }
      } finally {
        started.mockRestore();
      }
    });

    it('abort stops the writes (in flight ones are cancelled) with an AbortError', async () => {
      const target = join(dir.path, 'wf-abort');
      const controller = new AbortController();
      async function* source() {
        yield Buffer.alloc(1 << 20, 1);
        controller.abort();
        yield Buffer.alloc(1 << 20, 2);
      }
      await expect(writeFile(target, source(), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
      const big = new AbortController();
      const writing = writeFile(target, Buffer.alloc(32 << 20), { signal: big.signal });
      setImmediate(() => big.abort());
      const outcome = await writing.then(() => 'done', (error: unknown) => error);
      if (outcome !== 'done') expect(outcome).toMatchObject({ name: 'AbortError' });
      expect(currentPort().inFlight).toBe(0);
    });

    it('writes at a FileHandle position, appends on append handles', async () => {
      const a = dir.file('wfh-a', '0123456789');
      const b = dir.file('wfh-b', '0123456789');
      for (const [path, opener] of [[a, open], [b, fsp.open]] as const) {
        const handle = await (opener as typeof fsp.open)(path, 'r+');
        await handle.read(Buffer.alloc(3), 0, 3, null);
        await handle.writeFile('abc');
        await handle.writeFile(Buffer.from('de'));
        await handle.close();
        const appender = await (opener as typeof fsp.open)(path, 'a');
        await appender.appendFile('!!');
        await appender.close();
      }
      expect(fs.readFileSync(a, 'utf8')).toBe(fs.readFileSync(b, 'utf8'));
    });
  });

  describe('copyFile', () => {
    // `{ depth }` forces tpio's own path (plain copies may go to node's on the threads engine).
    const variants = [
      ['plain', (src: string, dest: string, mode?: unknown) => copyFile(src, dest, mode as number)],
      ['own path', (src: string, dest: string, mode?: unknown) => copyFile(src, dest, { mode: mode as number, depth: 2 })],
    ] as const;
    for (const [name, cp] of variants) {
      it(`copies the same bytes as node, with the mode preserved (${name})`, async () => {
        for (const { path, data } of files) {
          fs.chmodSync(path, 0o640);
          const a = join(dir.path, 'copy-a');
          const b = join(dir.path, 'copy-b');
          await expectSameOutcome(cp(path, a), fsp.copyFile(path, b));
          expect(fs.readFileSync(a).equals(data)).toBe(true);
          expect(fs.statSync(a).mode).toBe(fs.statSync(b).mode);
          // overwrite an existing, longer destination with another mode
          fs.chmodSync(a, 0o600);
          await cp(files[1]!.path, a);
          expect(fs.readFileSync(a).equals(files[1]!.data)).toBe(true);
          expect(fs.statSync(a).mode).toBe(fs.statSync(files[1]!.path).mode);
          fs.rmSync(a);
          fs.rmSync(b);
        }
      });

      it(`COPYFILE_EXCL, same file, bad arguments and errors like node (${name})`, async () => {
        const { path } = files[2]!;
        const a = dir.file('excl-a', 'x');
        const b = dir.file('excl-b', 'x');
        const same: [string, string][] = [[a, 'F'], [b, 'F']];
        const { COPYFILE_EXCL } = fs.constants;
        await expectSameOutcome(cp(path, a, COPYFILE_EXCL), fsp.copyFile(path, b, COPYFILE_EXCL), same);
        await expectSameOutcome(cp(path, path), fsp.copyFile(path, path));
        expect(fs.readFileSync(path).equals(files[2]!.data)).toBe(true);
        const missing = join(dir.path, 'missing');
        await expectSameOutcome(cp(missing, a), fsp.copyFile(missing, b), same);
        await expectSameOutcome(cp(path, join(dir.path, 'no', 'x')), fsp.copyFile(path, join(dir.path, 'no', 'x')));
        await expectSameOutcome(cp(path, a, 8), fsp.copyFile(path, b, 8), same);
        await expectSameOutcome(cp(path, a, 'x'), fsp.copyFile(path, b, 'x' as never), same);
        await expectSameOutcome(cp(42 as never, a), fsp.copyFile(42 as never, b), same);
        const d: [string, string][] = [[join(dir.path, 'd-a'), 'F'], [join(dir.path, 'd-b'), 'F']];
        await expectSameOutcome(cp(dir.path, join(dir.path, 'd-a')), fsp.copyFile(dir.path, join(dir.path, 'd-b')), d);
        expect(fs.existsSync(join(dir.path, 'd-a'))).toBe(fs.existsSync(join(dir.path, 'd-b')));
        // A directory as the destination (Windows: EPERM from CopyFileW; found by the differential
        // test under Wine, where opening the directory for writing succeeded), empty source or not.
        const emptySource = dir.file('empty-source', '');
        await expectSameOutcome(cp(emptySource, dir.path), fsp.copyFile(emptySource, dir.path));
        await expectSameOutcome(cp(path, dir.path), fsp.copyFile(path, dir.path));
        await expectSameOutcome(cp(path, dir.path, fs.constants.COPYFILE_EXCL), fsp.copyFile(path, dir.path, fs.constants.COPYFILE_EXCL));
      });
    }

    it('reports progress and honours abort (destination removed)', async () => {
      const { path, data } = files[3]!;
      const target = join(dir.path, 'progress');
      const seen: number[] = [];
      await copyFile(path, target, { chunkSize: 1 << 20, depth: 2, onProgress: (done, total) => seen.push(done / total) });
      expect(seen.at(-1)).toBe(1);
      expect(seen.length).toBeGreaterThanOrEqual(4);
      expect(fs.readFileSync(target).equals(data)).toBe(true);
      const aborted = join(dir.path, 'aborted');
      await expect(copyFile(path, aborted, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
      const controller = new AbortController();
      const copying = copyFile(path, aborted, { chunkSize: 4096, depth: 1, signal: controller.signal, onProgress: () => controller.abort() });
      await expect(copying).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
      expect(fs.existsSync(aborted)).toBe(false);
      expect(currentPort().inFlight).toBe(0);
    });
  });

  it('copyFile falls back to reading and writing across filesystems (tmpfs -> disk)', async () => {
    if (!fs.existsSync('/dev/shm') || fs.statSync('/dev/shm').dev === fs.statSync(dir.path).dev) return;
    const source = fs.mkdtempSync('/dev/shm/tpio-test-');
    try {
      const from = join(source, 'src.bin');
      const data = files[3]!.data;
      fs.writeFileSync(from, data, { mode: 0o604 });
      fs.chmodSync(from, 0o604);
      const steps: number[] = [];
      const target = join(dir.path, 'cross-fs');
      await copyFile(from, target, { chunkSize: 1 << 20, onProgress: (done) => steps.push(done) });
      expect(fs.readFileSync(target).equals(data)).toBe(true);
      // Windows keeps no POSIX mode bits (only read-only): there the copy has what the source shows.
      expect(fs.statSync(target).mode & 0o777).toBe(process.platform === 'win32' ? fs.statSync(from).mode & 0o777 : 0o604);
      expect(steps.at(-1)).toBe(data.length);
      expect(currentPort().inFlight).toBe(0);
    } finally {
      fs.rmSync(source, { recursive: true, force: true });
    }
  });

  describe('stat / lstat', () => {
    it('match node, with bigint and symlinks', async () => {
      const { path } = files[2]!;
      const link = join(dir.path, 'link');
      // Wine 8's CreateSymbolicLinkW reports success but makes nothing (stat: ENOENT): no link on win32.
      const withLink = process.platform !== 'win32';
      if (withLink) fs.symlinkSync(path, link);
      for (const target of withLink ? [path, link, dir.path] : [path, dir.path]) {
        const [a, b] = [await stat(target), await fsp.stat(target)];
        expect(a).toBeInstanceOf(fs.Stats);
        expect({ ...a, atimeMs: 0, atime: 0 }).toEqual({ ...b, atimeMs: 0, atime: 0 });
        const [c, d] = [await lstat(target, { bigint: true }), await fsp.lstat(target, { bigint: true })];
        expect({ ...c, atimeMs: 0, atimeNs: 0, atime: 0 }).toEqual({ ...d, atimeMs: 0, atimeNs: 0, atime: 0 });
        expect(c.isSymbolicLink()).toBe(d.isSymbolicLink());
      }
      const missing = join(dir.path, 'missing');
      await expectSameOutcome(stat(missing), fsp.stat(missing));
      await expectSameOutcome(lstat(missing), fsp.lstat(missing));
      await expectSameOutcome(stat(42 as never), fsp.stat(42 as never));
    });
  });
});

// @tpio/core's public API against node:fs and the lower limits measured in the same run:
// FileHandle.read at queue depth 64, chunks(), readMany() and readFile(), tpio on each engine;
// chunks() also against the raw binding doing the same reads into fresh buffers (its floor).

import { closeSync, openSync } from 'node:fs';
import { readFile as fsReadFile } from 'node:fs/promises';
import type { BenchCase, BenchContext, Contender } from '../harness.js';
import { runCommand, runJsChild, runJsonProcess, topPad } from '../harness.js';
import { Meter, measureOnce, randomBlocks } from '../meter.js';
import { bindingPort } from '../binding-port.js';
import { promiseReadLoops } from './random-reads.js';

const block = 4096;
const chunkSize = 1 << 20;

interface CoreParams {
  file: string;
  size: number;
  duration: number;
  depth: number;
  backend?: 'uring' | 'threads';
}

/** Loads @tpio/core, pins its engine in this child and checks it is the one in use. */
async function core(backend: 'uring' | 'threads' | undefined) {
  const tpio = await import('@tpio/core');
  if (backend) {
    tpio.setDefaultBackend(backend);
    if (tpio.backendInUse() !== backend) throw new Error(`asked for ${backend}, got ${tpio.backendInUse()}`);
  }
  return tpio;
}

// ---- child functions ----

/** core FileHandle.read: `depth` async loops, each awaiting one 4 KiB read (the shape of promisesRandom). */
export async function coreRead(params: CoreParams) {
  const { open } = await core(params.backend);
  return promiseReadLoops(await open(params.file, 'r'), params);
}

/** handle.chunks({ chunkSize: 1 MiB, depth }) over the whole file. */
export async function coreChunks(params: CoreParams) {
  const { open } = await core(params.backend);
  const handle = await open(params.file, 'r');
  const result = await measureOnce(async (meter) => {
    for await (const chunk of handle.chunks({ chunkSize, depth: params.depth })) {
      meter.ops++;
      meter.bytes += chunk.length;
    }
  });
  await handle.close();
  if (result.bytes !== params.size) throw new Error(`chunks() read ${result.bytes} of ${params.size} bytes`);
  return result;
}

/**
 * The floor under chunks(): the binding reading the file in order with `depth` reads in flight, each
 * into a fresh Buffer.allocUnsafe(1 MiB) as chunks() must (its chunks are the consumer's to keep),
 * with no iterator. chunks() / this = core's own cost; this / cat = the price of fresh memory.
 */
export async function bindingFreshChunks(params: CoreParams) {
  const port = await bindingPort(params.backend);
  const fd = openSync(params.file, 'r');
  const result = await measureOnce((meter) => new Promise<void>((resolve) => {
    let next = 0;
    let inFlight = 0;
    const io = port.createIo(fd, (_context, _request, error, bytes) => {
      if (error < 0) throw new Error(`read failed: ${error}`);
      meter.ops++;
      meter.bytes += bytes;
      inFlight--;
      issue();
    });
    function issue(): void {
      while (inFlight < params.depth && next < params.size) {
        const length = Math.min(chunkSize, params.size - next);
        io.start();
        io.read({ buffer: Buffer.allocUnsafe(length), position: next });
        next += length;
        inFlight++;
      }
      if (inFlight === 0) resolve();
    }
    issue();
  }));
  closeSync(fd);
  await port.close();
  if (result.bytes !== params.size) throw new Error(`read ${result.bytes} of ${params.size} bytes`);
  return result;
}

/** readMany over random 4 KiB ranges, `depth` in flight, ranges generated until the window closes. */
export async function coreReadMany(params: CoreParams) {
  const { open } = await core(params.backend);
  const handle = await open(params.file, 'r');
  const next = randomBlocks(params.size / block);
  // Buffers come from a ring of 2 x depth (reads in flight plus completed-but-not-yet-yielded ones
  // stay below that; an overlap would only race bytes nobody reads), like the binding contender's slab.
  const ringSize = params.depth * 2;
  const slab = Buffer.alloc(ringSize * block);
  const ring = Array.from({ length: ringSize }, (_, i) => slab.subarray(i * block, (i + 1) * block));
  const result = await new Meter().run(params.duration, async (meter) => {
    function* ranges() {
      for (let i = 0; !meter.stopped; i = (i + 1) % ringSize) yield { position: next() * block, length: block, buffer: ring[i]! };
    }
    for await (const { bytesRead } of handle.readMany(ranges(), { depth: params.depth })) {
      meter.ops++;
      meter.bytes += bytesRead;
    }
  });
  await handle.close();
  return result;
}

/** readFile(path) of the whole file. */
export async function coreReadFile(params: CoreParams) {
  const { readFile } = await core(params.backend);
  return measureOnce(async (meter) => {
    const data = await readFile(params.file);
    meter.ops++;
    meter.bytes += data.length;
  });
}

/** fs.promises.readFile(path) of the whole file. */
export async function fsPromisesReadFile(params: CoreParams) {
  return measureOnce(async (meter) => {
    const data = await fsReadFile(params.file);
    meter.ops++;
    meter.bytes += data.length;
  });
}

// ---- case registration ----

const module = 'cases/core.js';
const randomModule = 'cases/random-reads.js';
const floorModule = 'cases/js-floors.js';
const engines = ['uring', 'threads'] as const;
const params = (context: BenchContext, depth: number): CoreParams => ({ file: context.file, size: context.size, duration: context.duration, depth });

/**
 * One contender per engine: a child running `fn` of `childModule` with `backend` in its params.
 * `pin` also sets TPIO_BACKEND, for core's children (which pin the engine with setDefaultBackend).
 */
function perEngine(name: string, childModule: string, fn: string, depth: number, pin = false): Contender[] {
  return engines.map((backend) => ({
    name: `${name} ${backend}`,
    run: (c: BenchContext) => runJsChild(childModule, fn, { ...params(c, depth), backend }, pin ? { TPIO_BACKEND: backend } : {}),
  }));
}

/** core on each engine. */
function tpio(name: string, fn: string, depth: number): Contender[] {
  return perEngine(name, module, fn, depth, true);
}

export const cases: BenchCase[] = [
  {
    id: 'core/filehandle-read-qd64',
    title: 'FileHandle.read, a promise per 4 KiB random read, 64 async loops, cached',
    contenders: [
      ...tpio('core', 'coreRead', 64),
      ...perEngine('binding + promise', floorModule, 'bindingPromiseRead', 64),
      { name: 'fs.promises', run: (c) => runJsChild(randomModule, 'promisesRandom', params(c, 64)) },
      { name: 'fs.read', run: (c) => runJsChild(randomModule, 'fsReadRandom', params(c, 64)) },
      { name: 'fs.read UV_USE_IO_URING=1', run: (c) => runJsChild(randomModule, 'fsReadRandom', params(c, 64), { UV_USE_IO_URING: '1' }) },
      {
        name: 'C io_uring loop',
        unavailable: (c) => (c.native.uring_randread ? undefined : 'no C compiler'),
        run: (c) => runJsonProcess(c.native.uring_randread!, [c.file, '64', String(c.duration)]),
      },
    ],
    baselines: {
      'x fs.promises': 'fs.promises',
      'x fs.read uring': 'fs.read UV_USE_IO_URING=1',
      'x native': 'C io_uring loop',
      'x floor uring': 'binding + promise uring',
      'x floor threads': 'binding + promise threads',
    },
    notes: [
      'target: core >= 6x fs.promises, >= 1.2x fs.read UV_USE_IO_URING=1, >= 0.85x native',
      'binding + promise: the floor of the shape, a bare promise around each binding read (no checks, no position tracking); core / floor (its engine\'s column) is core\'s own cost',
    ],
  },
  {
    id: 'core/chunks-1m-d4',
    title: 'for await of handle.chunks({ chunkSize: 1 MiB, depth: 4 }) over the whole file, cached',
    contenders: [
      ...tpio('core chunks', 'coreChunks', 4),
      ...perEngine('binding fresh 1 MiB', module, 'bindingFreshChunks', 4),
      {
        name: 'core chunks uring, top pad',
        run: (c) => runJsChild(module, 'coreChunks', { ...params(c, 4), backend: 'uring' }, { TPIO_BACKEND: 'uring', ...topPad }),
      },
      { name: 'cat', run: (c) => runCommand(`cat '${c.file}' > /dev/null`, c.size, Math.ceil(c.size / chunkSize)) },
    ],
    baselines: { 'x cat': 'cat', 'x fresh uring': 'binding fresh 1 MiB uring', 'x fresh threads': 'binding fresh 1 MiB threads' },
    notes: [
      'target: core chunks >= 0.9x cat (read against the contenders without top pad)',
      'top pad: MALLOC_TOP_PAD_=64M, glibc keeps 64 MiB of freed memory mapped, so fresh Buffers reuse pages already faulted in (a process setting the user may choose; see tooling/bench/README.md)',
      'binding fresh 1 MiB: the same reads into a fresh Buffer each, no iterator (the floor for chunks that the consumer may keep; cat reuses one 128 KiB buffer)',
    ],
  },
  {
    id: 'core/readmany-qd64',
    title: 'readMany over random 4 KiB ranges, depth 64, vs the raw binding at QD64, cached',
    contenders: [
      ...tpio('core readMany', 'coreReadMany', 64),
      ...perEngine('binding + for await', floorModule, 'bindingIteratorRead', 64),
      ...perEngine('binding', randomModule, 'tpioRandom', 64),
    ],
    baselines: {
      'x binding uring': 'binding uring',
      'x binding threads': 'binding threads',
      'x floor uring': 'binding + for await uring',
      'x floor threads': 'binding + for await threads',
    },
    notes: [
      'target: core readMany >= 0.95x the binding on the same engine (read the column of its engine)',
      'binding + for await: the floor of the shape, the same ranges read on the binding and each completion yielded to a for-await loop by a bare async iterator; core / floor is core\'s own cost',
    ],
  },
  {
    id: 'core/readfile',
    title: 'readFile(path) of the whole file (memory = file size), cached',
    contenders: [
      ...tpio('core readFile', 'coreReadFile', 0),
      { name: 'fs.promises.readFile', run: (c) => runJsChild(module, 'fsPromisesReadFile', params(c, 0)) },
    ],
    baselines: { 'x fs.promises': 'fs.promises.readFile' },
    notes: ['target: core readFile >= 1.5x fs.promises.readFile'],
  },
];

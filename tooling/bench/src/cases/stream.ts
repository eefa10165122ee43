// @tpio/stream's drop-in streams against node:fs's in the same run: createReadStream (default and
// 1 MiB highWaterMark), createWriteStream (64 KiB and 1 MiB chunks, with and without flush) and a
// BYOB reader on readableWebStream, tpio on each engine.

import { createReadStream as fsCreateReadStream, createWriteStream as fsCreateWriteStream, unlinkSync } from 'node:fs';
import { open as fsOpen } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { BenchCase, BenchContext, Contender } from '../harness.js';
import { runJsChild, topPad, warmWriteMemory } from '../harness.js';
import { measureOnce } from '../meter.js';

interface StreamParams {
  file: string;
  size: number;
  workDir: string;
  /** highWaterMark for reads (undefined: the default), chunk size for writes. */
  chunk?: number;
  flush?: boolean;
  backend?: 'uring' | 'threads';
}

/** Loads @tpio/stream with core's engine pinned in this child (streams run on core's port). */
async function tpioStream(backend: 'uring' | 'threads' | undefined) {
  const core = await import('@tpio/core');
  const stream = await import('@tpio/stream');
  if (backend) {
    core.setDefaultBackend(backend);
    if (stream.streamBackend() !== backend) throw new Error(`asked for ${backend}, got ${stream.streamBackend()}`);
  }
  return stream;
}

/** Consumes a Readable to its end, counting 'data' events and bytes. */
async function consume(open: () => Readable, expected: number) {
  const result = await measureOnce((meter) => new Promise<void>((resolve, reject) => {
    const stream = open();
    stream.on('data', (chunk: Buffer) => {
      meter.ops++;
      meter.bytes += chunk.length;
    });
    stream.on('end', resolve);
    stream.on('error', reject);
  }));
  if (result.bytes !== expected) throw new Error(`read ${result.bytes} of ${expected} bytes`);
  return result;
}

/** Writes `size` bytes in `chunk`-sized writes of one prefilled Buffer (respecting 'drain'), waits for 'close', deletes the file; after warmWriteMemory, as every write contender. */
async function produce(open: (path: string) => Writable, params: StreamParams) {
  const path = join(params.workDir, `write-${process.pid}.bin`);
  const chunk = params.chunk!;
  const buffer = Buffer.alloc(chunk, 0x5a);
  warmWriteMemory(params.workDir, params.size);
  try {
    return await measureOnce((meter) => new Promise<void>((resolve, reject) => {
      const stream = open(path);
      stream.on('error', reject);
      stream.on('close', resolve);
      let written = 0;
      const pump = () => {
        while (written < params.size) {
          const length = Math.min(chunk, params.size - written);
          written += length;
          meter.ops++;
          meter.bytes += length;
          if (!stream.write(length === chunk ? buffer : buffer.subarray(0, length))) {
            stream.once('drain', pump);
            return;
          }
        }
        stream.end();
      };
      pump();
    }));
  } finally {
    try {
      unlinkSync(path);
    } catch {}
  }
}

/** Reads a byte stream with a BYOB reader into one reused 1 MiB buffer (re-wrapped from each returned view). */
async function byob(stream: ReadableStream<Uint8Array>, expected: number) {
  const result = await measureOnce(async (meter) => {
    const reader = stream.getReader({ mode: 'byob' });
    let buffer = new ArrayBuffer(1 << 20);
    for (;;) {
      const { value, done } = await reader.read(new Uint8Array(buffer, 0, buffer.byteLength));
      if (done) break;
      meter.ops++;
      meter.bytes += value.byteLength;
      buffer = value.buffer as ArrayBuffer;
    }
    reader.releaseLock();
  });
  if (result.bytes !== expected) throw new Error(`read ${result.bytes} of ${expected} bytes`);
  return result;
}

// ---- child functions ----

export async function tpioRead(params: StreamParams) {
  const { createReadStream } = await tpioStream(params.backend);
  const options = params.chunk === undefined ? undefined : { highWaterMark: params.chunk };
  return consume(() => createReadStream(params.file, options) as unknown as Readable, params.size);
}

export async function fsRead(params: StreamParams) {
  const options = params.chunk === undefined ? undefined : { highWaterMark: params.chunk };
  return consume(() => fsCreateReadStream(params.file, options), params.size);
}

export async function tpioWrite(params: StreamParams) {
  const { createWriteStream } = await tpioStream(params.backend);
  return produce((path) => createWriteStream(path, { flush: params.flush === true }) as unknown as Writable, params);
}

export async function fsWrite(params: StreamParams) {
  return produce((path) => fsCreateWriteStream(path, { flush: params.flush === true }), params);
}

export async function tpioByob(params: StreamParams) {
  const { readableWebStream } = await tpioStream(params.backend);
  const { open } = await import('@tpio/core');
  // Opened before measuring, as fsByob opens node's FileHandle: both time the stream alone (the
  // file's open, and on tpio the port's creation with its first op, are outside either window).
  // `start: 0` keeps the reads at explicit positions, as a stream opened from the path makes them
  // (splitRead: one read per view on io_uring, two halves at once on the threads engine); from a
  // handle's current position the stream reads each view in one read on either engine.
  const handle = await open(params.file, 'r');
  try {
    return await byob(readableWebStream(handle, { start: 0 }) as unknown as ReadableStream<Uint8Array>, params.size);
  } finally {
    await handle.close();
  }
}

export async function fsByob(params: StreamParams) {
  const handle = await fsOpen(params.file, 'r');
  try {
    return await byob(handle.readableWebStream({ type: 'bytes' }) as unknown as ReadableStream<Uint8Array>, params.size);
  } finally {
    await handle.close();
  }
}

// ---- case registration ----

const module = 'cases/stream.js';
const engines = ['uring', 'threads'] as const;
const params = (context: BenchContext, extra: Partial<StreamParams> = {}): StreamParams => ({ file: context.file, size: context.size, workDir: context.workDir, ...extra });

function pair(tpioFn: string, fsFn: string, fsName: string, extra: Partial<StreamParams>): Contender[] {
  return [
    ...engines.map((backend) => ({
      name: `tpio ${backend}`,
      run: (c: BenchContext) => runJsChild(module, tpioFn, params(c, { ...extra, backend }), { TPIO_BACKEND: backend }),
    })),
    { name: fsName, run: (c: BenchContext) => runJsChild(module, fsFn, params(c, extra)) },
  ];
}

const writeCases: BenchCase[] = [
  [64 << 10, '64k'],
  [1 << 20, '1m'],
].flatMap(([chunk, label]) =>
  [false, true].map((flush) => ({
    id: `stream/write-${label}${flush ? '-flush' : ''}`,
    title: `createWriteStream: the file size in ${label === '64k' ? '64 KiB' : '1 MiB'} writes of one Buffer to a fresh file${flush ? ', { flush: true }' : ''}, until 'close'`,
    contenders: pair('tpioWrite', 'fsWrite', 'fs.createWriteStream', { chunk: chunk as number, flush }),
    baselines: { 'x fs': 'fs.createWriteStream' },
    notes: ['target: tpio >= 1.0x fs.createWriteStream'],
  })),
);

export const cases: BenchCase[] = [
  {
    id: 'stream/read-default',
    title: "createReadStream(path) to the end, default options, counting bytes in 'data', cached",
    contenders: pair('tpioRead', 'fsRead', 'fs.createReadStream', {}),
    baselines: { 'x fs': 'fs.createReadStream' },
    notes: ['target: tpio >= 3x fs.createReadStream'],
  },
  {
    id: 'stream/read-hwm-1m',
    title: "createReadStream(path, { highWaterMark: 1 MiB }) to the end, counting bytes in 'data', cached",
    contenders: [
      ...pair('tpioRead', 'fsRead', 'fs.createReadStream', { chunk: 1 << 20 }),
      {
        name: 'tpio uring, top pad',
        run: (c: BenchContext) => runJsChild(module, 'tpioRead', params(c, { chunk: 1 << 20, backend: 'uring' }), { TPIO_BACKEND: 'uring', ...topPad }),
      },
      { name: 'fs.createReadStream, top pad', run: (c: BenchContext) => runJsChild(module, 'fsRead', params(c, { chunk: 1 << 20 }), topPad) },
    ],
    baselines: { 'x fs': 'fs.createReadStream', 'x fs same pad': 'fs.createReadStream, top pad' },
    notes: [
      'target: tpio >= 1.5x fs.createReadStream (read against the contenders without top pad)',
      'top pad: MALLOC_TOP_PAD_=64M, the same glibc setting for both sides (it helps any reader of fresh 1 MiB Buffers)',
    ],
  },
  ...writeCases,
  {
    id: 'stream/web-byob',
    title: 'readableWebStream read with a BYOB reader into a reused 1 MiB buffer, cached',
    contenders: pair('tpioByob', 'fsByob', 'fs readableWebStream bytes', {}),
    baselines: { 'x fs': 'fs readableWebStream bytes' },
    notes: ['target: tpio >= 2x node FileHandle.readableWebStream'],
  },
];

// The bench's cases: each pits node:fs against tpio on the same file, doing the same work the way
// users write it (a promise per read, default stream options, one copy call). A contender's run
// returns its rate: operations or bytes per second.

import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import * as core from '@tpio/core';
import { createReadStream as tpioCreateReadStream } from '@tpio/stream';

export interface BenchContext {
  /** The file every case reads (warmed before each case). */
  file: string;
  size: number;
  /** A scratch directory for copy destinations. */
  dir: string;
  /** How long one run of the random-read case lasts. */
  durationMs: number;
}

export interface Contender {
  side: 'node' | 'tpio';
  api: string;
  /** The table row's name for a node contender, when a case has more than one. */
  row?: string;
  /** One run; returns operations (or bytes) per second. */
  run(context: BenchContext): Promise<number>;
  /** Untimed work after each run (removing a copy). */
  after?(context: BenchContext): void;
}

export interface BenchCase {
  id: string;
  name: string;
  unit: 'ops/s' | 'GB/s';
  /** One table row per node contender, each against the one tpio contender. */
  node: Contender[];
  tpio: Contender;
}

const blockSize = 4096;
const queueDepth = 64;

/** What both FileHandles (node's and core's) offer for the random-read case. */
interface PositionalReader {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** `queueDepth` loops, each awaiting one 4 KiB read at a random aligned offset at a time. */
async function randomReads(handle: PositionalReader, context: BenchContext): Promise<number> {
  const blocks = Math.floor(context.size / blockSize);
  let done = 0;
  const started = performance.now();
  const deadline = started + context.durationMs;
  const loop = async (): Promise<void> => {
    const buffer = Buffer.allocUnsafe(blockSize);
    while (performance.now() < deadline) {
      await handle.read(buffer, 0, blockSize, Math.floor(Math.random() * blocks) * blockSize);
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: queueDepth }, loop));
  } finally {
    await handle.close();
  }
  return done / ((performance.now() - started) / 1000);
}

/** Reads a stream to its end; returns bytes per second. */
async function drain(stream: Readable): Promise<number> {
  const started = performance.now();
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes / ((performance.now() - started) / 1000);
}

/** Times one copy of the bench file into the scratch directory; returns bytes per second. */
async function timedCopy(context: BenchContext, copy: (src: string, dest: string) => Promise<void>): Promise<number> {
  const started = performance.now();
  await copy(context.file, join(context.dir, 'copy.bin'));
  return context.size / ((performance.now() - started) / 1000);
}

const removeCopy = (context: BenchContext): void => fs.rmSync(join(context.dir, 'copy.bin'), { force: true });

export const benchCases: BenchCase[] = [
  {
    id: 'random-read-4k-qd64',
    name: `4 KiB random reads, queue depth ${queueDepth}`,
    unit: 'ops/s',
    node: [{ side: 'node', api: 'fs.promises FileHandle.read', run: async (context) => randomReads(await fs.promises.open(context.file, 'r'), context) }],
    tpio: { side: 'tpio', api: '@tpio/core FileHandle.read', run: async (context) => randomReads(await core.open(context.file, 'r'), context) },
  },
  {
    id: 'sequential-read-stream',
    name: 'sequential read, createReadStream',
    unit: 'GB/s',
    node: [{ side: 'node', api: 'fs.createReadStream', run: (context) => drain(fs.createReadStream(context.file)) }],
    tpio: { side: 'tpio', api: '@tpio/stream createReadStream', run: (context) => drain(tpioCreateReadStream(context.file)) },
  },
  {
    id: 'copy',
    name: 'copy',
    unit: 'GB/s',
    node: [
      {
        side: 'node',
        row: 'copy vs stream pipeline',
        api: 'stream.pipeline(fs.createReadStream, fs.createWriteStream)',
        run: (context) => timedCopy(context, (src, dest) => pipeline(fs.createReadStream(src), fs.createWriteStream(dest))),
        after: removeCopy,
      },
      { side: 'node', row: 'copy vs fs.promises.copyFile', api: 'fs.promises.copyFile', run: (context) => timedCopy(context, fs.promises.copyFile), after: removeCopy },
    ],
    tpio: { side: 'tpio', api: '@tpio/core copyFile', run: (context) => timedCopy(context, core.copyFile), after: removeCopy },
  },
];

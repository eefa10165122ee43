// 4 KiB random reads from a cached file at a constant queue depth: tpio on each engine against
// node:fs (fs.promises, fs.read callbacks, fs.read with libuv's io_uring) and the native loops.

import { openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { read } from 'node:fs';
import type { BenchCase, BenchContext, Contender } from '../harness.js';
import { runJsChild, runJsonProcess } from '../harness.js';
import { Meter, randomBlocks } from '../meter.js';
import { bindingPort } from '../binding-port.js';

const block = 4096;

interface RandomParams {
  file: string;
  size: number;
  depth: number;
  duration: number;
  backend?: 'uring' | 'threads';
}

// ---- child functions (run in a fresh Node process by dist/child.js) ----

/** tpio Io API: start() + read() per op, refilled from the completion callback. */
export async function tpioRandom(params: RandomParams) {
  const port = await bindingPort(params.backend, Math.max(params.depth, 64));
  const fd = openSync(params.file, 'r');
  const next = randomBlocks(params.size / block);
  const slab = Buffer.alloc(params.depth * block);
  const result = await new Meter().run(params.duration, (meter) => new Promise<void>((resolve) => {
    let inFlight = params.depth;
    const io = port.createIo(fd, (_context, request: { buffer: Buffer; position: number }, error, bytes) => {
      if (error < 0) throw new Error(`read failed: ${error}`);
      meter.ops++;
      meter.bytes += bytes;
      if (meter.stopped) {
        if (--inFlight === 0) resolve();
        return;
      }
      request.position = next() * block;
      io.start();
      io.read(request);
    });
    for (let i = 0; i < params.depth; i++) {
      io.start();
      io.read({ buffer: slab.subarray(i * block, (i + 1) * block), position: next() * block });
    }
  }));
  await port.close();
  return result;
}

/** fs.promises FileHandle.read: `depth` async loops awaiting one read each. */
export async function promisesRandom(params: RandomParams) {
  return promiseReadLoops(await open(params.file, 'r'), params);
}

/** Any handle with fs.promises' read(buffer, offset, length, position) shape. */
export interface PromiseReadHandle {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** `depth` async loops, each awaiting one 4 KiB read at a random block; closes the handle. */
export async function promiseReadLoops(handle: PromiseReadHandle, params: { size: number; depth: number; duration: number }) {
  const next = randomBlocks(params.size / block);
  const result = await new Meter().run(params.duration, async (meter) => {
    const loops: Promise<void>[] = [];
    for (let i = 0; i < params.depth; i++) {
      const buffer = Buffer.alloc(block);
      loops.push((async () => {
        while (!meter.stopped) {
          const { bytesRead } = await handle.read(buffer, 0, block, next() * block);
          meter.ops++;
          meter.bytes += bytesRead;
        }
      })());
    }
    await Promise.all(loops);
  });
  await handle.close();
  return result;
}

/** fs.read with callbacks: `depth` chains (libuv's thread pool, or its io_uring with UV_USE_IO_URING=1). */
export async function fsReadRandom(params: RandomParams) {
  const fd = openSync(params.file, 'r');
  const next = randomBlocks(params.size / block);
  return new Meter().run(params.duration, (meter) => new Promise<void>((resolve) => {
    let inFlight = params.depth;
    const issue = (buffer: Buffer) => {
      read(fd, buffer, 0, block, next() * block, (error, bytesRead) => {
        if (error) throw error;
        meter.ops++;
        meter.bytes += bytesRead;
        if (meter.stopped) {
          if (--inFlight === 0) resolve();
        } else issue(buffer);
      });
    };
    for (let i = 0; i < params.depth; i++) issue(Buffer.alloc(block));
  }));
}

// ---- case registration ----

function contenders(depth: number): Contender[] {
  const params = (context: BenchContext): RandomParams => ({ file: context.file, size: context.size, depth, duration: context.duration });
  const module = 'cases/random-reads.js';
  return [
    { name: 'tpio uring', run: (c) => runJsChild(module, 'tpioRandom', { ...params(c), backend: 'uring' }) },
    { name: 'tpio threads', run: (c) => runJsChild(module, 'tpioRandom', { ...params(c), backend: 'threads' }) },
    { name: 'fs.promises', run: (c) => runJsChild(module, 'promisesRandom', params(c)) },
    { name: 'fs.read', run: (c) => runJsChild(module, 'fsReadRandom', params(c)) },
    { name: 'fs.read UV_USE_IO_URING=1', run: (c) => runJsChild(module, 'fsReadRandom', params(c), { UV_USE_IO_URING: '1' }) },
    { name: 'idle Node (loop delay baseline)', run: (c) => runJsChild('meter.js', 'idle', c.duration as unknown as object) },
    {
      name: 'C io_uring loop',
      unavailable: (c) => (c.native.uring_randread ? undefined : 'no C compiler'),
      run: (c) => runJsonProcess(c.native.uring_randread!, [c.file, String(depth), String(c.duration)]),
    },
    {
      name: `C pread ${Math.min(depth, 2)} thread${depth > 1 ? 's' : ''}`,
      unavailable: (c) => (c.native.pread_randread ? undefined : 'no C compiler'),
      run: (c) => runJsonProcess(c.native.pread_randread!, [c.file, String(Math.min(depth, 2)), String(c.duration)]),
    },
  ];
}

export const cases: BenchCase[] = [1, 16, 64, 256].map((depth) => ({
  id: `random-4k/qd${depth}`,
  title: `4 KiB random reads, queue depth ${depth}, cached`,
  contenders: contenders(depth),
  baselines: { 'x fs.promises': 'fs.promises', 'x native': 'C io_uring loop' },
}));

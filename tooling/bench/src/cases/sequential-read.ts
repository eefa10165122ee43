// Sequential read of the whole (cached) file in 1 MiB requests with 4 in flight: tpio on each
// engine against an fs.read loop and `cat file > /dev/null` (the native reference).

import { openSync, closeSync, read } from 'node:fs';
import type { BenchCase, BenchContext } from '../harness.js';
import { runCommand, runJsChild } from '../harness.js';
import { measureOnce } from '../meter.js';
import { bindingPort } from '../binding-port.js';

const chunk = 1 << 20;
const depth = 4;

interface SequentialParams {
  file: string;
  size: number;
  backend?: 'uring' | 'threads';
}

// ---- child functions ----

export async function tpioSequential(params: SequentialParams) {
  const port = await bindingPort(params.backend, 64);
  const fd = openSync(params.file, 'r');
  const result = await measureOnce((meter) => new Promise<void>((resolve) => {
    let next = 0;
    let inFlight = 0;
    const io = port.createIo(fd, (_context, request: { buffer: Buffer; position: number }, error, bytes) => {
      if (error < 0) throw new Error(`read failed: ${error}`);
      meter.ops++;
      meter.bytes += bytes;
      inFlight--;
      if (next < params.size) issue(request);
      else if (inFlight === 0) resolve();
    });
    const issue = (request: { buffer: Buffer; position: number }) => {
      request.position = next;
      next += chunk;
      inFlight++;
      io.start();
      io.read(request);
    };
    for (let i = 0; i < depth; i++) issue({ buffer: Buffer.alloc(chunk), position: 0 });
  }));
  closeSync(fd);
  await port.close();
  return result;
}

export async function fsReadSequential(params: SequentialParams) {
  const fd = openSync(params.file, 'r');
  const result = await measureOnce((meter) => new Promise<void>((resolve) => {
    let next = 0;
    let inFlight = 0;
    const issue = (buffer: Buffer) => {
      const position = next;
      next += chunk;
      inFlight++;
      read(fd, buffer, 0, chunk, position, (error, bytesRead) => {
        if (error) throw error;
        meter.ops++;
        meter.bytes += bytesRead;
        inFlight--;
        if (next < params.size) issue(buffer);
        else if (inFlight === 0) resolve();
      });
    };
    for (let i = 0; i < depth; i++) issue(Buffer.alloc(chunk));
  }));
  closeSync(fd);
  return result;
}

// ---- case registration ----

const module = 'cases/sequential-read.js';
const params = (context: BenchContext): SequentialParams => ({ file: context.file, size: context.size });

export const cases: BenchCase[] = [
  {
    id: 'sequential/1m-x4',
    title: 'sequential read of the whole file, 1 MiB requests, 4 in flight, cached',
    contenders: [
      { name: 'tpio uring', run: (c) => runJsChild(module, 'tpioSequential', { ...params(c), backend: 'uring' }) },
      { name: 'tpio threads', run: (c) => runJsChild(module, 'tpioSequential', { ...params(c), backend: 'threads' }) },
      { name: 'fs.read', run: (c) => runJsChild(module, 'fsReadSequential', params(c)) },
      { name: 'cat', run: (c) => runCommand(`cat '${c.file}' > /dev/null`, c.size, Math.ceil(c.size / chunk)) },
    ],
    baselines: { 'x fs.read': 'fs.read', 'x cat': 'cat' },
  },
];

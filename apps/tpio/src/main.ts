#!/usr/bin/env node
// tpio sample CLI. Today: the default job reads a generated temporary file through @tpio/binding
// and prints its speed beside node:fs (the CLI issue grows this into bench/copy/cat/hash/doctor).

import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync, readSync } from 'node:fs';
import { open as openPromise } from 'node:fs/promises';
import { randomBytes, randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPort } from '@tpio/binding';

const fileSize = 64 * 1024 * 1024;
const blockSize = 4096;
const depth = 64;
const duration = 1000;

async function tpioRandomReads(path: string): Promise<number> {
  const port = createPort();
  const fd = openSync(path, 'r');
  let done = 0;
  const deadline = performance.now() + duration;
  await new Promise<void>((resolve) => {
    let inFlight = 0;
    const io = port.createIo(fd, (context, request: { buffer: Buffer; position: number }) => {
      done++;
      inFlight--;
      if (performance.now() < deadline) {
        request.position = randomInt(0, fileSize / blockSize) * blockSize;
        io.start();
        io.read(request);
        inFlight++;
      } else if (inFlight === 0) resolve();
    });
    for (let i = 0; i < depth; i++) {
      io.start();
      io.read({ buffer: Buffer.allocUnsafe(blockSize), position: randomInt(0, fileSize / blockSize) * blockSize });
      inFlight++;
    }
  });
  closeSync(fd);
  await port.close();
  return (done / duration) * 1000;
}

async function nodeRandomReads(path: string): Promise<number> {
  const handle = await openPromise(path, 'r');
  let done = 0;
  const deadline = performance.now() + duration;
  await Promise.all(
    Array.from({ length: depth }, async () => {
      const buffer = Buffer.allocUnsafe(blockSize);
      while (performance.now() < deadline) {
        await handle.read(buffer, 0, blockSize, randomInt(0, fileSize / blockSize) * blockSize);
        done++;
      }
    }),
  );
  await handle.close();
  return (done / duration) * 1000;
}

function warm(path: string): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  while (readSync(fd, buffer) > 0);
  closeSync(fd);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tpio-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const path = join(dir, 'bench.bin');
    writeFileSync(path, randomBytes(fileSize));
    const port = createPort();
    console.log(`tpio: 4 KiB random reads, queue depth ${depth}, ${fileSize >> 20} MiB cached file, engine ${port.backend}${port.fallbackReason ? ` (${port.fallbackReason})` : ''}`);
    await port.close();
    const tpio: number[] = [];
    const node: number[] = [];
    for (let run = 0; run < 3; run++) {
      warm(path);
      node.push(await nodeRandomReads(path));
      tpio.push(await tpioRandomReads(path));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const format = (value: number) => `${(value / 1000).toFixed(0).padStart(8)} k ops/s`;
    console.log(`  fs.promises FileHandle.read  ${format(median(node))}`);
    console.log(`  @tpio/binding Io.read        ${format(median(tpio))}   ${(median(tpio) / median(node)).toFixed(2)}x`);
  } finally {
    cleanup();
  }
}

await main();

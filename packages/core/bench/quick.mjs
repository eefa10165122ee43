// Quick ratios for @tpio/core against node:fs, measured in one run (see DESIGN.md: this VM evicts
// idle page cache, so each file is read right before it is measured). Not a test; no thresholds.
// Usage: node bench/quick.mjs [sizeMiB=1024]   (TPIO_BACKEND=threads|uring picks the engine)
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, readFile, copyFile, backendInUse, currentPort } from '@tpio/core';

const sizeMiB = Number(process.argv[2] ?? 1024);
const path = join(tmpdir(), `tpio-quick-${sizeMiB}.bin`);
if (!fs.existsSync(path) || fs.statSync(path).size !== sizeMiB << 20) {
  execFileSync('dd', ['if=/dev/urandom', `of=${path}`, 'bs=1M', `count=${sizeMiB}`], { stdio: 'ignore' });
}
const size = sizeMiB << 20;
const warm = () => execFileSync('cat', [path], { stdio: ['ignore', 'ignore', 'ignore'] });
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
async function time(fn, runs = 5) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    warm();
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(samples);
}

const ops = 200_000;
const depth = 64;
const blocks = size / 4096;
const positions = Float64Array.from({ length: ops }, () => Math.floor(Math.random() * blocks) * 4096);

async function randomCore() {
  const handle = await open(path);
  let next = 0;
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(4096);
    while (next < ops) await handle.read(buffer, 0, 4096, positions[next++]);
  };
  await Promise.all(Array.from({ length: depth }, worker));
  await handle.close();
}
async function randomReadMany() {
  const handle = await open(path);
  const buffers = Array.from({ length: depth }, () => Buffer.allocUnsafe(4096));
  let i = 0;
  function* ranges() {
    for (let n = 0; n < ops; n++) yield { position: positions[n], length: 4096, buffer: buffers[i++ % depth] };
  }
  for await (const _r of handle.readMany(ranges(), { depth })) {}
  await handle.close();
}
async function randomRawBinding() {
  const port = currentPort();
  const fd = fs.openSync(path, 'r');
  let next = 0;
  let done = 0;
  await new Promise((resolve) => {
    const io = port.createIo(fd, (_c, request) => {
      if (++done === ops) return resolve();
      if (next < ops) {
        request.position = positions[next++];
        io.start();
        io.read(request);
      }
    });
    for (let k = 0; k < depth; k++) {
      io.start();
      io.read({ buffer: Buffer.allocUnsafe(4096), position: positions[next++] });
    }
  });
  fs.closeSync(fd);
}
async function randomFsPromises() {
  const handle = await fs.promises.open(path);
  let next = 0;
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(4096);
    while (next < ops) await handle.read(buffer, 0, 4096, positions[next++]);
  };
  await Promise.all(Array.from({ length: depth }, worker));
  await handle.close();
}
async function randomFsCallbacks() {
  const fd = fs.openSync(path, 'r');
  let next = 0;
  let done = 0;
  await new Promise((resolve) => {
    const issue = (buffer) => {
      fs.read(fd, buffer, 0, 4096, positions[next++], () => {
        if (++done === ops) resolve();
        else if (next < ops) issue(buffer);
      });
    };
    for (let k = 0; k < depth; k++) issue(Buffer.allocUnsafe(4096));
  });
  fs.closeSync(fd);
}

async function chunksDefault(options) {
  const handle = await open(path);
  let total = 0;
  for await (const chunk of handle.chunks(options)) total += chunk.length;
  await handle.close();
  if (total !== size) throw new Error('short');
}
const cat = () => execFileSync('sh', ['-c', `cat ${path} > /dev/null`]);

const results = { backend: backendInUse(), sizeMiB };
const t = {};
t.raw = await time(randomRawBinding, 3);
t.core = await time(randomCore, 3);
t.readMany = await time(randomReadMany, 3);
t.fsPromises = await time(randomFsPromises, 3);
t.fsRead = await time(randomFsCallbacks, 3);
results['4KiB QD64 ops/s: raw binding'] = Math.round(ops / t.raw);
results['4KiB QD64 ops/s: core FileHandle.read'] = Math.round(ops / t.core);
results['4KiB QD64 ops/s: core readMany'] = Math.round(ops / t.readMany);
results['4KiB QD64 ops/s: fs.promises read'] = Math.round(ops / t.fsPromises);
results['4KiB QD64 ops/s: fs.read callbacks'] = Math.round(ops / t.fsRead);
results['core read / fs.promises'] = +(t.fsPromises / t.core).toFixed(2);
results['core read / fs.read'] = +(t.fsRead / t.core).toFixed(2);
results['readMany / raw binding'] = +(t.raw / t.readMany).toFixed(2);
t.cat = await time(cat);
t.chunks = await time(() => chunksDefault({ chunkSize: 1 << 20, depth: 4, start: 0 }));
t.chunksReuse = await time(() => chunksDefault({ chunkSize: 1 << 20, depth: 4, start: 0, reuse: true }));
results['chunks 1MiB d4 / cat'] = +(t.cat / t.chunks).toFixed(2);
results['chunks 1MiB d4 reuse / cat'] = +(t.cat / t.chunksReuse).toFixed(2);
results['cat GB/s'] = +(size / t.cat / 1e9).toFixed(2);
const readSize = Math.min(size, 1 << 30) === size ? path : path; // readFile is limited to 2 GiB
t.readFile = await time(() => readFile(readSize));
t.fsReadFile = await time(() => fs.promises.readFile(readSize));
results['readFile / fs.promises.readFile'] = +(t.fsReadFile / t.readFile).toFixed(2);
const copyTarget = join(tmpdir(), 'tpio-quick-copy.bin');
t.copy = await time(() => copyFile(path, copyTarget), 3);
t.fsCopy = await time(() => fs.promises.copyFile(path, copyTarget), 3);
results['copyFile / fs.promises.copyFile'] = +(t.fsCopy / t.copy).toFixed(2);
fs.rmSync(copyTarget, { force: true });
console.log(results);

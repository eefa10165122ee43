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

const ops = Number(process.env.OPS ?? 200_000);
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

// Interleaved rounds, medians: the VM is shared, so variants measured side by side are compared.
const rounds = Number(process.env.ROUNDS ?? 5);
const variants = {
  raw: randomRawBinding,
  core: randomCore,
  readMany: randomReadMany,
  fsPromises: randomFsPromises,
  fsRead: randomFsCallbacks,
  cat: async () => cat(),
  chunks: () => chunksDefault({ chunkSize: 1 << 20, depth: 4, start: 0 }),
  chunksReuse: () => chunksDefault({ chunkSize: 1 << 20, depth: 4, start: 0, reuse: true }),
  chunksDefault: () => chunksDefault({ start: 0 }),
  readFile: () => readFile(path),
  fsReadFile: () => fs.promises.readFile(path),
  copy: () => copyFile(path, join(tmpdir(), 'tpio-quick-copy.bin')),
  fsCopy: () => fs.promises.copyFile(path, join(tmpdir(), 'tpio-quick-copy.bin')),
};
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  for (const [name, fn] of Object.entries(variants)) {
    warm();
    const start = process.hrtime.bigint();
    await fn();
    samples[name].push(Number(process.hrtime.bigint() - start) / 1e9);
  }
}
fs.rmSync(join(tmpdir(), 'tpio-quick-copy.bin'), { force: true });
const t = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const ratio = (slow, fast) => +(t[slow] / t[fast]).toFixed(2);
console.log({
  backend: backendInUse(),
  sizeMiB,
  rounds,
  'ops/s 4KiB QD64: raw binding': Math.round(ops / t.raw),
  'ops/s 4KiB QD64: core FileHandle.read': Math.round(ops / t.core),
  'ops/s 4KiB QD64: core readMany': Math.round(ops / t.readMany),
  'ops/s 4KiB QD64: fs.promises FileHandle.read': Math.round(ops / t.fsPromises),
  'ops/s 4KiB QD64: fs.read callbacks': Math.round(ops / t.fsRead),
  'core read vs fs.promises': ratio('fsPromises', 'core'),
  'core read vs fs.read': ratio('fsRead', 'core'),
  'readMany vs raw binding': ratio('raw', 'readMany'),
  'cat GB/s': +(size / t.cat / 1e9).toFixed(2),
  'chunks 1MiB d4 vs cat': ratio('cat', 'chunks'),
  'chunks 1MiB d4 reuse vs cat': ratio('cat', 'chunksReuse'),
  'chunks defaults vs cat': ratio('cat', 'chunksDefault'),
  'readFile vs fs.promises.readFile': ratio('fsReadFile', 'readFile'),
  'copyFile vs fs.promises.copyFile': ratio('fsCopy', 'copy'),
});

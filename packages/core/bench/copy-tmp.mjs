import fs from 'node:fs';
import { copyFile } from '@tpio/core';
const path = '/tmp/tpio-quick-256.bin';
const a = '/tmp/tpio-copy-a.bin', b = '/tmp/tpio-copy-b.bin';
const med = (x) => x.sort((p, q) => p - q)[x.length >> 1];
const s = { core: [], node: [], core2: [], core4: [] };
async function t(name, fn, target) { fs.rmSync(target, { force: true }); fs.readFileSync(path); const st = performance.now(); await fn(); s[name].push(performance.now() - st); fs.rmSync(target, { force: true }); }
for (let i = 0; i < 7; i++) {
  await t('node', () => fs.promises.copyFile(path, b), b);
  await t('core', () => copyFile(path, a), a);
  await t('core2', () => copyFile(path, a, { depth: 1, chunkSize: 2 ** 31 - 1 }), a);
  await t('core4', () => copyFile(path, a, { depth: 4, chunkSize: 8 << 20 }), a);
}
console.log(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, med(v).toFixed(0)])));
// small files
fs.writeFileSync('/tmp/tpio-small.bin', Buffer.alloc(4096, 1));
const small = { core: [], node: [] };
for (let r = 0; r < 5; r++) {
  let st = performance.now(); for (let i = 0; i < 300; i++) await copyFile('/tmp/tpio-small.bin', a); small.core.push(performance.now() - st);
  st = performance.now(); for (let i = 0; i < 300; i++) await fs.promises.copyFile('/tmp/tpio-small.bin', b); small.node.push(performance.now() - st);
}
console.log('small 4K x300 ms', med(small.core).toFixed(0), 'node', med(small.node).toFixed(0));
fs.rmSync(a, { force: true }); fs.rmSync(b, { force: true });

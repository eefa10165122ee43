// Teardown and cancellation with ops in flight: a worker terminated with 256 reads on its port, a
// process exiting with reads in flight, exceptions thrown by callbacks, CancelIoEx and
// WaitForThreadpoolIoCallbacks(cancelPending) on reads that cannot complete (a FIFO).

import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, usableBackends } from '../lib/index.js';

const dist = new URL('../dist/index.js', import.meta.url).href;

function runChild(script: string, backend: string) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', `import * as tpio from '${dist}';\n${script}`], {
    env: { ...process.env, TPIO_BACKEND: backend },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describeEachBackend(usableBackends(), (backend) => {
  const dir = useTempDir('tpio-uring-teardown-');
  const { path: dataFile } = dir.randomFile('data.bin', 4 << 20);

  it('a worker terminated with 256 reads in flight, repeatedly, leaves the process healthy', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { openSync } = require('node:fs');
      import(workerData.dist).then((tpio) => {
        const port = tpio.createPort({ backend: workerData.backend });
        const fd = openSync(workerData.file, 'r');
        const io = port.createIo(fd, () => {});
        for (let i = 0; i < 256; i++) {
          io.start();
          io.read({ buffer: Buffer.alloc(16384), position: (i * 16384) % (4 << 20) });
        }
        queueMicrotask(() => parentPort.postMessage(port.inFlight));
      });
    `;
    for (let round = 0; round < 10; round++) {
      const worker = new Worker(code, { eval: true, workerData: { dist, backend, file: dataFile } });
      const inFlight = await new Promise<number>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(inFlight).toBeGreaterThan(0);
      await worker.terminate();
    }
    // The main thread's own port still works afterwards.
    const port = createPort({ backend });
    const fd = openSync(dataFile, 'r');
    const bytes = await new Promise<number>((resolve) => {
      const io = port.createIo(fd, (_c, _r, _result, transferred) => resolve(transferred));
      io.start();
      io.read({ buffer: Buffer.alloc(100), position: 0 });
    });
    closeSync(fd);
    await port.close();
    expect(bytes).toBe(100);
  });

  it('process.exit() with reads in flight exits cleanly', () => {
    const child = runChild(
      `
      const { openSync } = await import('node:fs');
      const port = tpio.createPort();
      const io = port.createIo(openSync(${JSON.stringify(dataFile)}, 'r'), () => {});
      for (let i = 0; i < 256; i++) { io.start(); io.read({ buffer: Buffer.alloc(65536), position: (i * 65536) % (4 << 20) }); }
      setImmediate(() => { console.log('exiting with', port.inFlight); process.exit(7); });
      `,
      backend,
    );
    expect(child.signal).toBeNull();
    expect(child.stderr).toBe('');
    expect(child.status).toBe(7);
    expect(child.stdout).toMatch(/^exiting with \d+/);
  });

  it('an exception thrown in a completion callback surfaces as uncaughtException', () => {
    const child = runChild(
      `
      const { openSync } = await import('node:fs');
      process.on('uncaughtException', (error) => { console.log('caught ' + error.message); process.exit(42); });
      const port = tpio.createPort();
      if (port.backend !== process.env.TPIO_BACKEND) throw new Error('wrong backend ' + port.backend);
      const io = port.createIo(openSync(${JSON.stringify(dataFile)}, 'r'), () => { throw new Error('boom'); });
      io.start();
      io.read({ buffer: Buffer.alloc(10), position: 0 });
      `,
      backend,
    );
    expect(child.stdout.trim()).toBe('caught boom');
    expect(child.status).toBe(42);
  });

  // A FIFO opened O_RDWR does not block on open (Linux) and keeps a writer, so reads on it wait for
  // data. Reads a worker thread is already blocked in cannot be cancelled (threads engine): feed
  // them 16 bytes at a time until `done()` says everything called back.
  // Windows has no mkfifo (a named pipe would be a different object: \\.\pipe\, not a path in dir).
  const noFifo = process.platform === 'win32';
  function fifo(): number {
    const path = `${dir.path}/fifo-${Math.random().toString(36).slice(2)}`;
    execFileSync('mkfifo', [path]);
    return openSync(path, 'r+');
  }
  async function feedUntil(fd: number, done: () => boolean): Promise<void> {
    while (!done()) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (!done()) writeSync(fd, Buffer.alloc(16));
    }
  }

  it.skipIf(noFifo)('cancelIoEx ends reads that would never complete; each calls back exactly once', async () => {
    const fd = fifo();
    const port = createPort({ backend });
    try {
      const results: number[] = [];
      const io = port.createIo(fd, (_c, _r, result) => results.push(result));
      for (let i = 0; i < 8; i++) {
        io.start();
        io.read({ buffer: Buffer.alloc(16), position: -1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(results).toEqual([]);
      expect(io.cancelIoEx()).toBe(8);
      await feedUntil(fd, () => results.length === 8);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(results.length).toBe(8);
      for (const result of results) expect(result === -osConstants.errno.ECANCELED || result === 0).toBe(true);
      if (backend === 'uring') expect(results).toEqual(new Array(8).fill(-osConstants.errno.ECANCELED));
    } finally {
      await port.close();
      closeSync(fd);
    }
  });

  it.skipIf(noFifo)('waitForCallbacks(true) cancels in-flight reads and runs none of their callbacks', async () => {
    const fd = fifo();
    const port = createPort({ backend });
    try {
      let called = 0;
      const io = port.createIo(fd, () => called++);
      for (let i = 0; i < 8; i++) {
        io.start();
        io.read({ buffer: Buffer.alloc(16), position: -1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      let settled = false;
      const waiting = io.waitForCallbacks(true).then(() => (settled = true));
      await feedUntil(fd, () => settled);
      await waiting;
      expect(io.pending).toBe(0);
      expect(called).toBe(0);
    } finally {
      await port.close();
      closeSync(fd);
    }
  });
});

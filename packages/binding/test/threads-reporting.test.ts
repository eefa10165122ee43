// When the threads engine reports completions. A worker takes several queued ops at a time and
// reports them together (one wake-up of the JavaScript thread for the lot), but a large transfer
// ends its grab, so it is reported as soon as it is done: a read-ahead consumer should not wait
// for a copy taken after it.

import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort } from '../lib/index.js';

const large = 256 * 1024;
// A FIFO opened O_RDWR ('r+') does not block on open (Linux) and keeps a writer, so a read on it
// waits for data. Windows has no mkfifo.
const noFifo = process.platform === 'win32';

describe('threads engine: reporting completions', () => {
  const dir = useTempDir();

  it.skipIf(noFifo)('a large read is reported when it is done, before the op queued after it has finished', async () => {
    const port = createPort({ backend: 'threads', threads: 1 });
    const file = dir.randomFile('large.bin', large);
    const fileFd = openSync(file.path, 'r');
    const fifoPath = `${dir.path}/fifo`;
    execFileSync('mkfifo', [fifoPath]);
    const fifoFd = openSync(fifoPath, 'r+');
    const order: string[] = [];
    const fileBuffer = Buffer.alloc(large);
    let fed = false;
    try {
      await new Promise<void>((resolve) => {
        // Issued in one tick, so both are queued when the only worker wakes: the file read, then
        // the FIFO read, which blocks until something is written. The file read's callback does
        // the writing: had the worker taken both and reported them together, neither would ever
        // call back.
        const fileIo = port.createIo(fileFd, (_context, _request, result, bytes) => {
          order.push(`file ${result} ${bytes}`);
          writeSync(fifoFd, 'go');
          fed = true;
        });
        const fifoIo = port.createIo(fifoFd, (_context, _request, result, bytes) => {
          order.push(`fifo ${result} ${bytes}`);
          resolve();
        });
        fileIo.start();
        fileIo.read({ buffer: fileBuffer, position: 0 });
        fifoIo.start();
        fifoIo.read({ buffer: Buffer.alloc(large), position: -1 });
      });
    } finally {
      if (!fed) writeSync(fifoFd, 'go'); // on failure, let the blocked worker go so the port can close
      await port.close();
      closeSync(fileFd);
      closeSync(fifoFd);
    }
    expect(order).toEqual([`file 0 ${large}`, 'fifo 0 2']);
    expect(fileBuffer.equals(file.data)).toBe(true);
  }, 20_000);
});

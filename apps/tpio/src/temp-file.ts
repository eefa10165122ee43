// A temporary directory that is removed when the work ends, on an error, and on Ctrl-C / SIGTERM
// (the handlers remove it synchronously, then exit with 128 + the signal number, as shells expect).

import { mkdtempSync, openSync, closeSync, rmSync, writeSync, readSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  /** Removes the directory and its files; safe to call more than once. */
  remove(): void;
}

const signals = { SIGINT: 2, SIGTERM: 15 } as const;

/** Creates `<tmpdir>/tpio-XXXXXX`, removed by `remove()`, at exit, or when SIGINT/SIGTERM arrive. */
export function createTempDir(prefix = 'tpio-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  let removed = false;
  const handlers = new Map<NodeJS.Signals, () => void>();
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const [signal, handler] of handlers) process.off(signal, handler);
    process.off('exit', remove);
    rmSync(path, { recursive: true, force: true });
  };
  for (const [signal, number] of Object.entries(signals) as [NodeJS.Signals, number][]) {
    const handler = (): void => {
      remove();
      process.stderr.write(`\ntpio: interrupted (${signal}); removed ${path}\n`);
      process.exit(128 + number);
    };
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
  process.once('exit', remove);
  return { path, remove };
}

/**
 * Writes `size` bytes of random data to `path` (1 MiB at a time, so a large file never sits in
 * memory). Test fixture setup: plain node:fs, identical for every contender.
 */
export function writeRandomFile(path: string, size: number): void {
  const fd = openSync(path, 'w');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(size, 1 << 20));
    for (let written = 0; written < size; ) {
      const length = Math.min(buffer.length, size - written);
      randomFillSync(buffer, 0, length);
      written += writeSync(fd, buffer, 0, length, written);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the whole file so it sits in the page cache (this VM evicts pages idle for ~60 s, so each
 * benchmark case warms its file right before measuring).
 */
export function warm(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

// `tpio copy <src> <dest>`: @tpio/core copyFile (copy_file_range in the kernel where it can, a
// read-ahead pipeline where it cannot), with a progress bar on a TTY, --fsync for durability,
// no overwrite without --force, and the source's mode kept (copyFile does that, as node's does).

import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { copyFile, open, stat } from '@tpio/core';
import { byteProgress, type ByteProgress } from '../progress.js';

export interface CopyOptions {
  force?: boolean;
  fsync?: boolean;
  quiet?: boolean;
}

/** `cp src dir/` copies into the directory, as cp does. */
async function destinationPath(src: string, dest: string): Promise<string> {
  const stats = await stat(dest).catch(() => undefined);
  return stats?.isDirectory() === true ? join(dest, basename(src)) : dest;
}

/** Flushes the file's data and metadata, then (POSIX) its directory entry, to the device. */
async function makeDurable(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.sync();
  } finally {
    await file.close();
  }
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

export async function copy(src: string, dest: string, options: CopyOptions): Promise<void> {
  const target = await destinationPath(src, dest);
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let progress: ByteProgress | undefined; // made at the first report, which carries the total
  const started = performance.now();
  try {
    await copyFile(src, target, {
      mode: options.force === true ? 0 : constants.COPYFILE_EXCL,
      signal: controller.signal,
      onProgress: (done, total) => {
        progress ??= byteProgress('copy', total, options.quiet !== true, started);
        progress.update(done, total);
      },
    });
  } finally {
    progress?.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
  if (options.fsync === true) await makeDurable(target);
}

export function register(program: Command): void {
  program
    .command('copy')
    .description('copy a file through @tpio/core copyFile, with a progress bar on a TTY')
    .argument('<src>', 'file to copy')
    .argument('<dest>', 'destination file (or an existing directory)')
    .option('-f, --force', 'overwrite the destination if it exists')
    .option('--fsync', 'flush the copy to the device before exiting')
    .option('-q, --quiet', 'no progress bar')
    .addHelpText('after', '\nExample:\n  tpio copy big.iso /mnt/backup/ --fsync')
    .action((src: string, dest: string, options: CopyOptions) => copy(src, dest, options));
}

// `tpio hash <file...>`: node:crypto digests fed by @tpio/core's chunks() (reads kept in flight
// ahead of the hash). Output is sha256sum's format, so `sha256sum -c` (or md5sum -c, ...) checks it;
// `-` is standard input, as for sha256sum.

import { createHash, getHashes } from 'node:crypto';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { open } from '@tpio/core';
import { reportError } from '../errors.js';

export interface HashOptions {
  algorithm: string;
}

/** The hex digest of one file, or of standard input for `-`. */
export async function digest(path: string, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  if (path === '-') {
    for await (const chunk of process.stdin) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
  const file = await open(path, 'r');
  try {
    for await (const chunk of file.chunks({ chunkSize: 1 << 20, reuse: true })) hash.update(chunk);
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** A `*sum` line: names with a backslash or newline are escaped and the line starts with `\`. */
export function sumLine(hex: string, name: string): string {
  if (!/[\\\n\r]/.test(name)) return `${hex}  ${name}`;
  const escaped = name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  return `\\${hex}  ${escaped}`;
}

export async function hash(files: string[], options: HashOptions): Promise<void> {
  for (const file of files) {
    try {
      process.stdout.write(`${sumLine(await digest(file, options.algorithm), file)}\n`);
    } catch (error) {
      reportError(error); // as sha256sum: report, go on, fail at the end
      process.exitCode = 1;
    }
  }
}

function parseAlgorithm(name: string): string {
  const algorithm = name.toLowerCase();
  if (!getHashes().includes(algorithm)) throw new InvalidArgumentError(`unknown hash; try sha256, sha512, sha1, md5 (all: ${getHashes().length} in node:crypto).`);
  return algorithm;
}

export function register(program: Command): void {
  program
    .command('hash')
    .description('print file digests in the sha256sum format')
    .argument('<file...>', "files to hash ('-': standard input)")
    .addOption(new Option('-a, --algorithm <name>', 'any node:crypto hash').default('sha256').argParser(parseAlgorithm))
    .addHelpText('after', '\nExample:\n  tpio hash *.iso > SHA256SUMS && sha256sum -c SHA256SUMS')
    .action((files: string[], options: HashOptions) => hash(files, options));
}

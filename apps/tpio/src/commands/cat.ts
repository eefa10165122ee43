// `tpio cat <file...>`: files to stdout, in order, through tpio's createReadStream (`-` is standard
// input, as for cat). A reader that goes away (`tpio cat big | head`) is normal for a Unix filter:
// stop quietly and exit 0.

import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { createReadStream } from '@tpio/stream';
import { isBrokenPipe, reportError } from '../errors.js';

export async function cat(files: string[]): Promise<void> {
  for (const file of files) {
    try {
      await pipeline(file === '-' ? process.stdin : createReadStream(file), process.stdout, { end: false });
    } catch (error) {
      // main.ts exits quietly on stdout's EPIPE; a rejection may still name it first.
      if (isBrokenPipe(error)) return;
      reportError(error); // as cat: report, go on with the next file, fail at the end
      process.exitCode = 1;
    }
  }
}

export function register(program: Command): void {
  program
    .command('cat')
    .description('write files to stdout through @tpio/stream')
    .argument('<file...>', "files to write, in order ('-': standard input)")
    .addHelpText('after', '\nExamples:\n  tpio cat part1 part2 > whole\n  generate | tpio cat header - > whole')
    .action((files: string[]) => cat(files));
}

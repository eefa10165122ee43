#!/usr/bin/env node
// tpio: the sample CLI. Argument parsing (commander) and the command table live here; each command
// is one file in commands/. Exit codes: 0 success, 1 failure, 2 usage error, 130 interrupted.
// Errors are one line on stderr: `tpio: <node's message>`, never a stack.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { errorMessage, exitCode, isBrokenPipe, reportError } from './errors.js';
import * as bench from './commands/bench.js';
import * as copy from './commands/copy.js';
import * as cat from './commands/cat.js';
import * as hash from './commands/hash.js';
import * as doctor from './commands/doctor.js';

const commands = [bench, copy, cat, hash, doctor];

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function buildProgram(): Command {
  const program = new Command('tpio')
    .description('completion-based file I/O for Node.js: see what tpio is worth on this machine')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    // Settings made before .command() are inherited by every subcommand.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'tpio: ')) });
  for (const command of commands) command.register(program);
  program.addHelpText('after', '\nWith no command, tpio runs `tpio bench`. Run `tpio <command> --help` for details.');
  return program;
}

/** Maps a thrown value to the exit code, reporting it unless commander already did. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and --version "fail" with exit code 0; everything else commander throws is a usage error.
    return error.exitCode === 0 ? exitCode.ok : exitCode.usage;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    process.stderr.write(`tpio: interrupted (${errorMessage(error)})\n`);
    return exitCode.interrupted;
  }
  reportError(error);
  return exitCode.failure;
}

/**
 * With a default command, commander would hand an unknown command name to bench as an argument
 * ("too many arguments for 'bench'"): say what is really wrong.
 */
function checkCommandName(program: Command, args: string[]): void {
  const first = args[0];
  if (first === undefined || first.startsWith('-')) return;
  const names = program.commands.flatMap((command) => [command.name(), ...command.aliases()]);
  if (!names.includes(first) && first !== 'help') {
    program.error(`tpio: unknown command '${first}' (commands: ${names.join(', ')})`, { code: 'commander.unknownCommand', exitCode: exitCode.usage });
  }
}

// A reader that goes away (`tpio help | head -1`) ends the output, not the program with a stack:
// exit quietly; the 'exit' hooks still remove temporary files.
process.stdout.on('error', (error) => {
  if (isBrokenPipe(error)) process.exit(typeof process.exitCode === 'number' ? process.exitCode : exitCode.ok);
  reportError(error);
  process.exit(exitCode.failure);
});

try {
  const program = buildProgram();
  checkCommandName(program, process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

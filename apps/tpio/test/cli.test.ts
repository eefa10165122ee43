import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { tpio } from './helpers.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

describe('tpio (arguments, help, exit codes)', () => {
  it('--version prints the version', () => {
    expect(tpio(['--version'])).toMatchObject({ status: 0, stdout: `${version}\n` });
  });

  it('--help lists every command', () => {
    const result = tpio(['--help']);
    expect(result.status).toBe(0);
    for (const command of ['bench', 'copy', 'cat', 'hash', 'doctor']) expect(result.stdout).toContain(command);
  });

  it.each(['bench', 'copy', 'cat', 'hash', 'doctor'])('%s --help works', (command) => {
    const result = tpio([command, '--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: tpio ${command}`));
  });

  it.each([
    [['--bogus']],
    [['copy', 'only-one']],
    [['copy', 'a', 'b', 'c']],
    [['hash']],
    [['bench', '--runs', 'zero']],
    [['doctor', '--frobnicate']],
  ])('usage error %j exits 2 with a tpio: message', (args) => {
    const result = tpio(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^tpio: /);
    expect(result.stdout).toBe('');
  });

  it('an unknown command is a usage error', () => {
    // With a default command, commander reads `frobnicate` as bench's (unwanted) argument.
    expect(tpio(['frobnicate']).status).toBe(2);
  });
});

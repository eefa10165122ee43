import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { main, quote, sh, tpio } from './helpers.js';

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

  it('an unknown command is a usage error that names it', () => {
    const result = tpio(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^tpio: unknown command 'frobnicate'/);
  });

  it('help into a closed pipe exits 0 without a stack', () => {
    const result = sh(`${quote(process.execPath)} ${quote(main)} --help 2>&1 | head -c 5`);
    expect(result.stdout).toBe('Usage');
    expect(result.stderr).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { main, quote, sh, tpio } from './helpers.js';

describe('tpio cat', () => {
  const temp = useTempDir('tpio-cli-cat-');
  const big = temp.randomFile('big.bin', 8 * 1024 * 1024 + 5);
  const small = temp.randomFile('small.bin', 777);

  it('writes the files, in order, byte for byte', () => {
    const child = spawnSync(process.execPath, [main, 'cat', big.path, small.path], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    expect(child.status).toBe(0);
    expect(child.stderr.toString()).toBe('');
    expect(child.stdout.equals(Buffer.concat([big.data, small.data]))).toBe(true);
  });

  it("reads standard input for '-', between files, as cat does", () => {
    const input = temp.randomFile('input.bin', 300_000);
    const options = { input: input.data, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } };
    const ours = spawnSync(process.execPath, [main, 'cat', small.path, '-', small.path], options);
    const theirs = spawnSync('cat', [small.path, '-', small.path], options);
    expect(ours.status).toBe(0);
    expect(ours.stderr.toString()).toBe('');
    expect(ours.stdout.equals(Buffer.concat([small.data, input.data, small.data]))).toBe(true);
    expect(ours.stdout.equals(theirs.stdout)).toBe(true);
  });

  it('exits 0 without a word when the reader closes the pipe (tpio cat big | head -c 10)', () => {
    const statusFile = join(temp.path, 'status');
    const errorFile = join(temp.path, 'stderr');
    const tpioCat = `${quote(process.execPath)} ${quote(main)} cat ${quote(big.path)} ${quote(big.path)}`;
    // sh has no pipefail: the left side records its own exit status and stderr.
    const result = sh(`{ ${tpioCat} 2>${quote(errorFile)}; echo $? >${quote(statusFile)}; } | head -c 10 | wc -c`);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('10');
    expect(readFileSync(errorFile, 'utf8')).toBe('');
    expect(readFileSync(statusFile, 'utf8').trim()).toBe('0');
  });

  it('reports a missing file with node\'s message, goes on, and exits 1', () => {
    const missing = join(temp.path, 'missing');
    const child = spawnSync(process.execPath, [main, 'cat', missing, small.path], { env: { ...process.env, NO_COLOR: '1' } });
    expect(child.status).toBe(1);
    expect(child.stderr.toString()).toBe(`tpio: ENOENT: no such file or directory, open '${missing}'\n`);
    expect(child.stdout.equals(small.data)).toBe(true);
  });

  it('needs at least one file (usage error)', () => {
    expect(tpio(['cat']).status).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { tpio } from './helpers.js';

describe('tpio hash', () => {
  const temp = useTempDir('tpio-cli-hash-');
  const big = temp.randomFile('big.bin', 3 * 1024 * 1024 + 7);
  const small = temp.randomFile('small.bin', 1000);
  const empty = temp.file('empty.bin', '');

  it('prints what sha256sum prints', () => {
    const files = [big.path, small.path, empty];
    const ours = tpio(['hash', ...files]);
    const theirs = spawnSync('sha256sum', files, { encoding: 'utf8' });
    expect(ours.status).toBe(0);
    expect(ours.stderr).toBe('');
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('writes a list that sha256sum -c accepts (relative names too)', () => {
    const ours = tpio(['hash', 'big.bin', 'small.bin'], { cwd: temp.path });
    expect(ours.status).toBe(0);
    writeFileSync(join(temp.path, 'SHA256SUMS'), ours.stdout);
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: temp.path, encoding: 'utf8' });
    expect(check.status).toBe(0);
    expect(check.stdout).toBe('big.bin: OK\nsmall.bin: OK\n');
  });

  it("hashes standard input for '-', as sha256sum does", () => {
    const ours = tpio(['hash', small.path, '-'], { input: big.data });
    const theirs = spawnSync('sha256sum', [small.path, '-'], { input: big.data, encoding: 'utf8' });
    expect(ours.status).toBe(0);
    expect(ours.stderr).toBe('');
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('takes --algorithm', () => {
    const ours = tpio(['hash', '--algorithm', 'sha512', small.path]);
    expect(ours.stdout).toBe(`${createHash('sha512').update(small.data).digest('hex')}  ${small.path}\n`);
    const md5 = spawnSync('md5sum', [small.path], { encoding: 'utf8' });
    expect(tpio(['hash', '-a', 'md5', small.path]).stdout).toBe(md5.stdout);
  });

  it('rejects an unknown algorithm as a usage error', () => {
    const result = tpio(['hash', '--algorithm', 'nope', small.path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^tpio: .*nope/);
  });

  it('reports a missing file with node\'s message, goes on, and exits 1', () => {
    const missing = join(temp.path, 'missing');
    const result = tpio(['hash', missing, small.path]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`tpio: ENOENT: no such file or directory, open '${missing}'\n`);
    expect(result.stdout).toBe(`${createHash('sha256').update(small.data).digest('hex')}  ${small.path}\n`);
  });
});

import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { tpio } from './helpers.js';

describe('tpio copy', () => {
  const temp = useTempDir('tpio-cli-copy-');
  const source = temp.randomFile('source.bin', 5 * 1024 * 1024 + 123);

  it('makes a byte-identical copy', () => {
    const dest = join(temp.path, 'plain.bin');
    const result = tpio(['copy', source.path, dest]);
    expect(result).toMatchObject({ status: 0, stderr: '', stdout: '' });
    expect(readFileSync(dest).equals(source.data)).toBe(true);
  });

  it('makes a byte-identical copy with --fsync', () => {
    const dest = join(temp.path, 'durable.bin');
    const result = tpio(['copy', '--fsync', source.path, dest]);
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(dest).equals(source.data)).toBe(true);
  });

  it('copies an empty file', () => {
    const empty = temp.file('empty', '');
    const dest = join(temp.path, 'empty-copy');
    expect(tpio(['copy', empty, dest]).status).toBe(0);
    expect(statSync(dest).size).toBe(0);
  });

  it('copies into an existing directory under the source name', () => {
    const directory = join(temp.path, 'into');
    mkdirSync(directory);
    expect(tpio(['copy', source.path, directory]).status).toBe(0);
    expect(readFileSync(join(directory, 'source.bin')).equals(source.data)).toBe(true);
  });

  it('refuses to overwrite without --force, and overwrites with it', () => {
    const dest = temp.file('existing.bin', 'keep me');
    const refused = tpio(['copy', source.path, dest]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`tpio: EEXIST: file already exists, copyfile '${source.path}' -> '${dest}'\n`);
    expect(readFileSync(dest, 'utf8')).toBe('keep me');
    const forced = tpio(['copy', '--force', source.path, dest]);
    expect(forced.status).toBe(0);
    expect(readFileSync(dest).equals(source.data)).toBe(true);
  });

  it('preserves the mode', () => {
    const odd = temp.file('odd-mode.bin', 'x'.repeat(10_000));
    chmodSync(odd, 0o640);
    const dest = join(temp.path, 'odd-mode-copy.bin');
    expect(tpio(['copy', odd, dest]).status).toBe(0);
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    chmodSync(odd, 0o751);
    const overwritten = temp.file('overwritten.bin', 'old');
    expect(tpio(['copy', '-f', odd, overwritten]).status).toBe(0);
    expect(statSync(overwritten).mode & 0o777).toBe(0o751);
  });

  it('fails with node\'s message and exit 1 when the source is missing', () => {
    const missing = join(temp.path, 'missing');
    const dest = join(temp.path, 'never');
    const result = tpio(['copy', missing, dest]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`tpio: ENOENT: no such file or directory, copyfile '${missing}' -> '${dest}'\n`);
    expect(existsSync(dest)).toBe(false);
  });

  it('draws no progress bar when stderr is not a TTY (and none with --quiet)', () => {
    const dest = join(temp.path, 'quiet.bin');
    expect(tpio(['copy', '--quiet', source.path, dest]).stderr).toBe('');
  });
});

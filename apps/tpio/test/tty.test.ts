// The TTY-only behaviour (progress bar, color), run under util-linux `script`, which gives the
// child a pseudo-terminal. Skipped where `script` is missing.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { main, quote } from './helpers.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

/** Runs `command` on a pseudo-terminal; returns everything it drew. */
function onTty(command: string, env: NodeJS.ProcessEnv = {}): { status: number | null; output: string } {
  const child = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, TERM: 'xterm-256color', ...env } });
  return { status: child.status, output: child.stdout };
}

const escape = '\x1b[';

describe.skipIf(!hasScript)('on a TTY', () => {
  const temp = useTempDir('tpio-cli-tty-');
  const source = temp.randomFile('source.bin', 4 * 1024 * 1024);

  it('copy draws a progress bar with bytes, rate and ETA', () => {
    const dest = join(temp.path, 'copy.bin');
    const { status, output } = onTty(`${quote(process.execPath)} ${quote(main)} copy ${quote(source.path)} ${quote(dest)}`);
    expect(status).toBe(0);
    expect(output).toMatch(/100% \| 4 MiB \/ 4 MiB \| [\d.]+ [kMG]B\/s \| ETA/);
    expect(readFileSync(dest).equals(source.data)).toBe(true);
  });

  it('copy --quiet draws nothing', () => {
    const dest = join(temp.path, 'quiet.bin');
    const { status, output } = onTty(`${quote(process.execPath)} ${quote(main)} copy --quiet ${quote(source.path)} ${quote(dest)}`);
    expect(status).toBe(0);
    expect(output).toBe('');
  });

  it('colors doctor, unless NO_COLOR is set', () => {
    const command = `${quote(process.execPath)} ${quote(main)} doctor`;
    // Node itself turns color off under a generic CI=... (hasColors() is false there), so unset it.
    const colored = onTty(command, { NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined });
    expect(colored.output).toContain(escape);
    const plain = onTty(command, { NO_COLOR: '1', FORCE_COLOR: undefined });
    expect(plain.status).toBe(0);
    expect(plain.output).toMatch(/^backend\s+/);
    expect(plain.output).not.toContain(escape);
  });
});

describe('not on a TTY', () => {
  it('prints no color even without NO_COLOR', () => {
    const env = { ...process.env };
    delete env.NO_COLOR;
    const child = spawnSync(process.execPath, [main, 'doctor'], { encoding: 'utf8', env });
    expect(child.status).toBe(0);
    expect(child.stdout).not.toContain(escape);
  });
});

import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

it('the default job prints tpio beside node:fs', () => {
  const child = spawnSync(process.execPath, [main], { encoding: 'utf8', timeout: 120_000 });
  expect(child.status).toBe(0);
  expect(child.stdout).toMatch(/fs\.promises FileHandle\.read\s+\d+ k ops\/s/);
  expect(child.stdout).toMatch(/@tpio\/binding Io\.read\s+\d+ k ops\/s\s+[\d.]+x/);
});

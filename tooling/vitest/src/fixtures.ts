// Temporary directories and files of known random bytes, removed after each suite.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export interface TempDir {
  path: string;
  file(name: string, content?: Buffer | string): string;
  randomFile(name: string, size: number): { path: string; data: Buffer };
}

/** A temporary directory for the current suite, removed in afterAll. */
export function useTempDir(prefix = 'tpio-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(path, { recursive: true, force: true }));
  return {
    path,
    file(name, content) {
      const target = join(path, name);
      if (content !== undefined) writeFileSync(target, content);
      return target;
    },
    randomFile(name, size) {
      const data = randomBytes(size);
      const target = join(path, name);
      writeFileSync(target, data);
      return { path: target, data };
    },
  };
}

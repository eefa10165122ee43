// adviseHugePages(): advice only. It never changes bytes, refuses what is not a view with node's
// error, and reports whether the kernel took it (Linux with transparent huge pages enabled).

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { adviseHugePages } from '../lib/index.js';

function thpMode(): string | undefined {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

describe('adviseHugePages', () => {
  it('is taken for a buffer holding whole huge pages where the kernel has THP, and changes no byte', () => {
    const buffer = Buffer.allocUnsafeSlow(16 * 1024 * 1024);
    randomFillSync(buffer, 0, 1024 * 1024);
    const before = Buffer.from(buffer.subarray(0, 1024 * 1024));
    const taken = adviseHugePages(buffer);
    const mode = thpMode();
    expect(taken).toBe(process.platform === 'linux' && mode !== undefined && mode !== 'never');
    expect(buffer.subarray(0, 1024 * 1024).equals(before)).toBe(true);
  });

  it('is not taken for a view smaller than one aligned huge page', () => {
    expect(adviseHugePages(Buffer.alloc(4096))).toBe(false);
    expect(adviseHugePages(new Uint8Array(0))).toBe(false);
  });

  it('accepts any ArrayBufferView and refuses anything else with ERR_INVALID_ARG_TYPE', () => {
    expect(typeof adviseHugePages(new DataView(new ArrayBuffer(8)))).toBe('boolean');
    expect(typeof adviseHugePages(new Float64Array(4 * 1024 * 1024))).toBe('boolean');
    for (const value of [undefined, null, 1, 'x', {}, new ArrayBuffer(8)]) {
      expect(() => adviseHugePages(value as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
  });
});

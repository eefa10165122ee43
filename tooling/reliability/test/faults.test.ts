// @tpio/core (and @tpio/stream once merged) under native fault injection (TPIO_FAULTS): every call
// either completes with the right bytes or rejects with an injected, Node-shaped error; written
// data is checked with node:fs after the call; nothing hangs (the child has a deadline).

import { expect, it, describe } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, runNode } from './helpers.js';

const backends = process.env.TPIO_BACKEND && process.env.TPIO_BACKEND !== 'auto' ? [process.env.TPIO_BACKEND] : ['uring', 'threads'];

describe('core and stream under fault injection', () => {
  for (const backend of backends) {
    for (const spec of ['rate=0.05,errors=EIO:ENOSPC:EINTR,short=0.05,seed=1', 'rate=0.2,errors=EIO:ENOSPC:EINTR,short=0.3,seed=42']) {
      it(`[${backend}] ${spec}`, () => {
        const scratch = mkdtempSync(join(tmpdir(), 'tpio-rel-faults-core-'));
        try {
          const child = runNode([fixture('faults-core.mjs'), scratch], { env: { TPIO_FAULTS: spec, TPIO_BACKEND: backend }, timeout: 90_000 });
          expect(child.signal).toBeNull();
          if (child.status !== 0 && child.stdout === '') throw new Error(child.stderr);
          const report = JSON.parse(child.stdout);
          console.log(`[${report.backend}] ${spec}: ${JSON.stringify(report.counts)}; injected ${JSON.stringify(report.faults.byError)}, shortened ${report.faults.shortened}`);
          expect(report.violations).toEqual([]);
          expect(child.status).toBe(0);
          expect(report.faults.errors).toBeGreaterThan(0);
          expect(report.faults.retried).toBe(report.faults.interrupted);
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      }, 120_000);
    }

    // EINTR only: node retries interrupted reads and writes, so must tpio. Every call succeeds,
    // reads byte-exact and writes verified, and every simulated interruption was retried.
    it(`[${backend}] rate=0.3,errors=EINTR: callers never see EINTR`, () => {
      const scratch = mkdtempSync(join(tmpdir(), 'tpio-rel-faults-core-'));
      try {
        const child = runNode([fixture('faults-core.mjs'), scratch], { env: { TPIO_FAULTS: 'rate=0.3,errors=EINTR,seed=5', TPIO_BACKEND: backend }, timeout: 90_000 });
        expect(child.signal).toBeNull();
        if (child.status !== 0 && child.stdout === '') throw new Error(child.stderr);
        const report = JSON.parse(child.stdout);
        console.log(`[${report.backend}] EINTR only: ${JSON.stringify(report.counts)}; interrupted ${report.faults.interrupted}, retried ${report.faults.retried}`);
        expect(report.violations).toEqual([]);
        expect(child.status).toBe(0);
        for (const key of Object.keys(report.counts)) if (key !== 'streams') expect(key).toMatch(/:ok$/);
        expect(report.counts['stream:ok']).toBe(30);
        expect(report.faults.errors).toBe(0);
        expect(report.faults.interrupted).toBeGreaterThan(1000);
        expect(report.faults.retried).toBe(report.faults.interrupted);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    }, 120_000);
  }
});

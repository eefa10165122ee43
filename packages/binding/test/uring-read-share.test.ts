// The io_uring engine's share of small reads for the workers (src/linux/small_read_share.h): once
// the ring has seen reads complete inline (cached), and at least 16 are in flight, about 3 in 4
// small positioned reads run on the threads engine so that both cores copy. These tests check the
// bytes and results of reads on either side, that the hand-over happens only at a deep queue, that
// TPIO_URING_WORKER_SHARE=0 turns it off, and that cancel and close still find every read.
// (small-reads.test.ts and ops.test.ts check each result against node's on every engine.)

import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runNodeChild } from '@tpio/vitest-config/child';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { createPort, usableBackends } from '../lib/index.js';
import { errnoOf } from '../lib/errors.js';
import { promiseIo } from './helpers.js';

const child = fileURLToPath(new URL('./fixtures/share-child.mjs', import.meta.url));
const uring = usableBackends().includes('uring') && (process.env.TPIO_BACKEND ?? 'auto') !== 'threads';

describe.skipIf(!uring)('io_uring: small reads shared with the workers (skipped: io_uring not usable or TPIO_BACKEND=threads)', () => {
  const dir = useTempDir('tpio-share-');
  const { path } = dir.randomFile('share.bin', 1 << 20);
  readFileSync(path); // cached: the share needs reads that complete inside io_uring_enter

  async function share(depth: number, rounds: number, env: NodeJS.ProcessEnv = {}) {
    const outcome = await runNodeChild([child, path, String(depth), String(rounds)], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    expect(outcome.stderr).toBe('');
    expect(outcome.status).toBe(0);
    return JSON.parse(outcome.stdout) as { reads: number; mismatches: number; delegated: number };
  }

  it('at depth 64 about 3 in 4 reads run on the workers, and every read, short or past the end, is right', async () => {
    const { reads, mismatches, delegated } = await share(64, 60);
    expect(reads).toBe(64 * 60);
    expect(mismatches).toBe(0);
    // The first batches stay on the ring until it has seen them complete inline; in each later one
    // the first 16 go to the ring and the share is kept from there on.
    expect(delegated / reads).toBeGreaterThan(0.4);
    expect(delegated / reads).toBeLessThan(0.8);
  }, 90_000);

  it('below 16 in flight every read stays on the ring', async () => {
    const { reads, mismatches, delegated } = await share(15, 200);
    expect(reads).toBe(15 * 200);
    expect(mismatches).toBe(0);
    expect(delegated).toBe(0);
  }, 90_000);

  it('TPIO_URING_WORKER_SHARE=0 keeps every read on the ring', async () => {
    const { mismatches, delegated } = await share(64, 30, { TPIO_URING_WORKER_SHARE: '0' });
    expect(mismatches).toBe(0);
    expect(delegated).toBe(0);
  }, 90_000);

  it('cancelling deep batches finds every read, on the ring or on a worker, and the port goes on', async () => {
    const port = createPort({ backend: 'uring' });
    const fd = openSync(path, 'r');
    try {
      const { io, issue } = promiseIo(port, fd);
      const data = readFileSync(path);
      for (let round = 0; round < 30; round++) {
        const requests = Array.from({ length: 64 }, (_, i) => ({ buffer: Buffer.alloc(4096), position: ((round * 64 + i) * 4096) % data.length }));
        const pending = requests.map((request) => issue('read', request));
        if (round >= 10) io.cancelIoEx(); // the ring's async cancel, and the workers' queue
        for (const [i, { result, bytesTransferred }] of (await Promise.all(pending)).entries()) {
          if (result === errnoOf('ECANCELED')) {
            continue;
          }
          expect([result, bytesTransferred]).toEqual([0, 4096]);
          expect(requests[i]!.buffer.equals(data.subarray(requests[i]!.position, requests[i]!.position + 4096))).toBe(true);
        }
      }
      expect(port.delegatedOps).toBeGreaterThan(0);
      const after = await issue('read', { buffer: Buffer.alloc(10), position: 0 });
      expect([after.result, after.bytesTransferred]).toEqual([0, 10]);
    } finally {
      closeSync(fd);
      await port.close();
    }
  });

  it('closing the port with deep batches in flight cancels or finishes every read, the workers\' too', async () => {
    const data = readFileSync(path);
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = createPort({ backend: 'uring' });
      const fd = openSync(path, 'r');
      const { issue } = promiseIo(port, fd);
      const request = (i: number) => ({ buffer: Buffer.alloc(4096), position: i * 4096 });
      for (let round = 0; round < 12; round++) await Promise.all(Array.from({ length: 64 }, (_, i) => issue('read', request(i))));
      const requests = Array.from({ length: 64 }, (_, i) => request(i));
      const inFlight = requests.map((r) => issue('read', r));
      const delegated = port.delegatedOps;
      await port.close(); // cancels, and waits for every read
      closeSync(fd);
      expect(delegated).toBeGreaterThan(0);
      for (const [i, { result, bytesTransferred }] of (await Promise.all(inFlight)).entries()) {
        if (result === errnoOf('ECANCELED')) continue;
        expect([result, bytesTransferred]).toEqual([0, 4096]);
        expect(requests[i]!.buffer.equals(data.subarray(i * 4096, (i + 1) * 4096))).toBe(true);
      }
    }
  });
});

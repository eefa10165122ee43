// Many streams at once, destroyed at random points: every read in flight completes, every
// descriptor is closed, nothing is left on the port.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { usableBackends } from '@tpio/binding';
import { describeEachBackend } from '@tpio/vitest-config/backends';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { useBackend } from './conformance/harness.js';
import { createReadStream, createWriteStream } from '../src/index.js';
import { join } from 'node:path';

describeEachBackend(usableBackends(), (backend) => {
  useBackend(backend);
  const dir = useTempDir('tpio-stream-stress-');
  const { path: file, data } = dir.randomFile('data.bin', 1_000_003);

  describe('concurrency', () => {
    it('32 readers, a third destroyed mid-stream, with different depths and chunk sizes', async () => {
      const runs = Array.from({ length: 32 }, (_, i) => new Promise<void>((resolve, reject) => {
        const stream = createReadStream(file, { highWaterMark: 1000 + i * 4099, depth: 1 + (i % 6) });
        const parts: Buffer[] = [];
        stream.on('data', (chunk) => {
          parts.push(chunk as Buffer);
          if (i % 3 === 0 && parts.length === 3) stream.destroy();
        });
        stream.on('error', reject);
        stream.on('close', () => {
          const got = Buffer.concat(parts);
          expect(got.equals(data.subarray(0, got.length))).toBe(true);
          if (i % 3 !== 0) expect(got.length).toBe(data.length);
          expect(stream.fd).toBe(null);
          resolve();
        });
      }));
      await Promise.all(runs);
    });

    it('16 writers at once', async () => {
      await Promise.all(Array.from({ length: 16 }, async (_, i) => {
        const out = join(dir.path, `w${i}.bin`);
        const stream = createWriteStream(out, { highWaterMark: 1024 * (i + 1) });
        const closed = new Promise((resolve) => stream.once('close', resolve));
        for (let offset = 0; offset < data.length; offset += 7001 * (i + 1)) {
          if (!stream.write(data.subarray(offset, offset + 7001 * (i + 1)))) await new Promise((resolve) => stream.once('drain', resolve));
        }
        stream.end();
        await closed;
        expect(fs.readFileSync(out).equals(data)).toBe(true);
      }));
    });
  });
});

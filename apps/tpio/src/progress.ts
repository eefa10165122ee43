// A byte-progress bar (cli-progress) with bytes done / total, rate and ETA, drawn on stderr.
// Only on a TTY: piped or redirected output gets no bar at all.

import { SingleBar } from 'cli-progress';
import { formatBytes, formatRate } from './format.js';

export interface ByteProgress {
  update(done: number, total: number): void;
  stop(): void;
}

const none: ByteProgress = { update() {}, stop() {} };

/**
 * A progress bar for `total` bytes, or a no-op when `enabled` is false or stderr is not a TTY.
 * `started` (a performance.now() time) is when the work began, for the rate.
 */
export function byteProgress(label: string, total: number, enabled: boolean, started = performance.now()): ByteProgress {
  if (!enabled || process.stderr.isTTY !== true) return none;
  const bar = new SingleBar({
    format: `${label} {bar} {percentage}% | {done} / {size} | {rate} | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
    barsize: 30,
  });
  const payload = (done: number, size: number) => ({
    done: formatBytes(done),
    size: formatBytes(size),
    rate: formatRate(done / Math.max((performance.now() - started) / 1000, 1e-3)),
  });
  bar.start(total, 0, payload(0, total));
  return {
    update(done, size) {
      if (size !== bar.getTotal()) bar.setTotal(size);
      bar.update(done, payload(done, size));
    },
    stop() {
      bar.stop();
    },
  };
}

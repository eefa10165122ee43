// Runs inside a contender's child process: one measurement window of `duration` seconds with CPU
// time (process.cpuUsage: all threads) and event-loop delay (monitorEventLoopDelay) for the window.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Measurement } from './harness.js';

export class Meter {
  ops = 0;
  bytes = 0;
  /** Becomes true when the window closes: stop issuing, let in-flight work drain. */
  stopped = false;
  #result: Measurement | undefined;

  /** Runs `body` (which must resolve once its in-flight work has drained after `stopped`). */
  async run(duration: number, body: (meter: Meter) => Promise<void>): Promise<Measurement> {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    const timer = setTimeout(() => {
      const cpuNow = process.cpuUsage(cpu);
      delay.disable();
      this.#result = {
        ops: this.ops,
        bytes: this.bytes,
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
        cpuUs: cpuNow.user + cpuNow.system,
        loopP99Ms: delay.percentile(99) / 1e6,
      };
      this.stopped = true;
    }, duration * 1000);
    await body(this);
    clearTimeout(timer);
    if (!this.#result) throw new Error('the contender finished before its measurement window closed');
    return this.#result;
  }
}

/** Measures `body` from start to finish (fixed work, e.g. reading a whole file). */
export async function measureOnce(body: (meter: Meter) => Promise<void>): Promise<Measurement> {
  const meter = new Meter();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await body(meter);
  const cpuNow = process.cpuUsage(cpu);
  delay.disable();
  return {
    ops: meter.ops,
    bytes: meter.bytes,
    seconds: Number(process.hrtime.bigint() - start) / 1e9,
    cpuUs: cpuNow.user + cpuNow.system,
    loopP99Ms: delay.percentile(99) / 1e6,
  };
}

/** xorshift32: the same cheap generator the native loops use. The state lives in a typed array so
 * that values above 2^30 are never boxed (a closure variable would allocate a heap number per call,
 * and the garbage would show up as scavenges in every contender's event-loop delay). */
export function randomBlocks(blocks: number, seed = 2463534242): () => number {
  const state = new Uint32Array([seed]);
  return () => {
    let x = state[0]!;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    state[0] = x;
    return state[0]! % blocks;
  };
}

/** Resolves after `seconds` on an idle loop: the event-loop delay baseline. */
export async function idle(duration: number): Promise<Measurement> {
  return new Meter().run(duration, (meter) => new Promise((resolve) => {
    const poll = setInterval(() => {
      if (meter.stopped) {
        clearInterval(poll);
        resolve();
      }
    }, 50);
  }));
}

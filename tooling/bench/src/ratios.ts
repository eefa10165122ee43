// Ratios between two contenders of one case. The table's headline ratio divides the medians; the
// per-round ratios divide the two measurements of the same round (taken minutes apart at most, so
// slow drift of this shared VM hits both), and their range shows how far one run can be trusted.

import type { Measurement } from './harness.js';

/** Bytes per second of one measurement (the rate every ratio compares), or null if it moved nothing. */
function rate(run: Measurement | undefined): number | null {
  return run !== undefined && run.seconds > 0 && run.bytes > 0 ? run.bytes / run.seconds : null;
}

/** `rounds[i] / baseRounds[i]` by throughput for each round both measured; null where either did not. */
export function pairedRatios(rounds: readonly (Measurement | undefined)[], baseRounds: readonly (Measurement | undefined)[]): (number | null)[] {
  return rounds.map((run, round) => {
    const mine = rate(run);
    const base = rate(baseRounds[round]);
    return mine === null || base === null ? null : mine / base;
  });
}

/** The smallest and largest of the ratios that exist, or null when fewer than two do. */
export function ratioRange(ratios: readonly (number | null)[]): [number, number] | null {
  const present = ratios.filter((ratio): ratio is number => ratio !== null);
  return present.length < 2 ? null : [Math.min(...present), Math.max(...present)];
}

import { describe, expect, it } from 'vitest';
import type { BenchCase, Measurement } from './harness.js';
import { pairedRatios, ratioRange } from './ratios.js';
import { formatTable, summarize } from './report.js';

/** A measurement that moved `gb` GB in one second. */
function run(gb: number): Measurement {
  return { ops: gb * 1000, bytes: gb * 1e9, seconds: 1, cpuUs: 1000 };
}

const benchCase: BenchCase = {
  id: 'test/case',
  title: 'a case',
  contenders: ['tpio', 'node'].map((name) => ({ name, run: () => Promise.reject(new Error('not run')) })),
  baselines: { 'x node': 'node' },
};

describe('pairedRatios', () => {
  it('divides the two measurements of each round by throughput', () => {
    expect(pairedRatios([run(2), run(3), run(4)], [run(1), run(3), run(8)])).toEqual([2, 1, 0.5]);
  });

  it('gives null for a round either contender has no measurement of, or moved nothing in', () => {
    expect(pairedRatios([run(2), undefined, run(1)], [run(1), run(1), { ...run(1), bytes: 0 }])).toEqual([2, null, null]);
  });
});

describe('ratioRange', () => {
  it('is the lowest and highest ratio present', () => {
    expect(ratioRange([1.2, null, 0.8, 1])).toEqual([0.8, 1.2]);
  });

  it('is null with fewer than two ratios', () => {
    expect(ratioRange([1.2, null])).toBeNull();
    expect(ratioRange([])).toBeNull();
  });
});

describe('summarize', () => {
  it('keeps the ratio of the medians and adds the ratios paired by round', () => {
    const rounds = new Map([
      ['tpio', [run(2), run(6), run(4)]],
      ['node', [run(2), run(2), run(4)]],
    ]);
    const [tpio, node] = summarize(benchCase, rounds, new Map()).results;
    expect(tpio!.ratios['x node']).toBeCloseTo(2, 10); // median 4 over median 2
    expect(tpio!.roundRatios['x node']).toEqual([1, 3, 1]);
    expect(node!.roundRatios['x node']).toEqual([1, 1, 1]);
  });

  it('pairs by round number when a contender failed a round', () => {
    const rounds = new Map([
      ['tpio', [undefined, run(6), run(4)]],
      ['node', [run(2), run(3), run(1)]],
    ]);
    const [tpio] = summarize(benchCase, rounds, new Map()).results;
    expect(tpio!.runs).toHaveLength(2);
    expect(tpio!.roundRatios['x node']).toEqual([null, 2, 4]);
  });
});

describe('formatTable', () => {
  it('prints the per-round range under the ratio column', () => {
    const rounds = new Map([
      ['tpio', [run(2), run(6), run(4)]],
      ['node', [run(2), run(2), run(4)]],
    ]);
    const lines = formatTable([summarize(benchCase, rounds, new Map())], undefined, 3).split('\n');
    const row = lines.findIndex((line) => line.startsWith('tpio '));
    expect(lines[row]).toMatch(/ 2\.00x$/);
    expect(lines[row + 1]).toMatch(/^ {2}\(per-round range\) +1\.00-3\.00$/);
    // The range ends where the ratio above it ends.
    expect(lines[row + 1]!.length).toBe(lines[row]!.length);
    // The baseline has no range under its own column.
    const baseline = lines.findIndex((line) => line.startsWith('node '));
    expect(lines[baseline + 1] ?? '').not.toContain('per-round');
  });

  it('prints no range row for a single run', () => {
    const rounds = new Map([
      ['tpio', [run(2)]],
      ['node', [run(1)]],
    ]);
    expect(formatTable([summarize(benchCase, rounds, new Map())], undefined, 1)).not.toContain('per-round');
  });
});

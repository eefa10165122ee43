// Turns raw measurements into medians and ratios, and prints them as a table or JSON.

import type { BenchCase, CaseResult, ContenderResult, Measurement } from './harness.js';
import { median } from './harness.js';
import { pairedRatios, ratioRange } from './ratios.js';

/**
 * Medians and ratios of one case. `rounds` holds each contender's measurement of every round, by
 * round number (a hole where that round failed), so that ratios can be paired round by round.
 */
export function summarize(benchCase: BenchCase, rounds: Map<string, (Measurement | undefined)[]>, skipped: Map<string, string>): CaseResult {
  const results: ContenderResult[] = benchCase.contenders.map((contender) => {
    const measured = (rounds.get(contender.name) ?? []).filter((run): run is Measurement => run !== undefined);
    const result: ContenderResult = { name: contender.name, runs: measured, ratios: {}, roundRatios: {} };
    const reason = skipped.get(contender.name);
    if (reason !== undefined) result.skipped = reason;
    if (measured.length > 0) {
      const loop = measured.filter((run) => run.loopP99Ms !== undefined).map((run) => run.loopP99Ms!);
      const median_: NonNullable<ContenderResult['median']> = {
        ops: median(measured.map((run) => run.ops)),
        bytes: median(measured.map((run) => run.bytes)),
        seconds: median(measured.map((run) => run.seconds)),
        cpuUs: median(measured.map((run) => run.cpuUs)),
        opsPerSec: median(measured.map((run) => run.ops / run.seconds)),
        gbPerSec: median(measured.map((run) => run.bytes / run.seconds / 1e9)),
        cpuUsPerOp: median(measured.map((run) => (run.ops > 0 ? run.cpuUs / run.ops : 0))),
      };
      if (loop.length > 0) median_.loopP99Ms = median(loop);
      result.median = median_;
    }
    return result;
  });
  for (const result of results) {
    for (const [label, baseline] of Object.entries(benchCase.baselines)) {
      const base = results.find((candidate) => candidate.name === baseline)?.median;
      result.ratios[label] = base && result.median && base.gbPerSec > 0 ? result.median.gbPerSec / base.gbPerSec : null;
      result.roundRatios[label] = pairedRatios(rounds.get(result.name) ?? [], rounds.get(baseline) ?? []);
    }
  }
  const result: CaseResult = { id: benchCase.id, title: benchCase.title, baselines: benchCase.baselines, results };
  if (benchCase.notes) result.notes = benchCase.notes;
  return result;
}

/** Widths of the fixed columns (contender, ops/s, GB/s, CPU µs/op, loop p99 ms) and of each ratio column. */
const columnWidths = [28, 11, 7, 10, 12];
const ratioWidth = 13;

/** One line of a case's table: the first column left-aligned, the rest right-aligned. */
function tableRow(cells: string[], ratioCells: string[] = []): string {
  const fixedCells = cells.map((cell, i) => (i === 0 ? cell.padEnd(columnWidths[0]!) : cell.padStart(columnWidths[i]!)));
  const blanks = ratioCells.length > 0 ? columnWidths.slice(cells.length).map((width) => ''.padStart(width)) : [];
  return [...fixedCells, ...blanks, ...ratioCells.map((cell) => cell.padStart(ratioWidth))].join(' ');
}

function fixed(value: number | undefined | null, digits: number): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits);
}

/**
 * The row under a contender's: the lowest and highest per-round ratio under each ratio column
 * (left blank under its own column, where every ratio is 1).
 */
function rangeRow(row: ContenderResult, ratioLabels: string[], baselines: Record<string, string>): string | undefined {
  const ranges = ratioLabels.map((label) => (baselines[label] === row.name ? null : ratioRange(row.roundRatios[label] ?? [])));
  if (ranges.every((range) => range === null)) return undefined;
  return tableRow(['  (per-round range)'], ranges.map((range) => (range === null ? '' : `${range[0].toFixed(2)}-${range[1].toFixed(2)}`))).trimEnd();
}

export function formatTable(results: CaseResult[], idleP99Ms: number | undefined, runs: number): string {
  const lines: string[] = [];
  lines.push(`medians of ${runs} run(s); ratios are throughput ratios measured in this run`);
  if (runs > 1) lines.push('(per-round range): the lowest and highest ratio of two contenders measured in the same round');
  if (idleP99Ms !== undefined) lines.push(`event-loop delay p99 of an idle Node process: ${idleP99Ms.toFixed(2)} ms`);
  for (const result of results) {
    lines.push('');
    lines.push(`## ${result.id}: ${result.title}`);
    const ratioLabels = Object.keys(result.results[0]?.ratios ?? {});
    lines.push(tableRow(['contender', 'ops/s', 'GB/s', 'CPU µs/op', 'loop p99 ms'], ratioLabels));
    for (const row of result.results) {
      if (!row.median) {
        lines.push(`${tableRow([row.name])} skipped: ${row.skipped ?? 'failed'}`);
        continue;
      }
      const m = row.median;
      if (m.ops === 0) {
        lines.push(tableRow([row.name, '-', '-', '-', fixed(m.loopP99Ms, 2)]));
        continue;
      }
      lines.push(
        tableRow(
          [row.name, m.opsPerSec >= 1e5 ? `${(m.opsPerSec / 1e6).toFixed(3)} M` : m.opsPerSec.toFixed(0), fixed(m.gbPerSec, 2), fixed(m.cpuUsPerOp, 2), fixed(m.loopP99Ms, 2)],
          ratioLabels.map((label) => (row.ratios[label] == null ? '-' : `${row.ratios[label]!.toFixed(2)}x`)),
        ),
      );
      const range = rangeRow(row, ratioLabels, result.baselines);
      if (range !== undefined) lines.push(range);
    }
    for (const note of result.notes ?? []) lines.push(`  ${note}`);
  }
  return lines.join('\n');
}

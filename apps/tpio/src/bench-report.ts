// The bench's results: one row per node:fs contender against tpio, with medians and the speed-up,
// as an aligned table or as JSON (`--json`, the same numbers).

import { formatBytes, styler, table, useColor } from './format.js';
import type { BenchCase } from './bench-cases.js';

export interface Measured {
  api: string;
  /** Median of the runs, in the row's unit. */
  median: number;
  runs: number[];
}

export interface BenchRow {
  case: string;
  name: string;
  unit: 'ops/s' | 'GB/s';
  node: Measured;
  tpio: Measured;
  /** tpio's median over node's: above 1 means tpio is faster. */
  speedup: number;
}

export interface BenchReport {
  backend: string;
  fallbackReason: string | null;
  file: { path: string; size: number; temporary: boolean };
  runs: number;
  durationMs: number;
  rows: BenchRow[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Rates as measured (per second) -> the unit shown: ops/s as is, bytes/s as GB/s. */
export function measured(unit: BenchCase['unit'], api: string, rates: number[]): Measured {
  const runs = rates.map((rate) => (unit === 'GB/s' ? rate / 1e9 : rate));
  return { api, median: median(runs), runs };
}

function formatValue(unit: BenchRow['unit'], value: number): string {
  if (unit === 'GB/s') return `${value.toFixed(2)} GB/s`;
  return value >= 1e6 ? `${(value / 1e6).toFixed(2)} M ops/s` : `${(value / 1e3).toFixed(0)} k ops/s`;
}

export function renderTable(report: BenchReport): string {
  const paint = styler(useColor(process.stdout));
  const engine = `${report.backend}${report.fallbackReason ? ` (${report.fallbackReason})` : ''}`;
  const source = report.file.temporary ? 'temporary file' : report.file.path;
  const header = [
    `tpio bench: ${formatBytes(report.file.size)} ${source}, backend ${engine}`,
    `median of ${report.runs} run${report.runs === 1 ? '' : 's'} per contender, contenders alternated, file warmed before each case`,
    '',
  ];
  const rows = [['', 'node:fs', 'tpio', 'speed-up']];
  for (const row of report.rows) rows.push([row.name, formatValue(row.unit, row.node.median), formatValue(row.unit, row.tpio.median), `${row.speedup.toFixed(2)}x`]);
  const body = table(rows, (r, column, text) => {
    if (r === 0) return paint('bold', text);
    const speedup = report.rows[r - 1]!.speedup;
    if (column !== 3 || (speedup > 0.95 && speedup < 1.05)) return text;
    return paint(speedup >= 1.05 ? 'green' : 'red', text);
  });
  const legend = ['', 'node:fs vs tpio, per row:'];
  for (const row of report.rows) legend.push(`  ${row.name}: ${row.node.api} vs ${row.tpio.api}`);
  legend.push('Ratios come from the same run; on a busy or shared machine trust them over absolute numbers.');
  return [...header, body, ...legend.map((line) => paint('dim', line))].join('\n');
}

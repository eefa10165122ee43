// Formatting for the CLI's output: sizes, rates, durations, aligned tables and (optional) color.
// Color only on a TTY that has colors: Node's hasColors() already honours NO_COLOR and FORCE_COLOR.

import { styleText } from 'node:util';
import { InvalidArgumentError } from 'commander';

const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `268435456` -> `256 MiB`, `1536` -> `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < binaryUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${value.toFixed(digits)} ${binaryUnits[unit]}`;
}

/** Bytes per second as `1.23 GB/s` / `456 MB/s` (decimal units, as disk and bench figures usually are). */
export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1e9) return `${(bytesPerSecond / 1e9).toFixed(2)} GB/s`;
  if (bytesPerSecond >= 1e6) return `${(bytesPerSecond / 1e6).toFixed(0)} MB/s`;
  return `${(bytesPerSecond / 1e3).toFixed(0)} kB/s`;
}

/** Operations per second as `652 k ops/s` or `1.16 M ops/s`. */
export function formatOps(opsPerSecond: number): string {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M ops/s`;
  return `${(opsPerSecond / 1e3).toFixed(0)} k ops/s`;
}

const sizeUnits: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kib: 1024, kb: 1e3,
  m: 1024 ** 2, mib: 1024 ** 2, mb: 1e6,
  g: 1024 ** 3, gib: 1024 ** 3, gb: 1e9,
};

/**
 * Parses `16MiB`, `256M` (binary), `1GB` (decimal), `4096`. A commander argParser: bad input is
 * a usage error.
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match === null ? undefined : sizeUnits[match[2]!.toLowerCase()];
  if (match === null || unit === undefined) throw new InvalidArgumentError('expected a size such as 4096, 16MiB, 256M or 1GB.');
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes)) throw new InvalidArgumentError('size too large.');
  return bytes;
}

/** A commander argParser for positive integers within [min, max]. */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    return value;
  };
}

/** Whether to color output written to `stream`: a TTY with colors, no NO_COLOR. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && typeof stream.hasColors === 'function' && stream.hasColors();
}

type Style = Parameters<typeof styleText>[0];

/** A styler that colors only when `enabled`. */
export function styler(enabled: boolean): (style: Style, text: string) => string {
  return enabled ? (style, text) => styleText(style, text) : (_style, text) => text;
}

/** Right-aligns every column but the first; `widths` come from the plain text (before color). */
export function table(rows: string[][], paint: (row: number, column: number, text: string) => string = (_r, _c, text) => text): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows
    .map((row, r) => row.map((cell, column) => paint(r, column, column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { useTempDir } from '@tpio/vitest-config/fixtures';
import { main, tpio } from './helpers.js';

interface Row {
  case: string;
  unit: string;
  node: { api: string; median: number; runs: number[] };
  tpio: { api: string; median: number; runs: number[] };
  speedup: number;
}

describe('tpio bench', () => {
  const temp = useTempDir('tpio-cli-bench-');
  // The child's os.tmpdir(): its own, so other runs on this machine cannot disturb the count.
  const childTmp = join(temp.path, 'tmp');
  mkdirSync(childTmp);
  const env = { TMPDIR: childTmp };
  const benchDirs = (): string[] => readdirSync(childTmp).filter((name) => name.startsWith('tpio-bench-')).sort();

  it('--size 16MiB --json prints every row with positive numbers, and the backend', () => {
    const result = tpio(['bench', '--size', '16MiB', '--json'], { env });
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { backend: string; file: { size: number; temporary: boolean }; rows: Row[] };
    expect(['uring', 'threads', 'win-tp']).toContain(report.backend);
    expect(report.file).toMatchObject({ size: 16 * 1024 * 1024, temporary: true });
    expect(report.rows.map((row) => row.case)).toEqual(['random-read-4k-qd64', 'sequential-read-stream', 'copy', 'copy']);
    expect(report.rows.map((row) => row.node.api)).toEqual([
      'fs.promises FileHandle.read',
      'fs.createReadStream',
      'stream.pipeline(fs.createReadStream, fs.createWriteStream)',
      'fs.promises.copyFile',
    ]);
    for (const row of report.rows) {
      expect(row.unit).toBe(row.case.startsWith('random') ? 'ops/s' : 'GB/s');
      for (const value of [row.node.median, row.tpio.median, row.speedup, ...row.node.runs, ...row.tpio.runs]) {
        expect(value).toBeGreaterThan(0);
        expect(Number.isFinite(value)).toBe(true);
      }
      expect(row.node.runs).toHaveLength(3);
    }
    expect(benchDirs()).toEqual([]); // its temporary file is gone
  });

  it('prints a table with the backend and a speed-up per row', () => {
    const result = tpio(['bench', '--size', '1MiB', '--runs', '1', '--duration', '50']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/backend (uring|threads|win-tp)/);
    expect(result.stdout).toMatch(/4 KiB random reads, queue depth 64\s+\d+ k ops\/s\s+\d+ k ops\/s\s+[\d.]+x/);
    expect(result.stdout).toMatch(/sequential read, createReadStream\s+[\d.]+ GB\/s\s+[\d.]+ GB\/s\s+[\d.]+x/);
    expect(result.stdout).toMatch(/copy vs fs\.promises\.copyFile\s+[\d.]+ GB\/s\s+[\d.]+ GB\/s\s+[\d.]+x/);
  });

  it('--file measures an existing file and leaves it alone', () => {
    const file = temp.randomFile('mine.bin', 1024 * 1024);
    const result = tpio(['bench', '--file', file.path, '--runs', '1', '--duration', '50', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).file).toEqual({ path: file.path, size: 1024 * 1024, temporary: false });
    expect(readdirSync(temp.path).sort()).toEqual(['mine.bin', 'tmp']);
  });

  it('rejects a bad --size as a usage error', () => {
    expect(tpio(['bench', '--size', 'lots']).status).toBe(2);
    expect(tpio(['bench', '--size', '1KiB']).status).toBe(2);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('removes its temporary file on %s', async (signal, expected) => {
    const child = spawn(process.execPath, [main, 'bench', '--size', '8MiB', '--duration', '5000'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Wait until the bench has made its directory, then interrupt it.
    for (let tries = 0; tries < 200 && benchDirs().length === 0; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(benchDirs()).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(expected);
    expect(stderr).toMatch(/interrupted/);
    expect(benchDirs()).toEqual([]);
  });
});

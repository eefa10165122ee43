import { describe, expect, it } from 'vitest';
import { tpio } from './helpers.js';

describe('tpio doctor', () => {
  it('names the backend, the kernel, Node and the addon', () => {
    const result = tpio(['doctor']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^backend\s+(uring|threads|win-tp)/m);
    expect(result.stdout).toMatch(/^kernel\s+\S+/m);
    expect(result.stdout).toContain(process.version);
    expect(result.stdout).toMatch(/^addon\s+\S+\.node$/m);
  });

  it('--json has the same facts', () => {
    const report = JSON.parse(tpio(['doctor', '--json']).stdout);
    expect(['uring', 'threads', 'win-tp']).toContain(report.backend);
    expect(report.node).toBe(process.version);
    expect(report.napiVersion).toBeGreaterThan(0);
    expect(Array.isArray(report.uringOps)).toBe(true);
    if (report.backend !== 'uring') expect(typeof report.fallbackReason).toBe('string');
  });

  it('honours TPIO_BACKEND=threads', () => {
    const report = JSON.parse(tpio(['doctor', '--json'], { env: { TPIO_BACKEND: 'threads' } }).stdout);
    expect(report).toMatchObject({ backend: 'threads', requestedBackend: 'threads', fallbackReason: 'forced by TPIO_BACKEND=threads' });
  });

  it.skipIf(process.platform === 'win32')('still reports, and exits 1, when TPIO_BACKEND names an engine that cannot run', () => {
    const result = tpio(['doctor'], { env: { TPIO_BACKEND: 'win-tp' } });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^backend\s+none — \S/m);
    expect(result.stdout).not.toContain('tpio: tpio:');
    expect(result.stdout).toMatch(/^kernel\s+\S+/m);
  });
});

// `tpio doctor`: what runs here and why — the engine core uses (and the fallback reason when it is
// not the fast one), the kernel and its io_uring opcodes, Node and Node-API versions, the addon.

import type { Command } from 'commander';
import { probe } from '@tpio/binding';
import { backendChoice } from '../backend.js';
import { styler, useColor } from '../format.js';
import { errorMessage } from '../errors.js';

export interface DoctorOptions {
  json?: boolean;
}

/** Everything doctor knows, as one plain object (the `--json` output). */
export function diagnose(): Record<string, unknown> {
  const report = probe();
  const requested = process.env.TPIO_BACKEND ?? null;
  let backend: string | null = null;
  let fallbackReason: string | null = null;
  let backendError: string | null = null;
  try {
    ({ backend, fallbackReason } = backendChoice());
  } catch (error) {
    backendError = errorMessage(error); // e.g. TPIO_BACKEND names an engine that cannot run here
  }
  return {
    backend,
    fallbackReason,
    backendError,
    requestedBackend: requested,
    compiledBackends: report.backends,
    platform: `${process.platform}-${process.arch}`,
    kernel: report.kernel,
    uringOps: report.uringOps,
    uringError: report.uringError,
    node: process.version,
    napiVersion: report.napiVersion,
    addonPath: report.addonPath,
  };
}

function uringLine(ops: string[], error: string | null): string {
  if (ops.length > 0) return `${ops.length} opcodes: ${ops.join(', ')}`;
  return error === null ? 'none reported' : `unavailable (${error})`;
}

export function doctor(options: DoctorOptions): void {
  const info = diagnose();
  if (info.backend === null) process.exitCode = 1; // the engine asked for cannot run: say so, and fail
  if (options.json === true) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  const paint = styler(useColor(process.stdout));
  const fast = info.backend !== 'threads';
  const backend = info.backend === null
    ? paint('red', `none — ${info.backendError}`)
    : `${paint(fast ? 'green' : 'yellow', String(info.backend))}${info.fallbackReason ? ` — ${info.fallbackReason}` : ''}`;
  const rows = [
    ['backend', backend],
    ['TPIO_BACKEND', String(info.requestedBackend ?? '(unset: auto)')],
    ['engines built', (info.compiledBackends as string[]).join(', ')],
    ['platform', String(info.platform)],
    ['kernel', String(info.kernel)],
    ['io_uring', uringLine(info.uringOps as string[], info.uringError as string | null)],
    ['node', `${info.node} (Node-API ${info.napiVersion})`],
    ['addon', String(info.addonPath)],
  ];
  const width = Math.max(...rows.map(([name]) => name!.length));
  for (const [name, value] of rows) process.stdout.write(`${paint('bold', name!.padEnd(width))}  ${value}\n`);
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description('show which engine runs and why, the kernel, io_uring support, Node and the addon')
    .option('--json', 'print the report as JSON')
    .action((options: DoctorOptions) => doctor(options));
}

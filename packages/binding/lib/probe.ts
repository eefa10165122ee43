// What the engine can do on this machine: for `tpio doctor` and bug reports.

import { loadAddon, type FaultReport, type WinTpCounters } from './load.js';
import { Port } from './port.js';
import type { BackendName } from './types.js';

/** The result of {@link probe}. */
export interface ProbeReport {
  /** Where the addon was loaded from. */
  addonPath: string;
  /** Node-API version of the running Node. */
  napiVersion: number;
  /** Engines compiled into this addon. */
  backends: string[];
  /** io_uring opcodes the kernel supports (Linux), by kernel name. */
  uringOps: string[];
  /** Why io_uring cannot be used here, or null. */
  uringError: string | null;
  /** Kernel release (Linux) or OS version. */
  kernel: string;
  /** Windows: what the win-tp engine did so far in this process; null where it is not compiled in. */
  winTp: WinTpCounters | null;
  /** Test-only: what TPIO_FAULTS injected so far in this process, or null when it is unset. */
  faults: FaultReport | null;
  /**
   * Large reads into caller memory that the kernel would have copied slowly (x86: a destination
   * 1-31 bytes past the file position modulo 4 KiB), taken through a bounce buffer instead, so far
   * in this process, on every engine (ADR 0010). `TPIO_READ_BOUNCE=0` turns the bounce off.
   */
  bouncedReads: number;
}

/**
 * Reports which engines exist and what the kernel supports.
 *
 * @example
 * import { probe } from '@tpio/binding';
 * console.log(probe().backends);
 */
export function probe(): ProbeReport {
  const { addon, path } = loadAddon();
  const report = addon.probe();
  return {
    addonPath: path,
    napiVersion: report.napiVersion,
    backends: report.backends,
    uringOps: report.uringOps ?? [],
    uringError: report.uringError ?? null,
    kernel: report.kernel ?? '',
    winTp: report.winTp ?? null,
    faults: report.faults ?? null,
    bouncedReads: report.bouncedReads ?? 0,
  };
}

let usable: BackendName[] | undefined;

/**
 * The engines that can actually run here (compiled in and able to start), fast engine first.
 * Test suites use it to run every case on every engine.
 *
 * @example
 * import { usableBackends } from '@tpio/binding';
 * console.log(usableBackends()); // e.g. ['uring', 'threads']
 */
export function usableBackends(): BackendName[] {
  if (usable) return [...usable];
  const { addon } = loadAddon();
  usable = [];
  for (const backend of addon.probe().backends as BackendName[]) {
    try {
      const port = new Port({ backend });
      void port.close();
      usable.push(backend);
    } catch {
      // compiled in but cannot start here (e.g. io_uring blocked): not usable
    }
  }
  return [...usable];
}

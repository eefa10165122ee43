// Finds and loads the native addon: the per-platform prebuilt package first, then a local build
// (build/Release, build/Debug). When nothing loads, the error names every place tried and the fix.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { codedError } from './errors.js';

const require = createRequire(import.meta.url);
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The addon's JavaScript-visible surface (see src/napi/port_wrap.cc). */
export interface NativeAddon {
  NativePort: NativePortConstructor;
  probe(): NativeProbe;
  protocol: { submissionWords: number; completionWords: number; statFields: number; opKindMax: number };
}

export interface NativeProbe {
  napiVersion: number;
  backends: string[];
  uringOps?: string[];
  uringError?: string | null;
  kernel?: string;
  winTp?: WinTpCounters;
}

/** Process-wide counts of the Windows engine (see {@link ProbeReport.winTp}). */
export interface WinTpCounters {
  /** Reads and writes issued through a TP_IO (CreateThreadpoolIo + StartThreadpoolIo). */
  threadpoolIo: number;
  /** Reads and writes issued on handles bound with BindIoCompletionCallback. */
  bound: number;
  /** Of those, the ones delivered at once (synchronous success, immediate end of file or failure). */
  completedNow: number;
  /** open, fsync and fdatasync run as thread-pool callbacks. */
  work: number;
  /** Ops handed to the threads engine (node:fs descriptors, readv/writev, stat, close, ...). */
  declined: number;
}

export interface NativePortOptions {
  backend: string;
  threads: number;
  entries: number;
}

export type NativePortConstructor = new (
  options: NativePortOptions,
  submissions: ArrayBuffer,
  completions: ArrayBuffer,
  buffers: unknown[],
  onCompletions: (count: number) => void,
) => NativePort;

export interface NativePort {
  readonly backend: string;
  readonly fallbackReason: string | null;
  readonly entries: number;
  submit(count: number, ...values: unknown[]): void;
  cancel(slot: number): void;
  close(): void;
}

function platformPackageName(): string {
  const libc = process.platform === 'linux' ? (isMusl() ? '-musl' : '-gnu') : '';
  return `@tpio/binding-${process.platform}-${process.arch}${libc}`;
}

function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

let loaded: { addon: NativeAddon; path: string } | undefined;

/** Loads the addon once per JS environment and returns it with the path it came from. */
export function loadAddon(): { addon: NativeAddon; path: string } {
  if (loaded) return loaded;
  const candidates: string[] = [];
  // An explicit addon file (e.g. the mingw-w64 cross build that the Wine job loads) wins.
  const override = process.env.TPIO_ADDON_PATH;
  if (override) candidates.push(override);
  if (!process.env.npm_config_build_from_source) candidates.push(`${platformPackageName()}/tpio.node`);
  candidates.push(join(packageRoot, 'build', 'Release', 'tpio.node'), join(packageRoot, 'build', 'Debug', 'tpio.node'));
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      const path = require.resolve(candidate);
      loaded = { addon: require(path) as NativeAddon, path };
      return loaded;
    } catch (error) {
      const code = (error as { code?: string }).code;
      failures.push(`  ${candidate}: ${code === 'MODULE_NOT_FOUND' ? 'not found' : (error as Error).message}`);
    }
  }
  throw codedError(
    'ERR_TPIO_ADDON_NOT_FOUND',
    `@tpio/binding could not load its native addon. Tried:\n${failures.join('\n')}\n` +
      'Install the prebuilt package for this platform, or build from source with ' +
      '`npm_config_build_from_source=1 npm rebuild @tpio/binding` (needs cmake and a C++20 compiler).',
  );
}

// Finds and loads the native addon: the per-platform prebuilt package first, then a local build
// (build/Release, then debug builds). When nothing loads, the error names every place tried, why
// each failed, and how to build from source.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { codedError } from './errors.js';

const require = createRequire(import.meta.url);
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The addon's JavaScript-visible surface (see src/napi/port_wrap.cc). */
export interface NativeAddon {
  NativePort: NativePortConstructor;
  probe(): NativeProbe;
  adviseHugePages(view: ArrayBufferView): boolean;
  readAlignment(buffer: Buffer, position: number): number;
  pageOffset(buffer: Buffer): number;
  protocol: { submissionWords: number; completionWords: number; statFields: number; opKindMax: number };
}

export interface NativeProbe {
  napiVersion: number;
  backends: string[];
  uringOps?: string[];
  uringError?: string | null;
  kernel?: string;
  winTp?: WinTpCounters;
  faults?: FaultReport | null;
  bouncedReads?: number;
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

/** Test-only fault injection (TPIO_FAULTS): the spec and what was injected so far in this process. */
export interface FaultReport {
  spec: string;
  considered: number;
  errors: number;
  shortened: number;
  /** Simulated EINTR interruptions planned (an EINTR pick interrupts its op once or twice). */
  interrupted: number;
  /** ... and absorbed by an engine's retry path (callers never see EINTR). */
  retried: number;
  /** io_uring submit calls that the kernel took only in part (`refuse`); the engine submits the rest again. */
  refused: number;
  /** Ops picked per error name (EINTR picks are retried, not failed). */
  byError: Record<string, number>;
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
  readonly delegatedOps: number;
  readonly readAheadOps: number;
  submit(count: number, ...values: unknown[]): void;
  cancel(slot: number): void;
  disown(fd: number): boolean;
  close(): void;
}

/**
 * The prebuilt package for this platform: `@tpio/binding-<platform>-<arch>[-gnu|-musl]`, the names
 * tooling/pack/make-platform-packages.mjs generates (libc only on Linux, as npm's `libc` field).
 */
export function platformPackageName(): string {
  const libc = process.platform === 'linux' ? (isMusl() ? '-musl' : '-gnu') : '';
  return `@tpio/binding-${process.platform}-${process.arch}${libc}`;
}

/** musl or glibc: `ldd` says so cheaply (as detect-libc reads it); the process report is the fallback. */
function isMusl(): boolean {
  try {
    const ldd = readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return true;
    if (ldd.includes('GLIBC') || ldd.includes('GNU C Library')) return false;
  } catch {
    // No ldd (a minimal container): ask the runtime.
  }
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

function wantsBuildFromSource(): boolean {
  const value = process.env.npm_config_build_from_source;
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/**
 * Where the addon may come from, in order: an explicit file (`TPIO_ADDON_PATH`, e.g. a cross build
 * under test), the prebuilt platform package (skipped when `npm_config_build_from_source` is set,
 * the convention of node-pre-gyp and prebuild-install), then this package's own build folders
 * (`build/Release` from `npm run build:from-source` or `build:native`, then debug builds).
 */
export function addonCandidates(): string[] {
  const candidates: string[] = [];
  const override = process.env.TPIO_ADDON_PATH;
  if (override) candidates.push(override);
  if (!wantsBuildFromSource()) candidates.push(`${platformPackageName()}/tpio.node`);
  candidates.push(
    join(packageRoot, 'build', 'Release', 'tpio.node'),
    join(packageRoot, 'build-debug', 'Debug', 'tpio.node'),
    join(packageRoot, 'build', 'Debug', 'tpio.node'),
  );
  return candidates;
}

let loaded: { addon: NativeAddon; path: string } | undefined;

/** Loads the addon once per JS environment and returns it with the path it came from. */
export function loadAddon(): { addon: NativeAddon; path: string } {
  if (loaded) return loaded;
  const failures: string[] = [];
  for (const candidate of addonCandidates()) {
    let path: string;
    try {
      path = require.resolve(candidate);
    } catch {
      failures.push(`  ${candidate}: not found`);
      continue;
    }
    try {
      loaded = { addon: require(path) as NativeAddon, path };
      return loaded;
    } catch (error) {
      // Found but unusable (wrong platform, too old a libc, a Node without Node-API 8): say why.
      failures.push(`  ${path}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw codedError(
    'ERR_TPIO_ADDON_NOT_FOUND',
    `@tpio/binding could not load its native addon for ${process.platform}-${process.arch} ` +
      `(Node ${process.versions.node}, Node-API ${process.versions.napi}). Tried:\n${failures.join('\n')}\n` +
      `Prebuilt addons come in the optional dependency ${platformPackageName()}: reinstall without ` +
      '--omit=optional / --no-optional. Without a prebuild for this platform, build from source (needs ' +
      "cmake 3.15+, a C++20 compiler and Node's headers): `cd node_modules/@tpio/binding && npm run build:from-source` " +
      '(writes build/Release/tpio.node), or in the tpio repository `pnpm --filter @tpio/binding build:native`. ' +
      'Set npm_config_build_from_source=true to prefer that build over the prebuilt package.',
  );
}

// Finds and loads the native addon: the per-platform prebuilt package first, then a local build
// (build/Release, build/Debug), unless TPIO_ADDON_PATH names one file. When nothing loads, the error names every place tried and the fix.

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
  faults?: FaultReport | null;
}

/** Test-only fault injection (TPIO_FAULTS): the spec and what was injected so far in this process. */
export interface FaultReport {
  spec: string;
  considered: number;
  errors: number;
  shortened: number;
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
  // TPIO_ADDON_PATH: load exactly this file (e.g. a sanitizer build in build-asan/) and nothing else.
  const forced = process.env.TPIO_ADDON_PATH;
  if (forced) {
    loaded = { addon: require(forced) as NativeAddon, path: forced };
    return loaded;
  }
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

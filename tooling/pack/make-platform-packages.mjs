#!/usr/bin/env node
// Generates the per-platform prebuilt packages of @tpio/binding (`@tpio/binding-<platform>-<arch>[-libc]`,
// as @parcel/watcher does): one folder each with package.json (os / cpu / libc, version = the
// binding's), the built tpio.node, a one-line README and the root LICENSE. The output is a staging
// folder, never committed. A platform whose addon file is absent is skipped, and the script says so.
//
// Usage: node tooling/pack/make-platform-packages.mjs [--out <dir>] [--addon <triple>=<file>]... [--require <triple,...>]
//   --addon    the built addon for a platform (repeatable); defaults below: this Linux host's
//              cmake-js build and the mingw-w64 cross build of `pnpm test:wine` (branch win)
//   --require  fail instead of skipping when these platforms have no addon (the release uses it)
// Prints the generated packages; exit code 1 only when a required platform is missing or a file
// is not an addon for the platform it is named after.

import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bindingDir = join(root, 'packages', 'binding');

/** The addon file each platform's package is made from unless `--addon` says otherwise. */
export const defaultAddons = {
  'linux-x64-gnu': join(bindingDir, 'build', 'Release', 'tpio.node'),
  'win32-x64': join(bindingDir, 'build-win', 'Release', 'tpio.node'),
};

/** `linux-x64-gnu` → { os: 'linux', cpu: 'x64', libc: 'glibc' }; `win32-x64` → { os: 'win32', cpu: 'x64' }. */
export function parseTriple(triple) {
  const [os, cpu, libc, extra] = triple.split('-');
  const libcs = { gnu: 'glibc', musl: 'musl' };
  if (!os || !cpu || extra !== undefined || (libc !== undefined && !libcs[libc]) || (os === 'linux') !== (libc !== undefined)) {
    throw new Error(`not a platform name: ${triple} (expected <platform>-<arch>, with -gnu or -musl on linux)`);
  }
  return libc ? { os, cpu, libc: libcs[libc] } : { os, cpu };
}

/** Reads the file's header and returns why it is not an addon for `target`, or null when it looks right. */
function formatMismatch(file, target) {
  const header = Buffer.alloc(64);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 64, 0);
  } finally {
    closeSync(fd);
  }
  const elf = header.readUInt32BE(0) === 0x7f454c46;
  const pe = header.toString('latin1', 0, 2) === 'MZ';
  const machO = [0xfeedfacf, 0xcffaedfe, 0xcafebabe].includes(header.readUInt32BE(0));
  const format = elf ? 'ELF' : pe ? 'PE' : machO ? 'Mach-O' : 'unknown';
  const expected = { linux: 'ELF', win32: 'PE', darwin: 'Mach-O' }[target.os] ?? format;
  if (format !== expected) return `${file} is ${format}, not ${expected}`;
  if (elf) {
    const machine = header.readUInt16LE(18);
    const machines = { x64: 62, arm64: 183 };
    if (machines[target.cpu] !== undefined && machine !== machines[target.cpu]) {
      return `${file} is an ELF for machine ${machine}, not ${target.cpu}`;
    }
  }
  return null;
}

/**
 * Writes one package per platform with an addon into `out` and returns what it made and skipped.
 * @param {{ out: string, addons?: Record<string, string>, required?: string[], log?: (line: string) => void }} options
 */
export function makePlatformPackages({ out, addons = {}, required = [], log = console.log }) {
  const binding = JSON.parse(readFileSync(join(bindingDir, 'package.json'), 'utf8'));
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  const sources = { ...defaultAddons, ...addons };
  const made = [];
  const skipped = [];
  const errors = [];
  rmSync(out, { recursive: true, force: true });
  for (const [triple, addon] of Object.entries(sources)) {
    const target = parseTriple(triple);
    const name = `${binding.name}-${triple}`;
    if (!existsSync(addon)) {
      const line = `skipped ${name}: no addon at ${addon}`;
      (required.includes(triple) ? errors : skipped).push(line);
      log(line);
      continue;
    }
    const mismatch = formatMismatch(addon, target);
    if (mismatch) {
      errors.push(`${name}: ${mismatch}`);
      log(`error ${name}: ${mismatch}`);
      continue;
    }
    const dir = join(out, triple);
    mkdirSync(dir, { recursive: true });
    copyFileSync(addon, join(dir, 'tpio.node'));
    writeFileSync(join(dir, 'LICENSE'), license);
    writeFileSync(join(dir, 'README.md'),
      `# ${name}\n\nThe prebuilt native addon of [\`${binding.name}\`](https://www.npmjs.com/package/${binding.name}) for ${triple}; install \`${binding.name}\`, not this.\n`);
    const manifest = {
      name,
      version: binding.version,
      description: `The ${triple} build of ${binding.name}'s native addon (Node-API ${binding.binary.napi_versions.join(', ')})`,
      license: binding.license,
      os: [target.os],
      cpu: [target.cpu],
      ...(target.libc && { libc: [target.libc] }),
      main: 'tpio.node',
      files: ['tpio.node'],
      engines: binding.engines,
      ...(binding.repository && { repository: binding.repository }),
      publishConfig: { access: 'public' },
    };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    made.push({ triple, name, version: binding.version, dir, addon });
    log(`made ${name}@${binding.version} from ${addon}`);
  }
  for (const triple of required) {
    if (!(triple in sources)) errors.push(`${binding.name}-${triple}: required, but no --addon given`);
  }
  writeFileSync(join(out, 'platforms.json'), `${JSON.stringify({ made, skipped }, null, 2)}\n`);
  return { made, skipped, errors };
}

/** The optionalDependencies the published @tpio/binding carries: exactly the packages made. */
export function optionalDependenciesFor(made) {
  return Object.fromEntries(made.map((entry) => [entry.name, entry.version]));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(root, '.pack', 'platforms') },
      addon: { type: 'string', multiple: true, default: [] },
      require: { type: 'string', default: '' },
    },
  });
  const addons = Object.fromEntries(values.addon.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 0) throw new Error(`--addon wants <triple>=<file>, got ${pair}`);
    return [pair.slice(0, at), resolve(pair.slice(at + 1))];
  }));
  const required = values.require.split(',').filter(Boolean);
  const { made, errors } = makePlatformPackages({ out: resolve(values.out), addons, required });
  console.log(`${made.length} platform package(s) in ${resolve(values.out)}`);
  if (errors.length > 0) {
    for (const error of errors) console.error(`error: ${error}`);
    process.exit(1);
  }
}

// Packs the publishable packages exactly as the release publishes them: the per-platform packages
// (npm pack of the staged folders), @tpio/binding with its optionalDependencies set to the platform
// packages made, and @tpio/core / @tpio/stream (pnpm pack, which rewrites `workspace:^`).
//
// Why optionalDependencies are written at pack time and not kept in packages/binding/package.json:
// the platform packages are unpublished until the first release, and pnpm 10 cannot record a
// dependency that the registry does not have, so a committed entry would break every
// `pnpm install --frozen-lockfile` (CI) in the workspace. The release (tooling/pack/release.mjs)
// and the check (tooling/pack/check.mjs) both go through `withOptionalDependencies` below.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindingDir, root } from './make-platform-packages.mjs';

export const pnpmCommand = ['npx', ['-y', 'pnpm@10.34.9']];

/** The packages a user installs, in dependency order. */
export const publicPackages = ['binding', 'core', 'stream'].map((name) => {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  return { short: name, dir, name: manifest.name, version: manifest.version };
});

/** `@tpio/binding` + `0.1.0` → `tpio-binding-0.1.0.tgz`, the name both npm and pnpm give a tarball. */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited with ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Runs `action` while packages/binding/package.json lists `optionalDependencies`, then restores the
 * file byte for byte (also on failure).
 */
export function withOptionalDependencies(optionalDependencies, action) {
  const path = join(bindingDir, 'package.json');
  const original = readFileSync(path, 'utf8');
  const manifest = JSON.parse(original);
  manifest.optionalDependencies = { ...manifest.optionalDependencies, ...optionalDependencies };
  const restore = () => writeFileSync(path, original);
  // Ctrl-C or a CI timeout while packing must not leave the manifest edited.
  const onSignal = (signal) => {
    restore();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  try {
    return action();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    restore();
  }
}

/**
 * Packs the platform packages in `made` and the public packages into `destination`; returns
 * `{ [packageName]: tarballPath }`.
 */
export function packAll({ made, destination, env = process.env }) {
  mkdirSync(destination, { recursive: true });
  const tarballs = {};
  for (const platform of made) {
    run('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: platform.dir, env });
    tarballs[platform.name] = join(destination, tarballName(platform.name, platform.version));
  }
  const optional = Object.fromEntries(made.map((platform) => [platform.name, platform.version]));
  for (const pkg of publicPackages) {
    const pack = () => run(pnpmCommand[0], [...pnpmCommand[1], 'pack', '--pack-destination', destination], { cwd: pkg.dir, env });
    if (pkg.short === 'binding') withOptionalDependencies(optional, pack);
    else pack();
    tarballs[pkg.name] = join(destination, tarballName(pkg.name, pkg.version));
  }
  return tarballs;
}

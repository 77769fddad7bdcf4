#!/usr/bin/env bash
# The one test command (make test runs it after bootstrap): formatting, lints
# on native and wasm32, docs, native tests, wasm tests in headless Chromium, a
# release build, end-to-end tests against the built page. Ends with one plain
# line `N passed, N failed`: every test of every `test result:` line, plus
# each check (fmt, clippy, doc, build) as one; a suite that fails without a
# result line (it did not compile) counts as one failure.
set -uo pipefail
cd "$(dirname "$0")/.."
LOG=$(mktemp /tmp/schemalab-test.XXXXXX)
OUT=$(mktemp /tmp/schemalab-step.XXXXXX)
rc=0
extra_ok=0
extra_failed=0
run() {
  echo "+ $*"
  "$@" 2>&1 | tee "$OUT"
  local status=${PIPESTATUS[0]}
  cat "$OUT" >>"$LOG"
  return "$status"
}
check() {
  if run "$@"; then extra_ok=$((extra_ok + 1)); else extra_failed=$((extra_failed + 1)); rc=1; fi
}
suite() {
  if ! run "$@"; then
    rc=1
    grep -q '^test result: FAILED' "$OUT" || extra_failed=$((extra_failed + 1))
  fi
}
check cargo fmt --all -- --check
check cargo clippy --all-targets -- -D warnings
check cargo clippy --target wasm32-unknown-unknown --features web --all-targets -- -D warnings
check env RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --features web --quiet
suite cargo test
suite cargo test --target wasm32-unknown-unknown --features web --test web
check trunk build --release
suite node e2e/run.mjs
awk -v eo="$extra_ok" -v ef="$extra_failed" '
  /^test result:/ { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
  END { printf "%d passed, %d failed\n", p + eo, f + ef }' "$LOG"
rm -f "$LOG" "$OUT"
exit $rc

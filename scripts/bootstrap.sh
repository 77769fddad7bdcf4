#!/usr/bin/env bash
# Installs what `make serve` and `make test` need and are missing, idempotently:
# the wasm32 target, trunk, wasm-bindgen-cli equal to Cargo.lock's, binaryen's
# wasm-opt from npm (into .tools), Debian's chromium and chromedriver, and the
# end-to-end test driver (playwright-core, into e2e/node_modules).
# Versions and the reasons for them: ../shared/TOOLCHAIN.md.
set -euo pipefail
cd "$(dirname "$0")/.."
TRUNK=0.21.14
BINARYEN=132
WBG=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
: "${WBG:?wasm-bindgen not found in Cargo.lock}"
export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
say() { echo "bootstrap: $*"; }
ok() { "$1" --version 2>/dev/null | grep -qwF -- "$2"; }   # ok <binary> <version>
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

rustup target list --installed | grep -qx wasm32-unknown-unknown ||
  { say "adding target wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
ok trunk "$TRUNK" ||
  { say "installing trunk $TRUNK (~5.5 min)"; cargo install trunk --version "$TRUNK" --locked --force; }
ok wasm-bindgen "$WBG" ||
  { say "installing wasm-bindgen-cli $WBG (~2 min)"; cargo install wasm-bindgen-cli --version "$WBG" --force; }
{ command -v chromium && command -v chromedriver; } >/dev/null || {
  say "installing chromium, chromium-driver"
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends chromium chromium-driver
}
ok .tools/node_modules/.bin/wasm-opt "version_$BINARYEN" ||
  { say "installing binaryen@$BINARYEN.0.0 into .tools"; npm install --prefix .tools --no-audit --no-fund "binaryen@$BINARYEN.0.0"; }
[ -d e2e/node_modules/playwright-core ] ||
  { say "installing the end-to-end driver (playwright-core)"; (cd e2e && npm ci --no-audit --no-fund); }
say "ready: trunk $TRUNK, wasm-bindgen $WBG, wasm-opt $BINARYEN, $(chromium --version 2>/dev/null)"

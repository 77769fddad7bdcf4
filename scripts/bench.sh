#!/usr/bin/env bash
# make bench: the SQL workloads of WORKLOADS.md side by side, not part of make test.
#   native:  schemalab (profile bench-native, opt-level 3) against SQLite through rusqlite
#            (bench/rusqlite-anchor), budget: at most 3x SQLite's time per workload;
#   browser: schemalab's WebAssembly build (dist/, as shipped) against sql.js in the same
#            headless Chromium, budget: faster than sql.js on each workload.
# Every (engine, workload) is its own process (natively) or fresh page (in the browser), and
# the engines are interleaved in rounds (rule 6). Raw JSON lines and the tables go to
# target/bench/. Environment: ROUNDS (default 5), PARTS ("native web", or one of them).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
PARTS=${PARTS:-native web}
WORKLOADS="w1 w2 w3 w4 w5 startup"
SQL=target/bench-sql
OUT=target/bench
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
# sha256 over the pg files, as gen.mjs prints it: the workloads the anchors were measured on.
PG_SHA256=bdb8f48e919cdf2ae7a1ec94759a16b7b08c9d19cb5aa427f567caf3798060ed
say() { echo "bench: $*" >&2; }
mkdir -p "$OUT"

say "generating the SQL into $SQL"
node bench/gen.mjs "$SQL" >/dev/null
got=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).pg_sha256)' "$SQL/expected.json")
[ "$got" = "$PG_SHA256" ] || { say "generated SQL differs from the anchors' ($got)"; exit 1; }

case " $PARTS " in *" native "*)
  say "building schemalab (profile bench-native) and the rusqlite anchor"
  cargo build --quiet --profile bench-native --bin schemalab
  cargo build --quiet --release --manifest-path bench/rusqlite-anchor/Cargo.toml \
    --target-dir target/rusqlite-anchor
  SL=target/bench-native/schemalab
  RS=target/rusqlite-anchor/release/sql-anchor
  NATIVE=$OUT/native-$STAMP.jsonl
  failed=0
  for r in $(seq 1 "$ROUNDS"); do
    say "native round $r/$ROUNDS"
    for w in $WORKLOADS; do
      # Alternate which engine goes first, so neither always meets a warmer machine.
      if [ $((r % 2)) = 1 ]; then order="schemalab rusqlite"; else order="rusqlite schemalab"; fi
      for e in $order; do
        if [ "$e" = schemalab ]; then
          "$SL" bench --sql "$SQL/pg" --workload "$w" --json >>"$NATIVE" || failed=$((failed + 1))
        else
          "$RS" rusqlite "$w" "$SQL" >>"$NATIVE" || failed=$((failed + 1))
        fi
      done
    done
  done
  "$SL" bench --sql "$SQL/pg" --workload probe --json >"$OUT/probe-$STAMP.jsonl" || true
  "$RS" rusqlite probe "$SQL" >>"$OUT/probe-$STAMP.jsonl" || true
  node bench/aggregate.mjs --subject schemalab --reference rusqlite --budget 3 \
    --title "Native: schemalab (bench-native profile) vs SQLite 3.54.1 (rusqlite)" "$NATIVE" |
    tee "$OUT/native-$STAMP.md"
  [ "$failed" = 0 ] || say "$failed native run(s) failed a check"
;; esac

case " $PARTS " in *" web "*)
  say "building the app (trunk build --release) and installing sql.js"
  scripts/bootstrap.sh >&2
  export PATH="$PWD/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH" TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true
  trunk build --release >&2
  [ -d bench/web/node_modules/sql.js ] || (cd bench/web && npm ci --no-audit --no-fund >&2)
  WEB=$OUT/web-$STAMP.jsonl
  node bench/web/run.mjs --dist dist --sql "$SQL" --out "$WEB" --rounds "$ROUNDS" \
    --workloads "${WORKLOADS// /,}" || say "a browser run failed a check"
  node bench/aggregate.mjs --subject schemalab --reference sqljs --budget 1 --strict \
    --title "Browser: schemalab (wasm, as shipped) vs sql.js 1.16.0, $(chromium --version 2>/dev/null | head -1)" \
    "$WEB" | tee "$OUT/web-$STAMP.md"
;; esac
say "raw JSON lines and tables in $OUT/ (*-$STAMP.*)"

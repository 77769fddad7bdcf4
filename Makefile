# The two commands of the README, plus the release build.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_OFFLINE := true
export TRUNK_SKIP_VERSION_CHECK := true

.PHONY: serve test dist bootstrap bench bench-replay record-pg

bootstrap:
	scripts/bootstrap.sh

serve: bootstrap
	trunk serve

test: bootstrap
	scripts/test.sh

dist: bootstrap
	trunk build --release

# The SQL workloads against SQLite, natively and in headless Chromium (scripts/bench.sh;
# ROUNDS=N, PARTS=native|web). Not part of make test: it takes minutes.
bench:
	scripts/bench.sh

bench-replay:
	cargo run --release --quiet -- bench replay

# Records new ground truth from a real PostgreSQL 15 (not part of make test;
# CI replays the recordings without a server).
record-pg:
	scripts/record-pg.sh

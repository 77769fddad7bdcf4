#!/usr/bin/env bash
# Installs PostgreSQL 15 from Debian if needed, starts the cluster, and records
# ground truth into tests/fidelity/: the SQL corpora (pg/run_corpus.py over scenarios/,
# extra/ and the seeded generator's generated/) and psql
# transcripts (psql/record.sh). Run as root (apt, su postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pg_ctlcluster >/dev/null && [ -d /usr/lib/postgresql/15 ] || {
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15
}
pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster 15 main start
python3 -c 'import psycopg2' 2>/dev/null || pip install --quiet psycopg2-binary
su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname = 'fid_runner'\"" | grep -q 1 ||
  su postgres -c "psql -c \"CREATE ROLE fid_runner LOGIN CREATEDB PASSWORD 'fid_runner'\""
# The seeded generator's sessions (differential testing): regenerate, then record them
# with the corpus's own recorder alongside the hand-written scenarios.
rm -f tests/fidelity/pg/generated/scenarios/*.sql
cargo run --quiet --example sqlgen -- tests/fidelity/pg/generated/scenarios "${SQLGEN_SEED:-1}" "${SQLGEN_FILES:-10}" "${SQLGEN_STATEMENTS:-100}"
(cd tests/fidelity/pg && python3 run_corpus.py "$@" &&
  python3 run_corpus.py --root extra "$@" &&
  python3 run_corpus.py --root generated "$@")
tests/fidelity/psql/record.sh

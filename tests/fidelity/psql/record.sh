#!/usr/bin/env bash
# Records what the real psql 15 prints, for the psql simulator's tests.
# Needs a local PostgreSQL 15 (make record-pg installs and starts one) and
# runs as the postgres superuser. Interactive sessions go through `script`
# so psql sees a terminal and prints its prompts exactly as a learner sees them.
set -euo pipefail
cd "$(dirname "$0")"
run_as_pg() { su postgres -c "$1"; }
for session in sessions/*.in; do
  name=$(basename "$session" .in)
  db="rec_$name"
  run_as_pg "dropdb --if-exists $db >/dev/null 2>&1; createdb $db"
  run_as_pg "PAGER=cat PSQL_PAGER=cat TERM=dumb script -q -c 'stty cols 500; psql -X $db' /dev/null" <"$session" 2>&1 |
    sed 's/\x1b\[?2004[hl]//g' | tr -d '\r' |
    sed -n '/^Type "help" for help\./,$p' | tail -n +3 |
    sed "s/^$db\([=!*-]\)/app\1/; s/\"$db\"/\"app\"/g" >"sessions/$name.out"
  run_as_pg "dropdb $db"
  echo "recorded sessions/$name.out"
done

# One-shot commands: what each prints (stdout and stderr merged, as a
# terminal shows them) and its exit status.
set +e
{
  while IFS= read -r cmd; do
    [ -z "$cmd" ] && continue
    echo "\$ $cmd"
    run_as_pg "cd /tmp && $cmd" </dev/null 2>&1 | sed 's/rec_cli/app/g'
    echo "(exit ${PIPESTATUS[0]})"
  done <commands.in
} >commands.out
run_as_pg "dropdb --if-exists rec_cli" >/dev/null 2>&1
echo "recorded commands.out"

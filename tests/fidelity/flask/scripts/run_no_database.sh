#!/bin/bash
# 09: DATABASE_URL names a database that does not exist; 10: no DATABASE_URL at all.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh"
bash "$HERE/setup.sh" 2>/dev/null
cd "$PROJ"
DATABASE_URL=postgresql+psycopg2://localhost/rt_missing python3 "$HERE/shell.py" < "$HERE/cases/09_no_database.lines" > "$HERE/../09_no_database.txt"
(unset DATABASE_URL; echo '$ flask shell'; flask shell </dev/null 2>&1; echo "(exit $?)"; echo '$ flask run'; flask run 2>&1; echo "(exit $?)") > "$HERE/../10_no_database_url.txt"

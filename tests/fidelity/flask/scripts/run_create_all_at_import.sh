#!/bin/bash
# 13: db.create_all() in app.py at import: bare (outside an app context), inside
# `with app.app_context():` (runs at every start), and gunicorn with two workers on an empty
# database (both import the app, both run create_all: a race).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh"
OUT="$HERE/../13_create_all_at_import.txt"
bash "$HERE/setup.sh" 2>/dev/null
cd "$PROJ"
cp app.py app.py.orig
{
echo '$ echo "db.create_all()" >> app.py'
echo 'db.create_all()' >> app.py
echo '$ flask run --port 5056'
timeout 5 flask run --port 5056 2>&1; echo "(exit $?)"
cp app.py.orig app.py
printf '\nwith app.app_context():\n    db.create_all()\n' >> app.py
echo '$ printf "\nwith app.app_context():\n    db.create_all()\n" >> app.py'
echo '$ flask run --port 5056   (stopped after 3 s)'
timeout 3 flask run --port 5056 2>&1; echo "(exit $?)"
echo '$ psql -c "\dt"'
psql -d rt_app -c '\dt' 2>&1
echo '$ dropdb rt_app && createdb rt_app'
dropdb rt_app && createdb rt_app
echo '$ gunicorn -w 2 -b 127.0.0.1:5057 app:app   (stopped after 5 s; three runs)'
for run in 1 2 3; do
  dropdb rt_app && createdb rt_app
  echo "--- run $run"
  timeout 5 gunicorn -w 2 -b 127.0.0.1:5057 app:app 2>&1 | sed -E 's/^\[[0-9-]+ [0-9:]+ [+-][0-9]+\] \[[0-9]+\]/[<time>] [<pid>]/' | grep -v "^  File\|^    " ; echo "(exit ${PIPESTATUS[0]})"
done
} > "$OUT" 2>&1

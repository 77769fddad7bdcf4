#!/bin/bash
# Records the real dev server, gunicorn and curl into the transcripts next to this script.
# Needs: a venv with Flask==3.1.3 Flask-SQLAlchemy==3.1.1 Flask-Migrate==4.1.0
# psycopg2-binary==2.9.13 gunicorn==23.0.0 (VENV, default /tmp/appvenv), PostgreSQL 15 with a
# role and database `srvrec` (password `srvrec`), curl 7.88.1 (Debian 12). Run as
# `bash record.sh`. Terminal programs run under `script` (a pty) as a learner sees them;
# ANSI colours and carriage returns are stripped.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
VENV=${VENV:-/tmp/appvenv}
export PATH=$VENV/bin:$PATH
export DATABASE_URL=postgresql+psycopg2://srvrec:srvrec@localhost/srvrec FLASK_APP=app.py
WORK=$(mktemp -d)
clean() { sed 's/\x1b\[[0-9;]*m//g; s/\r//g'; }
tty() { echo "\$ $1"; script -qc "$1" /dev/null | clean; echo "[exit ${PIPESTATUS[0]}]"; }
su postgres -c "psql -q -d srvrec -c 'drop table if exists users, alembic_version'" >/dev/null
mkdir "$WORK/app" && cd "$WORK/app"
python3 - "$HERE/../../../src/world/project.rs" <<'PY'
import re, sys
src = open(sys.argv[1]).read()
for name, const in [("app.py", "APP_PY"), ("models.py", "MODELS_PY")]:
    m = re.search(r"pub const " + const + r': &str = r#"(.*?)"#;', src, re.S)
    open(name, "w").write(m.group(1))
PY
printf '#!/bin/sh\nset -e\nflask db upgrade\nexec gunicorn -b 0.0.0.0:8000 app:app\n' > entrypoint.sh

{
  curl --version | head -1
  tty "curl http://localhost:5000/users"
  tty "curl http://nope:5000/"
  tty "curl -s http://127.0.0.1:5000/users"
} > "$HERE/curl-errors.txt" 2>&1
{ echo '$ curl localhost:5432/  (PostgreSQL 15 on localhost; stdout not a terminal)'; curl localhost:5432/ 2>&1; echo "[exit $?]"; } > "$HERE/curl-postgres-port.txt"

flask run > "$WORK/dev.out" 2> "$WORK/dev.err" & DEV=$!
sleep 2
{
  tty "curl -X POST -d name=ada -d email=ada@example.com http://localhost:5000/register"
  tty "curl -i http://localhost:5000/users"
  flask db init > /dev/null 2>&1; flask db migrate -m "create users" > /dev/null 2>&1; flask db upgrade > /dev/null 2>&1
  tty "curl -X POST -d name=ada -d email=ada@example.com http://localhost:5000/register"
  tty "curl -i -d name=bob -d email=bob@example.com localhost:5000/register"
  tty "curl http://localhost:5000/users"
  tty "curl -i http://localhost:5000/users"
  tty "curl -s -d name=ada -d email=ada@example.com localhost:5000/register"
  tty "curl -d name=x localhost:5000/register"
  tty "curl -i localhost:5000/nope"
  tty "curl -i -X PUT localhost:5000/users"
  tty "curl -v localhost:5000/users"
  tty "curl -I localhost:5000/users"
  tty "curl -s -o /dev/null -w '%{http_code}\n' localhost:5000/users"
} > "$HERE/curl-werkzeug.txt" 2>&1
{ echo "--- flask run while the first one runs"; tty "flask run"; } > "$HERE/flask-run-port-in-use.txt" 2>&1
kill "$DEV"; sleep 1
{ echo "--- stdout"; cat "$WORK/dev.out"; echo "--- stderr"; clean < "$WORK/dev.err"; } > "$HERE/flask-run.txt"
{ timeout 4 script -qc "flask run --host 0.0.0.0 --port 5001 --debug" /dev/null | clean; } > "$HERE/flask-run-debug.txt" 2>&1

gunicorn -b 0.0.0.0:8000 app:app > /dev/null 2> "$WORK/g.err" & G=$!
sleep 2
{
  tty "curl -i localhost:8000/users"
  tty "curl -i -d name=cy -d email=cy@example.com http://127.0.0.1:8000/register"
  tty "curl -i -d name=cy -d email=cy@example.com http://127.0.0.1:8000/register"
  echo "--- a second gunicorn on the same port"; timeout 12 gunicorn -b 0.0.0.0:8000 app:app; echo "[exit $?]"
} > "$HERE/gunicorn.txt" 2>&1
kill -TERM "$G"; sleep 2
{ echo "--- the first gunicorn's stderr (TERM at the end)"; cat "$WORK/g.err"; } >> "$HERE/gunicorn.txt"

gunicorn --access-logfile - -b 127.0.0.1:8011 app:app > "$WORK/acc.out" 2> /dev/null & A=$!
sleep 2
{
  echo "--- curl -v -F name=a -F email=b (request headers)"
  curl -sv -F name=a -F email=b localhost:8011/register 2>&1 | grep -E "^> " | tr -d "\r"
  curl -s localhost:8011/users > /dev/null; curl -s -I localhost:8011/users > /dev/null
  kill "$A"; sleep 1
  echo "--- gunicorn --access-logfile - (stdout)"; cat "$WORK/acc.out"
} > "$HERE/gunicorn-access-log.txt" 2>&1

gunicorn -w 2 -b 127.0.0.1:8012 app:app > /dev/null 2> "$WORK/w.err" & M=$!
sleep 2; kill "$(pgrep -P "$M" | head -1)"; sleep 2; kill -9 "$(pgrep -P "$M" | head -1)"; sleep 2; kill "$M"; sleep 2
{ echo "--- gunicorn -w 2; kill WORKER; kill -9 WORKER; kill MASTER (stderr)"; cat "$WORK/w.err"; } > "$HERE/gunicorn-workers.txt"

cp -r "$WORK/app" "$WORK/dbg"
( cd "$WORK/dbg" && flask run --debug --port 5013 > "$WORK/dbg.out" 2> "$WORK/dbg.err" & echo $! > "$WORK/dbg.pid" )
sleep 3; echo "    nickname = db.Column(db.String(40))" >> "$WORK/dbg/models.py"; sleep 3
curl -s localhost:5013/users > /dev/null; curl -s -i localhost:5013/users > /dev/null
kill "$(cat "$WORK/dbg.pid")"; sleep 1
{ echo "--- flask run --debug; a line appended to models.py; curl localhost:5013/users twice (stdout, then stderr)"; cat "$WORK/dbg.out"; clean < "$WORK/dbg.err"; } > "$HERE/flask-run-debug-reload.txt"

cp -r "$WORK/app" "$WORK/bad"; rm -rf "$WORK/bad/migrations"; echo "import nosuchmodule" >> "$WORK/bad/models.py"
( cd "$WORK/bad" && { echo "--- flask run"; timeout 5 flask run --port 5003; echo "[exit $?]"; echo "--- gunicorn"; timeout 8 gunicorn -b 0.0.0.0:8001 app:app; echo "[exit $?]"; } > "$HERE/import-error.txt" 2>&1 )

script -qc 'bash --norc -i -c "./entrypoint.sh; echo [exit \$?]; sh entrypoint.sh & sleep 3; ps; kill %1; sleep 1; jobs; echo; sleep 1"' /dev/null | clean > "$HERE/entrypoint.txt"
( cd "$WORK" && printf '#!/bin/sh\nset -e\nfla db upgrade\necho after\n' > bad.sh && chmod +x bad.sh \
  && printf '#!/bin/bash\nfla x\n' > bad2.sh && chmod +x bad2.sh \
  && { echo '--- bad.sh: #!/bin/sh, set -e, line 3: fla db upgrade'
       for c in ./bad.sh "sh bad.sh" "bash bad.sh"; do echo "\$ $c"; $c 2>&1; echo "[exit $?]"; done
       echo '--- bad2.sh: #!/bin/bash, line 2: fla x'; ./bad2.sh 2>&1; echo "[exit $?]"; } > "$HERE/script-errors.txt" )
( cd "$WORK/app" && for c in "pkill" "ps -z" "ps qqq" "chmod" "chmod +x" "chmod +x nope.sh" "chmod 99999 x" \
    "sh missing.sh" "bash missing.sh" "gunicorn" "gunicorn --frobnicate app:app" "gunicorn -w x app:app" \
    "gunicorn -b" "flask run --port x" "flask run -x" "flask run extra" "flask run --port" "curl -w" \
    "kill -s BOGUS 1" "kill 99999" "kill abc" "kill" "kill %1"; do
    echo "\$ $c"; bash -c "$c" 2>&1 | sed 's/^bash: line 1: /bash: /'; echo "[exit ${PIPESTATUS[0]}]"
  done > "$HERE/option-errors.txt" 2>&1 )
rm -rf "$WORK"

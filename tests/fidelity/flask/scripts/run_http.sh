#!/bin/bash
# 07: `flask run` and curl: register, list, a missing field, 404/405, a duplicate email,
# then models.py gains `age` and the server restarts: the model is ahead of the table.
# The server's stderr (request log, tracebacks) is kept in 07_http_server.log.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh"
bash "$HERE/setup.sh" 2>/dev/null
cd "$PROJ"
printf 'db.create_all()\nexit()\n' | flask shell >/dev/null 2>&1
OUT="$HERE/../07_http.txt"; LOG="$HERE/../07_http_server.log"
: > "$OUT"; : > "$LOG"
serve() { flask run --port 5055 >>"$LOG" 2>&1 & SERVER=$!; sleep 2; }
req() { echo "\$ curl $*" >> "$OUT"; curl -s -i "$@" >> "$OUT"; echo >> "$OUT"; echo "--- (exit $?)" >> "$OUT"; echo "=== after: curl $*" >> "$LOG"; }
serve
req -X POST -d name=Ann -d email=ann@example.com http://127.0.0.1:5055/register
req http://127.0.0.1:5055/users
req -X POST -d name=Bob http://127.0.0.1:5055/register
req -X POST -d name=Ann2 -d email=ann@example.com http://127.0.0.1:5055/register
req http://127.0.0.1:5055/users
req http://127.0.0.1:5055/nope
req http://127.0.0.1:5055/register
req -X DELETE http://127.0.0.1:5055/users
kill $SERVER; wait $SERVER 2>/dev/null
echo '    age = db.Column(db.Integer)' >> models.py
sed -i 's/email=request.form\["email"\])/email=request.form["email"], age=request.form.get("age"))/' app.py
serve
req -X POST -d name=Cid -d email=cid@example.com -d age=30 http://127.0.0.1:5055/register
req http://127.0.0.1:5055/users
req -X POST -d name=Dee -d email=dee@example.com http://127.0.0.1:5055/register
kill $SERVER; wait $SERVER 2>/dev/null

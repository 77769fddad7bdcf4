#!/bin/bash
# 06: the table is created from the seed's model, then models.py gains `age` (not migrated).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh"
bash "$HERE/setup.sh" 2>/dev/null
cd "$PROJ"
printf 'db.create_all()\nexit()\n' | flask shell >/dev/null 2>&1
echo '    age = db.Column(db.Integer)' >> models.py
for n in 06_model_ahead 08_model_ahead_more; do
  grep -v "^db.create_all()$" "$HERE/cases/$n.lines" | python3 "$HERE/shell.py" > "$HERE/../$n.txt"
done

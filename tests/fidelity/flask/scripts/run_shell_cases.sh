#!/bin/bash
# Records every cases/NN_*.lines through `flask shell` into ../NN_*.txt.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/env.sh"
for f in "$HERE"/cases/0[1-5]_*.lines "$HERE"/cases/1[12]_*.lines; do
  name=$(basename "$f" .lines)
  bash "$HERE/setup.sh" 2>/dev/null
  (cd "$PROJ" && python3 "$HERE/shell.py" < "$f") > "$HERE/../$name.txt"
done

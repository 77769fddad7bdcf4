#!/bin/bash
# Creates the seed project in $PROJ and a fresh database rt_app; prints nothing.
set -e
PROJ=${PROJ:-/tmp/rtgt/app}
rm -rf "$PROJ"; mkdir -p "$PROJ"
cd /work/wt-runtime
python3 - "$PROJ" <<'PY'
import re, sys
src = open("src/world/project.rs").read()
for const, name in (("APP_PY", "app.py"), ("MODELS_PY", "models.py")):
    body = re.search(r'pub const %s: &str = r#"(.*?)"#;' % const, src, re.S).group(1)
    open(sys.argv[1] + "/" + name, "w").write(body)
PY
PGPASSWORD=rootpw dropdb -h localhost --if-exists rt_app
PGPASSWORD=rootpw createdb -h localhost rt_app

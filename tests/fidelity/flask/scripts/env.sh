# Sourced by the recorders: the venv, the database, unbuffered Python.
export PATH=/tmp/flaskvenv/bin:$PATH
export DATABASE_URL=postgresql+psycopg2://localhost/rt_app
export PGPASSWORD=rootpw PGHOST=localhost
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
export PROJ=/tmp/rtgt/app

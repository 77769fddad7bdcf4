#!/usr/bin/env python3
"""Plays a team story (`tests/scenarios/team/*.txt`) with the real tools and
writes what they answered next to this script, in the scenario format.

Usage: python3 tests/fidelity/team/record.py STORY... (names without `.txt`)

It needs git 2.47, PostgreSQL 15's binaries and a virtualenv with the
project's requirements (`requirements.txt`: Flask 3.1.3, Flask-SQLAlchemy
3.1.1, Flask-Migrate 4.1.0, psycopg2-binary 2.9.13, gunicorn 23.0.0), given
as VENV (default /tmp/realenv). It must run as root: each machine gets its
own PostgreSQL cluster, started as the `postgres` user.

What makes the run comparable with the world:
- three machines are three homes (`laptop`, `teammate`, `prod`), each with
  a PostgreSQL cluster of its own whose superuser is `learner` (PGPORT and
  PGUSER point at it; DATABASE_URL is `postgresql+psycopg2://localhost/app`);
  `prod` has an empty database `app`;
- `origin` is a local bare repository that `git@github.com:team/app.git`
  reaches through a GIT_SSH_COMMAND running git's command on it; its first
  commit is the team lead's, made with the world's files, author and date,
  and `~/app` on each machine is `git clone`d from it; `~/.gitconfig` is
  the world's;
- the N-th input runs at the world's clock after N inputs (git's dates);
- `ssh NAME` and `exit` are not run: they move the recorder to the other
  machine (its shell starts in the home directory) and print nothing here;
- stdout and stderr are one stream, in the order they were written;
- the temporary directory prefix is removed.

- Alembic's revision ids and create dates are the world's: a
  `sitecustomize` hands `alembic.util.rev_id` the ids that the story's
  `Generating …/versions/<id>_…` lines show for the same step, and dates
  each revision file at the command's clock. With the same ids, files and
  dates, git's commit ids are the world's too.

compare.py still replaces hex ids before it compares, so that a recording
made before a story changed says where they differ.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
START_OF_LAB = 1_767_603_600
SECONDS_PER_COMMAND = 20
INITIAL_COMMIT_TIME = 1_767_371_400
PG_BIN = "/usr/lib/postgresql/15/bin"
MACHINES = {
    "laptop": ("Ada Lovelace", "ada@example.com", 5441),
    "teammate": ("Grace Hopper", "grace@example.com", 5442),
    "prod": ("Ops", "ops@example.com", 5443),
}


def project_files() -> dict:
    """The world's initial commit, read from src/world/project.rs."""
    text = (ROOT / "src" / "world" / "project.rs").read_text()
    consts = {}
    name = None
    body = []
    for line in text.splitlines():
        if name is None:
            for prefix in ("pub const ", ):
                if line.startswith(prefix) and ': &str = ' in line:
                    const, value = line[len(prefix):].split(": &str = ", 1)
                    if value.startswith('r#"'):
                        value = value[3:]
                        end = '"#;'
                    else:
                        value = value[1:]
                        end = '";'
                    if value.endswith(end):
                        consts[const] = value[: -len(end)]
                    else:
                        name, body = const, [value]
                        closing = end
        else:
            if line.endswith(closing):
                body.append(line[: -len(closing)])
                consts[name] = "\n".join(body)
                name = None
            else:
                body.append(line)
    files = {}
    table = text.split("pub const FILES", 1)[1].split("];", 1)[0]
    for row in table.splitlines():
        row = row.strip()
        if row.startswith('("'):
            path, const = row[2:].rstrip("),").split('", ')
            files[path] = consts[const]
    return files


def steps(text: str) -> list:
    """The steps of a scenario file: (must_fail, input, the world's output)."""
    out = []
    for block in re.split(r"\n\n(?=[>!] )", text.split("\n", 1)[1].lstrip("\n")):
        head, _, shown = block.partition("\n---\n")
        if head.endswith("\n---"):
            head, shown = head[: -len("\n---")], ""
        out.append((head[0] == "!", head[2:], shown))
    return out


SITECUSTOMIZE = """
import datetime, os
ids = os.environ.get("SCHEMALAB_REV_IDS")
if ids:
    import alembic.util
    import alembic.script.base as base

    def rev_id():
        with open(ids) as f:
            queue = f.read().split()
        if not queue:
            import uuid
            return uuid.uuid4().hex[-12:]
        with open(ids, "w") as f:
            f.write("\\n".join(queue[1:]))
        return queue[0]

    alembic.util.rev_id = rev_id
    now = int(os.environ["SCHEMALAB_NOW"])
    base.ScriptDirectory._generate_create_date = lambda self: datetime.datetime.fromtimestamp(
        now, datetime.timezone.utc).replace(tzinfo=None)
"""


def start_cluster(tmp: pathlib.Path, port: int, prod: bool) -> pathlib.Path:
    data = tmp / f"pg{port}"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    as_pg = ["su", "postgres", "-s", "/bin/sh", "-c"]
    subprocess.run(as_pg + [f"{PG_BIN}/initdb -U learner --auth=trust -E UTF8 --locale=C.UTF-8 -D {data}"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(as_pg + [f"{PG_BIN}/pg_ctl -s -w -D {data} -l {data}/log -o '-p {port} -k /var/run/postgresql' start"], check=True)
    if prod:
        subprocess.run(["createdb", "-p", str(port), "-U", "learner", "app"], check=True)
    return data


def stop_cluster(data: pathlib.Path) -> None:
    subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c", f"{PG_BIN}/pg_ctl -s -w -D {data} stop -m fast"], check=False)


def record(story: pathlib.Path, venv: str) -> None:
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="teamfid"))
    os.chmod(tmp, 0o755)
    clusters = []
    try:
        srv = tmp / "srv" / "team" / "app.git"
        srv.parent.mkdir(parents=True)
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(srv)], check=True)
        system = tmp / "gitconfig"
        system.write_text("[init]\n\tdefaultBranch = main\n[log]\n\tdecorate = short\n")
        # git reaches git@github.com:team/app.git over "ssh" that runs the
        # command on the local bare repository, so every message (a pull's
        # merge message too) names GitHub's address.
        ssh = tmp / "ssh"
        ssh.write_text(f'#!/bin/sh\nfor last; do :; done\ncd "{srv.parent.parent}" && eval "$last"\n')
        ssh.chmod(0o755)
        base = {
            "PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "USER": "learner",
            "LOGNAME": "learner",
            "GIT_CONFIG_SYSTEM": str(system),
            "GIT_SSH_COMMAND": str(ssh),
            "TZ": "UTC",
            "FLASK_APP": "app.py",
            "DATABASE_URL": "postgresql+psycopg2://localhost/app",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "",
            "PGUSER": "learner",
            "COLUMNS": "80",
        }
        # The team lead's initial commit on origin.
        lead = tmp / "lead"
        lead.mkdir()
        for path, text in project_files().items():
            (lead / path).write_text(text)
        date = f"@{INITIAL_COMMIT_TIME} +0000"
        lead_env = dict(base, HOME=str(tmp), GIT_AUTHOR_NAME="Margaret Hamilton",
                        GIT_AUTHOR_EMAIL="margaret@example.com", GIT_COMMITTER_NAME="Margaret Hamilton",
                        GIT_COMMITTER_EMAIL="margaret@example.com", GIT_AUTHOR_DATE=date,
                        GIT_COMMITTER_DATE=date)
        for cmd in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "Start the Flask app"],
                    ["git", "push", "-q", "git@github.com:team/app.git", "main"]):
            subprocess.run(cmd, cwd=lead, env=lead_env, check=True)
        site = tmp / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
        ids = tmp / "rev_ids"
        base["PYTHONPATH"] = str(site)
        base["SCHEMALAB_REV_IDS"] = str(ids)
        envs = {}
        for name, (user, email, port) in MACHINES.items():
            home = tmp / name / "home" / "learner"
            home.mkdir(parents=True)
            (home / ".gitconfig").write_text(
                f"[user]\n\tname = {user}\n\temail = {email}\n[pull]\n\trebase = false\n")
            env = dict(base, HOME=str(home), PWD=str(home / "app"), PGPORT=str(port))
            subprocess.run(["git", "clone", "-q", "git@github.com:team/app.git", "app"], cwd=home, env=env, check=True)
            # The world's git keeps no file modes: the initial commit has
            # entrypoint.sh as a plain file and a clone makes it executable,
            # so this clone ignores the executable bit as the world's does.
            (home / "app" / "entrypoint.sh").chmod(0o755)
            subprocess.run(["git", "config", "core.fileMode", "false"], cwd=home / "app", env=env, check=True)
            clusters.append(start_cluster(tmp, port, name == "prod"))
            envs[name] = env
        here = "laptop"
        cwd = {name: tmp / name / "home" / "learner" / "app" for name in MACHINES}
        logins = []
        out = [story.read_text().splitlines()[0]]
        for n, (must_fail, line, shown) in enumerate(steps(story.read_text()), start=1):
            # The revision ids the world gave this step's new files.
            ids.write_text("\n".join(re.findall(r"^Generating \S*/versions/([0-9a-f]{12})_", shown, re.M)))
            words = line.split()
            marker = "!" if must_fail else ">"
            if words and words[0] == "ssh" and len(words) == 2:
                logins.append(here)
                here = words[1]
                cwd[here] = tmp / here / "home" / "learner"
                out.append(f"\n{marker} {line}\n---\n(not recorded: the recorder moves to {here})")
                continue
            if words == ["exit"] and logins:
                here = logins.pop()
                out.append(f"\n{marker} {line}\n---\n(not recorded: the recorder moves back to {here})")
                continue
            env = dict(envs[here])
            stamp = f"@{START_OF_LAB + SECONDS_PER_COMMAND * n} +0000"
            env["GIT_AUTHOR_DATE"] = stamp
            env["GIT_COMMITTER_DATE"] = stamp
            env["SCHEMALAB_NOW"] = str(START_OF_LAB + SECONDS_PER_COMMAND * n)
            # ls as on a terminal of 80 columns, as the world's terminal shows it.
            script = f'shopt -s expand_aliases\nalias ls="ls -C -T 0"\n{line}\nstatus=$?\npwd > "{tmp}/.cwd"\nexit $status\n'
            done = subprocess.run(["bash", "-c", script], cwd=cwd[here], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            cwd[here] = pathlib.Path((tmp / ".cwd").read_text().strip())
            text = done.stdout
            for name in MACHINES:
                text = text.replace(str(tmp / name), "")
            # Every machine's server listens on 5432 in the world.
            text = text.replace(f"port {MACHINES[here][2]} failed", "port 5432 failed")
            text = text.replace(str(tmp), "")
            if text and not text.endswith("\n"):
                text += "\n"
            tail = f"(exit {done.returncode})\n" if must_fail or done.returncode else ""
            out.append(f"\n{marker} {line}\n---\n{text}{tail}".rstrip("\n"))
        target = HERE / story.name
        target.write_text("\n".join(out) + "\n")
        print(f"recorded {target.name}")
    finally:
        for data in clusters:
            stop_cluster(data)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    if not version.startswith("git version 2.47"):
        sys.exit(f"need git 2.47, found {version.strip()}")
    venv = os.environ.get("VENV", "/tmp/realenv")
    for name in sys.argv[1:]:
        record(ROOT / "tests" / "scenarios" / "team" / f"{name}.txt", venv)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Records real git's answers for the cases in this folder.

Each `CASE.cmds` holds one shell command per line (`#` lines are comments;
a line ending with `<<'EOF'` runs with the lines up to `EOF`).
The recorder runs them with real git (2.47) in a fresh temporary home,
`/home/learner` inside it, and writes `CASE.jsonl`: one object per command
with its stdout, stderr and exit status. Never edit a recording by hand:
run `python3 tests/fidelity/git/record.py` again.

What makes the run comparable with the simulator:
- the N-th command runs at the world's clock after N commands:
  GIT_AUTHOR_DATE = GIT_COMMITTER_DATE = 1767603600 + 20 * N (UTC);
- a system config (invisible to `git config --global`) sets
  `init.defaultBranch main`, `log.decorate short` (decorations as on a
  terminal) and maps `git@github.com:team/app.git` to a local bare
  repository through `url.<file URL>.insteadOf`;
- the temporary directory prefix is removed from the output, and the bare
  repository's address is printed as git prints GitHub's: the configured
  URL `git@github.com:team/app.git` where git shows the configuration, and
  `github.com:team/app(.git)` where it shows the transport's address.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
START_OF_LAB = 1_767_603_600
SECONDS_PER_COMMAND = 20


def commands(text: str) -> list:
    """The commands of a case: one a line, except that a line ending with a
    here-document (`<<'EOF'`) takes the lines up to `EOF` with it."""
    out = []
    pending = None
    for line in text.splitlines():
        if pending is not None:
            pending.append(line)
            if line == "EOF":
                out.append("\n".join(pending))
                pending = None
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if line.endswith("<<'EOF'"):
            pending = [line]
        else:
            out.append(line)
    return out


def record(case: pathlib.Path) -> None:
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="gitfid"))
    try:
        home = tmp / "home" / "learner"
        (home / "app").mkdir(parents=True)
        srv = tmp / "srv" / "team" / "app.git"
        srv.parent.mkdir(parents=True)
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(srv)], check=True)
        system = tmp / "gitconfig"
        system.write_text(
            "[init]\n\tdefaultBranch = main\n"
            "[log]\n\tdecorate = short\n"
            f'[url "file://{srv}"]\n\tinsteadOf = git@github.com:team/app.git\n'
        )
        env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "USER": "learner",
            "GIT_CONFIG_SYSTEM": str(system),
            "TZ": "UTC",
        }
        cwd = home / "app"
        out = []
        lines = commands(case.read_text())
        for n, line in enumerate(lines, start=1):
            date = f"@{START_OF_LAB + SECONDS_PER_COMMAND * n} +0000"
            env["GIT_AUTHOR_DATE"] = date
            env["GIT_COMMITTER_DATE"] = date
            script = f'{line}\nstatus=$?\npwd > "{tmp}/.cwd"\nexit $status\n'
            done = subprocess.run(
                ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True
            )
            cwd = pathlib.Path((tmp / ".cwd").read_text().strip())

            def clean(text: str) -> str:
                url = f"file://{srv}"
                # Where git shows the transport's address, GitHub's is printed
                # without the user; where it shows the configured URL, the
                # learner's URL is printed.
                text = text.replace(f"To {url}\n", "To github.com:team/app.git\n")
                text = text.replace(f"refs to '{url}'", "refs to 'github.com:team/app.git'")
                text = text.replace(url, "git@github.com:team/app.git")
                text = text.replace(f"file://{srv.with_suffix('')}", "github.com:team/app")
                return text.replace(str(tmp), "")

            out.append(
                {
                    "cmd": line,
                    "stdout": clean(done.stdout),
                    "stderr": clean(done.stderr),
                    "exit": done.returncode,
                }
            )
        target = case.with_suffix(".jsonl")
        target.write_text("".join(json.dumps(o) + "\n" for o in out))
        print(f"recorded {target.name}: {len(out)} commands")
    finally:
        shutil.rmtree(tmp)


# Subcommands whose unknown options print their full `-h` text; the
# simulator includes these texts (src/world/git/usage/) in its errors.
USAGE_OF = [
    ("init", ["init"]), ("clone", ["clone"]), ("add", ["add"]), ("rm", ["rm"]),
    ("mv", ["mv"]), ("restore", ["restore"]), ("commit", ["commit"]),
    ("status", ["status"]), ("branch", ["branch"]), ("checkout", ["checkout"]),
    ("switch", ["switch"]), ("merge", ["merge"]), ("fetch", ["fetch"]),
    ("pull", ["pull"]), ("push", ["push"]), ("remote", ["remote"]),
    ("reset", ["reset"]), ("stash", ["stash", "push"]), ("config", ["config"]),
]


def record_usage() -> None:
    target = HERE.parent.parent.parent / "src" / "world" / "git" / "usage"
    target.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["git", "init", "-q", tmp], check=True)
        for name, args in USAGE_OF:
            done = subprocess.run(["git", *args, "-h"], cwd=tmp, capture_output=True, text=True)
            # Some subcommands print their -h text on stderr.
            (target / f"{name}.txt").write_text(done.stdout or done.stderr)
    print(f"recorded {len(USAGE_OF)} usage texts")


def main() -> None:
    version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    if not version.startswith("git version 2.47"):
        sys.exit(f"need git 2.47, found {version.strip()}")
    if len(sys.argv) == 1 or "usage" in sys.argv[1:]:
        record_usage()
    cases = sorted(HERE.glob("*.cmds"))
    for case in cases:
        if len(sys.argv) > 1 and case.stem not in sys.argv[1:]:
            continue
        record(case)


if __name__ == "__main__":
    main()

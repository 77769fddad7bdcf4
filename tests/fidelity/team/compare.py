#!/usr/bin/env python3
"""Compares team stories (`tests/scenarios/team/*.txt`) with their real
recordings here (record.py), dropping the frames of Python tracebacks (the
world prints only the outermost and innermost), and skipping the steps the
recorder does not run (`ssh`, `exit`). Prints a unified diff per story that
differs; exits 1 if any does.

The recorder gives Alembic the world's revision ids and dates, so commit
ids must match too; with `--ids`, every hex id of 7 to 40 digits and every
`Create Date` is replaced by a placeholder first (for a recording made
without them).

Usage: python3 tests/fidelity/team/compare.py [--ids] [STORY...]
"""

import difflib
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
STORIES = HERE.parent.parent / "scenarios" / "team"
HEX = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}(?![0-9A-Za-z])")
FRAME = re.compile(r"^  File .*\n(?:    .*\n)*", re.M)
MOVES = re.compile(r"[>!] (ssh \S+|exit)\n")
DATE = re.compile(r"Create Date: .*")


def blocks(text: str, ids: bool) -> list:
    out = []
    for block in re.split(r"\n\n(?=[>!] )", text):
        # The recorder does not run ssh and exit; the world prints a banner
        # and its logout lines.
        if "(not recorded:" in block or MOVES.match(block):
            continue
        if ids:
            block = HEX.sub("<id>", block)
            block = DATE.sub("Create Date: <date>", block)
        # The world prints a Python traceback's first and last frames only.
        block = FRAME.sub("", block)
        out.extend(block.splitlines())
    return out


def main() -> int:
    ids = "--ids" in sys.argv[1:]
    names = [a for a in sys.argv[1:] if a != "--ids"] or sorted(p.stem for p in HERE.glob("*.txt"))
    status = 0
    for name in names:
        want = blocks((HERE / f"{name}.txt").read_text(), ids)
        got = blocks((STORIES / f"{name}.txt").read_text(), ids)
        diff = list(difflib.unified_diff(want, got, "real", "world", lineterm="", n=2))
        if diff:
            status = 1
            print("\n".join(diff))
        else:
            print(f"{name}: same as the real tools")
    return status


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compares team stories (`tests/scenarios/team/*.txt`) with their real
recordings here (record.py), after replacing every hex id of 7 to 40 digits
and every Alembic `Create Date` by placeholders, dropping the frames of
Python tracebacks (the world prints only the outermost and innermost), and skipping the steps the
recorder does not run (`ssh`, `exit`). Prints a unified diff per story that
differs; exits 1 if any does.

Usage: python3 tests/fidelity/team/compare.py [STORY...]
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


def blocks(text: str) -> list:
    out = []
    for block in re.split(r"\n\n(?=[>!] )", text):
        # The recorder does not run ssh and exit; the world prints a banner
        # and its logout lines.
        if "(not recorded:" in block or MOVES.match(block):
            continue
        block = HEX.sub("<id>", block)
        # The world prints a Python traceback's first and last frames only.
        block = FRAME.sub("", block)
        block = DATE.sub("Create Date: <date>", block)
        out.extend(block.splitlines())
    return out


def main() -> int:
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("*.txt"))
    status = 0
    for name in names:
        want = blocks((HERE / f"{name}.txt").read_text())
        got = blocks((STORIES / f"{name}.txt").read_text())
        diff = list(difflib.unified_diff(want, got, "real", "world", lineterm="", n=2))
        if diff:
            status = 1
            print("\n".join(diff))
        else:
            print(f"{name}: same as the real tools")
    return status


if __name__ == "__main__":
    sys.exit(main())

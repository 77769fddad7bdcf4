"""Drives `flask shell` in a pseudo-terminal, one line per prompt, and prints what the
terminal shows (the banner, prompts, echoed input, output, tracebacks), as a learner sees it.

usage: python3 shell.py < lines   (run in the project directory, env.sh sourced)
"""
import os, pty, select, sys, time

lines = sys.stdin.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
pid, fd = pty.fork()
if pid == 0:
    os.execvp("flask", ["flask", "shell"])

buf = b""
def read_until_prompt(timeout=10.0):
    global buf
    end = time.time() + timeout
    while time.time() < end:
        tail = buf.decode("utf-8", "replace")
        if tail.endswith(">>> ") or tail.endswith("... "):
            return True
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            buf += chunk
    return False

out = b""
for line in lines:
    if not read_until_prompt():
        break
    out += buf
    buf = b""
    if line == "<CTRL-D>":
        os.write(fd, b"\x04")
    else:
        os.write(fd, line.encode() + b"\n")
read_until_prompt(3.0)
out += buf
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))

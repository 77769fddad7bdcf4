"""Cuts the library frames of recorded tracebacks into the segments src/runtime/frames/ holds.

Each segment is the frames SQLAlchemy (or Flask) adds between the learner's line and the point
where the statement goes to psycopg2 (`engine/base.py … in execute`), or up to the `raise` of
an exception SQLAlchemy raises itself. Paths become /usr/local/lib/python3.11/site-packages, as
in the rest of the project's recorded ground truth.
usage: python3 extract_frames.py   (after the run_*.sh scripts)
"""
import os, re
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
OUT = os.path.join(HERE, "../../../../src/runtime/frames")
os.makedirs(OUT, exist_ok=True)
SITE = "/tmp/flaskvenv/lib/python3.11/site-packages"

def outer_traceback(transcript, prompt, nth=0):
    """The frame lines of the last traceback printed after the nth `>>> prompt`."""
    text = open(os.path.join(ROOT, transcript)).read()
    parts = text.split(">>> " + prompt + "\n")
    block = parts[nth + 1].split("\n>>> ")[0]
    tb = block.split("Traceback (most recent call last):\n")[-1]
    lines = tb.split("\n")
    frames = []
    for l in lines:
        if l.startswith("  "):
            frames.append(l)
        else:
            break
    return frames

def after_console(frames):
    assert frames[0].startswith('  File "<console>"'), frames[0]
    return frames[1:]

def cut(frames, marker='engine/base.py", line 1494, in execute'):
    for i, l in enumerate(frames):
        if marker in l:
            return frames[:i], frames[i:]
    return frames, []

def save(name, frames):
    text = "\n".join(frames).replace(SITE, "/usr/local/lib/python3.11/site-packages") + "\n"
    open(os.path.join(OUT, name + ".txt"), "w").write(text)

segs = {}
f = after_console(outer_traceback("06_model_ahead.txt", "db.session.commit()", 0))
segs["commit_insert"], tail = cut(f)
segs["execute"] = tail
f = after_console(outer_traceback("06_model_ahead.txt", "db.session.commit()", 1))
segs["commit_insert_batch"], tail2 = cut(f)
segs["execute_insertmany"] = tail2
f = after_console(outer_traceback("06_model_ahead.txt", "User.query.all()", 1))
segs["query_all"], t = cut(f); assert t == tail
f = after_console(outer_traceback("06_model_ahead.txt", 'User.query.filter_by(name="Ann").first()', 0))
segs["query_first"], t = cut(f); assert t == tail
f = after_console(outer_traceback("08_model_ahead_more.txt", "User.query.count()", 0))
segs["query_count"], t = cut(f); assert t == tail
f = after_console(outer_traceback("08_model_ahead_more.txt", "db.session.get(User, 1)", 0))
segs["session_get"], t = cut(f); assert t == tail
f = after_console(outer_traceback("08_model_ahead_more.txt", "User.query.all()", 0))
segs["autoflush_query_all"], t = cut(f); assert t == tail, t[:2]
segs["pending_query_all"] = after_console(outer_traceback("06_model_ahead.txt", "User.query.all()", 0))
segs["pending_commit"] = after_console(outer_traceback("08_model_ahead_more.txt", "db.session.commit()", 0))
segs["pending_query_first"] = after_console(outer_traceback("08_model_ahead_more.txt", 'User.query.filter_by(name="Ann").first()', 0))
segs["pending_session_get"] = after_console(outer_traceback("08_model_ahead_more.txt", "db.session.get(User, 1)", 1))
segs["add_unmapped"] = after_console(outer_traceback("03_errors.txt", "db.session.add(5)", 0))
# The cause of add_unmapped (inner traceback).
text = open(os.path.join(ROOT, "03_errors.txt")).read().split(">>> db.session.add(5)\n")[1]
inner = text.split("Traceback (most recent call last):\n")[1].split("\n")
segs["add_unmapped_cause"] = [l for l in inner if l.startswith("  ")]
# Flask's dispatch frames, from the server log.
log = open(os.path.join(ROOT, "07_http_server.log")).read()
tb = log.split("ERROR in app: Exception on /users [GET]\n")[1].split("direct cause of the following exception:\n\nTraceback (most recent call last):\n")[1].split("\n")
disp = []
for l in tb:
    if "/tmp/rtgt/app/app.py" in l:
        break
    disp.append(l)
segs["flask_dispatch"] = disp
# A database that does not exist: libpq's error on first use.
text = open(os.path.join(ROOT, "09_no_database.txt")).read()
for prompt, name in (("User.query.all()", "connect_query_all"), ("db.session.commit()", "connect_commit"), ("db.create_all()", "connect_create_all")):
    segs[name] = after_console(outer_traceback("09_no_database.txt", prompt, 0))
block = text.split(">>> User.query.all()\n")[1]
inner = block.split("Traceback (most recent call last):\n")[1].split("\n")
segs["connect_cause"] = [l for l in inner if l.startswith("  ")]
# Importing the app from `flask shell` / `flask run`: the launcher frames before app.py's.
text = open(os.path.join(ROOT, "10_no_database_url.txt")).read()
for cmd, name in (("$ flask shell\n", "import_shell"), ("$ flask run\n", "import_run")):
    tb = text.split(cmd)[1].split("Traceback (most recent call last):\n")[1].split("\n")
    frames = []
    for l in tb:
        if "/tmp/rtgt/app/app.py" in l:
            break
        frames.append(l)
    segs[name] = [l.replace("/tmp/flaskvenv/bin/flask", "/usr/local/bin/flask") for l in frames]
# Changing and deleting saved objects (12).
f = after_console(outer_traceback("12_update_conflict.txt", "db.session.commit()", 1))
segs["commit_update"], t = cut(f); assert t == tail
segs["delete_transient"] = after_console(outer_traceback("12_update_conflict.txt", 'db.session.delete(User(name="x"))', 0))
# db.create_all() at import, outside an app context (13): Flask-SQLAlchemy's frames.
text = open(os.path.join(ROOT, "13_create_all_at_import.txt")).read()
tb = text.split("Traceback (most recent call last):\n")[1].split("\n")
frames, seen_app = [], False
for l in tb:
    if not l.startswith("  "):
        break
    if seen_app and not l.startswith("    db.create_all()"):
        frames.append(l)
    if "/tmp/rtgt/app/app.py" in l:
        seen_app = True
segs["create_all_outside_context"] = frames
for k, v in segs.items():
    save(k, v)
print(sorted(segs))

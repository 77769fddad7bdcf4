//! [`PyErr`]: a Python exception on its way up, and how Python prints it.
//!
//! SQLAlchemy's library frames are recorded text (`frames/*.txt`, cut from the real stack's
//! tracebacks by `tests/fidelity/flask/scripts/extract_frames.py`): the frames between the
//! learner's line and the point where SQLAlchemy hands the statement to psycopg2.

use crate::migrate::{psycopg2_class, sqlalchemy_class};
use crate::sql::{caret_lines, SqlError};

/// Recorded library frames, by the path that raised.
pub mod frames {
    /// `session.commit()` flushing one object: down to `connection.execute`.
    pub const COMMIT_INSERT: &str = include_str!("frames/commit_insert.txt");
    /// `session.commit()` flushing several objects in one batched INSERT.
    pub const COMMIT_INSERT_BATCH: &str = include_str!("frames/commit_insert_batch.txt");
    /// `session.commit()` flushing a changed object (UPDATE).
    pub const COMMIT_UPDATE: &str = include_str!("frames/commit_update.txt");
    /// `session.delete()` of an object that was never saved.
    pub const DELETE_TRANSIENT: &str = include_str!("frames/delete_transient.txt");
    /// `Query.all()` flushing pending objects first (autoflush).
    pub const AUTOFLUSH_QUERY_ALL: &str = include_str!("frames/autoflush_query_all.txt");
    /// `Query.all()`.
    pub const QUERY_ALL: &str = include_str!("frames/query_all.txt");
    /// `Query.first()`.
    pub const QUERY_FIRST: &str = include_str!("frames/query_first.txt");
    /// `Query.count()`.
    pub const QUERY_COUNT: &str = include_str!("frames/query_count.txt");
    /// `session.get(Model, pk)`.
    pub const SESSION_GET: &str = include_str!("frames/session_get.txt");
    /// From `Connection.execute` to psycopg2 (one statement).
    pub const EXECUTE: &str = include_str!("frames/execute.txt");
    /// From `Connection.execute` to psycopg2 (a batched INSERT, "insertmanyvalues").
    pub const EXECUTE_INSERTMANY: &str = include_str!("frames/execute_insertmany.txt");
    /// `PendingRollbackError` raised by `Query.all()`.
    pub const PENDING_QUERY_ALL: &str = include_str!("frames/pending_query_all.txt");
    /// `PendingRollbackError` raised by `Query.first()`.
    pub const PENDING_QUERY_FIRST: &str = include_str!("frames/pending_query_first.txt");
    /// `PendingRollbackError` raised by `session.get()`.
    pub const PENDING_SESSION_GET: &str = include_str!("frames/pending_session_get.txt");
    /// `PendingRollbackError` raised by `session.commit()`.
    pub const PENDING_COMMIT: &str = include_str!("frames/pending_commit.txt");
    /// `session.add(5)`: the `UnmappedInstanceError` frames, and its cause's.
    pub const ADD_UNMAPPED: &str = include_str!("frames/add_unmapped.txt");
    /// The `AttributeError` behind `UnmappedInstanceError`.
    pub const ADD_UNMAPPED_CAUSE: &str = include_str!("frames/add_unmapped_cause.txt");
    /// libpq failing to connect: psycopg2's own frames.
    pub const CONNECT_CAUSE: &str = include_str!("frames/connect_cause.txt");
    /// Connecting on `Query.all()`.
    pub const CONNECT_QUERY_ALL: &str = include_str!("frames/connect_query_all.txt");
    /// Connecting on `session.commit()`.
    pub const CONNECT_COMMIT: &str = include_str!("frames/connect_commit.txt");
    /// Connecting on `db.create_all()`.
    pub const CONNECT_CREATE_ALL: &str = include_str!("frames/connect_create_all.txt");
    /// `db.create_all()` at import, outside an application context.
    pub const CREATE_ALL_OUTSIDE_CONTEXT: &str =
        include_str!("frames/create_all_outside_context.txt");
    /// Flask dispatching a request to a view function.
    pub const FLASK_DISPATCH: &str = include_str!("frames/flask_dispatch.txt");
    /// `flask shell` importing the app.
    pub const IMPORT_SHELL: &str = include_str!("frames/import_shell.txt");
    /// `flask run` importing the app.
    pub const IMPORT_RUN: &str = include_str!("frames/import_run.txt");
}

/// What an exception means to the code around it (Flask answers some with a 4xx page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrKind {
    /// Any exception: a 500 in a request.
    Other,
    /// `request.form["x"]` without `x`: Werkzeug's `BadRequestKeyError`, a 400.
    BadRequestKey,
    /// `exit()` / `quit()` in the shell.
    Exit,
}

/// A raised exception.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyErr {
    /// How the caller treats it.
    pub kind: ErrKind,
    /// The exception line(s): `NameError: name 'x' is not defined` (no final newline).
    pub line: String,
    /// Library frames below the learner's frames, each line newline-terminated.
    pub frames: String,
    /// The exception this one was raised from, printed first.
    pub cause: Option<Box<PyErr>>,
    /// The learner's frames collected while unwinding, outermost first.
    pub user: Vec<String>,
    /// The source text of the call that raised in the innermost frame not yet recorded.
    pub caret: Option<String>,
    /// True once the frame being unwound has been recorded (outer blocks of the same
    /// function add nothing).
    pub framed: bool,
}

impl PyErr {
    /// An exception with its line, no frames.
    pub fn new(line: impl Into<String>) -> Self {
        PyErr {
            kind: ErrKind::Other,
            line: line.into(),
            frames: String::new(),
            cause: None,
            user: Vec::new(),
            caret: None,
            framed: false,
        }
    }

    /// `NameError: name 'x' is not defined`
    pub fn name_error(name: &str) -> Self {
        PyErr::new(format!("NameError: name '{name}' is not defined"))
    }

    /// `AttributeError: 'X' object has no attribute 'y'`
    pub fn no_attribute(type_name: &str, attr: &str) -> Self {
        PyErr::new(format!(
            "AttributeError: '{type_name}' object has no attribute '{attr}'"
        ))
    }

    /// `TypeError: …`
    pub fn type_error(msg: impl Into<String>) -> Self {
        PyErr::new(format!("TypeError: {}", msg.into()))
    }

    /// Valid Python this simulator does not run: says what, honestly.
    pub fn unsupported(what: &str) -> Self {
        PyErr::new(format!(
            "NotImplementedError: {what} is outside the Python that SchemaLab runs (assignments, calls, if/for, return, list/dict literals and comprehensions, db.session, Model.query, request.form, jsonify)"
        ))
    }

    /// With library frames.
    pub fn with_frames(mut self, frames: &str) -> Self {
        self.frames = frames.to_string();
        self
    }

    /// With a direct cause.
    pub fn caused_by(mut self, cause: PyErr) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// Records the learner's frame the exception passes through: `File "…", line N, in f`,
    /// the statement, and carets under the call that raised unless it is the whole line.
    pub fn push_frame(&mut self, file: &str, line: usize, func: &str, source: Option<&str>) {
        let mut frame = format!("  File \"{file}\", line {line}, in {func}\n");
        if let Some(text) = source {
            let stripped = text.trim();
            frame.push_str(&format!("    {stripped}\n"));
            if let Some(call) = self.caret.take() {
                if let Some(at) = stripped.find(&call) {
                    if call.len() < stripped.len() {
                        let col = stripped[..at].chars().count();
                        frame.push_str(&format!(
                            "    {}{}\n",
                            " ".repeat(col),
                            "^".repeat(call.chars().count())
                        ));
                    }
                }
            }
        }
        self.caret = None;
        self.user.insert(0, frame);
    }

    /// The traceback as Python prints it; `outer` are frames above the learner's (Flask's
    /// dispatch, the console's `<module>` frame).
    pub fn render(&self, outer: &str) -> String {
        let mut s = String::new();
        if let Some(c) = &self.cause {
            s.push_str(&c.render(""));
            s.push_str(
                "\nThe above exception was the direct cause of the following exception:\n\n",
            );
        }
        s.push_str("Traceback (most recent call last):\n");
        s.push_str(outer);
        for f in &self.user {
            s.push_str(f);
        }
        s.push_str(&self.frames);
        s.push_str(&self.line);
        s.push('\n');
        s
    }

    /// Only the exception line(s), as `repr`-less summaries show it.
    pub fn summary(&self) -> &str {
        &self.line
    }
}

/// psycopg2's text of a server error: the message, the statement line with its caret, then
/// DETAIL and HINT, ending with a newline (libpq's format, as `str(e)` gives it).
pub fn libpq_message(err: &SqlError, literal_sql: &str) -> String {
    let mut text = err.message.clone();
    text.push('\n');
    if let Some(pos) = err.position {
        text.push_str(&caret_lines(literal_sql, pos));
        text.push('\n');
    }
    if let Some(d) = &err.detail {
        text.push_str(&format!("DETAIL:  {d}\n"));
    }
    if let Some(h) = &err.hint {
        text.push_str(&format!("HINT:  {h}\n"));
    }
    text
}

/// How a failed statement was sent, for its traceback.
pub struct Sent<'a> {
    /// The statement as SQLAlchemy logs it (`%(name)s` placeholders).
    pub sql: &'a str,
    /// The statement as the server received it (values interpolated by psycopg2).
    pub literal: &'a str,
    /// The parameters' repr (`{'name': 'Ann'}`), empty when there are none.
    pub params: &'a str,
    /// True for a batched INSERT ("insertmanyvalues").
    pub many: bool,
}

/// SQLAlchemy's exception for a server error, with psycopg2's as its cause. `entry` are the
/// frames from the learner's call down to `Connection.execute`.
pub fn db_error(err: &SqlError, sent: &Sent, entry: &str) -> PyErr {
    let code = err.code();
    let class = psycopg2_class(code);
    let (sa_class, _) = sqlalchemy_class(code);
    let msg = libpq_message(err, sent.literal);
    let execute = if sent.many {
        frames::EXECUTE_INSERTMANY
    } else {
        frames::EXECUTE
    };
    let dbapi: String = {
        let lines: Vec<&str> = execute.lines().collect();
        let tail = &lines[lines.len().saturating_sub(4)..];
        tail.iter().map(|l| format!("{l}\n")).collect()
    };
    let cause = PyErr::new(format!("psycopg2.errors.{class}: {msg}")).with_frames(&dbapi);
    PyErr::new(format!("sqlalchemy.exc.{sa_class}: {}", wrapped(err, sent)))
        .with_frames(&format!("{entry}{execute}"))
        .caused_by(cause)
}

/// The text after `sqlalchemy.exc.X: ` for a server error: `(psycopg2.errors.Y) message`,
/// `[SQL: …]`, `[parameters: …]` and the Background link.
pub fn wrapped(err: &SqlError, sent: &Sent) -> String {
    let code = err.code();
    let class = psycopg2_class(code);
    let (_, background) = sqlalchemy_class(code);
    let msg = libpq_message(err, sent.literal);
    let mut s = format!("(psycopg2.errors.{class}) {msg}\n[SQL: {}]\n", sent.sql);
    if !sent.params.is_empty() {
        s.push_str(&format!("[parameters: {}]\n", sent.params));
    }
    s.push_str(&format!(
        "(Background on this error at: https://sqlalche.me/e/21/{background})"
    ));
    s
}

/// libpq could not connect: `OperationalError` with psycopg2's as its cause. `entry` are the
/// frames of the operation that needed the connection.
pub fn connect_error(libpq: &str, entry: &str) -> PyErr {
    let cause = PyErr::new(format!("psycopg2.OperationalError: {libpq}\n"))
        .with_frames(frames::CONNECT_CAUSE);
    PyErr::new(format!(
        "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) {libpq}\n\n(Background on this error at: https://sqlalche.me/e/21/e3q8)"
    ))
    .with_frames(entry)
    .caused_by(cause)
}

/// The `PendingRollbackError` every use of a session raises after a failed flush, until
/// `rollback()`; `original` is the flush error's text after `sqlalchemy.exc.X: `.
pub fn pending_rollback(original: &str, entry: &str) -> PyErr {
    PyErr::new(format!(
        "sqlalchemy.exc.PendingRollbackError: This Session's transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first issue Session.rollback(). Original exception was: {original} (Background on this error at: https://sqlalche.me/e/21/7s2a)"
    ))
    .with_frames(entry)
}

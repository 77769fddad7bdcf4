//! [`AppProcess`]: a started Flask app, and the request/response types it serves.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::migrate::{
    load_app, parse_code, App, ErrorKind, ProjectFiles, Py, PyKind, PyStmt, UriSource,
};
use crate::sql::Cluster;

use super::exc::{frames, ErrKind, PyErr};
use super::interp::{Func, Interp, RequestData};
use super::orm::{Orm, Target};
use super::value::{Thing, Value};

/// An app that could not start: what the server prints and its exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartFailure {
    /// The text printed on stderr (a traceback ending in `KeyError: 'DATABASE_URL'`, a
    /// `SyntaxError` in `models.py`, …), newline-terminated.
    pub output: String,
    /// The exit code of the process (1 for an exception while importing, 2 for Flask's
    /// "could not locate" usage errors).
    pub exit_code: i32,
    /// For an exception while importing: the traceback from the app module's frame on
    /// (`  File "…/app.py", line 8, in <module>` … `KeyError: 'DATABASE_URL'`), for a server
    /// that prints its own launcher frames (gunicorn); empty otherwise.
    pub import_error: String,
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
    /// The SQL sent in this step, as SQLAlchemy's engine log shows it: the statement with
    /// `%(name)s` placeholders, then `[parameters: {...}]` when it has any.
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
    /// What the view wrote with `print()`: the server's stdout, before the access-log line.
    pub stdout: String,
}

/// One route: its rule, methods and view function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The URL rule (`/users`, `/users/<int:id>`).
    pub rule: String,
    /// The methods it accepts, as decorated (`GET`, `POST`).
    pub methods: Vec<String>,
    /// The view function's name (Flask's endpoint).
    pub endpoint: String,
}

impl Handled {
    /// [`Handled::log`] with Flask's log timestamp filled in (`2026-11-24 03:02:51,283`).
    pub fn log_at(&self, timestamp: &str) -> String {
        self.log.replace("<timestamp>", timestamp)
    }
}

/// A started app: the code as it was imported at start-up (models, routes), its engine and
/// its session. `handle` serves one request at a time against the machine's server.
#[derive(Clone, Debug)]
pub struct AppProcess {
    app: App,
    project_dir: String,
    routes: Vec<Route>,
    pub(crate) orm: Orm,
    pub(crate) globals: BTreeMap<String, Value>,
    pub(crate) funcs: BTreeMap<String, Func>,
    /// `with app.app_context():` blocks at the app module's top level, run at every start.
    startup: Vec<PyStmt>,
    app_path: String,
    app_source: String,
}

/// Werkzeug's reason phrase for a status, upper-cased as its dev server sends it.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "CREATED",
        202 => "ACCEPTED",
        204 => "NO CONTENT",
        301 => "MOVED PERMANENTLY",
        302 => "FOUND",
        400 => "BAD REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT FOUND",
        405 => "METHOD NOT ALLOWED",
        409 => "CONFLICT",
        422 => "UNPROCESSABLE ENTITY",
        500 => "INTERNAL SERVER ERROR",
        _ => "UNKNOWN",
    }
}

/// Werkzeug's HTML page for an HTTP error.
fn error_page(status: u16) -> String {
    let (title, text) = match status {
        400 => ("Bad Request", "The browser (or proxy) sent a request that this server could not understand."),
        404 => ("Not Found", "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again."),
        405 => ("Method Not Allowed", "The method is not allowed for the requested URL."),
        _ => ("Internal Server Error", "The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application."),
    };
    format!("<!doctype html>\n<html lang=en>\n<title>{status} {title}</title>\n<h1>{title}</h1>\n<p>{text}</p>\n")
}

fn response(
    status: u16,
    content_type: &str,
    body: String,
    extra: Vec<(String, String)>,
) -> Response {
    let mut headers = vec![("Content-Type".to_string(), content_type.to_string())];
    headers.extend(extra);
    headers.push(("Content-Length".into(), body.len().to_string()));
    Response {
        status,
        reason: reason(status).into(),
        headers,
        body,
    }
}

fn html_error(status: u16, extra: Vec<(String, String)>) -> Response {
    response(
        status,
        "text/html; charset=utf-8",
        error_page(status),
        extra,
    )
}

fn step(kind: StepKind, label: impl Into<String>) -> Step {
    Step {
        kind,
        label: label.into(),
        sql: Vec::new(),
        ok: true,
    }
}

/// `%XX` and `+` decoding of a query string part.
fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16)) {
                    Some(Ok(b)) => {
                        out.push(b);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Matches a path against a rule: the view arguments, or `None`.
fn match_rule(rule: &str, path: &str) -> Option<Vec<Value>> {
    let r: Vec<&str> = rule.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if r.len() != p.len() {
        return None;
    }
    let mut args = Vec::new();
    for (rs, ps) in r.iter().zip(p.iter()) {
        if let Some(var) = rs.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
            let (conv, _) = var.split_once(':').unwrap_or(("string", var));
            match conv {
                "int" => args.push(Value::Int(ps.parse().ok()?)),
                _ if ps.is_empty() => return None,
                _ => args.push(Value::Str(url_decode(ps))),
            }
        } else if rs != ps {
            return None;
        }
    }
    Some(args)
}

impl AppProcess {
    /// Imports the app as the server does at start-up. `env` reads the process environment
    /// (`DATABASE_URL`, `FLASK_APP`). Err with what `flask run` prints when the import fails
    /// (`StartFailure::import_error` holds the part a different server would print too).
    pub fn start(
        files: &dyn ProjectFiles,
        project_dir: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AppProcess, StartFailure> {
        Self::import(files, project_dir, env, frames::IMPORT_RUN, "run")
    }

    /// Imports the app for a command (`launcher` are the frames above the import: `flask run`'s
    /// or `flask shell`'s; `command` names the command in click's usage line).
    pub(crate) fn import(
        files: &dyn ProjectFiles,
        project_dir: &str,
        env: &dyn Fn(&str) -> Option<String>,
        launcher: &str,
        command: &str,
    ) -> Result<AppProcess, StartFailure> {
        let fail = |import_error: String| StartFailure {
            output: format!("Traceback (most recent call last):\n{launcher}{import_error}"),
            exit_code: 1,
            import_error,
        };
        let app = load_app(files, project_dir, env("FLASK_APP").as_deref()).map_err(|e| {
            if e.kind == ErrorKind::NoApp {
                StartFailure {
                    output: format!(
                        "Usage: flask {command} [OPTIONS]\nTry 'flask {command} --help' for help.\n\nError: {}\n",
                        e.message.trim_end()
                    ),
                    exit_code: 2,
                    import_error: String::new(),
                }
            } else {
                fail(format!("{e}\n"))
            }
        })?;
        let app_path = format!("{project_dir}/{}", app.module_file);
        let source = files.read(&app.module_file).unwrap_or_default();
        let url = match &app.uri {
            UriSource::Literal(s) => Some(s.clone()),
            UriSource::Env { name, default } => match env(name).or_else(|| default.clone()) {
                Some(v) => Some(v),
                None => return Err(fail(key_error(&app_path, &source, name))),
            },
            UriSource::Missing => None,
        };
        if url.is_none() {
            return Err(fail(format!(
                "{}RuntimeError: Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.\n",
                line_frame(&app_path, &source, "SQLAlchemy(")
            )));
        }
        let target = url.as_deref().and_then(Target::parse);
        let code = parse_code(&app_path, &source).map_err(|e| fail(format!("{e}\n")))?;
        let mut globals = BTreeMap::new();
        for (name, v) in [
            ("app", Value::Thing(Thing::App)),
            ("db", Value::Thing(Thing::Db)),
            ("request", Value::Thing(Thing::Request)),
            ("jsonify", Value::Func("jsonify".into())),
            ("os", Value::Thing(Thing::Os)),
        ] {
            globals.insert(name.to_string(), v);
        }
        for m in &app.models {
            globals.insert(m.class.clone(), Value::Class(m.class.clone()));
        }
        if let Some(u) = &url {
            globals.insert("__database_url__".into(), Value::Str(u.clone()));
            globals.insert("__env__DATABASE_URL".into(), Value::Str(u.clone()));
        }
        let mut funcs = BTreeMap::new();
        let mut routes = Vec::new();
        let mut startup = Vec::new();
        for stmt in &code {
            match &stmt.kind {
                PyKind::With(..) => startup.push(stmt.clone()),
                PyKind::FromImport(module, names) if super::interp::exception_module(module) => {
                    for n in names {
                        globals.insert(n.clone(), Value::ExcClass(module.clone(), n.clone()));
                    }
                }
                PyKind::Expr(Py::Call { func, .. })
                    if matches!(func.as_ref(), Py::Attr(obj, m)
                        if matches!(obj.as_ref(), Py::Name(n) if n == "db")
                            && (m == "create_all" || m == "drop_all")) =>
                {
                    // Flask-SQLAlchemy needs an application context: the import fails.
                    let mut e = PyErr::new("RuntimeError: Working outside of application context.\n\nThis typically means that you attempted to use functionality that needed\nthe current application. To solve this, set up an application context\nwith app.app_context(). See the documentation for more information.")
                        .with_frames(frames::CREATE_ALL_OUTSIDE_CONTEXT);
                    let text = source.lines().nth(stmt.line.saturating_sub(1));
                    e.push_frame(&app_path, stmt.line, "<module>", text);
                    let import_error = e.render("");
                    let import_error = import_error
                        .strip_prefix("Traceback (most recent call last):\n")
                        .unwrap_or(&import_error)
                        .to_string();
                    return Err(fail(import_error));
                }
                _ => {}
            }
            let PyKind::Def {
                name,
                params,
                decorators,
                body,
            } = &stmt.kind
            else {
                continue;
            };
            funcs.insert(
                name.clone(),
                Func {
                    file: app_path.clone(),
                    source: source.clone(),
                    params: params.clone(),
                    body: body.clone(),
                },
            );
            for d in decorators {
                if let Some(route) = route_of(d, name) {
                    routes.push(route);
                }
            }
        }
        Ok(AppProcess {
            orm: Orm::new(app.models.clone(), target),
            app,
            project_dir: project_dir.to_string(),
            routes,
            globals,
            funcs,
            startup,
            app_path,
            app_source: source,
        })
    }

    /// Runs what the app module does against the database while it is imported: its
    /// `with app.app_context():` blocks (`db.create_all()` there creates missing tables at
    /// every start, past any migration). Call it once after [`AppProcess::start`], with the
    /// machine's server; `Ok` holds the steps (SQL sent), `Err` what the server prints before
    /// it exits (the import failed: a missing database, a SQL error).
    pub fn run_startup(&mut self, cluster: &mut Cluster) -> Result<Vec<Step>, StartFailure> {
        self.run_startup_as(cluster, frames::IMPORT_RUN)
    }

    pub(crate) fn run_startup_as(
        &mut self,
        cluster: &mut Cluster,
        launcher: &str,
    ) -> Result<Vec<Step>, StartFailure> {
        self.orm.steps.clear();
        if self.startup.is_empty() {
            return Ok(Vec::new());
        }
        let startup = self.startup.clone();
        let (path, source) = (self.app_path.clone(), self.app_source.clone());
        let r = {
            let mut interp = Interp::new(
                &mut self.orm,
                cluster,
                &mut self.globals,
                &mut self.funcs,
                None,
            );
            interp.run_module(&path, &source, &startup)
        };
        // The app context ends: its session is removed.
        self.orm.close(cluster);
        let steps = std::mem::take(&mut self.orm.steps);
        match r {
            Ok(()) => Ok(steps),
            Err(e) => {
                let output = e.render(launcher);
                let import_error = e.render("");
                Err(StartFailure {
                    output,
                    exit_code: 1,
                    import_error: import_error
                        .strip_prefix("Traceback (most recent call last):\n")
                        .unwrap_or(&import_error)
                        .to_string(),
                })
            }
        }
    }

    /// The project directory the app was started in.
    pub fn project_dir(&self) -> &str {
        &self.project_dir
    }

    /// The routes, in declaration order (`flask routes`).
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// `flask routes [-s endpoint|methods|rule|match] [--all-methods]`: the routes with
    /// Flask's `static` route, as Flask 3.1 prints the table (columns padded; `HEAD` and
    /// `OPTIONS` shown only with `all_methods`).
    pub fn routes_table(&self, sort: &str, all_methods: bool) -> String {
        let statik = Route {
            rule: "/static/<path:filename>".into(),
            methods: vec!["GET".into()],
            endpoint: "static".into(),
        };
        let mut rows: Vec<(String, String, String)> = std::iter::once(&statik)
            .chain(self.routes.iter())
            .map(|r| {
                let mut methods: Vec<String> = r.methods.clone();
                if all_methods {
                    if methods.iter().any(|m| m == "GET") {
                        methods.push("HEAD".into());
                    }
                    methods.push("OPTIONS".into());
                } else {
                    methods.retain(|m| m != "HEAD" && m != "OPTIONS");
                }
                crate::sorting::sort(&mut methods);
                methods.dedup();
                (r.endpoint.clone(), methods.join(", "), r.rule.clone())
            })
            .collect();
        match sort {
            "match" => {}
            "methods" => crate::sorting::sort_by(&mut rows, |a, b| a.1.cmp(&b.1)),
            "rule" => crate::sorting::sort_by(&mut rows, |a, b| a.2.cmp(&b.2)),
            _ => crate::sorting::sort_by(&mut rows, |a, b| a.0.cmp(&b.0)),
        }
        let header = ("Endpoint", "Methods", "Rule");
        let width = |f: &dyn Fn(&(String, String, String)) -> usize, h: &str| {
            rows.iter().map(f).max().unwrap_or(0).max(h.len())
        };
        let w0 = width(&|r| r.0.chars().count(), header.0);
        let w1 = width(&|r| r.1.chars().count(), header.1);
        let w2 = width(&|r| r.2.chars().count(), header.2);
        let mut out = format!("{:w0$}  {:w1$}  {:w2$}\n", header.0, header.1, header.2);
        out.push_str(&format!(
            "{}  {}  {}\n",
            "-".repeat(w0),
            "-".repeat(w1),
            "-".repeat(w2)
        ));
        for (e, m, r) in &rows {
            out.push_str(&format!("{e:w0$}  {m:w1$}  {r:w2$}\n"));
        }
        out
    }

    /// Imports the app for a command that runs in its context (`flask routes`): as
    /// [`AppProcess::start`], with that command's traceback frames and usage line.
    pub fn start_for_command(
        files: &dyn ProjectFiles,
        project_dir: &str,
        env: &dyn Fn(&str) -> Option<String>,
        command: &str,
    ) -> Result<AppProcess, StartFailure> {
        Self::import(files, project_dir, env, frames::IMPORT_SHELL, command)
    }

    /// The app module's file, relative to the project (`app.py`).
    pub fn module_file(&self) -> &str {
        &self.app.module_file
    }

    /// Serves one request against the machine's PostgreSQL server. The response carries the
    /// app's headers (`Content-Type`, `Allow`, `Content-Length`); the server adds its own
    /// (`Server`, `Date`, `Connection`).
    pub fn handle(&mut self, cluster: &mut Cluster, request: &Request) -> Handled {
        let (path, query) = request
            .path
            .split_once('?')
            .unwrap_or((request.path.as_str(), ""));
        let method = request.method.to_ascii_uppercase();
        let args: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (url_decode(k), url_decode(v))
            })
            .collect();
        let data = RequestData {
            method: method.clone(),
            path: path.to_string(),
            form: request.form.clone(),
            args,
        };
        self.orm.steps.clear();
        self.orm.steps.push(step(
            StepKind::AppContext,
            "app context pushed (current_app, g, db.session)",
        ));
        let fields: Vec<&str> = request.form.iter().map(|(k, _)| k.as_str()).collect();
        self.orm.steps.push(step(
            StepKind::RequestContext,
            if fields.is_empty() {
                format!("request context pushed: {method} {path}")
            } else {
                format!(
                    "request context pushed: {method} {path}, form fields {}",
                    fields.join(", ")
                )
            },
        ));
        let mut log = String::new();
        let mut stdout = String::new();
        let mut response = self.dispatch(cluster, &data, &mut log, &mut stdout);
        if method == "HEAD" {
            // Werkzeug sends the headers of the GET response without its body.
            response.body.clear();
        }
        self.orm.steps.push(Step {
            kind: StepKind::Respond,
            label: format!("{} {}", response.status, response.reason),
            sql: Vec::new(),
            ok: response.status < 500,
        });
        self.orm.steps.push(step(
            StepKind::Teardown,
            "teardown: db.session.remove(), request and app contexts popped",
        ));
        self.orm.close(cluster);
        // Nothing outlives a request: its objects go with its session.
        self.orm.forget_objects();
        let journey = Journey {
            method,
            path: request.path.clone(),
            status: response.status,
            steps: std::mem::take(&mut self.orm.steps),
        };
        Handled {
            response,
            log,
            journey,
            stdout,
        }
    }

    fn dispatch(
        &mut self,
        cluster: &mut Cluster,
        data: &RequestData,
        log: &mut String,
        stdout: &mut String,
    ) -> Response {
        let matching: Vec<(Route, Vec<Value>)> = self
            .routes
            .iter()
            .filter_map(|r| match_rule(&r.rule, &data.path).map(|a| (r.clone(), a)))
            .collect();
        if matching.is_empty() {
            return html_error(404, Vec::new());
        }
        let found = matching.iter().find(|(r, _)| {
            r.methods.contains(&data.method)
                || (data.method == "HEAD" && r.methods.iter().any(|m| m == "GET"))
        });
        let Some((route, view_args)) = found.cloned() else {
            let mut allowed: Vec<String> = Vec::new();
            for (r, _) in &matching {
                allowed.extend(r.methods.iter().cloned());
            }
            // Werkzeug lists a set; this is the order the real server printed.
            let allow = if allowed.iter().any(|m| m == "GET") {
                let mut v = vec!["OPTIONS".to_string()];
                v.extend(allowed.iter().cloned());
                v.push("HEAD".into());
                v
            } else {
                let mut v = allowed.clone();
                v.push("OPTIONS".into());
                v
            };
            let allow = vec![("Allow".to_string(), allow.join(", "))];
            if data.method == "OPTIONS" {
                // Flask answers OPTIONS itself with the allowed methods.
                return response(200, "text/html; charset=utf-8", String::new(), allow);
            }
            return html_error(405, allow);
        };
        self.orm.steps.push(step(
            StepKind::Route,
            format!("view function {}() runs", route.endpoint),
        ));
        let result = {
            let mut interp = Interp::new(
                &mut self.orm,
                cluster,
                &mut self.globals,
                &mut self.funcs,
                Some(data),
            );
            let r = interp.call_func(&route.endpoint, view_args);
            let r = r.and_then(|v| make_response(&interp, &route.endpoint, v));
            stdout.push_str(&std::mem::take(&mut interp.stdout));
            r
        };
        match result {
            Ok(r) => r,
            Err(e) if e.kind == ErrKind::BadRequestKey => {
                self.orm.steps.push(Step {
                    kind: StepKind::Error,
                    label: e.line.lines().last().unwrap_or("").to_string(),
                    sql: Vec::new(),
                    ok: false,
                });
                html_error(400, Vec::new())
            }
            Err(e) => {
                self.orm.steps.push(Step {
                    kind: StepKind::Error,
                    label: e.line.lines().next().unwrap_or("").to_string(),
                    sql: Vec::new(),
                    ok: false,
                });
                log.push_str(&format!(
                    "[<timestamp>] ERROR in app: Exception on {} [{}]\n",
                    data.path, data.method
                ));
                log.push_str(&e.render(frames::FLASK_DISPATCH));
                html_error(500, Vec::new())
            }
        }
    }
}

/// Turns a view's return value into a response, as Flask's `make_response` does.
fn make_response(interp: &Interp, endpoint: &str, v: Value) -> Result<Response, PyErr> {
    let (body, status) = match v {
        Value::Tuple(items) if (2..=3).contains(&items.len()) => {
            let status = match &items[1] {
                Value::Int(s) if (100..=999).contains(s) => *s as u16,
                other => {
                    return Err(PyErr::type_error(format!(
                        "The view function did not return a valid response tuple. The tuple must have the form (body, status, headers), (body, status), or (body, headers). (status was {})",
                        interp.repr(other)
                    )))
                }
            };
            (items[0].clone(), status)
        }
        other => (other, 200),
    };
    match body {
        Value::Json(text) => Ok(response(status, "application/json", text, Vec::new())),
        Value::Str(s) => Ok(response(status, "text/html; charset=utf-8", s, Vec::new())),
        v @ (Value::Dict(_) | Value::List(_)) => {
            let orm = &*interp.orm;
            let text = super::value::to_json(&v, &|id| orm.objects.get(id).map(|o| o.class.clone()).unwrap_or_default())
                .map_err(PyErr::type_error)?;
            Ok(response(status, "application/json", format!("{text}\n"), Vec::new()))
        }
        Value::None => Err(PyErr::type_error(format!(
            "The view function for {} did not return a valid response. The function either returned None or ended without a return statement.",
            super::value::repr_str(endpoint)
        ))),
        other => Err(PyErr::type_error(format!(
            "The view function did not return a valid response. The return type must be a string, dict, list, tuple with headers or status, Response instance, or WSGI callable, but it was a {}.",
            other.type_name()
        ))),
    }
}

/// The route a decorator declares: `@app.get("/users")`, `@app.route("/x", methods=[…])`.
fn route_of(d: &Py, endpoint: &str) -> Option<Route> {
    let Py::Call {
        func, args, kwargs, ..
    } = d
    else {
        return None;
    };
    let Py::Attr(obj, verb) = func.as_ref() else {
        return None;
    };
    if !matches!(obj.as_ref(), Py::Name(n) if n == "app") {
        return None;
    }
    let Some(Py::Str(rule)) = args.first() else {
        return None;
    };
    let methods = match verb.as_str() {
        "get" | "post" | "put" | "delete" | "patch" => vec![verb.to_ascii_uppercase()],
        "route" => match kwargs.iter().find(|(k, _)| k == "methods") {
            Some((_, Py::List(ms) | Py::Tuple(ms))) => ms
                .iter()
                .filter_map(|m| match m {
                    Py::Str(s) => Some(s.to_ascii_uppercase()),
                    _ => None,
                })
                .collect(),
            _ => vec!["GET".into()],
        },
        _ => return None,
    };
    Some(Route {
        rule: rule.clone(),
        methods,
        endpoint: endpoint.to_string(),
    })
}

/// The module frame of the first line containing `needle`, with Python 3.11's carets.
fn line_frame(path: &str, source: &str, needle: &str) -> String {
    let (n, text) = source
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .map(|(i, l)| (i + 1, l))
        .unwrap_or((1, ""));
    format!(
        "  File \"{path}\", line {n}, in <module>\n    {}\n",
        text.trim()
    )
}

/// `KeyError: 'DATABASE_URL'` raised by `os.environ[...]` while importing the app.
fn key_error(path: &str, source: &str, name: &str) -> String {
    let needle = "os.environ[";
    let (n, text) = source
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .map(|(i, l)| (i + 1, l.trim()))
        .unwrap_or((1, ""));
    let mut frame = format!("  File \"{path}\", line {n}, in <module>\n    {text}\n");
    if let Some(at) = text.find(needle) {
        let rest = &text[at..];
        let end = rest.find(']').map_or(rest.len(), |e| e + 1);
        let sub = &rest[..end];
        let tildes = "os.environ".len();
        frame.push_str(&format!(
            "    {}{}{}\n",
            " ".repeat(text[..at].chars().count()),
            "~".repeat(tildes),
            "^".repeat(sub.chars().count() - tildes)
        ));
    }
    format!("{frame}  File \"<frozen os>\", line 679, in __getitem__\nKeyError: '{name}'\n")
}

//! The network between the machines and their web servers: which server a URL reaches, and
//! one HTTP exchange with it.
//!
//! A server bound to `127.0.0.1` (the `flask run` default) answers only its own machine's
//! `localhost`; one bound to `0.0.0.0` (gunicorn in the entrypoint) also answers the other
//! machines by name (`curl http://prod:8000/users`). A machine's own name resolves to
//! Debian's `127.0.1.1`, which a server bound to `127.0.0.1` does not answer either.
//!
//! What the server writes while it serves (Flask's `ERROR in app` traceback, Werkzeug's access
//! line) goes to its [`Process::log`](super::process::Process::log) and, when the shell is on
//! the server's machine, to the terminal *before* the client's output: the server writes it
//! before the response leaves, as a background job sharing the terminal does.

use super::ctx::Ctx;
use super::fs::{Fs, Node};
use super::ids::DateTime;
use super::process::{Process, ServerKind};
use super::World;
use crate::migrate::ProjectFiles;
use crate::runtime::{AppProcess, Request, Response, StartFailure};

/// Werkzeug's `Server:` header (the versions recorded in `tests/fidelity/server/`).
pub const WERKZEUG_SERVER: &str = "Werkzeug/3.1.9 Python/3.11.7";

/// A machine's address on the lab's network, as other machines see it.
pub fn address_of(machine: &str) -> &'static str {
    match machine {
        "laptop" => "192.168.1.23",
        "teammate" => "192.168.1.24",
        _ => "192.168.1.10",
    }
}

/// Where a host name leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// The current machine's loopback (`localhost`, `127.0.0.1`, `0.0.0.0`).
    Loopback,
    /// A machine by index, through its network address (or its own `127.0.1.1`).
    Machine(usize),
}

/// Resolves a host name from the current machine; `None` when no name server knows it.
pub fn resolve(world: &World, host: &str) -> Option<Route> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "::1") {
        return Some(Route::Loopback);
    }
    world
        .machine_names()
        .iter()
        .position(|name| *name == host || address_of(name) == host)
        .map(Route::Machine)
}

/// What one exchange produced.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The IP address curl connected to (`127.0.0.1`, `192.168.1.10`).
    pub ip: String,
    /// The response as sent: the server's headers around the app's.
    pub response: Response,
    /// What the server wrote while serving, when the shell is on its machine (empty otherwise).
    pub server_output: String,
}

/// Sends `request` to `port` on the machine `route` leads to. `None` when nothing listens
/// there for this client (curl's "Couldn't connect to server").
pub fn exchange(
    world: &mut World,
    route: &Route,
    port: u16,
    request: &Request,
) -> Option<Exchange> {
    let here = world.current_index();
    let (target, loopback) = match route {
        Route::Loopback => (here, true),
        Route::Machine(i) => (*i, false),
    };
    let ip = if loopback {
        "127.0.0.1".to_string()
    } else if target == here {
        "127.0.1.1".to_string()
    } else {
        address_of(world.machine_names()[target]).to_string()
    };
    let client_ip = if target == here {
        ip.clone()
    } else {
        address_of(world.machine().name.as_str()).to_string()
    };
    let now = world.clock.now;
    let machine = world.machine_at_mut(target);
    let own = (machine.name.clone(), address_of(&machine.name));
    // A server answers on the address it is bound to: all of them, loopback, or the network.
    let answers = |host: &str| match host {
        "0.0.0.0" => true,
        "127.0.0.1" | "localhost" => loopback,
        other => !loopback && (other == own.1 || other == own.0),
    };
    let reachable = |p: &&mut Process| {
        p.server
            .as_ref()
            .is_some_and(|s| s.port == port && answers(&s.host))
    };
    let process = machine.processes.table.values_mut().find(reachable)?;
    let server = process.server.as_mut()?;
    let handled = server.app.handle(&mut machine.postgres, request);
    // What the view printed comes first, then Flask's error log.
    let mut log = format!("{}{}", handled.stdout, handled.log_at(&flask_log_time(now)));
    let mut response = handled.response;
    if request.method == "HEAD" {
        response.body.clear();
    }
    let mut headers = Vec::new();
    match server.kind {
        ServerKind::Werkzeug => {
            headers.push(("Server".to_string(), WERKZEUG_SERVER.to_string()));
            headers.push(("Date".to_string(), http_date(now)));
            headers.append(&mut response.headers);
            headers.push(("Connection".to_string(), "close".to_string()));
            log.push_str(&access_line(&client_ip, now, request, response.status));
        }
        ServerKind::Gunicorn => {
            headers.push(("Server".to_string(), "gunicorn".to_string()));
            headers.push(("Date".to_string(), http_date(now)));
            headers.push(("Connection".to_string(), "close".to_string()));
            headers.append(&mut response.headers);
            if server.access_log {
                let length = response.body.len();
                let agent = request
                    .headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case("User-Agent"))
                    .map_or("-", |(_, v)| v.as_str());
                let t = DateTime::from_unix(now);
                log.push_str(&format!(
                    "{client_ip} - - [{:02}/{}/{}:{:02}:{:02}:{:02} +0000] \"{} {} HTTP/1.1\" {} {length} \"-\" \"{agent}\"\n",
                    t.day,
                    t.month_abbrev(),
                    t.year,
                    t.hour,
                    t.minute,
                    t.second,
                    request.method,
                    request.path,
                    response.status
                ));
            }
        }
    }
    response.headers = headers;
    server.journeys.push((now, handled.journey));
    process.log.push_str(&log);
    let server_output = if target == here { log } else { String::new() };
    Some(Exchange {
        ip,
        response,
        server_output,
    })
}

/// Werkzeug's access-log line: `127.0.0.1 - - [05/Jan/2026 09:00:20] "GET /users HTTP/1.1" 200 -`.
fn access_line(client: &str, now: i64, request: &Request, status: u16) -> String {
    let t = DateTime::from_unix(now);
    format!(
        "{client} - - [{:02}/{}/{} {:02}:{:02}:{:02}] \"{} {} HTTP/1.1\" {status} -\n",
        t.day,
        t.month_abbrev(),
        t.year,
        t.hour,
        t.minute,
        t.second,
        request.method,
        request.path
    )
}

/// Flask's default log time: `2026-01-05 09:00:20,000`.
pub fn flask_log_time(now: i64) -> String {
    let t = DateTime::from_unix(now);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02},000",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// gunicorn's log prefix time: `2026-01-05 09:00:20 +0000`.
pub fn gunicorn_time(now: i64) -> String {
    let t = DateTime::from_unix(now);
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02} +0000",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// The HTTP `Date:` header: `Mon, 05 Jan 2026 09:00:20 GMT`.
pub fn http_date(now: i64) -> String {
    let t = DateTime::from_unix(now);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        t.weekday_abbrev(),
        t.day,
        t.month_abbrev(),
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

/// The project directory as a starting app reads it: read-only.
struct ProjectView<'a> {
    fs: &'a Fs,
    root: String,
}

impl ProjectView<'_> {
    fn abs(&self, rel: &str) -> String {
        if rel.starts_with('/') {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.root.trim_end_matches('/'))
        }
    }
}

impl ProjectFiles for ProjectView<'_> {
    fn read(&self, path: &str) -> Option<String> {
        self.fs.read(&self.abs(path)).ok().map(str::to_string)
    }

    fn write(&mut self, path: &str, _content: &str) -> Result<(), String> {
        Err(format!("{}: Read-only file system", self.abs(path)))
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        let abs = self.abs(dir);
        match self.fs.get(&abs) {
            Some(Node::Dir { .. }) => Some(
                self.fs
                    .children(&abs)
                    .into_iter()
                    .map(|(name, _)| name.to_string())
                    .collect(),
            ),
            _ => None,
        }
    }

    fn mkdir(&mut self, dir: &str) -> Result<(), String> {
        Err(format!("{}: Read-only file system", self.abs(dir)))
    }
}

/// Imports the app from the working directory as a server does at start-up; `flask_app`
/// replaces `FLASK_APP` (gunicorn's `app:app` names the module itself).
pub fn import_app(ctx: &Ctx, flask_app: Option<String>) -> Result<AppProcess, StartFailure> {
    let machine = ctx.machine_ref();
    let view = ProjectView {
        fs: &machine.fs,
        root: machine.cwd.clone(),
    };
    let env = |name: &str| {
        if name == "FLASK_APP" && flask_app.is_some() {
            return flask_app.clone();
        }
        ctx.getenv(name)
    };
    AppProcess::start(&view, &machine.cwd, &env)
}

/// Werkzeug's reloader (`flask run --debug`): after each command, a debug server whose
/// project's top-level `.py` files changed since it loaded them re-imports the app and prints
/// what the reloader prints. A failing re-import prints its traceback and the server keeps
/// the code it had.
pub fn reload_changed(world: &mut World, out: &mut super::output::Output) {
    let now = world.clock.now;
    let machine = world.machine_mut();
    let fs = &machine.fs;
    let mut printed = String::new();
    for process in machine.processes.table.values_mut() {
        let Some(server) = process.server.as_mut() else {
            continue;
        };
        let Some(debug) = server.debug.as_mut() else {
            continue;
        };
        let changed = fs
            .files_below(&debug.project_dir)
            .into_iter()
            .filter(|p| p.ends_with(".py") && super::fs::parent(p) == debug.project_dir)
            .find(|p| fs.get(p).is_some_and(|n| n.mtime() > debug.loaded_at))
            .map(str::to_string);
        let Some(path) = changed else {
            continue;
        };
        debug.loaded_at = now;
        let mut text =
            format!(" * Detected change in '{path}', reloading\n * Restarting with stat\n");
        let view = ProjectView {
            fs,
            root: debug.project_dir.clone(),
        };
        let env = |name: &str| {
            debug
                .env
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        match AppProcess::start(&view, &debug.project_dir, &env) {
            Ok(app) => server.app = app,
            Err(failure) => text.push_str(&failure.output),
        }
        text.push_str(&format!(
            " * Debugger is active!\n * Debugger PIN: {}\n",
            debug.pin
        ));
        process.log.push_str(&text);
        printed.push_str(&text);
    }
    out.push(super::output::Stream::Stderr, &printed);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_servers_print_them() {
        let start = super::super::ids::START_OF_LAB + 20;
        assert_eq!(http_date(start), "Mon, 05 Jan 2026 09:00:20 GMT");
        assert_eq!(gunicorn_time(start), "2026-01-05 09:00:20 +0000");
        assert_eq!(flask_log_time(start), "2026-01-05 09:00:20,000");
        let request = Request {
            method: "POST".into(),
            path: "/register".into(),
            ..Request::default()
        };
        assert_eq!(
            access_line("127.0.0.1", start, &request, 201),
            "127.0.0.1 - - [05/Jan/2026 09:00:20] \"POST /register HTTP/1.1\" 201 -\n"
        );
    }
}

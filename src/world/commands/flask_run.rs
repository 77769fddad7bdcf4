//! `flask run`: Werkzeug's development server, in Flask 3.1's and Werkzeug 3.1's words
//! (recorded in `tests/fidelity/server/flask-run*.txt`).
//!
//! The server starts in the background of the machine, as `flask run &` would: its start-up
//! lines print, the prompt comes back, and it serves `curl` until `kill` stops it. It imports
//! the app when it starts and keeps that code; a later edit needs a restart.

use crate::world::ctx::Ctx;
use crate::world::process::{Process, Reloader, Server, ServerKind};
use crate::world::serve;

/// Werkzeug's warning on every start.
const WARNING: &str = "WARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead.\n";

/// Options of `flask run` that matter here.
struct Options {
    host: String,
    port: u16,
    debug: bool,
}

fn usage_error(ctx: &mut Ctx, message: &str) -> i32 {
    ctx.fail(
        &format!(
            "Usage: flask run [OPTIONS]\nTry 'flask run --help' for help.\n\nError: {message}"
        ),
        2,
    )
}

/// How click reports bad options: with the usage lines, or (a missing value) without.
enum Invalid {
    Usage(String),
    Bare(String),
}

fn parse(ctx: &Ctx, args: &[String]) -> Result<Options, Invalid> {
    let debug = ctx
        .getenv("FLASK_DEBUG")
        .is_some_and(|v| !matches!(v.to_lowercase().as_str(), "" | "0" | "false" | "no"));
    let mut options = Options {
        host: ctx
            .getenv("FLASK_RUN_HOST")
            .unwrap_or_else(|| "127.0.0.1".to_string()),
        port: 5000,
        debug,
    };
    let mut port = ctx.getenv("FLASK_RUN_PORT");
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = |label: &str| -> Result<String, Invalid> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| Invalid::Bare(format!("Option '{label}' requires an argument.")))
        };
        match name {
            "-h" | "--host" => options.host = value(name)?,
            "-p" | "--port" => port = Some(value(name)?),
            "--debug" => options.debug = true,
            "--no-debug" => options.debug = false,
            "--reload" | "--no-reload" | "--debugger" | "--no-debugger" | "--with-threads"
            | "--without-threads" => {}
            _ if name.starts_with('-') => {
                return Err(Invalid::Usage(format!("No such option '{name}'.")))
            }
            _ => {
                return Err(Invalid::Usage(format!(
                    "Got unexpected extra argument ({arg})"
                )))
            }
        }
        i += 1;
    }
    if let Some(p) = port {
        options.port = p.parse().map_err(|_| {
            Invalid::Usage(format!(
                "Invalid value for '--port' / '-p': '{p}' is not a valid integer."
            ))
        })?;
    }
    Ok(options)
}

/// `flask run [--host H] [--port P] [--debug]`.
pub fn run(ctx: &mut Ctx, args: &[String]) -> i32 {
    let announced = ctx.machine().processes.announce();
    let mut line = vec!["flask".to_string(), "run".to_string()];
    line.extend(args.iter().cloned());
    let job_line = line.join(" ");
    if let Some((text, _, _)) = &announced {
        ctx.eprint(text);
    }
    let slot = announced.as_ref().map(|(_, job, pid)| (*job, *pid));
    let status = serve(ctx, args, slot, &job_line);
    if let (Some((job, _)), true) = (slot, status != 0) {
        ctx.eprint(&super::processes::job_line(
            job,
            '+',
            &format!("Exit {status}"),
            &job_line,
        ));
    }
    status
}

fn serve(ctx: &mut Ctx, args: &[String], announced: Option<(u32, u32)>, job_line: &str) -> i32 {
    let options = match parse(ctx, args) {
        Ok(o) => o,
        // click reports a missing option value without the usage lines.
        Err(Invalid::Bare(message)) => return ctx.fail(&format!("Error: {message}"), 2),
        Err(Invalid::Usage(message)) => return usage_error(ctx, &message),
    };
    let app = match serve::import_app(ctx, None) {
        Ok(app) => app,
        Err(failure) => {
            ctx.eprint(&failure.output);
            return failure.exit_code;
        }
    };
    let mut banner = String::new();
    if let Some(name) = ctx.getenv("FLASK_APP").filter(|v| !v.is_empty()) {
        banner.push_str(&format!(" * Serving Flask app '{name}'\n"));
    }
    let mode = if options.debug { "on" } else { "off" };
    banner.push_str(&format!(" * Debug mode: {mode}\n"));
    ctx.print(&banner);
    if ctx
        .machine_ref()
        .processes
        .listening(options.port)
        .is_some()
    {
        let port = options.port;
        return ctx.fail(&format!("Address already in use\nPort {port} is in use by another program. Either identify and stop that program, or start the server with a different port."), 1);
    }
    let port = options.port;
    let mut started = WARNING.to_string();
    if options.host == "0.0.0.0" {
        let address = serve::address_of(&ctx.machine_ref().name);
        started.push_str(&format!(
            " * Running on all addresses (0.0.0.0)\n * Running on http://127.0.0.1:{port}\n * Running on http://{address}:{port}\n"
        ));
    } else {
        started.push_str(&format!(" * Running on http://{}:{port}\n", options.host));
    }
    started.push_str("Press CTRL+C to quit\n");
    let debug = options.debug.then(|| {
        let pin = ctx.world.ids.next_u64();
        let pin = format!(
            "{:03}-{:03}-{:03}",
            pin % 1000,
            pin / 1000 % 1000,
            pin / 1_000_000 % 1000
        );
        started.push_str(&format!(
            " * Restarting with stat\n * Debugger is active!\n * Debugger PIN: {pin}\n"
        ));
        Reloader {
            project_dir: ctx.machine_ref().cwd.clone(),
            env: ["DATABASE_URL", "FLASK_APP"]
                .iter()
                .filter_map(|n| ctx.getenv(n).map(|v| (n.to_string(), v)))
                .collect(),
            loaded_at: ctx.now(),
            pin,
        }
    });
    ctx.eprint(&started);
    let now = ctx.now();
    let job_line = job_line.to_string();
    let processes = &mut ctx.machine().processes;
    let (job, pid) = announced.unwrap_or_else(|| (processes.next_job(), processes.allocate()));
    let ppid = processes.shell_pid;
    let tty = processes.tty;
    processes.table.insert(
        pid,
        Process {
            pid,
            ppid,
            comm: "flask".to_string(),
            args: format!("/usr/local/bin/python3 /usr/local/bin/{job_line}"),
            server: Some(Server {
                kind: ServerKind::Werkzeug,
                host: options.host,
                port,
                app,
                worker: None,
                debug,
                access_log: false,
                journeys: Vec::new(),
            }),
            job: Some(job),
            job_line,
            log: format!("{banner}{started}"),
            started: now,
            tty: Some(tty),
        },
    );
    0
}

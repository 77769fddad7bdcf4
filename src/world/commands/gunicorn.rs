//! `gunicorn`: the production server, in gunicorn 23.0's words (recorded in
//! `tests/fidelity/server/gunicorn.txt`, `import-error.txt`, `entrypoint.txt`).
//!
//! The master binds, boots its sync workers and serves in the background of the machine. A
//! worker imports the app; when the import fails the worker exits with code 3 and the master
//! shuts down ("Worker failed to boot."). A port in use is retried as gunicorn does, five
//! times a second apart, before it gives up.

use super::Command;
use crate::runtime::StartFailure;
use crate::world::ctx::Ctx;
use crate::world::process::{Process, Server, ServerKind};
use crate::world::serve::{self, gunicorn_time};

/// `gunicorn [OPTIONS] [APP_MODULE]`
pub const GUNICORN: Command = Command {
    name: "gunicorn",
    synopsis: "gunicorn [-b ADDRESS] [-w WORKERS] APP_MODULE",
    summary: "Start the production web server (gunicorn 23) on the app, e.g. `gunicorn -b 0.0.0.0:8000 app:app`.",
    run: gunicorn,
};

const USAGE: &str = "usage: gunicorn [OPTIONS] [APP_MODULE]\n";

struct Options {
    host: String,
    port: u16,
    workers: u32,
    module: String,
    access_log: bool,
}

/// argparse's name for an option in its errors (`-b/--bind`).
fn long_name(name: &str) -> &str {
    match name {
        "-b" | "--bind" => "-b/--bind",
        "-w" | "--workers" => "-w/--workers",
        "-k" | "--worker-class" => "-k/--worker-class",
        "-t" | "--timeout" => "-t/--timeout",
        other => other,
    }
}

/// Why the options cannot be used: argparse's usage error, or gunicorn's own.
enum Invalid {
    Usage(String),
    Config(String),
}

fn parse(args: &[String]) -> Result<Options, Invalid> {
    parse_args(args)
        .map_err(Invalid::Usage)
        .and_then(|o| match o {
            Some(o) => Ok(o),
            None => Err(Invalid::Config(
                "No application module specified.".to_string(),
            )),
        })
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let mut bind = "127.0.0.1:8000".to_string();
    let mut workers = 1;
    let mut module = None;
    let mut access_log = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("argument {}: expected one argument", long_name(name)))
        };
        match name {
            "-b" | "--bind" => bind = value()?,
            "-w" | "--workers" => {
                let v = value()?;
                workers = v
                    .parse()
                    .map_err(|_| format!("argument -w/--workers: invalid int value: '{v}'"))?;
            }
            "--access-logfile" => access_log = value()? == "-",
            "--error-logfile" | "--log-level" | "-k" | "--worker-class" | "-t" | "--timeout" => {
                value()?;
            }
            "--reload" | "--preload" => {}
            _ if name.starts_with('-') => {
                return Err(format!("unrecognized arguments: {arg}"));
            }
            _ if module.is_none() => module = Some(arg.to_string()),
            _ => return Err(format!("unrecognized arguments: {arg}")),
        }
        i += 1;
    }
    let Some(module) = module else {
        return Ok(None);
    };
    let (host, port) = match bind.rsplit_once(':') {
        Some((h, p)) => (if h.is_empty() { "0.0.0.0" } else { h }, p),
        None => (bind.as_str(), "8000"),
    };
    let port = port
        .parse()
        .map_err(|_| format!("'{port}' is not a valid port number."))?;
    Ok(Some(Options {
        host: host.to_string(),
        port,
        workers: workers.max(1),
        module,
        access_log,
    }))
}

fn gunicorn(ctx: &mut Ctx, args: &[String]) -> i32 {
    let announced = ctx.machine().processes.announce();
    if let Some((text, _, _)) = &announced {
        ctx.eprint(text);
    }
    let slot = announced.as_ref().map(|(_, job, pid)| (*job, *pid));
    let status = serve(ctx, args, slot);
    if let (Some((job, _)), true) = (slot, status != 0) {
        let line = format!("gunicorn {}", args.join(" "));
        ctx.eprint(&super::processes::job_line(
            job,
            '+',
            &format!("Exit {status}"),
            &line,
        ));
    }
    status
}

fn serve(ctx: &mut Ctx, args: &[String], announced: Option<(u32, u32)>) -> i32 {
    let options = match parse(args) {
        Ok(o) => o,
        Err(Invalid::Usage(message)) => {
            ctx.eprint(USAGE);
            return ctx.fail(&format!("gunicorn: error: {message}"), 2);
        }
        Err(Invalid::Config(message)) => return ctx.fail(&format!("\nError: {message}"), 1),
    };
    let now = ctx.now();
    let time = gunicorn_time(now);
    let exec = ctx.machine().processes.exec.take();
    let (pid, job_line) = match exec {
        Some((pid, line)) => (pid, line),
        None => {
            let mut line = vec!["gunicorn".to_string()];
            line.extend(args.iter().cloned());
            let pid = match announced {
                Some((_, pid)) => pid,
                None => ctx.machine().processes.allocate(),
            };
            (pid, line.join(" "))
        }
    };
    let mut log = format!("[{time}] [{pid}] [INFO] Starting gunicorn 23.0.0\n");
    let address = format!("('{}', {})", options.host, options.port);
    if ctx
        .machine_ref()
        .processes
        .listening(options.port)
        .is_some()
    {
        for second in 0..5 {
            let t = gunicorn_time(now + second);
            log.push_str(&format!(
                "[{t}] [{pid}] [ERROR] Connection in use: {address}\n[{t}] [{pid}] [ERROR] connection to {address} failed: [Errno 98] Address already in use\n"
            ));
        }
        let t = gunicorn_time(now + 5);
        log.push_str(&format!(
            "[{t}] [{pid}] [ERROR] Can't connect to {address}\n"
        ));
        ctx.eprint(&log);
        return 1;
    }
    log.push_str(&format!(
        "[{time}] [{pid}] [INFO] Listening at: http://{}:{} ({pid})\n[{time}] [{pid}] [INFO] Using worker: sync\n",
        options.host, options.port
    ));
    let module = options
        .module
        .split(':')
        .next()
        .unwrap_or_default()
        .to_string();
    let mut workers = Vec::new();
    for _ in 0..options.workers {
        let worker = ctx.machine().processes.allocate();
        log.push_str(&format!(
            "[{time}] [{worker}] [INFO] Booting worker with pid: {worker}\n"
        ));
        workers.push(worker);
    }
    let app = match serve::import_app(ctx, Some(module.clone())) {
        Ok(app) => app,
        Err(failure) => {
            let worker = workers[0];
            let traceback = worker_traceback(&failure, &module);
            log.push_str(&format!(
                "[{time}] [{worker}] [ERROR] Exception in worker process\n{traceback}[{time}] [{worker}] [INFO] Worker exiting (pid: {worker})\n[{time}] [{pid}] [ERROR] Worker (pid:{worker}) exited with code 3\n[{time}] [{pid}] [ERROR] Shutting down: Master\n[{time}] [{pid}] [ERROR] Reason: Worker failed to boot.\n"
            ));
            ctx.eprint(&log);
            return 3;
        }
    };
    ctx.eprint(&log);
    let processes = &mut ctx.machine().processes;
    let job = announced.map_or_else(|| processes.next_job(), |(job, _)| job);
    let ppid = processes.shell_pid;
    let tty = processes.tty;
    let command = format!(
        "/usr/local/bin/python3 /usr/local/bin/gunicorn {}",
        args.join(" ")
    );
    for worker in &workers {
        processes.table.insert(
            *worker,
            Process {
                pid: *worker,
                ppid: pid,
                comm: "gunicorn".to_string(),
                args: command.clone(),
                server: None,
                job: None,
                job_line: String::new(),
                log: String::new(),
                started: now,
                tty: Some(tty),
            },
        );
    }
    processes.table.insert(
        pid,
        Process {
            pid,
            ppid,
            comm: "gunicorn".to_string(),
            args: command,
            server: Some(Server {
                kind: ServerKind::Gunicorn,
                host: options.host,
                port: options.port,
                app,
                worker: workers.first().copied(),
                debug: None,
                access_log: options.access_log,
                journeys: Vec::new(),
            }),
            job: Some(job),
            job_line,
            log,
            started: now,
            tty: Some(tty),
        },
    );
    0
}

/// The worker's frames from spawning it to importing the app module (gunicorn 23 on
/// Python 3.11, recorded in `tests/fidelity/server/import-error.txt`).
const WORKER_FRAMES: &str = "Traceback (most recent call last):
  File \"/usr/local/lib/python3.11/site-packages/gunicorn/arbiter.py\", line 608, in spawn_worker
    worker.init_process()
  File \"/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py\", line 135, in init_process
    self.load_wsgi()
  File \"/usr/local/lib/python3.11/site-packages/gunicorn/workers/base.py\", line 147, in load_wsgi
    self.wsgi = self.app.wsgi()
                ^^^^^^^^^^^^^^^
  File \"/usr/local/lib/python3.11/site-packages/gunicorn/app/base.py\", line 66, in wsgi
    self.callable = self.load()
                    ^^^^^^^^^^^
  File \"/usr/local/lib/python3.11/site-packages/gunicorn/app/wsgiapp.py\", line 57, in load
    return self.load_wsgiapp()
           ^^^^^^^^^^^^^^^^^^^
  File \"/usr/local/lib/python3.11/site-packages/gunicorn/app/wsgiapp.py\", line 47, in load_wsgiapp
    return util.import_app(self.app_uri)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File \"/usr/local/lib/python3.11/site-packages/gunicorn/util.py\", line 370, in import_app
    mod = importlib.import_module(module)
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File \"/usr/local/lib/python3.11/importlib/__init__.py\", line 126, in import_module
    return _bootstrap._gcd_import(name[level:], package, level)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  File \"<frozen importlib._bootstrap>\", line 1204, in _gcd_import
  File \"<frozen importlib._bootstrap>\", line 1176, in _find_and_load
";

/// importlib's frames between finding a module and running its code.
const EXEC_FRAMES: &str =
    "  File \"<frozen importlib._bootstrap>\", line 1147, in _find_and_load_unlocked
  File \"<frozen importlib._bootstrap>\", line 690, in _load_unlocked
  File \"<frozen importlib._bootstrap_external>\", line 940, in exec_module
  File \"<frozen importlib._bootstrap>\", line 241, in _call_with_frames_removed
";

/// What a worker prints when importing the app fails: the app's own frames under gunicorn's,
/// or `ModuleNotFoundError` when the module is missing.
fn worker_traceback(failure: &StartFailure, module: &str) -> String {
    if !failure.import_error.is_empty() {
        return format!("{WORKER_FRAMES}{EXEC_FRAMES}{}", failure.import_error);
    }
    // Flask's ImportError report: keep the frames below flask's `locate_app`.
    let locate = "in locate_app\n    __import__(module_name)\n";
    if let Some(at) = failure.output.find(locate) {
        let rest = failure.output[at + locate.len()..].trim_end();
        return format!("{WORKER_FRAMES}{EXEC_FRAMES}{rest}\n");
    }
    format!(
        "{WORKER_FRAMES}  File \"<frozen importlib._bootstrap>\", line 1140, in _find_and_load_unlocked\nModuleNotFoundError: No module named '{module}'\n"
    )
}

/// What gunicorn prints when its master gets SIGTERM (`kill`): the master handles the
/// signal, the workers exit, the master shuts down.
pub fn stop_lines(master: u32, workers: &[u32], now: i64) -> String {
    let t = gunicorn_time(now);
    let mut out = format!("[{t}] [{master}] [INFO] Handling signal: term\n");
    for worker in workers {
        out.push_str(&format!(
            "[{t}] [{worker}] [INFO] Worker exiting (pid: {worker})\n"
        ));
    }
    out.push_str(&format!("[{t}] [{master}] [INFO] Shutting down: Master\n"));
    out
}

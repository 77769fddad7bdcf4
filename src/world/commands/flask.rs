//! `flask`: Flask's command line. `flask db …` runs Flask-Migrate through
//! [`migrate::Runner`](crate::migrate::Runner) over the machine's files and its PostgreSQL
//! server; `flask shell` starts [`runtime::FlaskShell`](crate::runtime::FlaskShell) as the
//! foreground program; the other Flask commands answer as Flask does for a command it does
//! not know.

use super::Command;
use crate::migrate::{Config, ProjectFiles, Runner, Stream};
use crate::runtime::{AppProcess, FlaskShell};
use crate::sql::Cluster;
use crate::world::ctx::Ctx;
use crate::world::fs::{Fs, Node};
use crate::world::ids::DateTime;
use crate::world::output::Event;
use crate::world::Foreground;

/// `flask db COMMAND [ARGS]...`
pub const FLASK: Command = Command {
    name: "flask",
    synopsis: "flask [OPTIONS] COMMAND [ARGS]...",
    summary: "Flask's command line: `flask db init|migrate|upgrade|downgrade|current|history|heads|merge|stamp|check …` runs the migrations; `flask run` starts the development server; `flask shell` opens Python in the app's context; `flask routes` lists the URL rules.",
    run: flask,
};

/// The project directory of the machine's filesystem as the runner sees it.
struct MachineFiles<'a> {
    fs: &'a mut Fs,
    root: String,
    now: i64,
}

impl MachineFiles<'_> {
    fn abs(&self, rel: &str) -> String {
        if rel.starts_with('/') {
            rel.to_string()
        } else if self.root == "/" {
            format!("/{rel}")
        } else {
            format!("{}/{rel}", self.root)
        }
    }
}

impl ProjectFiles for MachineFiles<'_> {
    fn read(&self, path: &str) -> Option<String> {
        self.fs.read(&self.abs(path)).ok().map(str::to_string)
    }

    fn write(&mut self, path: &str, content: &str) -> Result<(), String> {
        let abs = self.abs(path);
        self.fs
            .write(&abs, content.to_string(), self.now)
            .map_err(|e| format!("{abs}: {}", e.describe()))
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
        let abs = self.abs(dir);
        self.fs
            .mkdir(&abs, self.now)
            .map_err(|e| format!("{abs}: {}", e.describe()))
    }
}

fn flask(ctx: &mut Ctx, args: &[String]) -> i32 {
    // The group's own options come before the command: `flask --app app.py --debug run`.
    let mut args = args;
    loop {
        match args {
            [flag, rest @ ..] if flag == "--debug" || flag == "--no-debug" => {
                let value = if flag == "--debug" { "1" } else { "0" };
                ctx.overlay
                    .push(("FLASK_DEBUG".to_string(), value.to_string()));
                args = rest;
            }
            [flag, value, rest @ ..] if flag == "--app" || flag == "-A" => {
                ctx.overlay.push(("FLASK_APP".to_string(), value.clone()));
                args = rest;
            }
            [flag, rest @ ..] if flag.starts_with("--app=") => {
                let value = flag.trim_start_matches("--app=").to_string();
                ctx.overlay.push(("FLASK_APP".to_string(), value));
                args = rest;
            }
            _ => break,
        }
    }
    match args.first().map(String::as_str) {
        Some("db") => db(ctx, &args[1..]),
        Some("run") => super::flask_run::run(ctx, &args[1..]),
        Some("shell") if args.get(1).is_some_and(|a| a == "--help") => {
            ctx.print(SHELL_HELP);
            0
        }
        Some("shell") => shell(ctx, &args[1..]),
        Some("routes") if args.get(1).is_some_and(|a| a == "--help") => {
            ctx.print(ROUTES_HELP);
            0
        }
        Some("routes") => routes(ctx, &args[1..]),
        Some(other) if !other.starts_with('-') => ctx.fail(
            &format!(
                "Usage: flask [OPTIONS] COMMAND [ARGS]...\nTry 'flask --help' for help.\n\nError: No such command '{other}'."
            ),
            2,
        ),
        _ => {
            ctx.print(FLASK_HELP);
            0
        }
    }
}

/// `flask shell`: imports the app and gives the terminal to Python's console.
fn shell(ctx: &mut Ctx, args: &[String]) -> i32 {
    if let Some(a) = args.first() {
        return ctx.fail(
            &format!(
                "Usage: flask shell [OPTIONS]\nTry 'flask shell --help' for help.\n\nError: Got unexpected extra argument ({a})"
            ),
            2,
        );
    }
    let started = with_project(ctx, |files, root, lookup, cluster| {
        FlaskShell::start(files, root, lookup, cluster)
    });
    match started {
        Ok(shell) => {
            ctx.eprint(&shell.banner());
            ctx.world.foreground = Some(Foreground::FlaskShell(Box::new(shell)));
            0
        }
        Err(failure) => {
            ctx.eprint(&failure.output);
            failure.exit_code
        }
    }
}

/// Runs `body` over what importing the app needs: the project in the working directory, the
/// variables Flask reads (`DATABASE_URL`, `FLASK_APP`) and the machine's PostgreSQL server.
fn with_project<T>(
    ctx: &mut Ctx,
    body: impl FnOnce(&MachineFiles, &str, &dyn Fn(&str) -> Option<String>, &mut Cluster) -> T,
) -> T {
    let env: Vec<(String, String)> = ["DATABASE_URL", "FLASK_APP"]
        .iter()
        .filter_map(|n| ctx.getenv(n).map(|v| (n.to_string(), v)))
        .collect();
    let lookup = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let now = ctx.now();
    let machine = ctx.machine();
    let root = machine.cwd.clone();
    let files = MachineFiles {
        fs: &mut machine.fs,
        root: root.clone(),
        now,
    };
    body(&files, &root, &lookup, &mut machine.postgres)
}

/// `flask routes`: the app's URL rules.
fn routes(ctx: &mut Ctx, args: &[String]) -> i32 {
    let usage = "Usage: flask routes [OPTIONS]\nTry 'flask routes --help' for help.\n\n";
    let mut sort = "endpoint".to_string();
    let mut all_methods = false;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--all-methods" => all_methods = true,
            "-s" | "--sort" => match args.get(i + 1).map(String::as_str) {
                Some(v @ ("endpoint" | "methods" | "domain" | "rule" | "match")) => {
                    sort = v.to_string();
                    i += 1;
                }
                Some(v) => {
                    return ctx.fail(
                        &format!("{usage}Error: Invalid value for '--sort' / '-s': '{v}' is not one of 'endpoint', 'methods', 'domain', 'rule', 'match'."),
                        2,
                    )
                }
                None => {
                    return ctx.fail(
                        &format!("{usage}Error: Option '{}' requires an argument.", args[i]),
                        2,
                    )
                }
            },
            a if a.starts_with('-') => {
                return ctx.fail(&format!("{usage}Error: No such option: {a}"), 2)
            }
            a => return ctx.fail(&format!("{usage}Error: Got unexpected extra argument ({a})"), 2),
        }
        i += 1;
    }
    let started = with_project(ctx, |files, root, lookup, _| {
        AppProcess::start_for_command(files, root, lookup, "routes")
    });
    match started {
        Ok(app) => {
            ctx.print(&app.routes_table(&sort, all_methods));
            0
        }
        Err(failure) => {
            ctx.eprint(&failure.output);
            failure.exit_code
        }
    }
}

/// `flask shell --help` as Flask 3.1 prints it.
const SHELL_HELP: &str = "Usage: flask shell [OPTIONS]

  Run an interactive Python shell in the context of a given Flask application.
  The application will populate the default namespace of this shell according
  to its configuration.

  This is useful for executing small snippets of management code without
  having to manually configure the application.

Options:
  --help  Show this message and exit.
";

/// `flask routes --help` as Flask 3.1 prints it.
const ROUTES_HELP: &str = "Usage: flask routes [OPTIONS]

  Show all registered routes with endpoints and methods.

Options:
  -s, --sort [endpoint|methods|domain|rule|match]
                                  Method to sort routes by. 'match' is the
                                  order that Flask will match routes when
                                  dispatching a request.
  --all-methods                   Show HEAD and OPTIONS methods.
  --help                          Show this message and exit.
";

fn db(ctx: &mut Ctx, args: &[String]) -> i32 {
    let dt = DateTime::from_unix(ctx.now());
    // Alembic writes `str(datetime.now())`; the world's clock moves in whole
    // seconds, and Python leaves out a fraction of zero microseconds.
    let create_date = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second
    );
    let env: Vec<(String, String)> = ["DATABASE_URL"]
        .iter()
        .filter_map(|n| ctx.getenv(n).map(|v| (n.to_string(), v)))
        .collect();
    let config = Config {
        project_dir: ctx.machine_ref().cwd.clone(),
        flask_app: ctx.getenv("FLASK_APP"),
        env,
        create_date,
    };
    let now = ctx.now();
    // The runner borrows the machine; the id generator lives beside it in the world.
    let mut ids = ctx.world.ids.clone();
    let mut lines = std::mem::take(&mut ctx.world.python_lines);
    let outcome = {
        let machine = ctx.machine();
        let root = machine.cwd.clone();
        let mut files = MachineFiles {
            fs: &mut machine.fs,
            root,
            now,
        };
        let mut next_id = || ids.hex(12);
        let mut runner = Runner::new(&mut files, &mut machine.postgres, config, &mut next_id)
            .with_lines(&mut lines);
        runner.run_args(args)
    };
    ctx.world.ids = ids;
    ctx.world.python_lines = lines;
    for path in &outcome.edit {
        ctx.emit(Event::Edit(path.clone()));
    }
    for (stream, text) in &outcome.output {
        match stream {
            Stream::Stdout => ctx.print(text),
            Stream::Stderr => ctx.eprint(text),
        }
    }
    outcome.exit_code
}

/// `flask --help` as Flask 3.1 prints it with Flask-Migrate installed.
const FLASK_HELP: &str = r#"Usage: flask [OPTIONS] COMMAND [ARGS]...

  A general utility script for Flask applications.

  An application to load must be given with the '--app' option, 'FLASK_APP'
  environment variable, or with a 'wsgi.py' or 'app.py' file in the current
  directory.

Options:
  -e, --env-file FILE   Load environment variables from this file, taking
                        precedence over those set by '.env' and '.flaskenv'.
                        Variables set directly in the environment take highest
                        precedence. python-dotenv must be installed.
  -A, --app IMPORT      The Flask application or factory function to load, in
                        the form 'module:name'. Module can be a dotted import
                        or file path. Name is not required if it is 'app',
                        'application', 'create_app', or 'make_app', and can be
                        'name(args)' to pass arguments.
  --debug / --no-debug  Set debug mode.
  --version             Show the Flask version.
  --help                Show this message and exit.

Commands:
  db      Perform database migrations.
  routes  Show the routes for the app.
  run     Run a development server.
  shell   Run a shell in the app context.
"#;

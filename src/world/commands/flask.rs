//! `flask`: Flask's command line. `flask db …` runs Flask-Migrate through
//! [`migrate::Runner`](crate::migrate::Runner) over the machine's files and its PostgreSQL
//! server; the other Flask commands are not simulated yet and answer as Flask does for a
//! command it does not know.

use super::Command;
use crate::migrate::{Config, ProjectFiles, Runner, Stream};
use crate::world::ctx::Ctx;
use crate::world::fs::{Fs, Node};
use crate::world::ids::DateTime;
use crate::world::output::Event;

/// `flask db COMMAND [ARGS]...`
pub const FLASK: Command = Command {
    name: "flask",
    synopsis: "flask [OPTIONS] COMMAND [ARGS]...",
    summary: "Flask's command line: `flask db init|migrate|upgrade|downgrade|current|history|heads|merge|stamp|check …` runs the migrations.",
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
    match args.first().map(String::as_str) {
        Some("db") => db(ctx, &args[1..]),
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

//! [`Runner`]: one `flask db …` command, with Flask-Migrate's output, streams and exit codes.
//!
//! The runner owns nothing: project files come through [`ProjectFiles`], the databases are
//! the caller's [`Cluster`], the `Create Date` and revision ids come from the caller. Every
//! command that changes a database runs in one transaction on the engine.

use std::collections::BTreeSet;

use crate::sql::{Cluster, Session};

use super::app::{load_app_with, App, UriSource};
use super::autogen::{compare, Diff};
use super::cli::{parse_opts, spec, split_args, Opts};
use super::error::{Error, ErrorKind, DBAPI_FRAMES};
use super::graph::Graph;
use super::help::{help, LIST_TEMPLATES};
use super::listing::{head_only, log_entry};
use super::models::Model;
use super::ops::Op;
use super::python::LineCache;
use super::render::{render_revision, slug, RevisionFile};
use super::script::{parse_script_with, Script};
use super::versions::{
    bookkeeping_down, bookkeeping_up, delete_version, ensure_version_table, exec, insert_version,
    static_sql, update_version,
};

/// Where Flask and Alembic are installed in the simulated machine (tracebacks, warnings).
pub const SITE_PACKAGES: &str = "/usr/local/lib/python3.11/site-packages";

/// The project directory as the runner sees it. Paths are relative to the project
/// directory (`migrations/versions/x.py`).
pub trait ProjectFiles {
    /// A file's text; `None` when it does not exist or is a directory.
    fn read(&self, path: &str) -> Option<String>;
    /// Creates or replaces a file.
    fn write(&mut self, path: &str, content: &str) -> Result<(), String>;
    /// The names in a directory, sorted; `None` when it is not a directory.
    fn list(&self, dir: &str) -> Option<Vec<String>>;
    /// Creates a directory (its parent exists).
    fn mkdir(&mut self, dir: &str) -> Result<(), String>;
}

/// Which stream a piece of output went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// What a command printed, in order, and its exit code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Output pieces in the order a terminal shows them.
    pub output: Vec<(Stream, String)>,
    /// The process exit code (0, 1 or 2).
    pub exit_code: i32,
    /// Files `flask db edit` opens in the editor (absolute paths), in order.
    pub edit: Vec<String>,
}

impl Outcome {
    /// Everything printed on standard output.
    pub fn stdout(&self) -> String {
        self.stream(Stream::Stdout)
    }
    /// Everything printed on standard error.
    pub fn stderr(&self) -> String {
        self.stream(Stream::Stderr)
    }
    fn stream(&self, s: Stream) -> String {
        self.output
            .iter()
            .filter(|(k, _)| *k == s)
            .map(|(_, t)| t.as_str())
            .collect()
    }
    /// Both streams merged, as a terminal shows them.
    pub fn text(&self) -> String {
        self.output.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// The environment of one command.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Absolute path of the project directory (the working directory), for messages.
    pub project_dir: String,
    /// `FLASK_APP`, if set.
    pub flask_app: Option<String>,
    /// The environment variables the app may read (`DATABASE_URL`), by name.
    pub env: Vec<(String, String)>,
    /// The `Create Date` of a new revision (`2026-01-05 09:00:00.000000`).
    pub create_date: String,
}

/// Runs `flask db` commands against a project and a cluster.
pub struct Runner<'a> {
    files: &'a mut dyn ProjectFiles,
    cluster: &'a mut Cluster,
    config: Config,
    next_id: &'a mut dyn FnMut() -> String,
    /// Python lines read by earlier commands, when the caller keeps them.
    lines: Option<&'a mut LineCache>,
}

/// Output being collected, and whether `env.py` has configured logging yet.
#[derive(Default)]
struct Out {
    output: Vec<(Stream, String)>,
    edit: Vec<String>,
    env_ran: bool,
    frames: Vec<String>,
}

impl Out {
    fn out(&mut self, text: &str) {
        self.push(Stream::Stdout, text);
    }
    fn err(&mut self, text: &str) {
        self.push(Stream::Stderr, text);
    }
    fn push(&mut self, s: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.output.last_mut() {
            Some((k, t)) if *k == s => t.push_str(text),
            _ => self.output.push((s, text.to_string())),
        }
    }
    fn info(&mut self, logger: &str, msg: &str) {
        self.err(&format!("INFO  [{logger}] {msg}\n"));
    }
    fn warn(&mut self, file_line: &str, msg: &str) {
        self.err(&format!(
            "{SITE_PACKAGES}/alembic/{file_line}: UserWarning: {msg}\n  util.warn(\n"
        ));
    }
}

const MIGRATION: &str = "alembic.runtime.migration";

/// Flask importing the app while click looks up the `db` command.
const IMPORT_FRAMES: &str = "  File \"/usr/local/lib/python3.11/site-packages/click/core.py\", line 1560, in main\n    rv = self.invoke(ctx)\n         ^^^^^^^^^^^^^^^^\n  File \"/usr/local/lib/python3.11/site-packages/click/core.py\", line 2048, in invoke\n    cmd_name, cmd, args = self.resolve_command(ctx, args)\n                          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File \"/usr/local/lib/python3.11/site-packages/click/core.py\", line 2094, in resolve_command\n    cmd = self.get_command(ctx, cmd_name)\n          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File \"/usr/local/lib/python3.11/site-packages/flask/cli.py\", line 631, in get_command\n    app = info.load_app()\n          ^^^^^^^^^^^^^^^\n  File \"/usr/local/lib/python3.11/site-packages/flask/cli.py\", line 349, in load_app\n    app = locate_app(import_name, name)\n          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File \"/usr/local/lib/python3.11/site-packages/flask/cli.py\", line 245, in locate_app\n    __import__(module_name)\n";

/// A parsed `DATABASE_URL`.
struct Url {
    scheme: String,
    user: Option<String>,
    password: Option<String>,
    host: String,
    port: u16,
    database: String,
    text: String,
}

fn parse_url(text: &str) -> Option<Url> {
    let (scheme, rest) = text.split_once("://")?;
    let (auth, hostpart) = match rest.rsplit_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, rest),
    };
    let (hostport, database) = hostpart.split_once('/').unwrap_or((hostpart, ""));
    let database = database.split('?').next().unwrap_or("").to_string();
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().ok()?),
        None => (hostport.to_string(), 5432),
    };
    let (user, password) = match auth {
        Some(a) => match a.split_once(':') {
            Some((u, p)) => (Some(u.to_string()), Some(p.to_string())),
            None => (Some(a.to_string()), None),
        },
        None => (None, None),
    };
    Some(Url {
        scheme: scheme.to_string(),
        user,
        password,
        host: if host.is_empty() {
            "localhost".into()
        } else {
            host
        },
        port,
        database,
        text: text.to_string(),
    })
}

impl Url {
    /// SQLAlchemy's `repr` of the URL with the password hidden.
    fn obfuscated(&self) -> String {
        match (&self.user, &self.password) {
            (Some(u), Some(_)) => self.text.replacen(
                &format!("{u}:{}@", self.password.as_deref().unwrap_or("")),
                &format!("{u}:***@"),
                1,
            ),
            _ => self.text.clone(),
        }
    }
}

/// What a loaded project gives a command.
struct Project {
    app: App,
    dir: String,
    scripts: Result<Graph, Error>,
}

impl<'a> Runner<'a> {
    /// A runner over the project files and the server's databases. `next_id` yields new
    /// revision ids (12 lowercase hex characters).
    pub fn new(
        files: &'a mut dyn ProjectFiles,
        cluster: &'a mut Cluster,
        config: Config,
        next_id: &'a mut dyn FnMut() -> String,
    ) -> Self {
        Runner {
            files,
            cluster,
            config,
            next_id,
            lines: None,
        }
    }

    /// Reads revision files through `lines`, the Python lines earlier commands
    /// read: a session parses each distinct line once.
    pub fn with_lines(mut self, lines: &'a mut LineCache) -> Self {
        self.lines = Some(lines);
        self
    }

    /// Runs `flask db <args>`; `args` is split as a shell would split it.
    pub fn run(&mut self, args: &str) -> Outcome {
        self.run_args(&split_args(args))
    }

    /// Runs `flask db` with already split arguments (without `db`).
    pub fn run_args(&mut self, args: &[String]) -> Outcome {
        let mut out = Out::default();
        let exit_code = match self.dispatch(args, &mut out) {
            Ok(()) => 0,
            Err(e) => report(&e, &mut out),
        };
        Outcome {
            output: out.output,
            exit_code,
            edit: out.edit,
        }
    }

    fn abs(&self, rel: &str) -> String {
        format!("{}/{rel}", self.config.project_dir)
    }

    fn dispatch(&mut self, args: &[String], out: &mut Out) -> Result<(), Error> {
        // Flask imports the app to find the `db` group before reading its arguments.
        let mut fresh = LineCache::default();
        let cache = match self.lines.as_deref_mut() {
            Some(cache) => cache,
            None => &mut fresh,
        };
        let app = load_app_with(
            &*self.files,
            &self.config.project_dir,
            self.config.flask_app.as_deref(),
            cache,
        )
        .inspect_err(|_| out.frames.push(IMPORT_FRAMES.to_string()))?;
        if let Err(e) = self.uri(&app) {
            out.frames.push(IMPORT_FRAMES.to_string());
            return Err(self.key_error_frames(&app, e));
        }
        if !app.has_migrate {
            return Err(Error::no_app(""));
        }
        if let Some(url) = self.uri(&app).ok().flatten() {
            if url.scheme == "postgresql" || url.scheme == "postgresql+psycopg" {
                return Err(Error::no_psycopg(&self.abs(&app.module_file)));
            }
        }
        let mut directory = "migrations".to_string();
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "--help" => {
                    out.out(help("").unwrap_or(""));
                    return Ok(());
                }
                "-d" | "--directory" | "-x" | "--x-arg" => {
                    let Some(v) = args.get(i + 1) else {
                        return Err(Error::usage(
                            "flask db",
                            "[OPTIONS] COMMAND [ARGS]...",
                            format!("Option '{}' requires an argument.", args[i]),
                        ));
                    };
                    if args[i].starts_with("-d") || args[i] == "--directory" {
                        directory = v.clone();
                    }
                    i += 2;
                }
                a if a.starts_with('-') => {
                    return Err(Error::usage(
                        "flask db",
                        "[OPTIONS] COMMAND [ARGS]...",
                        format!("No such option '{a}'."),
                    ))
                }
                _ => break,
            }
        }
        let Some(command) = args.get(i) else {
            out.err(help("").unwrap_or(""));
            return Err(Error {
                kind: ErrorKind::Usage {
                    usage: String::new(),
                    command: String::new(),
                },
                message: String::new(),
                frame: None,
                cause: None,
            });
        };
        let rest = &args[i + 1..];
        let Some(spec) = spec(command) else {
            return Err(Error::usage(
                "flask db",
                "[OPTIONS] COMMAND [ARGS]...",
                format!("No such command '{command}'."),
            ));
        };
        if rest.iter().any(|a| a == "--help") {
            out.out(help(command).unwrap_or(""));
            return Ok(());
        }
        let opts = parse_opts(command, &spec, rest)?;
        if let Some(d) = opts.value("directory") {
            directory = d.to_string();
        }
        match command.as_str() {
            "init" => return self.init(&directory, out),
            "list-templates" => {
                out.out(LIST_TEMPLATES);
                return Ok(());
            }
            _ => {}
        }
        if self.files.list(&directory).is_none() {
            return Err(Error::path_missing(&directory));
        }
        let project = Project {
            scripts: self.load_scripts(&directory, out),
            app,
            dir: directory,
        };
        match command.as_str() {
            "revision" => self.revision(&project, &opts, opts.flag("autogenerate"), out),
            "migrate" => self.revision(&project, &opts, true, out),
            "merge" => self.merge(&project, &opts, out),
            "upgrade" => self.upgrade(&project, &opts, out),
            "downgrade" => self.downgrade(&project, &opts, out),
            "current" => self.current(&project, &opts, out),
            "heads" => self.heads(&project, &opts, out),
            "branches" => self.branches(&project, &opts, out),
            "history" => self.history(&project, &opts, out),
            "show" => self.show(&project, &opts, out),
            "stamp" => self.stamp(&project, &opts, out),
            "check" => self.check(&project, out),
            "edit" => self.edit(&project, &opts, out),
            _ => unreachable!("dispatch: {command}"),
        }
    }

    /// The frames of `os.environ["NAME"]` failing in the app module.
    fn key_error_frames(&self, app: &App, e: Error) -> Error {
        let source = self.files.read(&app.module_file).unwrap_or_default();
        let path = self.abs(&app.module_file);
        let line = source
            .lines()
            .position(|l| l.contains("os.environ["))
            .map_or(1, |i| i + 1);
        let text = source
            .lines()
            .nth(line - 1)
            .unwrap_or("")
            .trim()
            .to_string();
        let start = text.find("os.environ").unwrap_or(0);
        let bracket = text[start..].find('[').unwrap_or(0);
        let end = text[start..]
            .find(']')
            .map_or(text.len(), |i| start + i + 1);
        let marks = format!(
            "{}{}{}",
            " ".repeat(start),
            "~".repeat(bracket),
            "^".repeat((end - start).saturating_sub(bracket))
        );
        e.with_outer_frame(format!(
            "  File \"{path}\", line {line}, in <module>\n    {text}\n    {marks}\n  File \"<frozen os>\", line 679, in __getitem__"
        ))
    }

    /// The database URL the app would use, or the error importing the app raises.
    fn uri(&self, app: &App) -> Result<Option<Url>, Error> {
        let text = match &app.uri {
            UriSource::Literal(s) => s.clone(),
            UriSource::Env { name, default } => {
                match self.config.env.iter().rev().find(|(k, _)| k == name) {
                    Some((_, v)) => v.clone(),
                    None => match default {
                        Some(d) => d.clone(),
                        None => return Err(Error::key_error(name)),
                    },
                }
            }
            UriSource::Missing => return Ok(None),
        };
        Ok(parse_url(&text))
    }

    fn load_scripts(&mut self, dir: &str, out: &mut Out) -> Result<Graph, Error> {
        let versions = format!("{dir}/versions");
        let mut scripts = Vec::new();
        let mut fresh = LineCache::default();
        let mut kept = self.lines.take();
        let cache = match kept.as_deref_mut() {
            Some(cache) => cache,
            None => &mut fresh,
        };
        let result = self.read_scripts(&versions, &mut scripts, cache);
        self.lines = kept;
        result?;
        let mut seen = BTreeSet::new();
        for s in &scripts {
            if !seen.insert(s.revision.clone()) {
                out.warn(
                    "script/revision.py:208",
                    &format!("Revision {} is present more than once", s.revision),
                );
            }
        }
        let graph = Graph::build(scripts)?;
        for w in &graph.warnings {
            out.warn("script/revision.py:596", w);
        }
        Ok(graph)
    }

    /// Parses every revision file in `versions`, in name order, into `scripts`.
    fn read_scripts(
        &self,
        versions: &str,
        scripts: &mut Vec<Script>,
        cache: &mut LineCache,
    ) -> Result<(), Error> {
        let mut names = self.files.list(versions).unwrap_or_default();
        crate::sorting::sort(&mut names);
        for name in names {
            if !name.ends_with(".py") || name.starts_with(".#") || name.starts_with("__init__") {
                continue;
            }
            let rel = format!("{versions}/{name}");
            let Some(source) = self.files.read(&rel) else {
                continue;
            };
            scripts.push(parse_script_with(&self.abs(&rel), &name, &source, cache)?);
        }
        Ok(())
    }

    /// Connects as `env.py` does: the session of the URL's database, or libpq's error.
    fn connect(&mut self, app: &App, out: &mut Out) -> Result<&mut Session, Error> {
        out.env_ran = true;
        let url = self.uri(app)?;
        let Some(url) = url else {
            return Err(Error {
                kind: ErrorKind::Exception,
                message: "RuntimeError: Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.".into(),
                frame: None,
                cause: None,
            });
        };
        let local = matches!(url.host.as_str(), "localhost" | "127.0.0.1");
        if !local || url.port != 5432 {
            return Err(Error::connection_refused(&url.host, url.port));
        }
        let name = if url.database.is_empty() {
            url.user.clone().unwrap_or_else(|| "learner".into())
        } else {
            url.database.clone()
        };
        match self.cluster.session_mut(&name) {
            Some(s) => {
                out.info(MIGRATION, "Context impl PostgresqlImpl.");
                out.info(MIGRATION, "Will assume transactional DDL.");
                Ok(s)
            }
            None => Err(Error::database_missing(&url.host, url.port, &name)),
        }
    }

    fn init(&mut self, dir: &str, out: &mut Out) -> Result<(), Error> {
        if let Some(entries) = self.files.list(dir) {
            if !entries.is_empty() {
                return Err(Error::directory_exists(dir));
            }
        } else {
            self.files.mkdir(dir).map_err(|e| Error {
                kind: ErrorKind::Command,
                message: e,
                frame: None,
                cause: None,
            })?;
        }
        out.out(&format!("Creating directory {} ...  done\n", self.abs(dir)));
        let versions = format!("{dir}/versions");
        let _ = self.files.mkdir(&versions);
        out.out(&format!(
            "Creating directory {} ...  done\n",
            self.abs(&versions)
        ));
        for (name, text) in [
            ("script.py.mako", include_str!("templates/script.py.mako")),
            ("README", include_str!("templates/README")),
            ("env.py", include_str!("templates/env.py")),
            ("alembic.ini", include_str!("templates/alembic.ini")),
        ] {
            let rel = format!("{dir}/{name}");
            let _ = self.files.write(&rel, text);
            out.out(&format!("Generating {} ...  done\n", self.abs(&rel)));
        }
        out.out(&format!(
            "Please edit configuration/connection/logging settings in {} before proceeding.\n",
            self.abs(&format!("{dir}/alembic.ini"))
        ));
        Ok(())
    }

    /// Reads `alembic_version` (empty when the table does not exist).
    fn current_rows(session: &mut Session) -> Vec<String> {
        if session
            .catalog()
            .relation("public", "alembic_version")
            .is_none()
        {
            return Vec::new();
        }
        match session.execute("SELECT alembic_version.version_num FROM alembic_version") {
            Ok(r) => r
                .rows
                .unwrap_or_default()
                .into_iter()
                .filter_map(|row| row.into_iter().next().flatten())
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    fn revision(
        &mut self,
        p: &Project,
        opts: &Opts,
        autogenerate: bool,
        out: &mut Out,
    ) -> Result<(), Error> {
        let mut diff = None;
        if autogenerate {
            let models = &p.app.models;
            let d = self.transaction(p, out, |session, graph, out| {
                autogenerate_diff(session, graph, models, out)
            })?;
            if d.is_empty() {
                out.info("alembic.env", "No changes in schema detected.");
                return Ok(());
            }
            diff = Some(d);
        }
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        let heads = graph.head_ids();
        let parents = match opts.value("head") {
            Some(h) => {
                let ids = graph.resolve(h)?;
                for id in &ids {
                    if !graph.is_head(id) && !opts.flag("splice") {
                        return Err(Error::not_a_head(id));
                    }
                }
                ids
            }
            None if heads.len() > 1 => return Err(Error::multiple_heads_new_revision()),
            None => heads,
        };
        if let Some(d) = &diff {
            for table in d.unnamed_drops() {
                out.err(&format!(
                    "{SITE_PACKAGES}/alembic/autogenerate/render.py:488: UserWarning: Autogenerate rendered a drop_constraint() directive for an unnamed constraint on table '{table}'; the migration will fail unless a constraint name is added to the directive.  Consider using a naming convention so that constraint names are known ahead of time.\n  util.warn(\n"
                ));
            }
        }
        self.write_revision(p, opts, &parents, diff.as_ref(), out)
    }

    fn write_revision(
        &mut self,
        p: &Project,
        opts: &Opts,
        parents: &[String],
        diff: Option<&Diff>,
        out: &mut Out,
    ) -> Result<(), Error> {
        let rev = match opts.value("rev_id") {
            Some(r) => {
                let illegal: String = r.chars().filter(|c| "@-+:".contains(*c)).collect();
                if !illegal.is_empty() {
                    return Err(Error::bad_rev_id(&illegal, r));
                }
                r.to_string()
            }
            None => (self.next_id)(),
        };
        let message = opts.value("message");
        let label = opts.value("branch_label");
        let text = render_revision(&RevisionFile {
            message,
            revision: &rev,
            down_revisions: parents,
            branch_label: label,
            create_date: &self.config.create_date,
            bodies: diff.map(|d| (d.upgrade.as_slice(), d.downgrade.as_slice())),
        });
        let rel = format!("{}/versions/{rev}_{}.py", p.dir, slug(message));
        self.files.write(&rel, &text).map_err(|e| Error {
            kind: ErrorKind::Command,
            message: e,
            frame: None,
            cause: None,
        })?;
        out.out(&format!("Generating {} ...  done\n", self.abs(&rel)));
        if p.scripts.as_ref().is_ok_and(|g| g.get(&rev).is_some()) {
            out.warn(
                "script/revision.py:430",
                &format!("Revision {rev} is present more than once"),
            );
        }
        Ok(())
    }

    fn merge(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        let mut parents: Vec<String> = Vec::new();
        for spec in &opts.positional {
            for id in graph.resolve(spec)? {
                if !parents.contains(&id) {
                    parents.push(id);
                }
            }
        }
        // Parents are listed in file-name order.
        let order: Vec<&str> = graph
            .scripts()
            .iter()
            .map(|s| s.revision.as_str())
            .collect();
        crate::sorting::sort_by_key(&mut parents, |id| order.iter().position(|o| o == id));
        // Only a merge naming no revisions at all trips alembic's duplicate check.
        let rootless = opts.positional.is_empty();
        self.write_revision(p, opts, &parents, None, out)?;
        if rootless {
            if let Some((_, text)) = out.output.last() {
                let rev = text
                    .rsplit('/')
                    .next()
                    .and_then(|f| f.split('_').next())
                    .unwrap_or("")
                    .to_string();
                if !text.contains("present more than once") {
                    out.warn(
                        "script/revision.py:430",
                        &format!("Revision {rev} is present more than once"),
                    );
                }
            }
        }
        Ok(())
    }

    fn upgrade(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let target = opts
            .positional
            .first()
            .map_or("head", String::as_str)
            .to_string();
        if opts.flag("sql") {
            return self.offline(p, &target, true, out);
        }
        self.transaction(p, out, |session, graph, out| {
            let current = versioned(session, graph)?;
            let targets = match Graph::bare_relative(&target) {
                Some((n, text)) if n > 0 => {
                    let start = current.first().cloned();
                    let dest = match start {
                        Some(s) => graph.walk_from(&s, n, text)?,
                        None => graph.walk_from("", n, text)?,
                    };
                    dest.into_iter().collect()
                }
                Some((n, text)) => return Err(Error::relative_short(text, n.abs())),
                None => graph.resolve(&target)?,
            };
            let steps: Vec<&Script> = graph.upgrade_steps(&current, &targets);
            let mut heads = current.clone();
            for s in steps {
                out.info(
                    MIGRATION,
                    &format!(
                        "Running upgrade {} -> {}, {}",
                        s.down_revisions.join(", "),
                        s.revision,
                        s.doc()
                    ),
                );
                run_ops(session, s, true, out)?;
                for sql in bookkeeping_up(graph, &mut heads, s) {
                    exec(session, &sql)?;
                }
            }
            Ok(())
        })
    }

    fn downgrade(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let target = opts
            .positional
            .first()
            .map_or("-1", String::as_str)
            .to_string();
        if opts.flag("sql") {
            return self.offline(p, &target, false, out);
        }
        self.transaction(p, out, |session, graph, out| {
            let current = versioned(session, graph)?;
            let steps = downgrade_plan(graph, &current, &target, out)?;
            let mut heads = current.clone();
            for s in steps {
                out.info(
                    MIGRATION,
                    &format!(
                        "Running downgrade {} -> {}, {}",
                        s.revision,
                        s.down_revisions.join(", "),
                        s.doc()
                    ),
                );
                run_ops(session, s, false, out)?;
                for sql in bookkeeping_down(graph, &mut heads, s) {
                    exec(session, &sql)?;
                }
            }
            Ok(())
        })
    }

    /// `upgrade --sql` / `downgrade --sql`: the SQL on stdout, the database untouched.
    fn offline(&mut self, p: &Project, target: &str, up: bool, out: &mut Out) -> Result<(), Error> {
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        let (from, to) = match target.split_once(':') {
            Some((f, t)) => (Some(f.to_string()), t.to_string()),
            None => (None, target.to_string()),
        };
        if !up && from.is_none() && Graph::bare_relative(&to).is_none() {
            return Err(Error::downgrade_sql_range());
        }
        out.env_ran = true;
        out.info(MIGRATION, "Context impl PostgresqlImpl.");
        out.info(MIGRATION, "Generating static SQL");
        out.info(MIGRATION, "Will assume transactional DDL.");
        out.out("BEGIN;\n\n");
        // Offline, the starting point stands in for the database's one row per head; a
        // downgrade needs a single revision to start from.
        let (start, start_name): (Vec<String>, &str) = match &from {
            Some(f) => (graph.resolve(f)?, f.as_str()),
            None if up => (Vec::new(), "base"),
            None => (graph.head_ids(), "heads"),
        };
        if !up && start.len() > 1 {
            return Err(Error::multiple_heads_for(start_name));
        }
        if up && from.is_none() {
            out.out("CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n);\n\n");
        }
        let mut heads = start.clone();
        if up {
            let targets = graph.resolve(&to)?;
            for s in graph.upgrade_steps(&start, &targets) {
                let arrow = format!("{} -> {}", s.down_revisions.join(", "), s.revision);
                out.info(MIGRATION, &format!("Running upgrade {arrow}, {}", s.doc()));
                out.out(&format!("-- Running upgrade {arrow}\n\n"));
                for (_, op) in s.upgrade.clone()? {
                    for sql in op.to_sql() {
                        out.out(&static_sql(&sql));
                    }
                }
                for sql in bookkeeping_up(graph, &mut heads, s) {
                    out.out(&static_sql(&sql));
                }
            }
        } else {
            for s in downgrade_plan(graph, &start, &to, out)? {
                let arrow = format!("{} -> {}", s.revision, s.down_revisions.join(", "));
                out.info(
                    MIGRATION,
                    &format!("Running downgrade {arrow}, {}", s.doc()),
                );
                out.out(&format!("-- Running downgrade {arrow}\n\n"));
                for (_, op) in s.downgrade.clone()? {
                    for sql in op.to_sql() {
                        out.out(&static_sql(&sql));
                    }
                }
                for sql in bookkeeping_down(graph, &mut heads, s) {
                    out.out(&static_sql(&sql));
                }
            }
        }
        out.out("COMMIT;\n\n");
        Ok(())
    }

    fn current(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let graph = p.scripts.as_ref().map_err(Clone::clone);
        let url = self
            .uri(&p.app)?
            .map(|u| u.obfuscated())
            .unwrap_or_default();
        let session = self.connect(&p.app, out)?;
        let rows = Self::current_rows(session);
        let graph = graph?;
        if opts.flag("verbose") {
            out.out(&format!("Current revision(s) for {url}:\n"));
        }
        for r in rows {
            let Some(s) = graph.get(&r) else {
                return Err(Error::cant_locate(&r));
            };
            let line = if opts.flag("verbose") {
                log_entry(graph, s, false)
            } else {
                head_only(graph, s, false, false, false, true, false)
            };
            out.out(&format!("{line}\n"));
        }
        Ok(())
    }

    fn heads(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        for s in graph.heads() {
            let line = if opts.flag("verbose") {
                log_entry(graph, s, false)
            } else {
                head_only(graph, s, false, false, true, false, false)
            };
            out.out(&format!("{line}\n"));
        }
        Ok(())
    }

    fn branches(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        for s in graph.walk() {
            if !graph.is_branch_point(&s.revision) {
                continue;
            }
            let first = if opts.flag("verbose") {
                log_entry(graph, s, false)
            } else {
                head_only(graph, s, false, false, true, true, false)
            };
            let pad = " ".repeat(s.revision.len());
            let lines: Vec<String> = graph
                .children_of(&s.revision)
                .into_iter()
                .map(|c| {
                    format!(
                        "{pad} -> {}",
                        head_only(graph, c, false, opts.flag("verbose"), true, true, false)
                    )
                })
                .collect();
            out.out(&format!("{first}\n{}\n\n", lines.join("\n")));
        }
        Ok(())
    }

    fn history(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let range = opts.value("rev_range");
        let indicate = opts.flag("indicate_current");
        let needs_db = indicate || range.is_some_and(|r| r.contains("current"));
        let mut current = Vec::new();
        if needs_db {
            let graph = p.scripts.as_ref().map_err(Clone::clone);
            let session = self.connect(&p.app, out)?;
            current = Self::current_rows(session);
            graph?;
        }
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        let list: Vec<&Script> = match range {
            None => graph.walk(),
            Some(r) => {
                let (lo, hi) = r.split_once(':').unwrap_or((r, ""));
                let resolve = |s: &str, default: &str| -> Result<Vec<String>, Error> {
                    match s {
                        "" => graph.resolve(default),
                        "current" => Ok(current.clone()),
                        other => graph.resolve(other),
                    }
                };
                let lower = resolve(lo, "base")?;
                let upper = resolve(hi, "heads")?;
                graph.walk_range(&lower, &upper)
            }
        };
        for s in list {
            let cur = indicate && current.contains(&s.revision);
            let text = if opts.flag("verbose") {
                log_entry(graph, s, cur)
            } else {
                head_only(graph, s, true, true, true, true, cur)
            };
            out.out(&format!("{text}\n"));
        }
        Ok(())
    }

    fn show(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let spec = opts.positional.first().map_or("head", String::as_str);
        let ids = if spec == "current" {
            let graph = p.scripts.as_ref().map_err(Clone::clone);
            let session = self.connect(&p.app, out)?;
            let rows = Self::current_rows(session);
            graph?;
            rows
        } else {
            p.scripts.as_ref().map_err(Clone::clone)?.resolve(spec)?
        };
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        for id in ids {
            if let Some(s) = graph.get(&id) {
                out.out(&format!("{}\n", log_entry(graph, s, false)));
            }
        }
        Ok(())
    }

    /// `flask db edit [REVISION]`: asks the caller to open the revision files.
    fn edit(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let graph = p.scripts.as_ref().map_err(Clone::clone)?;
        let spec = opts.positional.first().map_or("head", String::as_str);
        let ids = graph.resolve(spec)?;
        if ids.is_empty() {
            return Err(Error::no_revision_files(spec));
        }
        for id in ids {
            if let Some(s) = graph.get(&id) {
                out.edit.push(s.path.clone());
            }
        }
        Ok(())
    }

    fn stamp(&mut self, p: &Project, opts: &Opts, out: &mut Out) -> Result<(), Error> {
        let target = opts
            .positional
            .first()
            .map_or("head", String::as_str)
            .to_string();
        self.transaction(p, out, |session, graph, out| {
            ensure_version_table(session)?;
            let current = if opts.flag("purge") {
                exec(session, "DELETE FROM alembic_version")?;
                Vec::new()
            } else {
                Self::current_rows(session)
            };
            let targets = graph.resolve(&target)?;
            if current == targets {
                return Ok(());
            }
            match (current.as_slice(), targets.as_slice()) {
                (from @ [_, ..], [to]) => {
                    out.info(
                        MIGRATION,
                        &format!("Running stamp_revision {} -> {to}", from.join(", ")),
                    );
                    let (last, rest) = from.split_last().unwrap_or((&from[0], &[]));
                    for r in rest {
                        exec(session, &delete_version(r))?;
                    }
                    exec(session, &update_version(last, to))?;
                }
                _ => {
                    for from in &current {
                        if !targets.contains(from) {
                            out.info(MIGRATION, &format!("Running stamp_revision {from} -> "));
                            exec(session, &delete_version(from))?;
                        }
                    }
                    for to in &targets {
                        if !current.contains(to) {
                            out.info(MIGRATION, &format!("Running stamp_revision  -> {to}"));
                            exec(session, &insert_version(to))?;
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// What every command that runs `env.py` online shares: load the scripts, connect, run
    /// `body` in one transaction that commits when it succeeds and rolls back when it fails.
    fn transaction<T>(
        &mut self,
        p: &Project,
        out: &mut Out,
        body: impl FnOnce(&mut Session, &Graph, &mut Out) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let graph = p.scripts.as_ref().map_err(Clone::clone);
        let session = self.connect(&p.app, out)?;
        let graph = graph?;
        session
            .execute("BEGIN")
            .map_err(|e| Error::database(&e, "BEGIN"))?;
        let result = body(session, graph, out);
        finish(session, result)
    }

    fn check(&mut self, p: &Project, out: &mut Out) -> Result<(), Error> {
        let models = &p.app.models;
        self.transaction(p, out, |session, graph, out| {
            let d = autogenerate_diff(session, graph, models, out)?;
            if d.is_empty() {
                out.out("No new upgrade operations detected.\n");
                Ok(())
            } else {
                Err(Error::new_operations(&format!("[{}]", d.check.join(", "))))
            }
        })
    }
}

/// What `migrate` and `check` share inside their transaction: the database
/// must be at the heads, then the autogenerate plugins run and the models are
/// compared with the live catalog, each finding logged as Alembic logs it.
fn autogenerate_diff(
    session: &mut Session,
    graph: &Graph,
    models: &[Model],
    out: &mut Out,
) -> Result<Diff, Error> {
    let current = versioned(session, graph)?;
    let heads = graph.head_ids();
    let cur: BTreeSet<&String> = current.iter().collect();
    let hs: BTreeSet<&String> = heads.iter().collect();
    if cur != hs {
        return Err(Error::not_up_to_date());
    }
    for plugin in [
        "schemas",
        "tables",
        "types",
        "constraints",
        "defaults",
        "comments",
    ] {
        out.info(
            "alembic.runtime.plugins",
            &format!("setting up autogenerate plugin alembic.autogenerate.{plugin}"),
        );
    }
    let diff = compare(models, session.catalog());
    for (logger, msg) in &diff.logs {
        out.info(logger, msg);
    }
    Ok(diff)
}

/// A database stamped with a revision the scripts no longer have cannot be located.
fn known(graph: &Graph, current: &[String]) -> Result<(), Error> {
    match current.iter().find(|c| graph.get(c).is_none()) {
        Some(missing) => Err(Error::cant_locate(missing)),
        None => Ok(()),
    }
}

/// `branch@-N`: the branch, N (negative) and the relative text.
fn branch_relative(target: &str) -> Option<(&str, i64, &str)> {
    let (branch, rel) = target.split_once('@')?;
    let (n, text) = Graph::bare_relative(rel)?;
    (n < 0).then_some((branch, n, text))
}

/// The downgrade steps for a target (`-N`, `base`, an id…) from the current rows.
fn downgrade_plan<'g>(
    graph: &'g Graph,
    current: &[String],
    target: &str,
    out: &mut Out,
) -> Result<Vec<&'g Script>, Error> {
    let (dest, name): (Option<String>, String) = match Graph::bare_relative(target) {
        Some((n, text)) if n < 0 => {
            let Some(first) = current.first() else {
                return Err(Error::relative_short(text, -n));
            };
            let distinct: BTreeSet<&String> = current.iter().collect();
            if distinct.len() > 1 {
                out.warn(
                    "script/revision.py:1168",
                    "downgrade -1 from multiple heads is ambiguous; this usage will be disallowed in a future release.",
                );
            }
            let dest = graph.walk_from(first, n, text)?;
            let steps =
                graph.downgrade_steps(std::slice::from_ref(first), dest.as_deref(), target)?;
            return Ok(steps);
        }
        Some((n, text)) => return Err(Error::relative_short(text, n)),
        // `branch@-N` walks down from the current revision on that branch's line.
        None if branch_relative(target).is_some() => {
            let Some((branch, n, text)) = branch_relative(target) else {
                unreachable!("downgrade_plan: {target}")
            };
            let root = graph.resolve_id(branch)?;
            let Some(start) = current
                .iter()
                .find(|c| graph.is_ancestor(&root, c) || graph.is_ancestor(c, &root))
            else {
                return Err(Error::relative_short(text, n.abs()));
            };
            let dest = graph.walk_from(start, n, text)?;
            return graph.downgrade_steps(std::slice::from_ref(start), dest.as_deref(), target);
        }
        None if target == "base" => (None, target.to_string()),
        None => {
            let ids = graph.resolve(target)?;
            match ids.as_slice() {
                [] => (None, target.to_string()),
                [one] => (Some(one.clone()), target.to_string()),
                _ => return Err(Error::multiple_heads_for(target)),
            }
        }
    };
    graph.downgrade_steps(current, dest.as_deref(), &name)
}

/// Prints an error as Flask-Migrate, click or Python would, and returns the exit code.
fn report(e: &Error, out: &mut Out) -> i32 {
    match &e.kind {
        ErrorKind::Command => {
            if out.env_ran {
                out.err(&format!("ERROR [flask_migrate] Error: {}\n", e.message));
            } else {
                out.err(&format!("Error: {}\n", e.message));
            }
        }
        ErrorKind::Usage { usage, command } => {
            if !usage.is_empty() {
                out.err(&format!(
                    "Usage: {usage}\nTry '{command} --help' for help.\n\nError: {}\n",
                    e.message
                ));
            }
        }
        ErrorKind::NoApp => {
            if !e.message.is_empty() {
                out.err(&format!("Error: {}\n\n", e.message));
            }
            out.err("Usage: flask [OPTIONS] COMMAND [ARGS]...\nTry 'flask --help' for help.\n\nError: No such command 'db'.\n");
        }
        ErrorKind::Exception => {
            let mut tb = String::new();
            if let Some(cause) = &e.cause {
                tb.push_str(&format!(
                    "Traceback (most recent call last):\n{cause}\n\n\nThe above exception was the direct cause of the following exception:\n\n"
                ));
            }
            tb.push_str("Traceback (most recent call last):\n");
            tb.push_str(&format!(
                "  File \"/usr/local/bin/flask\", line 8, in <module>\n    sys.exit(main())\n             ^^^^^^\n  File \"{SITE_PACKAGES}/flask/cli.py\", line 1131, in main\n    cli.main()\n"
            ));
            for f in &out.frames {
                tb.push_str(f);
            }
            out.err(&tb);
            out.err(&format!("{e}\n"));
        }
    }
    e.exit_code()
}

/// Commits on success, rolls back on failure: one transaction per command.
fn finish<T>(session: &mut Session, result: Result<T, Error>) -> Result<T, Error> {
    match result {
        Ok(value) => {
            session
                .execute("COMMIT")
                .map_err(|e| Error::database(&e, "COMMIT"))?;
            Ok(value)
        }
        Err(e) => {
            let _ = session.execute("ROLLBACK");
            Err(e)
        }
    }
}

/// Inside a command's transaction: `alembic_version` exists (created empty on first use) and
/// every revision it names is one the scripts have. Returns the current revisions.
fn versioned(session: &mut Session, graph: &Graph) -> Result<Vec<String>, Error> {
    ensure_version_table(session)?;
    let current = Runner::current_rows(session);
    known(graph, &current)?;
    Ok(current)
}

/// Runs one revision's operations, noting the traceback frame of a failure.
fn run_ops(session: &mut Session, s: &Script, up: bool, out: &mut Out) -> Result<(), Error> {
    let ops = if up { &s.upgrade } else { &s.downgrade };
    let ops = ops.clone()?;
    let source_line = |line: usize| -> String {
        let text = s
            .source
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim();
        format!(
            "  File \"{}\", line {line}, in {}\n    {text}\n",
            s.path,
            if up { "upgrade" } else { "downgrade" }
        )
    };
    for (line, op) in ops {
        if let Op::DropConstraint {
            name: None,
            table,
            type_,
        } = &op
        {
            out.frames.push(format!(
                "  File \"{SITE_PACKAGES}/alembic/runtime/migration.py\", line 616, in run_migrations\n    step.migration_fn(**kw)\n"
            ));
            out.frames.push(source_line(line));
            return Err(Error::unnamed_drop(type_.as_deref(), table));
        }
        for sql in op.to_sql() {
            if let Err(e) = exec(session, &sql) {
                out.frames.push(format!(
                    "  File \"{SITE_PACKAGES}/alembic/runtime/migration.py\", line 616, in run_migrations\n    step.migration_fn(**kw)\n"
                ));
                out.frames.push(source_line(line));
                out.frames.push(format!(
                    "  File \"{SITE_PACKAGES}/sqlalchemy/engine/base.py\", line 1996, in _exec_single_context\n    self._handle_dbapi_exception(\n  File \"{SITE_PACKAGES}/sqlalchemy/engine/base.py\", line 2351, in _handle_dbapi_exception\n    raise sqlalchemy_exception.with_traceback(exc_info[2]) from e\n{DBAPI_FRAMES}"
                ));
                return Err(e);
            }
        }
    }
    Ok(())
}

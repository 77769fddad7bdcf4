//! Loading the Flask application as `flask` does: find the module (`FLASK_APP`, else
//! `wsgi.py` or `app.py`), import it and the project modules it imports, and read what
//! Flask-Migrate needs: the models, the `Migrate(app, db)` registration and where
//! `SQLALCHEMY_DATABASE_URI` comes from.

use std::collections::BTreeSet;

use super::error::Error;
use super::models::{models_of, Model};
use super::python::{parse_module_with, Expr, LineCache, Module, StmtKind};
use super::runner::ProjectFiles;

/// Where the app's database URI comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UriSource {
    /// `os.environ["NAME"]` (required) or `os.environ.get("NAME", default)`.
    Env {
        /// The variable.
        name: String,
        /// The fallback, if any.
        default: Option<String>,
    },
    /// A string literal.
    Literal(String),
    /// Not set: Flask-SQLAlchemy refuses to start.
    Missing,
}

/// The loaded application.
#[derive(Clone, Debug)]
pub struct App {
    /// The models of every imported project module, in import order.
    pub models: Vec<Model>,
    /// Where the database URI comes from.
    pub uri: UriSource,
    /// True when `Migrate(app, db)` registered the `db` command group.
    pub has_migrate: bool,
    /// The app module's file, relative to the project.
    pub module_file: String,
}

/// Finds and imports the app. `project_dir` is absolute, for messages.
pub fn load_app(
    files: &dyn ProjectFiles,
    project_dir: &str,
    flask_app: Option<&str>,
) -> Result<App, Error> {
    load_app_with(files, project_dir, flask_app, &mut LineCache::default())
}

/// [`load_app`], reusing the Python lines in `cache` and adding those it reads.
pub fn load_app_with(
    files: &dyn ProjectFiles,
    project_dir: &str,
    flask_app: Option<&str>,
    cache: &mut LineCache,
) -> Result<App, Error> {
    let module = match flask_app.filter(|v| !v.is_empty()) {
        Some(v) => {
            let name = v.split(':').next().unwrap_or(v);
            let name = name.strip_suffix(".py").unwrap_or(name);
            let file = format!("{}.py", name.replace('.', "/"));
            if files.read(&file).is_none() {
                return Err(Error::cannot_import_app(name));
            }
            file
        }
        None => match ["wsgi.py", "app.py"]
            .into_iter()
            .find(|f| files.read(f).is_some())
        {
            Some(f) => f.to_string(),
            None => return Err(Error::cannot_locate_app()),
        },
    };
    let mut app = App {
        models: Vec::new(),
        uri: UriSource::Missing,
        has_migrate: false,
        module_file: module.clone(),
    };
    let mut seen = BTreeSet::new();
    import(files, project_dir, &module, &mut app, &mut seen, cache)?;
    Ok(app)
}

/// Imports a project module; returns the names it defines at the top level, or `None` when
/// it is already being imported (a circular import sees a partial module).
fn import(
    files: &dyn ProjectFiles,
    project_dir: &str,
    file: &str,
    app: &mut App,
    seen: &mut BTreeSet<String>,
    cache: &mut LineCache,
) -> Result<Option<BTreeSet<String>>, Error> {
    if !seen.insert(file.to_string()) {
        return Ok(None);
    }
    let Some(source) = files.read(file) else {
        return Ok(None);
    };
    let path = format!("{project_dir}/{file}");
    let module = parse_module_with(&path, &source, cache)?;
    read_config(&module, app);
    let mut defined = BTreeSet::new();
    for stmt in &module.body {
        match &stmt.kind {
            StmtKind::Import(names) => {
                for name in names {
                    defined.insert(name.split('.').next().unwrap_or(name).to_string());
                    let f = format!("{}.py", name.replace('.', "/"));
                    if files.read(&f).is_some() {
                        import(files, project_dir, &f, app, seen, cache).map_err(|e| {
                            e.with_outer_frame(module_frame(&path, &source, stmt.line))
                        })?;
                    }
                }
            }
            StmtKind::FromImport { module: m, names } => {
                defined.extend(names.iter().cloned());
                let f = format!("{}.py", m.replace('.', "/"));
                if files.read(&f).is_none() {
                    continue;
                }
                let theirs = import(files, project_dir, &f, app, seen, cache)
                    .map_err(|e| e.with_outer_frame(module_frame(&path, &source, stmt.line)))?;
                if let Some(theirs) = theirs {
                    if let Some(missing) = names.iter().find(|n| *n != "*" && !theirs.contains(*n))
                    {
                        return Err(Error::cannot_import_name(
                            &module_frame(&path, &source, stmt.line),
                            missing,
                            m,
                            &format!("{project_dir}/{f}"),
                        ));
                    }
                }
            }
            StmtKind::Class { name, .. } | StmtKind::Def { name, .. } => {
                defined.insert(name.clone());
            }
            StmtKind::Assign(target, _) => {
                if let Some(n) = target.dotted().filter(|n| !n.contains('.')) {
                    defined.insert(n);
                }
            }
            _ => {}
        }
    }
    app.models.extend(models_of(&path, &module)?);
    Ok(Some(defined))
}

/// The traceback frame of a module-level line, with Python 3.11's carets under the
/// statement when a comment follows it.
pub fn module_frame(path: &str, source: &str, line: usize) -> String {
    let text = source
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim();
    let code = match text.find("  #") {
        Some(i) => text[..i].trim_end(),
        None => text,
    };
    let mut frame = format!("  File \"{path}\", line {line}, in <module>\n    {text}");
    if code.len() < text.len() {
        frame.push_str(&format!("\n    {}", "^".repeat(code.chars().count())));
    }
    frame
}

fn read_config(module: &Module, app: &mut App) {
    for stmt in &module.body {
        match &stmt.kind {
            StmtKind::Assign(target, value) => {
                if let Expr::Other(t) = target {
                    if t.contains("SQLALCHEMY_DATABASE_URI") {
                        app.uri = uri_of(value);
                    }
                }
                if calls_migrate(value) {
                    app.has_migrate = true;
                }
            }
            StmtKind::Expr(e) if calls_migrate(e) => app.has_migrate = true,
            _ => {}
        }
    }
}

fn calls_migrate(e: &Expr) -> bool {
    match e {
        Expr::Call { func, .. } => func.dotted().is_some_and(|f| {
            f == "Migrate"
                || f.ends_with(".Migrate")
                || f.ends_with(".init_app") && f.starts_with("migrate")
        }),
        _ => false,
    }
}

fn uri_of(value: &Expr) -> UriSource {
    match value {
        Expr::Str(s) => UriSource::Literal(s.clone()),
        Expr::Call { func, args, .. } => {
            let f = func.dotted().unwrap_or_default();
            if f == "os.environ.get" || f == "os.getenv" {
                match (args.first(), args.get(1)) {
                    (Some(Expr::Str(name)), default) => UriSource::Env {
                        name: name.clone(),
                        default: match default {
                            Some(Expr::Str(d)) => Some(d.clone()),
                            _ => None,
                        },
                    },
                    _ => UriSource::Missing,
                }
            } else {
                UriSource::Missing
            }
        }
        Expr::Other(text) => {
            // `os.environ["DATABASE_URL"]`: a subscript, kept as text by the reader.
            let inner = text
                .strip_prefix("os.environ[")
                .and_then(|r| r.strip_suffix(']'))
                .map(|q| q.trim_matches(|c| c == '"' || c == '\''));
            match inner {
                Some(name) => UriSource::Env {
                    name: name.to_string(),
                    default: None,
                },
                None => UriSource::Missing,
            }
        }
        _ => UriSource::Missing,
    }
}

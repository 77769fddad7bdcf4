//! [`Error`]: everything a `flask db` command can fail with, in the real tools' words.
//!
//! The wording of Alembic, Flask-Migrate, click, Flask, SQLAlchemy and psycopg2 lives only
//! here. `Display` prints the lines a learner reads last (the exception line and what follows
//! it); the runner adds the prefix (`Error:` or `ERROR [flask_migrate] Error:`) or the traceback
//! frames around it.

use std::fmt;

use crate::sql::SqlError;

/// What kind of failure, which decides the exit code and how the runner frames it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// An Alembic `CommandError` caught by Flask-Migrate (exit 1).
    Command,
    /// A click usage error (exit 2): the usage line of this command, then the message.
    Usage {
        /// `flask db downgrade [OPTIONS] [REVISION]`
        usage: String,
        /// `flask db downgrade`
        command: String,
    },
    /// Flask could not load the application (exit 2, then `No such command 'db'`).
    NoApp,
    /// An uncaught Python exception (exit 1, after a traceback): a syntax error in a project
    /// file, a database error, a failed connection, a `KeyError`.
    Exception,
}

/// A failed command: its kind and the text the tool prints for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// How the runner frames it.
    pub kind: ErrorKind,
    /// The message lines (for `Exception`, from the exception line to the end).
    pub message: String,
    /// For a Python syntax error: the `File "…", line N` frame that precedes the message.
    pub frame: Option<String>,
    /// For a database error: psycopg2's exception with its frames, which Python prints
    /// first, as the direct cause.
    pub cause: Option<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(frame) = &self.frame {
            writeln!(f, "{frame}")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    fn command(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Command,
            message: message.into(),
            frame: None,
            cause: None,
        }
    }

    fn exception(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Exception,
            message: message.into(),
            frame: None,
            cause: None,
        }
    }

    /// Puts a traceback frame (an importing module's line) before the error's own frame.
    pub fn with_outer_frame(mut self, frame: String) -> Self {
        self.frame = Some(match self.frame.take() {
            Some(inner) => format!("{frame}\n{inner}"),
            None => frame,
        });
        self
    }

    /// The process exit code.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Command | ErrorKind::Exception => 1,
            ErrorKind::Usage { .. } | ErrorKind::NoApp => 2,
        }
    }

    /// Python's `SyntaxError` in a project file, with the caret under `col` (0-based).
    pub fn python_syntax(path: &str, line: usize, text: &str, col: usize, msg: &str) -> Self {
        Self::python_error("SyntaxError", path, line, text, (col, 1), msg)
    }

    /// Python's `SyntaxError` with carets under `width` characters from `col`.
    pub fn python_syntax_span(
        path: &str,
        line: usize,
        text: &str,
        span: (usize, usize),
        msg: &str,
    ) -> Self {
        Self::python_error("SyntaxError", path, line, text, span, msg)
    }

    /// Python's `IndentationError` in a project file.
    pub fn python_indentation(path: &str, line: usize, text: &str, msg: &str) -> Self {
        let col = text.len() - text.trim_start().len();
        Self::python_error("IndentationError", path, line, text, (col, 1), msg)
    }

    fn python_error(
        class: &str,
        path: &str,
        line: usize,
        text: &str,
        (col, width): (usize, usize),
        msg: &str,
    ) -> Self {
        let trimmed = text.trim_start();
        let indent = text.len() - trimmed.len();
        let caret = " ".repeat(col.saturating_sub(indent));
        Error {
            kind: ErrorKind::Exception,
            message: format!("{class}: {msg}"),
            cause: None,
            frame: Some(format!(
                "  File \"{path}\", line {line}\n    {}\n    {caret}{}",
                trimmed.trim_end(),
                "^".repeat(width.max(1))
            )),
        }
    }

    /// Valid Python that the simulator does not model (a column type, an `op.` call…).
    pub fn unsupported(path: &str, line: usize, what: &str, supported: &str) -> Self {
        Error::exception(format!(
            "NotImplementedError: {path}, line {line}: {what} is outside what SchemaLab simulates (supported: {supported})"
        ))
    }

    /// `KeyError: 'DATABASE_URL'` when app.py reads an unset variable with `os.environ[…]`.
    pub fn key_error(key: &str) -> Self {
        Error::exception(format!("KeyError: '{key}'"))
    }

    /// The `migrations` folder is missing.
    pub fn path_missing(dir: &str) -> Self {
        Error::command(format!(
            "Path doesn't exist: {dir}.  Please use the 'init' command to create a new scripts folder."
        ))
    }

    /// `init` into a folder that exists and is not empty.
    pub fn directory_exists(dir: &str) -> Self {
        Error::command(format!("Directory {dir} already exists and is not empty"))
    }

    /// `migrate`/`check` while the database is behind the heads.
    pub fn not_up_to_date() -> Self {
        Error::command("Target database is not up to date.")
    }

    /// `check` found differences; `ops` is Alembic's repr of the upgrade operations.
    pub fn new_operations(ops: &str) -> Self {
        Error::command(format!("New upgrade operations detected: {ops}"))
    }

    /// `head` named while the scripts have several heads.
    pub fn multiple_heads_for(arg: &str) -> Self {
        Error::command(format!(
            "Multiple head revisions are present for given argument '{arg}'; please specify a specific target revision, '<branchname>@{arg}' to narrow to a specific head, or 'heads' for all heads"
        ))
    }

    /// `revision`/`migrate` with several heads and no `--head`.
    pub fn multiple_heads_new_revision() -> Self {
        Error::command("Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge.")
    }

    /// An id, prefix or branch label that names no revision (or several).
    pub fn cant_locate(id: &str) -> Self {
        Error::command(format!("Can't locate revision identified by '{id}'"))
    }

    /// `+N`/`-N` that walks past a head or the base.
    pub fn relative_short(spec: &str, n: i64) -> Self {
        Error::command(format!(
            "Relative revision {spec} didn't produce {n} migrations"
        ))
    }

    /// A downgrade target that is not below the current revision.
    pub fn not_downgrade_target(dest: &str) -> Self {
        Error::command(format!(
            "Destination {dest} is not a valid downgrade target from current head(s)"
        ))
    }

    /// `-1` from a merge point.
    pub fn ambiguous_walk() -> Self {
        Error::command("Ambiguous walk")
    }

    /// `revision --head X` where X is not a head.
    pub fn not_a_head(rev: &str) -> Self {
        Error::command(format!(
            "Revision {rev} is not a head revision; please specify --splice to create a new branch from this revision"
        ))
    }

    /// A cycle in `down_revision`s (a reused `--rev-id`).
    pub fn cycle(revs: &[String]) -> Self {
        Error::command(format!(
            "Cycle is detected in revisions ({})",
            revs.join(", ")
        ))
    }

    /// `--rev-id` with characters Alembic refuses (`@ - + :`).
    pub fn bad_rev_id(chars: &str, rev: &str) -> Self {
        Error::command(format!(
            "Character(s) '{chars}' not allowed in revision identifier '{rev}'"
        ))
    }

    /// `drop_constraint(None, …)` reaches SQLAlchemy's compiler, which needs a name.
    pub fn unnamed_drop(type_: Option<&str>, table: &str) -> Self {
        let kind = match type_ {
            Some("foreignkey") => "ForeignKeyConstraint",
            Some("unique") => "UniqueConstraint",
            Some("primary") => "PrimaryKeyConstraint",
            Some("check") => "CheckConstraint",
            _ => "Constraint",
        };
        Error::exception(format!(
            "sqlalchemy.exc.CompileError: Can't emit DROP CONSTRAINT for constraint {kind}(<sqlalchemy.sql.base.ReadOnlyColumnCollection object at 0x7f0000000000>, None, table=Table('{table}', MetaData(), schema=None)); it has no name"
        ))
    }

    /// `edit base`: no file to open.
    pub fn no_revision_files(spec: &str) -> Self {
        Error::command(format!("No revision files indicated by symbol '{spec}'"))
    }

    /// `downgrade --sql` without a range.
    pub fn downgrade_sql_range() -> Self {
        Error::command("downgrade with --sql requires <fromrev>:<torev>")
    }

    /// A revision file that is not a valid revision script.
    pub fn not_a_revision(path: &str) -> Self {
        Error::command(format!(
            "Could not determine revision id from filename {path}. Be sure the 'revision' variable is declared inside the script (please see 'Upgrading from Alembic 0.1 to 0.2' in the documentation)."
        ))
    }

    /// A click usage error (exit 2).
    pub fn usage(command: &str, usage_args: &str, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Usage {
                usage: format!("{command} {usage_args}"),
                command: command.to_string(),
            },
            message: message.into(),
            frame: None,
            cause: None,
        }
    }

    /// Flask cannot locate or import the application (exit 2).
    pub fn no_app(message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::NoApp,
            message: message.into(),
            frame: None,
            cause: None,
        }
    }

    /// `FLASK_APP` unset and no `app.py`/`wsgi.py`.
    pub fn cannot_locate_app() -> Self {
        Self::no_app("Could not locate a Flask application. Use the 'flask --app' option, 'FLASK_APP' environment variable, or a 'wsgi.py' or 'app.py' file in the current directory.")
    }

    /// `from models import User` when `models.py` no longer defines `User` (exit 2, as Flask
    /// reports an `ImportError` while importing the app).
    pub fn cannot_import_name(frame: &str, name: &str, module: &str, path: &str) -> Self {
        Self::no_app(format!(
            "While importing 'app', an ImportError was raised:\n\nTraceback (most recent call last):\n  File \"/usr/local/lib/python3.11/site-packages/flask/cli.py\", line 245, in locate_app\n    __import__(module_name)\n{frame}\nImportError: cannot import name '{name}' from '{module}' ({path})\n"
        ))
    }

    /// `FLASK_APP` names a module that does not exist.
    pub fn cannot_import_app(module: &str) -> Self {
        Self::no_app(format!("Could not import '{module}'."))
    }

    /// `postgresql://` with SQLAlchemy 2.1, whose default driver (psycopg 3) is not installed.
    pub fn no_psycopg(app_path: &str) -> Self {
        Self::no_app(format!(
            "While importing 'app', an ImportError was raised:\n\nTraceback (most recent call last):\n  File \"{app_path}\", line 10, in <module>\n    db = SQLAlchemy(app)\n         ^^^^^^^^^^^^^^^\nModuleNotFoundError: No module named 'psycopg'"
        ))
    }

    /// libpq could not connect: the database does not exist.
    pub fn database_missing(host: &str, port: u16, name: &str) -> Self {
        Self::connection(&format!(
            "connection to server at \"{host}\" ({}), port {port} failed: FATAL:  database \"{name}\" does not exist",
            host_address(host)
        ))
    }

    fn connection(libpq: &str) -> Self {
        let mut e = Error::exception(format!(
            "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) {libpq}\n\n(Background on this error at: https://sqlalche.me/e/21/e3q8)"
        ));
        e.cause = Some(format!(
            "{CONNECT_FRAMES}psycopg2.OperationalError: {libpq}"
        ));
        e
    }

    /// libpq could not connect: nothing listens there.
    pub fn connection_refused(host: &str, port: u16) -> Self {
        Self::connection(&format!(
            "connection to server at \"{host}\" ({}), port {port} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
            host_address(host)
        ))
    }

    /// A statement failed on the server: SQLAlchemy's wrapper around psycopg2's error,
    /// with the statement and, for parameterless DDL, no parameters line.
    pub fn database(err: &SqlError, statement: &str) -> Self {
        let code = err.code();
        let (sa_class, background) = sqlalchemy_class(code);
        let mut text = err.message.clone();
        if let Some(pos) = err.position {
            text.push('\n');
            text.push_str(&crate::sql::caret_lines(statement, pos));
        }
        if let Some(d) = &err.detail {
            text.push_str(&format!("\nDETAIL:  {d}"));
        }
        if let Some(h) = &err.hint {
            text.push_str(&format!("\nHINT:  {h}"));
        }
        let class = psycopg2_class(code);
        let mut e = Error::exception(format!(
            "sqlalchemy.exc.{sa_class}: (psycopg2.errors.{class}) {text}\n\n[SQL: {statement}]\n(Background on this error at: https://sqlalche.me/e/21/{background})"
        ));
        e.cause = Some(format!("{DBAPI_FRAMES}psycopg2.errors.{class}: {text}"));
        e
    }
}

/// The innermost frames of every statement error: SQLAlchemy handing it to psycopg2.
pub const DBAPI_FRAMES: &str = "  File \"/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/base.py\", line 1977, in _exec_single_context\n    self.dialect.do_execute(\n  File \"/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/default.py\", line 1192, in do_execute\n    cursor.execute(statement, parameters)\n";

/// The innermost frames of a failed connection: SQLAlchemy's pool calling libpq.
const CONNECT_FRAMES: &str = "  File \"/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/base.py\", line 154, in __init__\n    self._dbapi_connection = engine.raw_connection()\n                             ^^^^^^^^^^^^^^^^^^^^^^^\n  File \"/usr/local/lib/python3.11/site-packages/sqlalchemy/engine/default.py\", line 869, in connect\n    return self.loaded_dbapi.connect(*cargs, **cparams)  # type: ignore[no-any-return]  # NOQA: E501\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File \"/usr/local/lib/python3.11/site-packages/psycopg2/__init__.py\", line 122, in connect\n    conn = _connect(dsn, connection_factory=connection_factory, **kwasync)\n           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n";

fn host_address(host: &str) -> &'static str {
    if host == "localhost" {
        "127.0.0.1"
    } else {
        "::1"
    }
}

/// SQLAlchemy's wrapper class for a SQLSTATE and the code of its "Background on this error"
/// page: `("ProgrammingError", "f405")`.
pub fn sqlalchemy_class(code: &str) -> (&'static str, &'static str) {
    match code.get(..2).unwrap_or("") {
        "23" => ("IntegrityError", "gkpj"),
        "22" => ("DataError", "9h9h"),
        "42" | "3F" => ("ProgrammingError", "f405"),
        "0A" => ("NotSupportedError", "tw8g"),
        "2B" | "25" | "XX" => ("InternalError", "2j85"),
        _ => ("OperationalError", "e3q8"),
    }
}

/// psycopg2's exception class for a SQLSTATE (`psycopg2.errors.<Class>`).
pub fn psycopg2_class(code: &str) -> &'static str {
    match code {
        "42P07" => "DuplicateTable",
        "42701" => "DuplicateColumn",
        "42710" => "DuplicateObject",
        "42P06" => "DuplicateSchema",
        "23502" => "NotNullViolation",
        "23505" => "UniqueViolation",
        "23503" => "ForeignKeyViolation",
        "23514" => "CheckViolation",
        "42703" => "UndefinedColumn",
        "42P01" => "UndefinedTable",
        "42704" => "UndefinedObject",
        "42883" => "UndefinedFunction",
        "42601" => "SyntaxError",
        "42804" => "DatatypeMismatch",
        "42846" => "CannotCoerce",
        "42P16" => "InvalidTableDefinition",
        "42830" => "InvalidForeignKey",
        "42P10" => "InvalidColumnReference",
        "2BP01" => "DependentObjectsStillExist",
        "22P02" => "InvalidTextRepresentation",
        "22001" => "StringDataRightTruncation",
        "22003" => "NumericValueOutOfRange",
        "22007" => "InvalidDatetimeFormat",
        "22008" => "DatetimeFieldOverflow",
        "22012" => "DivisionByZero",
        "25P02" => "InFailedSqlTransaction",
        "3F000" => "InvalidSchemaName",
        "42501" => "InsufficientPrivilege",
        "54001" => "StatementTooComplex",
        "0A000" => "FeatureNotSupported",
        _ => "Error",
    }
}

//! psql, the PostgreSQL client: one-shot (`psql app -c "…"`), scripted
//! (`psql app < file`, a here-document) and interactive (`psql app` takes
//! over the terminal until `\q`), printing exactly what psql 15 prints.
//!
//! The client owns only what a real psql owns: the database it is connected
//! to, its query buffer and its display settings. The data lives in the
//! machine's PostgreSQL cluster (`Machine::postgres`).

pub mod format;
mod meta;
pub mod scan;

use crate::sql::{Cluster, QueryResult, SqlError, TxStatus};
use crate::world::output::{Output, Stream};

use format::Table;
use scan::{Piece, Scanner};

/// The server version psql reports in its banner (the recordings' version).
pub const SERVER_VERSION: &str = "15.18 (Debian 15.18-0+deb12u1)";
/// The socket psql connects to when no host is given.
pub const SOCKET: &str = "/var/run/postgresql/.s.PGSQL.5432";

/// One psql process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// The database connected to; it exists in the cluster when the client runs.
    pub database: String,
    /// The user connected as.
    pub user: String,
    scanner: Scanner,
    expanded: bool,
    /// `Some(name)` when reading a script: errors get `psql:NAME:LINE: `.
    script: Option<String>,
    line: usize,
    /// Set when a statement failed (for `-c`'s exit status).
    pub failed: bool,
}

/// What one input line did to the client.
pub enum Flow {
    /// Keep reading.
    Continue,
    /// `\q`, `exit` or `quit`: the client ends.
    Quit,
}

/// The connection failure psql prints, and exits 2 with.
pub fn connection_error(database: &str) -> String {
    format!(
        "psql: error: connection to server on socket \"{SOCKET}\" failed: FATAL:  database \"{database}\" does not exist\n"
    )
}

impl Client {
    /// A client connected to `database`; `script` names the input for error
    /// prefixes when it is not a terminal.
    pub fn new(database: &str, user: &str, script: Option<String>) -> Self {
        Client {
            database: database.to_string(),
            user: user.to_string(),
            scanner: Scanner::default(),
            expanded: false,
            script,
            line: 0,
            failed: false,
        }
    }

    /// psql's greeting when it starts on a terminal.
    pub fn banner() -> String {
        format!("psql ({SERVER_VERSION})\nType \"help\" for help.\n\n")
    }

    /// The prompt: `app=#`, `app-#`, `app=*#`, `app=!#`, `app'#`.
    pub fn prompt(&self, cluster: &Cluster) -> String {
        let tx = match cluster.session(&self.database).map(|s| s.in_transaction()) {
            Some(TxStatus::InTransaction) => "*",
            Some(TxStatus::Failed) => "!",
            _ => "",
        };
        format!("{}{}{tx}# ", self.database, self.scanner.state_char())
    }

    /// Runs one line of input.
    pub fn input(&mut self, cluster: &mut Cluster, line: &str, out: &mut Output) -> Flow {
        self.line += 1;
        let trimmed = line.trim();
        if self.scanner.buffer.is_empty() && matches!(trimmed, "exit" | "quit" | "\\q") {
            return Flow::Quit;
        }
        if self.scanner.buffer.is_empty() && trimmed == "help" {
            out.push(Stream::Stdout, HELP);
            return Flow::Continue;
        }
        for piece in self.scanner.feed(line) {
            match piece {
                Piece::Sql(statement) => self.run_sql(cluster, &statement, out),
                Piece::Meta(command) => {
                    if let Flow::Quit = self.meta(cluster, &command, out) {
                        return Flow::Quit;
                    }
                }
            }
        }
        Flow::Continue
    }

    /// Runs a `-c` string: every statement in it, as one simple query.
    pub fn command(&mut self, cluster: &mut Cluster, text: &str, out: &mut Output) {
        if let Some(meta) = text.trim_start().strip_prefix('\\') {
            self.meta(cluster, meta, out);
            return;
        }
        let Some(session) = cluster.session_mut(&self.database) else {
            return;
        };
        session.set_user(&self.user);
        for result in session.execute_script(text) {
            let failed = result.is_err();
            self.report(result, text, out);
            if failed {
                break;
            }
        }
    }

    /// Ends the connection: an open transaction is rolled back.
    pub fn disconnect(&mut self, cluster: &mut Cluster) {
        if let Some(session) = cluster.session_mut(&self.database) {
            session.disconnect();
        }
    }

    fn run_sql(&mut self, cluster: &mut Cluster, statement: &str, out: &mut Output) {
        let Some(session) = cluster.session_mut(&self.database) else {
            out.push(
                Stream::Stderr,
                "FATAL:  terminating connection because the database was dropped\n",
            );
            return;
        };
        // The statement runs as the role psql connected as (current_user, FROM user).
        session.set_user(&self.user);
        let result = session.execute(statement);
        self.report(result, statement, out);
    }

    fn prefix(&self) -> String {
        match &self.script {
            Some(name) => format!("psql:{name}:{}: ", self.line),
            None => String::new(),
        }
    }

    fn report(&mut self, result: Result<QueryResult, SqlError>, statement: &str, out: &mut Output) {
        let prefix = self.prefix();
        match result {
            Ok(result) => {
                for notice in &result.notices {
                    out.push(
                        Stream::Stderr,
                        &format!("{prefix}{}:  {}\n", notice.severity, notice.message),
                    );
                }
                match &result.rows {
                    Some(rows) => {
                        let table = Table {
                            title: None,
                            columns: result.columns.iter().map(|c| c.name.as_str()).collect(),
                            right: result.columns.iter().map(|c| c.numeric).collect(),
                            rows,
                        };
                        let text = if self.expanded {
                            format::expanded(&table)
                        } else {
                            format::aligned(&table, true)
                        };
                        out.push(Stream::Stdout, &text);
                    }
                    None => out.push(Stream::Stdout, &format!("{}\n", result.tag)),
                }
            }
            Err(error) => {
                self.failed = true;
                for notice in &error.notices {
                    out.push(
                        Stream::Stderr,
                        &format!("{prefix}{}:  {}\n", notice.severity, notice.message),
                    );
                }
                out.push(
                    Stream::Stderr,
                    &format!("{prefix}{}\n", error.psql_report(statement)),
                );
            }
        }
    }
}

const HELP: &str = "You are using psql, the command-line interface to PostgreSQL.
Type:  \\copyright for distribution terms
       \\h for help with SQL commands
       \\? for help with psql commands
       \\g or terminate with semicolon to execute query
       \\q to quit
";

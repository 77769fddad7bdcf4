//! [`Session`]: one connection to one database — the single entry point that runs a statement.
//!
//! Invariants:
//! * a failed statement leaves the database exactly as before it (its undo log is replayed);
//! * inside BEGIN an error puts the session in the aborted state, where only ROLLBACK,
//!   COMMIT/END (answered `ROLLBACK`) and ROLLBACK TO SAVEPOINT are processed;
//! * errors leave this module with 1-based *character* positions.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::ast::Statement;
use super::catalog::Catalog;
use super::error::{Notice, SqlError};
use super::eval::SeqMemory;
use super::exec_select::run_query;
use super::parser;
use super::plan::{OutCol, Planner};
use super::types::Value;
use super::{exec_ddl, exec_dml};

/// psql's view of the connection's transaction state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TxStatus {
    /// Autocommit, no open transaction (psql prompt `=#`).
    #[default]
    Idle,
    /// Inside BEGIN (prompt `*#`).
    InTransaction,
    /// Inside a failed transaction block (prompt `!#`).
    Failed,
}

/// A result column as psql needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnInfo {
    /// Column name as the result names it.
    pub name: String,
    /// Type as psql's `\d` shows it (`character varying(80)`).
    pub type_name: String,
    /// psql right-aligns numeric columns.
    pub numeric: bool,
}

/// The outcome of a successful statement.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct QueryResult {
    /// PostgreSQL's command tag (`INSERT 0 1`, `SELECT 3`, `CREATE TABLE`).
    pub tag: String,
    /// Result columns (empty unless `rows` is Some).
    pub columns: Vec<ColumnInfo>,
    /// Result rows in PostgreSQL text format (None for statements without a result set).
    pub rows: Option<Vec<Vec<Option<String>>>>,
    /// NOTICE / WARNING messages, in order.
    pub notices: Vec<Notice>,
    /// Rows inserted, updated or deleted (0 for other statements).
    pub rows_affected: u64,
    /// Tables whose rows or definition the statement changed (`schema.table` names).
    pub changed_tables: Vec<String>,
}

impl QueryResult {
    /// A result with only a tag.
    pub fn tag(tag: impl Into<String>) -> Self {
        QueryResult {
            tag: tag.into(),
            ..Default::default()
        }
    }

    /// A tag with notices.
    pub fn with_notices(mut self, notices: Vec<Notice>) -> Self {
        self.notices = notices;
        self
    }

    /// A DML result, with RETURNING rows when present.
    pub fn dml(
        tag: String,
        count: u64,
        table: String,
        ret: Option<(Vec<OutCol>, Vec<Vec<Value>>)>,
    ) -> Self {
        let mut r = QueryResult {
            tag,
            rows_affected: count,
            changed_tables: vec![table],
            ..Default::default()
        };
        if let Some((cols, rows)) = ret {
            r.set_rows(&cols, rows);
        }
        r
    }

    /// Sets the result set from typed columns and values.
    pub fn set_rows(&mut self, cols: &[OutCol], rows: Vec<Vec<Value>>) {
        self.columns = cols
            .iter()
            .map(|c| ColumnInfo {
                name: c.name.clone(),
                type_name: c.ty.display(),
                numeric: c.ty.is_numeric(),
            })
            .collect();
        self.rows = Some(
            rows.into_iter()
                .map(|r| r.iter().map(Value::to_text).collect())
                .collect(),
        );
    }
}

/// What a statement executor may touch.
pub struct ExecCtx<'a> {
    /// The database.
    pub cat: &'a mut Catalog,
    /// Effective search path (existing or not; `$user` dropped).
    pub search_path: &'a [String],
    /// Session clock.
    pub clock: i64,
    /// Database name.
    pub database: &'a str,
    /// The connected role, for current_user.
    pub user: &'a str,
    /// currval() memory.
    pub currval: &'a RefCell<SeqMemory>,
    /// Notices raised so far.
    pub notices: Vec<Notice>,
    /// The first existing schema of the search path when the statement started
    /// (`current_schema()`), computed once rather than per row.
    pub current_schema: Option<&'a str>,
}

/// 2025-01-01 12:00:00 UTC: the default session clock (no host clock in the engine).
const DEFAULT_CLOCK: i64 = 1_735_732_800_000_000;

/// One connection to one database that it owns: catalog, data and connection state.
#[derive(Clone, Debug)]
pub struct Session {
    catalog: Catalog,
    tx: TxStatus,
    savepoints: Vec<(String, usize, BTreeMap<String, String>)>,
    settings: BTreeMap<String, String>,
    tx_settings: Option<BTreeMap<String, String>>,
    clock: i64,
    database: String,
    /// The role connected (`current_user`, `SELECT * FROM user`).
    user: String,
    currval: RefCell<SeqMemory>,
    /// The effective search path, recomputed whenever settings change.
    path: Vec<String>,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            catalog: Catalog::default(),
            tx: TxStatus::Idle,
            savepoints: Vec::new(),
            settings: BTreeMap::new(),
            tx_settings: None,
            clock: DEFAULT_CLOCK,
            database: "postgres".into(),
            user: "postgres".into(),
            currval: RefCell::new(SeqMemory::default()),
            path: vec!["public".to_string()],
        }
    }
}

fn default_setting(name: &str) -> Option<&'static str> {
    Some(match name {
        "search_path" => "\"$user\", public",
        "timezone" => "UTC",
        "datestyle" => "ISO, MDY",
        "intervalstyle" => "postgres",
        "client_encoding" => "UTF8",
        "server_encoding" => "UTF8",
        "server_version" => "15.18",
        "server_version_num" => "150018",
        "standard_conforming_strings" => "on",
        "client_min_messages" => "notice",
        "extra_float_digits" => "1",
        "application_name" => "psql",
        "lc_messages" => "C.UTF-8",
        "default_transaction_isolation" => "read committed",
        "transaction_isolation" => "read committed",
        "statement_timeout" => "0",
        "lock_timeout" => "0",
        "max_connections" => "100",
        "work_mem" => "4MB",
        "bytea_output" => "hex",
        "is_superuser" => "off",
        "integer_datetimes" => "on",
        _ => return None,
    })
}

/// Converts a 1-based byte position into PostgreSQL's 1-based character position.
fn char_position(sql: &str, byte_pos: usize) -> usize {
    let b = byte_pos.saturating_sub(1).min(sql.len());
    let mut b = b;
    while b > 0 && !sql.is_char_boundary(b) {
        b -= 1;
    }
    sql[..b].chars().count() + 1
}

impl Session {
    /// A fresh, empty database with the schema `public`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A fresh database named `database` (for `current_database()`).
    pub fn with_database(database: &str) -> Self {
        Session {
            database: database.to_string(),
            ..Self::default()
        }
    }

    /// The catalog, read-only (for explorers and psql's `\d`).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The database name.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// Connects as `user`: what `current_user`, `session_user` and `user` return
    /// (`postgres` until a client says otherwise).
    pub fn set_user(&mut self, user: &str) {
        self.user = user.to_string();
    }

    /// The transaction state psql shows in its prompt.
    pub fn in_transaction(&self) -> TxStatus {
        self.tx
    }

    /// Records an error raised outside the session (e.g. by the cluster for CREATE DATABASE):
    /// inside a transaction block it aborts the transaction, as any failed statement does.
    pub fn abort_with(&mut self, _error: SqlError) {
        if self.tx == TxStatus::InTransaction {
            self.tx = TxStatus::Failed;
        }
    }

    /// Sets the clock that now() / CURRENT_TIMESTAMP return (microseconds since 1970, UTC).
    pub fn set_clock(&mut self, micros: i64) {
        self.clock = micros;
    }

    /// Closes the connection: rolls back an open transaction and resets session settings.
    pub fn disconnect(&mut self) {
        if self.tx != TxStatus::Idle {
            self.catalog.rollback_to(0);
        }
        self.catalog.forget_undo();
        self.tx = TxStatus::Idle;
        self.savepoints.clear();
        self.settings.clear();
        self.settings_changed();
        self.tx_settings = None;
        *self.currval.borrow_mut() = SeqMemory::default();
    }

    /// The value of a setting as SHOW prints it.
    pub fn setting(&self, name: &str) -> Option<String> {
        self.settings
            .get(name)
            .cloned()
            .or_else(|| default_setting(name).map(str::to_string))
    }

    /// The effective search path: schema names in order, `$user` left out.
    pub fn search_path(&self) -> Vec<String> {
        self.path.clone()
    }

    fn settings_changed(&mut self) {
        self.path = self.compute_search_path();
    }

    fn compute_search_path(&self) -> Vec<String> {
        let raw = self.setting("search_path").unwrap_or_default();
        raw.split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty() && s != "$user")
            .collect()
    }

    /// Runs a script the way psql does with `-c` or `-f`: statements split on `;` outside
    /// quotes and comments, each run in turn.
    pub fn execute_script(&mut self, sql: &str) -> Vec<Result<QueryResult, SqlError>> {
        split_statements(sql)
            .into_iter()
            .map(|s| self.execute(&s))
            .collect()
    }

    /// Runs one statement (a trailing `;` is optional).
    pub fn execute(&mut self, sql: &str) -> Result<QueryResult, SqlError> {
        let _stack = super::stack::enter();
        let r = self.execute_inner(sql);
        r.map_err(|mut e| {
            if let Some(p) = e.position {
                e.position = Some(char_position(sql, p));
            }
            e
        })
    }

    fn execute_inner(&mut self, sql: &str) -> Result<QueryResult, SqlError> {
        let mut stmt = match parser::parse(sql) {
            Ok(s) => s,
            Err(e) => {
                if self.tx == TxStatus::InTransaction {
                    self.tx = TxStatus::Failed;
                }
                return Err(e);
            }
        };
        if self.tx == TxStatus::Failed
            && !matches!(
                stmt,
                Statement::Commit { .. } | Statement::Rollback { .. } | Statement::RollbackTo(_)
            )
        {
            return Err(SqlError::in_failed_transaction());
        }
        match &stmt {
            Statement::Begin { tag } => return Ok(self.begin(tag)),
            Statement::Commit { chain } => return self.end_transaction(true, *chain),
            Statement::Rollback { chain } => return self.end_transaction(false, *chain),
            Statement::Savepoint(n) => return self.tx_command(|s| s.savepoint(n), "SAVEPOINT"),
            Statement::Release(n) => return self.tx_command(|s| s.release(n), "RELEASE SAVEPOINT"),
            Statement::RollbackTo(n) => {
                return self.tx_command(|s| s.rollback_to(n), "ROLLBACK TO SAVEPOINT")
            }
            _ => {}
        }
        let mark = self.catalog.mark();
        let r = self.run(&mut stmt);
        match r {
            Ok(res) => {
                if self.tx == TxStatus::Idle {
                    self.catalog.forget_undo();
                }
                Ok(res)
            }
            Err(e) => {
                self.catalog.rollback_to(mark);
                if self.tx == TxStatus::Idle {
                    self.catalog.forget_undo();
                } else {
                    self.tx = TxStatus::Failed;
                }
                Err(e)
            }
        }
    }

    fn tx_command(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<QueryResult, SqlError>,
        name: &str,
    ) -> Result<QueryResult, SqlError> {
        if self.tx == TxStatus::Idle {
            return Err(SqlError::no_transaction_block(name));
        }
        let r = f(self);
        if r.is_err() {
            self.tx = TxStatus::Failed;
        }
        r
    }

    fn begin(&mut self, tag: &str) -> QueryResult {
        if self.tx != TxStatus::Idle {
            return QueryResult::tag(tag).with_notices(vec![Notice::new_warning(
                "there is already a transaction in progress",
            )]);
        }
        self.catalog.forget_undo();
        self.tx = TxStatus::InTransaction;
        self.savepoints.clear();
        self.tx_settings = Some(self.settings.clone());
        QueryResult::tag(tag)
    }

    /// COMMIT (`commit`) or ROLLBACK; with `AND CHAIN` the next transaction starts at once,
    /// which PostgreSQL refuses outside a transaction block.
    fn end_transaction(&mut self, commit: bool, chain: bool) -> Result<QueryResult, SqlError> {
        if chain && self.tx == TxStatus::Idle {
            let verb = if commit { "COMMIT" } else { "ROLLBACK" };
            return Err(SqlError::no_transaction_block(&format!("{verb} AND CHAIN")));
        }
        let r = if commit {
            self.commit()
        } else {
            self.rollback()
        };
        if chain {
            self.begin("BEGIN");
        }
        Ok(r)
    }

    fn commit(&mut self) -> QueryResult {
        match self.tx {
            TxStatus::Idle => QueryResult::tag("COMMIT").with_notices(vec![Notice::new_warning(
                "there is no transaction in progress",
            )]),
            TxStatus::InTransaction => {
                self.catalog.forget_undo();
                self.tx = TxStatus::Idle;
                self.savepoints.clear();
                self.tx_settings = None;
                QueryResult::tag("COMMIT")
            }
            TxStatus::Failed => {
                self.abort_all();
                QueryResult::tag("ROLLBACK")
            }
        }
    }

    fn abort_all(&mut self) {
        self.catalog.rollback_to(0);
        self.catalog.forget_undo();
        self.tx = TxStatus::Idle;
        self.savepoints.clear();
        if let Some(s) = self.tx_settings.take() {
            self.settings = s;
            self.settings_changed();
        }
    }

    fn rollback(&mut self) -> QueryResult {
        if self.tx == TxStatus::Idle {
            return QueryResult::tag("ROLLBACK").with_notices(vec![Notice::new_warning(
                "there is no transaction in progress",
            )]);
        }
        self.abort_all();
        QueryResult::tag("ROLLBACK")
    }

    fn savepoint(&mut self, name: &str) -> Result<QueryResult, SqlError> {
        self.savepoints
            .push((name.to_string(), self.catalog.mark(), self.settings.clone()));
        Ok(QueryResult::tag("SAVEPOINT"))
    }

    fn release(&mut self, name: &str) -> Result<QueryResult, SqlError> {
        match self.savepoints.iter().rposition(|(n, _, _)| n == name) {
            Some(i) => {
                self.savepoints.truncate(i);
                Ok(QueryResult::tag("RELEASE"))
            }
            None => Err(SqlError::undefined_savepoint(name)),
        }
    }

    fn rollback_to(&mut self, name: &str) -> Result<QueryResult, SqlError> {
        match self.savepoints.iter().rposition(|(n, _, _)| n == name) {
            Some(i) => {
                let (_, mark, settings) = self.savepoints[i].clone();
                self.catalog.rollback_to(mark);
                self.savepoints.truncate(i + 1);
                self.settings = settings;
                self.settings_changed();
                self.tx = TxStatus::InTransaction;
                Ok(QueryResult::tag("ROLLBACK"))
            }
            None => Err(SqlError::undefined_savepoint(name)),
        }
    }

    /// Runs a statement other than transaction control; an INSERT consumes its VALUES.
    fn run(&mut self, stmt: &mut Statement) -> Result<QueryResult, SqlError> {
        let search_path: &[String] = &self.path;
        match stmt {
            Statement::Empty => Ok(QueryResult::tag("")),
            Statement::Set { name, values } => self.set(name, values),
            Statement::Show(name) => self.show(name),
            Statement::Reset(name) => self.reset(name),
            Statement::CreateDatabase(_) | Statement::DropDatabase { .. } => Err(
                SqlError::not_supported("CREATE/DROP DATABASE inside a session (use the cluster)"),
            ),
            Statement::Select(q) => self.select(q),
            other => {
                let current_schema = search_path
                    .iter()
                    .find(|s| self.catalog.has_schema(s))
                    .map(|s| s.as_str());
                let mut ctx = ExecCtx {
                    current_schema,
                    cat: &mut self.catalog,
                    search_path,
                    clock: self.clock,
                    database: &self.database,
                    user: &self.user,
                    currval: &self.currval,
                    notices: Vec::new(),
                };
                let r = match other {
                    Statement::Insert(i) => exec_dml::insert(&mut ctx, i),
                    Statement::Update(u) => exec_dml::update(&mut ctx, u),
                    Statement::Delete(d) => exec_dml::delete(&mut ctx, d),
                    _ => exec_ddl::execute(&mut ctx, other),
                };
                let notices = std::mem::take(&mut ctx.notices);
                match r {
                    Ok(mut res) => {
                        let mut all = notices;
                        all.append(&mut res.notices);
                        res.notices = all;
                        Ok(res)
                    }
                    Err(mut e) => {
                        let mut all = notices;
                        all.append(&mut e.notices);
                        e.notices = all;
                        Err(e)
                    }
                }
            }
        }
    }

    /// SELECT: plan, fold constants, run. Kept out of line, as are the other statements'
    /// arms, so that the function every INSERT passes through stays small: the browser's
    /// optimising compiler takes longer to reach a large function.
    #[inline(never)]
    fn select(&mut self, q: &mut super::ast::Query) -> Result<QueryResult, SqlError> {
        let search_path: &[String] = &self.path;
        let mut plan = {
            let mut p = Planner::new(&self.catalog, search_path);
            p.plan_query(q)?
        };
        let env = super::eval::Env {
            cat: &self.catalog,
            clock: self.clock,
            database: &self.database,
            user: &self.user,
            schema: search_path
                .iter()
                .find(|s| self.catalog.has_schema(s))
                .map(|s| s.as_str()),
            outer: Vec::new(),
            aggs: Vec::new(),
            currval: &self.currval,
        };
        super::fold::fold_plan(&mut plan, &env)?;
        let rows = run_query(&plan, &env)?;
        let mut r = QueryResult::tag(format!("SELECT {}", rows.len()));
        r.set_rows(&plan.columns, rows);
        Ok(r)
    }

    #[inline(never)]
    fn reset(&mut self, name: &str) -> Result<QueryResult, SqlError> {
        if name == "all" {
            self.settings.clear();
            self.settings_changed();
        } else if default_setting(name).is_none() {
            return Err(SqlError::unknown_parameter(name));
        } else {
            self.settings.remove(name);
            self.settings_changed();
        }
        Ok(QueryResult::tag("RESET"))
    }

    #[inline(never)]
    fn set(&mut self, name: &str, values: &[String]) -> Result<QueryResult, SqlError> {
        if default_setting(name).is_none() {
            return Err(SqlError::unknown_parameter(name));
        }
        if values.is_empty() {
            self.settings.remove(name);
            self.settings_changed();
            return Ok(QueryResult::tag("SET"));
        }
        let v = if name == "search_path" {
            values
                .iter()
                .map(|v| {
                    let plain = !v.is_empty()
                        && v.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                        && !v.starts_with(|c: char| c.is_ascii_digit());
                    if plain {
                        v.clone()
                    } else {
                        format!("\"{}\"", v.replace('"', "\"\""))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            values.join(", ")
        };
        self.settings.insert(name.to_string(), v);
        self.settings_changed();
        Ok(QueryResult::tag("SET"))
    }

    #[inline(never)]
    fn show(&mut self, name: &str) -> Result<QueryResult, SqlError> {
        let mut r = QueryResult::tag("SHOW");
        if name == "all" {
            return Err(SqlError::not_supported("SHOW ALL"));
        }
        let v = self
            .setting(name)
            .ok_or_else(|| SqlError::unknown_parameter(name))?;
        let col = match name {
            "timezone" => "TimeZone",
            "datestyle" => "DateStyle",
            "intervalstyle" => "IntervalStyle",
            other => other,
        };
        r.set_rows(
            &[OutCol {
                name: col.to_string(),
                ty: super::types::SqlType::Text,
            }],
            vec![vec![Value::Text(v)]],
        );
        Ok(r)
    }
}

/// Splits SQL text into statements on `;` outside quotes, identifiers and comments (psql's
/// rule); each statement keeps its `;`. Blank pieces are dropped.
pub fn split_statements(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut depth = 0i32;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                let q = b[i];
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if i + 1 < b.len() && b[i + 1] == q {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' => depth += 1,
            b')' => depth -= 1,
            b';' if depth <= 0 => {
                let piece = &sql[start..=i];
                if !is_blank(piece) {
                    out.push(piece.trim().to_string());
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < sql.len() {
        let piece = &sql[start..];
        if !is_blank(piece) {
            out.push(piece.trim().to_string());
        }
    }
    out
}

fn is_blank(s: &str) -> bool {
    let mut t = s.trim();
    while let Some(rest) = t.strip_prefix("--") {
        t = rest.split_once('\n').map_or("", |(_, r)| r).trim();
    }
    t.is_empty() || t == ";"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_object_errors_carry_no_position() {
        // Recorded from PostgreSQL 15: these errors have no statement position (so clients
        // print no LINE excerpt), unlike a repeated column in an INSERT's target list.
        let mut s = Session::new();
        s.execute("CREATE TABLE t (a integer)").expect("create");
        for sql in [
            "CREATE TABLE t (a integer)",
            "CREATE TABLE u (a integer, a integer)",
            "ALTER TABLE t ADD COLUMN a integer",
            "CREATE SEQUENCE t",
            "CREATE INDEX t ON t (a)",
            "ALTER TABLE t RENAME COLUMN a TO a",
        ] {
            let e = s.execute(sql).expect_err(sql);
            assert_eq!(e.position, None, "{sql}: {}", e.message);
        }
        let e = s
            .execute("INSERT INTO t (a, a) VALUES (1, 2)")
            .expect_err("insert");
        assert_eq!(e.position, Some(19));
    }

    /// The value of a one-row, one-column answer.
    fn one(s: &mut Session, sql: &str) -> String {
        let r = s.execute(sql).expect(sql);
        let rows = r.rows.expect(sql);
        rows[0][0].clone().unwrap_or_default()
    }

    #[test]
    fn rolling_back_a_bulk_load_frees_its_keys_and_keeps_the_rest() {
        // Long runs of INSERTs are undone a whole index at a time (Catalog::undo_insert_run);
        // short ones, and runs broken by other changes, row by row: both must agree.
        for (before, bulk, savepoint) in [
            (10, 300, false),
            (10, 3, false),
            (1000, 300, true),
            (0, 600, false),
        ] {
            let mut s = Session::new();
            s.execute("CREATE TABLE t (id serial PRIMARY KEY, email text UNIQUE)")
                .expect("create");
            for i in 0..before {
                s.execute(&format!("INSERT INTO t (email) VALUES ('a{i}')"))
                    .expect("insert before");
            }
            s.execute("BEGIN").expect("begin");
            if savepoint {
                s.execute("INSERT INTO t (email) VALUES ('kept')")
                    .expect("kept");
                s.execute("SAVEPOINT p").expect("savepoint");
            }
            for i in 0..bulk {
                s.execute(&format!("INSERT INTO t (email) VALUES ('b{i}')"))
                    .expect("insert in transaction");
            }
            let err = s
                .execute("INSERT INTO t (email) VALUES ('b0')")
                .expect_err("duplicate");
            assert_eq!(err.code(), "23505");
            let undo = if savepoint {
                "ROLLBACK TO SAVEPOINT p"
            } else {
                "ROLLBACK"
            };
            s.execute(undo).expect("rollback");
            if savepoint {
                s.execute("COMMIT").expect("commit");
                assert_eq!(
                    one(&mut s, "SELECT count(*) FROM t WHERE email = 'kept'"),
                    "1"
                );
            }
            let kept = usize::from(savepoint);
            assert_eq!(
                one(&mut s, "SELECT count(*) FROM t"),
                (before + kept).to_string()
            );
            // The rolled-back keys are free again; the earlier rows are still found by key.
            s.execute("INSERT INTO t (email) VALUES ('b0')")
                .expect("b0 again");
            if before > 0 {
                let last = before - 1;
                let id = one(&mut s, &format!("SELECT id FROM t WHERE email = 'a{last}'"));
                assert_eq!(
                    one(&mut s, &format!("SELECT email FROM t WHERE id = {id}")),
                    format!("a{last}")
                );
                let err = s
                    .execute(&format!("INSERT INTO t (email) VALUES ('a{last}')"))
                    .expect_err("dup");
                assert_eq!(err.code(), "23505");
            }
        }
    }

    #[test]
    fn scripts_split_like_psql() {
        for (sql, n) in [
            ("SELECT 1; SELECT 2;", 2),
            ("SELECT ';'; -- a; comment\nSELECT 2", 2),
            ("  ;  ", 0),
            ("SELECT '(' ; SELECT 1", 2),
        ] {
            assert_eq!(split_statements(sql).len(), n, "{sql}");
        }
    }

    #[test]
    fn text_concatenated_with_integers() {
        let mut s = Session::new();
        s.execute("CREATE TABLE t (id integer, big bigint)")
            .expect("create");
        s.execute("INSERT INTO t VALUES (42, -9000000000), (NULL, NULL)")
            .expect("insert");
        let r = s
            .execute("SELECT 'p' || id, 'q' || big, id || 'r' FROM t")
            .expect("select");
        assert_eq!(
            r.rows,
            Some(vec![
                vec![
                    Some("p42".to_string()),
                    Some("q-9000000000".to_string()),
                    Some("42r".to_string())
                ],
                vec![None, None, None]
            ])
        );
    }

    #[test]
    fn introspection_shows_what_psql_describes() {
        let mut s = Session::new();
        for stmt in [
            "CREATE TABLE orgs (id serial PRIMARY KEY, name varchar(80) NOT NULL UNIQUE)",
            "CREATE TABLE users (id serial PRIMARY KEY, org_id integer REFERENCES orgs(id) ON DELETE CASCADE, age integer CHECK (age >= 0), role text DEFAULT 'member')",
            "INSERT INTO orgs (name) VALUES ('acme')",
        ] {
            s.execute(stmt).expect(stmt);
        }
        let cat = s.catalog();
        let users = cat.find_table("public", "users").expect("users");
        let cols: Vec<(String, String, bool, Option<String>)> = users
            .meta
            .columns
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.ty.display(),
                    c.not_null,
                    c.default.as_ref().map(|d| d.text.clone()),
                )
            })
            .collect();
        assert_eq!(
            cols[0],
            (
                "id".into(),
                "integer".into(),
                true,
                Some("nextval('users_id_seq'::regclass)".into())
            )
        );
        assert_eq!(
            cols[3],
            (
                "role".into(),
                "text".into(),
                false,
                Some("'member'::text".into())
            )
        );
        let defs: Vec<String> = users
            .meta
            .constraints
            .iter()
            .map(|c| format!("{} {}", c.name, cat.constraint_def(&users.meta, c)))
            .collect();
        assert_eq!(
            defs,
            [
                "users_pkey PRIMARY KEY (id)",
                "users_age_check CHECK ((age >= 0))",
                "users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE CASCADE"
            ]
        );
        let orgs = cat.find_table("public", "orgs").expect("orgs");
        assert_eq!(orgs.meta.columns[1].ty.display(), "character varying(80)");
        assert_eq!(
            orgs.rows_text(),
            vec![vec![Some("1".to_string()), Some("acme".to_string())]]
        );
        let idx: Vec<String> = cat.indexes().into_iter().map(|i| i.3).collect();
        assert!(idx.contains(
            &"CREATE UNIQUE INDEX orgs_name_key ON public.orgs USING btree (name)".to_string()
        ));
        assert_eq!(
            cat.sequences()
                .iter()
                .map(|q| q.name.clone())
                .collect::<Vec<_>>(),
            ["orgs_id_seq", "users_id_seq"]
        );
        let r = s.execute("SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'orgs' ORDER BY ordinal_position").expect("information_schema");
        assert_eq!(r.rows.map(|r| r.len()), Some(2));
    }
}

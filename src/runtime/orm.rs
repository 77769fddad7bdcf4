//! [`Orm`]: SQLAlchemy 2.1's `Session` as Flask-SQLAlchemy 3.1 scopes it, over the engine.
//!
//! * `add` makes an object *pending*: no SQL.
//! * A flush (on `commit()`, or before a query: autoflush) sends one `INSERT … RETURNING` per
//!   object, or one batched "insertmanyvalues" INSERT for several objects of a model, with every
//!   model column but an autoincrement key; the first SQL of a transaction checks a connection
//!   out of the pool and begins (`BEGIN (implicit)`).
//! * A failed flush rolls the transaction back at once and leaves the session *inactive*:
//!   everything but `rollback()` raises `PendingRollbackError` until then. A failed query
//!   leaves the server's transaction aborted (`InFailedSqlTransaction` for the next statement).
//! * `commit()` expires every object: the next attribute read loads the row again.
//! * `close()` (Flask-SQLAlchemy's `session.remove()` at teardown) rolls back what is open and
//!   returns the connection to the pool.
//!
//! Each step is recorded as a [`Step`] for the request's journey.

use std::collections::BTreeMap;

use crate::migrate::{create_all_statements, BaseType, ColumnDef, Model};
use crate::sql::{Cluster, QueryResult, SqlError};

use super::exc::{self, frames, PyErr, Sent};
use super::process::{Step, StepKind};
use super::value::{repr_float, repr_str, ObjId, Value};

/// Where the app's engine connects: `postgresql+psycopg2://host:port/database`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The URL as configured (`db` reprs as `<SQLAlchemy URL>`).
    pub url: String,
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Database name.
    pub database: String,
}

impl Target {
    /// Reads a database URL; `None` when it is not one.
    pub fn parse(url: &str) -> Option<Target> {
        let (_, rest) = url.split_once("://")?;
        let hostpart = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        let (hostport, database) = hostpart.split_once('/').unwrap_or((hostpart, ""));
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), p.parse().ok()?),
            None => (hostport.to_string(), 5432),
        };
        Some(Target {
            url: url.to_string(),
            host: if host.is_empty() {
                "localhost".into()
            } else {
                host
            },
            port,
            database: database.split('?').next().unwrap_or("").to_string(),
        })
    }

    /// libpq's complaint when connecting fails, if it does.
    fn connect_error(&self, cluster: &Cluster) -> Option<String> {
        let address = if self.host == "localhost" {
            "127.0.0.1"
        } else {
            "::1"
        };
        let local = matches!(self.host.as_str(), "localhost" | "127.0.0.1");
        if !local || self.port != 5432 {
            return Some(format!(
                "connection to server at \"{}\" ({address}), port {} failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
                self.host, self.port
            ));
        }
        let name = if self.database.is_empty() {
            "learner"
        } else {
            &self.database
        };
        cluster.session(name).is_none().then(|| {
            format!(
                "connection to server at \"{}\" ({address}), port {} failed: FATAL:  database \"{name}\" does not exist",
                self.host, self.port
            )
        })
    }
}

/// Where an object stands with the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Made, never added.
    Transient,
    /// Added, not flushed.
    Pending,
    /// Has a row and an identity in this session.
    Persistent,
    /// Had one; the session was closed.
    Detached,
}

/// A model instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// Its class.
    pub class: String,
    /// Attribute values set or loaded, by column name.
    pub values: BTreeMap<String, Value>,
    /// Its state.
    pub state: State,
    /// True after a commit: the next read loads the row again.
    pub expired: bool,
    /// The number `repr` shows for objects without identity (`id()` in CPython).
    pub addr: u64,
    /// Columns changed since the row was loaded or flushed (an UPDATE at the next flush).
    pub dirty: Vec<String>,
}

/// The session's transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tx {
    /// No transaction; the connection is in the pool.
    Idle,
    /// Begun on the server.
    Active,
    /// A flush failed: rolled back on the server, waiting for `rollback()`. Holds the original
    /// exception's text for `PendingRollbackError`.
    Failed(String),
}

/// Which operation needs the session: decides the recorded frames of its errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `Query.all()`
    All,
    /// `Query.first()`
    First,
    /// `Query.count()`
    Count,
    /// `session.get()` / `Query.get()` / loading an expired attribute.
    Get,
    /// `session.commit()`
    Commit,
}

impl Op {
    fn select_frames(self) -> &'static str {
        match self {
            Op::All => frames::QUERY_ALL,
            Op::First => frames::QUERY_FIRST,
            Op::Count => frames::QUERY_COUNT,
            Op::Get | Op::Commit => frames::SESSION_GET,
        }
    }

    fn pending_frames(self) -> &'static str {
        match self {
            Op::All | Op::Count => frames::PENDING_QUERY_ALL,
            Op::First => frames::PENDING_QUERY_FIRST,
            Op::Get => frames::PENDING_SESSION_GET,
            Op::Commit => frames::PENDING_COMMIT,
        }
    }

    fn connect_frames(self) -> &'static str {
        match self {
            Op::Commit => frames::CONNECT_COMMIT,
            _ => frames::CONNECT_QUERY_ALL,
        }
    }
}

/// The scoped session of one app (one thread), with its objects.
#[derive(Clone, Debug)]
pub struct Orm {
    /// The app's models.
    pub models: Vec<Model>,
    /// Every instance the code made, by [`ObjId`].
    pub objects: Vec<Instance>,
    /// Pending objects in `add` order.
    new: Vec<ObjId>,
    /// Objects marked for deletion, in `delete` order.
    deleted: Vec<ObjId>,
    /// Persistent objects by (class, primary key).
    identity: BTreeMap<(String, i64), ObjId>,
    tx: Tx,
    /// Objects added while the transaction was inactive (SQLAlchemy warns on rollback).
    changed_while_failed: bool,
    /// The engine's target, or the text of why there is none.
    target: Option<Target>,
    /// Steps recorded since the caller last took them.
    pub steps: Vec<Step>,
    /// Warnings printed on stderr (`SAWarning`), taken by the caller.
    pub warnings: Vec<String>,
    /// Connections checked out of the pool.
    checked_out: bool,
}

fn step(kind: StepKind, label: impl Into<String>, sql: Vec<String>, ok: bool) -> Step {
    Step {
        kind,
        label: label.into(),
        sql,
        ok,
    }
}

/// A value as psycopg2 writes it into the statement.
pub fn sql_literal(v: &Value) -> String {
    match v {
        Value::None => "NULL".into(),
        Value::Bool(b) => if *b { "true" } else { "false" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => repr_float(*f),
        Value::Str(s) => format!("'{}'", s.replace('\'', "''")),
        other => format!("'{}'", scalar_repr(other).replace('\'', "''")),
    }
}

/// `repr` of a parameter value.
pub fn scalar_repr(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => repr_float(*f),
        Value::Str(s) => repr_str(s),
        other => format!("<{}>", other.type_name()),
    }
}

/// The `%(name)s` statement with its values: the logged form, the literal, the params repr.
fn bind(sql: &str, params: &[(String, Value)]) -> (String, String) {
    let mut literal = sql.to_string();
    // Longest names first, so `name_1` is not mistaken for `name`.
    let mut sorted: Vec<&(String, Value)> = params.iter().collect();
    crate::sorting::sort_by_key(&mut sorted, |(k, _)| std::cmp::Reverse(k.len()));
    for (k, v) in sorted {
        literal = literal.replace(&format!("%({k})s"), &sql_literal(v));
    }
    let repr = if params.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{}: {}", repr_str(k), scalar_repr(v)))
            .collect();
        format!("{{{}}}", parts.join(", "))
    };
    (literal, repr)
}

fn cast(c: &ColumnDef) -> String {
    match &c.ty.base {
        BaseType::String(_) => "VARCHAR".into(),
        BaseType::Numeric(..) => "NUMERIC".into(),
        _ => c.ty.ddl(),
    }
}

/// A column value read from the server's text format.
fn from_text(c: &ColumnDef, text: Option<&String>) -> Value {
    let Some(t) = text else {
        return Value::None;
    };
    match &c.ty.base {
        BaseType::Integer | BaseType::BigInteger | BaseType::SmallInteger => t
            .parse()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Str(t.clone())),
        BaseType::Float | BaseType::Real => t
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Str(t.clone())),
        BaseType::Boolean => Value::Bool(t == "t" || t == "true"),
        _ => Value::Str(t.clone()),
    }
}

impl Orm {
    /// A session for an app's models and engine.
    pub fn new(models: Vec<Model>, target: Option<Target>) -> Self {
        Orm {
            models,
            objects: Vec::new(),
            new: Vec::new(),
            deleted: Vec::new(),
            identity: BTreeMap::new(),
            tx: Tx::Idle,
            changed_while_failed: false,
            target,
            steps: Vec::new(),
            warnings: Vec::new(),
            checked_out: false,
        }
    }

    /// The model of a class.
    pub fn model(&self, class: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.class == class)
    }

    fn pk(&self, class: &str) -> Option<ColumnDef> {
        self.model(class)?
            .columns
            .iter()
            .find(|c| c.primary_key)
            .cloned()
    }

    /// A new transient instance (`User(name=…)`); the caller checks the keywords.
    pub fn make(&mut self, class: &str, values: BTreeMap<String, Value>) -> ObjId {
        let id = self.objects.len();
        self.objects.push(Instance {
            class: class.to_string(),
            values,
            state: State::Transient,
            expired: false,
            addr: 140_000_000_000_000 + 48 * id as u64 + 0x7f3a_0000,
            dirty: Vec::new(),
        });
        id
    }

    /// Python's `repr`: `<User 1>`, `<User (transient 140…)>`, `<User (pending 140…)>`.
    pub fn repr(&self, id: ObjId) -> String {
        let Some(o) = self.objects.get(id) else {
            return "<object>".into();
        };
        let key = self
            .pk(&o.class)
            .and_then(|pk| o.values.get(&pk.name).cloned());
        match (o.state, key) {
            (State::Persistent | State::Detached, Some(k)) if k != Value::None => {
                format!("<{} {}>", o.class, scalar_repr(&k))
            }
            (State::Pending, _) => format!("<{} (pending {})>", o.class, o.addr),
            _ => format!("<{} (transient {})>", o.class, o.addr),
        }
    }

    /// The pending objects, for `db.session.new`.
    pub fn pending(&self) -> &[ObjId] {
        &self.new
    }

    /// `session.add(obj)`: pending, no SQL.
    pub fn add(&mut self, id: ObjId) {
        if matches!(self.tx, Tx::Failed(_)) {
            self.changed_while_failed = true;
        }
        let Some(o) = self.objects.get_mut(id) else {
            return;
        };
        match o.state {
            State::Transient => {
                o.state = State::Pending;
                self.new.push(id);
                let label = format!("db.session.add({}): pending, no SQL sent", o.class);
                self.steps
                    .push(step(StepKind::Staged, label, Vec::new(), true));
            }
            State::Detached => o.state = State::Persistent,
            _ => {}
        }
    }

    /// Sets an attribute; a saved object's column change waits for the next flush.
    pub fn set_attribute(&mut self, id: ObjId, attr: &str, v: Value) {
        let is_column = self
            .objects
            .get(id)
            .and_then(|o| self.model(&o.class))
            .is_some_and(|m| m.columns.iter().any(|c| c.name == attr));
        let Some(o) = self.objects.get_mut(id) else {
            return;
        };
        o.values.insert(attr.to_string(), v);
        if is_column && o.state == State::Persistent && !o.dirty.iter().any(|d| d == attr) {
            o.dirty.push(attr.to_string());
        }
    }

    /// The objects with unflushed changes, for `db.session.dirty`.
    pub fn dirty(&self) -> Vec<ObjId> {
        (0..self.objects.len())
            .filter(|i| {
                let o = &self.objects[*i];
                o.state == State::Persistent && !o.dirty.is_empty()
            })
            .collect()
    }

    /// `session.delete(obj)`: a saved object's row goes at the next flush.
    pub fn delete(&mut self, id: ObjId) -> Result<(), PyErr> {
        let Some(o) = self.objects.get(id) else {
            return Ok(());
        };
        if o.state != State::Persistent {
            return Err(PyErr::new(format!(
                "sqlalchemy.exc.InvalidRequestError: Instance '<{} at 0x{:x}>' is not persisted",
                o.class, o.addr
            ))
            .with_frames(frames::DELETE_TRANSIENT));
        }
        if !self.deleted.contains(&id) {
            self.deleted.push(id);
            let label = format!("db.session.delete({}): marked, no SQL sent", self.repr(id));
            self.steps
                .push(step(StepKind::Staged, label, Vec::new(), true));
        }
        Ok(())
    }

    /// Sends one statement in the session's transaction, beginning it (and checking a
    /// connection out) if needed.
    fn send(
        &mut self,
        cluster: &mut Cluster,
        sql: &str,
        params: &[(String, Value)],
        op: Op,
        entry: &str,
    ) -> Result<QueryResult, PyErr> {
        let (literal, repr) = bind(sql, params);
        self.begin(cluster, op)?;
        let db = self.database();
        let result = match cluster.session_mut(&db) {
            Some(s) => s.execute(&literal),
            None => Err(SqlError::internal("database vanished")),
        };
        let mut shown = vec![sql.to_string()];
        if !repr.is_empty() {
            shown.push(format!("[parameters: {repr}]"));
        }
        match result {
            Ok(r) => {
                self.steps
                    .push(step(StepKind::Sql, first_line(sql), shown, true));
                Ok(r)
            }
            Err(e) => {
                let sent = Sent {
                    sql,
                    literal: &literal,
                    params: &repr,
                    many: false,
                };
                let err = exc::db_error(&e, &sent, entry);
                self.steps
                    .push(step(StepKind::Sql, first_line(sql), shown, false));
                self.steps
                    .push(step(StepKind::Error, err.line.clone(), Vec::new(), false));
                Err(err)
            }
        }
    }

    fn database(&self) -> String {
        self.target
            .as_ref()
            .map(|t| {
                if t.database.is_empty() {
                    "learner".to_string()
                } else {
                    t.database.clone()
                }
            })
            .unwrap_or_default()
    }

    /// Begins the session's transaction if none is open: a pool checkout, `BEGIN (implicit)`.
    fn begin(&mut self, cluster: &mut Cluster, op: Op) -> Result<(), PyErr> {
        match &self.tx {
            Tx::Active => return Ok(()),
            Tx::Failed(original) => {
                return Err(exc::pending_rollback(original, op.pending_frames()));
            }
            Tx::Idle => {}
        }
        self.checkout(cluster, op.connect_frames())?;
        let db = self.database();
        if let Some(s) = cluster.session_mut(&db) {
            let _ = s.execute("BEGIN");
        }
        self.steps.push(step(
            StepKind::Sql,
            "BEGIN (implicit)",
            vec!["BEGIN (implicit)".into()],
            true,
        ));
        self.tx = Tx::Active;
        Ok(())
    }

    fn checkout(&mut self, cluster: &Cluster, connect_frames: &str) -> Result<(), PyErr> {
        if self.checked_out {
            return Ok(());
        }
        let Some(target) = &self.target else {
            return Err(PyErr::new(
                "RuntimeError: Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.",
            ));
        };
        if let Some(libpq) = target.connect_error(cluster) {
            self.steps.push(step(
                StepKind::PoolCheckout,
                format!("connect to {} failed", target.url),
                Vec::new(),
                false,
            ));
            return Err(exc::connect_error(&libpq, connect_frames));
        }
        self.checked_out = true;
        self.steps.push(step(
            StepKind::PoolCheckout,
            format!(
                "pool checkout: a connection to database \"{}\" (QueuePool, size 5)",
                self.database()
            ),
            Vec::new(),
            true,
        ));
        Ok(())
    }

    /// Flushes pending objects: INSERTs in `add` order, one batch per model.
    pub fn flush(&mut self, cluster: &mut Cluster, op: Op) -> Result<(), PyErr> {
        if let Tx::Failed(original) = &self.tx {
            return Err(exc::pending_rollback(original, op.pending_frames()));
        }
        let dirty = self.dirty();
        if self.new.is_empty() && dirty.is_empty() && self.deleted.is_empty() {
            return Ok(());
        }
        let autoflush = op != Op::Commit;
        let pending = std::mem::take(&mut self.new);
        self.steps.push(step(
            StepKind::Flush,
            format!(
                "flush: {} new, {} changed, {} deleted{}",
                pending.len(),
                dirty.len(),
                self.deleted.len(),
                if autoflush {
                    " (autoflush before a query)"
                } else {
                    ""
                }
            ),
            Vec::new(),
            true,
        ));
        // Consecutive objects of one model with the same columns go in one statement.
        let mut groups: Vec<(String, Vec<String>, Vec<ObjId>)> = Vec::new();
        for id in &pending {
            let class = self.objects[*id].class.clone();
            let cols = self.insert_columns(*id);
            match groups.last_mut() {
                Some((c, k, ids)) if *c == class && *k == cols => ids.push(*id),
                _ => groups.push((class, cols, vec![*id])),
            }
        }
        let mut result = Ok(());
        for (class, cols, ids) in groups {
            result = self.insert(cluster, &class, &cols, &ids, op);
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() {
            for id in &dirty {
                result = self.update(cluster, *id, op);
                if result.is_err() {
                    break;
                }
            }
        }
        if result.is_ok() {
            for id in std::mem::take(&mut self.deleted) {
                result = self.remove(cluster, id, op);
                if result.is_err() {
                    break;
                }
            }
        }
        {
            if let Err(e) = result {
                // The flush failed: SQLAlchemy rolls the transaction back at once.
                let db = self.database();
                if let Some(s) = cluster.session_mut(&db) {
                    let _ = s.execute("ROLLBACK");
                }
                self.steps.push(step(
                    StepKind::Rollback,
                    "ROLLBACK (the flush failed; the session now needs rollback())",
                    vec!["ROLLBACK".into()],
                    true,
                ));
                let mut e = e;
                if autoflush {
                    e.line = e.line.replacen(
                        ": (psycopg2",
                        ": (raised as a result of Query-invoked autoflush; consider using a session.no_autoflush block if this flush is occurring prematurely)\n(psycopg2",
                        1,
                    );
                }
                let original = e.line.split_once(": ").map_or("", |(_, r)| r).to_string();
                self.tx = Tx::Failed(original);
                // Objects not yet inserted stay pending for after rollback().
                for id in &pending {
                    if self.objects[*id].state == State::Pending {
                        self.new.push(*id);
                    }
                }
                return Err(e);
            }
        }
        Ok(())
    }

    fn key_of(&self, id: ObjId) -> (Model, ColumnDef, Value) {
        let o = &self.objects[id];
        let model = self.model(&o.class).cloned().unwrap_or(Model {
            class: o.class.clone(),
            table: String::new(),
            columns: Vec::new(),
        });
        let pk = model
            .columns
            .iter()
            .find(|c| c.primary_key)
            .cloned()
            .unwrap_or_else(|| {
                ColumnDef::new("id", crate::migrate::ColType::generic(BaseType::Integer))
            });
        let key = o.values.get(&pk.name).cloned().unwrap_or(Value::None);
        (model, pk, key)
    }

    /// `UPDATE users SET name=%(name)s WHERE users.id = %(users_id)s` for a changed object.
    fn update(&mut self, cluster: &mut Cluster, id: ObjId, op: Op) -> Result<(), PyErr> {
        let (model, pk, key) = self.key_of(id);
        let t = &model.table;
        let o = &self.objects[id];
        let changed: Vec<&ColumnDef> = model
            .columns
            .iter()
            .filter(|c| o.dirty.contains(&c.name))
            .collect();
        let sets: Vec<String> = changed
            .iter()
            .map(|c| format!("{}=%({})s", c.name, c.name))
            .collect();
        let key_param = format!("{t}_{}", pk.name);
        let sql = format!(
            "UPDATE {t} SET {} WHERE {t}.{} = %({key_param})s",
            sets.join(", "),
            pk.name
        );
        let mut params: Vec<(String, Value)> = changed
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    o.values.get(&c.name).cloned().unwrap_or(Value::None),
                )
            })
            .collect();
        params.push((key_param, key));
        let entry = if op == Op::Commit {
            frames::COMMIT_UPDATE
        } else {
            frames::AUTOFLUSH_QUERY_ALL
        };
        self.send(cluster, &sql, &params, Op::Commit, entry)?;
        self.objects[id].dirty.clear();
        Ok(())
    }

    /// `DELETE FROM users WHERE users.id = %(id)s` for a deleted object.
    fn remove(&mut self, cluster: &mut Cluster, id: ObjId, op: Op) -> Result<(), PyErr> {
        let (model, pk, key) = self.key_of(id);
        let t = &model.table;
        let sql = format!("DELETE FROM {t} WHERE {t}.{} = %({})s", pk.name, pk.name);
        let entry = if op == Op::Commit {
            frames::COMMIT_UPDATE
        } else {
            frames::AUTOFLUSH_QUERY_ALL
        };
        self.send(
            cluster,
            &sql,
            &[(pk.name.clone(), key.clone())],
            Op::Commit,
            entry,
        )?;
        self.objects[id].state = State::Detached;
        if let Value::Int(k) = key {
            self.identity.remove(&(model.class.clone(), k));
        }
        Ok(())
    }

    /// The columns an INSERT of this object names: every model column but an autoincrement
    /// key without a value and server-defaulted columns without one.
    fn insert_columns(&self, id: ObjId) -> Vec<String> {
        let o = &self.objects[id];
        let Some(model) = self.model(&o.class) else {
            return Vec::new();
        };
        model
            .columns
            .iter()
            .filter(|c| {
                let v = o.values.get(&c.name).unwrap_or(&Value::None);
                let autoinc = c.primary_key && c.ty.is_integer() && c.autoincrement != Some(false);
                !(*v == Value::None && (autoinc || c.server_default.is_some()))
            })
            .map(|c| c.name.clone())
            .collect()
    }

    fn insert(
        &mut self,
        cluster: &mut Cluster,
        class: &str,
        cols: &[String],
        ids: &[ObjId],
        op: Op,
    ) -> Result<(), PyErr> {
        let Some(model) = self.model(class).cloned() else {
            return Ok(());
        };
        let table = &model.table;
        let returning: Vec<&ColumnDef> = model
            .columns
            .iter()
            .filter(|c| !cols.contains(&c.name))
            .collect();
        let col_list = cols.join(", ");
        let many = ids.len() > 1;
        let entry = match (op, many) {
            (Op::Commit, false) => frames::COMMIT_INSERT,
            (Op::Commit, true) => frames::COMMIT_INSERT_BATCH,
            _ => frames::AUTOFLUSH_QUERY_ALL,
        };
        let value_of = |o: &Instance, c: &str| o.values.get(c).cloned().unwrap_or(Value::None);
        let (sql, params): (String, Vec<(String, Value)>) = if !many {
            let o = &self.objects[ids[0]];
            let ph: Vec<String> = cols.iter().map(|c| format!("%({c})s")).collect();
            let mut sql = format!(
                "INSERT INTO {table} ({col_list}) VALUES ({})",
                ph.join(", ")
            );
            if !returning.is_empty() {
                let r: Vec<String> = returning
                    .iter()
                    .map(|c| format!("{table}.{}", c.name))
                    .collect();
                sql.push_str(&format!(" RETURNING {}", r.join(", ")));
            }
            let params = cols.iter().map(|c| (c.clone(), value_of(o, c))).collect();
            (sql, params)
        } else {
            let casts: Vec<String> = cols
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let def = model.columns.iter().find(|d| &d.name == c);
                    format!("p{i}::{}", def.map(cast).unwrap_or_default())
                })
                .collect();
            let mut rows = Vec::new();
            let mut params = Vec::new();
            for (n, id) in ids.iter().enumerate() {
                let o = &self.objects[*id];
                let ph: Vec<String> = cols.iter().map(|c| format!("%({c}__{n})s")).collect();
                rows.push(format!("({}, {n})", ph.join(", ")));
                for c in cols {
                    params.push((format!("{c}__{n}"), value_of(o, c)));
                }
            }
            let names: Vec<String> = (0..cols.len()).map(|i| format!("p{i}")).collect();
            let mut sql = format!(
                "INSERT INTO {table} ({col_list}) SELECT {} FROM (VALUES {}) AS imp_sen({}, sen_counter) ORDER BY sen_counter",
                casts.join(", "),
                rows.join(", "),
                names.join(", ")
            );
            if !returning.is_empty() {
                let mut r: Vec<String> = returning
                    .iter()
                    .map(|c| format!("{table}.{}", c.name))
                    .collect();
                r.extend(
                    returning
                        .iter()
                        .map(|c| format!("{table}.{} AS {}__1", c.name, c.name)),
                );
                sql.push_str(&format!(" RETURNING {}", r.join(", ")));
            }
            (sql, params)
        };
        let (literal, repr) = bind(&sql, &params);
        self.begin(cluster, Op::Commit)?;
        let db = self.database();
        let mut shown = vec![sql.clone()];
        shown.push(format!("[parameters: {repr}]"));
        // The server runs one INSERT per row: the batch's rows in order, same effect.
        for (n, id) in ids.iter().enumerate() {
            let o = &self.objects[*id];
            let vals: Vec<String> = cols.iter().map(|c| sql_literal(&value_of(o, c))).collect();
            let mut one = format!(
                "INSERT INTO {table} ({col_list}) VALUES ({})",
                vals.join(", ")
            );
            if !returning.is_empty() {
                let r: Vec<String> = returning.iter().map(|c| c.name.clone()).collect();
                one.push_str(&format!(" RETURNING {}", r.join(", ")));
            }
            let result = match cluster.session_mut(&db) {
                Some(s) => s.execute(&one),
                None => Err(SqlError::internal("database vanished")),
            };
            match result {
                Ok(r) => {
                    let row = r.rows.and_then(|rows| rows.into_iter().next());
                    let o = &mut self.objects[*id];
                    if let Some(row) = row {
                        for (c, text) in returning.iter().zip(row.iter()) {
                            o.values.insert(c.name.clone(), from_text(c, text.as_ref()));
                        }
                    }
                    o.state = State::Persistent;
                    if let Some(pk) = model.columns.iter().find(|c| c.primary_key) {
                        if let Some(Value::Int(k)) = o.values.get(&pk.name) {
                            self.identity.insert((class.to_string(), *k), *id);
                        }
                    }
                }
                Err(mut e) => {
                    // Point into the statement the server got (the batch's literal text).
                    if let Some(pos) = e.position {
                        let prefix = format!("INSERT INTO {table} ({col_list}) ");
                        if pos > prefix.chars().count() {
                            let token: String = one.chars().skip(pos - 1).take(12).collect();
                            e.position = literal
                                .find(&token)
                                .map(|b| literal[..b].chars().count() + 1);
                        }
                    }
                    let _ = n;
                    let sent = Sent {
                        sql: &sql,
                        literal: &literal,
                        params: &repr,
                        many,
                    };
                    let err = exc::db_error(&e, &sent, entry);
                    self.steps
                        .push(step(StepKind::Sql, first_line(&sql), shown, false));
                    self.steps
                        .push(step(StepKind::Error, err.line.clone(), Vec::new(), false));
                    return Err(err);
                }
            }
        }
        self.steps
            .push(step(StepKind::Sql, first_line(&sql), shown, true));
        Ok(())
    }

    /// `session.commit()`: flush, `COMMIT`, expire everything.
    pub fn commit(&mut self, cluster: &mut Cluster) -> Result<(), PyErr> {
        self.flush(cluster, Op::Commit)?;
        if self.tx == Tx::Active {
            let db = self.database();
            let result = match cluster.session_mut(&db) {
                Some(s) => s.execute("COMMIT"),
                None => Err(SqlError::internal("database vanished")),
            };
            let ok = result.is_ok();
            self.steps
                .push(step(StepKind::Commit, "COMMIT", vec!["COMMIT".into()], ok));
            self.tx = Tx::Idle;
            self.release();
        }
        for o in &mut self.objects {
            if o.state == State::Persistent {
                o.expired = true;
            }
        }
        Ok(())
    }

    fn release(&mut self) {
        if self.checked_out {
            self.checked_out = false;
            self.steps.push(step(
                StepKind::PoolReturn,
                "the connection goes back to the pool",
                Vec::new(),
                true,
            ));
        }
    }

    /// `session.rollback()`.
    pub fn rollback(&mut self, cluster: &mut Cluster) {
        match &self.tx {
            Tx::Active => {
                let db = self.database();
                if let Some(s) = cluster.session_mut(&db) {
                    let _ = s.execute("ROLLBACK");
                }
                self.steps.push(step(
                    StepKind::Rollback,
                    "ROLLBACK",
                    vec!["ROLLBACK".into()],
                    true,
                ));
            }
            Tx::Failed(_) => {
                if self.changed_while_failed {
                    self.warnings.push("SAWarning: Session's state has been changed on a non-active transaction - this state will be discarded.".into());
                }
            }
            Tx::Idle => {}
        }
        self.tx = Tx::Idle;
        self.changed_while_failed = false;
        self.release();
        for id in std::mem::take(&mut self.new) {
            self.objects[id].state = State::Transient;
        }
        self.deleted.clear();
        for o in &mut self.objects {
            if o.state == State::Persistent {
                o.expired = true;
                o.dirty.clear();
            }
        }
    }

    /// `session.close()` / `session.remove()`: roll back what is open; objects are detached.
    pub fn close(&mut self, cluster: &mut Cluster) {
        self.rollback(cluster);
        self.warnings.clear();
        for o in &mut self.objects {
            if o.state == State::Persistent {
                o.state = State::Detached;
            }
        }
        self.identity.clear();
    }

    /// Drops every instance (after a request: no name refers to them any more).
    pub fn forget_objects(&mut self) {
        self.objects.clear();
        self.new.clear();
        self.deleted.clear();
        self.identity.clear();
    }

    fn select_list(model: &Model, labels: bool) -> String {
        let t = &model.table;
        model
            .columns
            .iter()
            .map(|c| {
                if labels {
                    format!("{t}.{} AS {t}_{}", c.name, c.name)
                } else {
                    format!("{t}.{}", c.name)
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Objects for rows (the identity map gives the same object for the same key).
    fn objects_for(&mut self, model: &Model, rows: Vec<Vec<Option<String>>>) -> Vec<ObjId> {
        let pk = model.columns.iter().position(|c| c.primary_key);
        let mut out = Vec::new();
        for row in rows {
            let values: BTreeMap<String, Value> = model
                .columns
                .iter()
                .zip(row.iter())
                .map(|(c, t)| (c.name.clone(), from_text(c, t.as_ref())))
                .collect();
            let key = pk.and_then(|i| match values.get(&model.columns[i].name) {
                Some(Value::Int(k)) => Some(*k),
                _ => None,
            });
            let existing = key.and_then(|k| self.identity.get(&(model.class.clone(), k)).copied());
            match existing {
                Some(id) => {
                    let o = &mut self.objects[id];
                    if o.expired {
                        o.values = values;
                        o.expired = false;
                    }
                    out.push(id);
                }
                None => {
                    let id = self.make(&model.class, values);
                    self.objects[id].state = State::Persistent;
                    if let Some(k) = key {
                        self.identity.insert((model.class.clone(), k), id);
                    }
                    out.push(id);
                }
            }
        }
        out
    }

    /// `Model.query.filter_by(...)` `.all()` / `.first()` / `.count()`.
    pub fn query(
        &mut self,
        cluster: &mut Cluster,
        class: &str,
        filters: &[(String, Value)],
        op: Op,
    ) -> Result<Vec<ObjId>, PyErr> {
        if let Tx::Failed(original) = &self.tx {
            return Err(exc::pending_rollback(original, op.pending_frames()));
        }
        let Some(model) = self.model(class).cloned() else {
            return Ok(Vec::new());
        };
        self.flush(cluster, Op::All)?;
        let t = &model.table;
        let mut inner = format!("SELECT {} \nFROM {t}", Self::select_list(&model, true));
        let mut params = Vec::new();
        if !filters.is_empty() {
            let conds: Vec<String> = filters
                .iter()
                .map(|(k, v)| {
                    let name = format!("{k}_1");
                    params.push((name.clone(), v.clone()));
                    if *v == Value::None {
                        params.pop();
                        format!("{t}.{k} IS NULL")
                    } else {
                        format!("{t}.{k} = %({name})s")
                    }
                })
                .collect();
            inner.push_str(&format!(" \nWHERE {}", conds.join(" AND ")));
        }
        let sql = match op {
            Op::Count => format!("SELECT count(*) AS count_1 \nFROM ({inner}) AS anon_1"),
            Op::First => {
                params.push(("param_1".into(), Value::Int(1)));
                format!("{inner} \n LIMIT %(param_1)s")
            }
            _ => inner,
        };
        let r = self.send(cluster, &sql, &params, op, op.select_frames())?;
        let rows = r.rows.unwrap_or_default();
        if op == Op::Count {
            let n = rows
                .first()
                .and_then(|r| r.first().cloned().flatten())
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            return Ok(vec![n]);
        }
        Ok(self.objects_for(&model, rows))
    }

    /// `session.get(Model, pk)`: the identity map first, else a SELECT by key.
    pub fn get(
        &mut self,
        cluster: &mut Cluster,
        class: &str,
        key: &Value,
    ) -> Result<Option<ObjId>, PyErr> {
        if let Tx::Failed(original) = &self.tx {
            return Err(exc::pending_rollback(original, Op::Get.pending_frames()));
        }
        if let Value::Int(k) = key {
            if let Some(id) = self.identity.get(&(class.to_string(), *k)).copied() {
                if !self.objects[id].expired {
                    return Ok(Some(id));
                }
            }
        }
        Ok(self.load(cluster, class, key)?.into_iter().next())
    }

    fn load(
        &mut self,
        cluster: &mut Cluster,
        class: &str,
        key: &Value,
    ) -> Result<Vec<ObjId>, PyErr> {
        let Some(model) = self.model(class).cloned() else {
            return Ok(Vec::new());
        };
        self.flush(cluster, Op::Get)?;
        let Some(pk) = model.columns.iter().find(|c| c.primary_key) else {
            return Ok(Vec::new());
        };
        let t = &model.table;
        let sql = format!(
            "SELECT {} \nFROM {t} \nWHERE {t}.{} = %(pk_1)s",
            Self::select_list(&model, false),
            pk.name
        );
        let r = self.send(
            cluster,
            &sql,
            &[("pk_1".into(), key.clone())],
            Op::Get,
            Op::Get.select_frames(),
        )?;
        Ok(self.objects_for(&model, r.rows.unwrap_or_default()))
    }

    /// Reads an attribute, loading an expired object's row first.
    pub fn attribute(
        &mut self,
        cluster: &mut Cluster,
        id: ObjId,
        attr: &str,
    ) -> Result<Option<Value>, PyErr> {
        if id >= self.objects.len() {
            return Err(PyErr::new(
                "sqlalchemy.orm.exc.DetachedInstanceError: Instance is not bound to a Session; attribute refresh operation cannot proceed (Background on this error at: https://sqlalche.me/e/21/bhk3)",
            ));
        }
        let (class, expired, state) = {
            let o = &self.objects[id];
            (o.class.clone(), o.expired, o.state)
        };
        let is_column = self
            .model(&class)
            .is_some_and(|m| m.columns.iter().any(|c| c.name == attr));
        if expired && is_column && state == State::Persistent {
            let key = self
                .pk(&class)
                .and_then(|pk| self.objects[id].values.get(&pk.name).cloned())
                .unwrap_or(Value::None);
            let found = self.load(cluster, &class, &key)?;
            if found.is_empty() {
                return Err(PyErr::new(format!(
                    "sqlalchemy.orm.exc.ObjectDeletedError: Instance '{}' has been deleted, or its row is otherwise not present.",
                    self.repr(id)
                )));
            }
        }
        if is_column {
            return Ok(Some(
                self.objects[id]
                    .values
                    .get(attr)
                    .cloned()
                    .unwrap_or(Value::None),
            ));
        }
        Ok(self.objects[id].values.get(attr).cloned())
    }

    /// `db.create_all()`: CREATE TABLE for each model table that does not exist, on a
    /// connection of its own, committed.
    pub fn create_all(&mut self, cluster: &mut Cluster) -> Result<(), PyErr> {
        let target = self.target.clone();
        let Some(target) = target else {
            return Err(PyErr::new(
                "RuntimeError: Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be set.",
            ));
        };
        if let Some(libpq) = target.connect_error(cluster) {
            return Err(exc::connect_error(&libpq, frames::CONNECT_CREATE_ALL));
        }
        let db = self.database();
        let own_tx = self.tx == Tx::Idle;
        let statements = create_all_statements(&self.models);
        let mut sent = vec!["BEGIN (implicit)".to_string()];
        let names: Vec<String> = statements.iter().map(|(t, _)| t.clone()).collect();
        sent.push(format!(
            "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relname IN ({}) AND pg_catalog.pg_class.relkind = ANY (ARRAY[%(param_1)s, %(param_2)s, %(param_3)s, %(param_4)s, %(param_5)s]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != %(nspname_1)s",
            (1..=names.len()).map(|i| format!("%(table_names_{i})s")).collect::<Vec<_>>().join(", ")
        ));
        let Some(session) = cluster.session_mut(&db) else {
            return Ok(());
        };
        if own_tx {
            let _ = session.execute("BEGIN");
        }
        let mut created = Vec::new();
        for (table, sqls) in statements {
            let schema = session
                .search_path()
                .into_iter()
                .next()
                .unwrap_or_else(|| "public".into());
            if session.catalog().find_table(&schema, &table).is_some() {
                continue;
            }
            for sql in sqls {
                if let Err(e) = session.execute(&sql) {
                    if own_tx {
                        let _ = session.execute("ROLLBACK");
                    }
                    let s = Sent {
                        sql: &sql,
                        literal: &sql,
                        params: "",
                        many: false,
                    };
                    return Err(exc::db_error(&e, &s, frames::CONNECT_CREATE_ALL));
                }
                sent.push(sql);
            }
            created.push(table);
        }
        if own_tx {
            let _ = session.execute("COMMIT");
            sent.push("COMMIT".into());
        }
        let label = if created.is_empty() {
            "db.create_all(): every table exists, nothing created".to_string()
        } else {
            format!("db.create_all(): created {}", created.join(", "))
        };
        self.steps.push(step(StepKind::Sql, label, sent, true));
        Ok(())
    }
}

fn first_line(sql: &str) -> String {
    let line = sql.lines().next().unwrap_or("").trim();
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(79).collect::<String>())
    } else {
        line.to_string()
    }
}

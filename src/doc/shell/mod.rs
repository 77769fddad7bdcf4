//! The mongosh session: the current database, variables, multi-line input, the last cursor
//! (for `it`), and the evaluation of parsed statements against a [`Store`].
//!
//! Life of a line: `use`/`show`/`it`/`exit` are shell commands; anything else is parsed
//! ([`parser::parse`]), evaluated statement by statement, and the value of the last
//! statement is printed in mongosh's notation ([`format`]). An error prints as mongosh
//! prints it and restores the ObjectId counter, so a failed line leaves the store as it was.

mod api;
mod js;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::doc::ast::{BinOp, DeclKind, Expr, Stmt, UnaryOp};
use crate::doc::error::DocError;
use crate::doc::format::{inspect, js_number, InspectOptions};
use crate::doc::parser::{self, Parsed};
use crate::doc::store::{FindOptions, Store};
use crate::doc::value::{oid_hex, Document, Value};

use js::{binary, call_value_method, make_date, to_js_string, to_number};

/// Longest string a line may build (BSON's 16 MiB document limit).
const MAX_STRING: usize = 16 * 1024 * 1024;
/// Documents a cursor prints per batch, as mongosh does.
const BATCH: usize = 20;

/// What one evaluated line produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The text mongosh prints (possibly empty).
    pub output: String,
    /// Namespaces (`shop.users`) the line wrote to, sorted.
    pub changed: Vec<String>,
}

/// The answer of [`Shell::eval`].
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// Exactly what mongosh prints, errors included; no trailing newline, except the `\n` that
    /// stands for the blank line mongosh prints after a SyntaxError.
    pub output: String,
    /// False when the line failed.
    pub ok: bool,
    /// True after `exit`, `quit` or `.exit`.
    pub exit: bool,
    /// True when the input is unfinished (the parser ran out of input, as with an open
    /// bracket): nothing ran; the caller shows `... ` and sends the next line.
    pub incomplete: bool,
    /// Namespaces (`shop.users`) the line wrote to, sorted; empty when it failed (except for
    /// the documents an `insertMany` kept).
    pub changed: Vec<String>,
    /// The error when the line failed, for callers that explain errors by kind and code.
    pub error: Option<DocError>,
}

/// A mongosh session.
#[derive(Clone, Debug)]
pub struct Shell {
    db: String,
    /// Variables; values are shared so that the per-line snapshot of the session is cheap.
    vars: BTreeMap<String, (Arc<Js>, bool)>,
    pending: String,
    last_cursor: Option<(Cursor, usize)>,
    warnings_shown: BTreeSet<String>,
    printed_before_error: Vec<String>,
    call_depth: usize,
    steps: usize,
}

impl Default for Shell {
    fn default() -> Self {
        Shell::new()
    }
}

#[derive(Clone, Debug)]
struct Cursor {
    db: String,
    coll: String,
    filter: Document,
    opts: FindOptions,
    /// Set for `aggregate` cursors, which run this pipeline instead of a find.
    pipeline: Option<Vec<Value>>,
    /// Set by `map`: the mapped values, computed when `map` ran.
    mapped: Option<Vec<Value>>,
}

impl Cursor {
    /// The documents the cursor yields, as stored.
    fn documents(&self, store: &Store) -> Result<Vec<Document>, DocError> {
        match &self.pipeline {
            Some(p) => store.aggregate(&self.db, &self.coll, p),
            None => store.find(&self.db, &self.coll, &self.filter, &self.opts),
        }
    }

    /// What the cursor yields as the shell sees it: documents read back, or mapped values.
    fn values(&self, store: &Store) -> Result<Vec<Value>, DocError> {
        if let Some(v) = &self.mapped {
            return Ok(v.clone());
        }
        Ok(self
            .documents(store)?
            .iter()
            .map(|d| Value::Document(d.to_shell()))
            .collect())
    }
}

#[derive(Clone, Debug)]
enum Js {
    V(Value),
    Db(String),
    Coll(String, String),
    Cursor(Box<Cursor>),
    Method(Box<Js>, String),
    Global(String),
    Func(Arc<(Vec<String>, Expr)>),
}

/// Deepest nesting of a value built in the shell (the server stores at most 100 levels).
const MAX_VALUE_DEPTH: usize = 100;

/// mongosh's help texts, recorded from mongosh 2.12 (`tests/fidelity/mongosh/record_help.js`).
const SHELL_HELP: &str = include_str!("../help/shell.txt");
const DATABASE_HELP: &str = include_str!("../help/database.txt");
const COLLECTION_HELP: &str = include_str!("../help/collection.txt");

/// Expressions one line may evaluate before it is stopped.
const MAX_STEPS: usize = 1_000_000;

/// Deepest nesting of arrow-function calls (a function can call itself through a variable).
const MAX_CALL_DEPTH: usize = 64;

const GLOBALS: [&str; 18] = [
    "console",
    "ObjectId",
    "ISODate",
    "Date",
    "NumberInt",
    "NumberLong",
    "NumberDecimal",
    "Int32",
    "Long",
    "Decimal128",
    "Double",
    "print",
    "printjson",
    "exit",
    "quit",
    "String",
    "Number",
    "Boolean",
];

const DB_METHODS: [&str; 10] = [
    "runCommand",
    "getCollectionNames",
    "getCollection",
    "createCollection",
    "dropDatabase",
    "getName",
    "getSiblingDB",
    "getCollectionInfos",
    "toString",
    "help",
];

const COLL_METHODS: [&str; 25] = [
    "aggregate",
    "help",
    "findOneAndUpdate",
    "findOneAndReplace",
    "findOneAndDelete",
    "insertOne",
    "insertMany",
    "find",
    "findOne",
    "updateOne",
    "updateMany",
    "replaceOne",
    "deleteOne",
    "deleteMany",
    "countDocuments",
    "estimatedDocumentCount",
    "distinct",
    "drop",
    "createIndex",
    "getIndexes",
    "getName",
    "getFullName",
    "count",
    "insert",
    "toString",
];

const CURSOR_METHODS: [&str; 12] = [
    "forEach",
    "map",
    "sort",
    "limit",
    "skip",
    "toArray",
    "count",
    "pretty",
    "itcount",
    "size",
    "projection",
    "hasNext",
];

fn doc_of(pairs: Vec<(&str, Value)>) -> Value {
    Value::Document(Document::from_pairs(
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    ))
}

fn num(n: i64) -> Value {
    Value::Double(n as f64)
}

impl Shell {
    /// A session on the `test` database.
    pub fn new() -> Self {
        Shell {
            db: "test".into(),
            vars: BTreeMap::new(),
            pending: String::new(),
            last_cursor: None,
            warnings_shown: BTreeSet::new(),
            printed_before_error: Vec::new(),
            call_depth: 0,
            steps: 0,
        }
    }

    /// The prompt: `test> `, or `... ` while a multi-line input is open.
    pub fn prompt(&self) -> String {
        if self.pending.is_empty() {
            format!("{}> ", self.db)
        } else {
            "... ".into()
        }
    }

    /// The current database.
    pub fn database(&self) -> &str {
        &self.db
    }

    /// Whether an unfinished multi-line input is waiting for more lines.
    pub fn is_continuing(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Evaluates one line typed at the prompt.
    pub fn eval(&mut self, store: &mut Store, line: &str) -> Reply {
        let source = if self.pending.is_empty() {
            line.to_string()
        } else {
            format!("{}\n{line}", self.pending)
        };
        if self.pending.is_empty() {
            let t = line.trim();
            if matches!(t, "exit" | "quit" | ".exit" | "exit()" | "quit()") {
                return Reply {
                    output: String::new(),
                    ok: true,
                    exit: true,
                    incomplete: false,
                    changed: Vec::new(),
                    error: None,
                };
            }
        }
        store.take_changes();
        let before = store.clone();
        let session = (self.db.clone(), self.vars.clone(), self.last_cursor.clone());
        self.printed_before_error.clear();
        match self.exec(store, &source, true) {
            Ok(Some(out)) => {
                self.pending.clear();
                Reply {
                    output: out,
                    ok: true,
                    exit: false,
                    incomplete: false,
                    changed: store.take_changes(),
                    error: None,
                }
            }
            Ok(None) => {
                self.pending = source;
                Reply {
                    output: String::new(),
                    ok: true,
                    exit: false,
                    incomplete: true,
                    changed: Vec::new(),
                    error: None,
                }
            }
            Err(e) => {
                self.pending.clear();
                restore(store, before, &e);
                // A failed line leaves the session as it was, too.
                if !e.is_exit() {
                    (self.db, self.vars, self.last_cursor) = session;
                }
                let mut lines = std::mem::take(&mut self.printed_before_error);
                // `exit()` and `quit()` called as functions end the session quietly.
                let exit = e.is_exit();
                if !exit {
                    lines.push(e.shell_text());
                }
                Reply {
                    changed: store.take_changes(),
                    output: lines.join("\n"),
                    ok: exit,
                    exit,
                    incomplete: false,
                    error: (!exit).then_some(e),
                }
            }
        }
    }

    /// Tab completion: the full words that could replace the last word of `line`, sorted.
    /// Knows shell commands and globals, `db.` (collections and Database methods) and
    /// `db.<coll>.` (Collection methods).
    pub fn complete(&self, store: &Store, line: &str) -> Vec<String> {
        let start = line
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &line[start..];
        if word.starts_with('.') {
            // A member of some expression's result: nothing we can name.
            return Vec::new();
        }
        let (base, prefix) = match word.rfind('.') {
            Some(i) => (&word[..i], &word[i + 1..]),
            None => ("", word),
        };
        let mut names: Vec<String> = match base.split('.').collect::<Vec<_>>().as_slice() {
            [""] => ["use", "show", "it", "exit", "quit", "help", "db"]
                .iter()
                .chain(GLOBALS.iter())
                .map(|s| s.to_string())
                .chain(self.vars.keys().cloned())
                .collect(),
            ["db"] => store
                .collection_names(&self.db)
                .into_iter()
                .chain(DB_METHODS.iter().map(|s| s.to_string()))
                .collect(),
            ["db", _] => COLL_METHODS.iter().map(|s| s.to_string()).collect(),
            _ => Vec::new(),
        };
        names.retain(|n| n.starts_with(prefix));
        crate::sorting::sort(&mut names);
        names.dedup();
        let lead = &line[..start];
        let base = if base.is_empty() {
            String::new()
        } else {
            format!("{base}.")
        };
        names
            .into_iter()
            .map(|n| format!("{lead}{base}{n}"))
            .collect()
    }

    /// Ends an unfinished multi-line input (the input stream closed): its syntax error, as
    /// babel reports it, or `None` when nothing was pending.
    pub fn finish(&mut self, store: &mut Store) -> Option<Reply> {
        if self.pending.is_empty() {
            return None;
        }
        let source = std::mem::take(&mut self.pending);
        let error = match self.run(store, &source) {
            Ok(outcome) => {
                return Some(Reply {
                    output: outcome.output,
                    ok: true,
                    exit: false,
                    incomplete: false,
                    changed: outcome.changed,
                    error: None,
                })
            }
            Err(e) => e,
        };
        Some(Reply {
            output: error.shell_text(),
            ok: false,
            exit: false,
            incomplete: false,
            changed: Vec::new(),
            error: Some(error),
        })
    }

    /// Evaluates a complete input; unfinished input is a syntax error here.
    pub fn run(&mut self, store: &mut Store, line: &str) -> Result<Outcome, DocError> {
        store.take_changes();
        let before = store.clone();
        match self.exec(store, line, false) {
            Ok(Some(output)) => Ok(Outcome {
                output,
                changed: store.take_changes(),
            }),
            Ok(None) => unreachable!("run: incomplete input is reported as an error"),
            Err(e) if e.is_exit() => {
                restore(store, before, &e);
                Ok(Outcome {
                    output: std::mem::take(&mut self.printed_before_error).join("\n"),
                    changed: store.take_changes(),
                })
            }
            Err(e) => {
                restore(store, before, &e);
                Err(e)
            }
        }
    }

    fn exec(
        &mut self,
        store: &mut Store,
        source: &str,
        allow_incomplete: bool,
    ) -> Result<Option<String>, DocError> {
        if !source.contains('\n') {
            if let Some(out) = self.shell_command(store, source.trim())? {
                return Ok(Some(out));
            }
        }
        let text = format!("{source}\n");
        let stmts = match parser::parse(&text)? {
            Parsed::Program(p) => p,
            Parsed::Incomplete(_) if allow_incomplete => return Ok(None),
            Parsed::Incomplete(e) => return Err(e),
        };
        let mut out = Vec::new();
        self.steps = 0;
        self.call_depth = 0;
        match self.exec_statements(store, &stmts, &mut out) {
            Ok(last) => {
                let shown = self.show(store, &last)?;
                if !shown.is_empty() {
                    out.push(shown);
                }
                Ok(Some(out.join("\n")))
            }
            Err(e) => {
                // What `print` wrote before the failure stays on the screen.
                self.printed_before_error = out;
                Err(e)
            }
        }
    }

    fn exec_statements(
        &mut self,
        store: &mut Store,
        stmts: &[Stmt],
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        let mut last = Js::V(Value::Undefined);
        for stmt in stmts {
            last = Js::V(Value::Undefined);
            match stmt {
                Stmt::Declare { kind, bindings } => {
                    for (name, init) in bindings {
                        if *kind != DeclKind::Var && (self.vars.contains_key(name) || name == "db")
                        {
                            return Err(DocError::already_declared(name));
                        }
                        let v = match init {
                            Some(e) => self.eval_expr(store, e, out)?,
                            None => Js::V(Value::Undefined),
                        };
                        self.vars
                            .insert(name.clone(), (Arc::new(v), *kind == DeclKind::Const));
                    }
                }
                Stmt::Expr(e) => last = self.eval_expr(store, e, out)?,
            }
        }
        Ok(last)
    }

    fn shell_command(&mut self, store: &mut Store, t: &str) -> Result<Option<String>, DocError> {
        let mut words = t.split_whitespace();
        let (Some(cmd), arg, rest) = (words.next(), words.next(), words.next()) else {
            return Ok(None);
        };
        let arg = arg.map(|a| a.trim_end_matches(';'));
        match (cmd, arg, rest) {
            ("use", Some(name), None) => {
                // mongosh's isValidDatabaseName.
                if name.contains(['/', '\\', '.', ' ', '"', '\0']) {
                    return Err(DocError::invalid_input(format!(
                        "[COMMON-10001] Invalid database name: {name}"
                    )));
                }
                if name == self.db {
                    return Ok(Some(format!("already on db {name}")));
                }
                self.db = name.to_string();
                Ok(Some(format!("switched to db {name}")))
            }
            ("show", Some("dbs" | "databases"), None) => {
                let rows = store.database_sizes();
                let width = rows
                    .iter()
                    .map(|(n, _)| n.chars().count())
                    .max()
                    .unwrap_or(0);
                let sizes: Vec<String> = rows.iter().map(|(_, s)| format_bytes(*s)).collect();
                let swidth = sizes.iter().map(|s| s.len()).max().unwrap_or(0);
                Ok(Some(
                    rows.iter()
                        .zip(sizes.iter())
                        .map(|((n, _), s)| format!("{n:<width$}  {s:>swidth$}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ))
            }
            ("show", Some("collections" | "tables"), None) => {
                Ok(Some(store.collection_names(&self.db).join("\n")))
            }
            ("help", None, None) | ("help()", None, None) => Ok(Some(SHELL_HELP.to_string())),
            ("it", None, None) => {
                let Some((cursor, pos)) = self.last_cursor.clone() else {
                    return Ok(Some("no cursor".into()));
                };
                Ok(Some(self.print_batch(store, &cursor, pos)?))
            }
            ("show", Some("users"), None) => Ok(Some("[]".into())),
            ("show", Some("profile"), None) => Ok(Some(
                "db.system.profile is empty.\nUse db.setProfilingLevel(2) will enable profiling.\nUse db.getCollection('system.profile').find() to show raw profile entries.".into(),
            )),
            ("show", Some(other), None) => Err(DocError::invalid_input(format!(
                "[COMMON-10001] '{other}' is not a valid argument for \"show\"."
            ))),
            _ => Ok(None),
        }
    }

    fn print_batch(
        &mut self,
        store: &Store,
        cursor: &Cursor,
        pos: usize,
    ) -> Result<String, DocError> {
        let docs = cursor.values(store)?;
        let batch: Vec<Value> = docs.iter().skip(pos).take(BATCH).cloned().collect();
        if batch.is_empty() {
            self.last_cursor = None;
            return Ok(if pos == 0 {
                String::new()
            } else {
                "no cursor".into()
            });
        }
        let more = docs.len() > pos + batch.len();
        let mut text = inspect(&Value::Array(batch.clone()), InspectOptions::full());
        if more {
            self.last_cursor = Some((cursor.clone(), pos + batch.len()));
            text.push_str("\nType \"it\" for more");
        } else {
            self.last_cursor = None;
        }
        Ok(text)
    }

    fn show(&mut self, store: &Store, v: &Js) -> Result<String, DocError> {
        Ok(match v {
            Js::V(Value::Undefined) => String::new(),
            Js::V(Value::String(s))
                if !s
                    .chars()
                    .any(|c| (c as u32) < 0x20 && c != '\n' && c != '\t') =>
            {
                s.clone()
            }
            Js::V(v) => inspect(v, InspectOptions::simple()),
            Js::Db(name) => name.clone(),
            Js::Coll(db, c) => format!("{db}.{c}"),
            Js::Cursor(c) => self.print_batch(store, c, 0)?,
            Js::Method(_, name) | Js::Global(name) => format!("[Function: {name}]"),
            Js::Func(_) => "[Function (anonymous)]".into(),
        })
    }

    fn lookup_var(&self, name: &str) -> Result<Js, DocError> {
        if let Some((v, _)) = self.vars.get(name) {
            return Ok(Js::clone(v));
        }
        if name == "db" {
            return Ok(Js::Db(self.db.clone()));
        }
        if GLOBALS.contains(&name) {
            return Ok(Js::Global(name.to_string()));
        }
        match name {
            "NaN" => Ok(Js::V(Value::Double(f64::NAN))),
            "Infinity" => Ok(Js::V(Value::Double(f64::INFINITY))),
            _ => Err(DocError::not_defined(name)),
        }
    }

    fn eval_value(
        &mut self,
        store: &mut Store,
        e: &Expr,
        out: &mut Vec<String>,
    ) -> Result<Value, DocError> {
        let js = self.eval_expr(store, e, out)?;
        Ok(to_value(js))
    }

    fn eval_expr(
        &mut self,
        store: &mut Store,
        e: &Expr,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        // Functions can call each other without loops, so bound the work of one line.
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(DocError::range(
                "Maximum evaluation steps exceeded (the simulated shell stops runaway code)",
            ));
        }
        Ok(match e {
            Expr::Number(n) => Js::V(Value::Double(*n)),
            Expr::Str(s) => Js::V(Value::String(s.clone())),
            Expr::Bool(b) => Js::V(Value::Bool(*b)),
            Expr::Null => Js::V(Value::Null),
            Expr::Undefined => Js::V(Value::Undefined),
            Expr::Regex { pattern, flags } => Js::V(Value::Regex {
                pattern: pattern.clone(),
                flags: flags.clone(),
            }),
            Expr::Array(items) => {
                let mut vals = Vec::new();
                for it in items {
                    vals.push(self.eval_value(store, it, out)?);
                }
                let v = Value::Array(vals);
                if depth_of(&v) > MAX_VALUE_DEPTH {
                    return Err(DocError::range("Maximum call stack size exceeded"));
                }
                Js::V(v)
            }
            Expr::Object(props) => {
                let mut d = Document::new();
                for (k, v) in props {
                    let v = self.eval_value(store, v, out)?;
                    d.insert(k.clone(), v);
                }
                let v = Value::Document(d);
                if depth_of(&v) > MAX_VALUE_DEPTH {
                    return Err(DocError::range("Maximum call stack size exceeded"));
                }
                Js::V(v)
            }
            Expr::Ident(name) => self.lookup_var(name)?,
            Expr::Member(obj, name) => {
                let o = self.eval_expr(store, obj, out)?;
                member(o, name)?
            }
            Expr::Index(obj, idx) => {
                let o = self.eval_expr(store, obj, out)?;
                let key = match self.eval_value(store, idx, out)? {
                    Value::String(s) => s,
                    Value::Double(n) => js_number(n),
                    other => to_js_string(&other),
                };
                member(o, &key)?
            }
            Expr::Call(callee, args) => {
                let f = match callee.as_ref() {
                    Expr::Member(obj, name) => {
                        let o = self.eval_expr(store, obj, out)?;
                        member(o, name)?
                    }
                    other => self.eval_expr(store, other, out)?,
                };
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval_expr(store, a, out)?);
                }
                self.call(store, f, vals, &callee.callee_text(), out)?
            }
            Expr::New(name, args) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval_value(store, a, out)?);
                }
                match name.as_str() {
                    "Date" => Js::V(make_date(store, &vals, true)?),
                    "ObjectId" | "ISODate" | "NumberInt" | "NumberLong" | "NumberDecimal"
                    | "Int32" | "Long" | "Decimal128" => self.call(
                        store,
                        Js::Global(name.clone()),
                        vals.into_iter().map(Js::V).collect(),
                        name,
                        out,
                    )?,
                    other => {
                        self.lookup_var(other)?;
                        return Err(DocError::type_error(format!(
                            "{other} is not a constructor"
                        )));
                    }
                }
            }
            Expr::Unary(op, x) => {
                let v = self.eval_value(store, x, out)?;
                Js::V(match op {
                    UnaryOp::Neg => Value::Double(-to_number(&v)),
                    UnaryOp::Plus => Value::Double(to_number(&v)),
                    UnaryOp::Not => Value::Bool(!crate::doc::query::truthy(&v)),
                    UnaryOp::TypeOf => Value::String(
                        match v {
                            Value::Undefined => "undefined",
                            Value::Double(_) => "number",
                            Value::String(_) => "string",
                            Value::Bool(_) => "boolean",
                            _ => "object",
                        }
                        .into(),
                    ),
                })
            }
            Expr::Binary(op, a, b) => {
                let x = self.eval_value(store, a, out)?;
                match op {
                    BinOp::And if !crate::doc::query::truthy(&x) => return Ok(Js::V(x)),
                    BinOp::Or if crate::doc::query::truthy(&x) => return Ok(Js::V(x)),
                    BinOp::Nullish if !matches!(x, Value::Null | Value::Undefined) => {
                        return Ok(Js::V(x))
                    }
                    _ => {}
                }
                let y = self.eval_value(store, b, out)?;
                Js::V(binary(*op, x, y)?)
            }
            Expr::Cond(c, a, b) => {
                let c = self.eval_value(store, c, out)?;
                if crate::doc::query::truthy(&c) {
                    self.eval_expr(store, a, out)?
                } else {
                    self.eval_expr(store, b, out)?
                }
            }
            Expr::Arrow(params, body) => Js::Func(Arc::new((params.clone(), (**body).clone()))),
            Expr::Sequence(items) => {
                let mut last = Js::V(Value::Undefined);
                for it in items {
                    last = self.eval_expr(store, it, out)?;
                }
                last
            }
            Expr::Assign(target, value) => {
                let v = self.eval_expr(store, value, out)?;
                self.assign(store, target, v.clone(), out)?;
                v
            }
        })
    }

    fn assign(
        &mut self,
        store: &mut Store,
        target: &Expr,
        v: Js,
        out: &mut Vec<String>,
    ) -> Result<(), DocError> {
        match target {
            Expr::Ident(name) => {
                match self.vars.get(name) {
                    Some((_, true)) => return Err(DocError::const_assignment()),
                    Some(_) => {}
                    None if name == "db" => {
                        return Err(DocError::type_error("Cannot reassign 'db'"))
                    }
                    None => return Err(DocError::not_defined(name)),
                }
                self.vars.insert(name.clone(), (Arc::new(v), false));
                Ok(())
            }
            Expr::Member(obj, _) | Expr::Index(obj, _)
                if matches!(obj.as_ref(), Expr::Ident(_)) =>
            {
                let key = match target {
                    Expr::Index(_, idx) => match self.eval_value(store, idx, out)? {
                        Value::String(s) => s,
                        Value::Double(n) => js_number(n),
                        other => to_js_string(&other),
                    },
                    Expr::Member(_, field) => field.clone(),
                    _ => unreachable!("assign: member or index"),
                };
                let Expr::Ident(name) = obj.as_ref() else {
                    unreachable!("assign: checked above")
                };
                let (cur, is_const) = match self.vars.get(name) {
                    Some((v, c)) => (Js::clone(v), *c),
                    None => return Err(DocError::not_defined(name)),
                };
                let new = match cur {
                    Js::V(Value::Document(mut d)) => {
                        d.insert(key, to_value(v));
                        Value::Document(d)
                    }
                    Js::V(Value::Array(mut a)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            if i > 100_000 {
                                return Err(DocError::range("Invalid array length"));
                            }
                            while a.len() <= i {
                                a.push(Value::Undefined);
                            }
                            a[i] = to_value(v);
                        }
                        Value::Array(a)
                    }
                    Js::V(Value::Undefined) | Js::V(Value::Null) => {
                        return Err(DocError::type_error(format!(
                            "Cannot set properties of {} (setting '{key}')",
                            if matches!(cur, Js::V(Value::Null)) {
                                "null"
                            } else {
                                "undefined"
                            }
                        )))
                    }
                    // JavaScript ignores properties set on primitives; the shell's own objects
                    // (db, collections, cursors) keep theirs too.
                    _ => return Ok(()),
                };
                if depth_of(&new) > MAX_VALUE_DEPTH {
                    return Err(DocError::range("Maximum call stack size exceeded"));
                }
                self.vars
                    .insert(name.clone(), (Arc::new(Js::V(new)), is_const));
                Ok(())
            }
            Expr::Call(..) => Err(DocError::syntax_plain(
                "Invalid left-hand side in assignment",
            )),
            _ => Err(DocError::invalid_input(
                "Only variables and their direct fields can be assigned in this shell",
            )),
        }
    }

    fn call(
        &mut self,
        store: &mut Store,
        f: Js,
        args: Vec<Js>,
        callee: &str,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        match f {
            Js::Global(name) => self.call_global(store, &name, args, out),
            Js::Func(func) => self.call_function(store, &func, args, out),
            Js::Method(recv, name) => match *recv {
                Js::Db(db) => self.call_db(store, &db, &name, args),
                Js::Coll(db, coll) => self.call_coll(store, &db, &coll, &name, args, out),
                Js::Cursor(c) => self.call_cursor(store, *c, &name, args, out),
                Js::V(Value::Array(items))
                    if matches!(name.as_str(), "map" | "filter" | "forEach") =>
                {
                    let f = args.into_iter().next().unwrap_or(Js::V(Value::Undefined));
                    self.iterate(store, &name, items, f, true, out)
                }
                Js::V(v) => call_value_method(v, &name, args),
                _ => Err(DocError::not_a_function(callee)),
            },
            _ => Err(DocError::not_a_function(callee)),
        }
    }

    /// Calls an arrow function: parameters are bound over the session's variables for the
    /// duration of the call (the shell has no other scopes to close over).
    fn call_function(
        &mut self,
        store: &mut Store,
        func: &(Vec<String>, Expr),
        args: Vec<Js>,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        if self.call_depth >= MAX_CALL_DEPTH {
            return Err(DocError::range("Maximum call stack size exceeded"));
        }
        let (params, body) = func;
        let mut saved = Vec::new();
        let mut args = args.into_iter();
        for p in params {
            let v = args.next().unwrap_or(Js::V(Value::Undefined));
            saved.push((p.clone(), self.vars.insert(p.clone(), (Arc::new(v), false))));
        }
        self.call_depth += 1;
        let result = self.eval_expr(store, body, out);
        self.call_depth -= 1;
        for (p, old) in saved.into_iter().rev() {
            match old {
                Some(v) => self.vars.insert(p, v),
                None => self.vars.remove(&p),
            };
        }
        result
    }

    /// `forEach`, `map` and `filter` over documents or array items.
    fn iterate(
        &mut self,
        store: &mut Store,
        method: &str,
        items: Vec<Value>,
        f: Js,
        with_index: bool,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        if !matches!(f, Js::Func(_) | Js::Global(_)) {
            return Err(DocError::type_error(format!(
                "{} is not a function",
                match &f {
                    Js::V(v) => inspect(v, InspectOptions::simple()),
                    _ => "argument".into(),
                }
            )));
        }
        let mut mapped = Vec::new();
        for (i, it) in items.into_iter().enumerate() {
            let mut args = vec![Js::V(it.clone())];
            if with_index {
                args.push(Js::V(num(i as i64)));
            }
            let r = self.call(store, f.clone(), args, "callback", out)?;
            match method {
                "map" => mapped.push(to_value(r)),
                "filter" if crate::doc::query::truthy(&to_value(r)) => mapped.push(it),
                _ => {}
            }
        }
        Ok(Js::V(if method == "forEach" {
            Value::Undefined
        } else {
            Value::Array(mapped)
        }))
    }
}

/// A failed line changes nothing, with one exception taken from MongoDB itself: an ordered
/// `insertMany` keeps the documents it inserted before the failing one (the error reports
/// them), because MongoDB has no multi-document atomicity without a transaction. `exit()` is
/// not a failure: what ran before it stays.
fn restore(store: &mut Store, before: Store, e: &DocError) {
    if !e.is_exit() && e.kind != super::error::ErrorKind::BulkWrite {
        *store = before;
    }
}

fn to_value(js: Js) -> Value {
    match js {
        Js::V(v) => v,
        Js::Db(name) => Value::String(name),
        Js::Coll(db, c) => Value::String(format!("{db}.{c}")),
        Js::Cursor(_) | Js::Method(..) | Js::Global(_) | Js::Func(_) => {
            Value::Document(Document::new())
        }
    }
}

fn depth_of(v: &Value) -> usize {
    match v {
        Value::Document(d) => 1 + d.iter().map(|(_, v)| depth_of(v)).max().unwrap_or(0),
        Value::Array(a) => 1 + a.iter().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

fn member(o: Js, name: &str) -> Result<Js, DocError> {
    Ok(match o {
        Js::Db(db) => {
            if DB_METHODS.contains(&name) {
                Js::Method(Box::new(Js::Db(db)), name.into())
            } else {
                Js::Coll(db, name.into())
            }
        }
        Js::Coll(db, coll) => {
            if COLL_METHODS.contains(&name) {
                Js::Method(Box::new(Js::Coll(db, coll)), name.into())
            } else {
                Js::Coll(db, format!("{coll}.{name}"))
            }
        }
        Js::Cursor(c) => {
            if CURSOR_METHODS.contains(&name) {
                Js::Method(Box::new(Js::Cursor(c)), name.into())
            } else {
                Js::V(Value::Undefined)
            }
        }
        Js::V(Value::Undefined) => return Err(DocError::cannot_read("undefined", name)),
        Js::V(Value::Null) => return Err(DocError::cannot_read("null", name)),
        Js::V(Value::Document(d)) => Js::V(d.get(name).cloned().unwrap_or(Value::Undefined)),
        Js::V(Value::Array(a)) => {
            if name == "length" {
                Js::V(num(a.len() as i64))
            } else if let Ok(i) = name.parse::<usize>() {
                Js::V(a.get(i).cloned().unwrap_or(Value::Undefined))
            } else if matches!(
                name,
                "join" | "includes" | "indexOf" | "map" | "filter" | "forEach"
            ) {
                Js::Method(Box::new(Js::V(Value::Array(a))), name.into())
            } else {
                Js::V(Value::Undefined)
            }
        }
        Js::V(Value::String(s)) => {
            if name == "length" {
                Js::V(num(s.encode_utf16().count() as i64))
            } else if matches!(
                name,
                "toUpperCase"
                    | "toLowerCase"
                    | "trim"
                    | "includes"
                    | "startsWith"
                    | "endsWith"
                    | "indexOf"
            ) {
                Js::Method(Box::new(Js::V(Value::String(s))), name.into())
            } else {
                Js::V(Value::Undefined)
            }
        }
        Js::V(
            v @ (Value::ObjectId(_)
            | Value::Date(_)
            | Value::Int64(_)
            | Value::Decimal(_)
            | Value::Int32(_)),
        ) if matches!(
            name,
            "toString" | "getTimestamp" | "toHexString" | "getTime" | "toISOString" | "valueOf"
        ) =>
        {
            Js::Method(Box::new(Js::V(v)), name.into())
        }
        Js::V(Value::ObjectId(b)) if name == "str" => Js::V(Value::String(oid_hex(&b))),
        Js::V(_) => Js::V(Value::Undefined),
        // mongosh's console.log and friends print like print().
        Js::Global(g) if g == "console" && matches!(name, "log" | "info" | "warn" | "error") => {
            Js::Global("print".into())
        }
        Js::Method(..) | Js::Global(_) | Js::Func(_) => Js::V(Value::Undefined),
    })
}

/// numeral's `0.00 ib` format as `show dbs` uses it.
fn format_bytes(n: i64) -> String {
    if n <= 1000 {
        return format!("{n} B");
    }
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < units.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.2} {}", units[u])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_like_numeral() {
        for (n, text) in [
            (0, "0 B"),
            (1000, "1000 B"),
            (1024, "1.00 KiB"),
            (8192, "8.00 KiB"),
            (40_960, "40.00 KiB"),
            (1_500_000, "1.43 MiB"),
        ] {
            assert_eq!(format_bytes(n), text);
        }
    }
}

//! The mongosh session: the current database, variables, multi-line input, the last cursor
//! (for `it`), and the evaluation of parsed statements against a [`Store`].
//!
//! Life of a line: `use`/`show`/`it`/`exit` are shell commands; anything else is parsed
//! ([`parser::parse`]), evaluated statement by statement, and the value of the last
//! statement is printed in mongosh's notation ([`format`]). An error prints as mongosh
//! prints it and restores the ObjectId counter, so a failed line leaves the store as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::ast::{BinOp, DeclKind, Expr, Stmt, UnaryOp};
use super::error::DocError;
use super::format::{inspect, js_number, InspectOptions};
use super::parser::{self, Parsed};
use super::store::{FindOptions, Store};
use super::value::{iso_date, oid_hex, parse_iso_date, parse_oid, Document, Value};

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// Exactly what mongosh prints, errors included (no trailing newline).
    pub output: String,
    /// False when the line failed.
    pub ok: bool,
    /// True after `exit`, `quit` or `.exit`.
    pub exit: bool,
    /// True when the input is unfinished (an open bracket): the caller shows `... ` and
    /// sends the next line.
    pub incomplete: bool,
    /// Namespaces (`shop.users`) the line wrote to, sorted; empty when it failed (except for
    /// the documents an `insertMany` kept).
    pub changed: Vec<String>,
}

/// A mongosh session.
#[derive(Clone, Debug)]
pub struct Shell {
    db: String,
    vars: BTreeMap<String, (Js, bool)>,
    pending: String,
    last_cursor: Option<(Cursor, usize)>,
    warnings_shown: BTreeSet<String>,
    printed_before_error: Vec<String>,
    call_depth: usize,
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

/// Deepest nesting of arrow-function calls (a function can call itself through a variable).
const MAX_CALL_DEPTH: usize = 64;

const GLOBALS: [&str; 17] = [
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

const DB_METHODS: [&str; 9] = [
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

const COLL_METHODS: [&str; 23] = [
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
                }
            }
            Err(e) => {
                self.pending.clear();
                restore(store, before, &e);
                // A failed line leaves the session as it was, too.
                (self.db, self.vars, self.last_cursor) = session;
                let mut lines = std::mem::take(&mut self.printed_before_error);
                lines.push(e.shell_text());
                Reply {
                    changed: store.take_changes(),
                    output: lines.join("\n"),
                    ok: false,
                    exit: e.message == "\u{0}exit",
                    incomplete: false,
                }
            }
        }
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
                            .insert(name.clone(), (v, *kind == DeclKind::Const));
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
                if name.is_empty()
                    || name.contains(['/', '\\', '.', '"', '$', '*', '<', '>', ':', '|', '?'])
                    || name.len() > 63
                {
                    return Err(DocError::invalid_input(format!(
                        "Invalid database name: {name}"
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
            ("it", None, None) => {
                let Some((cursor, pos)) = self.last_cursor.clone() else {
                    return Ok(Some("no cursor".into()));
                };
                Ok(Some(self.print_batch(store, &cursor, pos)?))
            }
            ("show", Some(other), None) => Err(DocError::invalid_input(format!(
                "'{other}' is not a valid argument for \"show\"."
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
        let docs = store.find(&cursor.db, &cursor.coll, &cursor.filter, &cursor.opts)?;
        let batch: Vec<Value> = docs
            .iter()
            .skip(pos)
            .take(BATCH)
            .map(|d| Value::Document(d.to_shell()))
            .collect();
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
            return Ok(v.clone());
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
                Js::V(Value::Array(vals))
            }
            Expr::Object(props) => {
                let mut d = Document::new();
                for (k, v) in props {
                    let v = self.eval_value(store, v, out)?;
                    d.insert(k.clone(), v);
                }
                let v = Value::Document(d);
                if depth_of(&v) > 100 {
                    return Err(DocError::range("Maximum call stack size exceeded"));
                }
                Js::V(v)
            }
            Expr::Ident(name) => self.lookup_var(name)?,
            Expr::Member(obj, name) => {
                let o = self.eval_expr(store, obj, out)?;
                member(o, name, &obj.callee_text())?
            }
            Expr::Index(obj, idx) => {
                let o = self.eval_expr(store, obj, out)?;
                let key = match self.eval_value(store, idx, out)? {
                    Value::String(s) => s,
                    Value::Double(n) => js_number(n),
                    other => to_js_string(&other),
                };
                member(o, &key, &obj.callee_text())?
            }
            Expr::Call(callee, args) => {
                let f = match callee.as_ref() {
                    Expr::Member(obj, name) => {
                        let o = self.eval_expr(store, obj, out)?;
                        member(o, name, &obj.callee_text())?
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
                    UnaryOp::Not => Value::Bool(!super::query::truthy(&v)),
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
                    BinOp::And if !super::query::truthy(&x) => return Ok(Js::V(x)),
                    BinOp::Or if super::query::truthy(&x) => return Ok(Js::V(x)),
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
                if super::query::truthy(&c) {
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
                self.vars.insert(name.clone(), (v, false));
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
                    Some(x) => x.clone(),
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
                    other => other_unchanged(other)?,
                };
                if depth_of(&new) > 100 {
                    return Err(DocError::range("Maximum call stack size exceeded"));
                }
                self.vars.insert(name.clone(), (Js::V(new), is_const));
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
            saved.push((p.clone(), self.vars.insert(p.clone(), (v, false))));
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
                "filter" if super::query::truthy(&to_value(r)) => mapped.push(it),
                _ => {}
            }
        }
        Ok(Js::V(if method == "forEach" {
            Value::Undefined
        } else {
            Value::Array(mapped)
        }))
    }

    fn call_global(
        &mut self,
        store: &mut Store,
        name: &str,
        args: Vec<Js>,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        let first = vals.first().cloned().unwrap_or(Value::Undefined);
        Ok(Js::V(match name {
            "ObjectId" => match &first {
                Value::Undefined => Value::ObjectId(store.next_object_id()),
                Value::String(h) => match parse_oid(h) {
                    Some(b) => Value::ObjectId(b),
                    None => return Err(DocError::bson(
                        "input must be a 24 character hex string, 12 byte Uint8Array, or an integer",
                    )),
                },
                Value::ObjectId(b) => Value::ObjectId(*b),
                _ => return Err(DocError::bson(
                    "input must be a 24 character hex string, 12 byte Uint8Array, or an integer",
                )),
            },
            "ISODate" => match &first {
                Value::Undefined => Value::Date(store.clock()),
                Value::String(s) => match parse_iso_date(s) {
                    Some(ms) => Value::Date(ms),
                    None => {
                        return Err(DocError::invalid_input(format!(
                            "[COMMON-10001] \"{s}\" is not a valid ISODate"
                        )))
                    }
                },
                Value::Double(n) => Value::Date(*n as i64),
                Value::Date(ms) => Value::Date(*ms),
                _ => return Err(DocError::generic("invalid ISODate")),
            },
            "Date" => Value::String(date_string(store.clock())),
            "NumberInt" | "Int32" => {
                let n = to_number(&first);
                Value::Int32(if n.is_finite() { n.trunc() as i32 } else { 0 })
            }
            "NumberLong" | "Long" => match &first {
                // bson's Long.fromString reads what it can and yields 0 for non-numbers.
                Value::String(s) => Value::Int64(s.trim().parse::<i64>().unwrap_or(0)),
                other => {
                    let n = to_number(other);
                    Value::Int64(if n.is_finite() { n.trunc() as i64 } else { 0 })
                }
            },
            "NumberDecimal" | "Decimal128" => {
                let s = match &first {
                    Value::String(s) => s.trim().to_string(),
                    Value::Undefined => "0".into(),
                    other => to_js_string(other),
                };
                if s.parse::<f64>().is_err() && !matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") {
                    return Err(DocError::bson(format!("{s} not a valid Decimal128 string")));
                }
                Value::Decimal(s)
            }
            "Double" | "Number" => Value::Double(to_number(&first)),
            "String" => Value::String(to_js_string(&first)),
            "Boolean" => Value::Bool(super::query::truthy(&first)),
            "print" => {
                let parts: Vec<String> = vals
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => inspect(other, InspectOptions::simple()),
                    })
                    .collect();
                out.push(parts.join(" "));
                Value::Undefined
            }
            "printjson" => {
                let parts: Vec<String> = vals
                    .iter()
                    .map(|v| inspect(v, InspectOptions::printjson()))
                    .collect();
                out.push(parts.join(" "));
                Value::Undefined
            }
            "exit" | "quit" => return Err(DocError::exit()),
            other => return Err(DocError::not_a_function(other)),
        }))
    }

    fn call_db(
        &mut self,
        store: &mut Store,
        db: &str,
        name: &str,
        args: Vec<Js>,
    ) -> Result<Js, DocError> {
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        Ok(match name {
            "getCollectionNames" => Js::V(Value::Array(
                store
                    .collection_names(db)
                    .into_iter()
                    .map(Value::String)
                    .collect(),
            )),
            "getCollection" => match vals.first() {
                Some(Value::String(s)) if !s.is_empty() => Js::Coll(db.into(), s.clone()),
                _ => return Err(DocError::invalid_input("Collection name must be a string")),
            },
            "getSiblingDB" => match vals.first() {
                Some(Value::String(s)) if !s.is_empty() => Js::Db(s.clone()),
                _ => return Err(DocError::invalid_input("Database name must be a string")),
            },
            "getName" | "toString" => Js::V(Value::String(db.into())),
            "createCollection" => {
                let Some(Value::String(coll)) = vals.first() else {
                    return Err(missing_arg(0, "Database.createCollection"));
                };
                let validator = match vals.get(1) {
                    Some(Value::Document(opts)) => match opts.get("validator") {
                        Some(Value::Document(v)) => Some(v.clone()),
                        Some(_) => {
                            return Err(DocError::type_mismatch_cmd(
                                "BSON field 'create.validator' is the wrong type, expected type 'object'",
                            ))
                        }
                        None => None,
                    },
                    _ => None,
                };
                store.create_collection(db, coll, validator)?;
                Js::V(doc_of(vec![("ok", num(1))]))
            }
            "dropDatabase" => {
                store.drop_database(db);
                Js::V(doc_of(vec![
                    ("ok", num(1)),
                    ("dropped", Value::String(db.into())),
                ]))
            }
            "getCollectionInfos" => Js::V(Value::Array(
                store
                    .collection_names(db)
                    .into_iter()
                    .map(|n| {
                        doc_of(vec![
                            ("name", Value::String(n)),
                            ("type", Value::String("collection".into())),
                        ])
                    })
                    .collect(),
            )),
            _ => return Err(DocError::not_a_function(&format!("db.{name}"))),
        })
    }

    fn call_coll(
        &mut self,
        store: &mut Store,
        db: &str,
        coll: &str,
        name: &str,
        args: Vec<Js>,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        let deprecated = match name {
            "insert" => {
                Some("Collection.insert() is deprecated. Use insertOne, insertMany, or bulkWrite.")
            }
            "count" => Some(
                "Collection.count() is deprecated. Use countDocuments or estimatedDocumentCount.",
            ),
            _ => None,
        };
        if let Some(message) = deprecated {
            // mongosh prints each deprecation warning once per session.
            if self.warnings_shown.insert(message.to_string()) {
                out.push(format!("DeprecationWarning: {message}"));
            }
        }
        let doc_arg = |i: usize, method: &str| -> Result<Document, DocError> {
            match vals.get(i) {
                Some(Value::Document(d)) => Ok(d.clone()),
                None | Some(Value::Undefined) => Err(missing_arg(i, method)),
                Some(other) => Err(DocError::invalid_argument(format!(
                    "Argument at position {i} must be of type object, got {} instead",
                    js_type(other)
                ))),
            }
        };
        let opt_doc = |i: usize| -> Result<Document, DocError> {
            match vals.get(i) {
                Some(Value::Document(d)) => Ok(d.clone()),
                None | Some(Value::Undefined) | Some(Value::Null) => Ok(Document::new()),
                Some(other) => Err(DocError::invalid_argument(format!(
                    "Argument at position {i} must be of type object, got {} instead",
                    js_type(other)
                ))),
            }
        };
        Ok(Js::V(match name {
            "insert" => {
                let items = match vals.first() {
                    Some(Value::Array(items)) => items.clone(),
                    None | Some(Value::Undefined) => {
                        return Err(missing_arg(0, "Collection.insert"))
                    }
                    Some(other) => vec![other.clone()],
                };
                return self.call_coll(
                    store,
                    db,
                    coll,
                    "insertMany",
                    vec![Js::V(Value::Array(items))],
                    out,
                );
            }
            "insertOne" => {
                let d = doc_arg(0, "Collection.insertOne")?;
                let id = store
                    .insert_one(db, coll, &d)
                    .map_err(DocError::as_write_error)?;
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    ("insertedId", id.to_shell()),
                ])
            }
            "insertMany" => {
                let items = match vals.first() {
                    Some(Value::Array(items)) => items.clone(),
                    None | Some(Value::Undefined) => {
                        return Err(missing_arg(0, "Collection.insertMany"))
                    }
                    Some(_) => {
                        return Err(DocError::invalid_argument(
                            "Argument \"docs\" must be an array of documents",
                        ))
                    }
                };
                let mut docs = Vec::new();
                for it in &items {
                    match it {
                        Value::Document(d) => docs.push(d.clone()),
                        _ => {
                            return Err(DocError::invalid_argument(
                                "Argument \"docs\" must be an array of documents",
                            ))
                        }
                    }
                }
                if docs.is_empty() {
                    return Err(DocError::invalid_argument(
                        "Invalid BulkOperation, Batch cannot be empty",
                    ));
                }
                let docs = store.assign_ids(&docs);
                let mut ids = Document::new();
                let mut inserted = Vec::new();
                for (i, d) in docs.iter().enumerate() {
                    match store.insert_one(db, coll, d) {
                        Ok(id) => {
                            ids.insert(i.to_string(), id.to_shell());
                            inserted.push(id.to_shell());
                        }
                        Err(e) => {
                            return Err(DocError::bulk_write(
                                e,
                                i,
                                Value::Document(d.clone()),
                                inserted,
                            ))
                        }
                    }
                }
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    ("insertedIds", Value::Document(ids)),
                ])
            }
            "find" => {
                let filter = opt_doc(0)?;
                let projection = match vals.get(1) {
                    Some(Value::Document(p)) if !p.is_empty() => Some(p.clone()),
                    _ => None,
                };
                let cursor = Cursor {
                    db: db.into(),
                    coll: coll.into(),
                    filter,
                    opts: FindOptions {
                        projection,
                        ..FindOptions::default()
                    },
                };
                // Validate now so errors surface on the line that caused them.
                store.find(db, coll, &cursor.filter, &cursor.opts)?;
                return Ok(Js::Cursor(Box::new(cursor)));
            }
            "findOne" => {
                let filter = opt_doc(0)?;
                let projection = match vals.get(1) {
                    Some(Value::Document(p)) if !p.is_empty() => Some(p.clone()),
                    _ => None,
                };
                let opts = FindOptions {
                    projection,
                    limit: 1,
                    ..FindOptions::default()
                };
                match store.find(db, coll, &filter, &opts)?.into_iter().next() {
                    Some(d) => Value::Document(d.to_shell()),
                    None => Value::Null,
                }
            }
            "updateOne" | "updateMany" | "replaceOne" => {
                let method = format!("Collection.{name}");
                let filter = doc_arg(0, &method)?;
                let change = doc_arg(1, &method)?;
                let opts = opt_doc(2)?;
                let upsert = opts.get("upsert").is_some_and(super::query::truthy);
                let replace = name == "replaceOne";
                if replace {
                    if super::update::has_operators(&change) {
                        return Err(DocError::replacement_has_operators());
                    }
                } else if !super::update::has_operators(&change) {
                    return Err(DocError::requires_atomic_operators());
                }
                let r = store
                    .update(
                        db,
                        coll,
                        &filter,
                        &change,
                        name == "updateMany",
                        upsert,
                        replace,
                    )
                    .map_err(DocError::as_write_error)?;
                let upserted = r.upserted_id.is_some();
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    (
                        "insertedId",
                        r.upserted_id.map(|v| v.to_shell()).unwrap_or(Value::Null),
                    ),
                    ("matchedCount", num(r.matched)),
                    ("modifiedCount", num(r.modified)),
                    ("upsertedCount", num(i64::from(upserted))),
                ])
            }
            "findOneAndUpdate" | "findOneAndReplace" | "findOneAndDelete" => {
                let method = format!("Collection.{name}");
                let filter = doc_arg(0, &method)?;
                let deleting = name == "findOneAndDelete";
                let change = if deleting {
                    Document::new()
                } else {
                    doc_arg(1, &method)?
                };
                let opts = opt_doc(if deleting { 1 } else { 2 })?;
                let replace = name == "findOneAndReplace";
                if !deleting {
                    if replace && super::update::has_operators(&change) {
                        return Err(DocError::replacement_has_operators());
                    }
                    if !replace && !super::update::has_operators(&change) {
                        return Err(DocError::requires_atomic_operators());
                    }
                }
                let flag = |k: &str| opts.get(k).is_some_and(super::query::truthy);
                let after = flag("returnNewDocument")
                    || matches!(opts.get("returnDocument"), Some(Value::String(s)) if s == "after");
                let mut find_opts = FindOptions {
                    limit: 1,
                    ..FindOptions::default()
                };
                if let Some(Value::Document(sort)) = opts.get("sort") {
                    find_opts.sort = sort
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                if v.as_f64().unwrap_or(1.0) < 0.0 {
                                    -1
                                } else {
                                    1
                                },
                            )
                        })
                        .collect();
                }
                let projection = match opts.get("projection") {
                    Some(Value::Document(p)) if !p.is_empty() => Some(p.clone()),
                    _ => None,
                };
                let before = store
                    .find(db, coll, &filter, &find_opts)?
                    .into_iter()
                    .next();
                let target = match before.as_ref().and_then(|d| d.get("_id")) {
                    Some(id) => {
                        let mut only = Document::new();
                        only.insert("_id", id.clone());
                        let mut both = Document::new();
                        both.insert(
                            "$and",
                            Value::Array(vec![
                                Value::Document(filter.clone()),
                                Value::Document(only),
                            ]),
                        );
                        both
                    }
                    None => filter.clone(),
                };
                let projection = match &projection {
                    Some(p) => super::query::Projection::parse(p)?,
                    None => None,
                };
                let show = |d: Option<Document>| match (d, &projection) {
                    (None, _) => Value::Null,
                    (Some(d), Some(p)) => Value::Document(p.apply(&d).to_shell()),
                    (Some(d), None) => Value::Document(d.to_shell()),
                };
                if deleting {
                    if before.is_some() {
                        store
                            .delete(db, coll, &target, false)
                            .map_err(DocError::as_write_error)?;
                    }
                    return Ok(Js::V(show(before)));
                }
                let r = store
                    .update(db, coll, &target, &change, false, flag("upsert"), replace)
                    .map_err(DocError::as_write_error)?;
                let id = r
                    .upserted_id
                    .or_else(|| before.as_ref().and_then(|d| d.get("_id").cloned()));
                if !after {
                    return Ok(Js::V(show(before)));
                }
                let now = match id {
                    Some(id) => {
                        let mut f = Document::new();
                        f.insert("_id", id);
                        store
                            .find(db, coll, &f, &FindOptions::default())?
                            .into_iter()
                            .next()
                    }
                    None => None,
                };
                show(now)
            }
            "deleteOne" | "deleteMany" => {
                let filter = doc_arg(0, &format!("Collection.{name}"))?;
                let n = store
                    .delete(db, coll, &filter, name == "deleteMany")
                    .map_err(DocError::as_write_error)?;
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    ("deletedCount", num(n)),
                ])
            }
            "countDocuments" | "count" => {
                let filter = opt_doc(0)?;
                num(store.count(db, coll, &filter)?)
            }
            "estimatedDocumentCount" => num(store.documents(db, coll).len() as i64),
            "distinct" => {
                let Some(Value::String(field)) = vals.first() else {
                    return Err(missing_arg(0, "Collection.distinct"));
                };
                let filter = opt_doc(1)?;
                let docs = store.find(db, coll, &filter, &FindOptions::default())?;
                let mut seen: Vec<Value> = Vec::new();
                for d in &docs {
                    for v in super::query::lookup(d, field) {
                        let items = match v {
                            Value::Array(items) => items,
                            other => vec![other],
                        };
                        for it in items {
                            if !seen
                                .iter()
                                .any(|s| s.bson_eq(&it) && s.type_name() == it.type_name())
                            {
                                seen.push(it);
                            }
                        }
                    }
                }
                seen.sort_by(|a, b| a.cmp_bson(b));
                Value::Array(seen.iter().map(Value::to_shell).collect())
            }
            "drop" => Value::Bool(store.drop_collection(db, coll)),
            "createIndex" => {
                let keys = doc_arg(0, "Collection.createIndex")?;
                let opts = opt_doc(1)?;
                let unique = opts.get("unique").is_some_and(super::query::truthy);
                let iname = match opts.get("name") {
                    Some(Value::String(s)) => Some(s.clone()),
                    _ => None,
                };
                Value::String(store.create_index(db, coll, &keys, unique, iname)?)
            }
            "getIndexes" => Value::Array(
                store
                    .indexes(db, coll)
                    .into_iter()
                    .map(|ix| {
                        let mut d = Document::new();
                        d.insert("v", num(2));
                        d.insert(
                            "key",
                            Value::Document(Document::from_pairs(ix.keys.clone())).to_shell(),
                        );
                        d.insert("name", Value::String(ix.name.clone()));
                        if ix.unique && ix.name != "_id_" {
                            d.insert("unique", Value::Bool(true));
                        }
                        Value::Document(d)
                    })
                    .collect(),
            ),
            "getName" => Value::String(coll.into()),
            "getFullName" | "toString" => Value::String(format!("{db}.{coll}")),
            _ => return Err(DocError::not_a_function(&format!("db.{coll}.{name}"))),
        }))
    }

    fn call_cursor(
        &mut self,
        store: &mut Store,
        mut c: Cursor,
        name: &str,
        args: Vec<Js>,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        if matches!(name, "forEach" | "map") {
            let docs = store.find(&c.db, &c.coll, &c.filter, &c.opts)?;
            let items = docs.iter().map(|d| Value::Document(d.to_shell())).collect();
            let f = args.into_iter().next().unwrap_or(Js::V(Value::Undefined));
            // mongosh's cursor passes only the document, unlike Array.prototype.forEach.
            return self.iterate(store, name, items, f, false, out);
        }
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        let first = vals.first().cloned().unwrap_or(Value::Undefined);
        match name {
            "sort" => {
                let Value::Document(spec) = first else {
                    return Err(DocError::invalid_argument(
                        "Invalid sort direction: must be an object",
                    ));
                };
                let mut keys = Vec::new();
                for (k, v) in spec.iter() {
                    let dir = match v.as_f64() {
                        Some(1.0) => 1,
                        Some(-1.0) => -1,
                        _ => return Err(DocError::bad_value(
                            "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
                        )),
                    };
                    keys.push((k.clone(), dir));
                }
                c.opts.sort = keys;
            }
            "limit" => c.opts.limit = to_number(&first).abs().min(1e9) as usize,
            "skip" => {
                let n = to_number(&first);
                if n < 0.0 {
                    return Err(DocError::bad_value(
                        "Skip value must be non-negative, but received: -1"
                            .replace("-1", &js_number(n)),
                    ));
                }
                c.opts.skip = n.min(1e9) as usize;
            }
            "projection" => {
                if let Value::Document(p) = first {
                    c.opts.projection = Some(p);
                }
            }
            "pretty" => {}
            "toArray" => {
                let docs = store.find(&c.db, &c.coll, &c.filter, &c.opts)?;
                return Ok(Js::V(Value::Array(
                    docs.iter().map(|d| Value::Document(d.to_shell())).collect(),
                )));
            }
            "count" => return Ok(Js::V(num(store.count(&c.db, &c.coll, &c.filter)?))),
            "itcount" | "size" => {
                let docs = store.find(&c.db, &c.coll, &c.filter, &c.opts)?;
                return Ok(Js::V(num(docs.len() as i64)));
            }
            "hasNext" => {
                let docs = store.find(&c.db, &c.coll, &c.filter, &c.opts)?;
                return Ok(Js::V(Value::Bool(!docs.is_empty())));
            }
            _ => return Err(DocError::not_a_function(&format!("cursor.{name}"))),
        }
        store.find(&c.db, &c.coll, &c.filter, &c.opts)?;
        Ok(Js::Cursor(Box::new(c)))
    }
}

/// A failed line changes nothing, with one exception taken from MongoDB itself: an ordered
/// `insertMany` keeps the documents it inserted before the failing one (the error reports
/// them), because MongoDB has no multi-document atomicity without a transaction.
fn restore(store: &mut Store, before: Store, e: &DocError) {
    if e.kind != super::error::ErrorKind::BulkWrite {
        *store = before;
    }
}

fn other_unchanged(other: Js) -> Result<Value, DocError> {
    Ok(to_value(other))
}

fn missing_arg(i: usize, method: &str) -> DocError {
    DocError::invalid_input(format!(
        "[COMMON-10001] Missing required argument at position {i} ({method})"
    ))
}

fn js_type(v: &Value) -> &'static str {
    match v {
        Value::Double(_) => "number",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Undefined => "undefined",
        _ => "object",
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

fn member(o: Js, name: &str, obj_text: &str) -> Result<Js, DocError> {
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
        Js::Method(..) | Js::Global(_) | Js::Func(_) => {
            let _ = obj_text;
            Js::V(Value::Undefined)
        }
    })
}

fn call_value_method(v: Value, name: &str, args: Vec<Js>) -> Result<Js, DocError> {
    let vals: Vec<Value> = args.into_iter().map(to_value).collect();
    let first = vals.first().cloned().unwrap_or(Value::Undefined);
    Ok(Js::V(match (v, name) {
        (Value::String(s), "toUpperCase") => Value::String(s.to_uppercase()),
        (Value::String(s), "toLowerCase") => Value::String(s.to_lowercase()),
        (Value::String(s), "trim") => Value::String(s.trim().to_string()),
        (Value::String(s), "includes") => Value::Bool(s.contains(&to_js_string(&first))),
        (Value::String(s), "startsWith") => Value::Bool(s.starts_with(&to_js_string(&first))),
        (Value::String(s), "endsWith") => Value::Bool(s.ends_with(&to_js_string(&first))),
        (Value::String(s), "indexOf") => {
            let pat = to_js_string(&first);
            num(s
                .find(&pat)
                .map_or(-1, |i| s[..i].encode_utf16().count() as i64))
        }
        (Value::Array(a), "join") => {
            let sep = match &first {
                Value::Undefined => ",".to_string(),
                other => to_js_string(other),
            };
            Value::String(a.iter().map(to_js_string).collect::<Vec<_>>().join(&sep))
        }
        (Value::Array(a), "includes") => Value::Bool(a.iter().any(|x| strict_eq(x, &first))),
        (Value::Array(a), "indexOf") => num(a
            .iter()
            .position(|x| strict_eq(x, &first))
            .map_or(-1, |i| i as i64)),
        (Value::ObjectId(b), "toString" | "toHexString") => Value::String(oid_hex(&b)),
        (Value::ObjectId(b), "getTimestamp") => {
            let secs = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            Value::Date(i64::from(secs) * 1000)
        }
        (Value::Date(ms), "getTime" | "valueOf") => num(ms),
        (Value::Date(ms), "toISOString") => Value::String(iso_date(ms)),
        (Value::Date(ms), "toString") => Value::String(date_string(ms)),
        (Value::Int64(i), "toString") => Value::String(i.to_string()),
        (Value::Int32(i), "toString") => Value::String(i.to_string()),
        (Value::Decimal(s), "toString") => Value::String(s),
        (Value::Int64(i), "valueOf") => num(i),
        (Value::Int32(i), "valueOf") => num(i64::from(i)),
        (_, other) => return Err(DocError::not_a_function(other)),
    }))
}

fn make_date(store: &Store, vals: &[Value], _new: bool) -> Result<Value, DocError> {
    Ok(match vals.first() {
        None | Some(Value::Undefined) => Value::Date(store.clock()),
        Some(Value::String(s)) => match parse_iso_date(s) {
            Some(ms) => Value::Date(ms),
            None => return Err(DocError::generic(format!("\"{s}\" is not a valid date"))),
        },
        Some(Value::Date(ms)) => Value::Date(*ms),
        Some(other) => {
            if vals.len() >= 2 {
                let y = to_number(other) as i64;
                let m = to_number(&vals[1]) as i64;
                let d = vals.get(2).map_or(1, |v| to_number(v) as i64);
                let text = format!("{y:04}-{:02}-{d:02}", m + 1);
                match parse_iso_date(&text) {
                    Some(ms) => Value::Date(ms),
                    None => return Err(DocError::generic("invalid date")),
                }
            } else {
                Value::Date(to_number(other) as i64)
            }
        }
    })
}

/// JavaScript's `Date()` string, in UTC.
fn date_string(ms: i64) -> String {
    let iso = iso_date(ms);
    let days = ms.div_euclid(86_400_000);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month: usize = iso.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!(
        "{weekday} {} {} {} {} GMT+0000 (Coordinated Universal Time)",
        months[(month - 1).min(11)],
        iso.get(8..10).unwrap_or("01"),
        iso.get(0..4).unwrap_or("1970"),
        iso.get(11..19).unwrap_or("00:00:00")
    )
}

fn to_number(v: &Value) -> f64 {
    match v {
        Value::Double(f) => *f,
        Value::Int32(i) => f64::from(*i),
        Value::Int64(i) => *i as f64,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Null => 0.0,
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                t.parse().unwrap_or(f64::NAN)
            }
        }
        Value::Date(ms) => *ms as f64,
        Value::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

/// JavaScript's `String(v)`.
fn to_js_string(v: &Value) -> String {
    match v {
        Value::Undefined => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Double(f) => js_number(*f),
        Value::Int32(i) => i.to_string(),
        Value::Int64(i) => i.to_string(),
        Value::Decimal(s) => s.clone(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::Null | Value::Undefined => String::new(),
                other => to_js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Document(_) => "[object Object]".into(),
        Value::ObjectId(b) => oid_hex(b),
        Value::Date(ms) => date_string(*ms),
        Value::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
    }
}

fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) | (Value::Undefined, Value::Undefined) => true,
        _ => false,
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null | Value::Undefined, Value::Null | Value::Undefined) => true,
        (Value::Null | Value::Undefined, _) | (_, Value::Null | Value::Undefined) => false,
        (Value::Double(_) | Value::Bool(_), Value::String(_))
        | (Value::String(_), Value::Double(_) | Value::Bool(_))
        | (Value::Bool(_), Value::Double(_))
        | (Value::Double(_), Value::Bool(_)) => to_number(a) == to_number(b),
        _ => strict_eq(a, b),
    }
}

fn binary(op: BinOp, x: Value, y: Value) -> Result<Value, DocError> {
    Ok(match op {
        BinOp::Add => {
            let stringy = |v: &Value| {
                matches!(
                    v,
                    Value::String(_)
                        | Value::Document(_)
                        | Value::Array(_)
                        | Value::ObjectId(_)
                        | Value::Date(_)
                        | Value::Regex { .. }
                )
            };
            if stringy(&x) || stringy(&y) {
                let s = to_js_string(&x);
                let t = to_js_string(&y);
                if s.len() + t.len() > MAX_STRING {
                    return Err(DocError::range("Invalid string length"));
                }
                Value::String(s + &t)
            } else {
                Value::Double(to_number(&x) + to_number(&y))
            }
        }
        BinOp::Sub => Value::Double(to_number(&x) - to_number(&y)),
        BinOp::Mul => Value::Double(to_number(&x) * to_number(&y)),
        BinOp::Div => Value::Double(to_number(&x) / to_number(&y)),
        BinOp::Rem => Value::Double(to_number(&x) % to_number(&y)),
        BinOp::StrictEq => Value::Bool(strict_eq(&x, &y)),
        BinOp::StrictNe => Value::Bool(!strict_eq(&x, &y)),
        BinOp::Eq => Value::Bool(loose_eq(&x, &y)),
        BinOp::Ne => Value::Bool(!loose_eq(&x, &y)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let o = match (&x, &y) {
                (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                _ => to_number(&x).partial_cmp(&to_number(&y)),
            };
            Value::Bool(match (op, o) {
                (_, None) => false,
                (BinOp::Lt, Some(o)) => o.is_lt(),
                (BinOp::Le, Some(o)) => o.is_le(),
                (BinOp::Gt, Some(o)) => o.is_gt(),
                (_, Some(o)) => o.is_ge(),
            })
        }
        BinOp::And | BinOp::Or | BinOp::Nullish => y,
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

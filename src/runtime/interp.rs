//! The interpreter: runs the Python subset of routes and `flask shell` lines over the
//! [`Orm`], the request and the builtins a Flask app uses.
//!
//! Supported: assignments (names, attributes, items, tuples), `+=`, calls, `if`/`elif`/`else`,
//! `for`, `while` (bounded), `return`, `pass`, literals, list comprehensions, arithmetic,
//! comparisons and `and`/`or`/`not`; `db.session.add/add_all/commit/rollback/flush/get/close`,
//! `db.create_all()`, `Model(...)`, `Model.query.all()/first()/count()/get()/filter_by()`,
//! `request.form[...]`/`.get()`, `request.args`, `request.method`, `jsonify`, `os.environ`,
//! `print`, `len`, `str`, `int`, `float`, `bool`, `list`, `range`, `repr`, `sorted`, `sum`.
//! Anything else raises `NotImplementedError` naming what is not supported.

use std::collections::BTreeMap;

use crate::migrate::{FPart, Py, PyKind, PyStmt};
use crate::sql::Cluster;

use super::exc::{ErrKind, PyErr};
use super::orm::{scalar_repr, Op, Orm};
use super::value::{repr_float, repr_str, to_json, Thing, Value};

/// Loops stop after this many iterations (no input may hang the world).
const MAX_STEPS: usize = 100_000;

/// Deepest call nesting before `RecursionError` (far below CPython's 1000, to stay within the
/// host's stack).
const MAX_DEPTH: usize = 40;

/// A function the code defined.
#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    /// The file it is in (absolute), or `<console>`.
    pub file: String,
    /// The file's text, for traceback lines.
    pub source: String,
    /// Parameter names.
    pub params: Vec<String>,
    /// Its statements.
    pub body: Vec<PyStmt>,
}

/// The request a route sees through `request`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestData {
    /// `GET`, `POST`…
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// Form fields.
    pub form: Vec<(String, String)>,
    /// Query-string arguments.
    pub args: Vec<(String, String)>,
}

/// Where code runs: a module's namespace, functions, and what `request` is.
pub struct Interp<'a> {
    /// The session.
    pub orm: &'a mut Orm,
    /// The server.
    pub cluster: &'a mut Cluster,
    /// Module-level names.
    pub globals: &'a mut BTreeMap<String, Value>,
    /// Functions by name.
    pub funcs: &'a mut BTreeMap<String, Func>,
    /// The current request (`None` in the shell: `request` raises outside a request).
    pub request: Option<&'a RequestData>,
    /// What `print` wrote.
    pub stdout: String,
    steps: usize,
    depth: usize,
    /// False while a module is imported outside `with app.app_context():`.
    app_context: bool,
}

/// Where a statement runs: for traceback frames.
struct Frame<'f> {
    file: &'f str,
    func: &'f str,
    source: &'f str,
    locals: Option<BTreeMap<String, Value>>,
    line: usize,
}

enum Flow {
    Normal,
    Return(Value),
}

impl<'a> Interp<'a> {
    /// An interpreter over a namespace.
    pub fn new(
        orm: &'a mut Orm,
        cluster: &'a mut Cluster,
        globals: &'a mut BTreeMap<String, Value>,
        funcs: &'a mut BTreeMap<String, Func>,
        request: Option<&'a RequestData>,
    ) -> Self {
        Interp {
            orm,
            cluster,
            globals,
            funcs,
            request,
            stdout: String::new(),
            steps: 0,
            depth: 0,
            app_context: true,
        }
    }

    /// Runs console input (module level, file `<console>`); returns the value of a lone
    /// expression statement, which the console echoes.
    pub fn run_console(&mut self, code: &[PyStmt]) -> Result<Option<Value>, PyErr> {
        let mut frame = Frame {
            file: "<console>",
            func: "<module>",
            source: "",
            locals: None,
            line: 1,
        };
        if let [PyStmt {
            kind: PyKind::Expr(e),
            line,
        }] = code
        {
            frame.line = *line;
            return self.eval(e, &mut frame).map(Some).map_err(|mut err| {
                err.push_frame("<console>", *line, "<module>", None);
                err
            });
        }
        self.block(code, &mut frame)?;
        Ok(None)
    }

    /// Runs a module's top-level statements as an import does (no application context until
    /// `with app.app_context():`).
    pub fn run_module(&mut self, file: &str, source: &str, code: &[PyStmt]) -> Result<(), PyErr> {
        let mut frame = Frame {
            file,
            func: "<module>",
            source,
            locals: None,
            line: 1,
        };
        self.app_context = false;
        let r = self.block(code, &mut frame);
        self.app_context = true;
        r.map(|_| ())
    }

    /// Calls a function the code defined, with arguments by name.
    pub fn call_func(&mut self, name: &str, args: Vec<Value>) -> Result<Value, PyErr> {
        let Some(f) = self.funcs.get(name).cloned() else {
            return Err(PyErr::name_error(name));
        };
        if args.len() != f.params.len() {
            return Err(PyErr::type_error(format!(
                "{name}() takes {} positional argument{} but {} were given",
                f.params.len(),
                if f.params.len() == 1 { "" } else { "s" },
                args.len()
            )));
        }
        if self.depth >= MAX_DEPTH {
            return Err(PyErr::new(
                "RecursionError: maximum recursion depth exceeded",
            ));
        }
        let locals: BTreeMap<String, Value> = f.params.iter().cloned().zip(args).collect();
        let mut frame = Frame {
            file: &f.file,
            func: name,
            source: &f.source,
            locals: Some(locals),
            line: 0,
        };
        self.depth += 1;
        let flow = self.block(&f.body, &mut frame).map_err(|mut e| {
            // The caller's frame is recorded next.
            e.framed = false;
            e
        });
        self.depth -= 1;
        match flow? {
            Flow::Return(v) => Ok(v),
            Flow::Normal => Ok(Value::None),
        }
    }

    fn block(&mut self, stmts: &[PyStmt], frame: &mut Frame) -> Result<Flow, PyErr> {
        for s in stmts {
            frame.line = s.line;
            match self.stmt(s, frame) {
                Ok(Flow::Normal) => {}
                Ok(ret) => return Ok(ret),
                Err(mut e) => {
                    if e.kind != ErrKind::Exit && !e.framed {
                        let text = (frame.file != "<console>")
                            .then(|| frame.source.lines().nth(s.line.saturating_sub(1)))
                            .flatten();
                        e.push_frame(frame.file, s.line, frame.func, text);
                        e.framed = true;
                    }
                    return Err(e);
                }
            }
        }
        Ok(Flow::Normal)
    }

    fn tick(&mut self) -> Result<(), PyErr> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(PyErr::new(format!(
                "RuntimeError: SchemaLab stops code after {MAX_STEPS} steps"
            )));
        }
        Ok(())
    }

    fn stmt(&mut self, s: &PyStmt, frame: &mut Frame) -> Result<Flow, PyErr> {
        self.tick()?;
        match &s.kind {
            PyKind::Expr(e) => {
                self.eval(e, frame)?;
            }
            PyKind::Assign(targets, value) => {
                let v = self.eval(value, frame)?;
                for t in targets {
                    self.assign(t, v.clone(), frame)?;
                }
            }
            PyKind::AugAssign(target, op, value) => {
                let current = self.eval(target, frame)?;
                let v = self.eval(value, frame)?;
                let new = binary(&current, op, &v)?;
                self.assign(target, new, frame)?;
            }
            PyKind::Return(v) => {
                let value = match v {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(value));
            }
            PyKind::If(branches, orelse) => {
                for (cond, body) in branches {
                    if self.eval(cond, frame)?.truthy() {
                        return self.block(body, frame);
                    }
                }
                return self.block(orelse, frame);
            }
            PyKind::While(cond, body) => {
                while self.eval(cond, frame)?.truthy() {
                    self.tick()?;
                    if let Flow::Return(v) = self.block(body, frame)? {
                        return Ok(Flow::Return(v));
                    }
                }
            }
            PyKind::For(target, iter, body) => {
                let items = self.iterate(iter, frame)?;
                for item in items {
                    self.tick()?;
                    self.assign(target, item, frame)?;
                    if let Flow::Return(v) = self.block(body, frame)? {
                        return Ok(Flow::Return(v));
                    }
                }
            }
            PyKind::Def {
                name, params, body, ..
            } => {
                self.funcs.insert(
                    name.clone(),
                    Func {
                        file: frame.file.to_string(),
                        source: frame.source.to_string(),
                        params: params.clone(),
                        body: body.clone(),
                    },
                );
                self.set_name(name, Value::Func(name.clone()), frame);
            }
            PyKind::With(expr, _, body) => {
                let ctx = self.eval(expr, frame)?;
                match ctx {
                    Value::Method(recv, m)
                        if *recv == Value::Thing(Thing::App) && m == "app_context" => {}
                    _ => return Err(PyErr::unsupported("this 'with' statement")),
                }
                let outer = std::mem::replace(&mut self.app_context, true);
                let r = self.block(body, frame);
                self.app_context = outer;
                return r;
            }
            PyKind::Import(mods) => {
                for m in mods {
                    match m.as_str() {
                        "os" => self.set_name("os", Value::Thing(Thing::Os), frame),
                        other => {
                            return Err(PyErr::unsupported(&format!("import {other}")));
                        }
                    }
                }
            }
            PyKind::FromImport(module, names) => {
                for n in names {
                    let v = match (module.as_str(), n.as_str()) {
                        ("flask", "jsonify") => Value::Func("jsonify".into()),
                        ("flask", "request") => Value::Thing(Thing::Request),
                        (m, name) if exception_module(m) => {
                            Value::ExcClass(m.to_string(), name.to_string())
                        }
                        _ => match self.globals.get(n) {
                            Some(v) => v.clone(),
                            None => {
                                return Err(PyErr::unsupported(&format!(
                                    "from {module} import {n}"
                                )))
                            }
                        },
                    };
                    self.set_name(n, v, frame);
                }
            }
            PyKind::Try {
                body,
                handlers,
                finally,
            } => {
                let r = match self.block(body, frame) {
                    Err(e) if e.kind != ErrKind::Exit => {
                        let handler = handlers
                            .iter()
                            .find(|h| h.types.is_empty() || h.types.iter().any(|t| catches(t, &e)));
                        match handler {
                            Some(h) => {
                                if let Some(alias) = &h.alias {
                                    let msg = e.line.split_once(": ").map_or("", |(_, m)| m);
                                    self.set_name(alias, Value::Str(msg.to_string()), frame);
                                }
                                self.block(&h.body, frame)
                            }
                            None => Err(e),
                        }
                    }
                    other => other,
                };
                if !finally.is_empty() {
                    if let Flow::Return(v) = self.block(finally, frame)? {
                        return Ok(Flow::Return(v));
                    }
                }
                return r;
            }
            PyKind::Pass => {}
            PyKind::Class { name, .. } => {
                return Err(PyErr::unsupported(&format!("defining class {name} here")));
            }
            PyKind::Unsupported(what) => {
                return Err(PyErr::unsupported(&format!("the '{what}' statement")));
            }
        }
        Ok(Flow::Normal)
    }

    fn set_name(&mut self, name: &str, v: Value, frame: &mut Frame) {
        match &mut frame.locals {
            Some(l) => {
                l.insert(name.to_string(), v);
            }
            None => {
                self.globals.insert(name.to_string(), v);
            }
        }
    }

    fn assign(&mut self, target: &Py, v: Value, frame: &mut Frame) -> Result<(), PyErr> {
        match target {
            Py::Name(n) => {
                self.set_name(n, v, frame);
                Ok(())
            }
            Py::Tuple(ts) | Py::List(ts) => {
                let items = match v {
                    Value::List(i) | Value::Tuple(i) => i,
                    other => {
                        return Err(PyErr::type_error(format!(
                            "cannot unpack non-iterable {} object",
                            other.type_name()
                        )))
                    }
                };
                if items.len() != ts.len() {
                    return Err(PyErr::new(if items.len() > ts.len() {
                        format!(
                            "ValueError: too many values to unpack (expected {})",
                            ts.len()
                        )
                    } else {
                        format!(
                            "ValueError: not enough values to unpack (expected {}, got {})",
                            ts.len(),
                            items.len()
                        )
                    }));
                }
                for (t, i) in ts.iter().zip(items) {
                    self.assign(t, i, frame)?;
                }
                Ok(())
            }
            Py::Attr(obj, attr) => match self.eval(obj, frame)? {
                Value::Obj(id) => {
                    self.orm.set_attribute(id, attr, v);
                    Ok(())
                }
                other => Err(PyErr::new(format!(
                    "AttributeError: '{}' object attribute '{attr}' is read-only",
                    other.type_name()
                ))),
            },
            Py::Subscript(obj, index) => {
                let key = self.eval(index, frame)?;
                let Py::Name(name) = obj.as_ref() else {
                    return Err(PyErr::unsupported("assigning into this expression"));
                };
                let current = self.lookup(name, frame)?;
                let new = match (current, key) {
                    (Value::Dict(mut d), k) => {
                        match d.iter_mut().find(|(dk, _)| *dk == k) {
                            Some(slot) => slot.1 = v,
                            None => d.push((k, v)),
                        }
                        Value::Dict(d)
                    }
                    (Value::List(mut l), Value::Int(i)) => {
                        let n = l.len() as i64;
                        let idx = if i < 0 { i + n } else { i };
                        if idx < 0 || idx >= n {
                            return Err(PyErr::new(
                                "IndexError: list assignment index out of range",
                            ));
                        }
                        l[idx as usize] = v;
                        Value::List(l)
                    }
                    (other, _) => {
                        return Err(PyErr::type_error(format!(
                            "'{}' object does not support item assignment",
                            other.type_name()
                        )))
                    }
                };
                self.set_name(name, new, frame);
                Ok(())
            }
            _ => Err(PyErr::unsupported("this assignment target")),
        }
    }

    fn lookup(&self, name: &str, frame: &Frame) -> Result<Value, PyErr> {
        if let Some(v) = frame.locals.as_ref().and_then(|l| l.get(name)) {
            return Ok(v.clone());
        }
        if let Some(v) = self.globals.get(name) {
            return Ok(v.clone());
        }
        match name {
            "print" | "len" | "str" | "int" | "float" | "bool" | "list" | "range" | "repr"
            | "sorted" | "sum" | "exit" | "quit" | "dict" | "min" | "max" => {
                Ok(Value::Func(name.to_string()))
            }
            _ => Err(PyErr::name_error(name)),
        }
    }

    fn iterate(&mut self, e: &Py, frame: &mut Frame) -> Result<Vec<Value>, PyErr> {
        let v = self.eval(e, frame)?;
        iter_values(&v)
    }

    /// Evaluates an expression.
    fn eval(&mut self, e: &Py, frame: &mut Frame) -> Result<Value, PyErr> {
        self.tick()?;
        match e {
            Py::Name(n) => self.lookup(n, frame),
            Py::Str(s) => Ok(Value::Str(s.clone())),
            Py::Int(i) => Ok(Value::Int(*i)),
            Py::Float(f) => Ok(Value::Float(*f)),
            Py::Bool(b) => Ok(Value::Bool(*b)),
            Py::None => Ok(Value::None),
            Py::Tuple(items) => Ok(Value::Tuple(self.eval_all(items, frame)?)),
            Py::List(items) => Ok(Value::List(self.eval_all(items, frame)?)),
            Py::Dict(items) => {
                let mut out: Vec<(Value, Value)> = Vec::new();
                for (k, v) in items {
                    let k = self.eval(k, frame)?;
                    let v = self.eval(v, frame)?;
                    match out.iter_mut().find(|(ok, _)| *ok == k) {
                        Some(slot) => slot.1 = v,
                        None => out.push((k, v)),
                    }
                }
                Ok(Value::Dict(out))
            }
            Py::Attr(obj, attr) => {
                let v = self.eval(obj, frame)?;
                self.attribute(v, attr)
            }
            Py::Subscript(obj, index) => {
                let v = self.eval(obj, frame)?;
                let k = self.eval(index, frame)?;
                self.subscript(v, k)
            }
            Py::Call {
                func,
                args,
                kwargs,
                text,
            } => {
                let f = self.eval(func, frame)?;
                let args = self.eval_all(args, frame)?;
                let mut kw = Vec::new();
                for (k, v) in kwargs {
                    kw.push((k.clone(), self.eval(v, frame)?));
                }
                self.call(f, args, kw).map_err(|mut err| {
                    if err.caret.is_none() && err.user.is_empty() {
                        err.caret = Some(text.clone());
                    }
                    err
                })
            }
            Py::Binary(l, op, r) => {
                let lv = self.eval(l, frame)?;
                match op.as_str() {
                    "and" => {
                        if !lv.truthy() {
                            return Ok(lv);
                        }
                        self.eval(r, frame)
                    }
                    "or" => {
                        if lv.truthy() {
                            return Ok(lv);
                        }
                        self.eval(r, frame)
                    }
                    _ => {
                        let rv = self.eval(r, frame)?;
                        binary(&lv, op, &rv)
                    }
                }
            }
            Py::Unary(op, v) => {
                let v = self.eval(v, frame)?;
                match (op.as_str(), v) {
                    ("not", v) => Ok(Value::Bool(!v.truthy())),
                    ("-", Value::Int(i)) => Ok(Value::Int(i.wrapping_neg())),
                    ("-", Value::Float(f)) => Ok(Value::Float(-f)),
                    ("+", v @ (Value::Int(_) | Value::Float(_))) => Ok(v),
                    (op, v) => Err(PyErr::type_error(format!(
                        "bad operand type for unary {op}: '{}'",
                        v.type_name()
                    ))),
                }
            }
            Py::IfElse { then, cond, other } => {
                if self.eval(cond, frame)?.truthy() {
                    self.eval(then, frame)
                } else {
                    self.eval(other, frame)
                }
            }
            Py::ListComp {
                elt,
                target,
                iter,
                conds,
            } => {
                let items = self.iterate(iter, frame)?;
                // The comprehension runs in a frame of its own (`<listcomp>`).
                let mut locals = frame.locals.clone().unwrap_or_default();
                let saved_globals_names: Vec<String> = Vec::new();
                let _ = saved_globals_names;
                let mut inner = Frame {
                    file: frame.file,
                    func: "<listcomp>",
                    source: frame.source,
                    locals: Some(std::mem::take(&mut locals)),
                    line: frame.line,
                };
                let mut out = Vec::new();
                let result: Result<(), PyErr> = (|| {
                    'items: for item in items {
                        self.tick()?;
                        self.assign(target, item, &mut inner)?;
                        for c in conds {
                            if !self.eval(c, &mut inner)?.truthy() {
                                continue 'items;
                            }
                        }
                        out.push(self.eval(elt, &mut inner)?);
                    }
                    Ok(())
                })();
                if let Err(mut err) = result {
                    if frame.file != "<console>" {
                        let text = frame.source.lines().nth(frame.line.saturating_sub(1));
                        err.push_frame(frame.file, frame.line, "<listcomp>", text);
                    }
                    return Err(err);
                }
                Ok(Value::List(out))
            }
            Py::FString(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        FPart::Text(t) => out.push_str(t),
                        FPart::Value(e, repr) => {
                            let v = self.eval(e, frame)?;
                            out.push_str(&if *repr {
                                self.repr(&v)
                            } else {
                                self.to_str(&v)
                            });
                        }
                    }
                }
                Ok(Value::Str(out))
            }
            Py::Unsupported(text) => Err(PyErr::unsupported(&format!("the expression `{text}`"))),
        }
    }

    fn eval_all(&mut self, items: &[Py], frame: &mut Frame) -> Result<Vec<Value>, PyErr> {
        items.iter().map(|i| self.eval(i, frame)).collect()
    }

    /// `repr()` of a value, as the console echoes it.
    pub fn repr(&self, v: &Value) -> String {
        match v {
            Value::None => "None".into(),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => scalar_repr(v),
            Value::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| self.repr(i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Tuple(items) if items.len() == 1 => format!("({},)", self.repr(&items[0])),
            Value::Tuple(items) => format!(
                "({})",
                items
                    .iter()
                    .map(|i| self.repr(i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Dict(items) => format!(
                "{{{}}}",
                items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.repr(k), self.repr(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Obj(id) => self.orm.repr(*id),
            Value::Class(c) => format!("<class 'models.{c}'>"),
            Value::Query(c, f) => {
                let model = self.orm.model(c);
                let t = model.map(|m| m.table.clone()).unwrap_or_default();
                let cols = model
                    .map(|m| {
                        m.columns
                            .iter()
                            .map(|col| format!("{t}.{} AS {t}_{}", col.name, col.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                let mut s = format!("SELECT {cols} \nFROM {t}");
                if !f.is_empty() {
                    let conds: Vec<String> =
                        f.iter().map(|(k, _)| format!("{t}.{k} = :{k}_1")).collect();
                    s.push_str(&format!(" \nWHERE {}", conds.join(" AND ")));
                }
                s
            }
            Value::Func(n) => match n.as_str() {
                "exit" | "quit" => format!("Use {n}() or Ctrl-D (i.e. EOF) to exit"),
                "jsonify" => "<function jsonify at 0x7f3a2c1e5080>".into(),
                b if self.funcs.get(b).is_none() => format!("<built-in function {b}>"),
                f => format!("<function {f} at 0x7f3a2c1e4fe0>"),
            },
            Value::Method(recv, m) => format!("<bound method {m} of {}>", self.repr(recv)),
            Value::Thing(t) => match t {
                Thing::Db => format!(
                    "<SQLAlchemy {}>",
                    self.globals
                        .get("__database_url__")
                        .map(|v| match v {
                            Value::Str(s) => s.clone(),
                            _ => String::new(),
                        })
                        .unwrap_or_default()
                ),
                Thing::Session => {
                    "<sqlalchemy.orm.scoping.scoped_session object at 0x7f3a2c1f1910>".into()
                }
                Thing::App => "<Flask 'app'>".into(),
                Thing::Request => "<Request 'http://127.0.0.1:5000/' [GET]>".into(),
                Thing::Form(_) => "ImmutableMultiDict([])".into(),
                Thing::Os => "<module 'os' (frozen)>".into(),
                Thing::Environ => "environ({...})".into(),
            },
            Value::Json(_) => "<Response 0 bytes [200 OK]>".into(),
            Value::Shown(text) => text.clone(),
            Value::ExcClass(module, name) => format!("<class '{module}.{name}'>"),
            Value::Column(..) => {
                "<sqlalchemy.orm.attributes.InstrumentedAttribute object at 0x7f3a2c1e6ca0>".into()
            }
        }
    }

    /// `str()` of a value (what `print` writes).
    pub fn to_str(&self, v: &Value) -> String {
        match v {
            Value::Str(s) => s.clone(),
            other => self.repr(other),
        }
    }

    fn attribute(&mut self, v: Value, attr: &str) -> Result<Value, PyErr> {
        let method = |v: Value| Ok(Value::Method(Box::new(v), attr.to_string()));
        match (&v, attr) {
            (Value::Thing(Thing::Db), "session") => Ok(Value::Thing(Thing::Session)),
            (Value::Thing(Thing::Db), "create_all" | "drop_all") => method(v),
            (
                Value::Thing(Thing::Session),
                "add" | "add_all" | "commit" | "rollback" | "flush" | "get" | "close" | "remove"
                | "query" | "delete",
            ) => method(v),
            (Value::Thing(Thing::Session), "dirty") => {
                let items: Vec<String> = self
                    .orm
                    .dirty()
                    .iter()
                    .map(|id| self.orm.repr(*id))
                    .collect();
                Ok(Value::Shown(format!("IdentitySet([{}])", items.join(", "))))
            }
            (Value::Thing(Thing::Session), "new") => {
                let items: Vec<String> = self
                    .orm
                    .pending()
                    .iter()
                    .map(|id| self.orm.repr(*id))
                    .collect();
                Ok(Value::Shown(format!("IdentitySet([{}])", items.join(", "))))
            }
            (Value::Thing(Thing::Request), _) => {
                let Some(req) = self.request else {
                    return Err(PyErr::new("RuntimeError: Working outside of request context.\n\nThis typically means that you attempted to use functionality that needed\nan active HTTP request. Consult the documentation on testing for\ninformation about how to avoid this problem."));
                };
                match attr {
                    "form" => Ok(Value::Thing(Thing::Form(true))),
                    "args" => Ok(Value::Thing(Thing::Form(false))),
                    "method" => Ok(Value::Str(req.method.clone())),
                    "path" => Ok(Value::Str(req.path.clone())),
                    _ => Err(PyErr::no_attribute("Request", attr)),
                }
            }
            (Value::Thing(Thing::Form(_)), "get" | "to_dict" | "keys") => method(v),
            (Value::Thing(Thing::App), "app_context") => method(v),
            (Value::Thing(Thing::Os), "environ") => Ok(Value::Thing(Thing::Environ)),
            (Value::Thing(Thing::Os), "getenv") => method(v),
            (Value::Thing(Thing::Environ), "get") => method(v),
            (Value::Class(c), "query") => Ok(Value::Query(c.clone(), Vec::new())),
            (Value::Class(c), "__tablename__") => Ok(Value::Str(
                self.orm
                    .model(c)
                    .map(|m| m.table.clone())
                    .unwrap_or_default(),
            )),
            (Value::Class(c), col)
                if self
                    .orm
                    .model(c)
                    .is_some_and(|m| m.columns.iter().any(|k| k.name == col)) =>
            {
                // A mapped column: SQLAlchemy's InstrumentedAttribute (comparisons and
                // ordering on it are outside the subset).
                Ok(Value::Column(c.clone(), col.to_string()))
            }
            (Value::Class(c), _) => Err(PyErr::new(format!(
                "AttributeError: type object '{c}' has no attribute '{attr}'"
            ))),
            (Value::Query(..), "filter_by" | "all" | "first" | "count" | "get") => method(v),
            (Value::Obj(id), _) => {
                let id = *id;
                match self.orm.attribute(self.cluster, id, attr)? {
                    Some(v) => Ok(v),
                    None => Err(PyErr::no_attribute(
                        &self
                            .orm
                            .objects
                            .get(id)
                            .map(|o| o.class.clone())
                            .unwrap_or_default(),
                        attr,
                    )),
                }
            }
            (
                Value::Str(_),
                "strip" | "lower" | "upper" | "title" | "startswith" | "endswith" | "split",
            ) => method(v),
            (Value::List(_), "append") => method(v),
            (Value::Dict(_), "get" | "keys" | "values" | "items") => method(v),
            (Value::Json(_), "status_code") => Ok(Value::Int(200)),
            (other, _) => Err(PyErr::no_attribute(&other.type_name(), attr)),
        }
    }

    fn subscript(&mut self, v: Value, k: Value) -> Result<Value, PyErr> {
        match (&v, &k) {
            (Value::Thing(Thing::Form(form)), Value::Str(key)) => {
                let Some(req) = self.request else {
                    return Err(PyErr::new(
                        "RuntimeError: Working outside of request context.",
                    ));
                };
                let fields = if *form { &req.form } else { &req.args };
                match fields.iter().find(|(f, _)| f == key) {
                    Some((_, value)) => Ok(Value::Str(value.clone())),
                    None => {
                        let mut e = PyErr::new(format!(
                            "werkzeug.exceptions.BadRequestKeyError: 400 Bad Request: The browser (or proxy) sent a request that this server could not understand.\nKeyError: {}",
                            repr_str(key)
                        ));
                        e.kind = ErrKind::BadRequestKey;
                        Err(e)
                    }
                }
            }
            (Value::Thing(Thing::Environ), Value::Str(key)) => {
                match self.globals.get(&format!("__env__{key}")) {
                    Some(v) => Ok(v.clone()),
                    None => Err(PyErr::new(format!("KeyError: {}", repr_str(key)))),
                }
            }
            (Value::List(items) | Value::Tuple(items), Value::Int(i)) => {
                let n = items.len() as i64;
                let idx = if *i < 0 { i + n } else { *i };
                if idx < 0 || idx >= n {
                    let what = if matches!(v, Value::List(_)) {
                        "list"
                    } else {
                        "tuple"
                    };
                    return Err(PyErr::new(format!("IndexError: {what} index out of range")));
                }
                Ok(items[idx as usize].clone())
            }
            (Value::Dict(items), key) => match items.iter().find(|(ik, _)| ik == key) {
                Some((_, v)) => Ok(v.clone()),
                None => Err(PyErr::new(format!("KeyError: {}", self.repr(key)))),
            },
            (Value::Str(s), Value::Int(i)) => {
                let chars: Vec<char> = s.chars().collect();
                let n = chars.len() as i64;
                let idx = if *i < 0 { i + n } else { *i };
                if idx < 0 || idx >= n {
                    return Err(PyErr::new("IndexError: string index out of range"));
                }
                Ok(Value::Str(chars[idx as usize].to_string()))
            }
            (other, _) => Err(PyErr::type_error(format!(
                "'{}' object is not subscriptable",
                other.type_name()
            ))),
        }
    }

    fn call(
        &mut self,
        f: Value,
        args: Vec<Value>,
        kw: Vec<(String, Value)>,
    ) -> Result<Value, PyErr> {
        match f {
            Value::Func(name) => self.call_builtin(&name, args, kw),
            Value::Class(class) => self.construct(&class, args, kw),
            Value::Method(recv, m) => self.call_method(*recv, &m, args, kw),
            other => Err(PyErr::type_error(format!(
                "'{}' object is not callable",
                other.type_name()
            ))),
        }
    }

    fn construct(
        &mut self,
        class: &str,
        args: Vec<Value>,
        kw: Vec<(String, Value)>,
    ) -> Result<Value, PyErr> {
        if !args.is_empty() {
            return Err(PyErr::type_error(format!(
                "_declarative_constructor() takes 1 positional argument but {} were given",
                args.len() + 1
            )));
        }
        let Some(model) = self.orm.model(class) else {
            return Err(PyErr::type_error(format!("{class}() is not a model")));
        };
        let mut values = BTreeMap::new();
        for (k, v) in kw {
            if !model.columns.iter().any(|c| c.name == k) {
                return Err(PyErr::type_error(format!(
                    "{} is an invalid keyword argument for {class}",
                    repr_str(&k)
                )));
            }
            values.insert(k, v);
        }
        Ok(Value::Obj(self.orm.make(class, values)))
    }

    fn call_builtin(
        &mut self,
        name: &str,
        args: Vec<Value>,
        kw: Vec<(String, Value)>,
    ) -> Result<Value, PyErr> {
        if self.funcs.contains_key(name) {
            if !kw.is_empty() {
                return Err(PyErr::unsupported(
                    "keyword arguments to your own functions",
                ));
            }
            return self.call_func(name, args);
        }
        let one = |args: &[Value]| -> Result<Value, PyErr> {
            match args {
                [v] => Ok(v.clone()),
                _ => Err(PyErr::type_error(format!(
                    "{name}() takes exactly one argument ({} given)",
                    args.len()
                ))),
            }
        };
        match name {
            "print" => {
                let parts: Vec<String> = args.iter().map(|a| self.to_str(a)).collect();
                self.stdout.push_str(&parts.join(" "));
                self.stdout.push('\n');
                Ok(Value::None)
            }
            "exit" | "quit" => {
                let mut e = PyErr::new("SystemExit");
                e.kind = ErrKind::Exit;
                Err(e)
            }
            "len" => match one(&args)? {
                Value::Str(s) => Ok(Value::Int(s.chars().count() as i64)),
                Value::List(i) | Value::Tuple(i) => Ok(Value::Int(i.len() as i64)),
                Value::Dict(d) => Ok(Value::Int(d.len() as i64)),
                other => Err(PyErr::type_error(format!(
                    "object of type '{}' has no len()",
                    other.type_name()
                ))),
            },
            "str" => Ok(Value::Str(args.first().map(|a| self.to_str(a)).unwrap_or_default())),
            "repr" => Ok(Value::Str(self.repr(&one(&args)?))),
            "bool" => Ok(Value::Bool(args.first().is_some_and(Value::truthy))),
            "int" => match args.first().cloned().unwrap_or(Value::Int(0)) {
                Value::Int(i) => Ok(Value::Int(i)),
                Value::Bool(b) => Ok(Value::Int(i64::from(b))),
                Value::Float(f) => Ok(Value::Int(f.trunc() as i64)),
                Value::Str(s) => s.trim().parse().map(Value::Int).map_err(|_| {
                    PyErr::new(format!(
                        "ValueError: invalid literal for int() with base 10: {}",
                        repr_str(&s)
                    ))
                }),
                other => Err(PyErr::type_error(format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    other.type_name()
                ))),
            },
            "float" => match args.first().cloned().unwrap_or(Value::Float(0.0)) {
                Value::Int(i) => Ok(Value::Float(i as f64)),
                Value::Float(f) => Ok(Value::Float(f)),
                Value::Str(s) => s.trim().parse().map(Value::Float).map_err(|_| {
                    PyErr::new(format!(
                        "ValueError: could not convert string to float: {}",
                        repr_str(&s)
                    ))
                }),
                other => Err(PyErr::type_error(format!(
                    "float() argument must be a string or a real number, not '{}'",
                    other.type_name()
                ))),
            },
            "list" => match args.first() {
                None => Ok(Value::List(Vec::new())),
                Some(v) => Ok(Value::List(iter_values(v)?)),
            },
            "dict" => Ok(Value::Dict(
                kw.into_iter().map(|(k, v)| (Value::Str(k), v)).collect(),
            )),
            "sorted" => {
                let mut items = iter_values(&one(&args)?)?;
                let mut err = None;
                crate::sorting::sort_by(&mut items, |a, b| match compare(a, b) {
                    Ok(o) => o,
                    Err(e) => {
                        err = Some(e);
                        std::cmp::Ordering::Equal
                    }
                });
                match err {
                    Some(e) => Err(e),
                    None => Ok(Value::List(items)),
                }
            }
            "sum" => {
                let mut acc = Value::Int(0);
                for v in iter_values(&one(&args)?)? {
                    acc = binary(&acc, "+", &v)?;
                }
                Ok(acc)
            }
            "min" | "max" => {
                let items = if args.len() == 1 { iter_values(&args[0])? } else { args };
                let mut best: Option<Value> = None;
                for v in items {
                    best = Some(match best {
                        None => v,
                        Some(b) => {
                            let o = compare(&v, &b)?;
                            if (name == "min" && o.is_lt()) || (name == "max" && o.is_gt()) {
                                v
                            } else {
                                b
                            }
                        }
                    });
                }
                best.ok_or_else(|| PyErr::new(format!("ValueError: {name}() arg is an empty sequence")))
            }
            "range" => {
                let ints: Vec<i64> = args
                    .iter()
                    .map(|a| match a {
                        Value::Int(i) => Ok(*i),
                        other => Err(PyErr::type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            other.type_name()
                        ))),
                    })
                    .collect::<Result<_, _>>()?;
                let (start, stop, stepn) = match ints.as_slice() {
                    [n] => (0, *n, 1),
                    [a, b] => (*a, *b, 1),
                    [a, b, c] if *c != 0 => (*a, *b, *c),
                    [_, _, _] => return Err(PyErr::new("ValueError: range() arg 3 must not be zero")),
                    _ => return Err(PyErr::type_error(format!("range expected at most 3 arguments, got {}", ints.len()))),
                };
                let mut out = Vec::new();
                let mut i = start;
                while (stepn > 0 && i < stop) || (stepn < 0 && i > stop) {
                    out.push(Value::Int(i));
                    if out.len() > MAX_STEPS {
                        return Err(PyErr::new(format!("RuntimeError: SchemaLab stops code after {MAX_STEPS} steps")));
                    }
                    i += stepn;
                }
                Ok(Value::List(out))
            }
            "jsonify" => {
                let value = if !kw.is_empty() {
                    if !args.is_empty() {
                        return Err(PyErr::type_error("app.json.response() takes either args or kwargs, not both"));
                    }
                    Value::Dict(kw.into_iter().map(|(k, v)| (Value::Str(k), v)).collect())
                } else {
                    match args.len() {
                        0 => Value::None,
                        1 => args.into_iter().next().unwrap_or(Value::None),
                        _ => Value::List(args),
                    }
                };
                let orm = &*self.orm;
                let body = to_json(&value, &|id| orm.objects.get(id).map(|o| o.class.clone()).unwrap_or_default())
                    .map_err(PyErr::type_error)?;
                Ok(Value::Json(format!("{body}\n")))
            }
            other => Err(PyErr::unsupported(&format!("{other}()"))),
        }
    }

    fn call_method(
        &mut self,
        recv: Value,
        m: &str,
        args: Vec<Value>,
        kw: Vec<(String, Value)>,
    ) -> Result<Value, PyErr> {
        match (&recv, m) {
            (Value::Thing(Thing::Session), "add") => match args.as_slice() {
                [Value::Obj(id)] => {
                    self.orm.add(*id);
                    Ok(Value::None)
                }
                [other] => Err(unmapped(other)),
                _ => Err(PyErr::type_error(format!(
                    "Session.add() takes from 2 to 3 positional arguments but {} were given",
                    args.len() + 1
                ))),
            },
            (Value::Thing(Thing::Session), "add_all") => {
                for v in iter_values(args.first().unwrap_or(&Value::List(Vec::new())))? {
                    match v {
                        Value::Obj(id) => self.orm.add(id),
                        other => return Err(unmapped(&other)),
                    }
                }
                Ok(Value::None)
            }
            (Value::Thing(Thing::Session), "delete") => match args.as_slice() {
                [Value::Obj(id)] => {
                    self.orm.delete(*id)?;
                    Ok(Value::None)
                }
                [other] => Err(unmapped(other)),
                _ => Err(PyErr::type_error(format!(
                    "Session.delete() takes 2 positional arguments but {} were given",
                    args.len() + 1
                ))),
            },
            (Value::Thing(Thing::Session), "commit") => {
                self.orm.commit(self.cluster)?;
                Ok(Value::None)
            }
            (Value::Thing(Thing::Session), "rollback") => {
                self.orm.rollback(self.cluster);
                Ok(Value::None)
            }
            (Value::Thing(Thing::Session), "close" | "remove") => {
                self.orm.close(self.cluster);
                Ok(Value::None)
            }
            (Value::Thing(Thing::Session), "flush") => {
                self.orm.flush(self.cluster, Op::Commit)?;
                Ok(Value::None)
            }
            (Value::Thing(Thing::Session), "get") => match args.as_slice() {
                [Value::Class(c), key] => {
                    let (c, key) = (c.clone(), key.clone());
                    Ok(self
                        .orm
                        .get(self.cluster, &c, &key)?
                        .map_or(Value::None, Value::Obj))
                }
                _ => Err(PyErr::unsupported(
                    "db.session.get() without a model and a key",
                )),
            },
            (Value::Thing(Thing::Session), "query") => match args.as_slice() {
                [Value::Class(c)] => Ok(Value::Query(c.clone(), Vec::new())),
                _ => Err(PyErr::unsupported(
                    "db.session.query() of anything but one model",
                )),
            },
            (Value::Thing(Thing::Db), "create_all") => {
                if !self.app_context {
                    return Err(PyErr::new("RuntimeError: Working outside of application context.\n\nThis typically means that you attempted to use functionality that needed\nthe current application. To solve this, set up an application context\nwith app.app_context(). See the documentation for more information.").with_frames(super::exc::frames::CREATE_ALL_OUTSIDE_CONTEXT));
                }
                self.orm.create_all(self.cluster)?;
                Ok(Value::None)
            }
            (Value::Thing(Thing::App), "app_context") => Ok(Value::Method(
                Box::new(Value::Thing(Thing::App)),
                "app_context".into(),
            )),
            (Value::Query(c, filters), "filter_by") => {
                if !args.is_empty() {
                    return Err(PyErr::type_error(format!(
                        "Query.filter_by() takes 1 positional argument but {} were given",
                        args.len() + 1
                    )));
                }
                let model = self.orm.model(c);
                let table = model.map(|m| m.table.clone()).unwrap_or_default();
                for (k, _) in &kw {
                    if !model.is_some_and(|m| m.columns.iter().any(|col| &col.name == k)) {
                        return Err(PyErr::new(format!(
                            "sqlalchemy.exc.InvalidRequestError: Entity namespace for \"{table}\" has no property \"{k}\""
                        )));
                    }
                }
                let mut f = filters.clone();
                f.extend(kw);
                Ok(Value::Query(c.clone(), f))
            }
            (Value::Query(c, filters), "all") => {
                let ids = self.orm.query(self.cluster, c, filters, Op::All)?;
                Ok(Value::List(ids.into_iter().map(Value::Obj).collect()))
            }
            (Value::Query(c, filters), "first") => {
                let ids = self.orm.query(self.cluster, c, filters, Op::First)?;
                Ok(ids.into_iter().next().map_or(Value::None, Value::Obj))
            }
            (Value::Query(c, filters), "count") => {
                // `Orm::query` answers a count as its single element.
                let n = self.orm.query(self.cluster, c, filters, Op::Count)?;
                Ok(Value::Int(n.first().copied().unwrap_or(0) as i64))
            }
            (Value::Query(c, _), "get") => match args.as_slice() {
                [key] => {
                    let (c, key) = (c.clone(), key.clone());
                    Ok(self
                        .orm
                        .get(self.cluster, &c, &key)?
                        .map_or(Value::None, Value::Obj))
                }
                _ => Err(PyErr::type_error(
                    "Query.get() takes 2 positional arguments",
                )),
            },
            (Value::Thing(Thing::Form(form)), "get") => {
                let Some(req) = self.request else {
                    return Err(PyErr::new(
                        "RuntimeError: Working outside of request context.",
                    ));
                };
                let fields = if *form { &req.form } else { &req.args };
                let key = match args.first() {
                    Some(Value::Str(k)) => k.clone(),
                    _ => {
                        return Err(PyErr::unsupported(
                            "request.form.get() without a string key",
                        ))
                    }
                };
                let default = args
                    .get(1)
                    .cloned()
                    .or_else(|| {
                        kw.iter()
                            .find(|(k, _)| k == "default")
                            .map(|(_, v)| v.clone())
                    })
                    .unwrap_or(Value::None);
                let found = fields
                    .iter()
                    .find(|(f, _)| *f == key)
                    .map(|(_, v)| v.clone());
                let conv = kw.iter().find(|(k, _)| k == "type").map(|(_, v)| v.clone());
                match (found, conv) {
                    (None, _) => Ok(default),
                    (Some(v), Some(Value::Func(t))) => Ok(self
                        .call_builtin(&t, vec![Value::Str(v)], Vec::new())
                        .unwrap_or(default)),
                    (Some(v), _) => Ok(Value::Str(v)),
                }
            }
            (Value::Thing(Thing::Form(form)), "to_dict") => {
                let Some(req) = self.request else {
                    return Err(PyErr::new(
                        "RuntimeError: Working outside of request context.",
                    ));
                };
                let fields = if *form { &req.form } else { &req.args };
                Ok(Value::Dict(
                    fields
                        .iter()
                        .map(|(k, v)| (Value::Str(k.clone()), Value::Str(v.clone())))
                        .collect(),
                ))
            }
            (Value::Thing(Thing::Os) | Value::Thing(Thing::Environ), "getenv" | "get") => {
                let key = match args.first() {
                    Some(Value::Str(k)) => k.clone(),
                    _ => return Err(PyErr::type_error("str expected")),
                };
                Ok(self
                    .globals
                    .get(&format!("__env__{key}"))
                    .cloned()
                    .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)))
            }
            (Value::Str(s), _) => {
                let arg = match args.first() {
                    Some(Value::Str(a)) => Some(a.clone()),
                    _ => None,
                };
                match m {
                    "strip" => Ok(Value::Str(s.trim().to_string())),
                    "lower" => Ok(Value::Str(s.to_lowercase())),
                    "upper" => Ok(Value::Str(s.to_uppercase())),
                    "title" => Ok(Value::Str(
                        s.split(' ')
                            .map(|w| {
                                let mut c = w.chars();
                                match c.next() {
                                    Some(f) => {
                                        f.to_uppercase().collect::<String>()
                                            + &c.as_str().to_lowercase()
                                    }
                                    None => String::new(),
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(" "),
                    )),
                    "startswith" => Ok(Value::Bool(arg.is_some_and(|a| s.starts_with(&a)))),
                    "endswith" => Ok(Value::Bool(arg.is_some_and(|a| s.ends_with(&a)))),
                    _ => Ok(Value::List(match arg {
                        Some(a) if !a.is_empty() => s
                            .split(a.as_str())
                            .map(|p| Value::Str(p.to_string()))
                            .collect(),
                        _ => s
                            .split_whitespace()
                            .map(|p| Value::Str(p.to_string()))
                            .collect(),
                    })),
                }
            }
            (Value::Dict(d), "get") => {
                let key = args.first().cloned().unwrap_or(Value::None);
                Ok(d.iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| args.get(1).cloned().unwrap_or(Value::None)))
            }
            (Value::Dict(d), "keys") => Ok(Value::List(d.iter().map(|(k, _)| k.clone()).collect())),
            (Value::Dict(d), "values") => {
                Ok(Value::List(d.iter().map(|(_, v)| v.clone()).collect()))
            }
            (Value::Dict(d), "items") => Ok(Value::List(
                d.iter()
                    .map(|(k, v)| Value::Tuple(vec![k.clone(), v.clone()]))
                    .collect(),
            )),
            (Value::List(_), "append") => Err(PyErr::unsupported(
                "list.append() (build the list with a comprehension)",
            )),
            _ => Err(PyErr::unsupported(&format!("{}.{m}()", recv.type_name()))),
        }
    }
}

/// True for the modules whose names `except` clauses use.
pub fn exception_module(module: &str) -> bool {
    matches!(
        module,
        "sqlalchemy.exc" | "sqlalchemy.orm.exc" | "werkzeug.exceptions" | "psycopg2.errors"
    )
}

/// Whether `except NAME:` catches the exception, after the classes' hierarchy.
fn catches(name: &str, e: &PyErr) -> bool {
    let qualified = e.line.split(':').next().unwrap_or("");
    let class = qualified.rsplit('.').next().unwrap_or("");
    let dbapi = matches!(
        class,
        "IntegrityError"
            | "ProgrammingError"
            | "OperationalError"
            | "DataError"
            | "InternalError"
            | "NotSupportedError"
    );
    name == class
        || name == "Exception"
        || name == "BaseException"
        || (name == "SQLAlchemyError" && qualified.starts_with("sqlalchemy."))
        || ((name == "DBAPIError" || name == "StatementError") && dbapi)
        || (name == "InvalidRequestError" && class == "PendingRollbackError")
        || (name == "KeyError" && class == "BadRequestKeyError")
        || (name == "LookupError"
            && matches!(class, "KeyError" | "IndexError" | "BadRequestKeyError"))
        || (matches!(name, "HTTPException" | "BadRequest") && class == "BadRequestKeyError")
        || (name == "ArithmeticError" && class == "ZeroDivisionError")
}

/// `session.add(5)`: SQLAlchemy's `UnmappedInstanceError`, from the `AttributeError`.
fn unmapped(v: &Value) -> PyErr {
    use super::exc::frames;
    let t = v.type_name();
    let cause = PyErr::new(format!(
        "AttributeError: '{t}' object has no attribute '_sa_instance_state'"
    ))
    .with_frames(frames::ADD_UNMAPPED_CAUSE);
    let builtin = matches!(
        v,
        Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::List(_)
            | Value::Tuple(_)
            | Value::Dict(_)
    );
    let class = if builtin { format!("builtins.{t}") } else { t };
    PyErr::new(format!(
        "sqlalchemy.orm.exc.UnmappedInstanceError: Class '{class}' is not mapped"
    ))
    .with_frames(frames::ADD_UNMAPPED)
    .caused_by(cause)
}

/// The items of an iterable value.
fn iter_values(v: &Value) -> Result<Vec<Value>, PyErr> {
    match v {
        Value::List(i) | Value::Tuple(i) => Ok(i.clone()),
        Value::Dict(d) => Ok(d.iter().map(|(k, _)| k.clone()).collect()),
        Value::Str(s) => Ok(s.chars().map(|c| Value::Str(c.to_string())).collect()),
        other => Err(PyErr::type_error(format!(
            "'{}' object is not iterable",
            other.type_name()
        ))),
    }
}

fn compare(a: &Value, b: &Value) -> Result<std::cmp::Ordering, PyErr> {
    use std::cmp::Ordering;
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            Ok(num(a).partial_cmp(&num(b)).unwrap_or(Ordering::Equal))
        }
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        _ => Err(PyErr::type_error(format!(
            "'<' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))),
    }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (
            Value::Int(_) | Value::Float(_) | Value::Bool(_),
            Value::Int(_) | Value::Float(_) | Value::Bool(_),
        ) => num(a) == num(b),
        _ => a == b,
    }
}

/// A binary operator on two values, with Python's errors.
fn binary(a: &Value, op: &str, b: &Value) -> Result<Value, PyErr> {
    if matches!(a, Value::Column(..)) || matches!(b, Value::Column(..)) {
        return Err(PyErr::unsupported(
            "an SQL expression on a model column (use filter_by(name=value))",
        ));
    }
    let unsupported = || {
        PyErr::type_error(format!(
            "unsupported operand type(s) for {op}: '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))
    };
    match op {
        "==" => return Ok(Value::Bool(equal(a, b))),
        "!=" => return Ok(Value::Bool(!equal(a, b))),
        "is" => return Ok(Value::Bool(a == b)),
        "is not" => return Ok(Value::Bool(a != b)),
        "<" | ">" | "<=" | ">=" => {
            let o = compare(a, b).map_err(|_| {
                PyErr::type_error(format!(
                    "'{op}' not supported between instances of '{}' and '{}'",
                    a.type_name(),
                    b.type_name()
                ))
            })?;
            return Ok(Value::Bool(match op {
                "<" => o.is_lt(),
                ">" => o.is_gt(),
                "<=" => o.is_le(),
                _ => o.is_ge(),
            }));
        }
        "in" | "not in" => {
            let found = match b {
                Value::Str(s) => match a {
                    Value::Str(x) => s.contains(x.as_str()),
                    _ => {
                        return Err(PyErr::type_error(format!(
                            "'in <string>' requires string as left operand, not {}",
                            a.type_name()
                        )))
                    }
                },
                other => iter_values(other)?.iter().any(|i| equal(i, a)),
            };
            return Ok(Value::Bool(found == (op == "in")));
        }
        _ => {}
    }
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => match op {
            "+" => x.checked_add(*y).map(Value::Int).ok_or_else(unsupported),
            "-" => x.checked_sub(*y).map(Value::Int).ok_or_else(unsupported),
            "*" => x.checked_mul(*y).map(Value::Int).ok_or_else(unsupported),
            "/" if *y == 0 => Err(PyErr::new("ZeroDivisionError: division by zero")),
            "/" => Ok(Value::Float(*x as f64 / *y as f64)),
            "//" | "%" if *y == 0 => Err(PyErr::new(
                "ZeroDivisionError: integer division or modulo by zero",
            )),
            "//" => Ok(Value::Int(
                x.div_euclid(*y) - i64::from(*y < 0 && x.rem_euclid(*y) != 0),
            )),
            "%" => Ok(Value::Int(((x % y) + y) % y)),
            "**" if *y >= 0 && *y < 64 => x
                .checked_pow(*y as u32)
                .map(Value::Int)
                .ok_or_else(unsupported),
            _ => Err(unsupported()),
        },
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            let (x, y) = (num(a), num(b));
            match op {
                "+" => Ok(Value::Float(x + y)),
                "-" => Ok(Value::Float(x - y)),
                "*" => Ok(Value::Float(x * y)),
                "/" if y == 0.0 => Err(PyErr::new("ZeroDivisionError: float division by zero")),
                "/" => Ok(Value::Float(x / y)),
                _ => Err(unsupported()),
            }
        }
        (Value::Str(x), Value::Str(y)) if op == "+" => Ok(Value::Str(format!("{x}{y}"))),
        (Value::Str(x), Value::Int(n)) if op == "*" => {
            Ok(Value::Str(x.repeat((*n).clamp(0, 10_000) as usize)))
        }
        (Value::Str(x), other) if op == "%" => Ok(Value::Str(x.replacen(
            "%s",
            &match other {
                Value::Str(s) => s.clone(),
                Value::Int(i) => i.to_string(),
                Value::Float(f) => repr_float(*f),
                o => format!("{o:?}"),
            },
            1,
        ))),
        (Value::List(x), Value::List(y)) if op == "+" => {
            Ok(Value::List([x.clone(), y.clone()].concat()))
        }
        (Value::Str(_), _) if op == "+" => Err(PyErr::type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            b.type_name()
        ))),
        _ => Err(unsupported()),
    }
}

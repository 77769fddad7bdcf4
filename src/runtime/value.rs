//! [`Value`]: what a Python expression evaluates to in the interpreter, with Python's `repr`,
//! `str`, truth and equality.

/// A model instance's place in the session's arena ([`super::orm::Orm`]).
pub type ObjId = usize;

/// An object the app's code can reach that is not plain data.
#[derive(Clone, Debug, PartialEq)]
pub enum Thing {
    /// `db`: the `SQLAlchemy` extension object.
    Db,
    /// `db.session`: the scoped session.
    Session,
    /// `request` (Flask's request proxy).
    Request,
    /// `request.form` / `request.args`: a `MultiDict`; true for the form.
    Form(bool),
    /// `app`: the Flask application.
    App,
    /// `os`
    Os,
    /// `os.environ`
    Environ,
}

/// A Python value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `None`
    None,
    /// `True` / `False`
    Bool(bool),
    /// An `int`.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `list` (copied on assignment: the subset never shares a list between names).
    List(Vec<Value>),
    /// A `tuple`.
    Tuple(Vec<Value>),
    /// A `dict` in insertion order.
    Dict(Vec<(Value, Value)>),
    /// A model instance.
    Obj(ObjId),
    /// A model class, by class name.
    Class(String),
    /// `Model.query`, possibly filtered: the class and `filter_by` pairs.
    Query(String, Vec<(String, Value)>),
    /// A function by name: a builtin (`print`, `len`, `jsonify`) or one the code defined.
    Func(String),
    /// A bound method: the receiver and the method name.
    Method(Box<Value>, String),
    /// `db`, `db.session`, `request`…
    Thing(Thing),
    /// What `jsonify(...)` returns: the JSON body.
    Json(String),
    /// An object known by its `repr` only (`db.session.new`'s `IdentitySet([...])`).
    Shown(String),
    /// A mapped column on its class (`User.name`): class and column.
    Column(String, String),
    /// An exception class (`IntegrityError` from `sqlalchemy.exc`): its module and name.
    ExcClass(String, String),
}

impl Value {
    /// Python's truth value.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(v) | Value::Tuple(v) => !v.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            _ => true,
        }
    }

    /// The name of the value's type, as `type(x).__name__` gives it.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Dict(_) => "dict".into(),
            Value::Obj(_) => "object".into(),
            Value::Class(_) => "type".into(),
            Value::Query(..) => "Query".into(),
            Value::Func(_) => "function".into(),
            Value::Method(..) => "method".into(),
            Value::Thing(t) => match t {
                Thing::Db => "SQLAlchemy",
                Thing::Session => "scoped_session",
                Thing::Request => "Request",
                Thing::Form(_) => "ImmutableMultiDict",
                Thing::App => "Flask",
                Thing::Os => "module",
                Thing::Environ => "_Environ",
            }
            .into(),
            Value::Json(_) => "Response".into(),
            Value::Shown(_) => "IdentitySet".into(),
            Value::ExcClass(..) => "type".into(),
            Value::Column(..) => "InstrumentedAttribute".into(),
        }
    }
}

/// Python's `repr` of a string: single quotes unless the text has a `'` and no `"`.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr` of a float (`1.0`, `0.5`, `1e+20`).
pub fn repr_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// The JSON text of a value as Flask's `jsonify` writes it: keys sorted, no spaces,
/// non-ASCII escaped. `None` for a value JSON cannot hold (the caller raises `TypeError`).
pub fn to_json(v: &Value, obj_repr: &dyn Fn(ObjId) -> String) -> Result<String, String> {
    Ok(match v {
        Value::None => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => repr_float(*f),
        Value::Str(s) => json_str(s),
        Value::List(items) | Value::Tuple(items) => {
            let parts: Result<Vec<String>, String> =
                items.iter().map(|i| to_json(i, obj_repr)).collect();
            format!("[{}]", parts?.join(","))
        }
        Value::Dict(items) => {
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (k, v) in items {
                let key = match k {
                    Value::Str(s) => s.clone(),
                    Value::Int(i) => i.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::None => "null".into(),
                    other => {
                        return Err(format!(
                            "keys must be str, int, float, bool or None, not {}",
                            other.type_name()
                        ))
                    }
                };
                pairs.retain(|(k2, _)| *k2 != key);
                pairs.push((key, to_json(v, obj_repr)?));
            }
            crate::sorting::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
            let parts: Vec<String> = pairs
                .into_iter()
                .map(|(k, v)| format!("{}:{v}", json_str(&k)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Obj(id) => {
            return Err(format!(
                "Object of type {} is not JSON serializable",
                obj_repr(*id)
            ))
        }
        other => {
            return Err(format!(
                "Object of type {} is not JSON serializable",
                other.type_name()
            ))
        }
    })
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_and_json_follow_python() {
        assert_eq!(repr_str("Ann"), "'Ann'");
        assert_eq!(repr_str("O'Neil"), "\"O'Neil\"");
        assert_eq!(repr_str("a\nb"), "'a\\nb'");
        assert_eq!(repr_float(1.0), "1.0");
        let v = Value::Dict(vec![
            (Value::Str("name".into()), Value::Str("Zoë".into())),
            (Value::Str("id".into()), Value::Int(1)),
        ]);
        assert_eq!(
            to_json(&v, &|_| String::new()).unwrap(),
            "{\"id\":1,\"name\":\"Zo\\u00eb\"}"
        );
    }
}

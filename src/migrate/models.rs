//! [`Model`]s: the `class X(db.Model)` declarations of a parsed module.
//!
//! Only what changes the schema is read: the table name (`__tablename__`, or Flask-SQLAlchemy's
//! snake-cased class name), `db.Column(...)` with its type and options, and `db.ForeignKey`.
//! `db.relationship`, methods, docstrings and plain class attributes leave no trace, as in
//! SQLAlchemy; a column type or option outside the subset is an error naming file and line.

use super::error::Error;
use super::python::{Expr, Module, Stmt, StmtKind};
use super::schema::{BaseType, ColType, ColumnDef, ForeignKeyRef};

/// What a model column may say, for error messages.
const SUPPORTED_COLUMN: &str = "db.Column(name?, db.Integer|BigInteger|SmallInteger|String(n)|Text|Boolean|DateTime|Date|Float|Numeric(p, s), db.ForeignKey('table.column'), primary_key=, nullable=, unique=, index=, default=, server_default=)";

/// A model class and its table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model {
    /// The class name.
    pub class: String,
    /// The table name; never empty.
    pub table: String,
    /// Columns in declaration order.
    pub columns: Vec<ColumnDef>,
}

/// The models declared at the top level of a module, in order.
pub fn models_of(path: &str, module: &Module) -> Result<Vec<Model>, Error> {
    let mut out = Vec::new();
    for stmt in &module.body {
        if let StmtKind::Class { name, bases, body } = &stmt.kind {
            if bases.iter().any(|b| {
                b.dotted()
                    .is_some_and(|d| d == "db.Model" || d.ends_with(".Model"))
            }) {
                out.push(model(path, name, body)?);
            }
        }
    }
    Ok(out)
}

/// Flask-SQLAlchemy's default table name: `UserProfile` → `user_profile`.
pub fn default_table_name(class: &str) -> String {
    let chars: Vec<char> = class.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || next_lower {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_start_matches('_').to_string()
}

fn model(path: &str, class: &str, body: &[Stmt]) -> Result<Model, Error> {
    let mut table = None;
    let mut columns = Vec::new();
    for stmt in body {
        let StmtKind::Assign(target, value) = &stmt.kind else {
            continue;
        };
        let Some(attr) = target.dotted() else {
            continue;
        };
        if attr == "__tablename__" {
            match value {
                Expr::Str(s) if !s.is_empty() => table = Some(s.clone()),
                _ => {
                    return Err(Error::unsupported(
                        path,
                        stmt.line,
                        "a __tablename__ that is not a string literal",
                        "__tablename__ = \"name\"",
                    ))
                }
            }
            continue;
        }
        if attr == "__table_args__" {
            return Err(Error::unsupported(
                path,
                stmt.line,
                "__table_args__",
                "options on db.Column",
            ));
        }
        let Expr::Call { func, args, kwargs } = value else {
            continue;
        };
        let func = func.dotted().unwrap_or_default();
        let last = func.rsplit('.').next().unwrap_or("");
        match last {
            "Column" => columns.push(column(path, stmt.line, &attr, args, kwargs)?),
            "relationship" | "backref" | "synonym" | "association_proxy" | "hybrid_property" => {}
            _ if func.starts_with("db.") || func.starts_with("sa.") || last == "mapped_column" => {
                return Err(Error::unsupported(
                    path,
                    stmt.line,
                    &format!("{func}(...)"),
                    SUPPORTED_COLUMN,
                ))
            }
            _ => {}
        }
    }
    Ok(Model {
        class: class.to_string(),
        table: table.unwrap_or_else(|| default_table_name(class)),
        columns,
    })
}

/// A column type expression: `db.Integer`, `db.String(80)`, `sa.String(length=80)`,
/// `sa.VARCHAR(length=20)`, `postgresql.TIMESTAMP()`. `None` when it is not a type.
pub fn column_type(expr: &Expr) -> Option<ColType> {
    let (func, args, kwargs) = match expr {
        Expr::Call { func, args, kwargs } => (func.dotted()?, args.as_slice(), kwargs.as_slice()),
        other => (other.dotted()?, &[][..], &[][..]),
    };
    let name = func.rsplit('.').next()?;
    let int_arg = |pos: usize, key: &str| -> Option<u32> {
        kwargs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .or_else(|| args.get(pos))
            .and_then(|v| match v {
                Expr::Int(n) => u32::try_from(*n).ok(),
                _ => None,
            })
    };
    let (base, reflected) = match name {
        "Integer" => (BaseType::Integer, false),
        "INTEGER" => (BaseType::Integer, true),
        "BigInteger" => (BaseType::BigInteger, false),
        "BIGINT" => (BaseType::BigInteger, true),
        "SmallInteger" => (BaseType::SmallInteger, false),
        "SMALLINT" => (BaseType::SmallInteger, true),
        "String" => (BaseType::String(int_arg(0, "length")), false),
        "VARCHAR" => (BaseType::String(int_arg(0, "length")), true),
        "Text" => (BaseType::Text, false),
        "TEXT" => (BaseType::Text, true),
        "Boolean" => (BaseType::Boolean, false),
        "BOOLEAN" => (BaseType::Boolean, true),
        "DateTime" => (BaseType::DateTime, false),
        "TIMESTAMP" => (BaseType::DateTime, true),
        "Date" => (BaseType::Date, false),
        "DATE" => (BaseType::Date, true),
        "Float" => (BaseType::Float, false),
        "DOUBLE_PRECISION" => (BaseType::Float, true),
        "REAL" => (BaseType::Real, true),
        "Numeric" => (
            BaseType::Numeric(int_arg(0, "precision"), int_arg(1, "scale")),
            false,
        ),
        "NUMERIC" => (
            BaseType::Numeric(int_arg(0, "precision"), int_arg(1, "scale")),
            true,
        ),
        _ => return None,
    };
    Some(ColType { base, reflected })
}

/// The SQL text of a `server_default=` value: a string literal is quoted, `text("…")` is
/// taken as is, `func.now()` becomes `now()`.
pub fn server_default(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Str(s) => Some(format!("'{}'", s.replace('\'', "''"))),
        Expr::Call { func, args, .. } => {
            let f = func.dotted()?;
            if f.ends_with("text") {
                match args.first() {
                    Some(Expr::Str(s)) => Some(s.clone()),
                    _ => None,
                }
            } else {
                f.split(".func.")
                    .nth(1)
                    .or(f.strip_prefix("func."))
                    .map(|name| format!("{name}()"))
            }
        }
        _ => None,
    }
}

/// A `ForeignKey('table.column', ondelete=…)` call.
pub fn foreign_key(expr: &Expr) -> Option<ForeignKeyRef> {
    let Expr::Call { func, args, kwargs } = expr else {
        return None;
    };
    if !func.dotted()?.ends_with("ForeignKey") {
        return None;
    }
    let Some(Expr::Str(target)) = args.first() else {
        return None;
    };
    let (table, column) = target.rsplit_once('.')?;
    let ondelete = kwargs.iter().find_map(|(k, v)| match (k.as_str(), v) {
        ("ondelete", Expr::Str(s)) => Some(s.clone()),
        _ => None,
    });
    Some(ForeignKeyRef {
        table: table.to_string(),
        column: column.to_string(),
        ondelete,
    })
}

fn bool_kw(path: &str, line: usize, key: &str, v: &Expr) -> Result<bool, Error> {
    match v {
        Expr::Bool(b) => Ok(*b),
        _ => Err(Error::unsupported(
            path,
            line,
            &format!("{key}= with a value other than True or False"),
            SUPPORTED_COLUMN,
        )),
    }
}

fn column(
    path: &str,
    line: usize,
    attr: &str,
    args: &[Expr],
    kwargs: &[(String, Expr)],
) -> Result<ColumnDef, Error> {
    let mut name = attr.to_string();
    let mut ty = None;
    let mut fk = None;
    for (i, a) in args.iter().enumerate() {
        match a {
            Expr::Str(s) if i == 0 => name = s.clone(),
            other => {
                if let Some(t) = column_type(other) {
                    ty = Some(t);
                } else if let Some(f) = foreign_key(other) {
                    fk = Some(f);
                } else {
                    let what = other.dotted().map_or_else(
                        || "this column argument".to_string(),
                        |d| format!("the column type {d}"),
                    );
                    return Err(Error::unsupported(path, line, &what, SUPPORTED_COLUMN));
                }
            }
        }
    }
    let Some(ty) = ty else {
        return Err(Error::unsupported(
            path,
            line,
            "a db.Column without a type",
            SUPPORTED_COLUMN,
        ));
    };
    let mut col = ColumnDef::new(&name, ColType::generic(ty.base));
    col.foreign_key = fk;
    let mut nullable = None;
    for (key, v) in kwargs {
        match key.as_str() {
            "primary_key" => col.primary_key = bool_kw(path, line, key, v)?,
            "nullable" => nullable = Some(bool_kw(path, line, key, v)?),
            "unique" => col.unique = bool_kw(path, line, key, v)?,
            "index" => col.index = bool_kw(path, line, key, v)?,
            "autoincrement" => col.autoincrement = Some(bool_kw(path, line, key, v)?),
            "default" | "onupdate" | "comment" | "doc" | "info" | "key" => {}
            "server_default" => match server_default(v) {
                Some(d) => col.server_default = Some(d),
                None => {
                    return Err(Error::unsupported(
                        path,
                        line,
                        "this server_default",
                        "server_default='text', db.text('SQL'), db.func.now()",
                    ))
                }
            },
            other => {
                return Err(Error::unsupported(
                    path,
                    line,
                    &format!("the column option {other}="),
                    SUPPORTED_COLUMN,
                ))
            }
        }
    }
    col.nullable = nullable.unwrap_or(!col.primary_key);
    Ok(col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::python::parse_module;

    #[test]
    fn names_tables_like_flask_sqlalchemy() {
        for (class, table) in [
            ("User", "user"),
            ("UserProfile", "user_profile"),
            ("HTTPLog", "http_log"),
            ("Item2", "item2"),
        ] {
            assert_eq!(default_table_name(class), table);
        }
    }

    #[test]
    fn reads_columns() {
        let src = "class Profile(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    user_id = db.Column(db.Integer, db.ForeignKey(\"users.id\"), nullable=False)\n    nick = db.Column(db.String(50), server_default='anon', nullable=False)\n    user = db.relationship('User')\n";
        let m = parse_module("/p/models.py", src).unwrap();
        let models = models_of("/p/models.py", &m).unwrap();
        assert_eq!(models[0].table, "profile");
        let cols = &models[0].columns;
        assert_eq!(cols.len(), 3);
        assert!(!cols[0].nullable && cols[0].primary_key);
        assert_eq!(cols[1].foreign_key.as_ref().unwrap().table, "users");
        assert_eq!(cols[2].server_default.as_deref(), Some("'anon'"));
    }

    #[test]
    fn refuses_unknown_types_with_the_line() {
        let src = "class A(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    data = db.Column(db.JSON)\n";
        let m = parse_module("/p/models.py", src).unwrap();
        let e = models_of("/p/models.py", &m).unwrap_err().to_string();
        assert!(
            e.contains("/p/models.py, line 3") && e.contains("db.JSON"),
            "{e}"
        );
    }
}

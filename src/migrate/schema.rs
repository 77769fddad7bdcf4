//! Column types and column definitions shared by models, revision scripts and autogenerate.
//!
//! A [`ColType`] knows its three spellings: the DDL SQLAlchemy compiles for PostgreSQL
//! (`VARCHAR(80)`), the Python a revision file renders (`sa.String(length=80)`, or
//! `sa.VARCHAR(length=80)` when it was reflected from the database) and Python's `repr`
//! (`String(length=80)`) that Alembic logs.

use crate::sql::SqlType;

/// The SQLAlchemy types the simulator knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseType {
    /// `Integer` / `INTEGER`
    Integer,
    /// `BigInteger` / `BIGINT`
    BigInteger,
    /// `SmallInteger` / `SMALLINT`
    SmallInteger,
    /// `String(length)` / `VARCHAR(length)`
    String(Option<u32>),
    /// `Text` / `TEXT`
    Text,
    /// `Boolean` / `BOOLEAN`
    Boolean,
    /// `DateTime` / `TIMESTAMP`
    DateTime,
    /// `Date` / `DATE`
    Date,
    /// `Float` / `DOUBLE_PRECISION(precision=53)`
    Float,
    /// `REAL` (reflected only)
    Real,
    /// `Numeric(precision, scale)` / `NUMERIC`
    Numeric(Option<u32>, Option<u32>),
    /// A reflected type without a model counterpart here: its PostgreSQL name.
    Other(String),
}

/// A column type and whether it was spelled in upper case (reflected from the database).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColType {
    /// The type.
    pub base: BaseType,
    /// Reflected spelling (`sa.VARCHAR`) rather than the generic one (`sa.String`).
    pub reflected: bool,
}

impl ColType {
    /// A generic (model) type.
    pub fn generic(base: BaseType) -> Self {
        ColType {
            base,
            reflected: false,
        }
    }

    /// The type Alembic reflects for a PostgreSQL column type.
    pub fn from_sql(ty: &SqlType) -> Self {
        let base = match ty {
            SqlType::Int4 => BaseType::Integer,
            SqlType::Int8 => BaseType::BigInteger,
            SqlType::Int2 => BaseType::SmallInteger,
            SqlType::Varchar(n) => BaseType::String(*n),
            SqlType::Text => BaseType::Text,
            SqlType::Bool => BaseType::Boolean,
            SqlType::Timestamp => BaseType::DateTime,
            SqlType::Date => BaseType::Date,
            SqlType::Float8 => BaseType::Float,
            SqlType::Float4 => BaseType::Real,
            SqlType::Numeric(ps) => BaseType::Numeric(ps.map(|p| p.0), ps.map(|p| p.1)),
            other => BaseType::Other(other.display()),
        };
        ColType {
            base,
            reflected: true,
        }
    }

    /// The DDL SQLAlchemy's PostgreSQL dialect compiles.
    pub fn ddl(&self) -> String {
        match &self.base {
            BaseType::Integer => "INTEGER".into(),
            BaseType::BigInteger => "BIGINT".into(),
            BaseType::SmallInteger => "SMALLINT".into(),
            BaseType::String(Some(n)) => format!("VARCHAR({n})"),
            BaseType::String(None) => "VARCHAR".into(),
            BaseType::Text => "TEXT".into(),
            BaseType::Boolean => "BOOLEAN".into(),
            BaseType::DateTime => "TIMESTAMP WITHOUT TIME ZONE".into(),
            BaseType::Date => "DATE".into(),
            BaseType::Float if self.reflected => "DOUBLE PRECISION".into(),
            BaseType::Float => "FLOAT".into(),
            BaseType::Real => "REAL".into(),
            BaseType::Numeric(Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
            BaseType::Numeric(Some(p), None) => format!("NUMERIC({p})"),
            BaseType::Numeric(..) => "NUMERIC".into(),
            BaseType::Other(name) => name.to_uppercase(),
        }
    }

    /// The serial pseudo-type for an autoincrementing integer primary key.
    pub fn serial_ddl(&self) -> Option<&'static str> {
        match self.base {
            BaseType::Integer => Some("SERIAL"),
            BaseType::BigInteger => Some("BIGSERIAL"),
            BaseType::SmallInteger => Some("SMALLSERIAL"),
            _ => None,
        }
    }

    /// True for the integer types (autoincrement candidates).
    pub fn is_integer(&self) -> bool {
        self.serial_ddl().is_some()
    }

    /// Python's `repr` of the type object (`String(length=30)`, `VARCHAR(length=20)`).
    pub fn repr(&self) -> String {
        let (name, args) = self.name_and_args();
        format!("{name}({args})")
    }

    /// The expression a revision file renders (`sa.String(length=30)`, `postgresql.TIMESTAMP()`).
    pub fn render(&self) -> String {
        let (name, args) = self.name_and_args();
        let module = if self.reflected && matches!(self.base, BaseType::DateTime) {
            "postgresql"
        } else {
            "sa"
        };
        format!("{module}.{name}({args})")
    }

    /// True when the rendering needs `from sqlalchemy.dialects import postgresql`.
    pub fn needs_postgresql_import(&self) -> bool {
        self.render().starts_with("postgresql.")
    }

    fn name_and_args(&self) -> (String, String) {
        let r = self.reflected;
        let pick = |generic: &str, upper: &str| if r { upper } else { generic }.to_string();
        match &self.base {
            BaseType::Integer => (pick("Integer", "INTEGER"), String::new()),
            BaseType::BigInteger => (pick("BigInteger", "BIGINT"), String::new()),
            BaseType::SmallInteger => (pick("SmallInteger", "SMALLINT"), String::new()),
            BaseType::String(n) => (
                pick("String", "VARCHAR"),
                n.map(|n| format!("length={n}")).unwrap_or_default(),
            ),
            BaseType::Text => (pick("Text", "TEXT"), String::new()),
            BaseType::Boolean => (pick("Boolean", "BOOLEAN"), String::new()),
            BaseType::DateTime => (pick("DateTime", "TIMESTAMP"), String::new()),
            BaseType::Date => (pick("Date", "DATE"), String::new()),
            BaseType::Float if r => ("DOUBLE_PRECISION".into(), "precision=53".into()),
            BaseType::Float => ("Float".into(), String::new()),
            BaseType::Real => ("REAL".into(), String::new()),
            BaseType::Numeric(p, s) => {
                let mut args = Vec::new();
                if let Some(p) = p {
                    args.push(format!("precision={p}"));
                }
                if let Some(s) = s {
                    args.push(format!("scale={s}"));
                }
                (pick("Numeric", "NUMERIC"), args.join(", "))
            }
            BaseType::Other(name) => (name.to_uppercase().replace(' ', "_"), String::new()),
        }
    }

    /// Alembic's `compare_type`: do a model type and a reflected type differ?
    pub fn differs_from(&self, reflected: &ColType) -> bool {
        match (&self.base, &reflected.base) {
            (BaseType::String(a), BaseType::String(b)) => a.is_some() && a != b,
            (BaseType::Numeric(p1, s1), BaseType::Numeric(p2, s2)) => {
                p1.is_some() && (p1, s1) != (p2, s2)
            }
            (a, b) => a != b,
        }
    }
}

/// A foreign key on one column: `ForeignKey('table.column')`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKeyRef {
    /// The referenced table.
    pub table: String,
    /// The referenced column.
    pub column: String,
    /// `ondelete=`, if given.
    pub ondelete: Option<String>,
}

/// A column as a model or `sa.Column(...)` declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnDef {
    /// Column name; never empty.
    pub name: String,
    /// Its type.
    pub ty: ColType,
    /// `primary_key=True`
    pub primary_key: bool,
    /// `nullable=` (defaults to `not primary_key`).
    pub nullable: bool,
    /// `unique=True`
    pub unique: bool,
    /// `index=True`
    pub index: bool,
    /// `server_default=`: the SQL default expression as SQLAlchemy renders it (`'anon'`).
    pub server_default: Option<String>,
    /// `ForeignKey(...)`, if any.
    pub foreign_key: Option<ForeignKeyRef>,
    /// `autoincrement=` as written (`None`: SQLAlchemy's "auto").
    pub autoincrement: Option<bool>,
}

impl ColumnDef {
    /// A plain nullable column.
    pub fn new(name: &str, ty: ColType) -> Self {
        ColumnDef {
            name: name.to_string(),
            ty,
            primary_key: false,
            nullable: true,
            unique: false,
            index: false,
            server_default: None,
            foreign_key: None,
            autoincrement: None,
        }
    }

    /// The column's DDL inside `CREATE TABLE` or `ADD COLUMN`; `serial` when it is the
    /// table's single integer primary key (SQLAlchemy's autoincrement).
    pub fn ddl(&self, serial: bool) -> String {
        let ty = match (serial, self.ty.serial_ddl()) {
            (true, Some(s)) => s.to_string(),
            _ => self.ty.ddl(),
        };
        let mut out = format!("{} {ty}", quote_ident(&self.name));
        if let Some(d) = &self.server_default {
            out.push_str(&format!(" DEFAULT {d}"));
        }
        if !self.nullable {
            out.push_str(" NOT NULL");
        }
        out
    }
}

/// Quotes an identifier as SQLAlchemy's PostgreSQL dialect does: reserved words, upper case
/// and unusual characters get double quotes.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain && !RESERVED.contains(&name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// PostgreSQL's reserved words as SQLAlchemy's dialect lists them.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "over",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_types_three_ways() {
        let cases = [
            (
                BaseType::String(Some(80)),
                false,
                "VARCHAR(80)",
                "sa.String(length=80)",
                "String(length=80)",
            ),
            (
                BaseType::String(Some(20)),
                true,
                "VARCHAR(20)",
                "sa.VARCHAR(length=20)",
                "VARCHAR(length=20)",
            ),
            (
                BaseType::Integer,
                false,
                "INTEGER",
                "sa.Integer()",
                "Integer()",
            ),
            (BaseType::Text, false, "TEXT", "sa.Text()", "Text()"),
            (
                BaseType::Numeric(Some(10), Some(2)),
                false,
                "NUMERIC(10, 2)",
                "sa.Numeric(precision=10, scale=2)",
                "Numeric(precision=10, scale=2)",
            ),
            (
                BaseType::DateTime,
                true,
                "TIMESTAMP WITHOUT TIME ZONE",
                "postgresql.TIMESTAMP()",
                "TIMESTAMP()",
            ),
        ];
        for (base, reflected, ddl, render, repr) in cases {
            let t = ColType { base, reflected };
            assert_eq!(
                (t.ddl().as_str(), t.render().as_str(), t.repr().as_str()),
                (ddl, render, repr)
            );
        }
    }

    #[test]
    fn quotes_like_sqlalchemy() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("Order"), "\"Order\"");
    }
}

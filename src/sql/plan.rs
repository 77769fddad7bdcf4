//! The planner: resolves relations against the catalog and the search path, builds FROM
//! scopes, and turns queries into [`QueryPlan`]s whose expressions ([`BExpr`]) are bound by
//! `bind.rs`. Also the type rules shared by both: type names, literal coercion, common types.
//!
//! Invariant: every error PostgreSQL raises during parse analysis (unknown relations and
//! columns, type mismatches, bad literals, grouping errors) is raised here, before any row is
//! read or any sequence value is drawn.

use super::ast::*;
use super::catalog::{Catalog, ConstraintKind, Relation, SeqId, TableId};
use super::error::SqlError;
use super::numeric::Decimal;
use super::types::{cast_value, parse_input, parse_input_owned, Category, SqlType, Value};

type R<T> = Result<T, SqlError>;

pub(super) fn at(pos: usize) -> Option<usize> {
    Some(pos + 1)
}

/// Functions the executor knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// length(text)
    Length,
    /// length(bpchar): ignores trailing blanks
    LengthChar,
    /// octet_length
    OctetLength,
    /// upper
    Upper,
    /// lower
    Lower,
    /// initcap
    Initcap,
    /// btrim
    Btrim,
    /// ltrim
    Ltrim,
    /// rtrim
    Rtrim,
    /// substring / substr
    Substring,
    /// replace
    Replace,
    /// concat
    Concat,
    /// concat_ws
    ConcatWs,
    /// coalesce
    Coalesce,
    /// nullif
    Nullif,
    /// greatest
    Greatest,
    /// least
    Least,
    /// abs
    Abs,
    /// round
    Round,
    /// ceil
    Ceil,
    /// floor
    Floor,
    /// trunc
    Trunc,
    /// sqrt
    Sqrt,
    /// sign
    Sign,
    /// left
    Left,
    /// right
    Right,
    /// strpos
    Strpos,
    /// lpad
    Lpad,
    /// rpad
    Rpad,
    /// reverse
    Reverse,
    /// md5
    Md5,
    /// repeat
    Repeat,
    /// split_part
    SplitPart,
    /// now / current_timestamp
    Now,
    /// current_date
    CurrentDate,
    /// localtimestamp
    LocalTimestamp,
    /// jsonb_typeof
    JsonbTypeof,
    /// extract / date_part
    Extract,
    /// date_trunc
    DateTrunc,
    /// currval
    Currval,
    /// setval
    Setval,
    /// lastval
    Lastval,
    /// version
    Version,
    /// current_user etc.
    CurrentUser,
    /// current_schema
    CurrentSchema,
    /// current_database
    CurrentDatabase,
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggFunc {
    /// count(*)
    CountStar,
    /// count(x)
    Count,
    /// sum
    Sum,
    /// avg
    Avg,
    /// min
    Min,
    /// max
    Max,
    /// bool_and / every
    BoolAnd,
    /// bool_or
    BoolOr,
    /// string_agg
    StringAgg,
}

/// One aggregate call in a grouped query.
#[derive(Clone, Debug, PartialEq)]
pub struct AggSpec {
    /// Which aggregate.
    pub func: AggFunc,
    /// Arguments (bound in the input scope).
    pub args: Vec<BExpr>,
    /// DISTINCT given.
    pub distinct: bool,
    /// Argument type.
    pub arg_ty: SqlType,
    /// Result type.
    pub ty: SqlType,
    /// ORDER BY inside the call: (key, descending, nulls first), bound in the input scope.
    pub order: Vec<(BExpr, bool, bool)>,
}

/// Arithmetic operators after type resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    /// +
    Add,
    /// -
    Sub,
    /// *
    Mul,
    /// /
    Div,
    /// %
    Mod,
    /// ^
    Pow,
    /// date + integer
    DateAdd,
    /// date - integer
    DateSub,
    /// date - date
    DateDiff,
}

/// A bound, typed expression. Equality is structural (GROUP BY matches select-list
/// expressions with it) and iterative: a left-nested chain is as deep as it is long.
#[derive(Clone, Debug)]
pub enum BExpr {
    /// A constant.
    Const(Value),
    /// Column of the current row.
    Col(usize),
    /// Column of an enclosing query's row: (levels up, index).
    Outer(usize, usize),
    /// Result of aggregate number n in the current group.
    Agg(usize),
    /// Arithmetic with the result type.
    Arith(Arith, Box<BExpr>, Box<BExpr>, SqlType),
    /// Unary minus.
    Neg(Box<BExpr>, SqlType),
    /// Comparison.
    Cmp(BinOp, Box<BExpr>, Box<BExpr>),
    /// AND
    And(Box<BExpr>, Box<BExpr>),
    /// OR
    Or(Box<BExpr>, Box<BExpr>),
    /// NOT
    Not(Box<BExpr>),
    /// IS \[NOT\] NULL (bool = negated)
    IsNull(Box<BExpr>, bool),
    /// IS \[NOT\] TRUE/FALSE: (expr, value, negated)
    IsBool(Box<BExpr>, bool, bool),
    /// IS \[NOT\] DISTINCT FROM (bool = distinct)
    IsDistinct(Box<BExpr>, Box<BExpr>, bool),
    /// A cast.
    Cast {
        /// Input.
        expr: Box<BExpr>,
        /// Input type.
        from: SqlType,
        /// Target type.
        to: SqlType,
        /// CAST/:: (true) or implicit/assignment (false).
        explicit: bool,
    },
    /// text || text
    Concat(Box<BExpr>, Box<BExpr>),
    /// LIKE / ILIKE
    Like {
        /// Subject.
        expr: Box<BExpr>,
        /// Pattern.
        pattern: Box<BExpr>,
        /// NOT.
        negated: bool,
        /// ILIKE.
        ci: bool,
        /// ESCAPE.
        escape: Option<Box<BExpr>>,
    },
    /// IN (list)
    InList(Box<BExpr>, Vec<BExpr>, bool),
    /// IN (subquery)
    InSub(Box<BExpr>, Box<QueryPlan>, bool),
    /// EXISTS (subquery)
    Exists(Box<QueryPlan>, bool),
    /// Scalar subquery.
    Scalar(Box<QueryPlan>),
    /// CASE
    Case {
        /// Simple-CASE operand.
        operand: Option<Box<BExpr>>,
        /// WHEN/THEN.
        whens: Vec<(BExpr, BExpr)>,
        /// ELSE.
        else_: Option<Box<BExpr>>,
    },
    /// Function call with result type.
    Func(Func, Vec<BExpr>, SqlType),
    /// nextval(seq)
    NextVal(SeqId),
    /// jsonb -> / ->> (bool = as text)
    JsonGet(Box<BExpr>, Box<BExpr>, bool),
    /// jsonb @> jsonb
    JsonContains(Box<BExpr>, Box<BExpr>),
}

impl PartialEq for BExpr {
    fn eq(&self, other: &Self) -> bool {
        let mut work = vec![(self, other)];
        while let Some((a, b)) = work.pop() {
            if !same_node(a, b, &mut work) {
                return false;
            }
        }
        true
    }
}

/// Whether two nodes are alike apart from their operands; the pairs of operands still to
/// compare go to `work`.
fn same_node<'a>(a: &'a BExpr, b: &'a BExpr, work: &mut Vec<(&'a BExpr, &'a BExpr)>) -> bool {
    use BExpr as E;
    let mut pair = |x: &'a BExpr, y: &'a BExpr| work.push((x, y));
    match (a, b) {
        (E::Const(x), E::Const(y)) => x == y,
        (E::Col(x), E::Col(y)) | (E::Agg(x), E::Agg(y)) => x == y,
        (E::Outer(l1, i1), E::Outer(l2, i2)) => l1 == l2 && i1 == i2,
        (E::NextVal(x), E::NextVal(y)) => x == y,
        (E::Arith(o1, a1, b1, t1), E::Arith(o2, a2, b2, t2)) => {
            pair(a1, a2);
            pair(b1, b2);
            o1 == o2 && t1 == t2
        }
        (E::Cmp(o1, a1, b1), E::Cmp(o2, a2, b2)) => {
            pair(a1, a2);
            pair(b1, b2);
            o1 == o2
        }
        (E::And(a1, b1), E::And(a2, b2))
        | (E::Or(a1, b1), E::Or(a2, b2))
        | (E::Concat(a1, b1), E::Concat(a2, b2))
        | (E::JsonContains(a1, b1), E::JsonContains(a2, b2)) => {
            pair(a1, a2);
            pair(b1, b2);
            true
        }
        (E::IsDistinct(a1, b1, d1), E::IsDistinct(a2, b2, d2))
        | (E::JsonGet(a1, b1, d1), E::JsonGet(a2, b2, d2)) => {
            pair(a1, a2);
            pair(b1, b2);
            d1 == d2
        }
        (E::Not(x), E::Not(y)) => {
            pair(x, y);
            true
        }
        (E::Neg(x, t1), E::Neg(y, t2)) => {
            pair(x, y);
            t1 == t2
        }
        (E::IsNull(x, n1), E::IsNull(y, n2)) => {
            pair(x, y);
            n1 == n2
        }
        (E::IsBool(x, v1, n1), E::IsBool(y, v2, n2)) => {
            pair(x, y);
            v1 == v2 && n1 == n2
        }
        (
            E::Cast {
                expr: x,
                from: f1,
                to: t1,
                explicit: e1,
            },
            E::Cast {
                expr: y,
                from: f2,
                to: t2,
                explicit: e2,
            },
        ) => {
            pair(x, y);
            f1 == f2 && t1 == t2 && e1 == e2
        }
        (
            E::Like {
                expr: x1,
                pattern: p1,
                negated: n1,
                ci: c1,
                escape: s1,
            },
            E::Like {
                expr: x2,
                pattern: p2,
                negated: n2,
                ci: c2,
                escape: s2,
            },
        ) => {
            pair(x1, x2);
            pair(p1, p2);
            match (s1, s2) {
                (Some(s1), Some(s2)) => pair(s1, s2),
                (None, None) => {}
                _ => return false,
            }
            n1 == n2 && c1 == c2
        }
        (E::InList(x, l1, n1), E::InList(y, l2, n2)) => {
            pair(x, y);
            l1.iter().zip(l2).for_each(|(p, q)| pair(p, q));
            l1.len() == l2.len() && n1 == n2
        }
        (E::InSub(x, q1, n1), E::InSub(y, q2, n2)) => {
            pair(x, y);
            q1 == q2 && n1 == n2
        }
        (E::Exists(q1, n1), E::Exists(q2, n2)) => q1 == q2 && n1 == n2,
        (E::Scalar(q1), E::Scalar(q2)) => q1 == q2,
        (
            E::Case {
                operand: o1,
                whens: w1,
                else_: e1,
            },
            E::Case {
                operand: o2,
                whens: w2,
                else_: e2,
            },
        ) => {
            for (x, y) in [(o1, o2), (e1, e2)] {
                match (x, y) {
                    (Some(x), Some(y)) => pair(x, y),
                    (None, None) => {}
                    _ => return false,
                }
            }
            for ((c1, r1), (c2, r2)) in w1.iter().zip(w2) {
                pair(c1, c2);
                pair(r1, r2);
            }
            w1.len() == w2.len()
        }
        (E::Func(f1, a1, t1), E::Func(f2, a2, t2)) => {
            a1.iter().zip(a2).for_each(|(p, q)| pair(p, q));
            f1 == f2 && a1.len() == a2.len() && t1 == t2
        }
        _ => false,
    }
}

/// A bound expression with its type.
#[derive(Clone, Debug)]
pub struct Typed {
    /// The expression.
    pub expr: BExpr,
    /// Its static type.
    pub ty: SqlType,
}

impl Typed {
    pub(super) fn new(expr: BExpr, ty: SqlType) -> Self {
        Typed { expr, ty }
    }
}

/// A planned SELECT core: the plan, its visible columns and its sort keys.
type PlannedSelect = (SelectPlan, Vec<OutCol>, Vec<(usize, bool, bool)>);

/// A result column.
#[derive(Clone, Debug, PartialEq)]
pub struct OutCol {
    /// Output name.
    pub name: String,
    /// Type.
    pub ty: SqlType,
}

/// A FROM-clause source.
#[derive(Clone, Debug, PartialEq)]
pub enum FromPlan {
    /// No FROM: one empty row.
    Unit,
    /// A table scan, optionally a point lookup through a unique index.
    Scan {
        /// Table.
        table: TableId,
        /// Unique index name and key expressions (constants) for a point lookup.
        lookup: Option<(String, Vec<BExpr>)>,
    },
    /// A derived table (subquery or VALUES).
    Derived(Box<QueryPlan>),
    /// Rows computed at plan time (information_schema views).
    Rows(Vec<Vec<Value>>),
    /// A join.
    Join {
        /// Kind.
        kind: JoinKind,
        /// Left input.
        left: Box<FromPlan>,
        /// Right input.
        right: Box<FromPlan>,
        /// Width of the left rows.
        left_width: usize,
        /// Width of the right rows.
        right_width: usize,
        /// Join condition over the combined row.
        on: Option<BExpr>,
    },
}

/// A planned SELECT core.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectPlan {
    /// Row source.
    pub from: FromPlan,
    /// WHERE.
    pub filter: Option<BExpr>,
    /// Grouped (GROUP BY or aggregates present).
    pub grouped: bool,
    /// GROUP BY keys.
    pub group_keys: Vec<BExpr>,
    /// Aggregates.
    pub aggs: Vec<AggSpec>,
    /// HAVING.
    pub having: Option<BExpr>,
    /// Output expressions, then hidden ORDER BY expressions.
    pub outputs: Vec<BExpr>,
    /// DISTINCT.
    pub distinct: bool,
}

/// The body of a query.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyPlan {
    /// SELECT core.
    Select(Box<SelectPlan>),
    /// VALUES rows.
    Values(Vec<Vec<BExpr>>),
    /// UNION / INTERSECT / EXCEPT.
    SetOp {
        /// Which.
        op: SetOp,
        /// ALL.
        all: bool,
        /// Left.
        left: Box<QueryPlan>,
        /// Right.
        right: Box<QueryPlan>,
    },
}

/// A planned query.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryPlan {
    /// The body.
    pub body: BodyPlan,
    /// Sort keys: (column index in the body's rows, DESC, NULLS FIRST).
    pub order: Vec<(usize, bool, bool)>,
    /// LIMIT.
    pub limit: Option<BExpr>,
    /// OFFSET.
    pub offset: Option<BExpr>,
    /// Visible columns (the body's rows may have hidden sort columns after them).
    pub columns: Vec<OutCol>,
}

/// One FROM item visible to expressions.
#[derive(Clone, Debug)]
pub struct ScopeEntry {
    /// The reference name (alias, or table name).
    pub name: String,
    /// The table's real name when an alias hides it.
    pub hidden_name: Option<String>,
    /// Columns.
    pub columns: Vec<(String, SqlType)>,
    /// Position of the first column in the combined row.
    pub offset: usize,
    /// Base table, if any.
    pub table: Option<TableId>,
    /// Columns merged away by `JOIN … USING`: reachable only qualified, left out of `*`.
    pub merged: Vec<usize>,
}

/// The FROM items of one query level.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Entries in FROM order.
    pub entries: Vec<ScopeEntry>,
}

impl Scope {
    /// Width of the combined row.
    pub fn width(&self) -> usize {
        self.entries.iter().map(|e| e.columns.len()).sum()
    }
    /// A scope over one table's columns.
    pub fn for_table(cat: &Catalog, id: TableId, alias: Option<&str>) -> Scope {
        let Some(t) = cat.table(id) else {
            return Scope::default();
        };
        let cols = t
            .meta
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone()))
            .collect();
        let name = alias.unwrap_or(&t.meta.name).to_string();
        let hidden_name = alias.map(|_| t.meta.name.clone());
        Scope {
            entries: vec![ScopeEntry {
                name,
                hidden_name,
                columns: cols,
                offset: 0,
                table: Some(id),
                merged: Vec::new(),
            }],
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum AggMode {
    Disallowed(&'static str),
    Collect,
}

/// Binds and plans statements against a catalog.
pub struct Planner<'a> {
    /// The catalog.
    pub cat: &'a Catalog,
    /// The session's search_path (schema names, `$user` already dropped).
    pub search_path: &'a [String],
    pub(super) scopes: Vec<Scope>,
    pub(super) agg_mode: AggMode,
    pub(super) aggs: Vec<AggSpec>,
    pub(super) in_agg: bool,
    pub(super) depth: usize,
}

/// Levenshtein distance (PostgreSQL's `varstr_levenshtein`, unit costs).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { 1 };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Resolves a written type name to a [`SqlType`] (42704 for unknown names).
pub fn resolve_type(t: &TypeName) -> R<SqlType> {
    let m = &t.mods;
    if t.array {
        return Err(SqlError::not_supported("array types").at(at(t.pos)));
    }
    let bad_len = |what: &str| {
        SqlError::invalid_parameter(format!("length for type {what} must be at least 1"))
            .at(at(t.pos))
    };
    Ok(match t.name.as_str() {
        "int" | "integer" | "int4" | "serial" | "serial4" => SqlType::Int4,
        "bigint" | "int8" | "bigserial" | "serial8" => SqlType::Int8,
        "smallint" | "int2" | "smallserial" | "serial2" => SqlType::Int2,
        "numeric" | "decimal" => match m.as_slice() {
            [] => SqlType::Numeric(None),
            [p] | [p, _] => {
                let s = m.get(1).copied().unwrap_or(0);
                if *p < 1 || *p > 1000 {
                    return Err(SqlError::invalid_parameter(format!(
                        "NUMERIC precision {p} must be between 1 and 1000"
                    ))
                    .at(at(t.pos)));
                }
                if !(0..=1000).contains(&s) {
                    return Err(SqlError::invalid_parameter(format!(
                        "NUMERIC scale {s} must be between -1000 and 1000"
                    ))
                    .at(at(t.pos)));
                }
                SqlType::Numeric(Some((*p as u32, s as u32)))
            }
            _ => return Err(SqlError::syntax("invalid NUMERIC type modifier").at(at(t.pos))),
        },
        "real" | "float4" => SqlType::Float4,
        "double precision" | "float8" => SqlType::Float8,
        "float" => match m.first() {
            Some(p) if *p < 1 => {
                return Err(SqlError::invalid_parameter(
                    "precision for type float must be at least 1 bit",
                )
                .at(at(t.pos)))
            }
            Some(p) if *p <= 24 => SqlType::Float4,
            Some(p) if *p <= 53 => SqlType::Float8,
            Some(_) => {
                return Err(SqlError::invalid_parameter(
                    "precision for type float must be less than 54 bits",
                )
                .at(at(t.pos)))
            }
            None => SqlType::Float8,
        },
        "text" => SqlType::Text,
        "varchar" | "character varying" => match m.first() {
            None => SqlType::Varchar(None),
            Some(n) if *n < 1 => return Err(bad_len("varchar")),
            Some(n) => SqlType::Varchar(Some(*n as u32)),
        },
        "char" | "character" | "bpchar" => match m.first() {
            None => SqlType::Char(1),
            Some(n) if *n < 1 => return Err(bad_len("char")),
            Some(n) => SqlType::Char(*n as u32),
        },
        "boolean" | "bool" => SqlType::Bool,
        "date" => SqlType::Date,
        "timestamp" => SqlType::Timestamp,
        "timestamptz" => SqlType::TimestampTz,
        "uuid" => SqlType::Uuid,
        "jsonb" => SqlType::Jsonb,
        "json" => SqlType::Json,
        "regclass" => SqlType::Regclass,
        other => return Err(SqlError::undefined_type(other).at(at(t.pos))),
    })
}

/// True for `serial`-family type names.
pub fn is_serial(t: &TypeName) -> bool {
    matches!(
        t.name.as_str(),
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
    )
}

pub(super) fn integer_literal(s: &str) -> R<Typed> {
    if let Ok(v) = s.parse::<i64>() {
        let ty = if v >= i32::MIN as i64 && v <= i32::MAX as i64 {
            SqlType::Int4
        } else {
            SqlType::Int8
        };
        return Ok(Typed::new(BExpr::Const(Value::Int(v)), ty));
    }
    match Decimal::parse(s) {
        Some(d) => Ok(Typed::new(
            BExpr::Const(Value::Numeric(d?)),
            SqlType::Numeric(None),
        )),
        None => Err(SqlError::invalid_input("numeric", s)),
    }
}

/// Coerces a typed expression to `to` as an assignment would (INSERT/UPDATE/DEFAULT):
/// literals are converted now (errors at plan time), other expressions get a cast node or a
/// 42804 error built by `mismatch`.
pub fn coerce_assign(
    e: Typed,
    to: &SqlType,
    mismatch: impl FnOnce(&SqlType) -> SqlError,
) -> R<BExpr> {
    if e.ty == *to
        && !matches!(
            to,
            SqlType::Varchar(Some(_)) | SqlType::Char(_) | SqlType::Numeric(Some(_))
        )
    {
        return Ok(e.expr);
    }
    if !to.assignable_from(&e.ty) {
        return Err(mismatch(&e.ty));
    }
    let expr = match e.expr {
        // The constant is converted in place: a text literal keeps its buffer.
        BExpr::Const(v) => {
            let v = match (&e.ty, v) {
                (SqlType::Unknown, Value::Text(s)) => parse_input_owned(s, to)?,
                (_, v) => cast_value(v, &e.ty, to, false)?,
            };
            return Ok(BExpr::Const(v));
        }
        other => other,
    };
    Ok(BExpr::Cast {
        expr: Box::new(expr),
        from: e.ty,
        to: to.clone(),
        explicit: false,
    })
}

/// Casts for comparisons and operators: unknown literals adopt the other side's type.
pub(super) fn coerce_to(e: Typed, to: &SqlType) -> R<Typed> {
    if e.ty == *to {
        return Ok(e);
    }
    if let BExpr::Const(v) = &e.expr {
        let v = match (&e.ty, v) {
            (_, Value::Null) => Value::Null,
            (SqlType::Unknown, Value::Text(s)) => {
                if let SqlType::Char(_) = to {
                    Value::Text(s.trim_end_matches(' ').to_string())
                } else {
                    parse_input(s, &to.without_modifier())?
                }
            }
            (_, v) => cast_value(v.clone(), &e.ty, to, false)?,
        };
        return Ok(Typed::new(BExpr::Const(v), to.clone()));
    }
    Ok(Typed::new(
        BExpr::Cast {
            expr: Box::new(e.expr),
            from: e.ty,
            to: to.clone(),
            explicit: false,
        },
        to.clone(),
    ))
}

/// Strips char(n) padding for comparisons (bpchar semantics).
pub(super) fn unpad(e: Typed) -> Typed {
    if let SqlType::Char(_) = e.ty {
        return Typed::new(
            BExpr::Cast {
                expr: Box::new(e.expr),
                from: e.ty,
                to: SqlType::Text,
                explicit: false,
            },
            SqlType::Text,
        );
    }
    e
}

pub(super) fn common_type(a: &SqlType, b: &SqlType) -> Option<SqlType> {
    if a == b {
        return Some(a.clone());
    }
    if *a == SqlType::Unknown {
        return Some(b.clone());
    }
    if *b == SqlType::Unknown {
        return Some(a.clone());
    }
    match (a.category(), b.category()) {
        (Category::Numeric, Category::Numeric) => Some(SqlType::numeric_common(a, b)),
        (Category::String, Category::String) => {
            if matches!(a, SqlType::Char(_)) && matches!(b, SqlType::Char(_)) {
                Some(a.clone())
            } else {
                Some(SqlType::Text)
            }
        }
        (Category::DateTime, Category::DateTime) => {
            if matches!(a, SqlType::TimestampTz) || matches!(b, SqlType::TimestampTz) {
                Some(SqlType::TimestampTz)
            } else {
                Some(SqlType::Timestamp)
            }
        }
        _ => match (a, b) {
            (SqlType::Jsonb, SqlType::Json) | (SqlType::Json, SqlType::Jsonb) => {
                Some(SqlType::Jsonb)
            }
            _ => None,
        },
    }
}

pub(super) fn output_name(e: &Expr) -> String {
    figure_colname(e).map_or_else(|| "?column?".into(), |(name, _)| name)
}

/// PostgreSQL's `FigureColnameInternal`: a result column's default name with its strength
/// (2: a column, function or keyword name; 1: a fallback, a cast's type name or `case`).
/// A stronger name inside a cast or in a CASE's ELSE wins over the fallback.
fn figure_colname(e: &Expr) -> Option<(String, u8)> {
    match &e.kind {
        ExprKind::Column(parts) => parts.last().map(|n| (n.clone(), 2)),
        ExprKind::Function { name, .. } => Some((name.clone(), 2)),
        ExprKind::AggOrder(call, _) => figure_colname(call),
        ExprKind::Cast(inner, t) => match figure_colname(inner) {
            Some(strong @ (_, 2)) => Some(strong),
            _ => Some((
                match resolve_type(t) {
                    Ok(ty) => ty.internal_name().to_string(),
                    Err(_) => t.name.clone(),
                },
                1,
            )),
        },
        ExprKind::Case { else_, .. } => match else_.as_deref().and_then(figure_colname) {
            Some(strong @ (_, 2)) => Some(strong),
            _ => Some(("case".into(), 1)),
        },
        ExprKind::Exists(_, false) => Some(("exists".into(), 2)),
        ExprKind::Row(_) => Some(("row".into(), 2)),
        ExprKind::Subquery(q) => match &q.body {
            SetExpr::Select(s) => match s.items.first() {
                Some(SelectItem::Expr { alias: Some(a), .. }) => Some((a.clone(), 2)),
                Some(SelectItem::Expr { expr, .. }) => Some((output_name(expr), 2)),
                _ => None,
            },
            _ => None,
        },
        ExprKind::Special(s) => Some((s.clone(), 2)),
        _ => None,
    }
}

impl<'a> Planner<'a> {
    /// A planner over a catalog and search path.
    pub fn new(cat: &'a Catalog, search_path: &'a [String]) -> Self {
        Planner {
            cat,
            search_path,
            scopes: Vec::new(),
            agg_mode: AggMode::Disallowed("WHERE"),
            aggs: Vec::new(),
            in_agg: false,
            depth: 0,
        }
    }

    // ----- relation lookup -----

    /// The schema new objects go to (3F000 when none on the path exists).
    pub fn creation_schema(&self, name: &ObjectName) -> R<String> {
        match &name.schema {
            Some(s) => {
                if self.cat.has_schema(s) {
                    Ok(s.clone())
                } else {
                    Err(SqlError::undefined_schema(s).at(at(name.pos)))
                }
            }
            None => self
                .search_path
                .iter()
                .find(|s| self.cat.has_schema(s))
                .cloned()
                .ok_or_else(|| SqlError::no_schema_selected().at(at(name.pos))),
        }
    }

    /// Finds any relation by name along the search path.
    pub fn lookup_relation(&self, name: &ObjectName) -> Option<(String, Relation)> {
        match &name.schema {
            Some(s) => self.cat.relation(s, &name.name).map(|r| (s.clone(), r)),
            None => self
                .search_path
                .iter()
                .find_map(|s| self.cat.relation(s, &name.name).map(|r| (s.clone(), r))),
        }
    }

    /// Resolves a table for reading or writing (42P01 `relation "x" does not exist`).
    pub fn resolve_table(&self, name: &ObjectName) -> R<TableId> {
        // As lookup_relation, without copying the schema's name.
        let found = match &name.schema {
            Some(s) => self.cat.relation(s, &name.name),
            None => self
                .search_path
                .iter()
                .find_map(|s| self.cat.relation(s, &name.name)),
        };
        match found {
            Some(Relation::Table(id)) => Ok(id),
            Some(_) => Err(SqlError::wrong_object_type(&name.name, "a table").at(at(name.pos))),
            None => Err(SqlError::undefined_relation(&name.display()).at(at(name.pos))),
        }
    }

    // ----- queries -----

    /// Plans a query at the top level or as a subquery of the current scopes.
    pub fn plan_query(&mut self, q: &Query) -> R<QueryPlan> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(SqlError::stack_depth_exceeded());
        }
        super::stack::check()?;
        let saved = (
            std::mem::replace(&mut self.agg_mode, AggMode::Disallowed("WHERE")),
            std::mem::take(&mut self.aggs),
            self.in_agg,
        );
        self.in_agg = false;
        let r = self.plan_query_inner(q);
        self.agg_mode = saved.0;
        self.aggs = saved.1;
        self.in_agg = saved.2;
        self.depth -= 1;
        r
    }

    fn plan_query_inner(&mut self, q: &Query) -> R<QueryPlan> {
        let (body, columns, order) = match &q.body {
            SetExpr::Select(s) => {
                let (plan, cols, order) = self.plan_select(s, &q.order_by)?;
                (BodyPlan::Select(Box::new(plan)), cols, order)
            }
            other => {
                let (body, cols) = self.plan_set_expr(other)?;
                let order = self.plan_simple_order(&q.order_by, &cols)?;
                (body, cols, order)
            }
        };
        // PostgreSQL transforms OFFSET before LIMIT: with both wrong, OFFSET's error shows.
        let offset = match &q.offset {
            Some(e) => Some(self.bind_limit(e, "OFFSET")?),
            None => None,
        };
        let limit = match &q.limit {
            Some(e) => Some(self.bind_limit(e, "LIMIT")?),
            None => None,
        };
        Ok(QueryPlan {
            body,
            order,
            limit,
            offset,
            columns,
        })
    }

    fn bind_limit(&mut self, e: &Expr, clause: &'static str) -> R<BExpr> {
        let saved = std::mem::replace(&mut self.agg_mode, AggMode::Disallowed(clause));
        let scopes = std::mem::take(&mut self.scopes);
        let r = self.bind(e);
        self.scopes = scopes;
        self.agg_mode = saved;
        let t = r?;
        let t = match t.ty.category() {
            Category::Numeric | Category::Unknown => coerce_to(t, &SqlType::Int8)?,
            _ => {
                return Err(SqlError::datatype_mismatch(format!(
                    "argument of {clause} must be type bigint, not type {}",
                    t.ty.base_name()
                ))
                .at(at(e.pos)))
            }
        };
        Ok(t.expr)
    }

    fn plan_set_expr(&mut self, s: &SetExpr) -> R<(BodyPlan, Vec<OutCol>)> {
        match s {
            SetExpr::Select(sel) => {
                let (plan, cols, _) = self.plan_select(sel, &[])?;
                Ok((BodyPlan::Select(Box::new(plan)), cols))
            }
            SetExpr::Query(q) => {
                let p = self.plan_query(q)?;
                let cols = p.columns.clone();
                Ok((
                    BodyPlan::SetOp {
                        op: SetOp::Union,
                        all: true,
                        left: Box::new(p),
                        right: Box::new(empty_like(&cols)),
                    },
                    cols,
                ))
            }
            SetExpr::Values(rows) => self.plan_values(rows),
            SetExpr::SetOp {
                op,
                all,
                left,
                right,
            } => {
                let (lb, lc) = self.plan_set_expr(left)?;
                let (rb, rc) = self.plan_set_expr(right)?;
                let word = match op {
                    SetOp::Union => "UNION",
                    SetOp::Intersect => "INTERSECT",
                    SetOp::Except => "EXCEPT",
                };
                if lc.len() != rc.len() {
                    return Err(SqlError::set_op_columns(word));
                }
                let mut cols = Vec::new();
                for (l, r) in lc.iter().zip(rc.iter()) {
                    let ty = common_type(&l.ty, &r.ty).ok_or_else(|| {
                        SqlError::cannot_match_types(word, l.ty.base_name(), r.ty.base_name())
                    })?;
                    let ty = if ty == SqlType::Unknown {
                        SqlType::Text
                    } else {
                        ty
                    };
                    cols.push(OutCol {
                        name: l.name.clone(),
                        ty,
                    });
                }
                let wrap = |b: BodyPlan, c: Vec<OutCol>| QueryPlan {
                    body: b,
                    order: vec![],
                    limit: None,
                    offset: None,
                    columns: c,
                };
                Ok((
                    BodyPlan::SetOp {
                        op: *op,
                        all: *all,
                        left: Box::new(wrap(lb, lc)),
                        right: Box::new(wrap(rb, rc)),
                    },
                    cols,
                ))
            }
        }
    }

    fn plan_values(&mut self, rows: &[Vec<Expr>]) -> R<(BodyPlan, Vec<OutCol>)> {
        let width = rows.first().map_or(0, |r| r.len());
        let mut bound: Vec<Vec<Typed>> = Vec::new();
        for r in rows {
            if r.len() != width {
                return Err(SqlError::values_lists_length().at(r.first().map(|e| e.pos + 1)));
            }
            let mut br = Vec::new();
            for e in r {
                br.push(self.bind(e)?);
            }
            bound.push(br);
        }
        let mut types = Vec::new();
        for c in 0..width {
            let mut ty = SqlType::Unknown;
            for r in &bound {
                ty = common_type(&ty, &r[c].ty).ok_or_else(|| {
                    SqlError::cannot_match_types("VALUES", ty.base_name(), r[c].ty.base_name())
                })?;
            }
            if ty == SqlType::Unknown {
                ty = SqlType::Text;
            }
            types.push(ty);
        }
        let mut out = Vec::new();
        for r in bound {
            let mut row = Vec::new();
            for (c, t) in r.into_iter().enumerate() {
                row.push(coerce_to(t, &types[c])?.expr);
            }
            out.push(row);
        }
        let cols = types
            .into_iter()
            .enumerate()
            .map(|(i, ty)| OutCol {
                name: format!("column{}", i + 1),
                ty,
            })
            .collect();
        Ok((BodyPlan::Values(out), cols))
    }

    fn plan_simple_order(
        &mut self,
        items: &[OrderItem],
        cols: &[OutCol],
    ) -> R<Vec<(usize, bool, bool)>> {
        let mut out = Vec::new();
        for it in items {
            let idx = match &it.expr.kind {
                ExprKind::Literal(Literal::Integer(s)) => {
                    let n: i64 = s.parse().unwrap_or(0);
                    if n < 1 || n as usize > cols.len() {
                        return Err(SqlError::order_by_position(n).at(at(it.expr.pos)));
                    }
                    n as usize - 1
                }
                ExprKind::Column(parts) if parts.len() == 1 => match cols
                    .iter()
                    .position(|c| c.name == parts[0])
                {
                    Some(i) => i,
                    None => return Err(SqlError::undefined_column(&parts[0]).at(at(it.expr.pos))),
                },
                _ => {
                    return Err(SqlError::not_supported(
                        "ORDER BY on an expression of a set operation",
                    )
                    .at(at(it.expr.pos)))
                }
            };
            out.push((idx, it.desc, it.nulls_first.unwrap_or(it.desc)));
        }
        Ok(out)
    }

    fn plan_from_item(&mut self, t: &TableRef, scope: &mut Scope) -> R<FromPlan> {
        match t {
            TableRef::Table { name, alias } => {
                if name.schema.as_deref() == Some("information_schema") {
                    return self.plan_info_schema(name, alias.as_deref(), scope);
                }
                let id = self.resolve_table(name)?;
                let entry_name = alias.clone().unwrap_or_else(|| name.name.clone());
                if scope.entries.iter().any(|e| e.name == entry_name) {
                    return Err(SqlError::duplicate_alias(&entry_name).at(at(name.pos)));
                }
                let tab = self
                    .cat
                    .table(id)
                    .ok_or_else(|| SqlError::internal("table vanished"))?;
                let offset = scope.width();
                scope.entries.push(ScopeEntry {
                    name: entry_name,
                    hidden_name: alias.as_ref().map(|_| tab.meta.name.clone()),
                    columns: tab
                        .meta
                        .columns
                        .iter()
                        .map(|c| (c.name.clone(), c.ty.clone()))
                        .collect(),
                    offset,
                    table: Some(id),
                    merged: Vec::new(),
                });
                Ok(FromPlan::Scan {
                    table: id,
                    lookup: None,
                })
            }
            TableRef::Subquery {
                query,
                alias,
                columns: col_aliases,
            } => {
                // A subquery in FROM cannot see sibling FROM items (no LATERAL).
                let plan = self.plan_query(query)?;
                let Some(alias) = alias else {
                    return Err(SqlError::syntax("subquery in FROM must have an alias")
                        .with_hint("For example, FROM (SELECT ...) [AS] foo."));
                };
                let offset = scope.width();
                scope.entries.push(ScopeEntry {
                    name: alias.clone(),
                    hidden_name: None,
                    columns: plan
                        .columns
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            (
                                col_aliases
                                    .get(i)
                                    .cloned()
                                    .unwrap_or_else(|| c.name.clone()),
                                c.ty.clone(),
                            )
                        })
                        .collect(),
                    offset,
                    table: None,
                    merged: Vec::new(),
                });
                Ok(FromPlan::Derived(Box::new(plan)))
            }
            TableRef::Join {
                kind,
                left,
                right,
                constraint,
            } => {
                let lp = self.plan_from_item(left, scope)?;
                let left_width = scope.width();
                let right_start = scope.entries.len();
                let rp = self.plan_from_item(right, scope)?;
                let right_width = scope.width() - left_width;
                let on = match constraint {
                    JoinConstraint::On(e) => {
                        self.scopes.push(scope.clone());
                        let saved = std::mem::replace(
                            &mut self.agg_mode,
                            AggMode::Disallowed("JOIN conditions"),
                        );
                        let r = self.bind_condition(e, "JOIN/ON");
                        self.agg_mode = saved;
                        self.scopes.pop();
                        Some(r?)
                    }
                    JoinConstraint::Using(cols) => {
                        let mut cond: Option<BExpr> = None;
                        for c in cols {
                            let find = |entries: &[ScopeEntry]| {
                                entries.iter().find_map(|e| {
                                    e.columns
                                        .iter()
                                        .position(|(n, _)| n == c)
                                        .map(|i| (e.offset + i, e.columns[i].1.clone()))
                                })
                            };
                            let l = find(&scope.entries[..right_start]);
                            let r = find(&scope.entries[right_start..]);
                            let side = if l.is_none() { "left" } else { "right" };
                            let (Some((li, lt)), Some((ri, rt))) = (l, r) else {
                                return Err(SqlError::using_column_missing(c, side));
                            };
                            // The right-hand column merges into the left one: it is left out
                            // of `*` and of unqualified references.
                            for e in scope.entries[right_start..].iter_mut() {
                                if ri >= e.offset && ri < e.offset + e.columns.len() {
                                    e.merged.push(ri - e.offset);
                                }
                            }
                            let eq = self.bind_binary_typed(
                                BinOp::Eq,
                                Typed::new(BExpr::Col(li), lt),
                                Typed::new(BExpr::Col(ri), rt),
                                0,
                            )?;
                            cond = Some(match cond {
                                Some(prev) => BExpr::And(Box::new(prev), Box::new(eq.expr)),
                                None => eq.expr,
                            });
                        }
                        cond
                    }
                    JoinConstraint::None => None,
                };
                Ok(FromPlan::Join {
                    kind: *kind,
                    left: Box::new(lp),
                    right: Box::new(rp),
                    left_width,
                    right_width,
                    on,
                })
            }
        }
    }

    fn plan_info_schema(
        &mut self,
        name: &ObjectName,
        alias: Option<&str>,
        scope: &mut Scope,
    ) -> R<FromPlan> {
        let text = SqlType::Text;
        let (cols, rows): (Vec<(&str, SqlType)>, Vec<Vec<Value>>) = match name.name.as_str() {
            "tables" => {
                let cols = vec![
                    ("table_catalog", text.clone()),
                    ("table_schema", text.clone()),
                    ("table_name", text.clone()),
                    ("table_type", text.clone()),
                ];
                let rows = self
                    .cat
                    .tables()
                    .into_iter()
                    .map(|t| {
                        vec![
                            Value::Text("postgres".into()),
                            Value::Text(t.meta.schema.clone()),
                            Value::Text(t.meta.name.clone()),
                            Value::Text("BASE TABLE".into()),
                        ]
                    })
                    .collect();
                (cols, rows)
            }
            "columns" => {
                let cols = vec![
                    ("table_catalog", text.clone()),
                    ("table_schema", text.clone()),
                    ("table_name", text.clone()),
                    ("column_name", text.clone()),
                    ("ordinal_position", SqlType::Int4),
                    ("column_default", text.clone()),
                    ("is_nullable", text.clone()),
                    ("data_type", text.clone()),
                    ("character_maximum_length", SqlType::Int4),
                    ("numeric_precision", SqlType::Int4),
                    ("numeric_scale", SqlType::Int4),
                ];
                let mut rows = Vec::new();
                for t in self.cat.tables() {
                    for (i, c) in t.meta.columns.iter().enumerate() {
                        let (len, prec, scale) = match &c.ty {
                            SqlType::Varchar(Some(n)) | SqlType::Char(n) => {
                                (Value::Int(*n as i64), Value::Null, Value::Null)
                            }
                            SqlType::Numeric(Some((p, s))) => {
                                (Value::Null, Value::Int(*p as i64), Value::Int(*s as i64))
                            }
                            SqlType::Int2 => (Value::Null, Value::Int(16), Value::Int(0)),
                            SqlType::Int4 => (Value::Null, Value::Int(32), Value::Int(0)),
                            SqlType::Int8 => (Value::Null, Value::Int(64), Value::Int(0)),
                            _ => (Value::Null, Value::Null, Value::Null),
                        };
                        rows.push(vec![
                            Value::Text("postgres".into()),
                            Value::Text(t.meta.schema.clone()),
                            Value::Text(t.meta.name.clone()),
                            Value::Text(c.name.clone()),
                            Value::Int(i as i64 + 1),
                            c.default
                                .as_ref()
                                .map_or(Value::Null, |d| Value::Text(d.text.clone())),
                            Value::Text(if c.not_null { "NO" } else { "YES" }.into()),
                            Value::Text(c.ty.base_name().to_string()),
                            len,
                            prec,
                            scale,
                        ]);
                    }
                }
                (cols, rows)
            }
            "schemata" => {
                let cols = vec![
                    ("catalog_name", text.clone()),
                    ("schema_name", text.clone()),
                ];
                let rows = self
                    .cat
                    .schema_names()
                    .into_iter()
                    .map(|s| vec![Value::Text("postgres".into()), Value::Text(s)])
                    .collect();
                (cols, rows)
            }
            _ => return Err(SqlError::undefined_relation(&name.display()).at(at(name.pos))),
        };
        let offset = scope.width();
        scope.entries.push(ScopeEntry {
            name: alias.unwrap_or(&name.name).to_string(),
            hidden_name: None,
            columns: cols.into_iter().map(|(n, t)| (n.to_string(), t)).collect(),
            offset,
            table: None,
            merged: Vec::new(),
        });
        Ok(FromPlan::Rows(rows))
    }

    /// Plans a SELECT core with its ORDER BY; returns the plan, visible columns and sort keys.
    fn plan_select(&mut self, s: &Select, order_by: &[OrderItem]) -> R<PlannedSelect> {
        let mut scope = Scope::default();
        let mut from = FromPlan::Unit;
        for (i, t) in s.from.iter().enumerate() {
            let p = self.plan_from_item(t, &mut scope)?;
            from = if i == 0 {
                p
            } else {
                let left_width =
                    scope.width() - scope.entries.last().map_or(0, |e| e.columns.len());
                let right_width = scope.width() - left_width;
                FromPlan::Join {
                    kind: JoinKind::Cross,
                    left: Box::new(from),
                    right: Box::new(p),
                    left_width,
                    right_width,
                    on: None,
                }
            };
        }
        self.scopes.push(scope);
        let r = self
            .plan_select_in_scope(s, order_by, from)
            .map_err(|e| self.first_target_error(s).unwrap_or(e));
        self.scopes.pop();
        r
    }

    /// PostgreSQL analyses the select list before WHERE and GROUP BY, so when a statement
    /// has errors in several clauses the select list's is the one reported. Planning binds
    /// WHERE and GROUP BY first (the select list needs the grouping); on failure this finds
    /// the select list's own error, if it has one.
    fn first_target_error(&mut self, s: &Select) -> Option<SqlError> {
        let saved_mode = std::mem::replace(&mut self.agg_mode, AggMode::Collect);
        let saved_aggs = std::mem::take(&mut self.aggs);
        let mut found = None;
        for item in &s.items {
            if let SelectItem::Expr { expr, .. } = item {
                if let Err(e) = self.bind(expr) {
                    found = Some(e);
                    break;
                }
            }
        }
        self.agg_mode = saved_mode;
        self.aggs = saved_aggs;
        found
    }

    fn plan_select_in_scope(
        &mut self,
        s: &Select,
        order_by: &[OrderItem],
        mut from: FromPlan,
    ) -> R<PlannedSelect> {
        // WHERE
        self.agg_mode = AggMode::Disallowed("WHERE");
        let filter = match &s.where_ {
            Some(w) => Some(self.bind_condition(w, "WHERE")?),
            None => None,
        };
        // GROUP BY
        self.agg_mode = AggMode::Disallowed("GROUP BY");
        let mut group_keys = Vec::new();
        let mut group_typed = Vec::new();
        for g in &s.group_by {
            let t = match &g.kind {
                ExprKind::Literal(Literal::Integer(n)) => {
                    let n: i64 = n.parse().unwrap_or(0);
                    let items: Vec<&Expr> = s
                        .items
                        .iter()
                        .filter_map(|i| {
                            if let SelectItem::Expr { expr, .. } = i {
                                Some(expr)
                            } else {
                                None
                            }
                        })
                        .collect();
                    if n < 1 || n as usize > items.len() {
                        return Err(SqlError::group_by_position(n).at(at(g.pos)));
                    }
                    self.bind(items[n as usize - 1])?
                }
                ExprKind::Column(parts)
                    if parts.len() == 1 && self.lookup_column(&parts[0]).is_none() =>
                {
                    // GROUP BY may name an output alias.
                    match s.items.iter().find_map(|i| match i {
                        SelectItem::Expr {
                            expr,
                            alias: Some(a),
                        } if *a == parts[0] => Some(expr),
                        _ => None,
                    }) {
                        Some(e) => self.bind(e)?,
                        None => self.bind(g)?,
                    }
                }
                _ => self.bind(g)?,
            };
            group_typed.push(t.ty.clone());
            group_keys.push(t.expr);
        }
        // SELECT list
        self.agg_mode = AggMode::Collect;
        self.aggs.clear();
        let mut outputs = Vec::new();
        let mut cols = Vec::new();
        let mut sources: Vec<Option<&Expr>> = Vec::new();
        for item in &s.items {
            match item {
                SelectItem::Wildcard(pos) => {
                    let scope = self.scopes.last().cloned().unwrap_or_default();
                    if scope.entries.is_empty() {
                        return Err(SqlError::syntax(
                            "SELECT * with no tables specified is not valid",
                        )
                        .at(at(*pos)));
                    }
                    for e in &scope.entries {
                        for (i, (n, t)) in e.columns.iter().enumerate() {
                            if e.merged.contains(&i) {
                                continue;
                            }
                            outputs.push(BExpr::Col(e.offset + i));
                            cols.push(OutCol {
                                name: n.clone(),
                                ty: t.clone(),
                            });
                            sources.push(None);
                        }
                    }
                }
                SelectItem::QualifiedWildcard(name, pos) => {
                    let scope = self.scopes.last().cloned().unwrap_or_default();
                    let Some(e) = scope.entries.iter().find(|e| e.name == *name) else {
                        return Err(self.missing_table_error(name).at(at(*pos)));
                    };
                    for (i, (n, t)) in e.columns.iter().enumerate() {
                        outputs.push(BExpr::Col(e.offset + i));
                        cols.push(OutCol {
                            name: n.clone(),
                            ty: t.clone(),
                        });
                        sources.push(None);
                    }
                }
                SelectItem::Expr { expr, alias } => {
                    let t = self.bind(expr)?;
                    let ty = if t.ty == SqlType::Unknown {
                        SqlType::Text
                    } else {
                        t.ty.clone()
                    };
                    let e = if t.ty == SqlType::Unknown {
                        coerce_to(t, &SqlType::Text)?.expr
                    } else {
                        t.expr
                    };
                    outputs.push(e);
                    cols.push(OutCol {
                        name: alias.clone().unwrap_or_else(|| output_name(expr)),
                        ty,
                    });
                    sources.push(Some(expr));
                }
            }
        }
        // HAVING
        let having = match &s.having {
            Some(h) => Some(self.bind_condition(h, "HAVING")?),
            None => None,
        };
        // ORDER BY
        let mut order = Vec::new();
        let visible = outputs.len();
        for it in order_by {
            let nulls_first = it.nulls_first.unwrap_or(it.desc);
            let idx = match &it.expr.kind {
                ExprKind::Literal(Literal::Integer(n)) => {
                    let n: i64 = n.parse().unwrap_or(0);
                    if n < 1 || n as usize > visible {
                        return Err(SqlError::order_by_position(n).at(at(it.expr.pos)));
                    }
                    Some(n as usize - 1)
                }
                ExprKind::Column(parts) if parts.len() == 1 => {
                    let matches: Vec<usize> = cols
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.name == parts[0])
                        .map(|(i, _)| i)
                        .collect();
                    match matches.len() {
                        0 => None,
                        1 => Some(matches[0]),
                        _ => {
                            // Several outputs with that name: ambiguous unless they are the same expression.
                            let first = &outputs[matches[0]];
                            if matches.iter().all(|&i| outputs[i] == *first) {
                                Some(matches[0])
                            } else {
                                return Err(SqlError::new(
                                    super::error::SqlState::AmbiguousColumn,
                                    format!("ORDER BY \"{}\" is ambiguous", parts[0]),
                                )
                                .at(at(it.expr.pos)));
                            }
                        }
                    }
                }
                _ => None,
            };
            let idx = match idx {
                Some(i) => i,
                None => {
                    let t = self.bind(&it.expr)?;
                    if let Some(i) = outputs[..visible].iter().position(|o| *o == t.expr) {
                        i
                    } else {
                        if s.distinct {
                            return Err(SqlError::distinct_order_by().at(at(it.expr.pos)));
                        }
                        outputs.push(t.expr);
                        outputs.len() - 1
                    }
                }
            };
            order.push((idx, it.desc, nulls_first));
        }
        let aggs = std::mem::take(&mut self.aggs);
        let grouped = !s.group_by.is_empty() || !aggs.is_empty() || having.is_some();
        if grouped {
            let scope = self.scopes.last().cloned().unwrap_or_default();
            let fd_tables: Vec<TableId> = scope
                .entries
                .iter()
                .filter_map(|e| {
                    let tid = e.table?;
                    let pk = self.cat.table(tid)?.meta.primary_key()?.clone();
                    if pk
                        .iter()
                        .all(|c| group_keys.contains(&BExpr::Col(e.offset + c)))
                    {
                        Some(tid)
                    } else {
                        None
                    }
                })
                .collect();
            let check = |e: &BExpr| check_grouped(e, &group_keys, &scope, &fd_tables);
            for o in &outputs {
                if let Err(c) = check(o) {
                    return Err(SqlError::must_group_by(&c)
                        .at(sources.first().and_then(|s| s.map(|e| e.pos + 1))));
                }
            }
            if let Some(h) = &having {
                if let Err(c) = check(h) {
                    return Err(SqlError::must_group_by(&c));
                }
            }
        }
        // Point lookup: WHERE pk = constant on a single-table scan.
        if let (FromPlan::Scan { table, lookup }, Some(f)) = (&mut from, &filter) {
            if let Some(t) = self.cat.table(*table) {
                *lookup = point_lookup(f, t);
            }
        }
        let plan = SelectPlan {
            from,
            filter,
            grouped,
            group_keys,
            aggs,
            having,
            outputs,
            distinct: s.distinct,
        };
        Ok((plan, cols, order))
    }

    fn lookup_column(&self, name: &str) -> Option<()> {
        let scope = self.scopes.last()?;
        scope
            .entries
            .iter()
            .find(|e| e.columns.iter().any(|(n, _)| n == name))
            .map(|_| ())
    }

    pub(super) fn missing_table_error(&self, name: &str) -> SqlError {
        for scope in self.scopes.iter().rev() {
            for e in &scope.entries {
                if e.hidden_name.as_deref() == Some(name) {
                    return SqlError::invalid_from_reference(name, &e.name);
                }
            }
        }
        SqlError::missing_from_entry(name)
    }
}

impl SqlType {
    /// Like `without_modifier`, but char(n) keeps its length (needed to pad a cast literal).
    pub fn without_modifier_keep_char(&self) -> SqlType {
        match self {
            SqlType::Char(_) => SqlType::Text,
            other => other.without_modifier(),
        }
    }
}

fn empty_like(cols: &[OutCol]) -> QueryPlan {
    QueryPlan {
        body: BodyPlan::Values(Vec::new()),
        order: vec![],
        limit: None,
        offset: None,
        columns: cols.to_vec(),
    }
}

/// Checks that every column outside aggregates is grouped or functionally dependent; on error
/// returns the column as PostgreSQL names it (`table.column`). Walks with a worklist, in the
/// order a recursive walk would (left operands first): a left-nested chain is as deep as it
/// is long.
pub(super) fn check_grouped(
    e: &BExpr,
    keys: &[BExpr],
    scope: &Scope,
    fd_tables: &[TableId],
) -> Result<(), String> {
    let mut work = vec![e];
    while let Some(e) = work.pop() {
        if keys.contains(e) {
            continue;
        }
        // Children are pushed last-first, so that the first is checked first.
        let start = work.len();
        match e {
            BExpr::Col(i) => {
                let entry = scope
                    .entries
                    .iter()
                    .find(|en| *i >= en.offset && *i < en.offset + en.columns.len());
                match entry {
                    Some(en) if en.table.is_some_and(|t| fd_tables.contains(&t)) => {}
                    Some(en) => {
                        return Err(format!("\"{}.{}\"", en.name, en.columns[*i - en.offset].0))
                    }
                    None => return Err(format!("\"{i}\"")),
                }
            }
            BExpr::Const(_)
            | BExpr::Outer(..)
            | BExpr::Agg(_)
            | BExpr::NextVal(_)
            | BExpr::Exists(..)
            | BExpr::Scalar(_) => {}
            BExpr::Arith(_, a, b, _)
            | BExpr::Cmp(_, a, b)
            | BExpr::And(a, b)
            | BExpr::Or(a, b)
            | BExpr::Concat(a, b)
            | BExpr::IsDistinct(a, b, _)
            | BExpr::JsonGet(a, b, _)
            | BExpr::JsonContains(a, b) => work.extend([a.as_ref(), b.as_ref()]),
            BExpr::Neg(a, _)
            | BExpr::Not(a)
            | BExpr::IsNull(a, _)
            | BExpr::IsBool(a, _, _)
            | BExpr::Cast { expr: a, .. }
            | BExpr::InSub(a, _, _) => work.push(a),
            BExpr::Like {
                expr,
                pattern,
                escape,
                ..
            } => {
                work.extend([expr.as_ref(), pattern.as_ref()]);
                work.extend(escape.as_deref());
            }
            BExpr::InList(a, list, _) => {
                work.push(a);
                work.extend(list);
            }
            BExpr::Case {
                operand,
                whens,
                else_,
            } => {
                work.extend(operand.as_deref());
                for (c, r) in whens {
                    work.extend([c, r]);
                }
                work.extend(else_.as_deref());
            }
            BExpr::Func(_, args, _) => work.extend(args),
        }
        work[start..].reverse();
    }
    Ok(())
}

/// Finds `pk_col = constant` conjuncts covering a unique index, for a point lookup.
pub fn point_lookup(filter: &BExpr, t: &super::catalog::Table) -> Option<(String, Vec<BExpr>)> {
    let mut eqs: Vec<(usize, BExpr)> = Vec::new();
    fn collect(e: &BExpr, out: &mut Vec<(usize, BExpr)>) {
        match e {
            BExpr::And(a, b) => {
                collect(a, out);
                collect(b, out);
            }
            BExpr::Cmp(BinOp::Eq, l, r) => match (l.as_ref(), r.as_ref()) {
                (BExpr::Col(i), c @ BExpr::Const(_)) | (c @ BExpr::Const(_), BExpr::Col(i)) => {
                    out.push((*i, c.clone()))
                }
                _ => {}
            },
            _ => {}
        }
    }
    collect(filter, &mut eqs);
    if eqs.is_empty() {
        return None;
    }
    let probe = |idx: &super::catalog::IndexDef| -> Option<Vec<BExpr>> {
        let mut key = Vec::new();
        for c in &idx.columns {
            let (_, v) = eqs.iter().find(|(i, _)| i == c)?;
            // char(n) keys are padded in storage; leave those to the scan.
            if matches!(t.meta.columns[*c].ty, SqlType::Char(_)) {
                return None;
            }
            key.push(v.clone());
        }
        Some(key)
    };
    t.meta
        .indexes
        .iter()
        .filter(|i| i.unique)
        .find_map(|idx| probe(idx).map(|k| (idx.name.clone(), k)))
}

/// Whether a constraint kind is a unique-type constraint.
pub fn is_unique_kind(k: &ConstraintKind) -> bool {
    matches!(k, ConstraintKind::PrimaryKey(_) | ConstraintKind::Unique(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_distances() {
        for (a, b, d) in [
            ("nme", "name", 1),
            ("email", "emial", 2),
            ("", "abc", 3),
            ("same", "same", 0),
        ] {
            assert_eq!(levenshtein(a, b), d, "{a} {b}");
        }
    }
}

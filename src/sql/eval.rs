//! Evaluates bound expressions ([`BExpr`]) over a row, with SQL's three-valued logic.
//!
//! Invariant: evaluation never panics on data; every failure (overflow, division by zero, bad
//! cast) is a [`SqlError`] with PostgreSQL's wording.

use std::cmp::Ordering;

use super::ast::BinOp;
use super::catalog::Catalog;
use super::datetime;
use super::error::SqlError;
use super::exec_select::run_query;
use super::json::Json;
use super::numeric::Decimal;
use super::plan::{Arith, BExpr, Func};
use super::types::{cast_value, check_int_range, SqlType, Value};

type R<T> = Result<T, SqlError>;

/// What this session's sequence functions remember: the last value each sequence gave
/// (`currval`) and the sequence `nextval` used last (`lastval`).
#[derive(Clone, Debug, Default)]
pub struct SeqMemory {
    /// Last value per sequence, set by nextval and by setval(…, true).
    pub values: std::collections::BTreeMap<u32, i64>,
    /// The sequence of the latest nextval.
    pub last_used: Option<u32>,
}

/// Everything an expression may read besides its row.
#[derive(Clone, Debug)]
pub struct Env<'a> {
    /// The database.
    pub cat: &'a Catalog,
    /// The session clock (microseconds since 1970, UTC) for now().
    pub clock: i64,
    /// The database name, for current_database().
    pub database: &'a str,
    /// The connected role, for current_user.
    pub user: &'a str,
    /// The first schema of the search path, for current_schema().
    pub schema: Option<&'a str>,
    /// Rows of enclosing queries, innermost last.
    pub outer: Vec<Vec<Value>>,
    /// Aggregate results of the current group.
    pub aggs: Vec<Value>,
    /// What the session's sequence functions remember, for currval() and lastval().
    pub currval: &'a std::cell::RefCell<SeqMemory>,
}

fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn bool_val(b: Option<bool>) -> Value {
    match b {
        Some(b) => Value::Bool(b),
        None => Value::Null,
    }
}

/// Compares two non-null values of the same category.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    a.total_cmp(b)
}

/// Evaluates `e` over `row`.
pub fn eval(e: &BExpr, row: &[Value], env: &Env) -> R<Value> {
    // A small dispatcher keeps each recursion step's stack frame small: deep expressions
    // (long operator chains) recurse through here. Leaves need no stack check.
    match e {
        BExpr::Const(v) => return Ok(v.clone()),
        BExpr::Col(i) => return Ok(row.get(*i).cloned().unwrap_or(Value::Null)),
        _ => super::stack::check()?,
    }
    match e {
        BExpr::And(..) | BExpr::Or(..) => eval_chain(e, row, env),
        BExpr::Not(_)
        | BExpr::IsNull(..)
        | BExpr::IsBool(..)
        | BExpr::IsDistinct(..)
        | BExpr::Cmp(..) => eval_logic(e, row, env),
        BExpr::Arith(..) | BExpr::Concat(..) | BExpr::Cast { .. } | BExpr::JsonGet(..) => {
            eval_chain(e, row, env)
        }
        BExpr::Neg(..) => eval_scalar(e, row, env),
        BExpr::Const(_) | BExpr::Col(_) => Err(SqlError::internal("eval: leaf")),
        _ => eval_other(e, row, env),
    }
}

/// Evaluates a left-nested chain of AND / OR / arithmetic / `||` / `->` iteratively, so that
/// long chains do not deepen the stack. Casts are links of the chain too: the binder casts each
/// `||` result of unknown or non-text operands to text, so they sit between the operators.
fn eval_chain(e: &BExpr, row: &[Value], env: &Env) -> R<Value> {
    let is_chain = |x: &BExpr| {
        matches!(
            x,
            BExpr::Arith(..)
                | BExpr::Concat(..)
                | BExpr::And(..)
                | BExpr::Or(..)
                | BExpr::Cast { .. }
                | BExpr::JsonGet(..)
        )
    };
    fn left_of(x: &BExpr) -> Option<&BExpr> {
        match x {
            BExpr::Arith(_, a, _, _)
            | BExpr::Concat(a, _)
            | BExpr::And(a, _)
            | BExpr::Or(a, _)
            | BExpr::Cast { expr: a, .. }
            | BExpr::JsonGet(a, _, _) => Some(a.as_ref()),
            _ => None,
        }
    }
    // The usual case, a single operator, needs no spine.
    if let Some(left) = left_of(e) {
        if !is_chain(left) {
            // `'text' || integer` builds its result in one allocation.
            if let (BExpr::Concat(_, b), BExpr::Const(Value::Text(l))) = (e, left) {
                if let BExpr::Cast {
                    expr,
                    from,
                    to: SqlType::Text,
                    ..
                } = b.as_ref()
                {
                    if from.is_integer() {
                        return match eval(expr, row, env)? {
                            Value::Int(i) => {
                                let mut digits = itoa::Buffer::new();
                                let digits = digits.format(i);
                                let mut s = String::with_capacity(l.len() + digits.len());
                                s.push_str(l);
                                s.push_str(digits);
                                Ok(Value::Text(s))
                            }
                            _ => Ok(Value::Null),
                        };
                    }
                }
            }
            let acc = eval(left, row, env)?;
            return chain_step(e, acc, row, env);
        }
    }
    let mut spine: Vec<&BExpr> = Vec::new();
    let mut leftmost = e;
    while let Some(l) = left_of(leftmost) {
        spine.push(leftmost);
        leftmost = l;
    }
    let mut acc = eval(leftmost, row, env)?;
    for node in spine.into_iter().rev() {
        acc = chain_step(node, acc, row, env)?;
    }
    Ok(acc)
}

/// `x -> k` (or `->>` when `text`): the member or element `k` of a jsonb value.
fn json_get(x: Value, k: Value, text: bool) -> Value {
    let Value::Json(j) = x else {
        return Value::Null;
    };
    let got = match k {
        Value::Text(s) => j.get_key(&s),
        Value::Int(i) => j.get_index(i),
        _ => None,
    };
    match got {
        None => Value::Null,
        Some(v) if text => v.as_text().map_or(Value::Null, Value::Text),
        Some(v) => Value::Json(Box::new(v.clone())),
    }
}

/// Applies one chain operator to the accumulated left value and the node's right operand.
fn chain_step(node: &BExpr, acc: Value, row: &[Value], env: &Env) -> R<Value> {
    Ok(match node {
        BExpr::And(_, b) => {
            let x = truth(&acc);
            if x == Some(false) {
                Value::Bool(false)
            } else {
                match (x, truth(&eval(b, row, env)?)) {
                    (_, Some(false)) => Value::Bool(false),
                    (Some(true), Some(true)) => Value::Bool(true),
                    _ => Value::Null,
                }
            }
        }
        BExpr::Or(_, b) => {
            let x = truth(&acc);
            if x == Some(true) {
                Value::Bool(true)
            } else {
                match (x, truth(&eval(b, row, env)?)) {
                    (_, Some(true)) => Value::Bool(true),
                    (Some(false), Some(false)) => Value::Bool(false),
                    _ => Value::Null,
                }
            }
        }
        BExpr::Arith(op, _, b, ty) => {
            let y = eval(b, row, env)?;
            if acc.is_null() || y.is_null() {
                Value::Null
            } else {
                arith(*op, acc, y, ty)?
            }
        }
        BExpr::Concat(_, b) => {
            let y = eval(b, row, env)?;
            match (acc, y) {
                (Value::Text(mut s), Value::Text(t)) => {
                    s.push_str(&t);
                    Value::Text(s)
                }
                _ => Value::Null,
            }
        }
        BExpr::Cast {
            from, to, explicit, ..
        } => cast_value(acc, from, to, *explicit)?,
        BExpr::JsonGet(_, b, text) => json_get(acc, eval(b, row, env)?, *text),
        _ => return Err(SqlError::internal("chain_step")),
    })
}

fn eval_logic(e: &BExpr, row: &[Value], env: &Env) -> R<Value> {
    Ok(match e {
        BExpr::And(a, b) => {
            let x = truth(&eval(a, row, env)?);
            if x == Some(false) {
                return Ok(Value::Bool(false));
            }
            let y = truth(&eval(b, row, env)?);
            match (x, y) {
                (_, Some(false)) => Value::Bool(false),
                (Some(true), Some(true)) => Value::Bool(true),
                _ => Value::Null,
            }
        }
        BExpr::Or(a, b) => {
            let x = truth(&eval(a, row, env)?);
            if x == Some(true) {
                return Ok(Value::Bool(true));
            }
            let y = truth(&eval(b, row, env)?);
            match (x, y) {
                (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Null,
            }
        }
        BExpr::Not(a) => bool_val(truth(&eval(a, row, env)?).map(|b| !b)),
        BExpr::IsNull(a, neg) => Value::Bool(eval(a, row, env)?.is_null() != *neg),
        BExpr::IsBool(a, v, neg) => {
            let x = truth(&eval(a, row, env)?);
            Value::Bool((x == Some(*v)) != *neg)
        }
        BExpr::IsDistinct(a, b, distinct) => {
            let x = eval(a, row, env)?;
            let y = eval(b, row, env)?;
            let same = match (x.is_null(), y.is_null()) {
                (true, true) => true,
                (false, false) => compare(&x, &y) == Ordering::Equal,
                _ => false,
            };
            Value::Bool(same != *distinct)
        }
        BExpr::Cmp(op, a, b) => {
            let x = eval(a, row, env)?;
            if x.is_null() {
                return Ok(Value::Null);
            }
            let y = eval(b, row, env)?;
            if y.is_null() {
                return Ok(Value::Null);
            }
            Value::Bool(cmp_result(*op, compare(&x, &y)))
        }
        _ => return Err(SqlError::internal("eval_logic")),
    })
}

fn eval_scalar(e: &BExpr, row: &[Value], env: &Env) -> R<Value> {
    Ok(match e {
        BExpr::Neg(a, ty) => match eval(a, row, env)? {
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(check_int_range(-(i as i128), ty)?),
            Value::Numeric(d) => Value::Numeric(d.neg()),
            Value::Float4(f) => Value::Float4(-f),
            Value::Float8(f) => Value::Float8(-f),
            _ => return Err(SqlError::internal("negation of a non-number")),
        },
        BExpr::Arith(op, a, b, ty) => {
            let x = eval(a, row, env)?;
            let y = eval(b, row, env)?;
            if x.is_null() || y.is_null() {
                return Ok(Value::Null);
            }
            arith(*op, x, y, ty)?
        }
        BExpr::Cast {
            expr,
            from,
            to,
            explicit,
        } => cast_value(eval(expr, row, env)?, from, to, *explicit)?,
        BExpr::Concat(a, b) => {
            let x = eval(a, row, env)?;
            let y = eval(b, row, env)?;
            match (x, y) {
                (Value::Text(mut s), Value::Text(t)) => {
                    s.push_str(&t);
                    Value::Text(s)
                }
                _ => Value::Null,
            }
        }
        _ => return Err(SqlError::internal("eval_scalar")),
    })
}

fn eval_other(e: &BExpr, row: &[Value], env: &Env) -> R<Value> {
    Ok(match e {
        BExpr::Const(v) => v.clone(),
        BExpr::Col(i) => row.get(*i).cloned().unwrap_or(Value::Null),
        BExpr::Outer(lvl, i) => {
            let n = env.outer.len();
            env.outer
                .get(n.wrapping_sub(*lvl))
                .and_then(|r| r.get(*i))
                .cloned()
                .unwrap_or(Value::Null)
        }
        BExpr::Agg(i) => env.aggs.get(*i).cloned().unwrap_or(Value::Null),
        BExpr::Like {
            expr,
            pattern,
            negated,
            ci,
            escape,
        } => {
            let x = eval(expr, row, env)?;
            let p = eval(pattern, row, env)?;
            let esc = match escape {
                Some(e) => match eval(e, row, env)? {
                    Value::Text(s) => {
                        let mut cs = s.chars();
                        match (cs.next(), cs.next()) {
                            (None, _) => None,
                            (Some(c), None) => Some(c),
                            _ => {
                                return Err(SqlError::new(
                                    super::error::SqlState::InvalidParameterValue,
                                    "invalid escape string",
                                )
                                .with_hint("Escape string must be empty or one character."))
                            }
                        }
                    }
                    _ => return Ok(Value::Null),
                },
                None => Some('\\'),
            };
            match (x, p) {
                (Value::Text(s), Value::Text(p)) => {
                    let m = if *ci {
                        like(&s.to_ascii_lowercase(), &p.to_ascii_lowercase(), esc)
                    } else {
                        like(&s, &p, esc)
                    };
                    Value::Bool(m != *negated)
                }
                _ => Value::Null,
            }
        }
        BExpr::InList(a, list, neg) => {
            let x = eval(a, row, env)?;
            if x.is_null() {
                return Ok(Value::Null);
            }
            let mut saw_null = false;
            for item in list {
                let y = eval(item, row, env)?;
                if y.is_null() {
                    saw_null = true;
                } else if compare(&x, &y) == Ordering::Equal {
                    return Ok(Value::Bool(!neg));
                }
            }
            if saw_null {
                Value::Null
            } else {
                Value::Bool(*neg)
            }
        }
        BExpr::InSub(a, plan, neg) => {
            let x = eval(a, row, env)?;
            let child = with_outer(env, row);
            let rows = run_query(plan, &child)?;
            if x.is_null() {
                return Ok(if rows.is_empty() {
                    Value::Bool(*neg)
                } else {
                    Value::Null
                });
            }
            let mut saw_null = false;
            for r in rows {
                let y = r.into_iter().next().unwrap_or(Value::Null);
                if y.is_null() {
                    saw_null = true;
                } else if compare(&x, &y) == Ordering::Equal {
                    return Ok(Value::Bool(!neg));
                }
            }
            if saw_null {
                Value::Null
            } else {
                Value::Bool(*neg)
            }
        }
        BExpr::Exists(plan, neg) => {
            let child = with_outer(env, row);
            let rows = run_query(plan, &child)?;
            Value::Bool(rows.is_empty() == *neg)
        }
        BExpr::Scalar(plan) => {
            let child = with_outer(env, row);
            let rows = run_query(plan, &child)?;
            if rows.len() > 1 {
                return Err(SqlError::subquery_multiple_rows());
            }
            rows.into_iter()
                .next()
                .and_then(|r| r.into_iter().next())
                .unwrap_or(Value::Null)
        }
        BExpr::Case {
            operand: _,
            whens,
            else_,
        } => {
            for (c, r) in whens {
                if truth(&eval(c, row, env)?) == Some(true) {
                    return eval(r, row, env);
                }
            }
            match else_ {
                Some(e) => eval(e, row, env)?,
                None => Value::Null,
            }
        }
        BExpr::Func(f, args, ty) => call(*f, args, ty, row, env)?,
        BExpr::NextVal(id) => {
            let seq = env
                .cat
                .sequence(*id)
                .ok_or_else(|| SqlError::internal("sequence vanished"))?;
            let v = seq.next()?;
            let mut memory = env.currval.borrow_mut();
            memory.values.insert(*id, v);
            memory.last_used = Some(*id);
            Value::Int(v)
        }
        BExpr::JsonContains(a, b) => {
            let x = eval(a, row, env)?;
            let y = eval(b, row, env)?;
            match (x, y) {
                (Value::Json(a), Value::Json(b)) => Value::Bool(json_contains(&a, &b)),
                _ => Value::Null,
            }
        }
        _ => return Err(SqlError::internal("eval_other")),
    })
}

fn with_outer<'a>(env: &Env<'a>, row: &[Value]) -> Env<'a> {
    let mut child = env.clone();
    child.outer.push(row.to_vec());
    child.aggs = Vec::new();
    child
}

fn json_contains(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Object(fa), Json::Object(fb)) => fb
            .iter()
            .all(|(k, vb)| fa.iter().any(|(ka, va)| ka == k && json_contains(va, vb))),
        (Json::Array(xa), Json::Array(xb)) => xb
            .iter()
            .all(|vb| xa.iter().any(|va| json_contains(va, vb))),
        (Json::Array(xa), other) if !matches!(other, Json::Object(_) | Json::Array(_)) => {
            xa.iter().any(|va| va == other)
        }
        (x, y) => x == y,
    }
}

/// Evaluates a condition: true only for TRUE (NULL counts as false).
pub fn eval_pred(e: &BExpr, row: &[Value], env: &Env) -> R<bool> {
    Ok(matches!(eval(e, row, env)?, Value::Bool(true)))
}

fn cmp_result(op: BinOp, o: Ordering) -> bool {
    match op {
        BinOp::Eq => o == Ordering::Equal,
        BinOp::NotEq => o != Ordering::Equal,
        BinOp::Lt => o == Ordering::Less,
        BinOp::LtEq => o != Ordering::Greater,
        BinOp::Gt => o == Ordering::Greater,
        _ => o != Ordering::Less,
    }
}

/// SQL LIKE matching with `%`, `_` and an escape character.
pub fn like(s: &str, p: &str, esc: Option<char>) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum T {
        Any,
        One,
        Lit(char),
    }
    let mut toks = Vec::new();
    let mut it = p.chars();
    while let Some(c) = it.next() {
        if Some(c) == esc {
            match it.next() {
                Some(n) => toks.push(T::Lit(n)),
                None => toks.push(T::Lit(c)),
            }
        } else if c == '%' {
            if toks.last() != Some(&T::Any) {
                toks.push(T::Any);
            }
        } else if c == '_' {
            toks.push(T::One);
        } else {
            toks.push(T::Lit(c));
        }
    }
    let s: Vec<char> = s.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if j < toks.len() {
            match toks[j] {
                T::Any => {
                    star = Some((j, i));
                    j += 1;
                    continue;
                }
                T::One => {
                    i += 1;
                    j += 1;
                    continue;
                }
                T::Lit(c) if c == s[i] => {
                    i += 1;
                    j += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sj, si)) => {
                j = sj + 1;
                i = si + 1;
                star = Some((sj, si + 1));
            }
            None => return false,
        }
    }
    toks[j..].iter().all(|t| *t == T::Any)
}

fn float_result(v: f64, ty: &SqlType) -> R<Value> {
    if v.is_infinite() {
        return Err(SqlError::new(
            super::error::SqlState::NumericValueOutOfRange,
            "value out of range: overflow",
        ));
    }
    Ok(match ty {
        SqlType::Float4 => Value::Float4(v as f32),
        _ => Value::Float8(v),
    })
}

fn arith(op: Arith, x: Value, y: Value, ty: &SqlType) -> R<Value> {
    match op {
        Arith::DateAdd | Arith::DateSub => {
            let (Value::Date(d), Value::Int(n)) = (&x, &y) else {
                return Err(SqlError::internal("date arithmetic"));
            };
            let r = if op == Arith::DateAdd { d + n } else { d - n };
            return Ok(Value::Date(r));
        }
        Arith::DateDiff => {
            let (Value::Date(a), Value::Date(b)) = (&x, &y) else {
                return Err(SqlError::internal("date difference"));
            };
            return Ok(Value::Int(check_int_range(
                (a - b) as i128,
                &SqlType::Int4,
            )?));
        }
        _ => {}
    }
    match ty {
        SqlType::Int2 | SqlType::Int4 | SqlType::Int8 => {
            let (Value::Int(a), Value::Int(b)) = (&x, &y) else {
                return Err(SqlError::internal("integer arithmetic"));
            };
            let (a, b) = (*a as i128, *b as i128);
            let r = match op {
                Arith::Add => a + b,
                Arith::Sub => a - b,
                Arith::Mul => a.checked_mul(b).unwrap_or(i128::MAX),
                Arith::Div => {
                    if b == 0 {
                        return Err(SqlError::division_by_zero());
                    }
                    a / b
                }
                Arith::Mod => {
                    if b == 0 {
                        return Err(SqlError::division_by_zero());
                    }
                    a % b
                }
                _ => return Err(SqlError::internal("integer power")),
            };
            Ok(Value::Int(check_int_range(r, ty)?))
        }
        SqlType::Numeric(_) => {
            let (Some(a), Some(b)) = (x.as_decimal(), y.as_decimal()) else {
                return Err(SqlError::internal("numeric arithmetic"));
            };
            Ok(Value::Numeric(match op {
                Arith::Add => a.add(b)?,
                Arith::Sub => a.sub(b)?,
                Arith::Mul => a.mul(b)?,
                Arith::Div => a.div(b)?,
                Arith::Mod => a.rem(b)?,
                _ => {
                    let r = a.to_f64().powf(b.to_f64());
                    let d = Decimal::from_f64(r)?;
                    d.rescale(16.max(d.scale))?
                        .strip_trailing_zeros()
                        .rescale(16)?
                }
            }))
        }
        _ => {
            let (Some(a), Some(b)) = (x.as_f64(), y.as_f64()) else {
                return Err(SqlError::internal("float arithmetic"));
            };
            let r = match op {
                Arith::Add => a + b,
                Arith::Sub => a - b,
                Arith::Mul => a * b,
                Arith::Div => {
                    if b == 0.0 {
                        return Err(SqlError::division_by_zero());
                    }
                    a / b
                }
                Arith::Mod => {
                    if b == 0.0 {
                        return Err(SqlError::division_by_zero());
                    }
                    a % b
                }
                _ => {
                    if a == 0.0 && b < 0.0 {
                        return Err(SqlError::new(
                            super::error::SqlState::InvalidParameterValue,
                            "zero raised to a negative power is undefined",
                        ));
                    }
                    a.powf(b)
                }
            };
            float_result(r, ty)
        }
    }
}

fn text_arg(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s.as_str()),
        _ => None,
    }
}

fn int_arg(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

fn call(f: Func, args: &[BExpr], ty: &SqlType, row: &[Value], env: &Env) -> R<Value> {
    // Functions that do not evaluate all arguments eagerly.
    match f {
        Func::Coalesce => {
            for a in args {
                let v = eval(a, row, env)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            return Ok(Value::Null);
        }
        Func::Now => return Ok(Value::TimestampTz(env.clock)),
        Func::LocalTimestamp => return Ok(Value::Timestamp(env.clock)),
        Func::CurrentDate => return Ok(Value::Date(env.clock.div_euclid(datetime::USECS_PER_DAY))),
        Func::Version => {
            return Ok(Value::Text(
                "PostgreSQL 15.18 (SchemaLab simulation) on wasm32, compiled by rustc, 64-bit"
                    .into(),
            ))
        }
        Func::CurrentUser => return Ok(Value::Text(env.user.to_string())),
        Func::CurrentDatabase => return Ok(Value::Text(env.database.to_string())),
        Func::CurrentSchema => {
            return Ok(env
                .schema
                .map_or(Value::Null, |s| Value::Text(s.to_string())))
        }
        _ => {}
    }
    let vals = args
        .iter()
        .map(|a| eval(a, row, env))
        .collect::<R<Vec<Value>>>()?;
    // Strict functions return NULL on any NULL input.
    let strict = !matches!(
        f,
        Func::Concat | Func::ConcatWs | Func::Greatest | Func::Least | Func::Nullif | Func::Setval
    );
    if strict && vals.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    let t0 = vals.first().and_then(text_arg).unwrap_or("");
    Ok(match f {
        Func::Length => Value::Int(t0.chars().count() as i64),
        Func::LengthChar => Value::Int(t0.trim_end_matches(' ').chars().count() as i64),
        Func::OctetLength => Value::Int(t0.len() as i64),
        // The corpus databases use LC_CTYPE C: case mapping touches ASCII letters only.
        Func::Upper => Value::Text(t0.to_ascii_uppercase()),
        Func::Lower => Value::Text(t0.to_ascii_lowercase()),
        Func::Initcap => {
            let mut out = String::new();
            let mut prev_alnum = false;
            for c in t0.chars() {
                if prev_alnum {
                    out.push(c.to_ascii_lowercase());
                } else {
                    out.push(c.to_ascii_uppercase());
                }
                prev_alnum = c.is_alphanumeric();
            }
            Value::Text(out)
        }
        Func::Reverse => Value::Text(t0.chars().rev().collect()),
        Func::Md5 => Value::Text(super::md5::hex_digest(t0.as_bytes())),
        Func::Btrim | Func::Ltrim | Func::Rtrim => {
            let set: Vec<char> = vals
                .get(1)
                .and_then(text_arg)
                .unwrap_or(" ")
                .chars()
                .collect();
            let pred = |c: char| set.contains(&c);
            Value::Text(match f {
                Func::Ltrim => t0.trim_start_matches(pred).to_string(),
                Func::Rtrim => t0.trim_end_matches(pred).to_string(),
                _ => t0.trim_matches(pred).to_string(),
            })
        }
        Func::Substring => {
            let chars: Vec<char> = t0.chars().collect();
            let start = vals.get(1).and_then(int_arg).unwrap_or(1);
            let (from, to) = match vals.get(2).and_then(int_arg) {
                Some(len) => {
                    if len < 0 {
                        return Err(SqlError::new(
                            super::error::SqlState::SubstringError,
                            "negative substring length not allowed",
                        ));
                    }
                    (start, start.saturating_add(len))
                }
                None => (start, i64::MAX),
            };
            let lo = from.max(1) as usize - 1;
            let hi = (to.max(1) as usize - 1).min(chars.len());
            Value::Text(if lo >= hi {
                String::new()
            } else {
                chars[lo..hi].iter().collect()
            })
        }
        Func::Replace => {
            let from = vals.get(1).and_then(text_arg).unwrap_or("");
            let to = vals.get(2).and_then(text_arg).unwrap_or("");
            Value::Text(if from.is_empty() {
                t0.to_string()
            } else {
                t0.replace(from, to)
            })
        }
        Func::SplitPart => {
            let delim = vals.get(1).and_then(text_arg).unwrap_or("");
            let n = vals.get(2).and_then(int_arg).unwrap_or(1);
            if n == 0 {
                return Err(SqlError::invalid_parameter(
                    "field position must not be zero",
                ));
            }
            let parts: Vec<&str> = if delim.is_empty() {
                vec![t0]
            } else {
                t0.split(delim).collect()
            };
            let idx = if n > 0 { n - 1 } else { parts.len() as i64 + n };
            Value::Text(if idx >= 0 {
                parts
                    .get(idx as usize)
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            })
        }
        Func::Left | Func::Right => {
            let chars: Vec<char> = t0.chars().collect();
            let n = vals.get(1).and_then(int_arg).unwrap_or(0);
            let len = chars.len() as i64;
            let take = if n >= 0 { n.min(len) } else { (len + n).max(0) } as usize;
            Value::Text(if f == Func::Left {
                chars[..take].iter().collect()
            } else {
                chars[chars.len() - take..].iter().collect()
            })
        }
        Func::Repeat => {
            let n = vals
                .get(1)
                .and_then(int_arg)
                .unwrap_or(0)
                .clamp(0, 1_000_000) as usize;
            if t0.len().saturating_mul(n) > 10_000_000 {
                return Err(SqlError::new(
                    super::error::SqlState::ProgramLimitExceeded,
                    "requested length too large",
                ));
            }
            Value::Text(t0.repeat(n))
        }
        Func::Lpad | Func::Rpad => {
            let n = vals
                .get(1)
                .and_then(int_arg)
                .unwrap_or(0)
                .clamp(0, 10_000_000) as usize;
            let fill: Vec<char> = vals
                .get(2)
                .and_then(text_arg)
                .unwrap_or(" ")
                .chars()
                .collect();
            let chars: Vec<char> = t0.chars().collect();
            if chars.len() >= n || fill.is_empty() {
                return Ok(Value::Text(chars[..n.min(chars.len())].iter().collect()));
            }
            let pad: String = fill.iter().cycle().take(n - chars.len()).collect();
            Value::Text(if f == Func::Lpad {
                format!("{pad}{t0}")
            } else {
                format!("{t0}{pad}")
            })
        }
        Func::Strpos => {
            let needle = vals.get(1).and_then(text_arg).unwrap_or("");
            Value::Int(match t0.find(needle) {
                Some(b) => t0[..b].chars().count() as i64 + 1,
                None => 0,
            })
        }
        Func::Concat => Value::Text(vals.iter().filter_map(text_arg).collect::<String>()),
        Func::ConcatWs => {
            let Some(sep) = vals.first().and_then(text_arg) else {
                return Ok(Value::Null);
            };
            Value::Text(
                vals[1..]
                    .iter()
                    .filter_map(text_arg)
                    .collect::<Vec<_>>()
                    .join(sep),
            )
        }
        Func::Nullif => {
            let a = vals.first().cloned().unwrap_or(Value::Null);
            let b = vals.get(1).cloned().unwrap_or(Value::Null);
            if !a.is_null() && !b.is_null() && compare(&a, &b) == Ordering::Equal {
                Value::Null
            } else {
                a
            }
        }
        Func::Greatest | Func::Least => {
            let mut best: Option<Value> = None;
            for v in vals.into_iter().filter(|v| !v.is_null()) {
                best = Some(match best {
                    None => v,
                    Some(b) => {
                        let o = compare(&v, &b);
                        if (f == Func::Greatest && o == Ordering::Greater)
                            || (f == Func::Least && o == Ordering::Less)
                        {
                            v
                        } else {
                            b
                        }
                    }
                });
            }
            best.unwrap_or(Value::Null)
        }
        Func::Abs => match &vals[0] {
            Value::Int(i) => Value::Int(check_int_range((*i as i128).abs(), ty)?),
            Value::Numeric(d) => Value::Numeric(Decimal {
                mant: d.mant.abs(),
                scale: d.scale,
            }),
            Value::Float4(x) => Value::Float4(x.abs()),
            Value::Float8(x) => Value::Float8(x.abs()),
            _ => Value::Null,
        },
        Func::Sign => match &vals[0] {
            Value::Numeric(d) => Value::Numeric(Decimal::from_i64(d.mant.signum() as i64)),
            v => Value::Float8(v.as_f64().map_or(0.0, |x| {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            })),
        },
        Func::Sqrt => {
            let x = vals[0].as_f64().unwrap_or(0.0);
            if x < 0.0 {
                return Err(SqlError::new(
                    super::error::SqlState::InvalidArgumentForPowerFunction,
                    "cannot take square root of a negative number",
                ));
            }
            match ty {
                SqlType::Numeric(_) => match vals[0].as_decimal().and_then(|d| d.sqrt()) {
                    Some(d) => Value::Numeric(d),
                    None => Value::Numeric(Decimal::from_f64(x.sqrt())?.rescale(16)?),
                },
                _ => Value::Float8(x.sqrt()),
            }
        }
        Func::Ceil | Func::Floor => match &vals[0] {
            Value::Numeric(d) => {
                let t = Decimal {
                    mant: d.trunc_to_i128(),
                    scale: 0,
                };
                let frac = d.sub(t)?;
                let r = if f == Func::Ceil && frac.mant > 0 {
                    t.mant + 1
                } else if f == Func::Floor && frac.mant < 0 {
                    t.mant - 1
                } else {
                    t.mant
                };
                Value::Numeric(Decimal { mant: r, scale: 0 })
            }
            v => {
                let x = v.as_f64().unwrap_or(0.0);
                Value::Float8(if f == Func::Ceil { x.ceil() } else { x.floor() })
            }
        },
        Func::Round | Func::Trunc => {
            let digits = vals.get(1).and_then(int_arg);
            match (&vals[0], digits) {
                (Value::Numeric(d), dg) => {
                    let s = dg.unwrap_or(0);
                    if s >= 0 {
                        let s = s.min(1000) as u32;
                        if f == Func::Round {
                            Value::Numeric(d.rescale(s)?)
                        } else {
                            let cut = if d.scale > s {
                                let p = 10i128.checked_pow(d.scale - s).unwrap_or(i128::MAX);
                                Decimal {
                                    mant: d.mant / p,
                                    scale: s,
                                }
                            } else {
                                d.rescale(s)?
                            };
                            Value::Numeric(cut)
                        }
                    } else {
                        let p = 10i128.checked_pow((-s) as u32).unwrap_or(i128::MAX);
                        let whole = if f == Func::Round {
                            d.rescale(0)?.mant
                        } else {
                            d.trunc_to_i128()
                        };
                        let q = if f == Func::Round {
                            (whole + whole.signum() * p / 2) / p * p
                        } else {
                            whole / p * p
                        };
                        Value::Numeric(Decimal { mant: q, scale: 0 })
                    }
                }
                (v, _) => {
                    let x = v.as_f64().unwrap_or(0.0);
                    Value::Float8(if f == Func::Round {
                        x.round_ties_even()
                    } else {
                        x.trunc()
                    })
                }
            }
        }
        Func::JsonbTypeof => match &vals[0] {
            Value::Json(j) => Value::Text(j.type_name().into()),
            _ => Value::Null,
        },
        Func::Extract => {
            let field = t0.to_ascii_lowercase();
            let Value::Timestamp(us) = vals[1] else {
                return Ok(Value::Null);
            };
            let days = us.div_euclid(datetime::USECS_PER_DAY);
            let rem = us.rem_euclid(datetime::USECS_PER_DAY);
            let (y, m, d) = datetime::civil_from_days(days);
            let n: i64 = match field.as_str() {
                "year" => y,
                "month" => m as i64,
                "day" => d as i64,
                "hour" => rem / 3_600_000_000,
                "minute" => rem / 60_000_000 % 60,
                "second" => rem / 1_000_000 % 60,
                "dow" => (days + 4).rem_euclid(7),
                "doy" => days - datetime::days_from_civil(y, 1, 1) + 1,
                "epoch" => us / 1_000_000,
                _ => {
                    return Err(SqlError::invalid_parameter(format!(
                        "unit \"{field}\" not supported for type timestamp without time zone"
                    )))
                }
            };
            match ty {
                SqlType::Float8 => Value::Float8(n as f64),
                _ => Value::Numeric(Decimal::from_i64(n)),
            }
        }
        Func::DateTrunc => {
            let field = t0.to_ascii_lowercase();
            let us = match vals[1] {
                Value::Timestamp(u) | Value::TimestampTz(u) => u,
                _ => return Ok(Value::Null),
            };
            let days = us.div_euclid(datetime::USECS_PER_DAY);
            let rem = us.rem_euclid(datetime::USECS_PER_DAY);
            let (y, m, _) = datetime::civil_from_days(days);
            let r = match field.as_str() {
                "year" => datetime::days_from_civil(y, 1, 1) * datetime::USECS_PER_DAY,
                "month" => datetime::days_from_civil(y, m, 1) * datetime::USECS_PER_DAY,
                "day" => days * datetime::USECS_PER_DAY,
                "hour" => days * datetime::USECS_PER_DAY + rem / 3_600_000_000 * 3_600_000_000,
                "minute" => days * datetime::USECS_PER_DAY + rem / 60_000_000 * 60_000_000,
                "second" => days * datetime::USECS_PER_DAY + rem / 1_000_000 * 1_000_000,
                _ => {
                    return Err(SqlError::invalid_parameter(format!(
                        "unit \"{field}\" not recognized for type timestamp without time zone"
                    )))
                }
            };
            if *ty == SqlType::TimestampTz {
                Value::TimestampTz(r)
            } else {
                Value::Timestamp(r)
            }
        }
        Func::Currval => {
            let id = vals.first().and_then(int_arg).unwrap_or(0) as u32;
            match env.currval.borrow().values.get(&id) {
                Some(v) => Value::Int(*v),
                None => {
                    let name = env
                        .cat
                        .sequence(id)
                        .map(|s| s.name.clone())
                        .unwrap_or_default();
                    return Err(SqlError::new(
                        super::error::SqlState::ObjectNotInPrerequisiteState,
                        format!(
                            "currval of sequence \"{name}\" is not yet defined in this session"
                        ),
                    ));
                }
            }
        }
        Func::Lastval => {
            // A sequence dropped since its nextval leaves lastval undefined again.
            let memory = env.currval.borrow();
            match memory
                .last_used
                .filter(|id| env.cat.sequence(*id).is_some())
                .and_then(|id| memory.values.get(&id))
            {
                Some(v) => Value::Int(*v),
                None => return Err(SqlError::lastval_not_defined()),
            }
        }
        Func::Setval => {
            let id = vals.first().and_then(int_arg).unwrap_or(0) as u32;
            let Some(v) = vals.get(1).and_then(int_arg) else {
                return Ok(Value::Null);
            };
            let called = !matches!(vals.get(2), Some(Value::Bool(false)));
            let seq = env
                .cat
                .sequence(id)
                .ok_or_else(|| SqlError::internal("sequence vanished"))?;
            if v < seq.min || v > seq.max {
                return Err(SqlError::setval_out_of_bounds(
                    v, &seq.name, seq.min, seq.max,
                ));
            }
            seq.last_value.set(v);
            seq.is_called.set(called);
            // setval(…, true) is what currval reports next in this session.
            if called {
                env.currval.borrow_mut().values.insert(id, v);
            }
            Value::Int(v)
        }
        Func::Coalesce
        | Func::Now
        | Func::LocalTimestamp
        | Func::CurrentDate
        | Func::Version
        | Func::CurrentUser
        | Func::CurrentDatabase
        | Func::CurrentSchema => return Err(SqlError::internal("handled above")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        for (s, p, m) in [
            ("alice", "a%", true),
            ("alice", "A%", false),
            ("alice", "_lice", true),
            ("alice", "%c_", true),
            ("a_b", "a\\_b", true),
            ("axb", "a\\_b", false),
            ("", "%", true),
            ("abc", "%%c", true),
            ("abc", "a%b", false),
        ] {
            assert_eq!(like(s, p, Some('\\')), m, "{s} LIKE {p}");
        }
    }
}

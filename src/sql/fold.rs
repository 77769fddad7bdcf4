//! Plan-time constant folding, after PostgreSQL's `eval_const_expressions`: once a statement
//! is bound, every subexpression whose inputs are all constants and whose operator or
//! function is immutable is evaluated and replaced by its value. Its errors therefore come
//! even when no row is read: `SELECT 1/0 FROM empty_table` fails with 22012.
//!
//! Invariants, each PostgreSQL's:
//! - Volatile and stable calls (`nextval`, `setval`, `currval`, `now()`, `current_user`,
//!   `extract`/`date_trunc`, casts to or from date and time types) are never evaluated here;
//!   their constant arguments still are.
//! - `AND`/`OR` fold their operands in order and stop at the first constant FALSE (TRUE):
//!   `false AND 1/0 = 1` is false, `1/0 = 1 AND false` fails.
//! - A CASE arm whose WHEN folds to FALSE or NULL is dropped unfolded; a WHEN that folds to
//!   TRUE makes its result the CASE's default and drops what follows. `COALESCE` stops at its
//!   first non-null constant.
//! - `EXISTS` ignores its subquery's select list, which is not folded.
//! - Folding runs once the whole statement is bound, so a statement with an unknown column
//!   still reports 42703 first. It covers queries (SELECT, INSERT … SELECT, subqueries),
//!   INSERT's VALUES, RETURNING and ON CONFLICT … DO UPDATE, and UPDATE/DELETE's SET, WHERE
//!   and RETURNING: a bad constant in the second VALUES row fails before the first row is
//!   stored or a serial value drawn. Column defaults and CHECKs are left as bound.

use std::mem;

use super::error::SqlError;
use super::eval::{eval, Env};
use super::plan::{BExpr, BodyPlan, FromPlan, Func, QueryPlan, SelectPlan};
use super::types::{SqlType, Value};

type R<T> = Result<T, SqlError>;

/// Folds every expression of a planned query, its subqueries included.
pub fn fold_plan(plan: &mut QueryPlan, env: &Env) -> R<()> {
    fold_body(&mut plan.body, env, true)?;
    fold_opt(&mut plan.limit, env)?;
    fold_opt(&mut plan.offset, env)
}

/// Folds an optional expression.
pub fn fold_opt(e: &mut Option<BExpr>, env: &Env) -> R<()> {
    match e {
        Some(e) => fold(e, env),
        None => Ok(()),
    }
}

fn fold_body(body: &mut BodyPlan, env: &Env, outputs: bool) -> R<()> {
    match body {
        BodyPlan::Select(sp) => fold_select(sp, env, outputs),
        BodyPlan::Values(rows) => rows.iter_mut().flatten().try_for_each(|e| fold(e, env)),
        BodyPlan::SetOp { left, right, .. } => {
            fold_plan(left, env)?;
            fold_plan(right, env)
        }
    }
}

/// Folds a SELECT core in the order of PostgreSQL's `subquery_planner` (select list and the
/// aggregates in it, GROUP BY, WHERE and join conditions, HAVING; subqueries in FROM last),
/// which decides the error reported when several constants fail.
fn fold_select(sp: &mut SelectPlan, env: &Env, outputs: bool) -> R<()> {
    if outputs {
        for e in &mut sp.outputs {
            fold(e, env)?;
        }
    }
    for a in &mut sp.aggs {
        for e in a
            .args
            .iter_mut()
            .chain(a.order.iter_mut().map(|(k, _, _)| k))
        {
            fold(e, env)?;
        }
    }
    for e in &mut sp.group_keys {
        fold(e, env)?;
    }
    fold_opt(&mut sp.filter, env)?;
    fold_conditions(&mut sp.from, env)?;
    fold_opt(&mut sp.having, env)?;
    fold_subqueries(&mut sp.from, env)
}

/// Folds a statement's own expressions outside a query (UPDATE's SET list and RETURNING,
/// INSERT's VALUES items), then its WHERE: PostgreSQL's order.
pub fn fold_statement<'e>(
    exprs: impl Iterator<Item = &'e mut BExpr>,
    filter: &mut Option<BExpr>,
    env: &Env,
) -> R<()> {
    for e in exprs {
        fold(e, env)?;
    }
    fold_opt(filter, env)
}

/// Folds the join conditions of a FROM tree.
fn fold_conditions(from: &mut FromPlan, env: &Env) -> R<()> {
    if let FromPlan::Join {
        left, right, on, ..
    } = from
    {
        fold_conditions(left, env)?;
        fold_conditions(right, env)?;
        fold_opt(on, env)?;
    }
    Ok(())
}

/// Folds the subqueries of a FROM tree.
fn fold_subqueries(from: &mut FromPlan, env: &Env) -> R<()> {
    match from {
        FromPlan::Unit | FromPlan::Scan { .. } | FromPlan::Rows(_) => Ok(()),
        FromPlan::Derived(q) => fold_plan(q, env),
        FromPlan::Join { left, right, .. } => {
            fold_subqueries(left, env)?;
            fold_subqueries(right, env)
        }
    }
}

/// Folds one expression in place.
pub fn fold(e: &mut BExpr, env: &Env) -> R<()> {
    super::stack::check()?;
    match e {
        BExpr::Const(_) | BExpr::Col(_) | BExpr::Outer(..) | BExpr::Agg(_) | BExpr::NextVal(_) => {
            Ok(())
        }
        BExpr::And(..) => fold_bool_chain(e, true, env),
        BExpr::Or(..) => fold_bool_chain(e, false, env),
        BExpr::Arith(..) | BExpr::Concat(..) | BExpr::JsonGet(..) => fold_chain(e, env),
        BExpr::Case { .. } => fold_case(e, env),
        BExpr::Func(Func::Coalesce, ..) => fold_coalesce(e, env),
        BExpr::InSub(x, q, _) => {
            fold(x, env)?;
            fold_plan(q, env)
        }
        BExpr::Exists(q, _) => match &mut q.body {
            BodyPlan::Select(sp) if !sp.grouped => {
                fold_select(sp, env, false)?;
                fold_opt(&mut q.limit, env)?;
                fold_opt(&mut q.offset, env)
            }
            _ => fold_plan(q, env),
        },
        BExpr::Scalar(q) => fold_plan(q, env),
        _ => {
            each_operand(e, &mut |c| fold(c, env))?;
            evaluate_if_constant(e, env)
        }
    }
}

/// Calls `f` on each direct operand of a node that folds only when all of them are
/// constants (no allocation: this runs on every statement).
fn each_operand(e: &mut BExpr, f: &mut dyn FnMut(&mut BExpr) -> R<()>) -> R<()> {
    match e {
        BExpr::Neg(a, _)
        | BExpr::Not(a)
        | BExpr::IsNull(a, _)
        | BExpr::IsBool(a, _, _)
        | BExpr::Cast { expr: a, .. } => f(a),
        BExpr::Cmp(_, a, b)
        | BExpr::IsDistinct(a, b, _)
        | BExpr::Arith(_, a, b, _)
        | BExpr::Concat(a, b)
        | BExpr::JsonGet(a, b, _)
        | BExpr::JsonContains(a, b) => {
            f(a)?;
            f(b)
        }
        BExpr::Like {
            expr,
            pattern,
            escape,
            ..
        } => {
            f(expr)?;
            f(pattern)?;
            escape.as_deref_mut().map_or(Ok(()), f)
        }
        BExpr::InList(a, list, _) => {
            f(a)?;
            list.iter_mut().try_for_each(f)
        }
        BExpr::Func(_, args, _) => args.iter_mut().try_for_each(f),
        _ => Ok(()),
    }
}

/// Whether a node's value depends only on its operands (PostgreSQL's immutable).
fn immutable(e: &BExpr) -> bool {
    let datetime =
        |t: &SqlType| matches!(t, SqlType::Date | SqlType::Timestamp | SqlType::TimestampTz);
    match e {
        BExpr::Cast { from, to, .. } => !datetime(from) && !datetime(to),
        BExpr::Func(f, ..) => !matches!(
            f,
            Func::Now
                | Func::CurrentDate
                | Func::LocalTimestamp
                | Func::Extract
                | Func::DateTrunc
                | Func::Currval
                | Func::Setval
                | Func::Lastval
                | Func::Version
                | Func::CurrentUser
                | Func::CurrentSchema
                | Func::CurrentDatabase
        ),
        _ => true,
    }
}

/// Replaces `e` by its value when all its operands are constants and it is immutable.
fn evaluate_if_constant(e: &mut BExpr, env: &Env) -> R<()> {
    if !immutable(e) {
        return Ok(());
    }
    let mut all_constant = true;
    each_operand(e, &mut |c| {
        all_constant &= matches!(c, BExpr::Const(_));
        Ok(())
    })?;
    if !all_constant {
        return Ok(());
    }
    let v = eval(e, &[], env)?;
    *e = BExpr::Const(v);
    Ok(())
}

/// The left operand of an arithmetic, `||` or `->` node, or a cast's input: the links of a
/// left-nested chain (the binder casts each `||` result of unknown operands to text, so
/// casts sit between the links).
fn left_slot(e: &mut BExpr) -> Option<&mut BExpr> {
    match e {
        BExpr::Arith(_, a, _, _)
        | BExpr::Concat(a, _)
        | BExpr::JsonGet(a, _, _)
        | BExpr::Cast { expr: a, .. } => Some(a.as_mut()),
        _ => None,
    }
}

/// Folds a left-nested chain of arithmetic, `||` or `->` iteratively: `a + b + c + …` is as deep
/// as it is long, and the parser lets it grow to a thousand operators.
fn fold_chain(e: &mut BExpr, env: &Env) -> R<()> {
    // The usual case, a single operator, needs no spine.
    if left_slot(e).is_some_and(|l| left_slot(l).is_none()) {
        each_operand(e, &mut |c| fold(c, env))?;
        return evaluate_if_constant(e, env);
    }
    let mut spine = Vec::new();
    let mut cur = mem::replace(e, BExpr::Const(Value::Null));
    while let Some(l) = left_slot(&mut cur) {
        let left = mem::replace(l, BExpr::Const(Value::Null));
        spine.push(cur);
        cur = left;
    }
    fold(&mut cur, env)?;
    while let Some(mut node) = spine.pop() {
        if let Some(l) = left_slot(&mut node) {
            *l = cur;
        }
        if let BExpr::Arith(_, _, b, _) | BExpr::Concat(_, b) | BExpr::JsonGet(_, b, _) = &mut node
        {
            fold(b, env)?;
        }
        evaluate_if_constant(&mut node, env)?;
        cur = node;
    }
    *e = cur;
    Ok(())
}

/// Folds an AND (`is_and`) or OR chain: operands in order, a constant that decides the
/// result ends the folding, the neutral constant is dropped, a NULL is kept once at the end.
fn fold_bool_chain(e: &mut BExpr, is_and: bool, env: &Env) -> R<()> {
    let mut operands = Vec::new();
    let mut cur = mem::replace(e, BExpr::Const(Value::Null));
    loop {
        match cur {
            BExpr::And(a, b) if is_and => {
                operands.push(*b);
                cur = *a;
            }
            BExpr::Or(a, b) if !is_and => {
                operands.push(*b);
                cur = *a;
            }
            other => {
                operands.push(other);
                break;
            }
        }
    }
    operands.reverse();
    let mut kept = Vec::new();
    let mut saw_null = false;
    for mut x in operands {
        fold(&mut x, env)?;
        match x {
            BExpr::Const(Value::Bool(b)) if b != is_and => {
                *e = BExpr::Const(Value::Bool(b));
                return Ok(());
            }
            BExpr::Const(Value::Bool(_)) => {}
            BExpr::Const(Value::Null) => saw_null = true,
            other => kept.push(other),
        }
    }
    if saw_null {
        kept.push(BExpr::Const(Value::Null));
    }
    let mut it = kept.into_iter();
    *e = match it.next() {
        None => BExpr::Const(Value::Bool(is_and)),
        Some(first) => it.fold(first, |acc, x| {
            if is_and {
                BExpr::And(Box::new(acc), Box::new(x))
            } else {
                BExpr::Or(Box::new(acc), Box::new(x))
            }
        }),
    };
    Ok(())
}

fn fold_case(e: &mut BExpr, env: &Env) -> R<()> {
    let BExpr::Case {
        operand,
        whens,
        else_,
    } = e
    else {
        return Ok(());
    };
    if let Some(o) = operand {
        fold(o, env)?;
    }
    let mut kept = Vec::new();
    let mut default = else_.take().map(|b| *b);
    let mut decided = false;
    for (mut cond, mut result) in mem::take(whens) {
        fold(&mut cond, env)?;
        match cond {
            BExpr::Const(Value::Bool(false) | Value::Null) => {}
            BExpr::Const(Value::Bool(true)) => {
                // This arm is the default now: the ELSE and later arms are never reached.
                fold(&mut result, env)?;
                default = Some(result);
                decided = true;
                break;
            }
            cond => {
                fold(&mut result, env)?;
                kept.push((cond, result));
            }
        }
    }
    if let (false, Some(d)) = (decided, &mut default) {
        fold(d, env)?;
    }
    if kept.is_empty() {
        *e = default.unwrap_or(BExpr::Const(Value::Null));
    } else {
        *whens = kept;
        *else_ = default.map(Box::new);
    }
    Ok(())
}

fn fold_coalesce(e: &mut BExpr, env: &Env) -> R<()> {
    let BExpr::Func(_, args, _) = e else {
        return Ok(());
    };
    let mut kept = Vec::new();
    for mut a in mem::take(args) {
        fold(&mut a, env)?;
        match a {
            BExpr::Const(Value::Null) => {}
            BExpr::Const(_) => {
                if kept.is_empty() {
                    *e = a;
                    return Ok(());
                }
                kept.push(a);
                break;
            }
            other => kept.push(other),
        }
    }
    if kept.is_empty() {
        *e = BExpr::Const(Value::Null);
    } else {
        *args = kept;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::sql::Session;

    /// The first row's first value, or the error's SQLSTATE.
    fn first(sql: &str) -> String {
        let mut s = Session::new();
        s.execute("CREATE TABLE empty (id integer)")
            .expect("create");
        match s.execute(sql) {
            Ok(r) => format!(
                "{:?}",
                r.rows
                    .as_ref()
                    .and_then(|rows| rows.first())
                    .and_then(|row| row.first().cloned())
            ),
            Err(e) => e.code().to_string(),
        }
    }

    #[test]
    fn long_chains_fold_without_deep_recursion() {
        // The parser allows a thousand operators; each chain kind folds iteratively.
        let sum = format!("SELECT 0{}", " + 1".repeat(999));
        assert_eq!(first(&sum), "Some(Some(\"999\"))");
        let and = format!("SELECT true{}", " AND id = 1".repeat(499));
        assert_eq!(first(&format!("{and} FROM empty")), "None");
        let or = format!("SELECT false{} OR 1/0 = 1", " OR false".repeat(499));
        assert_eq!(first(&or), "22012");
        // The binder casts each `||` result of unknown operands to text: casts between links.
        let concat = format!("SELECT ''{}", " || 'x'".repeat(499));
        assert_eq!(
            first(&concat),
            format!("Some(Some(\"{}\"))", "x".repeat(499))
        );
    }

    #[test]
    fn constants_fold_before_any_row_is_read() {
        for (sql, want) in [
            ("SELECT 1/0 FROM empty", "22012"),
            ("SELECT id FROM empty WHERE false AND 1/0 = 1", "None"),
            ("SELECT id FROM empty WHERE 1/0 = 1 AND false", "22012"),
            (
                "SELECT CASE WHEN false THEN 1/0 ELSE 2 END",
                "Some(Some(\"2\"))",
            ),
            ("SELECT CASE WHEN id = 1 THEN 1/0 END FROM empty", "22012"),
            ("SELECT coalesce(1, 1/0)", "Some(Some(\"1\"))"),
            ("SELECT id FROM empty WHERE EXISTS (SELECT 1/0)", "None"),
            ("SELECT length(current_user) / 0 FROM empty", "None"),
        ] {
            assert_eq!(first(sql), want, "{sql}");
        }
    }
}

//! Runs planned queries: scans and joins, WHERE, grouping and aggregates, DISTINCT, ORDER BY,
//! LIMIT/OFFSET, set operations.
//!
//! Invariant: reading never mutates the catalog (sequences aside, which are not transactional),
//! and rows are streamed from storage without copying unless a join or result needs them.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use super::ast::{JoinKind, SetOp};
use super::catalog::{Row, RowId};
use super::error::SqlError;
use super::eval::{eval, eval_pred, Env};
use super::numeric::Decimal;
use super::plan::{AggFunc, AggSpec, BExpr, BodyPlan, FromPlan, QueryPlan, SelectPlan};
use super::pred::Filter;
use super::types::{Key, SqlType, Value};

type R<T> = Result<T, SqlError>;

/// Runs a query and returns its visible rows.
pub fn run_query(plan: &QueryPlan, env: &Env) -> R<Vec<Row>> {
    super::stack::check()?;
    let visible = plan.columns.len();
    let mut rows = match &plan.body {
        BodyPlan::Select(sp) => run_select(sp, visible, env)?,
        BodyPlan::Values(rows) => {
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(r.iter().map(|e| eval(e, &[], env)).collect::<R<Vec<_>>>()?);
            }
            out
        }
        BodyPlan::SetOp {
            op,
            all,
            left,
            right,
        } => {
            let l = run_query(left, env)?;
            let r = run_query(right, env)?;
            set_op(*op, *all, l, r)
        }
    };
    if !plan.order.is_empty() {
        let keys = &plan.order;
        rows.sort_by(|a, b| {
            for &(i, desc, nulls_first) in keys {
                let (x, y) = (&a[i], &b[i]);
                let o = match (x.is_null(), y.is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => {
                        if nulls_first {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    (false, true) => {
                        if nulls_first {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                    _ => {
                        let o = x.total_cmp(y);
                        if desc {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    let offset = match &plan.offset {
        Some(e) => match eval(e, &[], env)? {
            Value::Int(n) if n < 0 => return Err(SqlError::negative_offset()),
            Value::Int(n) => n as usize,
            _ => 0,
        },
        None => 0,
    };
    let limit = match &plan.limit {
        Some(e) => match eval(e, &[], env)? {
            Value::Int(n) if n < 0 => return Err(SqlError::negative_limit()),
            Value::Int(n) => Some(n as usize),
            _ => None,
        },
        None => None,
    };
    if offset > 0 || limit.is_some() {
        let end = limit.map_or(rows.len(), |l| offset.saturating_add(l).min(rows.len()));
        let start = offset.min(rows.len());
        rows = rows.drain(start..end.max(start)).collect();
    }
    for r in &mut rows {
        r.truncate(visible);
    }
    Ok(rows)
}

fn set_op(op: SetOp, all: bool, l: Vec<Row>, r: Vec<Row>) -> Vec<Row> {
    match op {
        SetOp::Union => {
            let mut out = l;
            out.extend(r);
            if all {
                out
            } else {
                dedupe(out)
            }
        }
        SetOp::Intersect => {
            let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
            for row in r {
                *counts.entry(Key(row)).or_default() += 1;
            }
            let mut out = Vec::new();
            for row in l {
                let k = Key(row);
                if let Some(c) = counts.get_mut(&k) {
                    if *c > 0 {
                        *c -= 1;
                        out.push(k.0);
                    }
                }
            }
            if all {
                out
            } else {
                dedupe(out)
            }
        }
        SetOp::Except => {
            let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
            for row in r {
                *counts.entry(Key(row)).or_default() += 1;
            }
            let mut out = Vec::new();
            for row in l {
                let k = Key(row);
                match counts.get_mut(&k) {
                    Some(c) if *c > 0 => {
                        if all {
                            *c -= 1;
                        }
                    }
                    _ => out.push(k.0),
                }
            }
            if all {
                out
            } else {
                dedupe(out)
            }
        }
    }
}

fn dedupe(rows: Vec<Row>) -> Vec<Row> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for r in rows {
        let k = Key(r);
        if !seen.contains(&k) {
            out.push(k.0.clone());
            seen.insert(k);
        }
    }
    out
}

/// Streams the rows of a FROM plan to `f`.
pub fn scan(from: &FromPlan, env: &Env, f: &mut dyn FnMut(&[Value]) -> R<()>) -> R<()> {
    match from {
        FromPlan::Unit => f(&[]),
        FromPlan::Scan { table, lookup } => {
            let t = env
                .cat
                .table(*table)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            let width = t.meta.columns.len();
            if let Some((index, key)) = lookup {
                let k = Key(key
                    .iter()
                    .map(|e| eval(e, &[], env))
                    .collect::<R<Vec<_>>>()?);
                if let Some(rid) = t.unique.get(index).and_then(|m| m.get(&k)) {
                    if let Some(row) = t.rows.get(rid) {
                        if row.len() == width {
                            f(row)?;
                        } else {
                            f(&t.full_row(row))?;
                        }
                    }
                }
                return Ok(());
            }
            for row in t.rows.values() {
                if row.len() == width {
                    f(row)?;
                } else {
                    f(&t.full_row(row))?;
                }
            }
            Ok(())
        }
        FromPlan::Rows(rows) => {
            for r in rows {
                f(r)?;
            }
            Ok(())
        }
        FromPlan::Derived(q) => {
            for r in run_query(q, env)? {
                f(&r)?;
            }
            Ok(())
        }
        FromPlan::Join {
            kind,
            left,
            right,
            left_width,
            right_width,
            on,
        } => {
            let mut lrows = Vec::new();
            scan(left, env, &mut |r| {
                lrows.push(r.to_vec());
                Ok(())
            })?;
            let mut rrows = Vec::new();
            scan(right, env, &mut |r| {
                rrows.push(r.to_vec());
                Ok(())
            })?;
            let mut rmatched = vec![false; rrows.len()];
            let mut combined: Vec<Value> = Vec::with_capacity(left_width + right_width);
            for l in &lrows {
                let mut matched = false;
                for (ri, r) in rrows.iter().enumerate() {
                    combined.clear();
                    combined.extend_from_slice(l);
                    combined.extend_from_slice(r);
                    let ok = match on {
                        Some(c) => eval_pred(c, &combined, env)?,
                        None => true,
                    };
                    if ok {
                        matched = true;
                        rmatched[ri] = true;
                        f(&combined)?;
                    }
                }
                if !matched && matches!(kind, JoinKind::Left | JoinKind::Full) {
                    combined.clear();
                    combined.extend_from_slice(l);
                    combined.extend(std::iter::repeat_n(Value::Null, *right_width));
                    f(&combined)?;
                }
            }
            if matches!(kind, JoinKind::Right | JoinKind::Full) {
                for (ri, r) in rrows.iter().enumerate() {
                    if !rmatched[ri] {
                        combined.clear();
                        combined.extend(std::iter::repeat_n(Value::Null, *left_width));
                        combined.extend_from_slice(r);
                        f(&combined)?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// Rows of one table matching a condition, with their ids (for UPDATE and DELETE).
pub fn matching_rows(from: &FromPlan, filter: Option<&BExpr>, env: &Env) -> R<Vec<(RowId, Row)>> {
    let FromPlan::Scan { table, lookup } = from else {
        return Err(SqlError::internal("matching_rows needs a table scan"));
    };
    let t = env
        .cat
        .table(*table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let mut out = Vec::new();
    let filter = Filter::new(filter);
    let mut consider = |rid: RowId, row: &Row| -> R<()> {
        let full = if row.len() == t.meta.columns.len() {
            row.clone()
        } else {
            t.full_row(row)
        };
        if filter.test(&full, env)? {
            out.push((rid, full));
        }
        Ok(())
    };
    if let Some((index, key)) = lookup {
        let k = Key(key
            .iter()
            .map(|e| eval(e, &[], env))
            .collect::<R<Vec<_>>>()?);
        if let Some(rid) = t.unique.get(index).and_then(|m| m.get(&k)) {
            if let Some(row) = t.rows.get(rid) {
                consider(*rid, row)?;
            }
        }
        return Ok(out);
    }
    for (rid, row) in t.rows.iter() {
        consider(rid, row)?;
    }
    Ok(out)
}

/// Ids of the rows of one table matching a condition (UPDATE in place).
pub fn matching_rids(from: &FromPlan, filter: Option<&BExpr>, env: &Env) -> R<Vec<RowId>> {
    let FromPlan::Scan { table, lookup } = from else {
        return Err(SqlError::internal("matching_rids needs a table scan"));
    };
    let t = env
        .cat
        .table(*table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let width = t.meta.columns.len();
    let mut out = Vec::new();
    let filter = Filter::new(filter);
    let mut consider = |rid: RowId, row: &Row| -> R<()> {
        let ok = match filter {
            Filter::All => true,
            _ if row.len() == width => filter.test(row, env)?,
            _ => filter.test(&t.full_row(row), env)?,
        };
        if ok {
            out.push(rid);
        }
        Ok(())
    };
    if let Some((index, key)) = lookup {
        let k = Key(key
            .iter()
            .map(|e| eval(e, &[], env))
            .collect::<R<Vec<_>>>()?);
        if let Some(rid) = t.unique.get(index).and_then(|m| m.get(&k)) {
            if let Some(row) = t.rows.get(rid) {
                consider(*rid, row)?;
            }
        }
        return Ok(out);
    }
    for (rid, row) in t.rows.iter() {
        consider(rid, row)?;
    }
    Ok(out)
}

/// Running state of one aggregate.
#[derive(Clone, Debug)]
enum AggState {
    Count(i64),
    Sum(Option<Value>),
    Avg(Option<Value>, i64),
    MinMax(Option<Value>),
    Bool(Option<bool>),
    Str(Option<String>),
    /// `string_agg(… ORDER BY …)`: (sort keys, value, delimiter) per row, joined at the end.
    OrderedStr(Vec<(Vec<Value>, String, Option<String>)>),
}

struct Group {
    rep: Row,
    states: Vec<AggState>,
    seen: Vec<BTreeSet<Key>>,
}

fn new_states(aggs: &[AggSpec]) -> Vec<AggState> {
    aggs.iter()
        .map(|a| match a.func {
            AggFunc::CountStar | AggFunc::Count => AggState::Count(0),
            AggFunc::Sum => AggState::Sum(None),
            AggFunc::Avg => AggState::Avg(None, 0),
            AggFunc::Min | AggFunc::Max => AggState::MinMax(None),
            AggFunc::BoolAnd | AggFunc::BoolOr => AggState::Bool(None),
            AggFunc::StringAgg if !a.order.is_empty() => AggState::OrderedStr(Vec::new()),
            AggFunc::StringAgg => AggState::Str(None),
        })
        .collect()
}

fn add_values(a: Value, b: &Value) -> R<Value> {
    Ok(match (a, b) {
        (Value::Int(x), Value::Int(y)) => match x.checked_add(*y) {
            Some(s) => Value::Int(s),
            None => Value::Numeric(Decimal::from_i64(x).add(Decimal::from_i64(*y))?),
        },
        (Value::Numeric(x), y) => Value::Numeric(x.add(y.as_decimal().unwrap_or(Decimal::ZERO))?),
        (Value::Int(x), Value::Numeric(y)) => Value::Numeric(Decimal::from_i64(x).add(*y)?),
        (Value::Float4(x), y) => Value::Float4(x + y.as_f64().unwrap_or(0.0) as f32),
        (Value::Float8(x), y) => Value::Float8(x + y.as_f64().unwrap_or(0.0)),
        (x, _) => x,
    })
}

fn accumulate(
    spec: &AggSpec,
    state: &mut AggState,
    seen: &mut BTreeSet<Key>,
    row: &[Value],
    env: &Env,
) -> R<()> {
    if spec.func == AggFunc::CountStar {
        if let AggState::Count(n) = state {
            *n += 1;
        }
        return Ok(());
    }
    let v = match spec.args.first() {
        Some(a) => eval(a, row, env)?,
        None => Value::Null,
    };
    if v.is_null() {
        return Ok(());
    }
    if spec.distinct && !seen.insert(Key(vec![v.clone()])) {
        return Ok(());
    }
    match state {
        AggState::Count(n) => *n += 1,
        AggState::Sum(s) => {
            // sum(int8) is numeric; sum(int2/int4) is bigint.
            let v = match (&spec.ty, v) {
                (SqlType::Numeric(_), Value::Int(i)) => Value::Numeric(Decimal::from_i64(i)),
                (_, v) => v,
            };
            *s = Some(match s.take() {
                None => v,
                Some(acc) => add_values(acc, &v)?,
            });
        }
        AggState::Avg(s, n) => {
            let v = match (&spec.ty, v) {
                (SqlType::Numeric(_), Value::Int(i)) => Value::Numeric(Decimal::from_i64(i)),
                (SqlType::Float8, Value::Float4(f)) => Value::Float8(f as f64),
                (_, v) => v,
            };
            *s = Some(match s.take() {
                None => v,
                Some(acc) => add_values(acc, &v)?,
            });
            *n += 1;
        }
        AggState::MinMax(m) => {
            let better = match m {
                None => true,
                Some(cur) => {
                    let o = v.total_cmp(cur);
                    if spec.func == AggFunc::Min {
                        o == Ordering::Less
                    } else {
                        o == Ordering::Greater
                    }
                }
            };
            if better {
                *m = Some(v);
            }
        }
        AggState::Bool(b) => {
            let x = matches!(v, Value::Bool(true));
            *b = Some(match (*b, spec.func) {
                (None, _) => x,
                (Some(c), AggFunc::BoolAnd) => c && x,
                (Some(c), _) => c || x,
            });
        }
        AggState::Str(acc) => {
            let Value::Text(s) = v else { return Ok(()) };
            let sep = match spec.args.get(1) {
                Some(e) => eval(e, row, env)?.to_text(),
                None => None,
            };
            match acc {
                None => *acc = Some(s),
                Some(a) => {
                    if let Some(sep) = sep {
                        a.push_str(&sep);
                    }
                    a.push_str(&s);
                }
            }
        }
        AggState::OrderedStr(pieces) => {
            let Value::Text(s) = v else { return Ok(()) };
            let sep = match spec.args.get(1) {
                Some(e) => eval(e, row, env)?.to_text(),
                None => None,
            };
            let keys = spec
                .order
                .iter()
                .map(|(k, _, _)| eval(k, row, env))
                .collect::<R<Vec<_>>>()?;
            pieces.push((keys, s, sep));
        }
    }
    Ok(())
}

/// The pieces of an ordered `string_agg` joined in the call's ORDER BY order (stable, as
/// PostgreSQL's sort keeps input order among equal keys only by chance; the corpus always
/// orders fully). Each piece after the first is preceded by its own delimiter.
fn join_ordered(spec: &AggSpec, pieces: &[(Vec<Value>, String, Option<String>)]) -> Value {
    let mut sorted: Vec<&(Vec<Value>, String, Option<String>)> = pieces.iter().collect();
    sorted.sort_by(|a, b| {
        for (i, &(_, desc, nulls_first)) in spec.order.iter().enumerate() {
            let (x, y) = (&a.0[i], &b.0[i]);
            let o = match (x.is_null(), y.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) if nulls_first => Ordering::Less,
                (true, false) => Ordering::Greater,
                (false, true) if nulls_first => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ if desc => x.total_cmp(y).reverse(),
                _ => x.total_cmp(y),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    let mut out: Option<String> = None;
    for (_, s, sep) in sorted {
        match &mut out {
            None => out = Some(s.clone()),
            Some(a) => {
                if let Some(sep) = sep {
                    a.push_str(sep);
                }
                a.push_str(s);
            }
        }
    }
    out.map_or(Value::Null, Value::Text)
}

fn finish(spec: &AggSpec, state: &AggState) -> R<Value> {
    Ok(match state {
        AggState::Count(n) => Value::Int(*n),
        AggState::Sum(s) => match (s, &spec.ty) {
            (Some(Value::Numeric(d)), SqlType::Int8) => Value::Numeric(*d),
            (Some(v), _) => v.clone(),
            (None, _) => Value::Null,
        },
        AggState::Avg(s, n) => match s {
            None => Value::Null,
            Some(Value::Numeric(d)) => Value::Numeric(d.div(Decimal::from_i64(*n))?),
            Some(Value::Float8(f)) => Value::Float8(f / *n as f64),
            Some(v) => match v.as_f64() {
                Some(f) => Value::Float8(f / *n as f64),
                None => Value::Null,
            },
        },
        AggState::MinMax(m) => m.clone().unwrap_or(Value::Null),
        AggState::Bool(b) => b.map_or(Value::Null, Value::Bool),
        AggState::Str(s) => s.clone().map_or(Value::Null, Value::Text),
        AggState::OrderedStr(pieces) => join_ordered(spec, pieces),
    })
}

fn run_select(sp: &SelectPlan, visible: usize, env: &Env) -> R<Vec<Row>> {
    let mut out: Vec<Row> = Vec::new();
    let filter = Filter::new(sp.filter.as_ref());
    if !sp.grouped {
        scan(&sp.from, env, &mut |row| {
            if !filter.test(row, env)? {
                return Ok(());
            }
            out.push(
                sp.outputs
                    .iter()
                    .map(|e| eval(e, row, env))
                    .collect::<R<Vec<_>>>()?,
            );
            Ok(())
        })?;
    } else {
        let mut groups: Vec<Group> = Vec::new();
        let mut index: BTreeMap<Key, usize> = BTreeMap::new();
        let mut width = 0;
        // count(*) alone over a table: counted in one pass, and the scan below sees no rows.
        let fast = count_star_only(sp, &filter, env)?;
        let none = FromPlan::Rows(Vec::new());
        let from = if fast.is_some() { &none } else { &sp.from };
        groups.extend(fast.flatten());
        scan(from, env, &mut |row| {
            width = row.len();
            if !filter.test(row, env)? {
                return Ok(());
            }
            // Without GROUP BY every row belongs to the one group: skip the key lookup.
            if sp.group_keys.is_empty() && !groups.is_empty() {
                let g = &mut groups[0];
                for (i, spec) in sp.aggs.iter().enumerate() {
                    accumulate(spec, &mut g.states[i], &mut g.seen[i], row, env)?;
                }
                return Ok(());
            }
            let key = Key(sp
                .group_keys
                .iter()
                .map(|e| eval(e, row, env))
                .collect::<R<Vec<_>>>()?);
            let gi = match index.get(&key) {
                Some(i) => *i,
                None => {
                    groups.push(Group {
                        rep: row.to_vec(),
                        states: new_states(&sp.aggs),
                        seen: vec![BTreeSet::new(); sp.aggs.len()],
                    });
                    index.insert(key, groups.len() - 1);
                    groups.len() - 1
                }
            };
            let g = &mut groups[gi];
            for (i, spec) in sp.aggs.iter().enumerate() {
                accumulate(spec, &mut g.states[i], &mut g.seen[i], row, env)?;
            }
            Ok(())
        })?;
        if groups.is_empty() && sp.group_keys.is_empty() {
            let w = from_width(&sp.from, env).max(width);
            groups.push(Group {
                rep: vec![Value::Null; w],
                states: new_states(&sp.aggs),
                seen: vec![BTreeSet::new(); sp.aggs.len()],
            });
        }
        let mut genv = env.clone();
        for g in &groups {
            genv.aggs = sp
                .aggs
                .iter()
                .zip(&g.states)
                .map(|(s, st)| finish(s, st))
                .collect::<R<Vec<_>>>()?;
            if let Some(h) = &sp.having {
                if !eval_pred(h, &g.rep, &genv)? {
                    continue;
                }
            }
            out.push(
                sp.outputs
                    .iter()
                    .map(|e| eval(e, &g.rep, &genv))
                    .collect::<R<Vec<_>>>()?,
            );
        }
    }
    if sp.distinct {
        let mut seen = BTreeSet::new();
        out.retain(|r| seen.insert(Key(r[..visible.min(r.len())].to_vec())));
    }
    Ok(out)
}

/// `SELECT count(*), … FROM table [WHERE …]` without GROUP BY: counts the matching rows in
/// one pass over the table, without the per-row aggregate machinery. Gives the one group the
/// general path would build (its representative row is the first match), none when no row
/// matches, or None when the query has another shape.
fn count_star_only(sp: &SelectPlan, filter: &Filter, env: &Env) -> R<Option<Option<Group>>> {
    let FromPlan::Scan {
        table,
        lookup: None,
    } = &sp.from
    else {
        return Ok(None);
    };
    if !sp.group_keys.is_empty() || !sp.aggs.iter().all(|a| a.func == AggFunc::CountStar) {
        return Ok(None);
    }
    let t = env
        .cat
        .table(*table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let width = t.meta.columns.len();
    let mut n = 0i64;
    let mut rep: Option<Row> = None;
    for row in t.rows.values() {
        let hit = if row.len() == width {
            filter.test(row, env)?
        } else {
            filter.test(&t.full_row(row), env)?
        };
        if hit {
            if rep.is_none() {
                rep = Some(t.full_row(row));
            }
            n += 1;
        }
    }
    Ok(Some(rep.map(|rep| Group {
        rep,
        states: vec![AggState::Count(n); sp.aggs.len()],
        seen: vec![BTreeSet::new(); sp.aggs.len()],
    })))
}

fn from_width(from: &FromPlan, env: &Env) -> usize {
    match from {
        FromPlan::Unit => 0,
        FromPlan::Scan { table, .. } => env.cat.table(*table).map_or(0, |t| t.meta.columns.len()),
        FromPlan::Rows(r) => r.first().map_or(0, |x| x.len()),
        FromPlan::Derived(q) => q.columns.len(),
        FromPlan::Join {
            left_width,
            right_width,
            ..
        } => left_width + right_width,
    }
}

//! INSERT, UPDATE and DELETE: planning in PostgreSQL's analysis order, then execution with
//! NOT NULL, CHECK, UNIQUE and FOREIGN KEY enforcement and referential actions.
//!
//! Invariant: a statement's changes go through the catalog's undo log, so the session can undo
//! all of them when any row fails.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::ast::*;
use super::bind::bind_literal_owned;
use super::catalog::{Catalog, ConstraintKind, Row, RowId, TableId};
use super::error::SqlError;
use super::eval::{eval, eval_pred, Env};
use super::exec_select::{matching_rows, run_query};
use super::fold::{fold_plan, fold_statement};
use super::plan::{coerce_assign, BExpr, FromPlan, OutCol, Planner, QueryPlan, Scope, Typed};
use super::session::{ExecCtx, QueryResult};
use super::types::{Key, SqlType, Value};

type R<T> = Result<T, SqlError>;

fn at(pos: usize) -> Option<usize> {
    Some(pos + 1)
}

/// A bound RETURNING list.
pub struct Returning {
    exprs: Vec<BExpr>,
    cols: Vec<OutCol>,
}

/// Binds a RETURNING list against the target table.
pub fn plan_returning(
    p: &mut Planner,
    table: TableId,
    alias: Option<&str>,
    items: &[SelectItem],
) -> R<Option<Returning>> {
    if items.is_empty() {
        return Ok(None);
    }
    let scope = Scope::for_table(p.cat, table, alias);
    let entry = scope.entries.first().cloned();
    let mut exprs = Vec::new();
    let mut cols = Vec::new();
    for it in items {
        match it {
            SelectItem::Wildcard(_) => {
                if let Some(e) = &entry {
                    for (i, (n, t)) in e.columns.iter().enumerate() {
                        exprs.push(BExpr::Col(i));
                        cols.push(OutCol {
                            name: n.clone(),
                            ty: t.clone(),
                        });
                    }
                }
            }
            SelectItem::QualifiedWildcard(name, pos) => match &entry {
                Some(e) if e.name == *name => {
                    for (i, (n, t)) in e.columns.iter().enumerate() {
                        exprs.push(BExpr::Col(i));
                        cols.push(OutCol {
                            name: n.clone(),
                            ty: t.clone(),
                        });
                    }
                }
                _ => return Err(SqlError::missing_from_entry(name).at(at(*pos))),
            },
            SelectItem::Expr { expr, alias } => {
                let t = p.bind_in_scope(scope.clone(), expr)?;
                let ty = if t.ty == SqlType::Unknown {
                    SqlType::Text
                } else {
                    t.ty.clone()
                };
                exprs.push(t.expr);
                cols.push(OutCol {
                    name: alias.clone().unwrap_or_else(|| returning_name(expr)),
                    ty,
                });
            }
        }
    }
    Ok(Some(Returning { exprs, cols }))
}

fn returning_name(e: &Expr) -> String {
    super::plan::output_name(e)
}

/// The table's constraints bound for row checks.
pub struct RowChecks {
    checks: Vec<(String, BExpr)>,
    fks: Vec<(String, Vec<usize>, TableId, Vec<usize>)>,
}

/// Binds the CHECK constraints (sorted by name, as PostgreSQL evaluates them) and collects FKs.
pub fn plan_checks(p: &mut Planner, table: TableId) -> R<RowChecks> {
    let t = p
        .cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let mut checks = Vec::new();
    let mut fks = Vec::new();
    let mut cons: Vec<&super::catalog::Constraint> = t
        .meta
        .constraints
        .iter()
        .filter(|c| matches!(c.kind, ConstraintKind::Check { .. }))
        .collect();
    if cons.len() > 1 {
        crate::sorting::sort_by(&mut cons, |a, b| a.name.cmp(&b.name));
    }
    for c in &t.meta.constraints {
        if let ConstraintKind::ForeignKey {
            cols,
            ref_table,
            ref_cols,
            ..
        } = &c.kind
        {
            fks.push((c.name.clone(), cols.clone(), *ref_table, ref_cols.clone()));
        }
    }
    for c in cons {
        if let ConstraintKind::Check { expr, .. } = &c.kind {
            let scope = Scope::for_table(p.cat, table, None);
            let b = p.bind_condition_in_scope(scope, expr, "CHECK", "check constraints")?;
            checks.push((c.name.clone(), b));
        }
    }
    Ok(RowChecks { checks, fks })
}

fn failing_row(row: &Row) -> String {
    row.iter()
        .map(Value::to_detail)
        .collect::<Vec<_>>()
        .join(", ")
}

/// NOT NULL and CHECK constraints for a new row version.
pub fn check_row(cat: &Catalog, table: TableId, row: &Row, checks: &RowChecks, env: &Env) -> R<()> {
    let t = cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    for (i, c) in t.meta.columns.iter().enumerate() {
        if c.not_null && row.get(i).is_none_or(Value::is_null) {
            return Err(SqlError::not_null_violation(
                &c.name,
                &t.meta.name,
                &failing_row(row),
            ));
        }
    }
    for (name, expr) in &checks.checks {
        if let Value::Bool(false) = eval(expr, row, env)? {
            return Err(SqlError::check_violation(
                &t.meta.name,
                name,
                &failing_row(row),
            ));
        }
    }
    Ok(())
}

fn key_text(t: &super::catalog::Table, cols: &[usize]) -> String {
    cols.iter()
        .map(|c| t.meta.columns[*c].name.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

fn vals_text(vals: &[Value]) -> String {
    vals.iter()
        .map(Value::to_detail)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first unique index whose key for `row` is taken by another row.
fn unique_conflict(
    cat: &Catalog,
    table: TableId,
    row: &Row,
    except: Option<RowId>,
) -> Option<(String, String, String, RowId)> {
    let t = cat.table(table)?;
    for idx in &t.meta.indexes {
        if !idx.unique {
            continue;
        }
        let Some(k) = t.key_of(row, &idx.columns) else {
            continue;
        };
        if let Some(rid) = t.unique.get(&idx.name).and_then(|m| m.get(&k)) {
            if Some(*rid) != except {
                return Some((
                    idx.name.clone(),
                    key_text(t, &idx.columns),
                    vals_text(&k.0),
                    *rid,
                ));
            }
        }
    }
    None
}

/// Checks a child row's foreign keys against the referenced tables.
fn check_fks(
    cat: &Catalog,
    table: TableId,
    row: &Row,
    checks: &RowChecks,
    only_changed: Option<&Row>,
) -> R<()> {
    let t = cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    for (name, cols, ref_table, ref_cols) in &checks.fks {
        let vals: Vec<Value> = cols
            .iter()
            .map(|c| row.get(*c).cloned().unwrap_or(Value::Null))
            .collect();
        if vals.iter().any(Value::is_null) {
            continue;
        }
        if let Some(old) = only_changed {
            let old_vals: Vec<Value> = cols
                .iter()
                .map(|c| old.get(*c).cloned().unwrap_or(Value::Null))
                .collect();
            if Key(old_vals) == Key(vals.clone()) {
                continue;
            }
        }
        let parent = cat
            .table(*ref_table)
            .ok_or_else(|| SqlError::internal("referenced table vanished"))?;
        if !parent_has_key(parent, ref_cols, &vals) {
            return Err(SqlError::fk_violation_insert(
                &t.meta.name,
                name,
                &key_text(t, cols),
                &vals_text(&vals),
                &parent.meta.name,
            ));
        }
    }
    Ok(())
}

fn parent_has_key(parent: &super::catalog::Table, ref_cols: &[usize], vals: &[Value]) -> bool {
    let key = Key(vals.to_vec());
    for idx in &parent.meta.indexes {
        if idx.unique && idx.columns == ref_cols {
            if let Some(m) = parent.unique.get(&idx.name) {
                return m.contains_key(&key);
            }
        }
    }
    parent.rows.values().any(|r| {
        Key(ref_cols
            .iter()
            .map(|c| parent.value(r, *c).clone())
            .collect())
            == key
    })
}

fn env<'a>(ctx: &'a ExecCtx, cat: &'a Catalog) -> Env<'a> {
    Env {
        cat,
        clock: ctx.clock,
        database: ctx.database,
        user: ctx.user,
        schema: ctx.current_schema,
        outer: Vec::new(),
        aggs: Vec::new(),
        currval: ctx.currval,
    }
}

fn returning_rows(
    ret: &Option<Returning>,
    rows: &[Row],
    ctx: &ExecCtx,
    cat: &Catalog,
) -> R<Option<(Vec<OutCol>, Vec<Row>)>> {
    let Some(r) = ret else { return Ok(None) };
    let e = env(ctx, cat);
    let mut out = Vec::new();
    for row in rows {
        out.push(
            r.exprs
                .iter()
                .map(|x| eval(x, row, &e))
                .collect::<R<Vec<_>>>()?,
        );
    }
    Ok(Some((r.cols.clone(), out)))
}

/// Bound default expressions of every column (NULL constant when none).
fn plan_defaults(p: &mut Planner, table: TableId) -> R<Vec<BExpr>> {
    plan_defaults_for(p, table, None)
}

/// Bound defaults, only for the columns marked in `needed` (others are NULL constants).
fn plan_defaults_for(p: &mut Planner, table: TableId, needed: Option<&[bool]>) -> R<Vec<BExpr>> {
    let cat = p.cat;
    let t = cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let mut out = Vec::with_capacity(t.meta.columns.len());
    for (i, c) in t.meta.columns.iter().enumerate() {
        match &c.default {
            Some(d) if needed.is_none_or(|n| n.get(i).copied().unwrap_or(true)) => {
                let tpd = p.bind_in_scope(Scope::default(), &d.expr)?;
                let name = c.name.clone();
                let cty = c.ty.clone();
                out.push(coerce_assign(tpd, &c.ty, |t| {
                    SqlError::default_type_mismatch(&name, cty.base_name(), t.base_name())
                })?);
            }
            _ => out.push(BExpr::Const(Value::Null)),
        }
    }
    Ok(out)
}

/// ON CONFLICT: arbiter index names (None = any unique index) and the DO UPDATE assignments
/// with their WHERE (None = DO NOTHING).
type ConflictPlan = (
    Option<Vec<String>>,
    Option<(Vec<(usize, BExpr)>, Option<BExpr>)>,
);

enum Source {
    Rows(Vec<Vec<Option<BExpr>>>),
    Query(QueryPlan),
}

/// A command tag with its row count (`INSERT 0 1`), built without the formatting machinery:
/// it is made once per statement.
fn count_tag(verb: &str, count: u64) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(count);
    let mut tag = String::with_capacity(verb.len() + digits.len());
    tag.push_str(verb);
    tag.push_str(digits);
    tag
}

/// Folds an INSERT's constants as PostgreSQL's planner does (`fold.rs`): the source rows or
/// query, RETURNING, then ON CONFLICT … DO UPDATE's SET and WHERE.
fn fold_insert(
    source: &mut Source,
    returning: &mut Option<Returning>,
    conflict: &mut Option<ConflictPlan>,
    env: &Env,
) -> R<()> {
    match source {
        Source::Rows(rows) => {
            fold_statement(rows.iter_mut().flatten().flatten(), &mut None, env)?;
        }
        Source::Query(plan) => fold_plan(plan, env)?,
    }
    let ret_exprs = returning.iter_mut().flat_map(|r| r.exprs.iter_mut());
    fold_statement(ret_exprs, &mut None, env)?;
    if let Some((_, Some((sets, filter)))) = conflict {
        fold_statement(sets.iter_mut().map(|(_, e)| e), filter, env)?;
    }
    Ok(())
}

/// INSERT INTO …; the statement is consumed: VALUES literals are moved into the row.
pub fn insert(ctx: &mut ExecCtx, ins: &mut Insert) -> R<QueryResult> {
    let r = insert_rows(ctx, ins);
    r.map_err(|e| hint_target_column(ctx, ins, e))
}

/// A VALUES list or INSERT's SELECT that names one of the target table's columns gets
/// PostgreSQL's hint: the column exists but cannot be referenced from there.
fn hint_target_column(ctx: &ExecCtx, ins: &Insert, mut e: SqlError) -> SqlError {
    let target = ins.table.name.as_str();
    if e.code() == "42P01"
        && e.hint.is_none()
        && e.message == format!("missing FROM-clause entry for table \"{target}\"")
    {
        e.message = format!("invalid reference to FROM-clause entry for table \"{target}\"");
        return e.with_hint(format!(
            "There is an entry for table \"{target}\", but it cannot be referenced from this part of the query."
        ));
    }
    if e.code() != "42703" || e.hint.is_some() {
        return e;
    }
    let Some(name) = e
        .message
        .strip_prefix("column \"")
        .and_then(|m| m.strip_suffix("\" does not exist"))
        .map(|n| n.replace("\"\"", "\""))
    else {
        return e;
    };
    let p = Planner::new(ctx.cat, ctx.search_path);
    let Some(t) = p
        .resolve_table(&ins.table)
        .ok()
        .and_then(|id| ctx.cat.table(id))
    else {
        return e;
    };
    if t.meta.column_index(&name).is_none() {
        return e;
    }
    let table = t.meta.name.clone();
    e.with_hint(format!(
        "There is a column named \"{name}\" in table \"{table}\", but it cannot be referenced from this part of the query."
    ))
}

/// The error for a value of type `et` assigned to column `col` (42804).
fn type_mismatch(col: &super::catalog::Column) -> impl Fn(&SqlType) -> SqlError + '_ {
    move |et| SqlError::column_type_mismatch(&col.name, col.ty.base_name(), et.base_name())
}

/// Plans ON CONFLICT: the arbiter indexes and DO UPDATE's bound SET list and WHERE. Out of
/// line: a plain INSERT never needs it.
#[inline(never)]
fn plan_conflict(
    p: &mut Planner,
    table: TableId,
    oc: &OnConflict,
    alias: Option<&str>,
    defaults: &[BExpr],
) -> R<ConflictPlan> {
    let cat: &Catalog = p.cat;
    let t = cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let tname = &t.meta.name;
    let meta_cols = &t.meta.columns;
    let mismatch = |i: usize| type_mismatch(&meta_cols[i]);
    let arbiter: Option<Vec<String>> = if let Some(cname) = &oc.constraint {
        let idx = t.meta.indexes.iter().find(|i| i.unique && i.name == *cname);
        match idx {
            Some(i) => Some(vec![i.name.clone()]),
            None => {
                return Err(SqlError::new(
                    super::error::SqlState::UndefinedObject,
                    format!("constraint \"{cname}\" for table \"{tname}\" does not exist"),
                ))
            }
        }
    } else if !oc.target.is_empty() {
        let mut cols = BTreeSet::new();
        for c in &oc.target {
            match t.meta.column_index(c) {
                Some(i) => {
                    cols.insert(i);
                }
                None => return Err(SqlError::undefined_column(c)),
            }
        }
        let names: Vec<String> = t
            .meta
            .indexes
            .iter()
            .filter(|i| i.unique && i.columns.iter().copied().collect::<BTreeSet<_>>() == cols)
            .map(|i| i.name.clone())
            .collect();
        if names.is_empty() {
            return Err(SqlError::no_conflict_constraint());
        }
        Some(names)
    } else {
        None
    };
    let update = match &oc.update {
        None => None,
        Some((sets, wh)) => {
            if arbiter.is_none() {
                return Err(SqlError::syntax(
                    "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                )
                .with_hint("For example, ON CONFLICT (column_name)."));
            }
            // Scope: the target row, then EXCLUDED.
            let mut scope = Scope::for_table(cat, table, alias);
            let mut ex = scope.entries[0].clone();
            ex.name = "excluded".into();
            ex.hidden_name = None;
            ex.offset = ex.columns.len();
            scope.entries.push(ex);
            let mut bound = Vec::new();
            for a in sets {
                let Some(ci) = t.meta.column_index(&a.column) else {
                    return Err(SqlError::undefined_column_of(&a.column, tname).at(at(a.pos)));
                };
                let e = match &a.value {
                    Some(v) => {
                        let tp = p.bind_in_scope(scope.clone(), v)?;
                        coerce_assign(tp, &meta_cols[ci].ty, mismatch(ci))?
                    }
                    None => defaults[ci].clone(),
                };
                bound.push((ci, e));
            }
            let w = match wh {
                Some(w) => Some(p.bind_condition_in_scope(scope, w, "WHERE", "WHERE")?),
                None => None,
            };
            Some((bound, w))
        }
    };
    Ok((arbiter, update))
}

/// What ON CONFLICT does with a new row.
enum Conflict {
    /// No arbiter index holds the row's key: insert it.
    None,
    /// DO NOTHING, or DO UPDATE whose WHERE is false: skip it.
    Skip,
    /// DO UPDATE: the existing row and its new version.
    Updated(RowId, Row),
}

/// Looks the new row up in the arbiter indexes and, on a hit, builds DO UPDATE's new version.
#[inline(never)]
fn resolve_conflict(
    ctx: &ExecCtx,
    table: TableId,
    row: &Row,
    (arbiter, update): &ConflictPlan,
    touched: &BTreeSet<RowId>,
    checks: &RowChecks,
) -> R<Conflict> {
    let tab = ctx
        .cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let hit = tab
        .meta
        .indexes
        .iter()
        .filter(|i| i.unique && arbiter.as_ref().is_none_or(|a| a.contains(&i.name)))
        .find_map(|i| {
            let k = tab.key_of(row, &i.columns)?;
            tab.unique.get(&i.name)?.get(&k).copied()
        });
    let Some(rid) = hit else {
        return Ok(Conflict::None);
    };
    let Some((sets, wh)) = update else {
        return Ok(Conflict::Skip);
    };
    if touched.contains(&rid) {
        return Err(SqlError::on_conflict_twice());
    }
    let old = tab
        .rows
        .get(&rid)
        .map(|r| tab.full_row(r))
        .unwrap_or_default();
    let mut combined = old.clone();
    combined.extend(row.iter().cloned());
    let e = env(ctx, ctx.cat);
    if let Some(w) = wh {
        if !eval_pred(w, &combined, &e)? {
            return Ok(Conflict::Skip);
        }
    }
    let mut new_row = old;
    for (ci, ex) in sets {
        new_row[*ci] = eval(ex, &combined, &e)?;
    }
    check_row(ctx.cat, table, &new_row, checks, &e)?;
    if let Some((name, cols, vals, _)) = unique_conflict(ctx.cat, table, &new_row, Some(rid)) {
        return Err(SqlError::unique_violation(&name, &cols, &vals));
    }
    Ok(Conflict::Updated(rid, new_row))
}

fn insert_rows(ctx: &mut ExecCtx, ins: &mut Insert) -> R<QueryResult> {
    let cat: &Catalog = ctx.cat;
    let mut p = Planner::new(cat, ctx.search_path);
    let table = p.resolve_table(&ins.table)?;
    let t = cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let tname = t.meta.name.clone();
    // Target columns.
    let mut targets: Vec<usize> = Vec::new();
    if ins.columns.is_empty() {
        targets = (0..t.meta.columns.len()).collect();
    } else {
        for (name, pos) in &ins.columns {
            let Some(i) = t.meta.column_index(name) else {
                return Err(SqlError::undefined_column_of(name, &tname).at(at(*pos)));
            };
            if targets.contains(&i) {
                return Err(SqlError::column_assigned_twice(name).at(at(*pos)));
            }
            targets.push(i);
        }
    }
    let explicit_cols = !ins.columns.is_empty();
    // Column types and names are read from the catalog until execution mutates it.
    let meta_cols = &t.meta.columns;
    let mismatch = |i: usize| type_mismatch(&meta_cols[i]);
    let source = match &mut ins.source {
        InsertSource::DefaultValues => Source::Rows(vec![vec![]]),
        InsertSource::Values(rows) => {
            let width = rows.first().map_or(0, |r| r.len());
            if rows.len() > 1 {
                for r in rows.iter() {
                    if r.len() != width {
                        let pos = r.first().and_then(|v| {
                            if let InsertValue::Expr(e) = v {
                                Some(e.pos)
                            } else {
                                None
                            }
                        });
                        return Err(SqlError::values_lists_length().at(pos.map(|p| p + 1)));
                    }
                }
            }
            let mut out = Vec::with_capacity(rows.len());
            for r in rows.iter_mut() {
                let mut bound: Vec<Option<(Typed, usize)>> = Vec::with_capacity(r.len());
                for v in r.iter_mut() {
                    match v {
                        InsertValue::Default => bound.push(None),
                        InsertValue::Expr(Expr {
                            kind: ExprKind::Literal(l),
                            pos,
                        }) => bound.push(Some((bind_literal_owned(l, *pos)?, *pos))),
                        InsertValue::Expr(e) => {
                            bound.push(Some((p.bind_in_scope(Scope::default(), e)?, e.pos)))
                        }
                    }
                }
                if bound.len() > targets.len() {
                    let pos = r.get(targets.len()).and_then(|v| {
                        if let InsertValue::Expr(e) = v {
                            Some(e.pos)
                        } else {
                            None
                        }
                    });
                    return Err(SqlError::insert_more_expressions().at(pos.map(|p| p + 1)));
                }
                if explicit_cols && bound.len() < targets.len() {
                    return Err(SqlError::insert_more_targets().at(at(ins.columns[bound.len()].1)));
                }
                let mut row = Vec::with_capacity(bound.len());
                for (k, b) in bound.into_iter().enumerate() {
                    match b {
                        None => row.push(None),
                        Some((tp, pos)) => {
                            let ci = targets[k];
                            let e = coerce_assign(tp, &meta_cols[ci].ty, mismatch(ci))
                                .map_err(|e| e.at(at(pos)))?;
                            row.push(Some(e));
                        }
                    }
                }
                out.push(row);
            }
            Source::Rows(out)
        }
        InsertSource::Query(q) => {
            let plan = p.plan_query(q)?;
            if plan.columns.len() > targets.len() {
                return Err(SqlError::insert_more_expressions());
            }
            if explicit_cols && plan.columns.len() < targets.len() {
                return Err(
                    SqlError::insert_more_targets().at(at(ins.columns[plan.columns.len()].1))
                );
            }
            for (k, c) in plan.columns.iter().enumerate() {
                let ci = targets[k];
                if !meta_cols[ci].ty.assignable_from(&c.ty) {
                    return Err(mismatch(ci)(&c.ty));
                }
            }
            Source::Query(plan)
        }
    };
    let mut returning = plan_returning(&mut p, table, ins.alias.as_deref(), &ins.returning)?;
    // Defaults are needed for untargeted columns, DEFAULT items and ON CONFLICT … SET DEFAULT.
    let mut needed = vec![true; meta_cols.len()];
    if ins.on_conflict.is_none() {
        for (k, &ci) in targets.iter().enumerate() {
            let explicit_everywhere = match &source {
                Source::Rows(rows) => rows.iter().all(|r| r.get(k).is_some_and(Option::is_some)),
                Source::Query(q) => k < q.columns.len(),
            };
            if explicit_everywhere {
                needed[ci] = false;
            }
        }
    }
    // Bound defaults are reused until definitions change (the catalog clears the cache).
    let cached = cat.defaults_cache().get(table, &needed, ctx.search_path);
    let fresh = cached.is_none();
    let defaults = match cached {
        Some(d) => d,
        None => Arc::new(plan_defaults_for(&mut p, table, Some(&needed))?),
    };
    let checks = plan_checks(&mut p, table)?;
    let mut conflict = match &ins.on_conflict {
        Some(oc) => Some(plan_conflict(
            &mut p,
            table,
            oc,
            ins.alias.as_deref(),
            &defaults,
        )?),
        None => None,
    };
    let ncols = meta_cols.len();
    // An INSERT … SELECT casts each value to its column's type during execution.
    let col_types: Vec<SqlType> = match &source {
        Source::Query(_) => meta_cols.iter().map(|c| c.ty.clone()).collect(),
        Source::Rows(_) => Vec::new(),
    };
    drop(p);
    if fresh {
        let defaults = Arc::clone(&defaults);
        ctx.cat
            .defaults_cache_mut()
            .put(table, &needed, ctx.search_path, defaults);
    }

    // Execute: each row is built, checked and stored before the next one is evaluated.
    let mut source = source;
    fold_insert(
        &mut source,
        &mut returning,
        &mut conflict,
        &env(ctx, ctx.cat),
    )?;
    let (nrows, query_rows, query_cols) = match &source {
        Source::Rows(r) => (r.len(), Vec::new(), Vec::new()),
        Source::Query(plan) => {
            let rows = run_query(plan, &env(ctx, ctx.cat))?;
            (rows.len(), rows, plan.columns.clone())
        }
    };
    let mut out_rows: Vec<Row> = Vec::new();
    let mut new_versions: Vec<Row> = Vec::new();
    let mut touched: BTreeSet<RowId> = BTreeSet::new();
    let mut count = 0u64;
    for ri in 0..nrows {
        let row: Row = {
            let e = env(ctx, ctx.cat);
            // Build the row in column order, as PostgreSQL's target list does: a default's
            // nextval() runs before a later column's value fails to convert.
            let width = match &source {
                Source::Rows(rows) => rows[ri].len(),
                Source::Query(_) => query_rows[ri].len(),
            };
            let fed = &targets[..width.min(targets.len())];
            let mut row = Vec::with_capacity(ncols);
            for ci in 0..ncols {
                // The VALUES item (or SELECT column) that feeds column `ci`, if any.
                let slot = fed.iter().position(|&c| c == ci);
                let v = match (slot, &mut source) {
                    // Each VALUES item is evaluated once: a constant is moved into the row.
                    (Some(k), Source::Rows(rows)) => match rows[ri][k].take() {
                        Some(BExpr::Const(v)) => v,
                        Some(b) => eval(&b, &[], &e)?,
                        None => eval(&defaults[ci], &[], &e)?,
                    },
                    (Some(k), Source::Query(_)) => super::types::cast_value(
                        query_rows[ri][k].clone(),
                        &query_cols[k].ty,
                        &col_types[ci],
                        false,
                    )?,
                    (None, _) => eval(&defaults[ci], &[], &e)?,
                };
                row.push(v);
            }
            check_row(ctx.cat, table, &row, &checks, &e)?;
            row
        };
        if let Some(plan) = &conflict {
            match resolve_conflict(ctx, table, &row, plan, &touched, &checks)? {
                Conflict::None => {}
                Conflict::Skip => continue,
                Conflict::Updated(rid, new_row) => {
                    ctx.cat.update_row(table, rid, new_row.clone());
                    touched.insert(rid);
                    new_versions.push(new_row.clone());
                    out_rows.push(new_row);
                    count += 1;
                    continue;
                }
            }
        }
        if returning.is_some() {
            out_rows.push(row.clone());
        }
        if !checks.fks.is_empty() {
            new_versions.push(row.clone());
        }
        let rid = match ctx.cat.insert_unique_row(table, row) {
            Ok(rid) => rid,
            Err((name, cols, vals)) => return Err(SqlError::unique_violation(&name, &cols, &vals)),
        };
        if conflict.is_some() {
            touched.insert(rid);
        }
        count += 1;
    }
    for row in &new_versions {
        check_fks(ctx.cat, table, row, &checks, None)?;
    }
    let ret = returning_rows(&returning, &out_rows, ctx, ctx.cat)?;
    Ok(QueryResult::dml(
        count_tag("INSERT 0 ", count),
        count,
        tname,
        ret,
    ))
}

/// The row versions an UPDATE keeps for after its loop: old and new ones for foreign keys,
/// new ones for RETURNING.
struct Versions {
    keep: bool,
    returning: bool,
    olds: Vec<Row>,
    news: Vec<Row>,
    out: Vec<Row>,
}

/// Updates one row: evaluates the SET list against it, patches it, checks NOT NULL/CHECK and
/// moves its unique keys. Out of line on purpose: the browser's engine optimises a function
/// only between calls (no on-stack replacement), so a loop body inside `update`, which runs
/// once per statement, would stay in baseline code for all 100,000 rows of a big UPDATE.
#[inline(never)]
fn update_one(
    ctx: &mut ExecCtx,
    table: TableId,
    rid: RowId,
    sets: &[(usize, BExpr)],
    checks: &RowChecks,
    vals: &mut Vec<(usize, Value)>,
    versions: &mut Versions,
) -> R<()> {
    ctx.cat.widen_row(table, rid);
    {
        let e = env(ctx, ctx.cat);
        let t = ctx
            .cat
            .table(table)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        let Some(old) = t.rows.get(&rid) else {
            return Ok(());
        };
        vals.clear();
        for (ci, ex) in sets {
            vals.push((*ci, eval(ex, old, &e)?));
        }
        if versions.keep {
            versions.olds.push(old.clone());
        }
    }
    let old_keys = ctx.cat.patch_row(table, rid, vals);
    {
        let e = env(ctx, ctx.cat);
        let t = ctx
            .cat
            .table(table)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        let row = t
            .rows
            .get(&rid)
            .ok_or_else(|| SqlError::internal("row vanished"))?;
        check_row(ctx.cat, table, row, checks, &e)?;
        if versions.returning {
            versions.out.push(row.clone());
        }
        if versions.keep {
            versions.news.push(row.clone());
        }
    }
    if let Err((name, cols, vals)) = ctx.cat.reindex_row(table, rid, old_keys) {
        return Err(SqlError::unique_violation(&name, &cols, &vals));
    }
    Ok(())
}

/// UPDATE … SET …
#[inline(never)]
pub fn update(ctx: &mut ExecCtx, up: &Update) -> R<QueryResult> {
    let cat: &Catalog = ctx.cat;
    let mut p = Planner::new(cat, ctx.search_path);
    let table = p.resolve_table(&up.table)?;
    let t = cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let tname = t.meta.name.clone();
    if !up.from.is_empty() {
        return Err(SqlError::not_supported("UPDATE … FROM"));
    }
    let scope = Scope::for_table(cat, table, up.alias.as_deref());
    let mut filter = match &up.where_ {
        Some(w) => Some(p.bind_condition_in_scope(scope.clone(), w, "WHERE", "WHERE")?),
        None => None,
    };
    let mut returning = plan_returning(&mut p, table, up.alias.as_deref(), &up.returning)?;
    let defaults = plan_defaults(&mut p, table)?;
    let mut bound = Vec::new();
    for a in &up.assignments {
        bound.push(match &a.value {
            Some(v) => Some((p.bind_in_scope(scope.clone(), v)?, v.pos)),
            None => None,
        });
    }
    let mut sets: Vec<(usize, BExpr)> = Vec::new();
    for (a, b) in up.assignments.iter().zip(bound) {
        let Some(ci) = t.meta.column_index(&a.column) else {
            return Err(SqlError::undefined_column_of(&a.column, &tname).at(at(a.pos)));
        };
        if sets.iter().any(|(c, _)| *c == ci) {
            return Err(SqlError::syntax(format!(
                "multiple assignments to same column \"{}\"",
                a.column
            ))
            .at(at(a.pos)));
        }
        let col = &t.meta.columns[ci];
        let e = match b {
            Some((tp, pos)) => {
                let (n, ty) = (col.name.clone(), col.ty.clone());
                coerce_assign(tp, &col.ty, |et| {
                    SqlError::column_type_mismatch(&n, ty.base_name(), et.base_name())
                })
                .map_err(|e| e.at(at(pos)))?
            }
            None => defaults[ci].clone(),
        };
        sets.push((ci, e));
    }
    let checks = plan_checks(&mut p, table)?;
    let ret_exprs = returning.iter_mut().flat_map(|r| r.exprs.iter_mut());
    let set_exprs = sets.iter_mut().map(|(_, e)| e);
    fold_statement(set_exprs.chain(ret_exprs), &mut filter, &env(ctx, cat))?;
    let mut from = FromPlan::Scan {
        table,
        lookup: None,
    };
    if let (FromPlan::Scan { lookup, .. }, Some(f)) = (&mut from, &filter) {
        *lookup = super::plan::point_lookup(f, t);
    }
    drop(p);

    let targets = super::exec_select::matching_rids(&from, filter.as_ref(), &env(ctx, ctx.cat))?;
    // Old and new versions are kept only when foreign keys or RETURNING need them.
    let keep_versions = !checks.fks.is_empty() || !ctx.cat.referencing(table).is_empty();
    let count = targets.len() as u64;
    // One buffer for the new values of every row.
    let mut vals: Vec<(usize, Value)> = Vec::with_capacity(sets.len());
    let mut versions = Versions {
        keep: keep_versions,
        returning: returning.is_some(),
        olds: Vec::new(),
        news: Vec::new(),
        out: Vec::new(),
    };
    for rid in targets {
        update_one(ctx, table, rid, &sets, &checks, &mut vals, &mut versions)?;
    }
    let Versions {
        olds,
        news,
        out: out_rows,
        ..
    } = versions;
    for (old, new) in olds.iter().zip(&news) {
        check_fks(ctx.cat, table, new, &checks, Some(old))?;
    }
    if keep_versions {
        parent_actions(ctx, table, &olds, Some(&news), 0)?;
    }
    let ret = returning_rows(&returning, &out_rows, ctx, ctx.cat)?;
    Ok(QueryResult::dml(
        count_tag("UPDATE ", count),
        count,
        tname,
        ret,
    ))
}

/// DELETE FROM …
#[inline(never)]
pub fn delete(ctx: &mut ExecCtx, d: &Delete) -> R<QueryResult> {
    let cat: &Catalog = ctx.cat;
    let mut p = Planner::new(cat, ctx.search_path);
    let table = p.resolve_table(&d.table)?;
    let t = cat
        .table(table)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let tname = t.meta.name.clone();
    let scope = Scope::for_table(cat, table, d.alias.as_deref());
    let mut filter = match &d.where_ {
        Some(w) => Some(p.bind_condition_in_scope(scope, w, "WHERE", "WHERE")?),
        None => None,
    };
    let mut returning = plan_returning(&mut p, table, d.alias.as_deref(), &d.returning)?;
    let ret_exprs = returning.iter_mut().flat_map(|r| r.exprs.iter_mut());
    fold_statement(ret_exprs, &mut filter, &env(ctx, cat))?;
    let mut from = FromPlan::Scan {
        table,
        lookup: None,
    };
    if let (FromPlan::Scan { lookup, .. }, Some(f)) = (&mut from, &filter) {
        *lookup = super::plan::point_lookup(f, t);
    }
    drop(p);
    let targets = matching_rows(&from, filter.as_ref(), &env(ctx, ctx.cat))?;
    for (rid, _) in &targets {
        ctx.cat.delete_row(table, *rid);
    }
    let olds: Vec<Row> = targets.iter().map(|(_, r)| r.clone()).collect();
    parent_actions(ctx, table, &olds, None, 0)?;
    let count = targets.len() as u64;
    let ret = returning_rows(&returning, &olds, ctx, ctx.cat)?;
    Ok(QueryResult::dml(
        count_tag("DELETE ", count),
        count,
        tname,
        ret,
    ))
}

/// Applies the referential actions of foreign keys pointing at `table` after rows changed
/// (`news` = None for DELETE).
fn parent_actions(
    ctx: &mut ExecCtx,
    table: TableId,
    olds: &[Row],
    news: Option<&[Row]>,
    depth: usize,
) -> R<()> {
    if depth > 64 {
        return Err(SqlError::stack_depth_exceeded());
    }
    let refs = ctx.cat.referencing(table);
    if refs.is_empty() {
        return Ok(());
    }
    let pname = ctx
        .cat
        .table(table)
        .map(|t| t.meta.name.clone())
        .unwrap_or_default();
    for (child, con) in refs {
        let ConstraintKind::ForeignKey {
            cols,
            ref_cols,
            on_delete,
            on_update,
            ..
        } = &con.kind
        else {
            continue;
        };
        let action = if news.is_some() {
            *on_update
        } else {
            *on_delete
        };
        for (i, old) in olds.iter().enumerate() {
            let key: Vec<Value> = ref_cols
                .iter()
                .map(|c| old.get(*c).cloned().unwrap_or(Value::Null))
                .collect();
            if key.iter().any(Value::is_null) {
                continue;
            }
            let new_key: Option<Vec<Value>> = news.map(|n| {
                ref_cols
                    .iter()
                    .map(|c| n[i].get(*c).cloned().unwrap_or(Value::Null))
                    .collect()
            });
            if let Some(nk) = &new_key {
                if Key(nk.clone()) == Key(key.clone()) {
                    continue;
                }
            }
            // The key may still exist in another parent row (e.g. deleted and re-inserted).
            if let Some(pt) = ctx.cat.table(table) {
                if action == FkAction::NoAction && parent_has_key(pt, ref_cols, &key) {
                    continue;
                }
            }
            let kids: Vec<(RowId, Row)> = {
                let Some(ct) = ctx.cat.table(child) else {
                    continue;
                };
                let k = Key(key.clone());
                ct.rows
                    .iter()
                    .filter(|(_, r)| {
                        Key(cols.iter().map(|c| ct.value(r, *c).clone()).collect()) == k
                    })
                    .map(|(rid, r)| (rid, ct.full_row(r)))
                    .collect()
            };
            if kids.is_empty() {
                continue;
            }
            let cname = ctx
                .cat
                .table(child)
                .map(|t| t.meta.name.clone())
                .unwrap_or_default();
            match action {
                FkAction::NoAction | FkAction::Restrict => {
                    let pt = ctx
                        .cat
                        .table(table)
                        .ok_or_else(|| SqlError::internal("table vanished"))?;
                    return Err(SqlError::fk_violation_delete(
                        &pname,
                        &con.name,
                        &cname,
                        &key_text(pt, ref_cols),
                        &vals_text(&key),
                    ));
                }
                FkAction::Cascade => match &new_key {
                    None => {
                        for (rid, _) in &kids {
                            ctx.cat.delete_row(child, *rid);
                        }
                        let rows: Vec<Row> = kids.into_iter().map(|(_, r)| r).collect();
                        parent_actions(ctx, child, &rows, None, depth + 1)?;
                    }
                    Some(nk) => {
                        let mut olds2 = Vec::new();
                        let mut news2 = Vec::new();
                        for (rid, r) in kids {
                            let mut n = r.clone();
                            for (j, c) in cols.iter().enumerate() {
                                n[*c] = nk[j].clone();
                            }
                            ctx.cat.update_row(child, rid, n.clone());
                            olds2.push(r);
                            news2.push(n);
                        }
                        parent_actions(ctx, child, &olds2, Some(&news2), depth + 1)?;
                    }
                },
                FkAction::SetNull | FkAction::SetDefault => {
                    let mut p = Planner::new(ctx.cat, ctx.search_path);
                    let defaults = plan_defaults(&mut p, child)?;
                    let checks = plan_checks(&mut p, child)?;
                    drop(p);
                    let mut olds2 = Vec::new();
                    let mut news2 = Vec::new();
                    for (rid, r) in kids {
                        let n = {
                            let e = env(ctx, ctx.cat);
                            let mut n = r.clone();
                            for c in cols {
                                n[*c] = if action == FkAction::SetNull {
                                    Value::Null
                                } else {
                                    eval(&defaults[*c], &[], &e)?
                                };
                            }
                            check_row(ctx.cat, child, &n, &checks, &e)?;
                            n
                        };
                        ctx.cat.update_row(child, rid, n.clone());
                        if action == FkAction::SetDefault {
                            // PostgreSQL re-checks the parent: a default that is itself gone
                            // is reported as the parent's violation.
                            if let Err(e) = check_fks(ctx.cat, child, &n, &checks, None) {
                                if e.state == super::error::SqlState::ForeignKeyViolation {
                                    let pt = ctx
                                        .cat
                                        .table(table)
                                        .ok_or_else(|| SqlError::internal("table vanished"))?;
                                    return Err(SqlError::fk_violation_delete(
                                        &pname,
                                        &con.name,
                                        &cname,
                                        &key_text(pt, ref_cols),
                                        &vals_text(&key),
                                    ));
                                }
                                return Err(e);
                            }
                        }
                        olds2.push(r);
                        news2.push(n);
                    }
                    parent_actions(ctx, child, &olds2, Some(&news2), depth + 1)?;
                }
            }
        }
    }
    Ok(())
}

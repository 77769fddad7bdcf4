//! ALTER TABLE: columns (ADD/DROP/RENAME/TYPE/DEFAULT/NOT NULL), constraints (ADD/DROP/
//! RENAME), RENAME TO — with PostgreSQL's validation of existing rows and its dependency rules.
//!
//! Invariant: like all DDL, every change goes through `Catalog` methods that record undo
//! steps; ADD COLUMN with a non-volatile default rewrites no row (the default becomes the
//! column's `missing` value).

use std::collections::BTreeMap;

use super::ast::*;
use super::catalog::{
    Column, ColumnDefault, Constraint, ConstraintKind, IndexDef, Relation, TableId,
};
use super::error::{Notice, SqlError, SqlState};
use super::eval::{eval, eval_pred};
use super::exec_ddl::{
    add_check, add_foreign_key, build_unique_index, choose_relation_name, create_serial_sequence,
    default_text, describe_table, drop_constraint_named, env_for, referenced_columns,
    rename_in_expr, same_column_set, SerialOwner,
};
use super::plan::{coerce_assign, is_serial, resolve_type, Planner, Scope};
use super::session::{ExecCtx, QueryResult};
use super::types::{cast_value, SqlType, Value};

type R<T> = Result<T, SqlError>;

fn at(pos: usize) -> Option<usize> {
    Some(pos + 1)
}

/// Runs ALTER TABLE: resolves the table (IF EXISTS skips with a NOTICE), then each action in order.
pub fn alter_table(ctx: &mut ExecCtx, at_: &AlterTable) -> R<QueryResult> {
    let p = Planner::new(ctx.cat, ctx.search_path);
    let tid = match p.lookup_relation(&at_.table) {
        Some((_, Relation::Table(id))) => id,
        Some(_) => {
            return Err(
                SqlError::wrong_object_type(&at_.table.name, "a table").at(at(at_.table.pos))
            )
        }
        None => {
            if at_.if_exists {
                return Ok(
                    QueryResult::tag("ALTER TABLE").with_notices(vec![Notice::new_notice(
                        format!("relation \"{}\" does not exist, skipping", at_.table.name),
                    )]),
                );
            }
            return Err(SqlError::undefined_relation(&at_.table.display()).at(at(at_.table.pos)));
        }
    };
    drop(p);
    let mut notices = Vec::new();
    for a in &at_.actions {
        alter_action(ctx, tid, a, &mut notices)?;
    }
    let name = ctx
        .cat
        .table(tid)
        .map(|t| t.meta.name.clone())
        .unwrap_or_default();
    Ok(QueryResult {
        changed_tables: vec![name],
        ..QueryResult::tag("ALTER TABLE")
    }
    .with_notices(notices))
}

fn column_of(ctx: &ExecCtx, tid: TableId, name: &str) -> R<usize> {
    let t = ctx
        .cat
        .table(tid)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    t.meta
        .column_index(name)
        .ok_or_else(|| SqlError::undefined_column_of(name, &t.meta.name))
}

fn alter_action(
    ctx: &mut ExecCtx,
    tid: TableId,
    a: &AlterAction,
    notices: &mut Vec<Notice>,
) -> R<()> {
    let (tname, schema) = ctx
        .cat
        .table(tid)
        .map(|t| (t.meta.name.clone(), t.meta.schema.clone()))
        .unwrap_or_default();
    match a {
        AlterAction::AddColumn { def, if_not_exists } => {
            add_column(ctx, tid, def, *if_not_exists, notices)
        }
        AlterAction::DropColumn {
            name,
            if_exists,
            cascade,
        } => {
            let t = ctx
                .cat
                .table(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            let Some(ci) = t.meta.column_index(name) else {
                if *if_exists {
                    notices.push(Notice::new_notice(format!(
                        "column \"{name}\" of relation \"{tname}\" does not exist, skipping"
                    )));
                    return Ok(());
                }
                return Err(SqlError::undefined_column_of(name, &tname));
            };
            // Foreign keys elsewhere that reference this column.
            let mut deps = Vec::new();
            for (child, con) in ctx.cat.referencing(tid) {
                if let ConstraintKind::ForeignKey { ref_cols, .. } = &con.kind {
                    if ref_cols.contains(&ci) && child != tid {
                        deps.push((child, con.name.clone()));
                    }
                }
            }
            let dropped_indexes: Vec<String> = t
                .meta
                .indexes
                .iter()
                .filter(|i| i.columns.contains(&ci))
                .map(|i| i.name.clone())
                .collect();
            let column = format!("column {name} of table {tname}");
            drop_dependent_constraints(ctx, &deps, *cascade, &column, &column, notices)?;
            let owned_seq: Vec<u32> = ctx
                .cat
                .sequences()
                .iter()
                .filter(|s| {
                    s.owned_by
                        .as_ref()
                        .is_some_and(|(t, c)| *t == tid && c == name)
                })
                .map(|s| s.id)
                .collect();
            for s in owned_seq {
                ctx.cat.remove_sequence(s);
            }
            for i in &dropped_indexes {
                ctx.cat.unbind_name(&schema, i);
            }
            let t = ctx
                .cat
                .table_for_rewrite(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            for row in t.rows.values_mut() {
                if row.len() > ci {
                    row.remove(ci);
                }
            }
            for i in &dropped_indexes {
                t.unique.remove(i);
            }
            let m = &mut t.meta;
            m.columns.remove(ci);
            let shift = |cols: &mut Vec<usize>| {
                for c in cols.iter_mut() {
                    if *c > ci {
                        *c -= 1;
                    }
                }
            };
            m.indexes.retain(|i| !i.columns.contains(&ci));
            for i in m.indexes.iter_mut() {
                shift(&mut i.columns);
            }
            m.constraints.retain(|c| match &c.kind {
                ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) => {
                    !cols.contains(&ci)
                }
                ConstraintKind::ForeignKey { cols, .. } => !cols.contains(&ci),
                ConstraintKind::Check { expr, .. } => {
                    let mut refs = Vec::new();
                    referenced_columns(expr, &mut refs);
                    !refs.contains(name)
                }
            });
            for c in m.constraints.iter_mut() {
                match &mut c.kind {
                    ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) => shift(cols),
                    ConstraintKind::ForeignKey {
                        cols,
                        ref_table,
                        ref_cols,
                        ..
                    } => {
                        shift(cols);
                        if *ref_table == tid {
                            shift(ref_cols);
                        }
                    }
                    ConstraintKind::Check { .. } => {}
                }
            }
            // Foreign keys in other tables pointing at later columns of this table.
            let others: Vec<TableId> = ctx
                .cat
                .referencing(tid)
                .into_iter()
                .map(|(c, _)| c)
                .filter(|c| *c != tid)
                .collect();
            for other in others {
                if let Some(m) = ctx.cat.meta_mut(other) {
                    for c in m.constraints.iter_mut() {
                        if let ConstraintKind::ForeignKey {
                            ref_table,
                            ref_cols,
                            ..
                        } = &mut c.kind
                        {
                            if *ref_table == tid {
                                for r in ref_cols.iter_mut() {
                                    if *r > ci {
                                        *r -= 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        AlterAction::RenameColumn { from, to } => {
            let t = ctx
                .cat
                .table(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            let Some(ci) = t.meta.column_index(from) else {
                return Err(SqlError::undefined_column(from));
            };
            if t.meta.column_index(to).is_some() {
                return Err(SqlError::duplicate_column_of(to, &tname));
            }
            if let Some(m) = ctx.cat.meta_mut(tid) {
                m.columns[ci].name = to.clone();
                for c in m.constraints.iter_mut() {
                    if let ConstraintKind::Check { expr, .. } = &mut c.kind {
                        rename_in_expr(expr, from, to);
                    }
                }
            }
            Ok(())
        }
        AlterAction::RenameTable(new) => {
            if ctx.cat.relation(&schema, new).is_some() {
                return Err(SqlError::duplicate_relation(new));
            }
            ctx.cat.unbind_name(&schema, &tname);
            ctx.cat.bind_name(&schema, new, Relation::Table(tid));
            if let Some(m) = ctx.cat.meta_mut(tid) {
                m.name = new.clone();
            }
            Ok(())
        }
        AlterAction::RenameConstraint { from, to } => {
            let t = ctx
                .cat
                .table(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            let Some(c) = t.meta.constraints.iter().find(|c| c.name == *from) else {
                return Err(SqlError::undefined_constraint(from, &tname));
            };
            if t.meta.constraints.iter().any(|c| c.name == *to) {
                return Err(SqlError::duplicate_constraint(to, &tname));
            }
            let index_backed = super::plan::is_unique_kind(&c.kind);
            if index_backed {
                if ctx.cat.relation(&schema, to).is_some() {
                    return Err(SqlError::duplicate_relation(to));
                }
                ctx.cat.unbind_name(&schema, from);
                ctx.cat.bind_name(&schema, to, Relation::Index(tid));
                let data = ctx.cat.table(tid).and_then(|t| t.unique.get(from).cloned());
                ctx.cat.drop_unique_data(tid, from);
                if let Some(d) = data {
                    ctx.cat.add_unique_data(tid, to, d);
                }
            }
            if let Some(m) = ctx.cat.meta_mut(tid) {
                for c in m.constraints.iter_mut().filter(|c| c.name == *from) {
                    c.name = to.clone();
                }
                for i in m.indexes.iter_mut().filter(|i| i.name == *from) {
                    i.name = to.clone();
                }
            }
            Ok(())
        }
        AlterAction::SetNotNull(col) => {
            let ci = column_of(ctx, tid, col)?;
            let t = ctx
                .cat
                .table(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            if t.rows.values().any(|r| t.value(r, ci).is_null()) {
                return Err(SqlError::column_contains_nulls(col, &tname));
            }
            if let Some(m) = ctx.cat.meta_mut(tid) {
                m.columns[ci].not_null = true;
            }
            Ok(())
        }
        AlterAction::DropNotNull(col) => {
            let ci = column_of(ctx, tid, col)?;
            let t = ctx
                .cat
                .table(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            if t.meta.primary_key().is_some_and(|pk| pk.contains(&ci)) {
                return Err(SqlError::new(
                    SqlState::InvalidTableDefinition,
                    format!("column \"{col}\" is in a primary key"),
                ));
            }
            if let Some(m) = ctx.cat.meta_mut(tid) {
                m.columns[ci].not_null = false;
            }
            Ok(())
        }
        AlterAction::SetDefault(col, e, src) => {
            let ci = column_of(ctx, tid, col)?;
            let ty = ctx
                .cat
                .table(tid)
                .map(|t| t.meta.columns[ci].ty.clone())
                .unwrap_or(SqlType::Text);
            {
                let mut p = Planner::new(ctx.cat, ctx.search_path);
                let t = p.bind_in_scope(Scope::default(), e)?;
                coerce_assign(t, &ty, |et| {
                    SqlError::default_type_mismatch(col, ty.base_name(), et.base_name())
                })?;
            }
            if let Some(m) = ctx.cat.meta_mut(tid) {
                m.columns[ci].default = Some(ColumnDefault {
                    expr: e.clone(),
                    text: default_text(e, src, &ty),
                });
            }
            Ok(())
        }
        AlterAction::DropDefault(col) => {
            let ci = column_of(ctx, tid, col)?;
            if let Some(m) = ctx.cat.meta_mut(tid) {
                m.columns[ci].default = None;
            }
            Ok(())
        }
        AlterAction::AlterType { column, ty, using } => {
            alter_type(ctx, tid, column, ty, using.as_ref())
        }
        AlterAction::AddConstraint(tc) => add_constraint(ctx, tid, tc),
        AlterAction::DropConstraint {
            name,
            if_exists,
            cascade,
        } => {
            let t = ctx
                .cat
                .table(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            let Some(c) = t.meta.constraints.iter().find(|c| c.name == *name).cloned() else {
                if *if_exists {
                    notices.push(Notice::new_notice(format!(
                        "constraint \"{name}\" of relation \"{tname}\" does not exist, skipping"
                    )));
                    return Ok(());
                }
                return Err(SqlError::undefined_constraint(name, &tname));
            };
            if let ConstraintKind::PrimaryKey(cols) | ConstraintKind::Unique(cols) = &c.kind {
                let deps: Vec<(TableId, String)> = ctx
                    .cat
                    .referencing(tid)
                    .into_iter()
                    .filter(|(_, fk)| match &fk.kind {
                        ConstraintKind::ForeignKey { ref_cols, .. } => {
                            same_column_set(ref_cols, cols)
                        }
                        _ => false,
                    })
                    .map(|(ch, fk)| (ch, fk.name))
                    .collect();
                let constraint = format!("constraint {name} on table {tname}");
                let index = format!("index {name}");
                drop_dependent_constraints(ctx, &deps, *cascade, &constraint, &index, notices)?;
                ctx.cat.drop_unique_data(tid, name);
                ctx.cat.unbind_name(&schema, name);
                if let Some(m) = ctx.cat.meta_mut(tid) {
                    m.indexes.retain(|i| i.name != *name);
                }
            }
            drop_constraint_named(ctx, tid, name);
            Ok(())
        }
        AlterAction::SetSchema(_) => Err(SqlError::not_supported("ALTER TABLE … SET SCHEMA")),
    }
}

/// What DROP COLUMN and DROP CONSTRAINT do with the foreign keys `deps` (child table,
/// constraint name) that depend on the dropped `object`: without CASCADE, refuse (2BP01) with
/// one DETAIL line per constraint ("… depends on `depends_on`"); with it, drop each with a
/// NOTICE.
fn drop_dependent_constraints(
    ctx: &mut ExecCtx,
    deps: &[(TableId, String)],
    cascade: bool,
    object: &str,
    depends_on: &str,
    notices: &mut Vec<Notice>,
) -> R<()> {
    if deps.is_empty() {
        return Ok(());
    }
    if !cascade {
        let detail = deps
            .iter()
            .map(|(child, n)| {
                format!(
                    "constraint {n} on table {} depends on {depends_on}",
                    describe_table(ctx.cat, *child, ctx.search_path)
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        return Err(SqlError::dependent_objects(object, detail));
    }
    for (child, n) in deps {
        notices.push(Notice::new_notice(format!(
            "drop cascades to constraint {n} on table {}",
            describe_table(ctx.cat, *child, ctx.search_path)
        )));
        drop_constraint_named(ctx, *child, n);
    }
    Ok(())
}

fn add_column(
    ctx: &mut ExecCtx,
    tid: TableId,
    def: &ColumnDef,
    if_not_exists: bool,
    notices: &mut Vec<Notice>,
) -> R<()> {
    let t = ctx
        .cat
        .table(tid)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let tname = t.meta.name.clone();
    let says = |k: &ColumnConstraintKind| def.constraints.iter().any(|x| x.kind == *k);
    if says(&ColumnConstraintKind::Null) && says(&ColumnConstraintKind::NotNull) {
        return Err(SqlError::syntax(format!(
            "conflicting NULL/NOT NULL declarations for column \"{}\" of table \"{tname}\"",
            def.name
        )));
    }
    let schema = t.meta.schema.clone();
    if t.meta.column_index(&def.name).is_some() {
        if if_not_exists {
            notices.push(Notice::new_notice(format!(
                "column \"{}\" of relation \"{tname}\" already exists, skipping",
                def.name
            )));
            return Ok(());
        }
        return Err(SqlError::duplicate_column_of(&def.name, &tname));
    }
    let ty = resolve_type(&def.ty)?;
    let has_rows = !t.rows.is_empty();
    let mut not_null = def.constraints.iter().any(|c| {
        matches!(
            c.kind,
            ColumnConstraintKind::NotNull | ColumnConstraintKind::PrimaryKey
        )
    });
    let mut default: Option<ColumnDefault> = None;
    for c in &def.constraints {
        if let ColumnConstraintKind::Default(e, src) = &c.kind {
            default = Some(ColumnDefault {
                expr: e.clone(),
                text: default_text(e, src, &ty),
            });
        }
    }
    let serial = is_serial(&def.ty);
    if serial {
        not_null = true;
        let owner = SerialOwner {
            schema: &schema,
            table: &tname,
            table_id: tid,
            column: &def.name,
        };
        default = Some(create_serial_sequence(ctx, &owner, &ty, &[]).1);
    }
    // Evaluate the default: once if it is not volatile (fast ADD COLUMN), per row otherwise.
    let bound = match &default {
        Some(d) => {
            let mut p = Planner::new(ctx.cat, ctx.search_path);
            let t = p.bind_in_scope(Scope::default(), &d.expr)?;
            let n = def.name.clone();
            let tyc = ty.clone();
            Some(coerce_assign(t, &ty, |et| {
                SqlError::default_type_mismatch(&n, tyc.base_name(), et.base_name())
            })?)
        }
        None => None,
    };
    let volatile = matches!(&bound, Some(b) if contains_nextval(b));
    let mut missing = Value::Null;
    let mut per_row: Vec<(u64, Value)> = Vec::new();
    if let Some(b) = &bound {
        let env = env_for(ctx);
        if volatile {
            let t = ctx
                .cat
                .table(tid)
                .ok_or_else(|| SqlError::internal("table vanished"))?;
            for rid in t.rows.keys() {
                per_row.push((rid, eval(b, &[], &env)?));
            }
        } else {
            missing = eval(b, &[], &env)?;
        }
    }
    if not_null && has_rows && !volatile && missing.is_null() {
        return Err(SqlError::column_contains_nulls(&def.name, &tname));
    }
    if let Some(m) = ctx.cat.meta_mut(tid) {
        m.columns.push(Column {
            name: def.name.clone(),
            ty: ty.clone(),
            not_null,
            default,
            missing: missing.clone(),
        });
    }
    if volatile {
        let ncols = ctx.cat.table(tid).map_or(0, |t| t.meta.columns.len());
        let t = ctx
            .cat
            .table_for_rewrite(tid)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        let cols = t.meta.columns.clone();
        for (rid, v) in per_row {
            if let Some(row) = t.rows.get_mut(&rid) {
                while row.len() < ncols - 1 {
                    row.push(cols[row.len()].missing.clone());
                }
                row.push(v);
            }
        }
    }
    // Column constraints other than NOT NULL / DEFAULT become table constraints.
    for c in &def.constraints {
        let cols = vec![(def.name.clone(), def.pos)];
        let tc = match &c.kind {
            ColumnConstraintKind::PrimaryKey => TableConstraintKind::PrimaryKey(cols),
            ColumnConstraintKind::Unique => TableConstraintKind::Unique(cols),
            ColumnConstraintKind::Check(e, text) => {
                TableConstraintKind::Check(e.clone(), text.clone())
            }
            ColumnConstraintKind::References(r) => TableConstraintKind::ForeignKey(cols, r.clone()),
            _ => continue,
        };
        add_constraint(
            ctx,
            tid,
            &TableConstraint {
                name: c.name.clone(),
                kind: tc,
            },
        )?;
    }
    Ok(())
}

fn contains_nextval(e: &super::plan::BExpr) -> bool {
    use super::plan::BExpr;
    match e {
        BExpr::NextVal(_) => true,
        BExpr::Cast { expr, .. } => contains_nextval(expr),
        BExpr::Func(_, args, _) => args.iter().any(contains_nextval),
        BExpr::Arith(_, a, b, _) | BExpr::Concat(a, b) => {
            contains_nextval(a) || contains_nextval(b)
        }
        _ => false,
    }
}

fn add_constraint(ctx: &mut ExecCtx, tid: TableId, tc: &TableConstraint) -> R<()> {
    let t = ctx
        .cat
        .table(tid)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let tname = t.meta.name.clone();
    let schema = t.meta.schema.clone();
    if let Some(n) = &tc.name {
        if t.meta.constraints.iter().any(|c| c.name == *n) {
            return Err(SqlError::duplicate_constraint(n, &tname));
        }
    }
    match &tc.kind {
        TableConstraintKind::Check(e, text) => {
            add_check(ctx, tid, tc.name.clone(), e, text, true, &mut Vec::new())
        }
        TableConstraintKind::ForeignKey(cols, r) => {
            add_foreign_key(ctx, tid, tc.name.clone(), cols, r, true)
        }
        TableConstraintKind::PrimaryKey(cols) | TableConstraintKind::Unique(cols) => {
            let primary = matches!(tc.kind, TableConstraintKind::PrimaryKey(_));
            if primary && t.meta.primary_key().is_some() {
                return Err(SqlError::multiple_primary_keys(&tname));
            }
            let mut positions = Vec::new();
            for (c, pos) in cols {
                match t.meta.column_index(c) {
                    Some(i) => positions.push(i),
                    None => return Err(SqlError::key_column_missing(c).at(at(*pos))),
                }
            }
            let name = match &tc.name {
                Some(n) => {
                    if ctx.cat.relation(&schema, n).is_some() {
                        return Err(SqlError::duplicate_relation(n));
                    }
                    n.clone()
                }
                None => {
                    let joined = cols
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join("_");
                    if primary {
                        choose_relation_name(ctx.cat, &schema, &tname, None, "pkey", &[])
                    } else {
                        choose_relation_name(ctx.cat, &schema, &tname, Some(&joined), "key", &[])
                    }
                }
            };
            if primary {
                for &c in &positions {
                    if t.rows.values().any(|r| t.value(r, c).is_null()) {
                        return Err(SqlError::column_contains_nulls(
                            &t.meta.columns[c].name,
                            &tname,
                        ));
                    }
                }
            }
            let data = build_unique_index(t, &name, &positions)?;
            ctx.cat.add_unique_data(tid, &name, data);
            ctx.cat.bind_name(&schema, &name, Relation::Index(tid));
            if let Some(m) = ctx.cat.meta_mut(tid) {
                if primary {
                    for &c in &positions {
                        m.columns[c].not_null = true;
                    }
                }
                m.indexes.push(IndexDef {
                    name: name.clone(),
                    columns: positions.clone(),
                    unique: true,
                    primary,
                });
                m.constraints.push(Constraint {
                    name,
                    kind: if primary {
                        ConstraintKind::PrimaryKey(positions)
                    } else {
                        ConstraintKind::Unique(positions)
                    },
                });
            }
            Ok(())
        }
    }
}

fn alter_type(
    ctx: &mut ExecCtx,
    tid: TableId,
    column: &str,
    tn: &TypeName,
    using: Option<&Expr>,
) -> R<()> {
    let ci = column_of(ctx, tid, column)?;
    let to = resolve_type(tn)?;
    let t = ctx
        .cat
        .table(tid)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let from = t.meta.columns[ci].ty.clone();
    let conv = {
        let mut p = Planner::new(ctx.cat, ctx.search_path);
        let scope = Scope::for_table(ctx.cat, tid, None);
        match using {
            Some(u) => {
                let tp = p.bind_in_scope(scope, u)?;
                let (n, tyc) = (column.to_string(), to.clone());
                coerce_assign(tp, &to, |et| {
                    SqlError::column_type_mismatch(&n, tyc.base_name(), et.base_name())
                })?
            }
            None => {
                if !to.assignable_from(&from) {
                    return Err(SqlError::cannot_cast_automatically(column, to.base_name())
                        .with_hint(format!(
                            "You might need to specify \"USING {column}::{}\".",
                            to.display()
                        )));
                }
                super::plan::BExpr::Cast {
                    expr: Box::new(super::plan::BExpr::Col(ci)),
                    from: from.clone(),
                    to: to.clone(),
                    explicit: false,
                }
            }
        }
    };
    // The default must convert before any row does (PostgreSQL checks it in an earlier
    // phase than the table rewrite).
    let default_ok = {
        let t = ctx
            .cat
            .table(tid)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        match &t.meta.columns[ci].default {
            Some(d) => {
                let mut p = Planner::new(ctx.cat, ctx.search_path);
                let b = p.bind_in_scope(Scope::default(), &d.expr)?;
                // A stored default already has the column's type ('papa' is 'papa'::text).
                let ty = if b.ty == SqlType::Unknown {
                    &from
                } else {
                    &b.ty
                };
                if !to.assignable_from(ty) {
                    return Err(SqlError::new(SqlState::DatatypeMismatch, format!("default for column \"{column}\" cannot be cast automatically to type {}", to.base_name())));
                }
                true
            }
            None => true,
        }
    };
    let _ = default_ok;
    // CHECK constraints are analysed again for the new type before any row converts
    // (PostgreSQL rebuilds them in an earlier phase than the table rewrite).
    {
        let mut scope = Scope::for_table(ctx.cat, tid, None);
        if let Some(c) = scope
            .entries
            .first_mut()
            .and_then(|e| e.columns.get_mut(ci))
        {
            c.1 = to.clone();
        }
        let t = ctx
            .cat
            .table(tid)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        for c in &t.meta.constraints {
            if let ConstraintKind::Check { expr, .. } = &c.kind {
                let mut p = Planner::new(ctx.cat, ctx.search_path);
                p.bind_condition_in_scope(scope.clone(), expr, "CHECK", "check constraints")?;
            }
        }
    }
    // Convert every row.
    let mut new_vals = Vec::new();
    {
        let env = env_for(ctx);
        let t = ctx
            .cat
            .table(tid)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        for (rid, row) in t.rows.iter() {
            let full = t.full_row(row);
            new_vals.push((rid, eval(&conv, &full, &env)?));
        }
    }
    let missing = {
        let t = ctx
            .cat
            .table(tid)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        cast_value(t.meta.columns[ci].missing.clone(), &from, &to, false).unwrap_or(Value::Null)
    };
    let t = ctx
        .cat
        .table_for_rewrite(tid)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let ncols = t.meta.columns.len();
    let cols = t.meta.columns.clone();
    for (rid, v) in new_vals {
        if let Some(row) = t.rows.get_mut(&rid) {
            while row.len() < ncols {
                row.push(cols[row.len()].missing.clone());
            }
            row[ci] = v;
        }
    }
    t.meta.columns[ci].ty = to;
    t.meta.columns[ci].missing = missing;
    if let Some(d) = &mut t.meta.columns[ci].default {
        let _ = d;
    }
    // Rebuild unique indexes over the converted values.
    let idx: Vec<(String, Vec<usize>)> = t
        .meta
        .indexes
        .iter()
        .filter(|i| i.unique)
        .map(|i| (i.name.clone(), i.columns.clone()))
        .collect();
    let mut rebuilt = BTreeMap::new();
    for (name, cols) in idx {
        let data = build_unique_index(t, &name, &cols)?;
        rebuilt.insert(name, data);
    }
    for (n, d) in rebuilt {
        t.unique.insert(n, d);
    }
    // Re-check NOT NULL and CHECK constraints on the converted data.
    let nn = t.meta.columns[ci].not_null;
    if nn
        && t.rows
            .values()
            .any(|r| r.get(ci).is_none_or(Value::is_null))
    {
        return Err(SqlError::column_contains_nulls(column, &t.meta.name));
    }
    let checks: Vec<(String, Expr)> = t
        .meta
        .constraints
        .iter()
        .filter_map(|c| {
            if let ConstraintKind::Check { expr, .. } = &c.kind {
                Some((c.name.clone(), expr.clone()))
            } else {
                None
            }
        })
        .collect();
    for (name, e) in checks {
        let bound = {
            let mut p = Planner::new(ctx.cat, ctx.search_path);
            let scope = Scope::for_table(ctx.cat, tid, None);
            p.bind_condition_in_scope(scope, &e, "CHECK", "check constraints")?
        };
        let env = env_for(ctx);
        let t = ctx
            .cat
            .table(tid)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        for row in t.rows.values() {
            if !eval_pred(&bound, &t.full_row(row), &env)?
                && matches!(eval(&bound, &t.full_row(row), &env)?, Value::Bool(false))
            {
                return Err(SqlError::check_violated_by_some_row(&name, &t.meta.name));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::sql::Session;

    #[test]
    fn added_serial_columns_name_their_sequence_as_create_table_does() {
        // Both paths create the sequence through one helper: outside the search path the
        // default names the sequence with its schema, and nextval finds it.
        let mut s = Session::new();
        for sql in [
            "CREATE SCHEMA app",
            "CREATE TABLE app.items (label text)",
            "INSERT INTO app.items VALUES ('a')",
            "ALTER TABLE app.items ADD COLUMN id serial",
            "INSERT INTO app.items (label) VALUES ('b')",
        ] {
            s.execute(sql).expect(sql);
        }
        let r = s
            .execute(
                "SELECT column_default FROM information_schema.columns \
                 WHERE table_name = 'items' AND column_name = 'id'",
            )
            .expect("default");
        assert_eq!(
            r.rows,
            Some(vec![vec![Some(
                "nextval('app.items_id_seq'::regclass)".to_string()
            )]])
        );
        let r = s
            .execute("SELECT id FROM app.items ORDER BY id")
            .expect("ids");
        assert_eq!(
            r.rows,
            Some(vec![
                vec![Some("1".to_string())],
                vec![Some("2".to_string())]
            ])
        );
    }
}

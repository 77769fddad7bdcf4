//! DDL: CREATE/DROP TABLE, schemas, indexes, DROP SEQUENCE and TRUNCATE, with PostgreSQL's
//! generated names, dependency errors and NOTICEs (ALTER TABLE is in `exec_alter.rs`, CREATE
//! and ALTER SEQUENCE in `exec_sequence.rs`).
//!
//! Invariant: every change goes through `Catalog` methods that record undo steps, so DDL is
//! transactional like PostgreSQL's.

use std::cell::Cell;

use super::ast::*;
use super::catalog::{
    Catalog, Column, ColumnDefault, Constraint, ConstraintKind, IndexDef, Relation, Sequence,
    Table, TableId, TableMeta, UniqueIndex,
};
use super::error::{Notice, SqlError, SqlState};
use super::eval::{eval, Env};
use super::plan::{coerce_assign, is_serial, resolve_type, Planner, Scope};
use super::session::{ExecCtx, QueryResult};
use super::types::{SqlType, Value};

type R<T> = Result<T, SqlError>;

fn at(pos: usize) -> Option<usize> {
    Some(pos + 1)
}

/// Runs a DDL or utility statement.
pub fn execute(ctx: &mut ExecCtx, stmt: &Statement) -> R<QueryResult> {
    match stmt {
        Statement::CreateTable(ct) => create_table(ctx, ct),
        Statement::Drop(d) => match d.kind {
            DropKind::Table => drop_tables(ctx, d),
            DropKind::Schema => drop_schemas(ctx, d),
            DropKind::Index => drop_indexes(ctx, d),
            DropKind::Sequence => drop_sequences(ctx, d),
        },
        Statement::AlterTable(at) => super::exec_alter::alter_table(ctx, at),
        Statement::CreateSchema {
            name,
            if_not_exists,
        } => {
            if ctx.cat.has_schema(name) {
                if *if_not_exists {
                    return Ok(QueryResult::tag("CREATE SCHEMA").with_notices(vec![
                        Notice::new_notice(format!("schema \"{name}\" already exists, skipping")),
                    ]));
                }
                return Err(SqlError::duplicate_schema(name));
            }
            if name.starts_with("pg_") {
                return Err(SqlError::new(
                    SqlState::ReservedName,
                    format!("unacceptable schema name \"{name}\""),
                )
                .with_detail("The prefix \"pg_\" is reserved for system schemas."));
            }
            ctx.cat.create_schema(name);
            Ok(QueryResult::tag("CREATE SCHEMA"))
        }
        Statement::CreateIndex(ci) => create_index(ctx, ci),
        Statement::CreateSequence {
            name,
            if_not_exists,
            options,
        } => super::exec_sequence::create_sequence(ctx, name, *if_not_exists, options),
        Statement::AlterSequence {
            name,
            if_exists,
            options,
        } => super::exec_sequence::alter_sequence(ctx, name, *if_exists, options),
        Statement::Truncate(names) => {
            let p = Planner::new(ctx.cat, ctx.search_path);
            let ids = names
                .iter()
                .map(|n| p.resolve_table(n))
                .collect::<R<Vec<_>>>()?;
            for id in &ids {
                for (child, con) in ctx.cat.referencing(*id) {
                    if !ids.contains(&child) {
                        let cname = ctx
                            .cat
                            .table(child)
                            .map(|t| t.meta.name.clone())
                            .unwrap_or_default();
                        let pname = ctx
                            .cat
                            .table(*id)
                            .map(|t| t.meta.name.clone())
                            .unwrap_or_default();
                        let _ = con;
                        return Err(SqlError::not_supported_message("cannot truncate a table referenced in a foreign key constraint")
                            .with_detail(format!("Table \"{cname}\" references \"{pname}\"."))
                            .with_hint(format!("Truncate table \"{cname}\" at the same time, or use TRUNCATE ... CASCADE.")));
                    }
                }
            }
            for id in ids {
                let rids: Vec<u64> = ctx
                    .cat
                    .table(id)
                    .map(|t| t.rows.keys().collect())
                    .unwrap_or_default();
                for rid in rids {
                    ctx.cat.delete_row(id, rid);
                }
            }
            Ok(QueryResult::tag("TRUNCATE TABLE"))
        }
        _ => Err(SqlError::internal("not a DDL statement")),
    }
}

// ----- names -----

/// PostgreSQL's `makeObjectName`: `name1_name2_label` cut to 63 bytes.
pub(super) fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead =
        if label.is_empty() { 0 } else { label.len() + 1 } + usize::from(name2.is_some());
    let avail = 63usize.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let clip = |s: &str, mut n: usize| {
        while n > 0 && !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = clip(name1, n1);
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&clip(n, n2));
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// PostgreSQL's `ChooseRelationName`: a relation name not yet used in the schema.
pub(super) fn choose_relation_name(
    cat: &Catalog,
    schema: &str,
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: &[String],
) -> String {
    let mut pass = 0;
    loop {
        let l = if pass == 0 {
            label.to_string()
        } else {
            format!("{label}{pass}")
        };
        let candidate = make_object_name(name1, name2, &l);
        if cat.relation(schema, &candidate).is_none() && !taken.contains(&candidate) {
            return candidate;
        }
        pass += 1;
    }
}

/// PostgreSQL's `ChooseConstraintName` for CHECK / FOREIGN KEY: unique among the schema's
/// constraint names.
pub(super) fn choose_constraint_name(
    cat: &Catalog,
    schema: &str,
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: &[String],
) -> String {
    let existing: Vec<String> = cat
        .tables()
        .iter()
        .filter(|t| t.meta.schema == schema)
        .flat_map(|t| t.meta.constraints.iter().map(|c| c.name.clone()))
        .collect();
    let mut pass = 0;
    loop {
        let l = if pass == 0 {
            label.to_string()
        } else {
            format!("{label}{pass}")
        };
        let candidate = make_object_name(name1, name2, &l);
        if !existing.contains(&candidate) && !taken.contains(&candidate) {
            return candidate;
        }
        pass += 1;
    }
}

/// Columns referenced by an expression (distinct, in order of appearance).
pub(super) fn referenced_columns(e: &Expr, out: &mut Vec<String>) {
    // DDL only (CHECK and index definitions): walking a copy lets one walker serve reads and renames.
    let mut copy = e.clone();
    for_each_column(&mut copy, &mut |name| {
        if !out.contains(name) {
            out.push(name.clone());
        }
    });
}

/// Renames column references in an expression (RENAME COLUMN keeps CHECKs working).
pub(super) fn rename_in_expr(e: &mut Expr, from: &str, to: &str) {
    for_each_column(e, &mut |name| {
        if name == from {
            *name = to.to_string();
        }
    });
}

/// Calls `f` on the column name of every column reference in an expression, in order of
/// appearance (subqueries have their own scope and are not entered).
fn for_each_column(e: &mut Expr, f: &mut dyn FnMut(&mut String)) {
    let mut rec = |x: &mut Expr| for_each_column(x, f);
    match &mut e.kind {
        ExprKind::Column(parts) => {
            if let Some(n) = parts.last_mut() {
                f(n);
            }
        }
        ExprKind::Literal(_)
        | ExprKind::Special(_)
        | ExprKind::Exists(..)
        | ExprKind::Subquery(_) => {}
        ExprKind::Binary(_, a, b) | ExprKind::IsDistinct(a, b, _) => {
            rec(a);
            rec(b);
        }
        ExprKind::Not(a)
        | ExprKind::Neg(a)
        | ExprKind::IsNull(a, _)
        | ExprKind::IsBool(a, _, _)
        | ExprKind::Cast(a, _)
        | ExprKind::InSubquery(a, _, _) => rec(a),
        ExprKind::Between(a, b, c, _) => {
            rec(a);
            rec(b);
            rec(c);
        }
        ExprKind::InList(a, l, _) => {
            rec(a);
            l.iter_mut().for_each(rec);
        }
        ExprKind::Like { expr, pattern, .. } => {
            rec(expr);
            rec(pattern);
        }
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => {
            if let Some(o) = operand {
                rec(o);
            }
            for (c, r) in whens {
                rec(c);
                rec(r);
            }
            if let Some(x) = else_ {
                rec(x);
            }
        }
        ExprKind::Function { args, .. } | ExprKind::Row(args) => args.iter_mut().for_each(rec),
        ExprKind::AggOrder(call, order) => {
            rec(call);
            order.iter_mut().for_each(|o| rec(&mut o.expr));
        }
    }
}

// ----- deparsing for \d -----

/// Text of a default as psql's `\d` shows it (approximating `pg_get_expr`).
pub(super) fn default_text(e: &Expr, src: &str, ty: &SqlType) -> String {
    match &e.kind {
        ExprKind::Literal(Literal::String(s)) => {
            let cast = match ty {
                SqlType::Text => "text".to_string(),
                SqlType::Varchar(_) => "character varying".to_string(),
                SqlType::Char(_) => "bpchar".to_string(),
                other => other.base_name().to_string(),
            };
            format!("'{}'::{cast}", s.replace('\'', "''"))
        }
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Null) => "NULL".into(),
        ExprKind::Special(s) => s.to_ascii_uppercase(),
        ExprKind::Function { name, args, .. } if args.is_empty() => format!("{name}()"),
        _ => src.trim().to_string(),
    }
}

// ----- CREATE TABLE -----

/// A PRIMARY KEY / UNIQUE declaration: optional name and (column, position) list.
type KeySpec = (Option<String>, Vec<(String, usize)>);

struct PendingFk {
    name: Option<String>,
    cols: Vec<(String, usize)>,
    fk: ForeignKeyRef,
}

/// Whether two lists name the same columns, in any order: a foreign key matches a unique
/// index or constraint whatever order either lists its columns in.
pub(super) fn same_column_set(a: &[usize], b: &[usize]) -> bool {
    let sorted = |cols: &[usize]| {
        let mut v = cols.to_vec();
        crate::sorting::sort(&mut v);
        v
    };
    a.len() == b.len() && sorted(a) == sorted(b)
}

/// Builds the data of unique index `name` over columns `cols` of `t`'s current rows; a
/// duplicated key is PostgreSQL's "could not create unique index" (23505) naming it.
pub(super) fn build_unique_index(t: &Table, name: &str, cols: &[usize]) -> R<UniqueIndex> {
    t.build_unique(cols).map_err(|key| {
        let names = cols
            .iter()
            .map(|c| t.meta.columns[*c].name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let values = key
            .0
            .iter()
            .map(Value::to_detail)
            .collect::<Vec<_>>()
            .join(", ");
        SqlError::unique_index_build(name, &names, &values)
    })
}

/// The column a serial sequence belongs to.
pub(super) struct SerialOwner<'a> {
    /// The table's schema.
    pub schema: &'a str,
    /// The table's name.
    pub table: &'a str,
    /// The table.
    pub table_id: TableId,
    /// The serial column's name.
    pub column: &'a str,
}

/// Creates the sequence of a serial column of type `ty`, named as PostgreSQL names it
/// (`table_column_seq`, avoiding existing relations and `taken`), and returns its name and the
/// column's default `nextval('…'::regclass)`, schema-qualified when the schema is not the one
/// the search path finds first.
pub(super) fn create_serial_sequence(
    ctx: &mut ExecCtx,
    owner: &SerialOwner,
    ty: &SqlType,
    taken: &[String],
) -> (String, ColumnDefault) {
    let schema = owner.schema;
    let seq_name = choose_relation_name(
        ctx.cat,
        schema,
        owner.table,
        Some(owner.column),
        "seq",
        taken,
    );
    let max = match ty {
        SqlType::Int2 => i16::MAX as i64,
        SqlType::Int4 => i32::MAX as i64,
        _ => i64::MAX,
    };
    let sid = ctx.cat.new_id();
    ctx.cat.add_sequence(Sequence {
        id: sid,
        schema: schema.to_string(),
        name: seq_name.clone(),
        last_value: Cell::new(1),
        is_called: Cell::new(false),
        increment: 1,
        min: 1,
        max,
        start: 1,
        cycle: false,
        owned_by: Some((owner.table_id, owner.column.to_string())),
        type_name: ty.base_name().to_string(),
    });
    let visible = ctx
        .search_path
        .iter()
        .find(|s| ctx.cat.has_schema(s))
        .is_some_and(|s| s == schema);
    let qualified = if visible {
        seq_name.clone()
    } else {
        format!("{schema}.{seq_name}")
    };
    let expr = Expr {
        kind: ExprKind::Function {
            name: "nextval".into(),
            args: vec![Expr {
                kind: ExprKind::Literal(Literal::String(qualified.clone())),
                pos: 0,
            }],
            distinct: false,
            star: false,
        },
        pos: 0,
    };
    let default = ColumnDefault {
        expr,
        text: format!("nextval('{qualified}'::regclass)"),
    };
    (seq_name, default)
}

fn create_table(ctx: &mut ExecCtx, ct: &CreateTable) -> R<QueryResult> {
    let p = Planner::new(ctx.cat, ctx.search_path);
    let schema = p.creation_schema(&ct.name)?;
    drop(p);
    let tname = ct.name.name.clone();
    if ct.if_not_exists && ctx.cat.relation(&schema, &tname).is_some() {
        return Ok(
            QueryResult::tag("CREATE TABLE").with_notices(vec![Notice::new_notice(format!(
                "relation \"{tname}\" already exists, skipping"
            ))]),
        );
    }
    // Column definitions first (transformColumnDefinition): NULL and NOT NULL conflict.
    for c in &ct.columns {
        let says = |k: &ColumnConstraintKind| c.constraints.iter().any(|x| x.kind == *k);
        if says(&ColumnConstraintKind::Null) && says(&ColumnConstraintKind::NotNull) {
            return Err(SqlError::syntax(format!(
                "conflicting NULL/NOT NULL declarations for column \"{}\" of table \"{tname}\"",
                c.name
            )));
        }
    }
    // Gather constraints (PostgreSQL's transformCreateStmt).
    let mut pk: Option<KeySpec> = None;
    let mut uniques: Vec<KeySpec> = Vec::new();
    let mut checks: Vec<(Option<String>, Expr, String)> = Vec::new();
    let mut fks: Vec<PendingFk> = Vec::new();
    let mut index_order: Vec<(bool, usize)> = Vec::new();
    let set_pk = |pk: &mut Option<KeySpec>,
                  name: Option<String>,
                  cols: Vec<(String, usize)>,
                  pos: usize|
     -> R<()> {
        if pk.is_some() {
            return Err(SqlError::multiple_primary_keys(&tname).at(at(pos)));
        }
        *pk = Some((name, cols));
        Ok(())
    };
    for col in &ct.columns {
        for c in &col.constraints {
            match &c.kind {
                ColumnConstraintKind::PrimaryKey => {
                    set_pk(
                        &mut pk,
                        c.name.clone(),
                        vec![(col.name.clone(), col.pos)],
                        col.pos,
                    )?;
                    index_order.push((true, 0));
                }
                ColumnConstraintKind::Unique => {
                    uniques.push((c.name.clone(), vec![(col.name.clone(), col.pos)]));
                    index_order.push((false, uniques.len() - 1));
                }
                ColumnConstraintKind::Check(e, text) => {
                    checks.push((c.name.clone(), e.clone(), text.clone()))
                }
                ColumnConstraintKind::References(r) => fks.push(PendingFk {
                    name: c.name.clone(),
                    cols: vec![(col.name.clone(), col.pos)],
                    fk: r.clone(),
                }),
                _ => {}
            }
        }
    }
    for tc in &ct.constraints {
        match &tc.kind {
            TableConstraintKind::PrimaryKey(cols) => {
                set_pk(
                    &mut pk,
                    tc.name.clone(),
                    cols.clone(),
                    cols.first().map_or(0, |c| c.1),
                )?;
                index_order.push((true, 0));
            }
            TableConstraintKind::Unique(cols) => {
                uniques.push((tc.name.clone(), cols.clone()));
                index_order.push((false, uniques.len() - 1));
            }
            TableConstraintKind::Check(e, text) => {
                checks.push((tc.name.clone(), e.clone(), text.clone()))
            }
            TableConstraintKind::ForeignKey(cols, r) => fks.push(PendingFk {
                name: tc.name.clone(),
                cols: cols.clone(),
                fk: r.clone(),
            }),
        }
    }
    let has_col = |n: &str| ct.columns.iter().any(|c| c.name == n);
    if let Some((_, cols)) = &pk {
        for (c, pos) in cols {
            if !has_col(c) {
                return Err(SqlError::key_column_missing(c).at(at(*pos)));
            }
        }
    }
    for (_, cols) in &uniques {
        for (c, pos) in cols {
            if !has_col(c) {
                return Err(SqlError::key_column_missing(c).at(at(*pos)));
            }
        }
    }
    // Columns (MergeAttributes: duplicates, then types).
    for (i, c) in ct.columns.iter().enumerate() {
        if ct.columns[..i].iter().any(|d| d.name == c.name) {
            return Err(SqlError::duplicate_column_in_create(&c.name));
        }
    }
    let id = ctx.cat.new_id();
    let mut columns = Vec::new();
    let mut serials = Vec::new();
    for c in &ct.columns {
        let ty = resolve_type(&c.ty)?;
        let mut not_null = c
            .constraints
            .iter()
            .any(|k| matches!(k.kind, ColumnConstraintKind::NotNull));
        if let Some((_, cols)) = &pk {
            if cols.iter().any(|(n, _)| *n == c.name) {
                not_null = true;
            }
        }
        let mut default = None;
        for k in &c.constraints {
            if let ColumnConstraintKind::Default(e, src) = &k.kind {
                default = Some(ColumnDefault {
                    expr: e.clone(),
                    text: default_text(e, src, &ty),
                });
            }
        }
        if is_serial(&c.ty) {
            not_null = true;
            serials.push((columns.len(), ty.clone()));
        }
        columns.push(Column {
            name: c.name.clone(),
            ty,
            not_null,
            default,
            missing: Value::Null,
        });
    }
    // The relation is created only now, after its columns' types resolved (as DefineRelation).
    // PostgreSQL 15 reports a taken name without a cursor position.
    if ctx.cat.relation(&schema, &tname).is_some() {
        return Err(SqlError::duplicate_relation(&tname));
    }
    // Sequences for serial columns.
    let mut taken: Vec<String> = Vec::new();
    for (ci, ty) in &serials {
        let column = columns[*ci].name.clone();
        let owner = SerialOwner {
            schema: &schema,
            table: &tname,
            table_id: id,
            column: &column,
        };
        let (seq_name, default) = create_serial_sequence(ctx, &owner, ty, &taken);
        taken.push(seq_name);
        columns[*ci].default = Some(default);
    }
    // Indexes for PRIMARY KEY / UNIQUE, in declaration order.
    let col_index = |n: &str| columns.iter().position(|c| c.name == n).unwrap_or(0);
    let mut constraints: Vec<Constraint> = Vec::new();
    let mut indexes: Vec<IndexDef> = Vec::new();
    let mut seen_unique_sets: Vec<Vec<usize>> = Vec::new();
    for (is_pk, ui) in index_order {
        let (name, cols, primary) = if is_pk {
            let Some((n, c)) = &pk else { continue };
            (n.clone(), c.clone(), true)
        } else {
            let (n, c) = &uniques[ui];
            (n.clone(), c.clone(), false)
        };
        let positions: Vec<usize> = cols.iter().map(|(n, _)| col_index(n)).collect();
        // PostgreSQL skips a UNIQUE identical to an earlier PK/UNIQUE without a name.
        if name.is_none() && seen_unique_sets.contains(&positions) {
            continue;
        }
        seen_unique_sets.push(positions.clone());
        let name = match name {
            Some(n) => {
                if ctx.cat.relation(&schema, &n).is_some() || taken.contains(&n) {
                    return Err(SqlError::duplicate_relation(&n));
                }
                n
            }
            None => {
                let joined = cols
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join("_");
                if primary {
                    choose_relation_name(ctx.cat, &schema, &tname, None, "pkey", &taken)
                } else {
                    choose_relation_name(ctx.cat, &schema, &tname, Some(&joined), "key", &taken)
                }
            }
        };
        taken.push(name.clone());
        indexes.push(IndexDef {
            name: name.clone(),
            columns: positions.clone(),
            unique: true,
            primary,
        });
        constraints.push(Constraint {
            name,
            kind: if primary {
                ConstraintKind::PrimaryKey(positions)
            } else {
                ConstraintKind::Unique(positions)
            },
        });
    }
    let meta = TableMeta {
        id,
        schema: schema.clone(),
        name: tname.clone(),
        columns,
        constraints,
        indexes,
    };
    ctx.cat.add_table(meta);
    for idx in ctx
        .cat
        .table(id)
        .map(|t| t.meta.indexes.clone())
        .unwrap_or_default()
    {
        ctx.cat.bind_name(&schema, &idx.name, Relation::Index(id));
    }
    // Defaults and CHECKs are cooked after the relation exists (AddRelationNewConstraints).
    cook_defaults(ctx, id)?;
    let mut check_names: Vec<String> = Vec::new();
    for (name, e, text) in &checks {
        add_check(ctx, id, name.clone(), e, text, false, &mut check_names)?;
    }
    for f in &fks {
        add_foreign_key(ctx, id, f.name.clone(), &f.cols, &f.fk, false)?;
    }
    Ok(QueryResult {
        changed_tables: vec![tname],
        ..QueryResult::tag("CREATE TABLE")
    })
}

fn cook_defaults(ctx: &mut ExecCtx, id: TableId) -> R<()> {
    let cols = ctx
        .cat
        .table(id)
        .map(|t| t.meta.columns.clone())
        .unwrap_or_default();
    let mut p = Planner::new(ctx.cat, ctx.search_path);
    for c in &cols {
        if let Some(d) = &c.default {
            let t = p.bind_in_scope(Scope::default(), &d.expr).map_err(|e| {
                if e.state == SqlState::UndefinedColumn {
                    SqlError::new(
                        SqlState::FeatureNotSupported,
                        "cannot use column reference in DEFAULT expression",
                    )
                } else {
                    e
                }
            })?;
            let (n, ty) = (c.name.clone(), c.ty.clone());
            coerce_assign(t, &c.ty, |et| {
                SqlError::default_type_mismatch(&n, ty.base_name(), et.base_name())
            })?;
        }
    }
    Ok(())
}

pub(super) fn add_check(
    ctx: &mut ExecCtx,
    id: TableId,
    name: Option<String>,
    e: &Expr,
    text: &str,
    validate: bool,
    taken: &mut Vec<String>,
) -> R<()> {
    let (tname, schema) = ctx
        .cat
        .table(id)
        .map(|t| (t.meta.name.clone(), t.meta.schema.clone()))
        .unwrap_or_default();
    let bound = {
        let mut p = Planner::new(ctx.cat, ctx.search_path);
        let scope = Scope::for_table(ctx.cat, id, None);
        p.bind_condition_in_scope(scope, e, "CHECK", "check constraints")?
    };
    let name = match name {
        Some(n) => {
            if ctx
                .cat
                .table(id)
                .is_some_and(|t| t.meta.constraints.iter().any(|c| c.name == n))
                || taken.contains(&n)
            {
                return Err(SqlError::duplicate_constraint(&n, &tname));
            }
            n
        }
        None => {
            let mut cols = Vec::new();
            referenced_columns(e, &mut cols);
            let col = if cols.len() == 1 {
                Some(cols[0].as_str())
            } else {
                None
            };
            choose_constraint_name(ctx.cat, &schema, &tname, col, "check", taken)
        }
    };
    taken.push(name.clone());
    if validate {
        let env = env_for(ctx);
        let t = ctx
            .cat
            .table(id)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        for row in t.rows.values() {
            let full = t.full_row(row);
            if let Value::Bool(false) = eval(&bound, &full, &env)? {
                return Err(SqlError::check_violated_by_some_row(&name, &tname));
            }
        }
    }
    if let Some(m) = ctx.cat.meta_mut(id) {
        m.constraints.push(Constraint {
            name,
            kind: ConstraintKind::Check {
                expr: e.clone(),
                text: deparse_check(text),
            },
        });
    }
    Ok(())
}

fn deparse_check(text: &str) -> String {
    format!("({})", text.trim())
}

pub(super) fn env_for<'a>(ctx: &'a ExecCtx) -> Env<'a> {
    Env {
        cat: ctx.cat,
        clock: ctx.clock,
        database: ctx.database,
        user: ctx.user,
        schema: None,
        outer: Vec::new(),
        aggs: Vec::new(),
        currval: ctx.currval,
    }
}

pub(super) fn add_foreign_key(
    ctx: &mut ExecCtx,
    id: TableId,
    name: Option<String>,
    cols: &[(String, usize)],
    r: &ForeignKeyRef,
    validate: bool,
) -> R<()> {
    let p = Planner::new(ctx.cat, ctx.search_path);
    let (tname, schema, tcols) = ctx
        .cat
        .table(id)
        .map(|t| {
            (
                t.meta.name.clone(),
                t.meta.schema.clone(),
                t.meta.columns.clone(),
            )
        })
        .unwrap_or_default();
    // A self-reference may name the table being created.
    let ref_id = if r.table.schema.is_none() && r.table.name == tname {
        id
    } else {
        p.resolve_table(&r.table)?
    };
    drop(p);
    let rt = ctx
        .cat
        .table(ref_id)
        .ok_or_else(|| SqlError::internal("referenced table vanished"))?;
    let mut positions = Vec::new();
    for (c, pos) in cols {
        match tcols.iter().position(|x| x.name == *c) {
            Some(i) => positions.push(i),
            None => return Err(SqlError::fk_column_missing(c).at(at(*pos))),
        }
    }
    let ref_positions: Vec<usize> = if r.columns.is_empty() {
        match rt.meta.primary_key() {
            Some(pk) => pk.clone(),
            None => {
                return Err(SqlError::new(
                    SqlState::UndefinedObject,
                    format!(
                        "there is no primary key for referenced table \"{}\"",
                        rt.meta.name
                    ),
                ))
            }
        }
    } else {
        let mut v = Vec::new();
        for c in &r.columns {
            match rt.meta.column_index(c) {
                Some(i) => v.push(i),
                None => return Err(SqlError::fk_column_missing(c)),
            }
        }
        v
    };
    if ref_positions.len() != positions.len() {
        return Err(SqlError::fk_count_mismatch());
    }
    let unique_ok = rt
        .meta
        .indexes
        .iter()
        .any(|i| i.unique && same_column_set(&i.columns, &ref_positions));
    if !unique_ok {
        return Err(SqlError::fk_no_unique(&rt.meta.name));
    }
    let name = match name {
        Some(n) => {
            if ctx
                .cat
                .table(id)
                .is_some_and(|t| t.meta.constraints.iter().any(|c| c.name == n))
            {
                return Err(SqlError::duplicate_constraint(&n, &tname));
            }
            n
        }
        None => {
            let joined = cols
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join("_");
            choose_constraint_name(ctx.cat, &schema, &tname, Some(&joined), "fkey", &[])
        }
    };
    for (k, (&a, &b)) in positions.iter().zip(ref_positions.iter()).enumerate() {
        let ta = &tcols[a].ty;
        let tb = &rt.meta.columns[b].ty;
        let compatible = ta.category() == tb.category()
            && ta.category() != super::types::Category::Other
            || ta.without_modifier() == tb.without_modifier();
        if !compatible {
            return Err(SqlError::fk_type_mismatch(
                &name,
                &cols[k].0,
                &rt.meta.columns[b].name,
                ta.base_name(),
                tb.base_name(),
            ));
        }
    }
    if validate {
        let t = ctx
            .cat
            .table(id)
            .ok_or_else(|| SqlError::internal("table vanished"))?;
        for row in t.rows.values() {
            let vals: Vec<Value> = positions.iter().map(|c| t.value(row, *c).clone()).collect();
            if vals.iter().any(Value::is_null) {
                continue;
            }
            let key = super::types::Key(vals.clone());
            let present = rt.rows.values().any(|r| {
                super::types::Key(
                    ref_positions
                        .iter()
                        .map(|c| rt.value(r, *c).clone())
                        .collect(),
                ) == key
            });
            if !present {
                let cols_text = cols
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let vals_text = vals
                    .iter()
                    .map(Value::to_detail)
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(SqlError::fk_violation_insert(
                    &tname,
                    &name,
                    &cols_text,
                    &vals_text,
                    &rt.meta.name,
                ));
            }
        }
    }
    if let Some(m) = ctx.cat.meta_mut(id) {
        m.constraints.push(Constraint {
            name,
            kind: ConstraintKind::ForeignKey {
                cols: positions,
                ref_table: ref_id,
                ref_cols: ref_positions,
                on_delete: r.on_delete,
                on_update: r.on_update,
            },
        });
    }
    Ok(())
}

// ----- DROP -----

/// A table as PostgreSQL's object descriptions name it: qualified only when its name does not
/// resolve to it through the search path.
pub(super) fn describe_table(cat: &Catalog, id: TableId, search_path: &[String]) -> String {
    let Some(t) = cat.table(id) else {
        return String::new();
    };
    let visible = search_path
        .iter()
        .find_map(|s| cat.relation(s, &t.meta.name))
        .is_some_and(|r| r == Relation::Table(id));
    if visible {
        t.meta.name.clone()
    } else {
        format!("{}.{}", t.meta.schema, t.meta.name)
    }
}

/// Removes a table with its indexes and owned sequences.
fn remove_table(ctx: &mut ExecCtx, id: TableId) {
    let Some(t) = ctx.cat.table(id) else { return };
    let schema = t.meta.schema.clone();
    let name = t.meta.name.clone();
    let idx: Vec<String> = t.meta.indexes.iter().map(|i| i.name.clone()).collect();
    let seqs: Vec<u32> = ctx
        .cat
        .sequences()
        .iter()
        .filter(|s| s.owned_by.as_ref().is_some_and(|(t, _)| *t == id))
        .map(|s| s.id)
        .collect();
    for s in seqs {
        ctx.cat.remove_sequence(s);
    }
    for i in idx {
        ctx.cat.unbind_name(&schema, &i);
    }
    ctx.cat.unbind_name(&schema, &name);
    ctx.cat.remove_table(id);
}

/// Drops foreign keys on other tables that reference `ids`, or returns their descriptions.
/// A foreign key on a table outside the dropped set that references one inside it.
struct Dependent {
    child: TableId,
    constraint: String,
    /// `constraint c on table t`, as PostgreSQL describes it.
    desc: String,
    /// `… depends on table p`.
    depends: String,
}

fn foreign_dependents(cat: &Catalog, ids: &[TableId], search_path: &[String]) -> Vec<Dependent> {
    let mut out = Vec::new();
    for id in ids {
        for (child, con) in cat.referencing(*id) {
            if !ids.contains(&child) {
                let desc = format!(
                    "constraint {} on table {}",
                    con.name,
                    describe_table(cat, child, search_path)
                );
                let depends = format!(
                    "{desc} depends on table {}",
                    describe_table(cat, *id, search_path)
                );
                out.push(Dependent {
                    child,
                    constraint: con.name.clone(),
                    desc,
                    depends,
                });
            }
        }
    }
    out
}

pub(super) fn drop_constraint_named(ctx: &mut ExecCtx, table: TableId, name: &str) {
    if let Some(m) = ctx.cat.meta_mut(table) {
        m.constraints.retain(|c| c.name != name);
    }
}

fn drop_tables(ctx: &mut ExecCtx, d: &DropStmt) -> R<QueryResult> {
    let mut notices = Vec::new();
    let mut ids = Vec::new();
    let p = Planner::new(ctx.cat, ctx.search_path);
    for n in &d.names {
        if let Some(s) = &n.schema {
            if !ctx.cat.has_schema(s) {
                if d.if_exists {
                    notices.push(Notice::new_notice(format!(
                        "schema \"{s}\" does not exist, skipping"
                    )));
                    continue;
                }
                return Err(SqlError::undefined_schema(s).at(at(n.pos)));
            }
        }
        match p.lookup_relation(n) {
            Some((_, Relation::Table(id))) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Some(_) => {
                return Err(SqlError::wrong_object_type(&n.name, "a table")
                    .with_hint("Use DROP INDEX or DROP SEQUENCE to remove this object.")
                    .at(at(n.pos)))
            }
            None => {
                if d.if_exists {
                    notices.push(Notice::new_notice(format!(
                        "table \"{}\" does not exist, skipping",
                        n.name
                    )));
                } else {
                    return Err(SqlError::undefined_table_drop(&n.display()).at(at(n.pos)));
                }
            }
        }
    }
    drop(p);
    let deps = foreign_dependents(ctx.cat, &ids, ctx.search_path);
    if !deps.is_empty() {
        if !d.cascade {
            let first = ids
                .iter()
                .find(|id| {
                    ctx.cat
                        .referencing(**id)
                        .iter()
                        .any(|(c, _)| !ids.contains(c))
                })
                .copied()
                .unwrap_or(ids[0]);
            let tname = describe_table(ctx.cat, first, ctx.search_path);
            let detail = deps
                .iter()
                .map(|x| x.depends.clone())
                .collect::<Vec<_>>()
                .join("\n");
            if d.names.len() > 1 {
                return Err(SqlError::dependent_objects_multi(detail));
            }
            return Err(SqlError::dependent_objects(
                &format!("table {tname}"),
                detail,
            ));
        }
        if deps.len() == 1 {
            notices.push(Notice::new_notice(format!(
                "drop cascades to {}",
                deps[0].desc
            )));
        } else {
            notices.push(Notice::new_notice(format!(
                "drop cascades to {} other objects",
                deps.len()
            )));
        }
        for x in &deps {
            drop_constraint_named(ctx, x.child, &x.constraint);
        }
    }
    let names: Vec<String> = ids
        .iter()
        .map(|id| describe_table(ctx.cat, *id, ctx.search_path))
        .collect();
    for id in ids {
        remove_table(ctx, id);
    }
    Ok(QueryResult {
        changed_tables: names,
        ..QueryResult::tag("DROP TABLE")
    }
    .with_notices(notices))
}

fn drop_schemas(ctx: &mut ExecCtx, d: &DropStmt) -> R<QueryResult> {
    let mut notices = Vec::new();
    let mut schemas = Vec::new();
    for n in &d.names {
        if ctx.cat.has_schema(&n.name) {
            schemas.push(n.name.clone());
        } else if d.if_exists {
            notices.push(Notice::new_notice(format!(
                "schema \"{}\" does not exist, skipping",
                n.name
            )));
        } else {
            return Err(SqlError::undefined_schema(&n.name).at(at(n.pos)));
        }
    }
    for s in &schemas {
        let mut tables: Vec<TableId> = ctx
            .cat
            .tables()
            .iter()
            .filter(|t| t.meta.schema == *s)
            .map(|t| t.meta.id)
            .collect();
        crate::sorting::sort(&mut tables);
        let free_seqs: Vec<u32> = ctx
            .cat
            .sequences()
            .iter()
            .filter(|q| q.schema == *s && q.owned_by.is_none())
            .map(|q| q.id)
            .collect();
        let mut objects: Vec<String> = Vec::new();
        for id in &tables {
            objects.push(format!(
                "table {}",
                describe_table(ctx.cat, *id, ctx.search_path)
            ));
        }
        for q in &free_seqs {
            if let Some(seq) = ctx.cat.sequence(*q) {
                objects.push(format!("sequence {}.{}", seq.schema, seq.name));
            }
        }
        let deps = foreign_dependents(ctx.cat, &tables, ctx.search_path);
        if !objects.is_empty() {
            if !d.cascade {
                let detail = objects
                    .iter()
                    .map(|o| format!("{o} depends on schema {s}"))
                    .chain(deps.iter().map(|x| x.depends.clone()))
                    .collect::<Vec<_>>()
                    .join("\n");
                return Err(SqlError::dependent_objects(&format!("schema {s}"), detail));
            }
            let total: Vec<String> = objects
                .iter()
                .cloned()
                .chain(deps.iter().map(|x| x.desc.clone()))
                .collect();
            if total.len() == 1 {
                notices.push(Notice::new_notice(format!("drop cascades to {}", total[0])));
            } else {
                notices.push(Notice::new_notice(format!(
                    "drop cascades to {} other objects",
                    total.len()
                )));
            }
        }
        for x in &deps {
            drop_constraint_named(ctx, x.child, &x.constraint);
        }
        for id in tables {
            remove_table(ctx, id);
        }
        for q in free_seqs {
            ctx.cat.remove_sequence(q);
        }
        ctx.cat.drop_schema(s);
    }
    Ok(QueryResult::tag("DROP SCHEMA").with_notices(notices))
}

fn drop_indexes(ctx: &mut ExecCtx, d: &DropStmt) -> R<QueryResult> {
    let mut notices = Vec::new();
    for n in &d.names {
        let p = Planner::new(ctx.cat, ctx.search_path);
        let found = p.lookup_relation(n);
        drop(p);
        match found {
            Some((schema, Relation::Index(tid))) => {
                let t = ctx
                    .cat
                    .table(tid)
                    .ok_or_else(|| SqlError::internal("table vanished"))?;
                if t.meta
                    .constraints
                    .iter()
                    .any(|c| c.name == n.name && super::plan::is_unique_kind(&c.kind))
                {
                    return Err(SqlError::new(
                        SqlState::DependentObjectsStillExist,
                        format!(
                            "cannot drop index {} because constraint {} on table {} requires it",
                            n.name, n.name, t.meta.name
                        ),
                    )
                    .with_hint(format!(
                        "You can drop constraint {} on table {} instead.",
                        n.name, t.meta.name
                    )));
                }
                if let Some(m) = ctx.cat.meta_mut(tid) {
                    m.indexes.retain(|i| i.name != n.name);
                }
                ctx.cat.drop_unique_data(tid, &n.name);
                ctx.cat.unbind_name(&schema, &n.name);
            }
            Some(_) => return Err(SqlError::wrong_object_type(&n.name, "an index").at(at(n.pos))),
            None => {
                if d.if_exists {
                    notices.push(Notice::new_notice(format!(
                        "index \"{}\" does not exist, skipping",
                        n.name
                    )));
                } else {
                    return Err(SqlError::undefined_index(&n.display()).at(at(n.pos)));
                }
            }
        }
    }
    Ok(QueryResult::tag("DROP INDEX").with_notices(notices))
}

fn drop_sequences(ctx: &mut ExecCtx, d: &DropStmt) -> R<QueryResult> {
    let mut notices = Vec::new();
    for n in &d.names {
        let p = Planner::new(ctx.cat, ctx.search_path);
        let found = p.lookup_relation(n);
        drop(p);
        match found {
            Some((_, Relation::Sequence(sid))) => {
                let owner = ctx.cat.sequence(sid).and_then(|s| s.owned_by.clone());
                if let Some((tid, col)) = owner {
                    let tname = ctx
                        .cat
                        .table(tid)
                        .map(|t| t.meta.name.clone())
                        .unwrap_or_default();
                    if !d.cascade {
                        return Err(SqlError::dependent_objects(
                            &format!("sequence {}", n.name),
                            format!("default value for column {col} of table {tname} depends on sequence {}", n.name),
                        ));
                    }
                    notices.push(Notice::new_notice(format!(
                        "drop cascades to default value for column {col} of table {tname}"
                    )));
                    if let Some(m) = ctx.cat.meta_mut(tid) {
                        if let Some(c) = m.columns.iter_mut().find(|c| c.name == col) {
                            c.default = None;
                        }
                    }
                }
                ctx.cat.remove_sequence(sid);
            }
            Some(_) => return Err(SqlError::wrong_object_type(&n.name, "a sequence").at(at(n.pos))),
            None => {
                if d.if_exists {
                    notices.push(Notice::new_notice(format!(
                        "sequence \"{}\" does not exist, skipping",
                        n.name
                    )));
                } else {
                    return Err(SqlError::undefined_sequence(&n.display()).at(at(n.pos)));
                }
            }
        }
    }
    Ok(QueryResult::tag("DROP SEQUENCE").with_notices(notices))
}

// ----- indexes -----

fn create_index(ctx: &mut ExecCtx, ci: &CreateIndex) -> R<QueryResult> {
    let p = Planner::new(ctx.cat, ctx.search_path);
    let tid = p.resolve_table(&ci.table)?;
    drop(p);
    let t = ctx
        .cat
        .table(tid)
        .ok_or_else(|| SqlError::internal("table vanished"))?;
    let schema = t.meta.schema.clone();
    let tname = t.meta.name.clone();
    let mut cols = Vec::new();
    for (c, pos) in &ci.columns {
        match t.meta.column_index(c) {
            Some(i) => cols.push(i),
            None => return Err(SqlError::undefined_column(c).at(at(*pos))),
        }
    }
    let name = match &ci.name {
        Some(n) => {
            if ctx.cat.relation(&schema, n).is_some() {
                if ci.if_not_exists {
                    return Ok(QueryResult::tag("CREATE INDEX").with_notices(vec![
                        Notice::new_notice(format!("relation \"{n}\" already exists, skipping")),
                    ]));
                }
                return Err(SqlError::duplicate_relation(n));
            }
            n.clone()
        }
        None => {
            let joined = ci
                .columns
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join("_");
            choose_relation_name(ctx.cat, &schema, &tname, Some(&joined), "idx", &[])
        }
    };
    if ci.unique {
        let data = build_unique_index(t, &name, &cols)?;
        ctx.cat.add_unique_data(tid, &name, data);
    }
    if let Some(m) = ctx.cat.meta_mut(tid) {
        m.indexes.push(IndexDef {
            name: name.clone(),
            columns: cols,
            unique: ci.unique,
            primary: false,
        });
    }
    ctx.cat.bind_name(&schema, &name, Relation::Index(tid));
    Ok(QueryResult::tag("CREATE INDEX"))
}

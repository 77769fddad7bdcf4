//! Autogenerate: compare the models with the live database as Alembic does.
//!
//! The database side is reflected from the [`Catalog`] (schema `public`, without
//! `alembic_version`). Detected: added and removed tables and columns, type changes
//! (`compare_type`, on in Flask-Migrate), nullability, unnamed unique constraints, indexes
//! and foreign keys. Kept blind on purpose, like Alembic: renames (a drop plus an add) and
//! server defaults. The result carries the log lines in Alembic's order, the upgrade and
//! downgrade operations grouped as the batch-mode renderer groups them, and the `repr` that
//! `flask db check` prints.

use std::collections::BTreeSet;

use crate::sql::{Catalog, ConstraintKind, Table};

use super::models::Model;
use super::ops::{Op, TableConstraint};
use super::schema::{ColType, ColumnDef, ForeignKeyRef};

/// A top-level item of a rendered `upgrade()`/`downgrade()` body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// An `op.…` call (create or drop a table).
    Op(Op),
    /// `with op.batch_alter_table(table, schema=None) as batch_op:` and its operations.
    Batch {
        /// The table.
        table: String,
        /// Its operations, in order.
        ops: Vec<Op>,
    },
}

/// What autogenerate found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// `INFO  [logger] message` lines, in order (without the prefix).
    pub logs: Vec<(String, String)>,
    /// `upgrade()` items.
    pub upgrade: Vec<Block>,
    /// `downgrade()` items.
    pub downgrade: Vec<Block>,
    /// The `repr` of each upgrade operation, as `check` lists them.
    pub check: Vec<String>,
}

impl Diff {
    /// True when models and database agree.
    pub fn is_empty(&self) -> bool {
        self.upgrade.is_empty()
    }

    /// Tables with a rendered `drop_constraint(None, …)`, which Alembic warns about.
    pub fn unnamed_drops(&self) -> Vec<String> {
        let mut tables: Vec<String> = Vec::new();
        for b in self.upgrade.iter().chain(&self.downgrade) {
            let ops: Vec<&Op> = match b {
                Block::Op(op) => vec![op],
                Block::Batch { ops, .. } => ops.iter().collect(),
            };
            for op in ops {
                if let Op::DropConstraint {
                    name: None, table, ..
                } = op
                {
                    if !tables.contains(table) {
                        tables.push(table.clone());
                    }
                }
            }
        }
        tables
    }
}

const TABLES: &str = "alembic.autogenerate.compare.tables";
const TYPES: &str = "alembic.autogenerate.compare.types";
const CONSTRAINTS: &str = "alembic.autogenerate.compare.constraints";

/// The columns of a model table as a `CreateTable` lists them, with table constraints.
fn create_table_op(m: &Model) -> Op {
    let mut constraints = Vec::new();
    for c in &m.columns {
        if let Some(fk) = &c.foreign_key {
            constraints.push(TableConstraint::ForeignKey {
                columns: vec![c.name.clone()],
                ref_table: fk.table.clone(),
                ref_columns: vec![fk.column.clone()],
                name: None,
                ondelete: fk.ondelete.clone(),
            });
        }
    }
    let pk: Vec<String> = m
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.clone())
        .collect();
    if !pk.is_empty() {
        constraints.push(TableConstraint::PrimaryKey {
            columns: pk,
            name: None,
        });
    }
    for c in m.columns.iter().filter(|c| c.unique && !c.index) {
        constraints.push(TableConstraint::Unique {
            columns: vec![c.name.clone()],
            name: None,
        });
    }
    let columns = m
        .columns
        .iter()
        .map(|c| ColumnDef {
            primary_key: false,
            unique: false,
            index: false,
            foreign_key: None,
            ..c.clone()
        })
        .collect();
    Op::CreateTable {
        table: m.table.clone(),
        columns,
        constraints,
    }
}

fn index_ops(m: &Model) -> Vec<Op> {
    m.columns
        .iter()
        .filter(|c| c.index)
        .map(|c| Op::CreateIndex {
            name: format!("ix_{}_{}", m.table, c.name),
            table: m.table.clone(),
            columns: vec![c.name.clone()],
            unique: c.unique,
        })
        .collect()
}

/// A reflected table: columns as Alembic reflects them and its constraints by columns.
struct Reflected<'a> {
    table: &'a Table,
    columns: Vec<ColumnDef>,
    serial: Vec<String>,
}

fn reflect<'a>(catalog: &Catalog, table: &'a Table) -> Reflected<'a> {
    let meta = &table.meta;
    let mut serial = Vec::new();
    let columns = meta
        .columns
        .iter()
        .map(|c| {
            let ty = ColType::from_sql(&c.ty);
            let seq = format!("nextval('{}_{}_seq'::regclass)", meta.name, c.name);
            let is_serial = ty.is_integer() && c.default.as_ref().is_some_and(|d| d.text == seq);
            if is_serial {
                serial.push(c.name.clone());
            }
            let mut col = ColumnDef::new(&c.name, ty);
            col.nullable = !c.not_null;
            col.autoincrement = Some(is_serial);
            if !is_serial {
                col.server_default = c.default.as_ref().map(|d| d.text.clone());
            }
            col
        })
        .collect();
    let _ = catalog;
    Reflected {
        table,
        columns,
        serial,
    }
}

fn col_names(meta: &crate::sql::TableMeta, cols: &[usize]) -> Vec<String> {
    cols.iter()
        .filter_map(|&i| meta.columns.get(i).map(|c| c.name.clone()))
        .collect()
}

/// The reflected `CreateTable` of a table being dropped (for `downgrade()`).
fn reflected_create(catalog: &Catalog, r: &Reflected) -> (Op, Vec<Op>) {
    let meta = &r.table.meta;
    let mut constraints = Vec::new();
    let mut indexes = Vec::new();
    for c in &meta.constraints {
        match &c.kind {
            ConstraintKind::PrimaryKey(cols) => constraints.push(TableConstraint::PrimaryKey {
                columns: col_names(meta, cols),
                name: Some(c.name.clone()),
            }),
            ConstraintKind::Unique(cols) => constraints.push(TableConstraint::Unique {
                columns: col_names(meta, cols),
                name: Some(c.name.clone()),
            }),
            ConstraintKind::ForeignKey {
                cols,
                ref_table,
                ref_cols,
                ..
            } => {
                if let Some(rt) = catalog.table(*ref_table) {
                    constraints.push(TableConstraint::ForeignKey {
                        columns: col_names(meta, cols),
                        ref_table: rt.meta.name.clone(),
                        ref_columns: col_names(&rt.meta, ref_cols),
                        name: Some(c.name.clone()),
                        ondelete: None,
                    });
                }
            }
            ConstraintKind::Check { .. } => {}
        }
    }
    for ix in &meta.indexes {
        if !meta.constraints.iter().any(|c| c.name == ix.name) {
            indexes.push(Op::CreateIndex {
                name: ix.name.clone(),
                table: meta.name.clone(),
                columns: col_names(meta, &ix.columns),
                unique: ix.unique,
            });
        }
    }
    (
        Op::CreateTable {
            table: meta.name.clone(),
            columns: r.columns.clone(),
            constraints,
        },
        indexes,
    )
}

/// Tables sorted as SQLAlchemy's `sorted_tables`: by name, then referenced tables first.
fn sorted_models(models: &[Model]) -> Vec<&Model> {
    let mut by_name: Vec<&Model> = models.iter().collect();
    crate::sorting::sort_by(&mut by_name, |a, b| a.table.cmp(&b.table));
    let mut out: Vec<&Model> = Vec::new();
    let mut placed = BTreeSet::new();
    while out.len() < by_name.len() {
        let before = out.len();
        for m in &by_name {
            if placed.contains(&m.table) {
                continue;
            }
            let ready = m.columns.iter().all(|c| {
                c.foreign_key.as_ref().is_none_or(|fk| {
                    fk.table == m.table
                        || placed.contains(&fk.table)
                        || !by_name.iter().any(|o| o.table == fk.table)
                })
            });
            if ready {
                placed.insert(m.table.clone());
                out.push(m);
            }
        }
        if out.len() == before {
            // A cycle of foreign keys: keep name order for the rest.
            for m in &by_name {
                if placed.insert(m.table.clone()) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// SQLAlchemy's `repr` of a model column (as `check` lists it).
fn column_repr(c: &ColumnDef, table: &str) -> String {
    let fk = c
        .foreign_key
        .as_ref()
        .map(|fk| format!("{}.{}", fk.table, fk.column));
    let default = c.server_default.as_ref().map(|d| {
        match d.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
            Some(lit) => format!(
                "DefaultClause({}, for_update=False)",
                super::ops::py_str(lit)
            ),
            None => TEXT_DEFAULT.to_string(),
        }
    });
    column_repr_parts(c, table, c.primary_key, fk.as_deref(), default)
}

/// How a `text()` server default prints: Python shows the object's address.
const TEXT_DEFAULT: &str =
    "DefaultClause(<sqlalchemy.sql.elements.TextClause object at 0x7f0000000000>, for_update=False)";

/// The `repr` of a reflected column, with its key and foreign key from the table.
fn reflected_repr(catalog: &Catalog, meta: &crate::sql::TableMeta, c: &ColumnDef) -> String {
    let pos = meta.column_index(&c.name);
    let pk = pos.is_some_and(|p| meta.primary_key().is_some_and(|k| k.contains(&p)));
    let fk = meta.constraints.iter().find_map(|k| match &k.kind {
        ConstraintKind::ForeignKey {
            cols,
            ref_table,
            ref_cols,
            ..
        } if cols.len() == 1 && Some(cols[0]) == pos => catalog.table(*ref_table).map(|rt| {
            format!(
                "{}.{}",
                rt.meta.name,
                col_names(&rt.meta, ref_cols).join(", ")
            )
        }),
        _ => None,
    });
    let default = c.server_default.as_ref().map(|_| TEXT_DEFAULT.to_string());
    column_repr_parts(c, &meta.name, pk, fk.as_deref(), default)
}

fn column_repr_parts(
    c: &ColumnDef,
    table: &str,
    pk: bool,
    fk: Option<&str>,
    default: Option<String>,
) -> String {
    let mut parts = vec![super::ops::py_str(&c.name), c.ty.repr()];
    if let Some(fk) = fk {
        parts.push(format!("ForeignKey('{fk}')"));
    }
    parts.push(format!("table=<{table}>"));
    if pk {
        parts.push("primary_key=True".into());
    }
    if !c.nullable {
        parts.push("nullable=False".into());
    }
    if let Some(d) = default {
        parts.push(format!("server_default={d}"));
    }
    format!("Column({})", parts.join(", "))
}

/// Compares the models with the database.
pub fn compare(models: &[Model], catalog: &Catalog) -> Diff {
    let mut diff = Diff::default();
    let db_tables: Vec<&Table> = catalog
        .tables()
        .into_iter()
        .filter(|t| t.meta.schema == "public" && t.meta.name != "alembic_version")
        .collect();
    let db_names: BTreeSet<&str> = db_tables.iter().map(|t| t.meta.name.as_str()).collect();
    let model_names: BTreeSet<&str> = models.iter().map(|m| m.table.as_str()).collect();
    let mut upgrade = Vec::new();
    let mut check = Vec::new();

    // Added tables, in dependency order.
    for m in sorted_models(models) {
        if db_names.contains(m.table.as_str()) {
            continue;
        }
        diff.logs
            .push((TABLES.into(), format!("Detected added table '{}'", m.table)));
        let cols: Vec<String> = m.columns.iter().map(|c| column_repr(c, &m.table)).collect();
        check.push(format!(
            "('add_table', Table({}, MetaData(), {}, schema=None))",
            super::ops::py_str(&m.table),
            cols.join(", ")
        ));
        upgrade.push(vec![Block::Op(create_table_op(m))]);
        let ix = index_ops(m);
        for op in &ix {
            if let Op::CreateIndex { name, columns, .. } = op {
                diff.logs.push((
                    CONSTRAINTS.into(),
                    format!(
                        "Detected added index '{name}' on '('{}',)'",
                        columns.join("', '")
                    ),
                ));
            }
        }
        if !ix.is_empty() {
            upgrade.push(vec![Block::Batch {
                table: m.table.clone(),
                ops: ix,
            }]);
        }
    }

    // Removed tables.
    for t in &db_tables {
        if model_names.contains(t.meta.name.as_str()) {
            continue;
        }
        let r = reflect(catalog, t);
        log_serial(&mut diff, &r);
        let (_, indexes) = reflected_create(catalog, &r);
        for ix in &indexes {
            if let Op::CreateIndex { name, columns, .. } = ix {
                diff.logs.push((
                    CONSTRAINTS.into(),
                    format!("Detected removed index '{name}' on '{}'", t.meta.name),
                ));
                let cols: Vec<String> = columns
                    .iter()
                    .filter_map(|n| r.columns.iter().find(|c| &c.name == n))
                    .map(|c| reflected_repr(catalog, &t.meta, c))
                    .collect();
                check.push(format!(
                    "('remove_index', Index('{name}', {}))",
                    cols.join(", ")
                ));
            }
        }
        diff.logs.push((
            TABLES.into(),
            format!("Detected removed table '{}'", t.meta.name),
        ));
        check.push(format!(
            "('remove_table', Table({}, MetaData(), {}, schema=None))",
            super::ops::py_str(&t.meta.name),
            r.columns
                .iter()
                .map(|c| reflected_repr(catalog, &t.meta, c))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let mut items = Vec::new();
        if !indexes.is_empty() {
            items.push(Block::Batch {
                table: t.meta.name.clone(),
                ops: indexes
                    .iter()
                    .map(|i| match i {
                        Op::CreateIndex { name, table, .. } => Op::DropIndex {
                            name: name.clone(),
                            table: table.clone(),
                        },
                        other => other.clone(),
                    })
                    .collect(),
            });
        }
        items.push(Block::Op(Op::DropTable {
            table: t.meta.name.clone(),
        }));
        upgrade.push(items);
    }

    // Existing tables, in name order: all are reflected (and their sequences logged)
    // before any is compared.
    for t in &db_tables {
        if model_names.contains(t.meta.name.as_str()) {
            log_serial(&mut diff, &reflect(catalog, t));
        }
    }
    for t in &db_tables {
        let Some(m) = models.iter().find(|m| m.table == t.meta.name) else {
            continue;
        };
        let r = reflect(catalog, t);
        let table = m.table.clone();
        let mut ops = Vec::new();
        let mut modify_group = Vec::new();
        for c in &m.columns {
            if r.columns.iter().any(|rc| rc.name == c.name) {
                continue;
            }
            diff.logs.push((
                TABLES.into(),
                format!("Detected added column '{table}.{}'", c.name),
            ));
            check.push(format!(
                "('add_column', None, {}, {})",
                super::ops::py_str(&table),
                column_repr(c, &table)
            ));
            ops.push(Op::AddColumn {
                table: table.clone(),
                column: ColumnDef {
                    primary_key: false,
                    unique: false,
                    index: false,
                    foreign_key: None,
                    ..c.clone()
                },
            });
        }
        for c in &m.columns {
            let Some(rc) = r.columns.iter().find(|rc| rc.name == c.name) else {
                continue;
            };
            let type_changed = c.ty.differs_from(&rc.ty);
            let null_changed = c.nullable != rc.nullable && !c.primary_key;
            if !type_changed && !null_changed {
                continue;
            }
            let mut items = Vec::new();
            if type_changed {
                diff.logs.push((
                    TYPES.into(),
                    format!(
                        "Detected type change from {} to {} on '{table}.{}'",
                        rc.ty.repr(),
                        c.ty.repr(),
                        c.name
                    ),
                ));
                items.push(format!(
                    "('modify_type', None, {}, {}, {{'existing_nullable': {}, 'existing_server_default': False, 'existing_comment': None}}, {}, {})",
                    super::ops::py_str(&table),
                    super::ops::py_str(&c.name),
                    if rc.nullable { "True" } else { "False" },
                    rc.ty.repr(),
                    c.ty.repr()
                ));
            }
            if null_changed {
                diff.logs.push((
                    CONSTRAINTS.into(),
                    format!(
                        "Detected {} on column '{table}.{}'",
                        if c.nullable { "NULL" } else { "NOT NULL" },
                        c.name
                    ),
                ));
                items.push(format!(
                    "('modify_nullable', None, {}, {}, {{'existing_type': {}, 'existing_server_default': False, 'existing_comment': None}}, {}, {})",
                    super::ops::py_str(&table),
                    super::ops::py_str(&c.name),
                    rc.ty.repr(),
                    if rc.nullable { "True" } else { "False" },
                    if c.nullable { "True" } else { "False" }
                ));
            }
            modify_group.push(format!("[{}]", items.join(", ")));
            ops.push(Op::AlterColumn {
                table: table.clone(),
                column: c.name.clone(),
                nullable: null_changed.then_some(c.nullable),
                server_default: None,
                type_: type_changed.then(|| c.ty.clone()),
                new_name: None,
                existing_type: Some(rc.ty.clone()),
                existing_nullable: Some(rc.nullable),
            });
        }
        check.extend(modify_group);
        for rc in &r.columns {
            if m.columns.iter().any(|c| c.name == rc.name) {
                continue;
            }
            diff.logs.push((
                TABLES.into(),
                format!("Detected removed column '{table}.{}'", rc.name),
            ));
            check.push(format!(
                "('remove_column', None, {}, {})",
                super::ops::py_str(&table),
                reflected_repr(catalog, &t.meta, rc)
            ));
            ops.push(Op::DropColumn {
                table: table.clone(),
                column: rc.name.clone(),
            });
        }
        compare_constraints(catalog, m, &r, &mut diff, &mut ops, &mut check);
        if !ops.is_empty() {
            upgrade.push(vec![Block::Batch { table, ops }]);
        }
    }

    diff.check = check;
    diff.downgrade = downgrade_of(&upgrade, catalog, &db_tables);
    diff.upgrade = upgrade.into_iter().flatten().collect();
    diff
}

fn log_serial(diff: &mut Diff, r: &Reflected) {
    for c in &r.serial {
        diff.logs.push((
            "alembic.ddl.postgresql".into(),
            format!(
                "Detected sequence named '{0}_{c}_seq' as owned by integer column '{0}({c})', assuming SERIAL and omitting",
                r.table.meta.name
            ),
        ));
    }
}

fn compare_constraints(
    catalog: &Catalog,
    m: &Model,
    r: &Reflected,
    diff: &mut Diff,
    ops: &mut Vec<Op>,
    check: &mut Vec<String>,
) {
    let meta = &r.table.meta;
    let table = &m.table;
    let model_cols: BTreeSet<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
    // Unique constraints, compared by their columns.
    let db_uniques: Vec<(String, Vec<String>)> = meta
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::Unique(cols) => Some((c.name.clone(), col_names(meta, cols))),
            _ => None,
        })
        .collect();
    for c in m.columns.iter().filter(|c| c.unique && !c.index) {
        if !db_uniques
            .iter()
            .any(|(_, cols)| cols == std::slice::from_ref(&c.name))
        {
            diff.logs.push((
                CONSTRAINTS.into(),
                format!("Detected added unique constraint None on '('{}',)'", c.name),
            ));
            check.push(format!(
                "('add_constraint', UniqueConstraint(Column({}, {}, table=<{table}>)))",
                super::ops::py_str(&c.name),
                c.ty.repr()
            ));
            ops.push(Op::CreateUnique {
                name: None,
                table: table.clone(),
                columns: vec![c.name.clone()],
                reflected: false,
            });
        }
    }
    for (name, cols) in &db_uniques {
        let wanted = cols.len() == 1
            && m.columns
                .iter()
                .any(|c| c.unique && !c.index && c.name == cols[0]);
        // A constraint on a dropped column goes with the column.
        if !wanted && cols.iter().all(|c| model_cols.contains(c.as_str())) {
            diff.logs.push((
                CONSTRAINTS.into(),
                format!("Detected removed unique constraint '{name}' on '{table}'"),
            ));
            check.push(format!(
                "('remove_constraint', UniqueConstraint({}, name='{name}'))",
                cols.iter()
                    .map(|c| format!("Column('{c}', table=<{table}>)"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            ops.push(Op::DropConstraint {
                name: Some(name.clone()),
                table: table.clone(),
                type_: Some("unique".into()),
            });
        }
    }
    // Indexes that back no constraint.
    let db_indexes: Vec<(String, Vec<String>, bool)> = meta
        .indexes
        .iter()
        .filter(|ix| !meta.constraints.iter().any(|c| c.name == ix.name))
        .map(|ix| (ix.name.clone(), col_names(meta, &ix.columns), ix.unique))
        .collect();
    for op in index_ops(m) {
        if let Op::CreateIndex { name, columns, .. } = &op {
            if !db_indexes.iter().any(|(n, _, _)| n == name) {
                diff.logs.push((
                    CONSTRAINTS.into(),
                    format!(
                        "Detected added index '{name}' on '('{}',)'",
                        columns.join("', '")
                    ),
                ));
                let cols: Vec<String> = columns
                    .iter()
                    .filter_map(|n| m.columns.iter().find(|c| &c.name == n))
                    .map(|c| column_repr(c, table))
                    .collect();
                check.push(format!(
                    "('add_index', Index('{name}', {}))",
                    cols.join(", ")
                ));
                ops.push(op.clone());
            }
        }
    }
    for (name, cols, _) in &db_indexes {
        let wanted = index_ops(m)
            .iter()
            .any(|o| matches!(o, Op::CreateIndex { name: n, .. } if n == name));
        if !wanted && cols.iter().all(|c| model_cols.contains(c.as_str())) {
            diff.logs.push((
                CONSTRAINTS.into(),
                format!("Detected removed index '{name}' on '{table}'"),
            ));
            check.push(format!("('remove_index', Index('{name}'))"));
            ops.push(Op::DropIndex {
                name: name.clone(),
                table: table.clone(),
            });
        }
    }
    // Foreign keys, compared by (columns, referenced table, referenced columns).
    let db_fks: Vec<(String, Vec<String>, String, Vec<String>)> = meta
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey {
                cols,
                ref_table,
                ref_cols,
                ..
            } => catalog.table(*ref_table).map(|rt| {
                (
                    c.name.clone(),
                    col_names(meta, cols),
                    rt.meta.name.clone(),
                    col_names(&rt.meta, ref_cols),
                )
            }),
            _ => None,
        })
        .collect();
    for (name, cols, rt, rcols) in &db_fks {
        let wanted = cols.len() == 1
            && m.columns.iter().any(|c| {
                c.name == cols[0]
                    && c.foreign_key.as_ref().is_some_and(|fk| {
                        &fk.table == rt && rcols == std::slice::from_ref(&fk.column)
                    })
            });
        if !wanted && cols.iter().all(|c| model_cols.contains(c.as_str())) {
            diff.logs.push((
                CONSTRAINTS.into(),
                format!(
                    "Detected removed foreign key ({})({}) on table {table}",
                    cols.join(", "),
                    rcols.join(", ")
                ),
            ));
            check.push(format!(
                "('remove_fk', ForeignKeyConstraint(name='{name}'))"
            ));
            ops.push(Op::DropConstraint {
                name: Some(name.clone()),
                table: table.clone(),
                type_: Some("foreignkey".into()),
            });
        }
    }
    for c in &m.columns {
        let Some(ForeignKeyRef {
            table: rt,
            column: rc,
            ondelete,
        }) = &c.foreign_key
        else {
            continue;
        };
        let present = db_fks.iter().any(|(_, cols, t, rcols)| {
            cols == std::slice::from_ref(&c.name) && t == rt && rcols == std::slice::from_ref(rc)
        });
        if !present {
            diff.logs.push((
                CONSTRAINTS.into(),
                format!(
                    "Detected added foreign key ({})({rc}) on table {table}",
                    c.name
                ),
            ));
            check.push(format!(
                "('add_fk', ForeignKeyConstraint(['{}'], ['{rt}.{rc}']))",
                c.name
            ));
            ops.push(Op::CreateForeignKey {
                name: None,
                table: table.clone(),
                ref_table: rt.clone(),
                columns: vec![c.name.clone()],
                ref_columns: vec![rc.clone()],
                ondelete: ondelete.clone(),
            });
        }
    }
}

/// The reverse of each upgrade item, in reverse order.
fn downgrade_of(upgrade: &[Vec<Block>], catalog: &Catalog, db_tables: &[&Table]) -> Vec<Block> {
    let mut out = Vec::new();
    for items in upgrade.iter().rev() {
        for item in items.iter().rev() {
            match item {
                Block::Op(Op::CreateTable { table, .. }) => out.push(Block::Op(Op::DropTable {
                    table: table.clone(),
                })),
                Block::Op(Op::DropTable { table }) => {
                    if let Some(t) = db_tables.iter().find(|t| &t.meta.name == table) {
                        let r = reflect(catalog, t);
                        // The indexes come back through the reversed `drop_index` block.
                        let (create, _) = reflected_create(catalog, &r);
                        out.push(Block::Op(create));
                    }
                }
                Block::Op(other) => out.push(Block::Op(other.clone())),
                Block::Batch { table, ops } => {
                    let reflected = db_tables
                        .iter()
                        .find(|t| &t.meta.name == table)
                        .map(|t| reflect(catalog, t));
                    let mut rev = Vec::new();
                    for op in ops.iter().rev() {
                        rev.push(reverse(op, reflected.as_ref()));
                    }
                    out.push(Block::Batch {
                        table: table.clone(),
                        ops: rev,
                    });
                }
            }
        }
    }
    out
}

fn reverse(op: &Op, reflected: Option<&Reflected>) -> Op {
    match op {
        Op::AddColumn { table, column } => Op::DropColumn {
            table: table.clone(),
            column: column.name.clone(),
        },
        Op::DropColumn { table, column } => {
            let col = reflected
                .and_then(|r| r.columns.iter().find(|c| &c.name == column))
                .cloned()
                .unwrap_or_else(|| {
                    ColumnDef::new(column, ColType::generic(super::schema::BaseType::Text))
                });
            Op::AddColumn {
                table: table.clone(),
                column: col,
            }
        }
        Op::AlterColumn {
            table,
            column,
            nullable,
            type_,
            existing_type,
            existing_nullable,
            ..
        } => Op::AlterColumn {
            table: table.clone(),
            column: column.clone(),
            nullable: nullable.and(*existing_nullable),
            server_default: None,
            type_: type_.as_ref().and(existing_type.clone()),
            new_name: None,
            existing_type: if type_.is_some() {
                type_.clone()
            } else {
                existing_type.clone()
            },
            existing_nullable: match nullable {
                Some(n) => Some(*n),
                None => *existing_nullable,
            },
        },
        Op::CreateIndex { name, table, .. } => Op::DropIndex {
            name: name.clone(),
            table: table.clone(),
        },
        Op::DropIndex { name, table } => {
            let (columns, unique) = reflected
                .and_then(|r| {
                    let meta = &r.table.meta;
                    meta.indexes
                        .iter()
                        .find(|i| &i.name == name)
                        .map(|i| (col_names(meta, &i.columns), i.unique))
                })
                .unwrap_or_default();
            Op::CreateIndex {
                name: name.clone(),
                table: table.clone(),
                columns,
                unique,
            }
        }
        Op::CreateUnique { table, .. } => Op::DropConstraint {
            name: None,
            table: table.clone(),
            type_: Some("unique".into()),
        },
        Op::CreateForeignKey { table, .. } => Op::DropConstraint {
            name: None,
            table: table.clone(),
            type_: Some("foreignkey".into()),
        },
        Op::DropConstraint { name, table, type_ } => {
            let meta = reflected.map(|r| &r.table.meta);
            let found = meta.and_then(|m| {
                m.constraints
                    .iter()
                    .find(|c| Some(&c.name) == name.as_ref())
            });
            match (found, meta) {
                (Some(c), Some(meta)) => match &c.kind {
                    ConstraintKind::Unique(cols) => Op::CreateUnique {
                        name: name.clone(),
                        table: table.clone(),
                        columns: col_names(meta, cols),
                        reflected: true,
                    },
                    _ => Op::DropConstraint {
                        name: name.clone(),
                        table: table.clone(),
                        type_: type_.clone(),
                    },
                },
                _ => Op::DropConstraint {
                    name: name.clone(),
                    table: table.clone(),
                    type_: type_.clone(),
                },
            }
        }
        other => other.clone(),
    }
}

/// What `db.create_all()` sends: for each model's table in SQLAlchemy's `sorted_tables` order,
/// the table name and its statements (`CREATE TABLE …`, then its `CREATE INDEX`es).
pub fn create_all_statements(models: &[Model]) -> Vec<(String, Vec<String>)> {
    sorted_models(models)
        .into_iter()
        .map(|m| {
            let mut sql = create_table_op(m).to_sql();
            for op in index_ops(m) {
                sql.extend(op.to_sql());
            }
            (m.table.clone(), sql)
        })
        .collect()
}

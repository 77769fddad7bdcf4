//! The database: schemas → tables (with rows and unique indexes), sequences, index and
//! constraint definitions, and the undo log that makes statements and transactions atomic.
//!
//! Invariants:
//! * every mutation of tables or names goes through a `Catalog` method that first records how to
//!   undo it, so rolling back to a mark restores exactly the earlier state;
//! * a unique index holds one entry per stored row whose key has no NULL;
//! * a row may be shorter than its table's column list: the missing trailing values are the
//!   columns' `missing` values (PostgreSQL 11+'s fast ADD COLUMN … DEFAULT);
//! * sequences are not transactional: `nextval` is never undone.

use std::cell::Cell;
use std::collections::BTreeMap;

use super::ast::{Expr, FkAction};
use super::error::SqlError;
use super::plan_cache::DefaultsCache;
use super::types::{Key, SqlType, Value};

/// Identifies a table for the lifetime of the database (never reused).
pub type TableId = u32;
/// Identifies a sequence.
pub type SeqId = u32;
/// Identifies a row within its table.
pub type RowId = u64;
/// A stored row: values in column order (possibly shorter than the column list).
pub type Row = Vec<Value>;

/// A schema's namespace: tables, sequences and indexes share it.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Schema name.
    pub name: String,
    /// Relation name → what it is.
    pub relations: BTreeMap<String, Relation>,
}

/// A named relation in a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// A table.
    Table(TableId),
    /// A sequence.
    Sequence(SeqId),
    /// An index on a table.
    Index(TableId),
}

/// A column's default expression.
#[derive(Clone, Debug)]
pub struct ColumnDefault {
    /// The parsed expression, evaluated for each inserted row.
    pub expr: Expr,
    /// The expression as psql's `\d` shows it.
    pub text: String,
}

/// A table column.
#[derive(Clone, Debug)]
pub struct Column {
    /// Column name (case-folded unless quoted).
    pub name: String,
    /// Its type, with modifier.
    pub ty: SqlType,
    /// NOT NULL.
    pub not_null: bool,
    /// DEFAULT.
    pub default: Option<ColumnDefault>,
    /// The value rows stored before this column existed read as.
    pub missing: Value,
}

/// A constraint on a table.
#[derive(Clone, Debug)]
pub struct Constraint {
    /// Constraint name (unique per table).
    pub name: String,
    /// What it enforces.
    pub kind: ConstraintKind,
}

/// Kinds of table constraints.
#[derive(Clone, Debug)]
pub enum ConstraintKind {
    /// PRIMARY KEY over columns (positions), backed by a unique index of the same name.
    PrimaryKey(Vec<usize>),
    /// UNIQUE over columns, backed by a unique index of the same name.
    Unique(Vec<usize>),
    /// CHECK (expr); `text` is the source expression.
    Check {
        /// The condition.
        expr: Expr,
        /// Source text of the condition.
        text: String,
    },
    /// FOREIGN KEY (cols) REFERENCES table (ref_cols).
    ForeignKey {
        /// Referencing columns.
        cols: Vec<usize>,
        /// Referenced table.
        ref_table: TableId,
        /// Referenced columns.
        ref_cols: Vec<usize>,
        /// ON DELETE.
        on_delete: FkAction,
        /// ON UPDATE.
        on_update: FkAction,
    },
}

/// An index definition.
#[derive(Clone, Debug)]
pub struct IndexDef {
    /// Index name (in the table's schema namespace).
    pub name: String,
    /// Indexed columns (positions).
    pub columns: Vec<usize>,
    /// UNIQUE index.
    pub unique: bool,
    /// Backs the primary key.
    pub primary: bool,
}

/// A table's definition without its data (cheap to clone for undo).
#[derive(Clone, Debug)]
pub struct TableMeta {
    /// Table id.
    pub id: TableId,
    /// Owning schema.
    pub schema: String,
    /// Table name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Constraints in creation order.
    pub constraints: Vec<Constraint>,
    /// Indexes in creation order.
    pub indexes: Vec<IndexDef>,
}

impl TableMeta {
    /// Position of a column by name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
    /// The primary key's columns, if any.
    pub fn primary_key(&self) -> Option<&Vec<usize>> {
        self.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey(cols) => Some(cols),
            _ => None,
        })
    }
}

pub use super::index::UniqueIndex;

/// A table's rows by row id: a slot vector, so lookups by id are O(1) and iteration follows
/// insertion order. Invariant: `live` counts the occupied slots.
#[derive(Clone, Debug, Default)]
pub struct RowStore {
    slots: Vec<Option<Row>>,
    live: usize,
}

impl RowStore {
    fn slot(rid: RowId) -> Option<usize> {
        usize::try_from(rid).ok()?.checked_sub(1)
    }
    /// The row with this id.
    pub fn get(&self, rid: &RowId) -> Option<&Row> {
        self.slots.get(Self::slot(*rid)?)?.as_ref()
    }
    /// The row with this id, mutable.
    pub fn get_mut(&mut self, rid: &RowId) -> Option<&mut Row> {
        self.slots.get_mut(Self::slot(*rid)?)?.as_mut()
    }
    /// Stores a row under an id, returning the row it replaced.
    pub fn insert(&mut self, rid: RowId, row: Row) -> Option<Row> {
        let i = Self::slot(rid)?;
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        let old = self.slots[i].replace(row);
        if old.is_none() {
            self.live += 1;
        }
        old
    }
    /// Removes and returns a row.
    pub fn remove(&mut self, rid: &RowId) -> Option<Row> {
        let old = self.slots.get_mut(Self::slot(*rid)?)?.take();
        if old.is_some() {
            self.live -= 1;
        }
        old
    }
    /// Rows in id order.
    pub fn values(&self) -> impl Iterator<Item = &Row> {
        self.slots.iter().flatten()
    }
    /// Rows in id order, mutable.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Row> {
        self.slots.iter_mut().flatten()
    }
    /// (id, row) pairs in id order.
    pub fn iter(&self) -> impl Iterator<Item = (RowId, &Row)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i as RowId + 1, r)))
    }
    /// Row ids in order.
    pub fn keys(&self) -> impl Iterator<Item = RowId> + '_ {
        self.iter().map(|(rid, _)| rid)
    }
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.live
    }
    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }
}

/// A table with its rows and unique-index data.
#[derive(Clone, Debug)]
pub struct Table {
    /// Definition.
    pub meta: TableMeta,
    /// Rows by row id (insertion order).
    pub rows: RowStore,
    /// Unique index name → key → row.
    pub unique: BTreeMap<String, UniqueIndex>,
    /// Next row id to hand out.
    pub next_row: RowId,
}

impl Table {
    /// The full-width value of column `i` of a stored row.
    pub fn value<'a>(&'a self, row: &'a Row, i: usize) -> &'a Value {
        match row.get(i) {
            Some(v) => v,
            None => &self.meta.columns[i].missing,
        }
    }

    /// The rows in insertion order, in PostgreSQL's text format (NULL as `None`), for explorers.
    pub fn rows_text(&self) -> Vec<Vec<Option<String>>> {
        self.rows
            .values()
            .map(|r| self.full_row(r).iter().map(Value::to_text).collect())
            .collect()
    }

    /// The constraints with their `pg_get_constraintdef` text are available through
    /// [`Catalog::constraint_def`]; this lists the column names psql's `\d` prints.
    pub fn column_names(&self) -> Vec<String> {
        self.meta.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// A stored row widened to all columns.
    pub fn full_row(&self, row: &Row) -> Row {
        let n = self.meta.columns.len();
        if row.len() >= n {
            return row.clone();
        }
        let mut r = row.clone();
        for c in &self.meta.columns[row.len()..] {
            r.push(c.missing.clone());
        }
        r
    }

    /// The key of `row` for index columns `cols`; None if any part is NULL.
    pub fn key_of(&self, row: &Row, cols: &[usize]) -> Option<Key> {
        let mut k = Vec::with_capacity(cols.len());
        for &c in cols {
            let v = self.value(row, c);
            if v.is_null() {
                return None;
            }
            k.push(v.clone());
        }
        Some(Key(k))
    }

    fn index_add(&mut self, rid: RowId, row: &Row) {
        for idx in &self.meta.indexes {
            if !idx.unique {
                continue;
            }
            if let Some(k) = self.key_of(row, &idx.columns) {
                if let Some(map) = self.unique.get_mut(&idx.name) {
                    map.insert(k, rid);
                }
            }
        }
    }

    fn index_remove(&mut self, rid: RowId, row: &Row) {
        let Table { meta, unique, .. } = self;
        for idx in &meta.indexes {
            if !idx.unique {
                continue;
            }
            // The key's values are borrowed from the row: nothing is cloned.
            let parts = idx.columns.iter().map(|&c| match row.get(c) {
                Some(v) => v,
                None => &meta.columns[c].missing,
            });
            if parts.clone().any(Value::is_null) {
                continue;
            }
            if let Some(map) = unique.get_mut(&idx.name) {
                map.remove_parts(parts, rid);
            }
        }
    }

    /// Moves a row's unique-index entries from its old to its new version, touching only the
    /// indexes whose key changed.
    fn index_replace(&mut self, rid: RowId, old: &Row, new: &Row) {
        for idx in &self.meta.indexes {
            if !idx.unique {
                continue;
            }
            let same = idx
                .columns
                .iter()
                .all(|&c| self.value(old, c) == self.value(new, c));
            if same {
                continue;
            }
            let ok = self.key_of(old, &idx.columns);
            let nk = self.key_of(new, &idx.columns);
            if let Some(map) = self.unique.get_mut(&idx.name) {
                if let Some(k) = ok {
                    if map.get(&k) == Some(&rid) {
                        map.remove(&k);
                    }
                }
                if let Some(k) = nk {
                    map.insert(k, rid);
                }
            }
        }
    }

    /// Builds the data of a unique index over the current rows; on a duplicate returns the
    /// duplicated key.
    pub fn build_unique(&self, cols: &[usize]) -> Result<UniqueIndex, Key> {
        let mut map = UniqueIndex::default();
        for (rid, row) in self.rows.iter() {
            if let Some(k) = self.key_of(row, cols) {
                if map.contains_key(&k) {
                    return Err(k);
                }
                map.insert(k, rid);
            }
        }
        Ok(map)
    }
}

/// A sequence (`serial` columns own one).
#[derive(Clone, Debug)]
pub struct Sequence {
    /// Sequence id.
    pub id: SeqId,
    /// Owning schema.
    pub schema: String,
    /// Sequence name.
    pub name: String,
    /// Last value handed out (or the start value before the first call).
    pub last_value: Cell<i64>,
    /// Whether `last_value` has been handed out.
    pub is_called: Cell<bool>,
    /// Increment.
    pub increment: i64,
    /// Minimum value.
    pub min: i64,
    /// Maximum value.
    pub max: i64,
    /// Start value.
    pub start: i64,
    /// CYCLE: past a bound, start again from the other one.
    pub cycle: bool,
    /// OWNED BY table and column name.
    pub owned_by: Option<(TableId, String)>,
    /// Data type name as \ds shows it.
    pub type_name: String,
}

impl Sequence {
    /// `nextval`: not transactional. Past MAXVALUE (MINVALUE when descending) a CYCLE
    /// sequence starts again from the other bound, as PostgreSQL's `nextval_internal`.
    pub fn next(&self) -> Result<i64, SqlError> {
        if !self.is_called.get() {
            self.is_called.set(true);
            return Ok(self.last_value.get());
        }
        let ascending = self.increment > 0;
        let next = self
            .last_value
            .get()
            .checked_add(self.increment)
            .filter(|v| *v <= self.max && *v >= self.min);
        let v = match next {
            Some(v) => v,
            None if !self.cycle => {
                let bound = if ascending { self.max } else { self.min };
                return Err(SqlError::sequence_limit(&self.name, ascending, bound));
            }
            None if ascending => self.min,
            None => self.max,
        };
        self.last_value.set(v);
        Ok(v)
    }
}

/// One step of the undo log.
#[derive(Clone, Debug)]
enum Undo {
    RowInserted(TableId, RowId),
    RowDeleted(TableId, RowId, Row),
    RowUpdated(TableId, RowId, Row),
    /// An in-place UPDATE: the row's previous length and the replaced column values.
    RowPatched(TableId, RowId, usize, Vec<(usize, Value)>),
    /// An in-place UPDATE of one column (the common case, kept free of allocation).
    RowPatched1(TableId, RowId, usize, usize, Value),
    Meta(Box<TableMeta>),
    UniqueAdded(TableId, String),
    UniqueDropped(TableId, String, UniqueIndex),
    TableCreated(TableId),
    TableRestored(Box<Table>),
    Namespace(BTreeMap<String, Schema>),
    SequenceCreated(SeqId),
    SequenceDropped(Box<Sequence>),
}

/// All schemas, tables and sequences of one database, plus the undo log.
#[derive(Clone, Debug)]
pub struct Catalog {
    schemas: BTreeMap<String, Schema>,
    tables: BTreeMap<TableId, Table>,
    sequences: BTreeMap<SeqId, Sequence>,
    next_id: u32,
    undo: Vec<Undo>,
    /// Bound column defaults for INSERT, cleared whenever definitions change.
    defaults: DefaultsCache,
}

impl Default for Catalog {
    fn default() -> Self {
        let mut schemas = BTreeMap::new();
        schemas.insert(
            "public".to_string(),
            Schema {
                name: "public".into(),
                relations: BTreeMap::new(),
            },
        );
        Catalog {
            schemas,
            tables: BTreeMap::new(),
            sequences: BTreeMap::new(),
            next_id: 16384,
            undo: Vec::new(),
            defaults: DefaultsCache::default(),
        }
    }
}

impl Catalog {
    // ----- read access -----

    /// Schema names in order.
    pub fn schema_names(&self) -> Vec<String> {
        self.schemas.keys().cloned().collect()
    }
    /// A schema by name.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.get(name)
    }
    /// True if the schema exists.
    pub fn has_schema(&self, name: &str) -> bool {
        self.schemas.contains_key(name)
    }
    /// A table by id.
    pub fn table(&self, id: TableId) -> Option<&Table> {
        self.tables.get(&id)
    }
    /// All tables in (schema, name) order.
    pub fn tables(&self) -> Vec<&Table> {
        let mut v: Vec<&Table> = self.tables.values().collect();
        crate::sorting::sort_by(&mut v, |a, b| {
            (&a.meta.schema, &a.meta.name).cmp(&(&b.meta.schema, &b.meta.name))
        });
        v
    }
    /// A sequence by id.
    pub fn sequence(&self, id: SeqId) -> Option<&Sequence> {
        self.sequences.get(&id)
    }
    /// All sequences in (schema, name) order.
    pub fn sequences(&self) -> Vec<&Sequence> {
        let mut v: Vec<&Sequence> = self.sequences.values().collect();
        crate::sorting::sort_by(&mut v, |a, b| {
            (&a.schema, &a.name).cmp(&(&b.schema, &b.name))
        });
        v
    }
    /// A relation by schema and name.
    pub fn relation(&self, schema: &str, name: &str) -> Option<Relation> {
        self.schemas
            .get(schema)
            .and_then(|s| s.relations.get(name))
            .copied()
    }
    /// Tables with a foreign key referencing `id`, with the constraint.
    pub fn referencing(&self, id: TableId) -> Vec<(TableId, Constraint)> {
        let mut out = Vec::new();
        for t in self.tables.values() {
            for c in &t.meta.constraints {
                if let ConstraintKind::ForeignKey { ref_table, .. } = &c.kind {
                    if *ref_table == id {
                        out.push((t.meta.id, c.clone()));
                    }
                }
            }
        }
        out
    }

    /// `pg_get_constraintdef`-style text of a constraint (one implementation,
    /// in `describe.rs`, serves SQL, psql's `\d` and the explorer).
    pub fn constraint_def(&self, t: &TableMeta, c: &Constraint) -> String {
        super::describe::constraint_def(self, t, c, false)
    }

    /// A table by schema and name.
    pub fn find_table(&self, schema: &str, name: &str) -> Option<&Table> {
        match self.relation(schema, name) {
            Some(Relation::Table(id)) => self.tables.get(&id),
            _ => None,
        }
    }

    /// Every index as (schema, index name, table name, definition as `pg_indexes.indexdef`
    /// prints it), ordered by schema and index name (psql's `\di`).
    pub fn indexes(&self) -> Vec<(String, String, String, String)> {
        let mut out = Vec::new();
        for t in self.tables() {
            for i in &t.meta.indexes {
                let cols = i
                    .columns
                    .iter()
                    .filter_map(|c| t.meta.columns.get(*c))
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                let unique = if i.unique { "UNIQUE " } else { "" };
                let def = format!(
                    "CREATE {unique}INDEX {} ON {}.{} USING btree ({cols})",
                    i.name, t.meta.schema, t.meta.name
                );
                out.push((
                    t.meta.schema.clone(),
                    i.name.clone(),
                    t.meta.name.clone(),
                    def,
                ));
            }
        }
        crate::sorting::sort(&mut out);
        out
    }

    /// A deterministic text dump of every schema, table definition, index and row. Sequence
    /// positions are left out: they are not transactional.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for (name, schema) in &self.schemas {
            out.push_str(&format!("schema {name}\n"));
            for (rel, kind) in &schema.relations {
                out.push_str(&format!("  relation {rel} {kind:?}\n"));
            }
        }
        for t in self.tables() {
            out.push_str(&format!("table {}.{}\n", t.meta.schema, t.meta.name));
            for c in &t.meta.columns {
                let default = c.default.as_ref().map_or(String::new(), |d| d.text.clone());
                out.push_str(&format!(
                    "  column {} {} not_null={} default={default}\n",
                    c.name,
                    c.ty.display(),
                    c.not_null
                ));
            }
            for c in &t.meta.constraints {
                out.push_str(&format!(
                    "  constraint {} {}\n",
                    c.name,
                    self.constraint_def(&t.meta, c)
                ));
            }
            for i in &t.meta.indexes {
                out.push_str(&format!(
                    "  index {} {:?} unique={}\n",
                    i.name, i.columns, i.unique
                ));
            }
            for (rid, row) in t.rows.iter() {
                let vals: Vec<String> = t.full_row(row).iter().map(Value::to_detail).collect();
                out.push_str(&format!("  row {rid}: {}\n", vals.join(", ")));
            }
            for (name, idx) in &t.unique {
                out.push_str(&format!("  unique data {name}: {} keys\n", idx.len()));
            }
        }
        for s in self.sequences() {
            out.push_str(&format!(
                "sequence {}.{} owned_by={:?}\n",
                s.schema, s.name, s.owned_by
            ));
        }
        out
    }

    // ----- undo log -----

    /// The current position of the undo log.
    pub fn mark(&self) -> usize {
        self.undo.len()
    }

    /// Forgets undo information (at COMMIT, or after an autocommit statement).
    pub fn forget_undo(&mut self) {
        self.undo.clear();
    }

    /// Records how to undo a change of definitions; bound defaults are forgotten.
    fn push_ddl(&mut self, u: Undo) {
        self.defaults.clear();
        self.undo.push(u);
    }

    /// The INSERT defaults cache (read side).
    pub fn defaults_cache(&self) -> &DefaultsCache {
        &self.defaults
    }

    /// The INSERT defaults cache (write side).
    pub fn defaults_cache_mut(&mut self) -> &mut DefaultsCache {
        &mut self.defaults
    }

    /// Undoes, in one pass over each unique index, a long run of INSERTs into table `t`
    /// whose last row is `last` (already popped): the run's entries at the top of the undo
    /// log (above `mark`) must hold consecutive row ids. Rolling back a bulk load then costs
    /// one scan of each index instead of hashing every removed row's keys again. Returns
    /// false, changing nothing, when the run is short or not consecutive.
    fn undo_insert_run(&mut self, mark: usize, t: TableId, last: RowId) -> bool {
        const LONG_RUN: usize = 256;
        let above = &self.undo[mark..];
        let run = above
            .iter()
            .rev()
            .take_while(|u| matches!(u, Undo::RowInserted(x, _) if *x == t))
            .count();
        let Some(tab) = self.tables.get_mut(&t) else {
            return false;
        };
        let rows = run + 1;
        if rows < LONG_RUN || rows * 8 < tab.rows.len() {
            return false;
        }
        let first = above.len() - run;
        let consecutive = above[first..]
            .iter()
            .rev()
            .zip(1..)
            .all(|(u, back)| matches!(u, Undo::RowInserted(_, rid) if last.checked_sub(back) == Some(*rid)));
        let Some(lo) = last.checked_sub(run as RowId) else {
            return false;
        };
        if !consecutive {
            return false;
        }
        for rid in lo..=last {
            tab.rows.remove(&rid);
        }
        for index in tab.unique.values_mut() {
            index.remove_rows(lo..=last);
        }
        self.undo.truncate(mark + first);
        true
    }

    /// Undoes every change recorded after `mark`, newest first.
    pub fn rollback_to(&mut self, mark: usize) {
        while self.undo.len() > mark {
            let Some(u) = self.undo.pop() else { break };
            if !matches!(
                u,
                Undo::RowInserted(..)
                    | Undo::RowDeleted(..)
                    | Undo::RowUpdated(..)
                    | Undo::RowPatched(..)
                    | Undo::RowPatched1(..)
            ) {
                self.defaults.clear();
            }
            match u {
                Undo::RowInserted(t, rid) => {
                    if self.undo_insert_run(mark, t, rid) {
                        continue;
                    }
                    if let Some(tab) = self.tables.get_mut(&t) {
                        if let Some(row) = tab.rows.remove(&rid) {
                            tab.index_remove(rid, &row);
                        }
                    }
                }
                Undo::RowDeleted(t, rid, row) => {
                    if let Some(tab) = self.tables.get_mut(&t) {
                        tab.index_add(rid, &row);
                        tab.rows.insert(rid, row);
                    }
                }
                Undo::RowUpdated(t, rid, old) => {
                    if let Some(tab) = self.tables.get_mut(&t) {
                        if let Some(cur) = tab.rows.remove(&rid) {
                            tab.index_remove(rid, &cur);
                        }
                        tab.index_add(rid, &old);
                        tab.rows.insert(rid, old);
                    }
                }
                Undo::RowPatched1(t, rid, old_len, col, old) => {
                    self.undo
                        .push(Undo::RowPatched(t, rid, old_len, vec![(col, old)]));
                    let at = self.undo.len() - 1;
                    self.rollback_to(at);
                }
                Undo::RowPatched(t, rid, old_len, olds) => {
                    if let Some(tab) = self.tables.get_mut(&t) {
                        if let Some(mut row) = tab.rows.remove(&rid) {
                            tab.index_remove(rid, &row);
                            for (ci, v) in olds.into_iter().rev() {
                                if let Some(slot) = row.get_mut(ci) {
                                    *slot = v;
                                }
                            }
                            row.truncate(old_len);
                            tab.index_add(rid, &row);
                            tab.rows.insert(rid, row);
                        }
                    }
                }
                Undo::Meta(meta) => {
                    if let Some(tab) = self.tables.get_mut(&meta.id) {
                        tab.meta = *meta;
                    }
                }
                Undo::UniqueAdded(t, name) => {
                    if let Some(tab) = self.tables.get_mut(&t) {
                        tab.unique.remove(&name);
                    }
                }
                Undo::UniqueDropped(t, name, data) => {
                    if let Some(tab) = self.tables.get_mut(&t) {
                        tab.unique.insert(name, data);
                    }
                }
                Undo::TableCreated(t) => {
                    self.tables.remove(&t);
                }
                Undo::TableRestored(tab) => {
                    self.tables.insert(tab.meta.id, *tab);
                }
                Undo::Namespace(ns) => self.schemas = ns,
                Undo::SequenceCreated(s) => {
                    self.sequences.remove(&s);
                }
                Undo::SequenceDropped(s) => {
                    self.sequences.insert(s.id, *s);
                }
            }
        }
    }

    // ----- namespace changes -----

    fn save_namespace(&mut self) {
        self.push_ddl(Undo::Namespace(self.schemas.clone()));
    }

    /// Creates a schema (caller checked it is new).
    pub fn create_schema(&mut self, name: &str) {
        self.save_namespace();
        self.schemas.insert(
            name.to_string(),
            Schema {
                name: name.to_string(),
                relations: BTreeMap::new(),
            },
        );
    }

    /// Drops a schema (caller dropped its contents).
    pub fn drop_schema(&mut self, name: &str) {
        self.save_namespace();
        self.schemas.remove(name);
    }

    /// Binds a relation name in a schema.
    pub fn bind_name(&mut self, schema: &str, name: &str, rel: Relation) {
        self.save_namespace();
        if let Some(s) = self.schemas.get_mut(schema) {
            s.relations.insert(name.to_string(), rel);
        }
    }

    /// Removes a relation name from a schema.
    pub fn unbind_name(&mut self, schema: &str, name: &str) {
        self.save_namespace();
        if let Some(s) = self.schemas.get_mut(schema) {
            s.relations.remove(name);
        }
    }

    /// Allocates a new object id.
    pub fn new_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    /// Adds a new table and binds its name.
    pub fn add_table(&mut self, meta: TableMeta) -> TableId {
        let id = meta.id;
        let (schema, name) = (meta.schema.clone(), meta.name.clone());
        let mut unique = BTreeMap::new();
        for idx in &meta.indexes {
            if idx.unique {
                unique.insert(idx.name.clone(), UniqueIndex::default());
            }
        }
        self.tables.insert(
            id,
            Table {
                meta,
                rows: RowStore::default(),
                unique,
                next_row: 1,
            },
        );
        self.push_ddl(Undo::TableCreated(id));
        self.bind_name(&schema, &name, Relation::Table(id));
        id
    }

    /// Removes a table entirely (names are unbound by the caller).
    pub fn remove_table(&mut self, id: TableId) {
        if let Some(t) = self.tables.remove(&id) {
            self.push_ddl(Undo::TableRestored(Box::new(t)));
        }
    }

    /// Saves the whole table for undo before a rewrite, then gives mutable access.
    pub fn table_for_rewrite(&mut self, id: TableId) -> Option<&mut Table> {
        let t = self.tables.get(&id)?.clone();
        self.push_ddl(Undo::TableRestored(Box::new(t)));
        self.tables.get_mut(&id)
    }

    /// Saves the table's definition for undo, then gives mutable access to it.
    pub fn meta_mut(&mut self, id: TableId) -> Option<&mut TableMeta> {
        let m = self.tables.get(&id)?.meta.clone();
        self.push_ddl(Undo::Meta(Box::new(m)));
        self.tables.get_mut(&id).map(|t| &mut t.meta)
    }

    /// Installs unique-index data built by [`Table::build_unique`].
    pub fn add_unique_data(&mut self, id: TableId, name: &str, data: UniqueIndex) {
        if let Some(t) = self.tables.get_mut(&id) {
            t.unique.insert(name.to_string(), data);
            self.push_ddl(Undo::UniqueAdded(id, name.to_string()));
        }
    }

    /// Removes unique-index data.
    pub fn drop_unique_data(&mut self, id: TableId, name: &str) {
        if let Some(t) = self.tables.get_mut(&id) {
            if let Some(d) = t.unique.remove(name) {
                self.push_ddl(Undo::UniqueDropped(id, name.to_string(), d));
            }
        }
    }

    /// Adds a sequence and binds its name.
    pub fn add_sequence(&mut self, seq: Sequence) -> SeqId {
        let id = seq.id;
        let (schema, name) = (seq.schema.clone(), seq.name.clone());
        self.sequences.insert(id, seq);
        self.push_ddl(Undo::SequenceCreated(id));
        self.bind_name(&schema, &name, Relation::Sequence(id));
        id
    }

    /// Removes a sequence and unbinds its name.
    pub fn remove_sequence(&mut self, id: SeqId) {
        if let Some(s) = self.sequences.remove(&id) {
            let (schema, name) = (s.schema.clone(), s.name.clone());
            self.push_ddl(Undo::SequenceDropped(Box::new(s)));
            self.unbind_name(&schema, &name);
        }
    }

    /// Renames a sequence (RENAME of an owning table keeps sequence names, as PostgreSQL).
    pub fn sequence_by_name(&self, schema: &str, name: &str) -> Option<&Sequence> {
        match self.relation(schema, name) {
            Some(Relation::Sequence(id)) => self.sequences.get(&id),
            _ => None,
        }
    }

    // ----- row changes -----

    /// Inserts a full row (already checked) and returns its id.
    pub fn insert_row(&mut self, id: TableId, row: Row) -> RowId {
        let Some(t) = self.tables.get_mut(&id) else {
            return 0;
        };
        let rid = t.next_row;
        t.next_row += 1;
        t.index_add(rid, &row);
        t.rows.insert(rid, row);
        self.undo.push(Undo::RowInserted(id, rid));
        rid
    }

    /// Inserts a row unless a unique index already holds one of its keys. The check probes
    /// with the row's borrowed values; only a row that is stored gets its keys built.
    /// On conflict returns the index name, its column names and the key's values.
    pub fn insert_unique_row(
        &mut self,
        id: TableId,
        row: Row,
    ) -> Result<RowId, (String, String, String)> {
        let Some(t) = self.tables.get_mut(&id) else {
            return Ok(0);
        };
        for idx in t.meta.indexes.iter().filter(|i| i.unique) {
            let parts = idx.columns.iter().map(|&c| t.value(&row, c));
            if parts.clone().any(Value::is_null) {
                continue;
            }
            let hash = UniqueIndex::hash_of_parts(parts.clone());
            if t.unique
                .get(&idx.name)
                .is_some_and(|m| m.contains_parts(hash, parts.clone()))
            {
                let cols = idx
                    .columns
                    .iter()
                    .map(|c| t.meta.columns[*c].name.clone())
                    .collect::<Vec<_>>()
                    .join(", ");
                let vals = parts.map(Value::to_detail).collect::<Vec<_>>().join(", ");
                return Err((idx.name.clone(), cols, vals));
            }
        }
        let rid = t.next_row;
        t.next_row += 1;
        let Table {
            meta, unique, rows, ..
        } = t;
        for idx in meta.indexes.iter().filter(|i| i.unique) {
            let parts = idx.columns.iter().map(|&c| match row.get(c) {
                Some(v) => v,
                None => &meta.columns[c].missing,
            });
            if parts.clone().any(Value::is_null) {
                continue;
            }
            if let Some(map) = unique.get_mut(&idx.name) {
                let hash = UniqueIndex::hash_of_parts(parts.clone());
                map.insert_new(hash, Key(parts.cloned().collect()), rid);
            }
        }
        rows.insert(rid, row);
        self.undo.push(Undo::RowInserted(id, rid));
        Ok(rid)
    }

    /// Deletes a row.
    pub fn delete_row(&mut self, id: TableId, rid: RowId) {
        if let Some(t) = self.tables.get_mut(&id) {
            if let Some(row) = t.rows.remove(&rid) {
                t.index_remove(rid, &row);
                self.undo.push(Undo::RowDeleted(id, rid, row));
            }
        }
    }

    /// UPDATE in place: widens the stored row, writes the new column values and records the
    /// old ones for undo. Unique indexes are not touched yet: the returned old keys go to
    /// [`Catalog::reindex_row`] once the new version passed its NOT NULL and CHECK tests.
    pub fn patch_row(
        &mut self,
        id: TableId,
        rid: RowId,
        changes: &mut Vec<(usize, Value)>,
    ) -> Vec<(String, Option<Key>)> {
        self.widen_row(id, rid);
        let Some(t) = self.tables.get_mut(&id) else {
            return Vec::new();
        };
        let hits = |cols: &[usize]| cols.iter().any(|c| changes.iter().any(|(x, _)| x == c));
        let old_keys: Vec<(String, Option<Key>)> = match t.rows.get(&rid) {
            Some(row) => t
                .meta
                .indexes
                .iter()
                .filter(|i| i.unique && hits(&i.columns))
                .map(|i| (i.name.clone(), t.key_of(row, &i.columns)))
                .collect(),
            None => return Vec::new(),
        };
        let Some(row) = t.rows.get_mut(&rid) else {
            return Vec::new();
        };
        let old_len = row.len();
        // One changed column is the common case: record it without allocating.
        if changes.len() == 1 {
            if let Some((ci, v)) = changes.pop() {
                if let Some(slot) = row.get_mut(ci) {
                    let old = std::mem::replace(slot, v);
                    self.undo.push(Undo::RowPatched1(id, rid, old_len, ci, old));
                }
            }
            return old_keys;
        }
        let mut olds = Vec::with_capacity(changes.len());
        for (ci, v) in changes.drain(..) {
            if let Some(slot) = row.get_mut(ci) {
                olds.push((ci, std::mem::replace(slot, v)));
            }
        }
        self.undo.push(Undo::RowPatched(id, rid, old_len, olds));
        old_keys
    }

    /// Stores a row's missing trailing values explicitly (no visible change; undone by
    /// truncating, so a rolled-back ADD COLUMN never finds a too-long row).
    pub fn widen_row(&mut self, id: TableId, rid: RowId) {
        let Some(t) = self.tables.get_mut(&id) else {
            return;
        };
        let Table { meta, rows, .. } = t;
        if let Some(row) = rows.get_mut(&rid) {
            let old_len = row.len();
            if old_len >= meta.columns.len() {
                return;
            }
            // One allocation for the whole tail, not one regrowth per pushed value.
            row.reserve_exact(meta.columns.len() - old_len);
            row.extend(meta.columns[old_len..].iter().map(|c| c.missing.clone()));
            self.undo
                .push(Undo::RowPatched(id, rid, old_len, Vec::new()));
        }
    }

    /// Moves a patched row's unique-index entries to its new key, or reports the index whose
    /// new key another row already holds (name, column names, key values).
    pub fn reindex_row(
        &mut self,
        id: TableId,
        rid: RowId,
        old_keys: Vec<(String, Option<Key>)>,
    ) -> Result<(), (String, String, String)> {
        let Some(t) = self.tables.get_mut(&id) else {
            return Ok(());
        };
        for (name, old) in old_keys {
            let Some(idx) = t.meta.indexes.iter().find(|i| i.name == name) else {
                continue;
            };
            let cols = idx.columns.clone();
            let new = t.rows.get(&rid).and_then(|r| t.key_of(r, &cols));
            if new == old {
                continue;
            }
            if let Some(k) = &new {
                if let Some(other) = t.unique.get(&name).and_then(|m| m.get(k)) {
                    if *other != rid {
                        let names = cols
                            .iter()
                            .map(|c| t.meta.columns[*c].name.clone())
                            .collect::<Vec<_>>()
                            .join(", ");
                        let vals =
                            k.0.iter()
                                .map(Value::to_detail)
                                .collect::<Vec<_>>()
                                .join(", ");
                        return Err((name, names, vals));
                    }
                }
            }
            if let Some(map) = t.unique.get_mut(&name) {
                if let Some(k) = old {
                    if map.get(&k) == Some(&rid) {
                        map.remove(&k);
                    }
                }
                if let Some(k) = new {
                    map.insert(k, rid);
                }
            }
        }
        Ok(())
    }

    /// Replaces a row.
    pub fn update_row(&mut self, id: TableId, rid: RowId, row: Row) {
        if let Some(t) = self.tables.get_mut(&id) {
            if let Some(old) = t.rows.remove(&rid) {
                t.index_replace(rid, &old, &row);
                t.rows.insert(rid, row);
                self.undo.push(Undo::RowUpdated(id, rid, old));
            }
        }
    }
}

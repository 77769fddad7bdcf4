//! The simulated MongoDB server: databases → collections → documents, unique indexes,
//! validators, a logical clock and a seeded ObjectId generator.
//!
//! Invariants: databases and collections exist only once something was written to them
//! (or `createCollection` ran); every stored document has `_id` as its first field; every
//! write checks validators and unique indexes for all affected documents before it changes
//! anything, so a failed write leaves the store as it was.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::error::DocError;
use super::format::server_repr;
use super::query::{lookup, Filter, Projection};
use super::shell::{Outcome, Shell};
use super::update;
use super::validator;
use super::value::{Document, Value};

/// 2026-01-05T09:00:00Z, the clock of a fresh store.
const DEFAULT_CLOCK: i64 = 1_767_603_600_000;

/// The whole server.
#[derive(Clone, Debug)]
pub struct Store {
    databases: BTreeMap<String, Database>,
    seed: u64,
    clock_ms: i64,
    counter: u32,
    changed: std::collections::BTreeSet<String>,
}

/// One database.
#[derive(Clone, Debug, Default)]
pub(crate) struct Database {
    collections: BTreeMap<String, Collection>,
}

/// One collection: documents in natural (insertion) order. Documents are shared between
/// snapshots (a failed line restores the store from a clone, so cloning must be cheap).
#[derive(Clone, Debug)]
pub(crate) struct Collection {
    docs: Vec<Arc<Document>>,
    indexes: Vec<Index>,
    validator: Option<Document>,
    /// `validationLevel` as given (`strict` when absent).
    validation_level: Option<String>,
    /// `validationAction` as given (`error` when absent).
    validation_action: Option<String>,
}

/// An index; `_id_` always exists and is unique.
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    /// The index name (`email_1`).
    pub name: String,
    /// Key paths with direction.
    pub keys: Vec<(String, Value)>,
    /// Whether duplicates are refused.
    pub unique: bool,
}

impl Default for Collection {
    fn default() -> Self {
        Collection {
            docs: Vec::new(),
            indexes: vec![Index {
                name: "_id_".into(),
                keys: vec![("_id".into(), Value::Int32(1))],
                unique: true,
            }],
            validator: None,
            validation_level: None,
            validation_action: None,
        }
    }
}

/// A collection's validation settings, as `createCollection` and `collMod` take them; `None`
/// leaves a setting as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Validation {
    /// The validator document (`$jsonSchema` and/or query conditions).
    pub validator: Option<Document>,
    /// `strict`, `moderate` or `off`.
    pub level: Option<String>,
    /// `error` or `warn`.
    pub action: Option<String>,
}

impl Validation {
    fn check(&self) -> Result<(), DocError> {
        if let Some(v) = &self.validator {
            for (k, val) in v.iter() {
                if k == "$jsonSchema" {
                    let Value::Document(schema) = val else {
                        return Err(DocError::type_mismatch_cmd("$jsonSchema must be an object"));
                    };
                    validator::check_schema(schema, 0)?;
                } else {
                    validator::check_query_clause(k, val)?;
                }
            }
        }
        for (field, value, allowed) in [
            (
                "validationLevel",
                &self.level,
                &["off", "strict", "moderate"][..],
            ),
            ("validationAction", &self.action, &["error", "warn"][..]),
        ] {
            if let Some(v) = value {
                if !allowed.contains(&v.as_str()) {
                    return Err(DocError::bad_value(format!(
                        "Enumeration value '{v}' for field '{field}' is not a valid value."
                    )));
                }
            }
        }
        Ok(())
    }

    fn apply(self, c: &mut Collection) {
        if let Some(v) = self.validator {
            c.validator = Some(v.to_stored());
        }
        if self.level.is_some() {
            c.validation_level = self.level;
        }
        if self.action.is_some() {
            c.validation_action = self.action;
        }
    }
}

/// What an update did.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateSummary {
    /// Documents the filter matched.
    pub matched: i64,
    /// Documents that changed.
    pub modified: i64,
    /// The `_id` of an upserted document.
    pub upserted_id: Option<Value>,
}

/// Options of a `find`.
#[derive(Clone, Debug, Default)]
pub struct FindOptions {
    /// `{field: 1|-1}` sort keys in order.
    pub sort: Vec<(String, i32)>,
    /// Documents to skip.
    pub skip: usize,
    /// Maximum documents (0 = all).
    pub limit: usize,
    /// The projection document.
    pub projection: Option<Document>,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Store {
    /// A fresh server whose ObjectIds derive from `seed`.
    pub fn new(seed: u64) -> Self {
        Store {
            databases: BTreeMap::new(),
            seed,
            clock_ms: DEFAULT_CLOCK,
            counter: (splitmix(seed ^ 0x5eed) & 0x00ff_ffff) as u32,
            changed: std::collections::BTreeSet::new(),
        }
    }

    /// Sets the logical clock (milliseconds since the Unix epoch).
    pub fn set_clock(&mut self, unix_millis: i64) {
        self.clock_ms = unix_millis;
    }

    /// The logical clock.
    pub fn clock(&self) -> i64 {
        self.clock_ms
    }

    /// Evaluates one mongosh line in the default `test` database (the subsystem's entry point).
    pub fn eval(&mut self, line: &str) -> Result<Outcome, DocError> {
        Shell::new().run(self, line)
    }

    /// The next ObjectId: 4-byte timestamp, 5 bytes from the seed, 3-byte counter.
    pub fn next_object_id(&mut self) -> [u8; 12] {
        let ts = (self.clock_ms.div_euclid(1000) as u64 & 0xffff_ffff) as u32;
        let rnd = splitmix(self.seed).to_be_bytes();
        self.counter = (self.counter + 1) & 0x00ff_ffff;
        let c = self.counter.to_be_bytes();
        let t = ts.to_be_bytes();
        [
            t[0], t[1], t[2], t[3], rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], c[1], c[2], c[3],
        ]
    }

    /// A UUID derived from the seed and a label (collection and index-build ids).
    fn uuid(&self, label: &str) -> String {
        let mut h = self.seed;
        for b in label.bytes() {
            h = splitmix(h ^ u64::from(b));
        }
        let (a, b) = (splitmix(h), splitmix(h ^ 0x55));
        let hex = format!("{a:016x}{b:016x}");
        format!(
            "{}-{}-4{}-a{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// Database names that hold data, with their size on disk in bytes (built-in ones
    /// included, as `show dbs` lists them).
    pub fn database_sizes(&self) -> Vec<(String, i64)> {
        let mut out: BTreeMap<String, i64> = BTreeMap::new();
        out.insert("admin".into(), 40_960);
        out.insert("config".into(), 12_288);
        out.insert("local".into(), 40_960);
        for (name, db) in &self.databases {
            if db.collections.is_empty() {
                continue;
            }
            let size = db.collections.values().map(Collection::size_on_disk).sum();
            out.insert(name.clone(), size);
        }
        out.into_iter().collect()
    }

    /// Names of user databases that exist.
    pub fn database_names(&self) -> Vec<String> {
        self.databases
            .iter()
            .filter(|(_, d)| !d.collections.is_empty())
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Collection names of a database, sorted.
    pub fn collection_names(&self, db: &str) -> Vec<String> {
        self.databases
            .get(db)
            .map(|d| d.collections.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The stored documents of a collection, in natural order.
    pub fn documents(&self, db: &str, coll: &str) -> Vec<Document> {
        self.collection(db, coll)
            .map(|c| c.docs.iter().map(|d| Document::clone(d)).collect())
            .unwrap_or_default()
    }

    /// The indexes of a collection.
    pub fn indexes(&self, db: &str, coll: &str) -> Vec<Index> {
        self.collection(db, coll)
            .map(|c| c.indexes.clone())
            .unwrap_or_default()
    }

    /// The validator of a collection, if it has one.
    pub fn validator(&self, db: &str, coll: &str) -> Option<Document> {
        self.collection(db, coll).and_then(|c| c.validator.clone())
    }

    fn collection(&self, db: &str, coll: &str) -> Option<&Collection> {
        self.databases.get(db)?.collections.get(coll)
    }

    fn collection_mut(&mut self, db: &str, coll: &str) -> &mut Collection {
        self.changed.insert(format!("{db}.{coll}"));
        self.databases
            .entry(db.to_string())
            .or_default()
            .collections
            .entry(coll.to_string())
            .or_default()
    }

    /// The namespaces (`shop.users`) written since the last call, sorted; the explorer
    /// highlights them.
    pub fn take_changes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.changed).into_iter().collect()
    }

    /// A deterministic text dump of everything stored (used to compare states).
    pub fn dump(&self) -> String {
        let mut out = format!("clock {} counter {}\n", self.clock_ms, self.counter);
        for (dn, db) in &self.databases {
            for (cn, c) in &db.collections {
                out.push_str(&format!("{dn}.{cn} validator={:?}\n", c.validator));
                for ix in &c.indexes {
                    out.push_str(&format!("  index {ix:?}\n"));
                }
                for d in &c.docs {
                    out.push_str(&format!(
                        "  {}\n",
                        server_repr(&Value::Document(Document::clone(d)))
                    ));
                }
            }
        }
        out
    }

    fn prepare(&mut self, doc: &Document) -> Result<Document, DocError> {
        check_depth(doc)?;
        let mut stored = doc.to_stored();
        match stored.remove("_id") {
            Some(Value::Array(_)) => {
                return Err(DocError::server(
                    53,
                    None,
                    "The '_id' value cannot be of type array",
                ))
            }
            Some(Value::Regex { .. }) => {
                return Err(DocError::server(2, None, "can't use a regex for _id"))
            }
            Some(id) => stored.insert_first("_id", id),
            None => {
                let id = self.next_object_id();
                stored.insert_first("_id", Value::ObjectId(id));
            }
        }
        Ok(stored)
    }

    fn check_write(
        &self,
        db: &str,
        coll: &str,
        doc: &Document,
        others: Option<&[Arc<Document>]>,
        skip: Option<usize>,
        old: Option<&Document>,
    ) -> Result<(), DocError> {
        let Some(c) = self.collection(db, coll) else {
            return Ok(());
        };
        if let Some(v) = &c.validator {
            let level = c.validation_level.as_deref().unwrap_or("strict");
            // `moderate` does not check updates of documents that were already invalid.
            let exempt = level == "off"
                || (level == "moderate" && old.is_some_and(|o| validator::validate(v, o).is_err()));
            if !exempt {
                if let Err(e) = validator::validate(v, doc) {
                    // `warn` lets the write through; the server only logs the failure.
                    if c.validation_action.as_deref() != Some("warn") {
                        return Err(e);
                    }
                }
            }
        }
        let others = others.unwrap_or(&c.docs);
        for ix in c.indexes.iter().filter(|i| i.unique) {
            let key = index_key(ix, doc);
            for (i, other) in others.iter().enumerate() {
                if Some(i) == skip {
                    continue;
                }
                if keys_equal(&index_key(ix, other), &key) {
                    return Err(DocError::duplicate_key(
                        &format!("{db}.{coll}"),
                        &ix.name,
                        &key,
                    ));
                }
            }
        }
        Ok(())
    }

    /// `insertOne`: returns the `_id`.
    pub fn insert_one(&mut self, db: &str, coll: &str, doc: &Document) -> Result<Value, DocError> {
        check_names(db, coll)?;
        let stored = self.prepare(doc)?;
        self.check_write(db, coll, &stored, None, None, None)?;
        let id = stored.get("_id").cloned().unwrap_or(Value::Null);
        self.collection_mut(db, coll).docs.push(Arc::new(stored));
        Ok(id)
    }

    /// Assigns `_id`s as the driver does before `insertMany` sends anything.
    pub fn assign_ids(&mut self, docs: &[Document]) -> Vec<Document> {
        docs.iter()
            .map(|d| {
                let mut d = d.clone();
                if !d.contains_key("_id") {
                    let id = self.next_object_id();
                    d.insert_first("_id", Value::ObjectId(id));
                }
                d
            })
            .collect()
    }

    /// Runs a filtered, sorted, paged, projected read.
    pub fn find(
        &self,
        db: &str,
        coll: &str,
        filter: &Document,
        opts: &FindOptions,
    ) -> Result<Vec<Document>, DocError> {
        let f = Filter::parse(filter)?;
        let projection = match &opts.projection {
            Some(p) => Projection::parse(p)?,
            None => None,
        };
        let mut docs: Vec<&Document> = self
            .collection(db, coll)
            .map(|c| {
                c.docs
                    .iter()
                    .map(|d| &**d)
                    .filter(|d| f.matches(d))
                    .collect()
            })
            .unwrap_or_default();
        if !opts.sort.is_empty() {
            crate::sorting::sort_by(&mut docs, |a, b| {
                for (path, dir) in &opts.sort {
                    let ka = sort_key(a, path, *dir);
                    let kb = sort_key(b, path, *dir);
                    let o = ka.cmp_bson(&kb);
                    let o = if *dir < 0 { o.reverse() } else { o };
                    if o.is_ne() {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
        }
        let docs = docs.into_iter().skip(opts.skip);
        let docs: Vec<&Document> = if opts.limit > 0 {
            docs.take(opts.limit).collect()
        } else {
            docs.collect()
        };
        Ok(match projection {
            Some(p) => docs.iter().map(|d| p.apply(d)).collect(),
            None => docs.into_iter().cloned().collect(),
        })
    }

    /// `aggregate`: runs a pipeline of stage documents over the collection.
    pub fn aggregate(
        &self,
        db: &str,
        coll: &str,
        pipeline: &[Value],
    ) -> Result<Vec<Document>, DocError> {
        super::aggregate::run(self.documents(db, coll), pipeline, &|other| {
            self.documents(db, other)
        })
    }

    /// `countDocuments`: how many documents match.
    pub fn count(&self, db: &str, coll: &str, filter: &Document) -> Result<i64, DocError> {
        let f = Filter::parse(filter)?;
        Ok(self
            .collection(db, coll)
            .map_or(0, |c| c.docs.iter().filter(|d| f.matches(d)).count() as i64))
    }

    /// `updateOne`/`updateMany`/`replaceOne`.
    #[allow(clippy::too_many_arguments)]
    pub fn update(
        &mut self,
        db: &str,
        coll: &str,
        filter: &Document,
        change: &Document,
        multi: bool,
        upsert: bool,
        replace: bool,
    ) -> Result<UpdateSummary, DocError> {
        let f = Filter::parse(filter)?;
        if !replace {
            update::validate(change)?;
        }
        let now = self.clock_ms;
        let mut docs: Vec<Arc<Document>> = self
            .collection(db, coll)
            .map(|c| c.docs.clone())
            .unwrap_or_default();
        let originals = docs.clone();
        let mut matched = 0;
        let mut modified = 0;
        let mut changed_at = Vec::new();
        for (i, doc) in docs.iter_mut().enumerate() {
            if !f.matches(doc) {
                continue;
            }
            matched += 1;
            let new = if replace {
                replacement(doc, change)?
            } else {
                update::apply(doc, change, now, false, f.positional_index(doc))?
            };
            if new != **doc {
                modified += 1;
                *doc = Arc::new(new);
                changed_at.push(i);
            }
            if !multi {
                break;
            }
        }
        if matched == 0 && upsert {
            check_names(db, coll)?;
            let mut base = equality_fields(filter);
            let new = if replace {
                let mut r = change.to_stored();
                if let Some(id) = base.get("_id").cloned() {
                    if !r.contains_key("_id") {
                        r.insert_first("_id", id);
                    }
                }
                r
            } else {
                base = update::apply(&base, change, now, true, None)?;
                base
            };
            let stored = self.prepare(&new)?;
            self.check_write(db, coll, &stored, Some(&docs), None, None)?;
            let id = stored.get("_id").cloned().unwrap_or(Value::Null);
            self.collection_mut(db, coll).docs.push(Arc::new(stored));
            return Ok(UpdateSummary {
                matched: 0,
                modified: 0,
                upserted_id: Some(id),
            });
        }
        for &i in &changed_at {
            check_depth(&docs[i])?;
            self.check_write(
                db,
                coll,
                &docs[i],
                Some(&docs),
                Some(i),
                Some(&originals[i]),
            )?;
        }
        if !changed_at.is_empty() {
            self.collection_mut(db, coll).docs = docs;
        }
        Ok(UpdateSummary {
            matched,
            modified,
            upserted_id: None,
        })
    }

    /// `deleteOne`/`deleteMany`: returns the number deleted.
    pub fn delete(
        &mut self,
        db: &str,
        coll: &str,
        filter: &Document,
        multi: bool,
    ) -> Result<i64, DocError> {
        let f = Filter::parse(filter)?;
        let Some(c) = self
            .databases
            .get_mut(db)
            .and_then(|d| d.collections.get_mut(coll))
        else {
            return Ok(0);
        };
        let mut deleted = 0;
        let mut kept = Vec::with_capacity(c.docs.len());
        for d in c.docs.drain(..) {
            if (multi || deleted == 0) && f.matches(&d) {
                deleted += 1;
            } else {
                kept.push(d);
            }
        }
        c.docs = kept;
        if deleted > 0 {
            self.changed.insert(format!("{db}.{coll}"));
        }
        Ok(deleted)
    }

    /// `drop`: whether the collection existed.
    pub fn drop_collection(&mut self, db: &str, coll: &str) -> bool {
        let Some(d) = self.databases.get_mut(db) else {
            return false;
        };
        let existed = d.collections.remove(coll).is_some();
        if existed {
            self.changed.insert(format!("{db}.{coll}"));
        }
        if d.collections.is_empty() {
            self.databases.remove(db);
        }
        existed
    }

    /// `dropDatabase`.
    pub fn drop_database(&mut self, db: &str) {
        for coll in self.collection_names(db) {
            self.changed.insert(format!("{db}.{coll}"));
        }
        self.databases.remove(db);
    }

    /// `createCollection` with an optional validator and its level and action.
    pub fn create_collection(
        &mut self,
        db: &str,
        coll: &str,
        validation: Validation,
    ) -> Result<(), DocError> {
        check_names(db, coll)?;
        if self.collection(db, coll).is_some() {
            return Err(DocError::namespace_exists(&format!("{db}.{coll}")));
        }
        validation.check()?;
        let c = self.collection_mut(db, coll);
        validation.apply(c);
        Ok(())
    }

    /// `collMod`: changes the validation of an existing collection.
    pub fn modify_collection(
        &mut self,
        db: &str,
        coll: &str,
        validation: Validation,
    ) -> Result<(), DocError> {
        if self.collection(db, coll).is_none() {
            return Err(DocError::server_code(
                26,
                "NamespaceNotFound",
                format!("ns does not exist: {db}.{coll}"),
            ));
        }
        validation.check()?;
        validation.apply(self.collection_mut(db, coll));
        Ok(())
    }

    /// The options `getCollectionInfos` reports: validator, level and action as given.
    pub fn collection_options(&self, db: &str, coll: &str) -> Document {
        let mut o = Document::new();
        if let Some(c) = self.collection(db, coll) {
            if let Some(v) = &c.validator {
                o.insert("validator", Value::Document(v.clone()));
            }
            if let Some(l) = &c.validation_level {
                o.insert("validationLevel", Value::String(l.clone()));
            }
            if let Some(a) = &c.validation_action {
                o.insert("validationAction", Value::String(a.clone()));
            }
        }
        o
    }

    /// `createIndex`: returns the index name.
    pub fn create_index(
        &mut self,
        db: &str,
        coll: &str,
        keys: &Document,
        unique: bool,
        name: Option<String>,
    ) -> Result<String, DocError> {
        check_names(db, coll)?;
        if keys.is_empty() {
            return Err(DocError::server_code(
                67,
                "CannotCreateIndex",
                "Index keys cannot be an empty field.",
            ));
        }
        let mut parts = Vec::new();
        for (k, v) in keys.iter() {
            let dir = match v {
                v if v.is_number() => super::format::js_number(v.as_f64().unwrap_or(1.0)),
                Value::String(s) => s.clone(),
                _ => {
                    return Err(DocError::server_code(
                        67,
                        "CannotCreateIndex",
                        format!(
                        "Values in the index key pattern can only be numbers or strings: {k}: {}",
                        server_repr(v)
                    ),
                    ))
                }
            };
            parts.push(format!("{k}_{dir}"));
        }
        let name = name.unwrap_or_else(|| parts.join("_"));
        let index = Index {
            name: name.clone(),
            keys: keys
                .iter()
                .map(|(k, v)| (k.clone(), v.to_stored()))
                .collect(),
            unique,
        };
        let docs = self.documents(db, coll);
        if let Some(c) = self.collection(db, coll) {
            if let Some(existing) = c.indexes.iter().find(|i| i.name == name) {
                if existing.keys == index.keys && existing.unique == unique {
                    return Ok(name);
                }
                return Err(DocError::server_code(
                    86,
                    "IndexKeySpecsConflict",
                    format!("An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: {{ v: 2, key: {}, name: \"{name}\" }}, existing index: {{ v: 2, key: {}, name: \"{name}\" }}",
                        server_repr(&Value::Document(keys.to_stored())),
                        server_repr(&Value::Document(Document::from_pairs(existing.keys.clone())))),
                ));
            }
        }
        if unique {
            for (i, a) in docs.iter().enumerate() {
                let ka = index_key(&index, a);
                if docs[..i]
                    .iter()
                    .any(|b| keys_equal(&index_key(&index, b), &ka))
                {
                    let dup = DocError::duplicate_key(&format!("{db}.{coll}"), &name, &ka);
                    return Err(DocError::server_code(
                        11000,
                        "DuplicateKey",
                        format!(
                            "Index build failed: {}: Collection {db}.{coll} ( {} ) :: caused by :: {}",
                            self.uuid(&format!("build {db}.{coll}.{name}")),
                            self.uuid(&format!("{db}.{coll}")),
                            dup.message
                        ),
                    ));
                }
            }
        }
        self.collection_mut(db, coll).indexes.push(index);
        Ok(name)
    }
}

/// Refuses documents nested deeper than the server stores.
fn check_depth(doc: &Document) -> Result<(), DocError> {
    fn depth(v: &Value, limit: usize) -> usize {
        if limit == 0 {
            return 1;
        }
        match v {
            Value::Document(d) => {
                1 + d
                    .iter()
                    .map(|(_, x)| depth(x, limit - 1))
                    .max()
                    .unwrap_or(0)
            }
            Value::Array(a) => 1 + a.iter().map(|x| depth(x, limit - 1)).max().unwrap_or(0),
            _ => 0,
        }
    }
    let limit = update::MAX_DEPTH + 1;
    let deepest = 1 + doc
        .iter()
        .map(|(_, x)| depth(x, limit - 1))
        .max()
        .unwrap_or(0);
    if deepest > update::MAX_DEPTH {
        return Err(DocError::server(
            15,
            None,
            format!(
                "Document exceeds maximum nesting depth of {}",
                update::MAX_DEPTH
            ),
        ));
    }
    Ok(())
}

fn check_names(db: &str, coll: &str) -> Result<(), DocError> {
    if db.is_empty() || db.contains(['/', '\\', '.', ' ', '"', '$']) || db.len() > 63 {
        return Err(DocError::invalid_namespace(format!(
            "Invalid database name: '{db}'"
        )));
    }
    if coll.is_empty() || coll.contains('$') || coll.starts_with('.') || coll.ends_with('.') {
        return Err(DocError::invalid_namespace(format!(
            "Invalid collection name: {coll}"
        )));
    }
    Ok(())
}

fn index_key(ix: &Index, doc: &Document) -> Document {
    let mut key = Document::new();
    for (path, _) in &ix.keys {
        let v = update::get_path(doc, path).unwrap_or(Value::Null);
        key.insert(path.clone(), v);
    }
    key
}

fn keys_equal(a: &Document, b: &Document) -> bool {
    a.len() == b.len()
        && a.iter().zip(b.iter()).all(|((_, x), (_, y))| {
            x.bson_eq(y) || (matches!(x, Value::Null) && matches!(y, Value::Null))
        })
}

fn sort_key(doc: &Document, path: &str, dir: i32) -> Value {
    let vals = lookup(doc, path);
    let mut flat: Vec<Value> = Vec::new();
    for v in vals {
        match v {
            Value::Array(items) if !items.is_empty() => flat.extend(items),
            other => flat.push(other),
        }
    }
    let pick = if dir < 0 {
        flat.into_iter().max_by(|a, b| a.cmp_bson(b))
    } else {
        flat.into_iter().min_by(|a, b| a.cmp_bson(b))
    };
    pick.unwrap_or(Value::Null)
}

fn replacement(old: &Document, new: &Document) -> Result<Document, DocError> {
    let mut r = new.to_stored();
    if let Some(id) = r.get("_id") {
        if !old.get("_id").is_some_and(|o| o.bson_eq(id)) {
            return Err(DocError::server(
                66,
                None,
                format!(
                    "After applying the update, the (immutable) field '_id' was found to have been altered to _id: {}",
                    server_repr(id)
                ),
            ));
        }
    }
    r.remove("_id");
    if let Some(id) = old.get("_id") {
        r.insert_first("_id", id.clone());
    }
    Ok(r)
}

/// The fields an upsert copies from its filter: plain equalities and `$eq`.
fn equality_fields(filter: &Document) -> Document {
    let mut out = Document::new();
    for (k, v) in filter.iter() {
        if k == "$and" {
            if let Value::Array(items) = v {
                for it in items {
                    if let Value::Document(d) = it {
                        for (k2, v2) in equality_fields(d).iter() {
                            let _ = update::set_path(&mut out, k2, v2.clone());
                        }
                    }
                }
            }
            continue;
        }
        if k.starts_with('$') {
            continue;
        }
        let value = match v {
            Value::Document(d) if d.keys().next().is_some_and(|x| x.starts_with('$')) => {
                match d.get("$eq") {
                    Some(x) => x.clone(),
                    None => continue,
                }
            }
            Value::Regex { .. } => continue,
            other => other.clone(),
        };
        let _ = update::set_path(&mut out, k, value.to_stored());
    }
    out
}

impl Collection {
    fn size_on_disk(&self) -> i64 {
        let data: i64 = self.docs.iter().map(|d| document_size(d)).sum();
        let blocks = ((data + 4095) / 4096).max(1);
        blocks * 4096 + self.indexes.len() as i64 * 4096
    }
}

/// The size a document takes in BSON.
pub fn document_size(d: &Document) -> i64 {
    5 + d
        .iter()
        .map(|(k, v)| 2 + k.len() as i64 + bson_size(v))
        .sum::<i64>()
}

/// The size a value takes in BSON (used for `show dbs`).
pub fn bson_size(v: &Value) -> i64 {
    match v {
        Value::Undefined | Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Double(_) | Value::Int64(_) | Value::Date(_) => 8,
        Value::Int32(_) => 4,
        Value::Decimal(_) => 16,
        Value::ObjectId(_) => 12,
        Value::String(s) => 5 + s.len() as i64,
        Value::Regex { pattern, flags } => 2 + pattern.len() as i64 + flags.len() as i64,
        Value::Document(d) => document_size(d),
        Value::Array(items) => {
            5 + items
                .iter()
                .enumerate()
                .map(|(i, v)| 2 + i.to_string().len() as i64 + bson_size(v))
                .sum::<i64>()
        }
    }
}

//! The mongosh API objects: `db` (Database), `db.<name>` (Collection) and cursors, each
//! method checking its arguments as mongosh and the driver do before the store runs it.

use super::js::to_number;
use super::{doc_of, num, to_value, Cursor, Js, Shell};
use crate::doc::error::DocError;
use crate::doc::format::js_number;
use crate::doc::store::{FindOptions, Store, Validation};
use crate::doc::value::{Document, Value};

impl Shell {
    pub(super) fn call_db(
        &mut self,
        store: &mut Store,
        db: &str,
        name: &str,
        args: Vec<Js>,
    ) -> Result<Js, DocError> {
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        Ok(match name {
            "getCollectionNames" => Js::V(Value::Array(
                store
                    .collection_names(db)
                    .into_iter()
                    .map(Value::String)
                    .collect(),
            )),
            "getCollection" => match vals.first() {
                Some(Value::String(s)) if s.is_empty() || s.contains(['$', '\0']) => {
                    return Err(DocError::invalid_input(format!(
                        "[COMMON-10001] Invalid collection name: {s}"
                    )))
                }
                Some(Value::String(s)) => Js::Coll(db.into(), s.clone()),
                other => return Err(string_arg_error(other, "Database.getCollection")),
            },
            "getSiblingDB" => match vals.first() {
                Some(Value::String(s))
                    if s.is_empty() || s.contains(['/', '\\', '.', ' ', '"', '\0']) =>
                {
                    return Err(DocError::invalid_input(format!(
                        "[COMMON-10001] Invalid database name: {s}"
                    )))
                }
                Some(Value::String(s)) => Js::Db(s.clone()),
                other => return Err(string_arg_error(other, "Database.getSiblingDB")),
            },
            "getName" | "toString" => Js::V(Value::String(db.into())),
            "help" => Js::V(Value::String(super::DATABASE_HELP.into())),
            "createCollection" => {
                let coll = match vals.first() {
                    Some(Value::String(c)) => c.clone(),
                    other => return Err(string_arg_error(other, "Database.createCollection")),
                };
                let validation = match vals.get(1) {
                    Some(Value::Document(opts)) => validation_options(opts, "create")?,
                    _ => Validation::default(),
                };
                store.create_collection(db, &coll, validation)?;
                Js::V(doc_of(vec![("ok", num(1))]))
            }
            "runCommand" => {
                let Some(Value::Document(cmd)) = vals.first() else {
                    return Err(string_arg_error(vals.first(), "Database.runCommand"));
                };
                let Some((name, arg)) = cmd.iter().next() else {
                    return Err(DocError::invalid_input(
                        "[COMMON-10001] Command document is empty",
                    ));
                };
                match (name.as_str(), arg) {
                    ("collMod", Value::String(coll)) => {
                        store.modify_collection(db, coll, validation_options(cmd, "collMod")?)?;
                    }
                    ("ping", _) => {}
                    (other, _) => {
                        return Err(DocError::server_code(
                            59,
                            "CommandNotFound",
                            format!("no such command: '{other}'"),
                        ))
                    }
                }
                Js::V(doc_of(vec![("ok", num(1))]))
            }
            "dropDatabase" => {
                store.drop_database(db);
                Js::V(doc_of(vec![
                    ("ok", num(1)),
                    ("dropped", Value::String(db.into())),
                ]))
            }
            "getCollectionInfos" => Js::V(Value::Array(
                store
                    .collection_names(db)
                    .into_iter()
                    .map(|n| {
                        let options = store.collection_options(db, &n);
                        doc_of(vec![
                            ("name", Value::String(n)),
                            ("type", Value::String("collection".into())),
                            ("options", Value::Document(options.to_shell())),
                        ])
                    })
                    .collect(),
            )),
            _ => return Err(DocError::not_a_function(&format!("db.{name}"))),
        })
    }

    pub(super) fn call_coll(
        &mut self,
        store: &mut Store,
        db: &str,
        coll: &str,
        name: &str,
        args: Vec<Js>,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        let deprecated = match name {
            "insert" => {
                Some("Collection.insert() is deprecated. Use insertOne, insertMany, or bulkWrite.")
            }
            "count" => Some(
                "Collection.count() is deprecated. Use countDocuments or estimatedDocumentCount.",
            ),
            _ => None,
        };
        if let Some(message) = deprecated {
            // mongosh prints each deprecation warning once per session.
            if self.warnings_shown.insert(message.to_string()) {
                out.push(format!("DeprecationWarning: {message}"));
            }
        }
        let doc_arg = |i: usize, method: &str| -> Result<Document, DocError> {
            match vals.get(i) {
                Some(Value::Document(d)) => Ok(d.clone()),
                None | Some(Value::Undefined) => Err(missing_arg(i, method)),
                Some(other) => Err(DocError::invalid_argument(format!(
                    "Argument at position {i} must be of type object, got {} instead",
                    js_type(other)
                ))),
            }
        };
        let opt_doc = |i: usize| -> Result<Document, DocError> {
            match vals.get(i) {
                Some(Value::Document(d)) => Ok(d.clone()),
                None | Some(Value::Undefined) | Some(Value::Null) => Ok(Document::new()),
                Some(other) => Err(DocError::invalid_argument(format!(
                    "Argument at position {i} must be of type object, got {} instead",
                    js_type(other)
                ))),
            }
        };
        Ok(Js::V(match name {
            "insert" => {
                let items = match vals.first() {
                    Some(Value::Array(items)) => items.clone(),
                    None | Some(Value::Undefined) => {
                        return Err(missing_arg(0, "Collection.insert"))
                    }
                    Some(other) => vec![other.clone()],
                };
                return self.call_coll(
                    store,
                    db,
                    coll,
                    "insertMany",
                    vec![Js::V(Value::Array(items))],
                    out,
                );
            }
            "insertOne" => {
                let d = match vals.first() {
                    None | Some(Value::Undefined) => {
                        return Err(missing_arg(0, "Collection.insertOne"))
                    }
                    Some(v) => spread(v),
                };
                let id = store
                    .insert_one(db, coll, &d)
                    .map_err(DocError::as_write_error)?;
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    ("insertedId", id.to_shell()),
                ])
            }
            "insertMany" => {
                let items = match vals.first() {
                    Some(Value::Array(items)) => items.clone(),
                    None | Some(Value::Undefined) => {
                        return Err(missing_arg(0, "Collection.insertMany"))
                    }
                    Some(_) => {
                        return Err(DocError::invalid_argument(
                            "Argument \"docs\" must be an array of documents",
                        ))
                    }
                };
                let docs: Vec<Document> = items.iter().map(spread).collect();
                if docs.is_empty() {
                    return Err(DocError::invalid_argument(
                        "Invalid BulkOperation, Batch cannot be empty",
                    ));
                }
                let ordered = match vals.get(1) {
                    Some(Value::Document(o)) => {
                        o.get("ordered").is_none_or(crate::doc::query::truthy)
                    }
                    _ => true,
                };
                let docs = store.assign_ids(&docs);
                let mut ids = Document::new();
                let mut inserted = Vec::new();
                let mut failures = Vec::new();
                for (i, d) in docs.iter().enumerate() {
                    match store.insert_one(db, coll, d) {
                        Ok(id) => {
                            ids.insert(i.to_string(), id.to_shell());
                            inserted.push((i, id.to_shell()));
                        }
                        Err(e) => {
                            failures.push((i, e, Value::Document(d.clone())));
                            // An ordered insert stops at the first error; unordered goes on.
                            if ordered {
                                break;
                            }
                        }
                    }
                }
                if !failures.is_empty() {
                    return Err(DocError::bulk_write(failures, inserted));
                }
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    ("insertedIds", Value::Document(ids)),
                ])
            }
            "find" => {
                let filter = opt_doc(0)?;
                let projection = match vals.get(1) {
                    Some(Value::Document(p)) if !p.is_empty() => Some(p.clone()),
                    _ => None,
                };
                let cursor = Cursor {
                    db: db.into(),
                    coll: coll.into(),
                    filter,
                    opts: FindOptions {
                        projection,
                        ..FindOptions::default()
                    },
                    pipeline: None,
                    mapped: None,
                };
                // Validate now so errors surface on the line that caused them.
                store.find(db, coll, &cursor.filter, &cursor.opts)?;
                return Ok(Js::Cursor(Box::new(cursor)));
            }
            "aggregate" => {
                // mongosh takes the stages as one array or as separate arguments.
                let pipeline = match vals.as_slice() {
                    [Value::Array(stages), ..] => stages.clone(),
                    [] => Vec::new(),
                    stages => stages.to_vec(),
                };
                let cursor = Cursor {
                    db: db.into(),
                    coll: coll.into(),
                    filter: Document::new(),
                    opts: FindOptions::default(),
                    pipeline: Some(pipeline),
                    mapped: None,
                };
                // Run it once now so that errors surface on this line.
                cursor.documents(store)?;
                return Ok(Js::Cursor(Box::new(cursor)));
            }
            "findOne" => {
                let filter = opt_doc(0)?;
                let projection = match vals.get(1) {
                    Some(Value::Document(p)) if !p.is_empty() => Some(p.clone()),
                    _ => None,
                };
                let opts = FindOptions {
                    projection,
                    limit: 1,
                    ..FindOptions::default()
                };
                match store.find(db, coll, &filter, &opts)?.into_iter().next() {
                    Some(d) => Value::Document(d.to_shell()),
                    None => Value::Null,
                }
            }
            "updateOne" | "updateMany" | "replaceOne" => {
                let method = format!("Collection.{name}");
                let filter = doc_arg(0, &method)?;
                let change = update_arg(vals.get(1), &method)?;
                let opts = opt_doc(2)?;
                let upsert = opts.get("upsert").is_some_and(crate::doc::query::truthy);
                let replace = name == "replaceOne";
                if replace {
                    if crate::doc::update::has_operators(&change) {
                        return Err(DocError::replacement_has_operators());
                    }
                } else if !crate::doc::update::has_operators(&change) {
                    return Err(DocError::requires_atomic_operators());
                }
                let r = store
                    .update(
                        db,
                        coll,
                        &filter,
                        &change,
                        name == "updateMany",
                        upsert,
                        replace,
                    )
                    .map_err(DocError::as_write_error)?;
                let upserted = r.upserted_id.is_some();
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    (
                        "insertedId",
                        r.upserted_id.map(|v| v.to_shell()).unwrap_or(Value::Null),
                    ),
                    ("matchedCount", num(r.matched)),
                    ("modifiedCount", num(r.modified)),
                    ("upsertedCount", num(i64::from(upserted))),
                ])
            }
            "findOneAndUpdate" | "findOneAndReplace" | "findOneAndDelete" => {
                let method = format!("Collection.{name}");
                let filter = doc_arg(0, &method)?;
                let deleting = name == "findOneAndDelete";
                let change = if deleting {
                    Document::new()
                } else {
                    update_arg(vals.get(1), &method)?
                };
                let opts = opt_doc(if deleting { 1 } else { 2 })?;
                let replace = name == "findOneAndReplace";
                if !deleting {
                    if replace && crate::doc::update::has_operators(&change) {
                        return Err(DocError::replacement_has_operators());
                    }
                    if !replace && !crate::doc::update::has_operators(&change) {
                        return Err(DocError::requires_atomic_operators());
                    }
                }
                let flag = |k: &str| opts.get(k).is_some_and(crate::doc::query::truthy);
                let after = flag("returnNewDocument")
                    || matches!(opts.get("returnDocument"), Some(Value::String(s)) if s == "after");
                let mut find_opts = FindOptions {
                    limit: 1,
                    ..FindOptions::default()
                };
                if let Some(Value::Document(sort)) = opts.get("sort") {
                    find_opts.sort = sort
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                if v.as_f64().unwrap_or(1.0) < 0.0 {
                                    -1
                                } else {
                                    1
                                },
                            )
                        })
                        .collect();
                }
                let projection = match opts.get("projection") {
                    Some(Value::Document(p)) if !p.is_empty() => Some(p.clone()),
                    _ => None,
                };
                let before = store
                    .find(db, coll, &filter, &find_opts)?
                    .into_iter()
                    .next();
                let target = match before.as_ref().and_then(|d| d.get("_id")) {
                    Some(id) => {
                        let mut only = Document::new();
                        only.insert("_id", id.clone());
                        let mut both = Document::new();
                        both.insert(
                            "$and",
                            Value::Array(vec![
                                Value::Document(filter.clone()),
                                Value::Document(only),
                            ]),
                        );
                        both
                    }
                    None => filter.clone(),
                };
                let projection = match &projection {
                    Some(p) => crate::doc::query::Projection::parse(p)?,
                    None => None,
                };
                let show = |d: Option<Document>| match (d, &projection) {
                    (None, _) => Value::Null,
                    (Some(d), Some(p)) => Value::Document(p.apply(&d).to_shell()),
                    (Some(d), None) => Value::Document(d.to_shell()),
                };
                if deleting {
                    if before.is_some() {
                        store
                            .delete(db, coll, &target, false)
                            .map_err(DocError::as_write_error)?;
                    }
                    return Ok(Js::V(show(before)));
                }
                let r = store
                    .update(db, coll, &target, &change, false, flag("upsert"), replace)
                    .map_err(DocError::as_write_error)?;
                let id = r
                    .upserted_id
                    .or_else(|| before.as_ref().and_then(|d| d.get("_id").cloned()));
                if !after {
                    return Ok(Js::V(show(before)));
                }
                let now = match id {
                    Some(id) => {
                        let mut f = Document::new();
                        f.insert("_id", id);
                        store
                            .find(db, coll, &f, &FindOptions::default())?
                            .into_iter()
                            .next()
                    }
                    None => None,
                };
                show(now)
            }
            "deleteOne" | "deleteMany" => {
                let filter = doc_arg(0, &format!("Collection.{name}"))?;
                let n = store
                    .delete(db, coll, &filter, name == "deleteMany")
                    .map_err(DocError::as_write_error)?;
                doc_of(vec![
                    ("acknowledged", Value::Bool(true)),
                    ("deletedCount", num(n)),
                ])
            }
            "countDocuments" | "count" => {
                let filter = opt_doc(0)?;
                num(store.count(db, coll, &filter)?)
            }
            "estimatedDocumentCount" => num(store.documents(db, coll).len() as i64),
            "distinct" => {
                let Some(Value::String(field)) = vals.first() else {
                    return Err(missing_arg(0, "Collection.distinct"));
                };
                let filter = opt_doc(1)?;
                let docs = store.find(db, coll, &filter, &FindOptions::default())?;
                let mut seen: Vec<Value> = Vec::new();
                for d in &docs {
                    for v in crate::doc::query::lookup(d, field) {
                        let items = match v {
                            Value::Array(items) => items,
                            other => vec![other],
                        };
                        for it in items {
                            if !seen
                                .iter()
                                .any(|s| s.bson_eq(&it) && s.type_name() == it.type_name())
                            {
                                seen.push(it);
                            }
                        }
                    }
                }
                crate::sorting::sort_by(&mut seen, |a, b| a.cmp_bson(b));
                Value::Array(seen.iter().map(Value::to_shell).collect())
            }
            "drop" => Value::Bool(store.drop_collection(db, coll)),
            "createIndex" => {
                let keys = doc_arg(0, "Collection.createIndex")?;
                let opts = opt_doc(1)?;
                let unique = opts.get("unique").is_some_and(crate::doc::query::truthy);
                let iname = match opts.get("name") {
                    Some(Value::String(s)) => Some(s.clone()),
                    _ => None,
                };
                Value::String(store.create_index(db, coll, &keys, unique, iname)?)
            }
            "getIndexes" => Value::Array(
                store
                    .indexes(db, coll)
                    .into_iter()
                    .map(|ix| {
                        let mut d = Document::new();
                        d.insert("v", num(2));
                        d.insert(
                            "key",
                            Value::Document(Document::from_pairs(ix.keys.clone())).to_shell(),
                        );
                        d.insert("name", Value::String(ix.name.clone()));
                        if ix.unique && ix.name != "_id_" {
                            d.insert("unique", Value::Bool(true));
                        }
                        Value::Document(d)
                    })
                    .collect(),
            ),
            "getName" => Value::String(coll.into()),
            "help" => Value::String(super::COLLECTION_HELP.into()),
            "getFullName" | "toString" => Value::String(format!("{db}.{coll}")),
            _ => return Err(DocError::not_a_function(&format!("db.{coll}.{name}"))),
        }))
    }

    pub(super) fn call_cursor(
        &mut self,
        store: &mut Store,
        mut c: Cursor,
        name: &str,
        args: Vec<Js>,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        if c.pipeline.is_some()
            && !matches!(name, "forEach" | "map" | "toArray" | "itcount" | "pretty")
        {
            return Err(DocError::not_a_function(&format!(
                "db.{}.aggregate(...).{name}",
                c.coll
            )));
        }
        if matches!(name, "forEach" | "map") {
            let items = c.values(store)?;
            let f = args.into_iter().next().unwrap_or(Js::V(Value::Undefined));
            // mongosh's cursor passes only the document, unlike Array.prototype.forEach.
            let result = self.iterate(store, name, items, f, false, out)?;
            if name == "map" {
                // `map` returns the cursor itself, which prints in batches like any cursor.
                c.mapped = Some(match result {
                    Js::V(Value::Array(v)) => v,
                    _ => Vec::new(),
                });
                return Ok(Js::Cursor(Box::new(c)));
            }
            return Ok(result);
        }
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        let first = vals.first().cloned().unwrap_or(Value::Undefined);
        match name {
            "sort" => {
                let Value::Document(spec) = first else {
                    return Err(DocError::invalid_argument(
                        "Invalid sort direction: must be an object",
                    ));
                };
                let mut keys = Vec::new();
                for (k, v) in spec.iter() {
                    let dir = match v.as_f64() {
                        Some(1.0) => 1,
                        Some(-1.0) => -1,
                        _ => return Err(DocError::bad_value(
                            "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
                        )),
                    };
                    keys.push((k.clone(), dir));
                }
                c.opts.sort = keys;
            }
            "limit" => c.opts.limit = to_number(&first).abs().min(1e9) as usize,
            "skip" => {
                let n = to_number(&first);
                if n < 0.0 {
                    return Err(DocError::bad_value(
                        "Skip value must be non-negative, but received: -1"
                            .replace("-1", &js_number(n)),
                    ));
                }
                c.opts.skip = n.min(1e9) as usize;
            }
            "projection" => {
                if let Value::Document(p) = first {
                    c.opts.projection = Some(p);
                }
            }
            "pretty" => {}
            "toArray" => return Ok(Js::V(Value::Array(c.values(store)?))),
            "count" => return Ok(Js::V(num(store.count(&c.db, &c.coll, &c.filter)?))),
            "itcount" | "size" => return Ok(Js::V(num(c.values(store)?.len() as i64))),
            "hasNext" => {
                let docs = c.documents(store)?;
                return Ok(Js::V(Value::Bool(!docs.is_empty())));
            }
            _ => return Err(DocError::not_a_function(&format!("cursor.{name}"))),
        }
        c.documents(store)?;
        Ok(Js::Cursor(Box::new(c)))
    }
}

pub(super) fn missing_arg(i: usize, method: &str) -> DocError {
    DocError::invalid_input(format!(
        "[COMMON-10001] Missing required argument at position {i} ({method})"
    ))
}

pub(super) fn js_type(v: &Value) -> &'static str {
    match v {
        Value::Double(_) => "number",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Undefined => "undefined",
        _ => "object",
    }
}

/// mongosh's `assertArgsDefinedType` for a required string argument at position 0.
pub(super) fn string_arg_error(arg: Option<&Value>, method: &str) -> DocError {
    match arg {
        None | Some(Value::Undefined) => missing_arg(0, method),
        Some(other) => DocError::invalid_input(format!(
            "[COMMON-10001] Argument at position 0 must be of type string, got {} instead ({method})",
            js_type(other)
        )),
    }
}

/// The update or replacement argument: mongosh does not check it, so a missing one reaches the
/// driver's `Object.keys(undefined)`.
fn update_arg(arg: Option<&Value>, method: &str) -> Result<Document, DocError> {
    match arg {
        Some(Value::Document(d)) => Ok(d.clone()),
        None | Some(Value::Undefined) | Some(Value::Null) => Err(DocError::type_error(
            "Cannot convert undefined or null to object",
        )),
        Some(Value::Array(_)) => Err(DocError::invalid_input(format!(
            "Pipeline-style updates are not simulated here ({method}); use update operators"
        ))),
        Some(_) => Err(DocError::requires_atomic_operators()),
    }
}

/// mongosh copies each document with `{ ...doc }` before inserting it: objects stay as they
/// are, arrays and strings become index-keyed documents, other values an empty document.
fn spread(v: &Value) -> Document {
    match v {
        Value::Document(d) => d.clone(),
        Value::Array(items) => Document::from_pairs(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| (i.to_string(), x.clone()))
                .collect(),
        ),
        Value::String(s) => Document::from_pairs(
            s.chars()
                .enumerate()
                .map(|(i, c)| (i.to_string(), Value::String(c.to_string())))
                .collect(),
        ),
        _ => Document::new(),
    }
}

/// Reads `validator`, `validationLevel` and `validationAction` from command options.
fn validation_options(opts: &Document, command: &str) -> Result<Validation, DocError> {
    let validator = match opts.get("validator") {
        Some(Value::Document(v)) => Some(v.clone()),
        None => None,
        Some(other) => {
            return Err(DocError::type_mismatch_cmd(format!(
                "BSON field '{command}.validator' is the wrong type '{}', expected type 'object'",
                other.type_name()
            )))
        }
    };
    let text = |k: &str| -> Result<Option<String>, DocError> {
        match opts.get(k) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            None => Ok(None),
            Some(other) => Err(DocError::type_mismatch_cmd(format!(
                "BSON field '{command}.{k}' is the wrong type '{}', expected type 'string'",
                other.type_name()
            ))),
        }
    };
    Ok(Validation {
        validator,
        level: text("validationLevel")?,
        action: text("validationAction")?,
    })
}

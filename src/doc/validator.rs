//! `$jsonSchema` validators: checked when `createCollection` stores them, and applied to every
//! inserted or updated document, producing the server's `errInfo` details
//! (`schemaRulesNotSatisfied`, `propertiesNotSatisfied`, `missingProperties`, …).

use super::error::DocError;
use super::query::{lookup, truthy, Filter};
use super::regex::Regex;
use super::value::{Document, Value};

const KEYWORDS: [&str; 16] = [
    "bsonType",
    "type",
    "required",
    "properties",
    "additionalProperties",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "enum",
    "pattern",
    "items",
    "description",
    "title",
    "minItems",
    "maxItems",
];

const BSON_TYPES: [&str; 14] = [
    "double",
    "string",
    "object",
    "array",
    "objectId",
    "bool",
    "date",
    "null",
    "regex",
    "int",
    "long",
    "decimal",
    "number",
    "undefined",
];

/// Checks a `$jsonSchema` document when a collection is created.
pub fn check_schema(schema: &Document, depth: usize) -> Result<(), DocError> {
    if depth > 50 {
        return Err(DocError::bad_value("$jsonSchema is nested too deeply"));
    }
    for (k, v) in schema.iter() {
        if !KEYWORDS.contains(&k.as_str()) {
            return Err(DocError::failed_to_parse(format!(
                "Unknown $jsonSchema keyword: {k}"
            )));
        }
        match k.as_str() {
            "bsonType" | "type" => {
                let names = match v {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) => items
                        .iter()
                        .map(|i| match i {
                            Value::String(s) => Ok(s.clone()),
                            _ => Err(DocError::type_mismatch_cmd(format!(
                                "$jsonSchema keyword '{k}' must be either a string or an array of strings"
                            ))),
                        })
                        .collect::<Result<_, _>>()?,
                    _ => {
                        return Err(DocError::type_mismatch_cmd(format!(
                            "$jsonSchema keyword '{k}' must be either a string or an array of strings"
                        )))
                    }
                };
                for n in names {
                    let ok = if k == "type" {
                        ["object", "array", "number", "boolean", "string", "null"]
                            .contains(&n.as_str())
                    } else {
                        BSON_TYPES.contains(&n.as_str())
                    };
                    if !ok {
                        return Err(DocError::bad_value(format!("Unknown type name alias: {n}")));
                    }
                }
            }
            "required" => {
                let ok = matches!(v, Value::Array(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Value::String(_))));
                if !ok {
                    return Err(DocError::failed_to_parse(
                        "$jsonSchema keyword 'required' must be an array of strings",
                    ));
                }
            }
            "properties" => {
                let Value::Document(props) = v else {
                    return Err(DocError::type_mismatch_cmd(
                        "$jsonSchema keyword 'properties' must be an object",
                    ));
                };
                for (_, sub) in props.iter() {
                    let Value::Document(sub) = sub else {
                        return Err(DocError::type_mismatch_cmd(
                            "Nested schema for $jsonSchema property must be an object",
                        ));
                    };
                    check_schema(sub, depth + 1)?;
                }
            }
            "items" => {
                if let Value::Document(sub) = v {
                    check_schema(sub, depth + 1)?;
                }
            }
            "minimum" | "maximum" if !v.is_number() => {
                return Err(DocError::type_mismatch_cmd(format!(
                    "$jsonSchema keyword '{k}' must be a number"
                )));
            }
            "pattern" => {
                let Value::String(p) = v else {
                    return Err(DocError::type_mismatch_cmd(
                        "$jsonSchema keyword 'pattern' must be a string",
                    ));
                };
                Regex::new(p, "").map_err(|r| {
                    DocError::bad_value(format!("Regular expression is invalid: {r}"))
                })?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn spec(key: &str, v: &Value) -> Value {
    let mut d = Document::new();
    d.insert(key, v.clone());
    Value::Document(d)
}

fn rule(op: &str, key: &str, v: &Value) -> Document {
    let mut d = Document::new();
    d.insert("operatorName", Value::String(op.into()));
    d.insert("specifiedAs", spec(key, v));
    d
}

fn type_ok(names: &[String], v: &Value, json: bool) -> bool {
    names.iter().any(|n| {
        if json {
            match n.as_str() {
                "number" => v.is_number(),
                "boolean" => matches!(v, Value::Bool(_)),
                other => other == v.type_name(),
            }
        } else {
            n == v.type_name() || (n == "number" && v.is_number())
        }
    })
}

/// The rules of `schema` that `value` breaks, as the server reports them.
pub fn violations(schema: &Document, value: &Value, depth: usize) -> Vec<Value> {
    let mut out = Vec::new();
    if depth > 50 {
        return out;
    }
    for (k, spec_v) in schema.iter() {
        match k.as_str() {
            "bsonType" | "type" => {
                let names: Vec<String> = match spec_v {
                    Value::String(s) => vec![s.clone()],
                    Value::Array(items) => items
                        .iter()
                        .filter_map(|i| match i {
                            Value::String(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                if !type_ok(&names, value, k == "type") {
                    let mut d = rule(k, k, spec_v);
                    d.insert("reason", Value::String("type did not match".into()));
                    d.insert("consideredValue", value.clone());
                    d.insert("consideredType", Value::String(value.type_name().into()));
                    out.push(Value::Document(d));
                }
            }
            "required" => {
                if let (Value::Document(doc), Value::Array(names)) = (value, spec_v) {
                    let missing: Vec<Value> = names
                        .iter()
                        .filter(|n| matches!(n, Value::String(s) if !doc.contains_key(s)))
                        .cloned()
                        .collect();
                    if !missing.is_empty() {
                        let mut d = rule("required", "required", spec_v);
                        d.insert("missingProperties", Value::Array(missing));
                        out.push(Value::Document(d));
                    }
                }
            }
            "properties" => {
                if let (Value::Document(doc), Value::Document(props)) = (value, spec_v) {
                    let mut failed = Vec::new();
                    for (name, sub) in props.iter() {
                        let (Some(v), Value::Document(sub)) = (doc.get(name), sub) else {
                            continue;
                        };
                        let details = violations(sub, v, depth + 1);
                        if !details.is_empty() {
                            let mut p = Document::new();
                            p.insert("propertyName", Value::String(name.clone()));
                            for note in ["title", "description"] {
                                if let Some(text) = sub.get(note) {
                                    p.insert(note, text.clone());
                                }
                            }
                            p.insert("details", Value::Array(details));
                            failed.push(Value::Document(p));
                        }
                    }
                    if !failed.is_empty() {
                        let mut d = Document::new();
                        d.insert("operatorName", Value::String("properties".into()));
                        d.insert("propertiesNotSatisfied", Value::Array(failed));
                        out.push(Value::Document(d));
                    }
                }
            }
            "additionalProperties" => {
                if let (Value::Document(doc), Value::Bool(false)) = (value, spec_v) {
                    let allowed: Vec<&str> = match schema.get("properties") {
                        Some(Value::Document(p)) => p.keys().collect(),
                        _ => Vec::new(),
                    };
                    let extra: Vec<Value> = doc
                        .keys()
                        .filter(|k| !allowed.contains(k))
                        .map(|k| Value::String(k.to_string()))
                        .collect();
                    if !extra.is_empty() {
                        let mut d = rule(k, k, spec_v);
                        d.insert("additionalProperties", Value::Array(extra));
                        out.push(Value::Document(d));
                    }
                }
            }
            "minimum" | "maximum" if value.is_number() => {
                let o = value.cmp_bson(spec_v);
                let bad = if k == "minimum" { o.is_lt() } else { o.is_gt() };
                if bad {
                    let mut d = rule(k, k, spec_v);
                    d.insert("reason", Value::String("comparison failed".into()));
                    d.insert("consideredValue", value.clone());
                    out.push(Value::Document(d));
                }
            }
            "minLength" | "maxLength" => {
                if let (Value::String(s), Some(n)) = (value, spec_v.as_f64()) {
                    let len = s.chars().count() as f64;
                    let bad = if k == "minLength" { len < n } else { len > n };
                    if bad {
                        let mut d = rule(k, k, spec_v);
                        d.insert(
                            "reason",
                            Value::String("specified string length was not satisfied".into()),
                        );
                        d.insert("consideredValue", value.clone());
                        out.push(Value::Document(d));
                    }
                }
            }
            "minItems" | "maxItems" => {
                if let (Value::Array(a), Some(n)) = (value, spec_v.as_f64()) {
                    let len = a.len() as f64;
                    let bad = if k == "minItems" { len < n } else { len > n };
                    if bad {
                        let mut d = rule(k, k, spec_v);
                        d.insert(
                            "reason",
                            Value::String("array did not match specified length".into()),
                        );
                        d.insert("consideredValue", value.clone());
                        d.insert("numberOfItems", Value::Int32(a.len() as i32));
                        out.push(Value::Document(d));
                    }
                }
            }
            "enum" => {
                if let Value::Array(options) = spec_v {
                    if !options.iter().any(|o| o.bson_eq(value)) {
                        let mut d = rule(k, k, spec_v);
                        d.insert(
                            "reason",
                            Value::String("value was not found in enum".into()),
                        );
                        d.insert("consideredValue", value.clone());
                        out.push(Value::Document(d));
                    }
                }
            }
            "pattern" => {
                if let (Value::String(s), Value::String(p)) = (value, spec_v) {
                    if Regex::new(p, "").is_ok_and(|r| !r.is_match(s)) {
                        let mut d = rule(k, k, spec_v);
                        d.insert(
                            "reason",
                            Value::String("regular expression did not match".into()),
                        );
                        d.insert("consideredValue", value.clone());
                        out.push(Value::Document(d));
                    }
                }
            }
            "items" => {
                if let (Value::Array(items), Value::Document(sub)) = (value, spec_v) {
                    // The server reports the first item that fails, with its details.
                    let failing = items.iter().enumerate().find_map(|(i, it)| {
                        let details = violations(sub, it, depth + 1);
                        (!details.is_empty()).then_some((i, details))
                    });
                    if let Some((i, details)) = failing {
                        let mut d = Document::new();
                        d.insert("operatorName", Value::String("items".into()));
                        for note in ["title", "description"] {
                            if let Some(text) = sub.get(note) {
                                d.insert(note, text.clone());
                            }
                        }
                        d.insert(
                            "reason",
                            Value::String("At least one item did not match the sub-schema".into()),
                        );
                        d.insert("itemIndex", Value::Int32(i as i32));
                        d.insert("details", Value::Array(details));
                        out.push(Value::Document(d));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Validates a document against a collection's validator; `Err` is the server's
/// `Document failed validation` with its `errInfo`. A validator is an implicit `$and` of its
/// clauses (`$jsonSchema`, and one clause per query operator: `{age: {$gte: 0, $lte: 9}}` is
/// two). With one clause its details are reported directly, with several as `$and` with
/// `clausesNotSatisfied` (the server's `doc_validation_error.cpp`).
pub fn validate(validator: &Document, doc: &Document) -> Result<(), DocError> {
    let Some(details) = explain_filter(validator, doc, 0) else {
        return Ok(());
    };
    let mut info = Document::new();
    info.insert(
        "failingDocumentId",
        doc.get("_id").cloned().unwrap_or(Value::Null),
    );
    info.insert("details", Value::Document(details));
    Err(DocError::validation_failed(
        Value::Document(info).to_shell(),
    ))
}

/// Checks the query-style part of a validator when the collection is created.
pub fn check_query_clause(key: &str, value: &Value) -> Result<(), DocError> {
    let mut d = Document::new();
    d.insert(key, value.clone());
    Filter::parse(&d).map(|_| ())
}

/// One clause of a filter document: `$jsonSchema`, a logical operator, or one operator on one
/// path (equality counts as `$eq`).
enum Clause {
    Schema(Document),
    Logical(String, Vec<Document>),
    Leaf(String, String, Value),
}

fn clauses(filter: &Document) -> Vec<Clause> {
    let mut out = Vec::new();
    for (k, v) in filter.iter() {
        if k == "$jsonSchema" {
            if let Value::Document(s) = v {
                out.push(Clause::Schema(s.clone()));
            }
        } else if k.starts_with('$') {
            let subs = match v {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| match i {
                        Value::Document(d) => Some(d.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            out.push(Clause::Logical(k.clone(), subs));
        } else {
            match v {
                Value::Document(ops) if ops.keys().next().is_some_and(|o| o.starts_with('$')) => {
                    for (op, arg) in ops.iter() {
                        if op == "$options" {
                            continue;
                        }
                        let arg = match (op.as_str(), ops.get("$options")) {
                            ("$regex", Some(Value::String(f))) => match arg {
                                Value::String(p) => Value::Regex {
                                    pattern: p.clone(),
                                    flags: f.clone(),
                                },
                                other => other.clone(),
                            },
                            _ => arg.clone(),
                        };
                        out.push(Clause::Leaf(k.clone(), op.clone(), arg));
                    }
                }
                Value::Regex { .. } => {
                    out.push(Clause::Leaf(k.clone(), "$regex".into(), v.clone()))
                }
                other => out.push(Clause::Leaf(k.clone(), "$eq".into(), other.clone())),
            }
        }
    }
    out
}

fn clause_filter(c: &Clause) -> Document {
    let mut d = Document::new();
    match c {
        Clause::Schema(s) => {
            d.insert("$jsonSchema", Value::Document(s.clone()));
        }
        Clause::Logical(op, subs) => {
            d.insert(
                op.clone(),
                Value::Array(subs.iter().cloned().map(Value::Document).collect()),
            );
        }
        Clause::Leaf(path, op, arg) => {
            let mut o = Document::new();
            match (op.as_str(), arg) {
                ("$regex", Value::Regex { pattern, flags }) => {
                    o.insert("$regex", Value::String(pattern.clone()));
                    if !flags.is_empty() {
                        o.insert("$options", Value::String(flags.clone()));
                    }
                }
                _ => o.insert(op.clone(), arg.clone()),
            }
            d.insert(path.clone(), Value::Document(o));
        }
    }
    d
}

fn clause_matches(c: &Clause, doc: &Document) -> bool {
    match c {
        Clause::Schema(s) => violations(s, &Value::Document(doc.clone()), 0).is_empty(),
        _ => Filter::parse(&clause_filter(c)).is_ok_and(|f| f.matches(doc)),
    }
}

/// Why `doc` fails the filter document (an implicit `$and`), or `None` when it passes.
fn explain_filter(filter: &Document, doc: &Document, depth: usize) -> Option<Document> {
    let list = clauses(filter);
    let failed: Vec<(usize, Document)> = list
        .iter()
        .enumerate()
        .filter(|(_, c)| !clause_matches(c, doc))
        .filter_map(|(i, c)| explain_clause(c, doc, depth).map(|d| (i, d)))
        .collect();
    if failed.is_empty() {
        return None;
    }
    if list.len() == 1 {
        return failed.into_iter().next().map(|(_, d)| d);
    }
    let mut d = Document::new();
    d.insert("operatorName", Value::String("$and".into()));
    d.insert("clausesNotSatisfied", indexed(failed));
    Some(d)
}

fn indexed(items: Vec<(usize, Document)>) -> Value {
    Value::Array(
        items
            .into_iter()
            .map(|(i, det)| {
                let mut c = Document::new();
                c.insert("index", Value::Int32(i as i32));
                c.insert("details", Value::Document(det));
                Value::Document(c)
            })
            .collect(),
    )
}

fn explain_clause(c: &Clause, doc: &Document, depth: usize) -> Option<Document> {
    if depth > 20 {
        return None;
    }
    let mut d = Document::new();
    match c {
        Clause::Schema(s) => {
            let rules = violations(s, &Value::Document(doc.clone()), 0);
            d.insert("operatorName", Value::String("$jsonSchema".into()));
            for note in ["title", "description"] {
                if let Some(text) = s.get(note) {
                    d.insert(note, text.clone());
                }
            }
            d.insert("schemaRulesNotSatisfied", Value::Array(rules));
        }
        Clause::Logical(op, subs) => {
            d.insert("operatorName", Value::String(op.clone()));
            match op.as_str() {
                "$and" | "$or" => {
                    let failed: Vec<(usize, Document)> = subs
                        .iter()
                        .enumerate()
                        .filter_map(|(i, sub)| explain_filter(sub, doc, depth + 1).map(|e| (i, e)))
                        .collect();
                    d.insert("clausesNotSatisfied", indexed(failed));
                }
                _ => {
                    d.insert("specifiedAs", Value::Document(clause_filter(c)));
                }
            }
        }
        Clause::Leaf(path, op, arg) => {
            let mut specified = Document::new();
            let mut spec = Document::new();
            spec.insert(op.clone(), arg.clone());
            specified.insert(path.clone(), Value::Document(spec));
            d.insert("operatorName", Value::String(op.clone()));
            d.insert("specifiedAs", Value::Document(specified));
            let found = lookup(doc, path);
            // Leaf operators look through arrays at the end of the path (the server's
            // kTraverseOmitArray), except $size and $elemMatch which see the array itself.
            let values: Vec<Value> = if matches!(op.as_str(), "$size" | "$elemMatch" | "$all") {
                found.clone()
            } else {
                found
                    .iter()
                    .flat_map(|v| match v {
                        Value::Array(items) => items.clone(),
                        other => vec![other.clone()],
                    })
                    .collect()
            };
            let reason = match op.as_str() {
                "$exists" => {
                    if truthy(arg) {
                        "path does not exist"
                    } else {
                        "path does exist"
                    }
                }
                _ if found.is_empty() => "field was missing",
                "$type" => "type did not match",
                "$in" => "no matching value found in array",
                "$nin" => "matching value found in array",
                "$regex" => "regular expression did not match",
                "$size" | "$elemMatch" => "array did not satisfy the child predicate",
                "$all" => "array did not contain all specified values",
                _ => "comparison failed",
            };
            d.insert("reason", Value::String(reason.into()));
            if op != "$exists" && !found.is_empty() {
                match values.len() {
                    1 => d.insert("consideredValue", values[0].clone()),
                    _ => d.insert("consideredValues", Value::Array(values.clone())),
                }
                if op == "$type" {
                    let mut types: Vec<&str> = values.iter().map(|v| v.type_name()).collect();
                    crate::sorting::sort(&mut types);
                    types.dedup();
                    match types.as_slice() {
                        [one] => d.insert("consideredType", Value::String((*one).into())),
                        many => d.insert(
                            "consideredTypes",
                            Value::Array(many.iter().map(|t| Value::String((*t).into())).collect()),
                        ),
                    }
                }
            }
        }
    }
    Some(d)
}

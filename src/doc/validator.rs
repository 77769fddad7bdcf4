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
                            if let Some(desc) = sub.get("description") {
                                p.insert("description", desc.clone());
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
                    let mut failed = Vec::new();
                    for (i, it) in items.iter().enumerate() {
                        let details = violations(sub, it, depth + 1);
                        if !details.is_empty() {
                            let mut p = Document::new();
                            p.insert("index", Value::Int32(i as i32));
                            p.insert("details", Value::Array(details));
                            failed.push(Value::Document(p));
                        }
                    }
                    if !failed.is_empty() {
                        let mut d = rule("items", "items", spec_v);
                        d.insert("details", Value::Array(failed));
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
/// fields: `$jsonSchema` and query conditions (`{age: {$gte: 0}}`). With one field its details
/// are reported directly, with several as `$and` with `clausesNotSatisfied`.
pub fn validate(validator: &Document, doc: &Document) -> Result<(), DocError> {
    let mut failed = Vec::new();
    for (i, (k, v)) in validator.iter().enumerate() {
        let details = if k == "$jsonSchema" {
            let Value::Document(schema) = v else {
                continue;
            };
            let rules = violations(schema, &Value::Document(doc.clone()), 0);
            if rules.is_empty() {
                continue;
            }
            let mut d = Document::new();
            d.insert("operatorName", Value::String("$jsonSchema".into()));
            d.insert("schemaRulesNotSatisfied", Value::Array(rules));
            d
        } else {
            match clause_details(k, v, doc) {
                Some(d) => d,
                None => continue,
            }
        };
        failed.push((i, details));
    }
    if failed.is_empty() {
        return Ok(());
    }
    let details = if validator.len() == 1 {
        failed.remove(0).1
    } else {
        let mut d = Document::new();
        d.insert("operatorName", Value::String("$and".into()));
        d.insert(
            "clausesNotSatisfied",
            Value::Array(
                failed
                    .into_iter()
                    .map(|(i, det)| {
                        let mut c = Document::new();
                        c.insert("index", Value::Int32(i as i32));
                        c.insert("details", Value::Document(det));
                        Value::Document(c)
                    })
                    .collect(),
            ),
        );
        d
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

/// The details of one failing query-style clause (`{age: {$gte: 0}}`), or `None` when the
/// document satisfies it. Logical operators are reported without their sub-clauses.
fn clause_details(key: &str, value: &Value, doc: &Document) -> Option<Document> {
    let mut whole = Document::new();
    whole.insert(key, value.clone());
    let filter = Filter::parse(&whole).ok()?;
    if filter.matches(doc) {
        return None;
    }
    let mut d = Document::new();
    if key.starts_with('$') {
        d.insert("operatorName", Value::String(key.into()));
        d.insert("specifiedAs", Value::Document(whole));
        return Some(d);
    }
    let found = lookup(doc, key);
    let ops: Vec<(String, Value)> = match value {
        Value::Document(ops) if ops.keys().next().is_some_and(|k| k.starts_with('$')) => {
            ops.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        }
        other => vec![("$eq".into(), other.clone())],
    };
    // Report the first operator that fails on its own.
    let (op, arg) = ops
        .iter()
        .find(|(op, arg)| {
            let mut one = Document::new();
            one.insert(op.clone(), arg.clone());
            let mut f = Document::new();
            f.insert(key, Value::Document(one));
            Filter::parse(&f).is_ok_and(|f| !f.matches(doc))
        })
        .cloned()
        .unwrap_or_else(|| ops[0].clone());
    let mut spec = Document::new();
    spec.insert(op.clone(), arg.clone());
    let mut specified = Document::new();
    specified.insert(key, Value::Document(spec));
    d.insert("operatorName", Value::String(op.clone()));
    d.insert("specifiedAs", Value::Document(specified));
    let reason = match (op.as_str(), found.is_empty()) {
        ("$exists", _) => {
            if truthy(&arg) {
                "path does not exist"
            } else {
                "path does exist"
            }
        }
        (_, true) => "field was missing",
        ("$type", _) => "type did not match",
        ("$in", _) => "no matching value found in array",
        ("$nin", _) => "matching value found in array",
        ("$regex", _) => "regular expression did not match",
        _ => "comparison failed",
    };
    d.insert("reason", Value::String(reason.into()));
    if let Some(v) = found.first() {
        if op != "$exists" {
            d.insert("consideredValue", v.clone());
            if op == "$type" {
                d.insert("consideredType", Value::String(v.type_name().into()));
            }
        }
    }
    Some(d)
}

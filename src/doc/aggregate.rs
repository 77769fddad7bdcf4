//! A small aggregation pipeline: `$match $project $addFields $set $lookup $group $sort $limit $skip
//! $count $unwind`, with field paths (`'$qty'`), literals and a few expression operators.
//! Enough for a learner's first `aggregate`; anything else is refused with the server's words.

use std::cmp::Ordering;

use super::error::DocError;
use super::query::{lookup, truthy, Filter, Projection};
use super::update::{get_path, set_path};
use super::value::{Document, Value};

/// Runs `pipeline` (stage documents) over `docs`; `collection` reads another collection of
/// the same database (for `$lookup`).
pub fn run(
    mut docs: Vec<Document>,
    pipeline: &[Value],
    collection: &dyn Fn(&str) -> Vec<Document>,
) -> Result<Vec<Document>, DocError> {
    for stage in pipeline {
        let Value::Document(stage) = stage else {
            return Err(DocError::type_mismatch_cmd(
                "Each element of the 'pipeline' array must be an object",
            ));
        };
        if stage.len() != 1 {
            return Err(DocError::server_code(
                40323,
                "Location40323",
                "A pipeline stage specification object must contain exactly one field.",
            ));
        }
        let Some((name, spec)) = stage.iter().next() else {
            continue;
        };
        docs = match name.as_str() {
            "$match" => {
                let Value::Document(f) = spec else {
                    return Err(DocError::server_code(
                        15959,
                        "Location15959",
                        "the match filter must be an expression in an object",
                    ));
                };
                let filter = Filter::parse(f)?;
                docs.into_iter().filter(|d| filter.matches(d)).collect()
            }
            "$limit" | "$skip" => {
                let n = spec.as_f64().unwrap_or(-1.0);
                if n.fract() != 0.0 || n < 0.0 || (name == "$limit" && n == 0.0) {
                    return Err(DocError::server_code(
                        15958,
                        "Location15958",
                        format!("the {} must be positive", &name[1..]),
                    ));
                }
                if name == "$limit" {
                    docs.into_iter().take(n as usize).collect()
                } else {
                    docs.into_iter().skip(n as usize).collect()
                }
            }
            "$sort" => {
                let Value::Document(keys) = spec else {
                    return Err(DocError::server_code(
                        15973,
                        "Location15973",
                        "the $sort key specification must be an object",
                    ));
                };
                let keys: Vec<(String, bool)> = keys
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_f64().unwrap_or(1.0) < 0.0))
                    .collect();
                crate::sorting::sort_by(&mut docs, |a, b| compare(a, b, &keys));
                docs
            }
            "$count" => {
                let Value::String(field) = spec else {
                    return Err(DocError::server_code(
                        40156,
                        "Location40156",
                        "the count field must be a non-empty string",
                    ));
                };
                if docs.is_empty() {
                    Vec::new()
                } else {
                    let mut d = Document::new();
                    d.insert(field.clone(), Value::Int32(docs.len() as i32));
                    vec![d]
                }
            }
            "$unwind" => unwind(docs, spec)?,
            "$project" => project(docs, spec)?,
            "$addFields" | "$set" => {
                let Value::Document(fields) = spec else {
                    return Err(DocError::server_code(
                        40272,
                        "Location40272",
                        format!("{name} specification stage must be an object"),
                    ));
                };
                let mut out = Vec::new();
                for d in docs {
                    let mut n = d.clone();
                    for (k, e) in fields.iter() {
                        let v = eval(&d, e).map_err(|e| caused_by(name, e))?;
                        set_path(&mut n, k, v)?;
                    }
                    out.push(n);
                }
                out
            }
            "$group" => group(docs, spec)?,
            "$lookup" => lookup_stage(docs, spec, collection)?,
            other => {
                return Err(DocError::server_code(
                    40324,
                    "Location40324",
                    format!("Unrecognized pipeline stage name: '{other}'"),
                ))
            }
        };
    }
    Ok(docs)
}

/// `$lookup` with `from`, `localField`, `foreignField` and `as`: each document gets the array
/// of documents of `from` whose `foreignField` equals its `localField` (arrays match by element).
fn lookup_stage(
    docs: Vec<Document>,
    spec: &Value,
    collection: &dyn Fn(&str) -> Vec<Document>,
) -> Result<Vec<Document>, DocError> {
    let field = |d: &Document, k: &str| match d.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let Value::Document(spec) = spec else {
        return Err(DocError::server_code(
            40319,
            "Location40319",
            "the $lookup specification must be an Object",
        ));
    };
    let (Some(from), Some(local), Some(foreign), Some(as_field)) = (
        field(spec, "from"),
        field(spec, "localField"),
        field(spec, "foreignField"),
        field(spec, "as"),
    ) else {
        return Err(DocError::failed_to_parse(
            "$lookup requires 'from', 'localField', 'foreignField' and 'as' as strings",
        ));
    };
    let foreign_docs = collection(&from);
    let mut out = Vec::new();
    for d in docs {
        let mut keys: Vec<Value> = Vec::new();
        for v in lookup(&d, &local) {
            match v {
                Value::Array(items) => keys.extend(items),
                other => keys.push(other),
            }
        }
        if keys.is_empty() {
            keys.push(Value::Null);
        }
        let matches: Vec<Value> = foreign_docs
            .iter()
            .filter(|f| {
                let found = lookup(f, &foreign);
                let mut values: Vec<Value> = Vec::new();
                for v in found {
                    match v {
                        Value::Array(items) => values.extend(items),
                        other => values.push(other),
                    }
                }
                if values.is_empty() {
                    values.push(Value::Null);
                }
                values.iter().any(|fv| {
                    keys.iter().any(|k| {
                        k.bson_eq(fv) || (matches!(k, Value::Null) && matches!(fv, Value::Null))
                    })
                })
            })
            .map(|f| Value::Document(f.clone()))
            .collect();
        let mut n = d;
        set_path(&mut n, &as_field, Value::Array(matches))?;
        out.push(n);
    }
    Ok(out)
}

/// The server wraps a stage's parse errors: `Invalid $project :: caused by :: …`.
fn caused_by(stage: &str, mut e: DocError) -> DocError {
    e.message = format!("Invalid {stage} :: caused by :: {}", e.message);
    e
}

fn compare(a: &Document, b: &Document, keys: &[(String, bool)]) -> Ordering {
    for (k, desc) in keys {
        let x = lookup(a, k).into_iter().next().unwrap_or(Value::Null);
        let y = lookup(b, k).into_iter().next().unwrap_or(Value::Null);
        let o = x.cmp_bson(&y);
        let o = if *desc { o.reverse() } else { o };
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

fn unwind(docs: Vec<Document>, spec: &Value) -> Result<Vec<Document>, DocError> {
    let (path, keep) = match spec {
        Value::String(p) => (p.clone(), false),
        Value::Document(d) => match d.get("path") {
            Some(Value::String(p)) => (
                p.clone(),
                d.get("preserveNullAndEmptyArrays").is_some_and(truthy),
            ),
            _ => {
                return Err(DocError::server_code(
                    28812,
                    "Location28812",
                    "no path specified to $unwind stage",
                ))
            }
        },
        _ => {
            return Err(DocError::server_code(
                15981,
                "Location15981",
                "expected either a string or an object as specification for $unwind stage",
            ))
        }
    };
    let Some(field) = path.strip_prefix('$') else {
        return Err(DocError::server_code(
            28818,
            "Location28818",
            format!("path option to $unwind stage should be prefixed with a '$': {path}"),
        ));
    };
    let mut out = Vec::new();
    for d in docs {
        match get_path(&d, field) {
            Some(Value::Array(items)) if !items.is_empty() => {
                for it in items {
                    let mut n = d.clone();
                    set_path(&mut n, field, it)?;
                    out.push(n);
                }
            }
            Some(Value::Array(_)) | Some(Value::Null) | None => {
                if keep {
                    out.push(d);
                }
            }
            Some(_) => out.push(d),
        }
    }
    Ok(out)
}

fn project(docs: Vec<Document>, spec: &Value) -> Result<Vec<Document>, DocError> {
    let Value::Document(spec) = spec else {
        return Err(DocError::server_code(
            15969,
            "Location15969",
            "$project specification must be an object",
        ));
    };
    // Plain 0/1/true/false fields go through the find projection; anything else is computed.
    let mut plain = Document::new();
    let mut computed = Vec::new();
    for (k, v) in spec.iter() {
        match v {
            Value::Bool(_) | Value::Double(_) | Value::Int32(_) | Value::Int64(_) => {
                plain.insert(k.clone(), v.clone())
            }
            other => computed.push((k.clone(), other.clone())),
        }
    }
    if !computed.is_empty() && !plain.iter().any(|(k, v)| k != "_id" && truthy(v)) {
        for (k, _) in &computed {
            plain.insert(k.clone(), Value::Bool(true));
        }
    }
    let projection = Projection::parse(&plain)?;
    let mut out = Vec::new();
    for d in docs {
        let mut n = match &projection {
            Some(p) => p.apply(&d),
            None => d.clone(),
        };
        for (k, e) in &computed {
            set_path(
                &mut n,
                k,
                eval(&d, e).map_err(|e| caused_by("$project", e))?,
            )?;
        }
        out.push(n);
    }
    Ok(out)
}

fn group(docs: Vec<Document>, spec: &Value) -> Result<Vec<Document>, DocError> {
    let Value::Document(spec) = spec else {
        return Err(DocError::server_code(
            15947,
            "Location15947",
            "a group's fields must be specified in an object",
        ));
    };
    let Some(id_expr) = spec.get("_id") else {
        return Err(DocError::server_code(
            15955,
            "Location15955",
            "a group specification must include an _id",
        ));
    };
    let mut accs = Vec::new();
    for (k, v) in spec.iter().filter(|(k, _)| k != "_id") {
        let op = match v {
            Value::Document(d) if d.len() == 1 => d.iter().next().cloned(),
            _ => None,
        };
        let Some((op, arg)) = op else {
            return Err(DocError::server_code(
                40234,
                "Location40234",
                format!("The field '{k}' must be an accumulator object"),
            ));
        };
        if !matches!(
            op.as_str(),
            "$sum"
                | "$avg"
                | "$min"
                | "$max"
                | "$first"
                | "$last"
                | "$push"
                | "$addToSet"
                | "$count"
        ) {
            return Err(DocError::server_code(
                15952,
                "Location15952",
                format!("unknown group operator '{op}'"),
            ));
        }
        accs.push((k.clone(), op, arg));
    }
    let mut groups: Vec<(Value, Vec<Document>)> = Vec::new();
    for d in docs {
        let key = eval(&d, id_expr)?;
        match groups.iter_mut().find(|(k, _)| {
            k.bson_eq(&key) || (matches!(k, Value::Null) && matches!(key, Value::Null))
        }) {
            Some((_, members)) => members.push(d),
            None => groups.push((key, vec![d])),
        }
    }
    let mut out = Vec::new();
    for (key, members) in groups {
        let mut g = Document::new();
        g.insert("_id", key);
        for (name, op, arg) in &accs {
            let values: Vec<Value> = members
                .iter()
                .map(|m| eval(m, arg))
                .collect::<Result<_, _>>()?;
            g.insert(name.clone(), accumulate(op, &values, members.len()));
        }
        out.push(g);
    }
    Ok(out)
}

fn accumulate(op: &str, values: &[Value], count: usize) -> Value {
    let numbers: Vec<&Value> = values.iter().filter(|v| v.is_number()).collect();
    match op {
        "$count" => Value::Int32(count as i32),
        "$sum" => sum(&numbers),
        "$avg" => {
            if numbers.is_empty() {
                Value::Null
            } else {
                let total: f64 = numbers.iter().filter_map(|v| v.as_f64()).sum();
                Value::Double(total / numbers.len() as f64)
            }
        }
        "$min" | "$max" => {
            let present = values
                .iter()
                .filter(|v| !matches!(v, Value::Null | Value::Undefined));
            let pick = if op == "$min" {
                present.min_by(|a, b| a.cmp_bson(b))
            } else {
                present.max_by(|a, b| a.cmp_bson(b))
            };
            pick.cloned().unwrap_or(Value::Null)
        }
        "$first" => values.first().cloned().unwrap_or(Value::Null),
        "$last" => values.last().cloned().unwrap_or(Value::Null),
        "$push" => Value::Array(values.to_vec()),
        _ => {
            let mut set: Vec<Value> = Vec::new();
            for v in values {
                if !set.iter().any(|s| s.bson_eq(v)) {
                    set.push(v.clone());
                }
            }
            Value::Array(set)
        }
    }
}

fn sum(numbers: &[&Value]) -> Value {
    if numbers
        .iter()
        .all(|v| matches!(v, Value::Int32(_) | Value::Int64(_)))
    {
        let total: i64 = numbers
            .iter()
            .map(|v| match v {
                Value::Int32(i) => i64::from(*i),
                Value::Int64(i) => *i,
                _ => 0,
            })
            .sum();
        let any_long = numbers.iter().any(|v| matches!(v, Value::Int64(_)));
        return match i32::try_from(total) {
            Ok(i) if !any_long => Value::Int32(i),
            _ => Value::Int64(total),
        };
    }
    Value::Double(numbers.iter().filter_map(|v| v.as_f64()).sum())
}

/// Evaluates an aggregation expression against one document.
fn eval(doc: &Document, e: &Value) -> Result<Value, DocError> {
    Ok(match e {
        Value::String(s) if s.starts_with("$$") => {
            return Err(DocError::server_code(
                17276,
                "Location17276",
                format!("Use of undefined variable: {}", &s[2..]),
            ))
        }
        Value::String(s) if s.starts_with('$') => get_path(doc, &s[1..]).unwrap_or(Value::Null),
        Value::Document(d) if d.keys().next().is_some_and(|k| k.starts_with('$')) => {
            let Some((op, arg)) = d.iter().next() else {
                return Ok(Value::Null);
            };
            let args = match arg {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            if op == "$literal" {
                return Ok(arg.clone());
            }
            let vals: Vec<Value> = args
                .iter()
                .map(|a| eval(doc, a))
                .collect::<Result<_, _>>()?;
            match op.as_str() {
                "$add" | "$multiply" => {
                    let mut acc = if op == "$add" { 0.0 } else { 1.0 };
                    for v in &vals {
                        let x = v.as_f64().unwrap_or(0.0);
                        acc = if op == "$add" { acc + x } else { acc * x };
                    }
                    Value::Double(acc)
                }
                "$subtract" | "$divide" => {
                    let x = vals.first().and_then(Value::as_f64).unwrap_or(0.0);
                    let y = vals.get(1).and_then(Value::as_f64).unwrap_or(0.0);
                    if op == "$divide" && y == 0.0 {
                        return Err(DocError::server_code(2, "BadValue", "can't $divide by zero"));
                    }
                    Value::Double(if op == "$subtract" { x - y } else { x / y })
                }
                "$concat" => {
                    let mut s = String::new();
                    for v in &vals {
                        match v {
                            Value::String(t) => s.push_str(t),
                            Value::Null | Value::Undefined => return Ok(Value::Null),
                            other => {
                                return Err(DocError::server_code(
                                    16702,
                                    "Location16702",
                                    format!(
                                        "$concat only supports strings, not {}",
                                        other.type_name()
                                    ),
                                ))
                            }
                        }
                    }
                    Value::String(s)
                }
                "$toUpper" | "$toLower" => match vals.first() {
                    Some(Value::String(t)) if op == "$toUpper" => Value::String(t.to_uppercase()),
                    Some(Value::String(t)) => Value::String(t.to_lowercase()),
                    _ => Value::String(String::new()),
                },
                "$size" => match vals.first() {
                    Some(Value::Array(a)) => Value::Int32(a.len() as i32),
                    other => {
                        return Err(DocError::server_code(
                            17124,
                            "Location17124",
                            format!(
                                "The argument to $size must be an array. Type of the passed argument was {}",
                                other.map_or("missing", |v| v.type_name())
                            ),
                        ))
                    }
                },
                "$ifNull" => vals
                    .iter()
                    .find(|v| !matches!(v, Value::Null | Value::Undefined))
                    .cloned()
                    .unwrap_or(Value::Null),
                "$sum" => sum(&vals.iter().collect::<Vec<_>>()),
                other => {
                    return Err(DocError::server_code(
                        168,
                        "InvalidPipelineOperator",
                        format!("Unrecognized expression '{other}'"),
                    ))
                }
            }
        }
        Value::Document(d) => {
            let mut out = Document::new();
            for (k, v) in d.iter() {
                out.insert(k.clone(), eval(doc, v)?);
            }
            Value::Document(out)
        }
        other => other.to_stored(),
    })
}

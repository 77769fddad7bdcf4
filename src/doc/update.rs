//! Update operators (`$set $unset $inc $mul $min $max $push $addToSet $pull $pop $rename
//! $currentDate $setOnInsert`) and replacement documents.
//!
//! Invariant: [`apply`] works on a copy; the caller commits the result only when every
//! document of the operation updated cleanly.

use super::error::DocError;
use super::format::server_repr;
use super::query::{truthy, Filter};
use super::value::{Document, Value};

const OPERATORS: [&str; 13] = [
    "$set",
    "$unset",
    "$inc",
    "$mul",
    "$min",
    "$max",
    "$push",
    "$addToSet",
    "$pull",
    "$pop",
    "$rename",
    "$currentDate",
    "$setOnInsert",
];

/// Deepest document nesting the server stores (BSON's documented limit of 100 levels).
pub const MAX_DEPTH: usize = 100;

/// Whether an update document uses operators (the driver's `hasAtomicOperators`).
pub fn has_operators(update: &Document) -> bool {
    update.keys().next().is_some_and(|k| k.starts_with('$'))
}

/// Checks an update document before any document is touched: known modifiers, object
/// arguments and no two paths that overlap.
pub fn validate(update: &Document) -> Result<(), DocError> {
    let mut paths: Vec<String> = Vec::new();
    for (op, arg) in update.iter() {
        if !OPERATORS.contains(&op.as_str()) {
            return Err(DocError::unknown_modifier(op));
        }
        let Value::Document(fields) = arg else {
            return Err(DocError::failed_to_parse(format!(
                "Modifiers operate on fields but we found type {} instead. For example: {{$mod: {{<field>: ...}}}} not {{{op}: {}}}",
                type_word(arg),
                server_repr(arg)
            )));
        };
        for (path, v) in fields.iter() {
            if path.is_empty() || path.split('.').any(|p| p.is_empty()) {
                return Err(DocError::bad_value(format!(
                    "The update path '{path}' contains an empty field name, which is not allowed."
                )));
            }
            if path.split('.').count() > MAX_DEPTH {
                return Err(DocError::bad_value(format!(
                    "The update path '{}…' has more than {MAX_DEPTH} parts",
                    path.chars().take(40).collect::<String>()
                )));
            }
            let mut all = vec![path.clone()];
            if op == "$rename" {
                if let Value::String(to) = v {
                    all.push(to.clone());
                } else {
                    return Err(DocError::bad_value(format!(
                        "The 'to' field for $rename must be a string: {path}: {}",
                        server_repr(v)
                    )));
                }
            }
            for p in all {
                for q in &paths {
                    let conflict = p == *q
                        || p.starts_with(&format!("{q}."))
                        || q.starts_with(&format!("{p}."));
                    if conflict {
                        let shorter = if p.len() <= q.len() { &p } else { q };
                        return Err(DocError::conflicting_update(&p, shorter));
                    }
                }
                paths.push(p);
            }
        }
    }
    Ok(())
}

fn type_word(v: &Value) -> &'static str {
    match v {
        Value::Double(_) | Value::Int32(_) | Value::Int64(_) | Value::Decimal(_) => match v {
            Value::Int32(_) => "int",
            Value::Int64(_) => "long",
            Value::Decimal(_) => "decimal",
            _ => "double",
        },
        other => other.type_name(),
    }
}

/// Applies a validated update to a copy of `doc`; `now` is the store clock for
/// `$currentDate`, `inserting` enables `$setOnInsert`.
pub fn apply(
    doc: &Document,
    update: &Document,
    now: i64,
    inserting: bool,
    positional: Option<usize>,
) -> Result<Document, DocError> {
    let mut out = doc.clone();
    let ctx = OpContext {
        id_text: match doc.get("_id") {
            Some(id) => format!("{{_id: {}}}", server_repr(id)),
            None => "{}".into(),
        },
        now,
        inserting,
    };
    // Since MongoDB 5.0 the server applies the fields of all operators in lexicographic
    // order of their paths (numeric names numerically), which decides where new fields go.
    let mut entries: Vec<(&str, &str, &Value)> = Vec::new();
    for (op, arg) in update.iter() {
        if let Value::Document(fields) = arg {
            for (path, v) in fields.iter() {
                entries.push((op.as_str(), path.as_str(), v));
            }
        }
    }
    crate::sorting::sort_by(&mut entries, |a, b| compare_paths(a.1, b.1));
    for (op, raw_path, raw_v) in entries {
        for path in expand_positional(&out, raw_path, positional)? {
            let path = path.as_str();
            let v = raw_v.to_stored();
            if path == "_id" || path.starts_with("_id.") {
                let same = doc.get("_id").is_some_and(|old| old.bson_eq(&v));
                if !(op == "$set" && same) && op != "$setOnInsert" {
                    return Err(DocError::immutable_id());
                }
            }
            apply_operator(&mut out, op, path, v, &ctx)?;
        }
    }
    Ok(out)
}

/// Orders update paths component by component; names that are numbers sort numerically
/// and before other names.
fn compare_paths(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |p: &str| -> Vec<(u8, u64, String)> {
        p.split('.')
            .map(|c| match c.parse::<u64>() {
                Ok(n) if !(c.len() > 1 && c.starts_with('0')) => (0, n, String::new()),
                _ => (1, 0, c.to_string()),
            })
            .collect()
    };
    key(a).cmp(&key(b))
}

/// What an operator needs to know besides its path and argument.
struct OpContext {
    /// `{_id: …}` of the document, as error messages quote it.
    id_text: String,
    /// The store clock, for `$currentDate`.
    now: i64,
    /// Whether the update is building an upserted document (`$setOnInsert` applies).
    inserting: bool,
}

/// Applies one operator to one (resolved) path.
fn apply_operator(
    out: &mut Document,
    op: &str,
    path: &str,
    v: Value,
    ctx: &OpContext,
) -> Result<(), DocError> {
    match op {
        "$set" => set_path(out, path, v)?,
        "$setOnInsert" => {
            if ctx.inserting {
                set_path(out, path, v)?
            }
        }
        "$unset" => {
            unset_path(out, path);
        }
        "$inc" | "$mul" => {
            if !v.is_number() {
                let verb = if op == "$inc" {
                    "increment"
                } else {
                    "multiply"
                };
                return Err(DocError::type_mismatch(format!(
                    "Cannot {verb} with non-numeric argument: {{{path}: {}}}",
                    server_repr(&v)
                )));
            }
            let current = get_path(out, path);
            let new = match current {
            None => {
                if op == "$inc" {
                    v.clone()
                } else {
                    zero_like(&v)
                }
            }
            Some(c) if c.is_number() => arith(&c, &v, op == "$mul"),
            Some(c) => {
                return Err(DocError::type_mismatch(format!(
                    "Cannot apply {op} to a value of non-numeric type. {} has the field '{}' of non-numeric type {}",
                    ctx.id_text,
                    path.rsplit('.').next().unwrap_or(path),
                    type_word(&c)
                )))
            }
        };
            set_path(out, path, new)?;
        }
        "$min" | "$max" => {
            let replace = match get_path(out, path) {
                None => true,
                Some(c) => {
                    let o = v.cmp_bson(&c);
                    if op == "$min" {
                        o.is_lt()
                    } else {
                        o.is_gt()
                    }
                }
            };
            if replace {
                set_path(out, path, v)?;
            }
        }
        "$push" | "$addToSet" => {
            let items = match &v {
                Value::Document(d) if d.contains_key("$each") => match d.get("$each") {
                    Some(Value::Array(items)) => items.clone(),
                    _ => {
                        return Err(DocError::bad_value(format!(
                            "The argument to $each in {op} must be an array but it was of type: {}",
                            d.get("$each").map_or("missing", type_word)
                        )))
                    }
                },
                other => vec![other.clone()],
            };
            let mut arr = match get_path(out, path) {
                None => Vec::new(),
                Some(Value::Array(a)) => a,
                Some(other) => {
                    let field = path.rsplit('.').next().unwrap_or(path);
                    return Err(if op == "$push" {
                        DocError::bad_value(format!(
                            "The field '{field}' must be an array but is of type {} in document {}",
                            type_word(&other),
                            ctx.id_text
                        ))
                    } else {
                        DocError::bad_value(format!(
                        "Cannot apply $addToSet to non-array field. Field named '{field}' has non-array type {}",
                        type_word(&other)
                    ))
                    });
                }
            };
            let modifiers = match &v {
                Value::Document(d) if op == "$push" && d.contains_key("$each") => Some(d.clone()),
                _ => None,
            };
            match &modifiers {
                Some(m) => push_with_modifiers(&mut arr, items, m)?,
                None => {
                    for it in items {
                        if op == "$push" || !arr.iter().any(|x| x.bson_eq(&it)) {
                            arr.push(it);
                        }
                    }
                }
            }
            set_path(out, path, Value::Array(arr))?;
        }
        "$pull" => {
            if let Some(current) = get_path(out, path) {
                let Value::Array(arr) = current else {
                    return Err(DocError::bad_value(
                        "Cannot apply $pull to a non-array value",
                    ));
                };
                let keep: Vec<Value> = match &v {
                    Value::Document(cond) => {
                        let is_ops = cond.keys().next().is_some_and(|k| k.starts_with('$'));
                        let filter = if is_ops {
                            let mut wrap = Document::new();
                            wrap.insert("v", v.clone());
                            Filter::parse(&wrap)?
                        } else {
                            Filter::parse(cond)?
                        };
                        arr.into_iter()
                            .filter(|x| {
                                let hit = if is_ops {
                                    let mut wrap = Document::new();
                                    wrap.insert("v", x.clone());
                                    filter.matches(&wrap)
                                } else {
                                    match x {
                                        Value::Document(d) => filter.matches(d),
                                        _ => false,
                                    }
                                };
                                !hit
                            })
                            .collect()
                    }
                    target => arr.into_iter().filter(|x| !x.bson_eq(target)).collect(),
                };
                set_path(out, path, Value::Array(keep))?;
            }
        }
        "$pop" => {
            if let Some(Value::Array(mut arr)) = get_path(out, path) {
                if !arr.is_empty() {
                    if v.as_f64().unwrap_or(1.0) < 0.0 {
                        arr.remove(0);
                    } else {
                        arr.pop();
                    }
                }
                set_path(out, path, Value::Array(arr))?;
            }
        }
        "$rename" => {
            if let Value::String(to) = &v {
                if let Some(old) = get_path(out, path) {
                    unset_path(out, path);
                    set_path(out, to, old)?;
                }
            }
        }
        "$currentDate" => {
            if truthy(&v) || matches!(v, Value::Document(_)) {
                set_path(out, path, Value::Date(ctx.now))?;
            }
        }
        other => return Err(DocError::unknown_modifier(other)),
    }
    Ok(())
}

/// Resolves the positional operators of an update path: `a.$.b` uses the array index the
/// filter matched, `a.$[].b` stands for every element of the array `a`.
fn expand_positional(
    doc: &Document,
    path: &str,
    positional: Option<usize>,
) -> Result<Vec<String>, DocError> {
    let parts: Vec<&str> = path.split('.').collect();
    let Some(i) = parts.iter().position(|p| *p == "$" || *p == "$[]") else {
        return Ok(vec![path.to_string()]);
    };
    let prefix = parts[..i].join(".");
    let rest = &parts[i + 1..];
    let join = |idx: usize| {
        let mut p = format!("{prefix}.{idx}");
        for r in rest {
            p.push('.');
            p.push_str(r);
        }
        p
    };
    if parts[i] == "$" {
        let Some(idx) = positional else {
            return Err(DocError::bad_value(
                "The positional operator did not find the match needed from the query.",
            ));
        };
        return expand_positional(doc, &join(idx), None).map(|v| v.into_iter().collect());
    }
    match get_path(doc, &prefix) {
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for idx in 0..items.len() {
                out.extend(expand_positional(doc, &join(idx), positional)?);
            }
            Ok(out)
        }
        _ => Err(DocError::bad_value(format!(
            "The path '{prefix}' must exist in the document in order to apply array updates."
        ))),
    }
}

/// `$push` with `$each` and its `$position`, `$sort` and `$slice` modifiers, applied in that
/// order as the server does.
fn push_with_modifiers(
    arr: &mut Vec<Value>,
    items: Vec<Value>,
    modifiers: &Document,
) -> Result<(), DocError> {
    for k in modifiers.keys() {
        if !matches!(k, "$each" | "$position" | "$sort" | "$slice") {
            return Err(DocError::bad_value(format!(
                "Unrecognized clause in $push: {k}"
            )));
        }
    }
    let int_arg = |name: &str| -> Result<Option<i64>, DocError> {
        match modifiers.get(name) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n.fract() == 0.0 => Ok(Some(n as i64)),
                _ => Err(DocError::bad_value(format!(
                    "The value for {name} must be an integer value but was given type: {}",
                    type_word(v)
                ))),
            },
        }
    };
    let position = int_arg("$position")?;
    let slice = int_arg("$slice")?;
    let at = match position {
        None => arr.len(),
        Some(p) if p < 0 => arr.len().saturating_sub(p.unsigned_abs() as usize),
        Some(p) => (p as usize).min(arr.len()),
    };
    arr.splice(at..at, items);
    match modifiers.get("$sort") {
        None => {}
        Some(Value::Document(spec)) => {
            let keys: Vec<(String, bool)> = spec
                .iter()
                .map(|(k, d)| (k.clone(), d.as_f64().unwrap_or(1.0) < 0.0))
                .collect();
            crate::sorting::sort_by(arr, |a, b| {
                for (k, desc) in &keys {
                    let get = |v: &Value| match v {
                        Value::Document(d) => get_path(d, k).unwrap_or(Value::Null),
                        _ => Value::Null,
                    };
                    let o = get(a).cmp_bson(&get(b));
                    let o = if *desc { o.reverse() } else { o };
                    if o.is_ne() {
                        return o;
                    }
                }
                std::cmp::Ordering::Equal
            });
        }
        Some(dir) => {
            let desc = dir.as_f64().unwrap_or(1.0) < 0.0;
            crate::sorting::sort_by(arr, |a, b| {
                let o = a.cmp_bson(b);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
        }
    }
    if let Some(n) = slice {
        let len = arr.len();
        if n >= 0 {
            arr.truncate((n as usize).min(len));
        } else {
            let keep = (n.unsigned_abs() as usize).min(len);
            arr.drain(..len - keep);
        }
    }
    Ok(())
}

fn zero_like(v: &Value) -> Value {
    match v {
        Value::Int32(_) => Value::Int32(0),
        Value::Int64(_) => Value::Int64(0),
        Value::Decimal(_) => Value::Decimal("0".into()),
        _ => Value::Double(0.0),
    }
}

/// Number arithmetic with BSON's type promotion (int32 overflows into int64).
fn arith(a: &Value, b: &Value, mul: bool) -> Value {
    let rank = |v: &Value| match v {
        Value::Int32(_) => 0,
        Value::Int64(_) => 1,
        Value::Double(_) => 2,
        _ => 3,
    };
    let r = rank(a).max(rank(b));
    let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
    let f = if mul { x * y } else { x + y };
    match r {
        0 | 1 => {
            let (p, q) = (int_of(a), int_of(b));
            let res = if mul {
                p.checked_mul(q)
            } else {
                p.checked_add(q)
            };
            match res {
                Some(n) if r == 0 && i32::try_from(n).is_ok() => Value::Int32(n as i32),
                Some(n) => Value::Int64(n),
                None => Value::Double(f),
            }
        }
        2 => Value::Double(f),
        _ => Value::Decimal(super::format::js_number(f)),
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int32(i) => i64::from(*i),
        Value::Int64(i) => *i,
        other => other.as_f64().unwrap_or(0.0) as i64,
    }
}

/// The value at a dotted path (no array expansion; numeric parts index arrays).
pub fn get_path(doc: &Document, path: &str) -> Option<Value> {
    let mut parts = path.split('.');
    let mut cur = doc.get(parts.next()?)?;
    for part in parts {
        cur = match cur {
            Value::Document(d) => d.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur.clone())
}

/// Sets a dotted path, creating embedded documents on the way.
pub fn set_path(doc: &mut Document, path: &str, value: Value) -> Result<(), DocError> {
    let parts: Vec<&str> = path.split('.').collect();
    set_in_doc(doc, &parts, value, path)
}

fn set_in_doc(
    doc: &mut Document,
    parts: &[&str],
    value: Value,
    full: &str,
) -> Result<(), DocError> {
    let Some((first, rest)) = parts.split_first() else {
        return Ok(());
    };
    if rest.is_empty() {
        doc.insert(*first, value);
        return Ok(());
    }
    if !doc.contains_key(first) {
        doc.insert(*first, Value::Document(Document::new()));
    }
    let Some(slot) = doc.get_mut(first) else {
        return Ok(());
    };
    set_in_value(slot, rest, value, full, first)
}

fn set_in_value(
    slot: &mut Value,
    parts: &[&str],
    value: Value,
    full: &str,
    parent: &str,
) -> Result<(), DocError> {
    match slot {
        Value::Document(d) => set_in_doc(d, parts, value, full),
        Value::Array(items) => {
            let Some((first, rest)) = parts.split_first() else {
                return Ok(());
            };
            let Ok(i) = first.parse::<usize>() else {
                return Err(DocError::server(
                    28,
                    None,
                    format!(
                        "Cannot create field '{first}' in element {{{parent}: {}}}",
                        server_repr(slot)
                    ),
                ));
            };
            if i > 10_000 {
                return Err(DocError::bad_value("array index too large"));
            }
            while items.len() <= i {
                items.push(Value::Null);
            }
            if rest.is_empty() {
                items[i] = value;
                Ok(())
            } else {
                if !matches!(items[i], Value::Document(_) | Value::Array(_)) {
                    items[i] = Value::Document(Document::new());
                }
                set_in_value(&mut items[i], rest, value, full, first)
            }
        }
        other => Err(DocError::server(
            28,
            None,
            format!(
                "Cannot create field '{}' in element {{{parent}: {}}}",
                parts.first().copied().unwrap_or(""),
                server_repr(other)
            ),
        )),
    }
}

/// Removes a dotted path; in arrays the element becomes `null`, as the server does.
pub fn unset_path(doc: &mut Document, path: &str) {
    match path.split_once('.') {
        None => {
            doc.remove(path);
        }
        Some((head, rest)) => match doc.get_mut(head) {
            Some(Value::Document(sub)) => unset_path(sub, rest),
            Some(Value::Array(items)) => {
                if let Some((idx, more)) = rest
                    .split_once('.')
                    .map_or(Some((rest, None)), |(a, b)| Some((a, Some(b))))
                {
                    if let Ok(i) = idx.parse::<usize>() {
                        if let Some(it) = items.get_mut(i) {
                            match (more, it) {
                                (None, it) => *it = Value::Null,
                                (Some(m), Value::Document(d)) => unset_path(d, m),
                                _ => {}
                            }
                        }
                    }
                }
            }
            _ => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_order_like_the_server() {
        let mut paths = vec!["b", "a.10", "a.2", "a", "A", "a.b", "10", "9"];
        crate::sorting::sort_by(&mut paths, |a, b| compare_paths(a, b));
        assert_eq!(paths, ["9", "10", "A", "a", "a.2", "a.10", "a.b", "b"]);
    }

    #[test]
    fn int32_overflow_becomes_long() {
        assert_eq!(
            arith(&Value::Int32(i32::MAX), &Value::Int32(1), false),
            Value::Int64(2_147_483_648)
        );
        assert_eq!(
            arith(&Value::Int32(2), &Value::Double(0.5), false),
            Value::Double(2.5)
        );
        assert_eq!(
            arith(&Value::Int64(3), &Value::Int32(4), true),
            Value::Int64(12)
        );
    }
}

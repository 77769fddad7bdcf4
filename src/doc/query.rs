//! Query filters: parsing a filter document into a [`Filter`] (validating operators as the
//! server does, before any document is read) and matching documents against it, with
//! dotted paths into embedded documents and arrays.

use super::error::DocError;
use super::regex::Regex;
use super::value::{Document, Value};

/// A compiled filter.
#[derive(Clone, Debug)]
pub enum Filter {
    /// All must match (a filter document's fields, or `$and`).
    And(Vec<Filter>),
    /// `$or`.
    Or(Vec<Filter>),
    /// `$nor`.
    Nor(Vec<Filter>),
    /// A condition on one (dotted) path.
    Field(String, Cond),
}

/// A condition on the values found at a path.
#[derive(Clone, Debug)]
pub enum Cond {
    /// Equality (`{a: v}` or `$eq`).
    Eq(Value),
    /// `$ne`.
    Ne(Value),
    /// `$gt`, `$gte`, `$lt`, `$lte` as an ordering test.
    Cmp(CmpOp, Value),
    /// `$in`.
    In(Vec<Value>),
    /// `$nin`.
    Nin(Vec<Value>),
    /// `$exists`.
    Exists(bool),
    /// `$type` with the accepted type names.
    Type(Vec<String>),
    /// `$regex` or a regex literal.
    Regex(Regex),
    /// `$not`.
    Not(Box<Cond>),
    /// Several operators on one field, all of which must hold.
    All(Vec<Cond>),
    /// `$size`.
    Size(i64),
    /// `$all`.
    AllOf(Vec<Value>),
    /// `$elemMatch`.
    ElemMatch(Box<Filter>),
}

/// An ordering operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `$gt`.
    Gt,
    /// `$gte`.
    Gte,
    /// `$lt`.
    Lt,
    /// `$lte`.
    Lte,
}

const TYPE_ALIASES: [&str; 14] = [
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

impl Filter {
    /// Compiles a filter document.
    pub fn parse(doc: &Document) -> Result<Filter, DocError> {
        Filter::parse_depth(doc, 0)
    }

    fn parse_depth(doc: &Document, depth: usize) -> Result<Filter, DocError> {
        if depth > 100 {
            return Err(DocError::bad_value(
                "exceeded depth limit of 100 when parsing filter",
            ));
        }
        let mut parts = Vec::new();
        for (k, v) in doc.iter() {
            if let Some(op) = k.strip_prefix('$') {
                let list = match op {
                    "and" | "or" | "nor" => {
                        let Value::Array(items) = v else {
                            return Err(DocError::bad_value(format!("{k} must be an array")));
                        };
                        if items.is_empty() {
                            return Err(DocError::bad_value(
                                "$and/$or/$nor must be a nonempty array",
                            ));
                        }
                        let mut subs = Vec::new();
                        for it in items {
                            let Value::Document(d) = it else {
                                return Err(DocError::bad_value(
                                    "$or/$and/$nor entries need to be full objects",
                                ));
                            };
                            subs.push(Filter::parse_depth(d, depth + 1)?);
                        }
                        subs
                    }
                    "comment" => continue,
                    _ => return Err(DocError::unknown_top_level_operator(k)),
                };
                parts.push(match op {
                    "and" => Filter::And(list),
                    "or" => Filter::Or(list),
                    _ => Filter::Nor(list),
                });
            } else {
                parts.push(Filter::Field(k.clone(), parse_cond(v, depth)?));
            }
        }
        Ok(Filter::And(parts))
    }

    /// The index, in the first array a matching condition went through, of the element that
    /// satisfied it: what the positional `$` of an update refers to.
    pub fn positional_index(&self, doc: &Document) -> Option<usize> {
        match self {
            Filter::And(fs) => fs.iter().find_map(|f| f.positional_index(doc)),
            Filter::Field(path, cond) => {
                let parts: Vec<&str> = path.split('.').collect();
                let mut cur = doc.clone();
                for (i, part) in parts.iter().enumerate() {
                    match cur.get(part) {
                        Some(Value::Array(items)) => {
                            let rest = parts[i + 1..].join(".");
                            return items.iter().position(|it| {
                                if rest.is_empty() {
                                    cond_holds(cond, std::slice::from_ref(it))
                                } else if let Value::Document(d) = it {
                                    cond_holds(cond, &lookup(d, &rest))
                                } else {
                                    false
                                }
                            });
                        }
                        Some(Value::Document(d)) => cur = d.clone(),
                        _ => return None,
                    }
                }
                None
            }
            Filter::Or(_) | Filter::Nor(_) => None,
        }
    }

    /// Whether a stored document matches.
    pub fn matches(&self, doc: &Document) -> bool {
        match self {
            Filter::And(fs) => fs.iter().all(|f| f.matches(doc)),
            Filter::Or(fs) => fs.iter().any(|f| f.matches(doc)),
            Filter::Nor(fs) => !fs.iter().any(|f| f.matches(doc)),
            Filter::Field(path, cond) => {
                let raw = lookup(doc, path);
                cond_holds(cond, &raw)
            }
        }
    }
}

fn is_operator_doc(v: &Value) -> Option<&Document> {
    match v {
        Value::Document(d) if d.keys().next().is_some_and(|k| k.starts_with('$')) => Some(d),
        _ => None,
    }
}

fn parse_cond(v: &Value, depth: usize) -> Result<Cond, DocError> {
    if let Value::Regex { pattern, flags } = v {
        return compile_regex(pattern, flags).map(Cond::Regex);
    }
    let Some(ops) = is_operator_doc(v) else {
        return Ok(Cond::Eq(v.clone()));
    };
    let mut conds = Vec::new();
    let regex_options = match ops.get("$options") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(DocError::bad_value("$options has to be a string")),
        None => None,
    };
    for (k, arg) in ops.iter() {
        let c = match k.as_str() {
            "$eq" => Cond::Eq(arg.clone()),
            "$ne" => Cond::Ne(arg.clone()),
            "$gt" => Cond::Cmp(CmpOp::Gt, arg.clone()),
            "$gte" => Cond::Cmp(CmpOp::Gte, arg.clone()),
            "$lt" => Cond::Cmp(CmpOp::Lt, arg.clone()),
            "$lte" => Cond::Cmp(CmpOp::Lte, arg.clone()),
            "$in" | "$nin" => {
                let Value::Array(items) = arg else {
                    return Err(DocError::bad_value(format!("{} needs an array", k)));
                };
                if k == "$in" {
                    Cond::In(items.clone())
                } else {
                    Cond::Nin(items.clone())
                }
            }
            "$exists" => Cond::Exists(truthy(arg)),
            "$type" => {
                let specs = match arg {
                    Value::Array(items) => items.clone(),
                    other => vec![other.clone()],
                };
                let mut names = Vec::new();
                for s in specs {
                    names.push(type_spec(&s)?);
                }
                Cond::Type(names)
            }
            "$regex" => match arg {
                Value::String(p) => {
                    Cond::Regex(compile_regex(p, regex_options.as_deref().unwrap_or(""))?)
                }
                Value::Regex { pattern, flags } => {
                    let f = regex_options.clone().unwrap_or_else(|| flags.clone());
                    Cond::Regex(compile_regex(pattern, &f)?)
                }
                _ => return Err(DocError::bad_value("$regex has to be a string")),
            },
            "$options" => {
                if !ops.contains_key("$regex") {
                    return Err(DocError::bad_value("$options needs a $regex"));
                }
                continue;
            }
            "$not" => match arg {
                Value::Regex { pattern, flags } => {
                    Cond::Not(Box::new(Cond::Regex(compile_regex(pattern, flags)?)))
                }
                Value::Document(d) if d.is_empty() => {
                    return Err(DocError::bad_value("$not cannot be empty"))
                }
                Value::Document(_) if is_operator_doc(arg).is_some() => {
                    Cond::Not(Box::new(parse_cond(arg, depth + 1)?))
                }
                Value::Document(_) => {
                    let first = match arg {
                        Value::Document(d) => d.keys().next().unwrap_or("").to_string(),
                        _ => String::new(),
                    };
                    return Err(DocError::unknown_operator(&first));
                }
                _ => return Err(DocError::bad_value("$not needs a regex or a document")),
            },
            "$size" => match arg.as_f64() {
                Some(n) if n.fract() == 0.0 && n >= 0.0 => Cond::Size(n as i64),
                Some(n) if n < 0.0 => {
                    return Err(DocError::bad_value(
                        "Failed to parse $size. Expected a non-negative number in: $size: -1"
                            .replace("-1", &super::format::js_number(n)),
                    ))
                }
                _ => return Err(DocError::bad_value("$size needs a number")),
            },
            "$all" => {
                let Value::Array(items) = arg else {
                    return Err(DocError::bad_value("$all needs an array"));
                };
                Cond::AllOf(items.clone())
            }
            "$elemMatch" => {
                let Value::Document(d) = arg else {
                    return Err(DocError::bad_value("$elemMatch needs an Object"));
                };
                Cond::ElemMatch(Box::new(elem_match_filter(d, depth)?))
            }
            other => return Err(DocError::unknown_operator(other)),
        };
        conds.push(c);
    }
    Ok(Cond::All(conds))
}

/// `$elemMatch` takes either a filter on the element's fields or operators on the element
/// itself; the latter is stored as a condition on the empty path.
fn elem_match_filter(d: &Document, depth: usize) -> Result<Filter, DocError> {
    let ops_on_element = d
        .keys()
        .next()
        .is_some_and(|k| k.starts_with('$') && !matches!(k, "$and" | "$or" | "$nor"));
    if ops_on_element {
        Ok(Filter::Field(
            String::new(),
            parse_cond(&Value::Document(d.clone()), depth + 1)?,
        ))
    } else {
        Filter::parse_depth(d, depth + 1)
    }
}

fn compile_regex(pattern: &str, flags: &str) -> Result<Regex, DocError> {
    if let Some(bad) = flags.chars().find(|c| !"imsxu".contains(*c)) {
        return Err(DocError::bad_value(format!(
            "invalid flag in regex options: {bad}"
        )));
    }
    Regex::new(pattern, flags)
        .map_err(|reason| DocError::bad_value(format!("Regular expression is invalid: {reason}")))
}

fn type_spec(v: &Value) -> Result<String, DocError> {
    match v {
        Value::String(s) if TYPE_ALIASES.contains(&s.as_str()) => Ok(s.clone()),
        Value::String(s) => Err(DocError::bad_value(format!("Unknown type name alias: {s}"))),
        other => {
            let code = other.as_f64().unwrap_or(-1.0);
            let name = match code as i64 {
                1 => "double",
                2 => "string",
                3 => "object",
                4 => "array",
                6 => "undefined",
                7 => "objectId",
                8 => "bool",
                9 => "date",
                10 => "null",
                11 => "regex",
                16 => "int",
                18 => "long",
                19 => "decimal",
                _ => {
                    return Err(DocError::bad_value(format!(
                        "Invalid numerical type code: {}",
                        super::format::js_number(code)
                    )))
                }
            };
            Ok(name.to_string())
        }
    }
}

/// JavaScript truthiness, as `$exists` reads its argument.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Undefined | Value::Null => false,
        Value::Bool(b) => *b,
        Value::Double(f) => *f != 0.0 && !f.is_nan(),
        Value::Int32(i) => *i != 0,
        Value::Int64(i) => *i != 0,
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// The values at a dotted path: arrays on the way are searched element by element, and a
/// numeric component also indexes arrays. An empty result means the path is missing.
pub fn lookup(doc: &Document, path: &str) -> Vec<Value> {
    if path.is_empty() {
        return vec![Value::Document(doc.clone())];
    }
    let parts: Vec<&str> = path.split('.').collect();
    let mut out = Vec::new();
    if let Some((first, rest)) = parts.split_first() {
        if let Some(x) = doc.get(first) {
            walk(x, rest, &mut out, 1);
        }
    }
    out
}

fn walk(v: &Value, parts: &[&str], out: &mut Vec<Value>, depth: usize) {
    if depth > 200 {
        return;
    }
    let Some((first, rest)) = parts.split_first() else {
        out.push(v.clone());
        return;
    };
    match v {
        Value::Document(d) => {
            if let Some(x) = d.get(first) {
                walk(x, rest, out, depth + 1);
            }
        }
        Value::Array(items) => {
            if let Ok(i) = first.parse::<usize>() {
                if let Some(x) = items.get(i) {
                    walk(x, rest, out, depth + 1);
                }
            }
            for it in items {
                if let Value::Document(_) = it {
                    walk(it, parts, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

fn expanded(raw: &[Value]) -> Vec<&Value> {
    let mut out = Vec::new();
    for v in raw {
        out.push(v);
        if let Value::Array(items) = v {
            out.extend(items.iter());
        }
    }
    out
}

fn eq_holds(target: &Value, raw: &[Value]) -> bool {
    if matches!(target, Value::Null | Value::Undefined) && raw.is_empty() {
        return true;
    }
    expanded(raw).iter().any(|v| {
        if matches!(target, Value::Null | Value::Undefined) {
            matches!(v, Value::Null | Value::Undefined)
        } else {
            v.bson_eq(target)
        }
    })
}

fn cond_holds(cond: &Cond, raw: &[Value]) -> bool {
    match cond {
        Cond::Eq(Value::Regex { pattern, flags }) => {
            let as_regex = Regex::new(pattern, flags)
                .map(|r| regex_holds(&r, raw))
                .unwrap_or(false);
            as_regex
                || eq_holds(
                    &Value::Regex {
                        pattern: pattern.clone(),
                        flags: flags.clone(),
                    },
                    raw,
                )
        }
        Cond::Eq(t) => eq_holds(t, raw),
        Cond::Ne(t) => !eq_holds(t, raw),
        Cond::Cmp(op, t) => expanded(raw).iter().any(|v| {
            if !v.same_bracket(t) {
                return false;
            }
            let o = v.cmp_bson(t);
            match op {
                CmpOp::Gt => o.is_gt(),
                CmpOp::Gte => o.is_ge(),
                CmpOp::Lt => o.is_lt(),
                CmpOp::Lte => o.is_le(),
            }
        }),
        Cond::In(items) => items.iter().any(|t| match t {
            Value::Regex { pattern, flags } => Regex::new(pattern, flags)
                .map(|r| regex_holds(&r, raw))
                .unwrap_or(false),
            t => eq_holds(t, raw),
        }),
        Cond::Nin(items) => !cond_holds(&Cond::In(items.clone()), raw),
        Cond::Exists(want) => raw.is_empty() != *want,
        Cond::Type(names) => {
            expanded(raw).iter().any(|v| {
                names.iter().any(|n| {
                    n == v.type_name()
                        || (n == "number" && v.is_number())
                        || (n == "array" && matches!(v, Value::Array(_)))
                })
            }) || raw
                .iter()
                .any(|v| matches!(v, Value::Array(_)) && names.iter().any(|n| n == "array"))
        }
        Cond::Regex(r) => regex_holds(r, raw),
        Cond::Not(c) => !cond_holds(c, raw),
        Cond::All(cs) => cs.iter().all(|c| cond_holds(c, raw)),
        Cond::Size(n) => raw
            .iter()
            .any(|v| matches!(v, Value::Array(items) if items.len() as i64 == *n)),
        Cond::AllOf(items) => {
            !items.is_empty() && items.iter().all(|t| cond_holds(&Cond::Eq(t.clone()), raw))
        }
        Cond::ElemMatch(f) => raw.iter().any(|v| match v {
            Value::Array(items) => items.iter().any(|it| match (it, f.as_ref()) {
                (it, Filter::Field(p, c)) if p.is_empty() => {
                    cond_holds(c, std::slice::from_ref(it))
                }
                (Value::Document(d), f) => f.matches(d),
                _ => false,
            }),
            _ => false,
        }),
    }
}

fn regex_holds(r: &Regex, raw: &[Value]) -> bool {
    expanded(raw).iter().any(|v| match v {
        Value::String(s) => r.is_match(s),
        _ => false,
    })
}

/// A compiled projection.
#[derive(Clone, Debug)]
pub struct Projection {
    include: bool,
    paths: Vec<String>,
    id: bool,
}

impl Projection {
    /// Compiles `{a: 1, _id: 0}`-style projections.
    pub fn parse(doc: &Document) -> Result<Option<Projection>, DocError> {
        let mut include: Option<bool> = None;
        let mut id = true;
        let mut paths = Vec::new();
        for (k, v) in doc.iter() {
            let on = truthy(v);
            if k == "_id" {
                id = on;
                continue;
            }
            match include {
                None => include = Some(on),
                Some(mode) if mode != on => {
                    return Err(if mode {
                        DocError::server_code(
                            31254,
                            "Location31254",
                            format!("Cannot do exclusion on field {k} in inclusion projection"),
                        )
                    } else {
                        DocError::server_code(
                            31253,
                            "Location31253",
                            format!("Cannot do inclusion on field {k} in exclusion projection"),
                        )
                    })
                }
                _ => {}
            }
            paths.push(k.clone());
        }
        if doc.is_empty() {
            return Ok(None);
        }
        Ok(Some(Projection {
            // `{_id: 1}` alone is an inclusion projection of just `_id`.
            include: include.unwrap_or(id),
            paths,
            id,
        }))
    }

    /// Applies the projection to one document.
    pub fn apply(&self, doc: &Document) -> Document {
        let mut out = if self.include {
            let mut out = Document::new();
            if self.id {
                if let Some(v) = doc.get("_id") {
                    out.insert("_id", v.clone());
                }
            }
            for (k, v) in doc.iter() {
                let wanted: Vec<&str> = self
                    .paths
                    .iter()
                    .filter_map(|p| {
                        if p == k {
                            Some("")
                        } else {
                            p.strip_prefix(k.as_str()).and_then(|r| r.strip_prefix('.'))
                        }
                    })
                    .collect();
                if wanted.is_empty() || k == "_id" {
                    continue;
                }
                if wanted.contains(&"") {
                    out.insert(k.clone(), v.clone());
                } else {
                    let inner = Projection {
                        include: true,
                        paths: wanted.iter().map(|s| s.to_string()).collect(),
                        id: false,
                    };
                    match v {
                        Value::Document(sub) => {
                            out.insert(k.clone(), Value::Document(inner.apply(sub)));
                        }
                        // Inside arrays the projection applies to each embedded document.
                        Value::Array(items) => {
                            let kept = items
                                .iter()
                                .filter_map(|it| match it {
                                    Value::Document(d) => Some(Value::Document(inner.apply(d))),
                                    _ => None,
                                })
                                .collect();
                            out.insert(k.clone(), Value::Array(kept));
                        }
                        _ => {}
                    }
                }
            }
            out
        } else {
            let mut out = doc.clone();
            for p in &self.paths {
                remove_path(&mut out, p);
            }
            out
        };
        if !self.id {
            out.remove("_id");
        }
        out
    }
}

fn remove_path(doc: &mut Document, path: &str) {
    match path.split_once('.') {
        None => {
            doc.remove(path);
        }
        Some((head, rest)) => match doc.get_mut(head) {
            Some(Value::Document(sub)) => remove_path(sub, rest),
            Some(Value::Array(items)) => {
                for it in items.iter_mut() {
                    if let Value::Document(sub) = it {
                        remove_path(sub, rest);
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

    fn doc(pairs: &[(&str, Value)]) -> Document {
        Document::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn dotted_paths_reach_into_arrays() {
        let d = doc(&[(
            "items",
            Value::Array(vec![
                Value::Document(doc(&[("sku", Value::String("a".into()))])),
                Value::Document(doc(&[("sku", Value::String("b".into()))])),
            ]),
        )]);
        let f = Filter::parse(&doc(&[("items.sku", Value::String("b".into()))])).unwrap();
        assert!(f.matches(&d));
        let f = Filter::parse(&doc(&[("items.1.sku", Value::String("b".into()))])).unwrap();
        assert!(f.matches(&d));
        let f = Filter::parse(&doc(&[("items.sku", Value::String("c".into()))])).unwrap();
        assert!(!f.matches(&d));
    }

    #[test]
    fn unknown_operators_are_refused() {
        let f = doc(&[("a", Value::Document(doc(&[("$foo", Value::Int32(1))])))]);
        assert_eq!(
            Filter::parse(&f).unwrap_err().to_string(),
            "MongoServerError[BadValue]: unknown operator: $foo"
        );
    }
}

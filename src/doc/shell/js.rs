//! The JavaScript underneath mongosh: global functions (`ObjectId`, `ISODate`, `NumberInt`,
//! `print`…), methods of strings, arrays and BSON values, and the operators' coercions.

use super::{num, to_value, Js, Shell, MAX_STRING};
use crate::doc::ast::BinOp;
use crate::doc::error::DocError;
use crate::doc::format::{inspect, js_number, InspectOptions};
use crate::doc::store::Store;
use crate::doc::value::{iso_date, oid_hex, parse_iso_date, parse_oid, Value};

impl Shell {
    pub(super) fn call_global(
        &mut self,
        store: &mut Store,
        name: &str,
        args: Vec<Js>,
        out: &mut Vec<String>,
    ) -> Result<Js, DocError> {
        let vals: Vec<Value> = args.into_iter().map(to_value).collect();
        let first = vals.first().cloned().unwrap_or(Value::Undefined);
        Ok(Js::V(match name {
            "ObjectId" => match &first {
                Value::Undefined => Value::ObjectId(store.next_object_id()),
                Value::String(h) => match parse_oid(h) {
                    Some(b) => Value::ObjectId(b),
                    None => return Err(DocError::bson(
                        "input must be a 24 character hex string, 12 byte Uint8Array, or an integer",
                    )),
                },
                Value::ObjectId(b) => Value::ObjectId(*b),
                _ => return Err(DocError::bson(
                    "input must be a 24 character hex string, 12 byte Uint8Array, or an integer",
                )),
            },
            "ISODate" => match &first {
                Value::Undefined => Value::Date(store.clock()),
                Value::String(s) => match parse_iso_date(s) {
                    Some(ms) => Value::Date(ms),
                    None => {
                        return Err(DocError::invalid_input(format!(
                            "[COMMON-10001] \"{s}\" is not a valid ISODate"
                        )))
                    }
                },
                Value::Double(n) => Value::Date(*n as i64),
                Value::Date(ms) => Value::Date(*ms),
                _ => return Err(DocError::generic("invalid ISODate")),
            },
            "Date" => Value::String(date_string(store.clock())),
            "NumberInt" | "Int32" => {
                let n = to_number(&first);
                Value::Int32(if n.is_finite() { n.trunc() as i32 } else { 0 })
            }
            "NumberLong" | "Long" => match &first {
                // bson's Long.fromString reads what it can and yields 0 for non-numbers.
                Value::String(s) => Value::Int64(s.trim().parse::<i64>().unwrap_or(0)),
                other => {
                    let n = to_number(other);
                    Value::Int64(if n.is_finite() { n.trunc() as i64 } else { 0 })
                }
            },
            "NumberDecimal" | "Decimal128" => {
                let s = match &first {
                    Value::String(s) => s.trim().to_string(),
                    Value::Undefined => "0".into(),
                    other => to_js_string(other),
                };
                if s.parse::<f64>().is_err() && !matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity") {
                    return Err(DocError::bson(format!("{s} not a valid Decimal128 string")));
                }
                Value::Decimal(s)
            }
            "Double" | "Number" => Value::Double(to_number(&first)),
            "String" => Value::String(to_js_string(&first)),
            "Boolean" => Value::Bool(crate::doc::query::truthy(&first)),
            "print" => {
                let parts: Vec<String> = vals
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => inspect(other, InspectOptions::simple()),
                    })
                    .collect();
                out.push(parts.join(" "));
                Value::Undefined
            }
            "printjson" => {
                let parts: Vec<String> = vals
                    .iter()
                    .map(|v| inspect(v, InspectOptions::printjson()))
                    .collect();
                out.push(parts.join(" "));
                Value::Undefined
            }
            "exit" | "quit" => return Err(DocError::exit()),
            other => return Err(DocError::not_a_function(other)),
        }))
    }
}

pub(super) fn call_value_method(v: Value, name: &str, args: Vec<Js>) -> Result<Js, DocError> {
    let vals: Vec<Value> = args.into_iter().map(to_value).collect();
    let first = vals.first().cloned().unwrap_or(Value::Undefined);
    Ok(Js::V(match (v, name) {
        (Value::String(s), "toUpperCase") => Value::String(s.to_uppercase()),
        (Value::String(s), "toLowerCase") => Value::String(s.to_lowercase()),
        (Value::String(s), "trim") => Value::String(s.trim().to_string()),
        (Value::String(s), "includes") => Value::Bool(s.contains(&to_js_string(&first))),
        (Value::String(s), "startsWith") => Value::Bool(s.starts_with(&to_js_string(&first))),
        (Value::String(s), "endsWith") => Value::Bool(s.ends_with(&to_js_string(&first))),
        (Value::String(s), "indexOf") => {
            let pat = to_js_string(&first);
            num(s
                .find(&pat)
                .map_or(-1, |i| s[..i].encode_utf16().count() as i64))
        }
        (Value::Array(a), "join") => {
            let sep = match &first {
                Value::Undefined => ",".to_string(),
                other => to_js_string(other),
            };
            Value::String(a.iter().map(to_js_string).collect::<Vec<_>>().join(&sep))
        }
        (Value::Array(a), "includes") => Value::Bool(a.iter().any(|x| strict_eq(x, &first))),
        (Value::Array(a), "indexOf") => num(a
            .iter()
            .position(|x| strict_eq(x, &first))
            .map_or(-1, |i| i as i64)),
        (Value::ObjectId(b), "toString" | "toHexString") => Value::String(oid_hex(&b)),
        (Value::ObjectId(b), "getTimestamp") => {
            let secs = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            Value::Date(i64::from(secs) * 1000)
        }
        (Value::Date(ms), "getTime" | "valueOf") => num(ms),
        (Value::Date(ms), "toISOString") => Value::String(iso_date(ms)),
        (Value::Date(ms), "toString") => Value::String(date_string(ms)),
        (Value::Int64(i), "toString") => Value::String(i.to_string()),
        (Value::Int32(i), "toString") => Value::String(i.to_string()),
        (Value::Decimal(s), "toString") => Value::String(s),
        (Value::Int64(i), "valueOf") => num(i),
        (Value::Int32(i), "valueOf") => num(i64::from(i)),
        (_, other) => return Err(DocError::not_a_function(other)),
    }))
}

pub(super) fn make_date(store: &Store, vals: &[Value], _new: bool) -> Result<Value, DocError> {
    Ok(match vals.first() {
        None | Some(Value::Undefined) => Value::Date(store.clock()),
        Some(Value::String(s)) => match parse_iso_date(s) {
            Some(ms) => Value::Date(ms),
            None => return Err(DocError::generic(format!("\"{s}\" is not a valid date"))),
        },
        Some(Value::Date(ms)) => Value::Date(*ms),
        Some(other) => {
            if vals.len() >= 2 {
                let y = to_number(other) as i64;
                let m = to_number(&vals[1]) as i64;
                let d = vals.get(2).map_or(1, |v| to_number(v) as i64);
                let text = format!("{y:04}-{:02}-{d:02}", m + 1);
                match parse_iso_date(&text) {
                    Some(ms) => Value::Date(ms),
                    None => return Err(DocError::generic("invalid date")),
                }
            } else {
                Value::Date(to_number(other) as i64)
            }
        }
    })
}

/// JavaScript's `Date()` string, in UTC.
pub(super) fn date_string(ms: i64) -> String {
    let iso = iso_date(ms);
    let days = ms.div_euclid(86_400_000);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month: usize = iso.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    format!(
        "{weekday} {} {} {} {} GMT+0000 (Coordinated Universal Time)",
        months[(month - 1).min(11)],
        iso.get(8..10).unwrap_or("01"),
        iso.get(0..4).unwrap_or("1970"),
        iso.get(11..19).unwrap_or("00:00:00")
    )
}

pub(super) fn to_number(v: &Value) -> f64 {
    match v {
        Value::Double(f) => *f,
        Value::Int32(i) => f64::from(*i),
        Value::Int64(i) => *i as f64,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Null => 0.0,
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                0.0
            } else {
                t.parse().unwrap_or(f64::NAN)
            }
        }
        Value::Date(ms) => *ms as f64,
        Value::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

/// JavaScript's `String(v)`.
pub(super) fn to_js_string(v: &Value) -> String {
    match v {
        Value::Undefined => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Double(f) => js_number(*f),
        Value::Int32(i) => i.to_string(),
        Value::Int64(i) => i.to_string(),
        Value::Decimal(s) => s.clone(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::Null | Value::Undefined => String::new(),
                other => to_js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Document(_) => "[object Object]".into(),
        Value::ObjectId(b) => oid_hex(b),
        Value::Date(ms) => date_string(*ms),
        Value::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
    }
}

pub(super) fn strict_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) | (Value::Undefined, Value::Undefined) => true,
        _ => false,
    }
}

pub(super) fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null | Value::Undefined, Value::Null | Value::Undefined) => true,
        (Value::Null | Value::Undefined, _) | (_, Value::Null | Value::Undefined) => false,
        (Value::Double(_) | Value::Bool(_), Value::String(_))
        | (Value::String(_), Value::Double(_) | Value::Bool(_))
        | (Value::Bool(_), Value::Double(_))
        | (Value::Double(_), Value::Bool(_)) => to_number(a) == to_number(b),
        _ => strict_eq(a, b),
    }
}

pub(super) fn binary(op: BinOp, x: Value, y: Value) -> Result<Value, DocError> {
    Ok(match op {
        BinOp::Add => {
            let stringy = |v: &Value| {
                matches!(
                    v,
                    Value::String(_)
                        | Value::Document(_)
                        | Value::Array(_)
                        | Value::ObjectId(_)
                        | Value::Date(_)
                        | Value::Regex { .. }
                )
            };
            if stringy(&x) || stringy(&y) {
                let s = to_js_string(&x);
                let t = to_js_string(&y);
                if s.len() + t.len() > MAX_STRING {
                    return Err(DocError::range("Invalid string length"));
                }
                Value::String(s + &t)
            } else {
                Value::Double(to_number(&x) + to_number(&y))
            }
        }
        BinOp::Sub => Value::Double(to_number(&x) - to_number(&y)),
        BinOp::Mul => Value::Double(to_number(&x) * to_number(&y)),
        BinOp::Div => Value::Double(to_number(&x) / to_number(&y)),
        BinOp::Rem => Value::Double(to_number(&x) % to_number(&y)),
        BinOp::StrictEq => Value::Bool(strict_eq(&x, &y)),
        BinOp::StrictNe => Value::Bool(!strict_eq(&x, &y)),
        BinOp::Eq => Value::Bool(loose_eq(&x, &y)),
        BinOp::Ne => Value::Bool(!loose_eq(&x, &y)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let o = match (&x, &y) {
                (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                _ => to_number(&x).partial_cmp(&to_number(&y)),
            };
            Value::Bool(match (op, o) {
                (_, None) => false,
                (BinOp::Lt, Some(o)) => o.is_lt(),
                (BinOp::Le, Some(o)) => o.is_le(),
                (BinOp::Gt, Some(o)) => o.is_gt(),
                (_, Some(o)) => o.is_ge(),
            })
        }
        BinOp::And | BinOp::Or | BinOp::Nullish => y,
    })
}

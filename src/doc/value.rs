//! BSON-ish values and ordered documents.
//!
//! Invariant: a [`Document`] keeps its fields in insertion order and never holds two fields
//! with the same name; every lookup is linear, which is fine for the small documents a learner
//! types.

use std::cmp::Ordering;

/// One value as the shell and the server see it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JavaScript `undefined` (shell only; stored as `null`).
    Undefined,
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A JavaScript number, stored as BSON double.
    Double(f64),
    /// `NumberInt(…)`: BSON int32.
    Int32(i32),
    /// `NumberLong(…)`: BSON int64.
    Int64(i64),
    /// `NumberDecimal(…)`: BSON Decimal128, kept as its canonical string.
    Decimal(String),
    /// A UTF-8 string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An embedded document.
    Document(Document),
    /// A 12-byte ObjectId.
    ObjectId([u8; 12]),
    /// A date as milliseconds since the Unix epoch.
    Date(i64),
    /// A regular expression literal `/pattern/flags`.
    Regex {
        /// The pattern source.
        pattern: String,
        /// The flags, such as `i`.
        flags: String,
    },
}

/// An ordered document: field names in insertion order, no duplicates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    fields: Vec<(String, Value)>,
}

impl Document {
    /// An empty document.
    pub fn new() -> Self {
        Document { fields: Vec::new() }
    }

    /// Builds a document from pairs; a repeated key keeps its first position and last value,
    /// as a JavaScript object literal does.
    pub fn from_pairs(pairs: Vec<(String, Value)>) -> Self {
        let mut d = Document::new();
        for (k, v) in pairs {
            d.insert(k, v);
        }
        d
    }

    /// The value of a top-level field.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A mutable reference to a top-level field.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.fields
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Sets a field, keeping its position when it already exists.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => *slot = value,
            None => self.fields.push((key, value)),
        }
    }

    /// Puts a field first (used for `_id`).
    pub fn insert_first(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        self.remove(&key);
        self.fields.insert(0, (key, value));
    }

    /// Removes a field and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let pos = self.fields.iter().position(|(k, _)| k == key)?;
        Some(self.fields.remove(pos).1)
    }

    /// Whether the field exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The fields in order.
    pub fn iter(&self) -> impl Iterator<Item = &(String, Value)> {
        self.fields.iter()
    }

    /// The field names in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|(k, _)| k.as_str())
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the document has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

impl Value {
    /// The BSON type name as `$type` and `bsonType` spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Double(_) => "double",
            Value::Int32(_) => "int",
            Value::Int64(_) => "long",
            Value::Decimal(_) => "decimal",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Document(_) => "object",
            Value::ObjectId(_) => "objectId",
            Value::Date(_) => "date",
            Value::Regex { .. } => "regex",
        }
    }

    /// The numeric BSON type code used by `$type: <number>`.
    pub fn type_code(&self) -> i32 {
        match self {
            Value::Double(_) => 1,
            Value::String(_) => 2,
            Value::Document(_) => 3,
            Value::Array(_) => 4,
            Value::Undefined => 6,
            Value::ObjectId(_) => 7,
            Value::Bool(_) => 8,
            Value::Date(_) => 9,
            Value::Null => 10,
            Value::Regex { .. } => 11,
            Value::Int32(_) => 16,
            Value::Int64(_) => 18,
            Value::Decimal(_) => 19,
        }
    }

    /// The number as f64 when the value is numeric.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Double(f) => Some(*f),
            Value::Int32(i) => Some(f64::from(*i)),
            Value::Int64(i) => Some(*i as f64),
            Value::Decimal(s) => s.parse::<f64>().ok(),
            _ => None,
        }
    }

    /// Whether the value is a number of any BSON numeric type.
    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Value::Double(_) | Value::Int32(_) | Value::Int64(_) | Value::Decimal(_)
        )
    }

    /// The canonical type bracket used to order values of different types (BSON order).
    fn bracket(&self) -> u8 {
        match self {
            Value::Undefined | Value::Null => 1,
            Value::Double(_) | Value::Int32(_) | Value::Int64(_) | Value::Decimal(_) => 2,
            Value::String(_) => 3,
            Value::Document(_) => 4,
            Value::Array(_) => 5,
            Value::ObjectId(_) => 7,
            Value::Bool(_) => 8,
            Value::Date(_) => 9,
            Value::Regex { .. } => 11,
        }
    }

    /// Whether two values fall in the same comparison bracket (`$gt` compares only those).
    pub fn same_bracket(&self, other: &Value) -> bool {
        self.bracket() == other.bracket()
    }

    /// Stores a shell value as the server would: `undefined` becomes `null` and an integral
    /// JavaScript number that fits becomes int32, as the Node driver serializes it.
    pub fn to_stored(&self) -> Value {
        match self {
            Value::Undefined => Value::Null,
            Value::Double(f) => {
                if f.fract() == 0.0
                    && *f >= f64::from(i32::MIN)
                    && *f <= f64::from(i32::MAX)
                    && !(*f == 0.0 && f.is_sign_negative())
                {
                    Value::Int32(*f as i32)
                } else {
                    Value::Double(*f)
                }
            }
            Value::Array(items) => Value::Array(items.iter().map(Value::to_stored).collect()),
            Value::Document(d) => Value::Document(d.to_stored()),
            other => other.clone(),
        }
    }

    /// Reads a stored value back as the shell sees it: int32 and double become JavaScript
    /// numbers, long and decimal stay wrapped (mongosh reads with `promoteLongs: false`).
    pub fn to_shell(&self) -> Value {
        match self {
            Value::Int32(i) => Value::Double(f64::from(*i)),
            Value::Array(items) => Value::Array(items.iter().map(Value::to_shell).collect()),
            Value::Document(d) => Value::Document(d.to_shell()),
            other => other.clone(),
        }
    }

    /// Total BSON order used by `sort`.
    pub fn cmp_bson(&self, other: &Value) -> Ordering {
        let (a, b) = (self.bracket(), other.bracket());
        if a != b {
            return a.cmp(&b);
        }
        match (self, other) {
            (x, y) if x.is_number() && y.is_number() => {
                let (p, q) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                p.partial_cmp(&q)
                    .unwrap_or_else(|| p.is_nan().cmp(&q.is_nan()).reverse())
            }
            (Value::String(x), Value::String(y)) => x.cmp(y),
            (Value::Document(x), Value::Document(y)) => {
                for ((ka, va), (kb, vb)) in x.iter().zip(y.iter()) {
                    let o = va.bracket().cmp(&vb.bracket());
                    if o != Ordering::Equal {
                        return o;
                    }
                    let o = ka.cmp(kb);
                    if o != Ordering::Equal {
                        return o;
                    }
                    let o = va.cmp_bson(vb);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                x.len().cmp(&y.len())
            }
            (Value::Array(x), Value::Array(y)) => {
                for (va, vb) in x.iter().zip(y.iter()) {
                    let o = va.cmp_bson(vb);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                x.len().cmp(&y.len())
            }
            (Value::ObjectId(x), Value::ObjectId(y)) => x.cmp(y),
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (Value::Date(x), Value::Date(y)) => x.cmp(y),
            (
                Value::Regex {
                    pattern: p,
                    flags: f,
                },
                Value::Regex {
                    pattern: q,
                    flags: g,
                },
            ) => (p, f).cmp(&(q, g)),
            _ => Ordering::Equal,
        }
    }

    /// Equality as the server's query language sees it (numbers compare by value).
    pub fn bson_eq(&self, other: &Value) -> bool {
        self.same_bracket(other) && self.cmp_bson(other) == Ordering::Equal
    }
}

impl Document {
    /// See [`Value::to_stored`].
    pub fn to_stored(&self) -> Document {
        Document {
            fields: self
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.to_stored()))
                .collect(),
        }
    }

    /// See [`Value::to_shell`].
    pub fn to_shell(&self) -> Document {
        Document {
            fields: self
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.to_shell()))
                .collect(),
        }
    }
}

/// Hex text of an ObjectId.
pub fn oid_hex(bytes: &[u8; 12]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses 24 hex digits into an ObjectId.
pub fn parse_oid(hex: &str) -> Option<[u8; 12]> {
    if hex.len() != 24 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 12];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Formats milliseconds since the epoch as `2026-01-05T09:00:00.000Z`.
pub fn iso_date(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    format!(
        "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// Parses the ISO date forms `ISODate` accepts: `2026-01-05`, `2026-01-05T09:00`,
/// `2026-01-05T09:00:00`, with optional `.mmm` and `Z` or `±hh:mm`.
pub fn parse_iso_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |s: usize, n: usize| -> Option<i64> {
        let part = text.get(s..s + n)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut pos = 10;
    let (mut h, mut mi, mut s, mut ms) = (0, 0, 0, 0);
    if matches!(b.get(pos), Some(b'T') | Some(b' ')) {
        h = num(pos + 1, 2)?;
        if b.get(pos + 3) != Some(&b':') {
            return None;
        }
        mi = num(pos + 4, 2)?;
        pos += 6;
        if b.get(pos) == Some(&b':') {
            s = num(pos + 1, 2)?;
            pos += 3;
            if b.get(pos) == Some(&b'.') {
                let start = pos + 1;
                let mut end = start;
                while b.get(end).is_some_and(|c| c.is_ascii_digit()) {
                    end += 1;
                }
                let frac = text.get(start..end)?;
                if frac.is_empty() {
                    return None;
                }
                let padded: String = frac.chars().chain("000".chars()).take(3).collect();
                ms = padded.parse().ok()?;
                pos = end;
            }
        }
    }
    let mut offset = 0;
    match b.get(pos) {
        None => {}
        Some(b'Z') if pos + 1 == b.len() => {}
        Some(sign @ (b'+' | b'-')) => {
            let oh = num(pos + 1, 2)?;
            let om = if b.get(pos + 3) == Some(&b':') {
                num(pos + 4, 2)?
            } else {
                num(pos + 3, 2)?
            };
            offset = (oh * 60 + om) * 60_000;
            if *sign == b'-' {
                offset = -offset;
            }
        }
        _ => return None,
    }
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 86_400 + h * 3600 + mi * 60 + s) * 1000) + ms - offset)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for (text, iso) in [
            ("2026-01-05T09:00:00Z", "2026-01-05T09:00:00.000Z"),
            ("2026-01-05", "2026-01-05T00:00:00.000Z"),
            ("1970-01-01T00:00:00.5Z", "1970-01-01T00:00:00.500Z"),
            ("2024-02-29T23:59:59.999+01:00", "2024-02-29T22:59:59.999Z"),
        ] {
            let ms = parse_iso_date(text).expect(text);
            assert_eq!(iso_date(ms), iso);
        }
        assert_eq!(parse_iso_date("nope"), None);
        assert_eq!(iso_date(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn stored_numbers_follow_the_driver() {
        assert_eq!(Value::Double(5.0).to_stored(), Value::Int32(5));
        assert_eq!(Value::Double(5.5).to_stored(), Value::Double(5.5));
        assert_eq!(Value::Double(1e10).to_stored(), Value::Double(1e10));
    }
}

//! SQL types ([`SqlType`]), values ([`Value`]), their PostgreSQL text input/output, and casts.
//!
//! Invariant: a `Value` stored in a column already satisfies the column's type and modifier
//! (char(n) values are blank-padded, numeric(p,s) values carry scale s). Expressions carry their
//! static type next to their value, so `Value` itself stays small.

use std::cmp::Ordering;

use super::datetime;
use super::error::SqlError;
use super::json::Json;
use super::numeric::Decimal;

/// A column or expression type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// `boolean`
    Bool,
    /// `smallint`
    Int2,
    /// `integer`
    Int4,
    /// `bigint`
    Int8,
    /// `numeric` with optional (precision, scale)
    Numeric(Option<(u32, u32)>),
    /// `real`
    Float4,
    /// `double precision`
    Float8,
    /// `text`
    Text,
    /// `character varying` with optional length
    Varchar(Option<u32>),
    /// `character(n)` (blank-padded)
    Char(u32),
    /// `date`
    Date,
    /// `timestamp without time zone`
    Timestamp,
    /// `timestamp with time zone`
    TimestampTz,
    /// `uuid`
    Uuid,
    /// `jsonb`
    Jsonb,
    /// `json` (kept as text)
    Json,
    /// `regclass` (only as a cast target for `nextval('s'::regclass)`)
    Regclass,
    /// An untyped string literal or NULL, resolved by context.
    Unknown,
}

/// Type categories, as PostgreSQL's `typcategory`, used to resolve operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    /// B: boolean
    Bool,
    /// N: numbers
    Numeric,
    /// S: strings
    String,
    /// D: date/time
    DateTime,
    /// U: user types (uuid, jsonb)
    Other,
    /// X: unknown
    Unknown,
}

impl SqlType {
    /// The name with modifiers, as psql's `\d` and most messages print it.
    pub fn display(&self) -> String {
        match self {
            SqlType::Numeric(Some((p, s))) => format!("numeric({p},{s})"),
            SqlType::Varchar(Some(n)) => format!("character varying({n})"),
            SqlType::Char(n) => format!("character({n})"),
            other => other.base_name().to_string(),
        }
    }

    /// The name without modifiers (PostgreSQL's `format_type_be`).
    pub fn base_name(&self) -> &'static str {
        match self {
            SqlType::Bool => "boolean",
            SqlType::Int2 => "smallint",
            SqlType::Int4 => "integer",
            SqlType::Int8 => "bigint",
            SqlType::Numeric(_) => "numeric",
            SqlType::Float4 => "real",
            SqlType::Float8 => "double precision",
            SqlType::Text => "text",
            SqlType::Varchar(_) => "character varying",
            SqlType::Char(_) => "character",
            SqlType::Date => "date",
            SqlType::Timestamp => "timestamp without time zone",
            SqlType::TimestampTz => "timestamp with time zone",
            SqlType::Uuid => "uuid",
            SqlType::Jsonb => "jsonb",
            SqlType::Json => "json",
            SqlType::Regclass => "regclass",
            SqlType::Unknown => "unknown",
        }
    }

    /// The internal name (`int4`, `varchar`, …) PostgreSQL uses for a cast's output column.
    pub fn internal_name(&self) -> &'static str {
        match self {
            SqlType::Bool => "bool",
            SqlType::Int2 => "int2",
            SqlType::Int4 => "int4",
            SqlType::Int8 => "int8",
            SqlType::Numeric(_) => "numeric",
            SqlType::Float4 => "float4",
            SqlType::Float8 => "float8",
            SqlType::Text => "text",
            SqlType::Varchar(_) => "varchar",
            SqlType::Char(_) => "bpchar",
            SqlType::Date => "date",
            SqlType::Timestamp => "timestamp",
            SqlType::TimestampTz => "timestamptz",
            SqlType::Uuid => "uuid",
            SqlType::Jsonb => "jsonb",
            SqlType::Json => "json",
            SqlType::Regclass => "regclass",
            SqlType::Unknown => "unknown",
        }
    }

    /// The name used in "invalid input syntax for type …".
    pub fn input_name(&self) -> &'static str {
        match self {
            SqlType::Timestamp => "timestamp",
            other => other.base_name(),
        }
    }

    /// The type category.
    pub fn category(&self) -> Category {
        match self {
            SqlType::Bool => Category::Bool,
            SqlType::Int2
            | SqlType::Int4
            | SqlType::Int8
            | SqlType::Numeric(_)
            | SqlType::Float4
            | SqlType::Float8 => Category::Numeric,
            SqlType::Text | SqlType::Varchar(_) | SqlType::Char(_) => Category::String,
            SqlType::Date | SqlType::Timestamp | SqlType::TimestampTz => Category::DateTime,
            SqlType::Uuid | SqlType::Jsonb | SqlType::Json | SqlType::Regclass => Category::Other,
            SqlType::Unknown => Category::Unknown,
        }
    }

    /// True for types psql right-aligns.
    pub fn is_numeric(&self) -> bool {
        self.category() == Category::Numeric
    }

    /// True for integer types.
    pub fn is_integer(&self) -> bool {
        matches!(self, SqlType::Int2 | SqlType::Int4 | SqlType::Int8)
    }

    /// The same type without its modifier (`varchar(5)` → `varchar`).
    pub fn without_modifier(&self) -> SqlType {
        match self {
            SqlType::Numeric(_) => SqlType::Numeric(None),
            SqlType::Varchar(_) => SqlType::Varchar(None),
            other => other.clone(),
        }
    }

    /// Rank among numeric types for implicit promotion.
    fn numeric_rank(&self) -> u8 {
        match self {
            SqlType::Int2 => 1,
            SqlType::Int4 => 2,
            SqlType::Int8 => 3,
            SqlType::Numeric(_) => 4,
            SqlType::Float4 => 5,
            SqlType::Float8 => 6,
            _ => 0,
        }
    }

    /// The common type of two numeric types for arithmetic.
    pub fn numeric_common(a: &SqlType, b: &SqlType) -> SqlType {
        let t = if a.numeric_rank() >= b.numeric_rank() {
            a
        } else {
            b
        };
        match t {
            SqlType::Numeric(_) => SqlType::Numeric(None),
            SqlType::Float4 if a.numeric_rank() == b.numeric_rank() => SqlType::Float4,
            SqlType::Float4 => SqlType::Float8,
            other => other.clone(),
        }
    }

    /// Whether a value of `from` may be stored in a column of `self` without an explicit cast
    /// (PostgreSQL's implicit and assignment casts).
    pub fn assignable_from(&self, from: &SqlType) -> bool {
        use SqlType::*;
        if from == &Unknown {
            return true;
        }
        match (self.category(), from.category()) {
            (Category::Numeric, Category::Numeric) => true,
            (Category::String, _) => true,
            (Category::Bool, Category::Bool) => true,
            (Category::DateTime, Category::DateTime) => true,
            _ => matches!(
                (self, from),
                (Uuid, Uuid) | (Jsonb, Jsonb) | (Jsonb, Json) | (Json, Jsonb) | (Json, Json)
            ),
        }
    }

    /// Whether an explicit `CAST` from `from` to `self` exists.
    pub fn castable_from(&self, from: &SqlType) -> bool {
        use SqlType::*;
        if self.assignable_from(from) || from.category() == Category::String {
            return true;
        }
        matches!((self, from), (Int4, Bool) | (Bool, Int4) | (Regclass, _))
    }
}

/// A single SQL value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// boolean
    Bool(bool),
    /// smallint / integer / bigint
    Int(i64),
    /// numeric
    Numeric(Decimal),
    /// real
    Float4(f32),
    /// double precision
    Float8(f64),
    /// text / varchar / char (char values are stored blank-padded)
    Text(String),
    /// date: days since 1970-01-01
    Date(i64),
    /// timestamp: microseconds since 1970-01-01
    Timestamp(i64),
    /// timestamptz: microseconds since 1970-01-01 UTC
    TimestampTz(i64),
    /// uuid
    Uuid(u128),
    /// jsonb
    Json(Box<Json>),
}

impl Value {
    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// PostgreSQL's text output, `None` for NULL.
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(b) => if *b { "t" } else { "f" }.to_string(),
            Value::Int(i) => itoa::Buffer::new().format(*i).to_string(),
            Value::Numeric(d) => d.to_string(),
            Value::Float4(f) => format_float(*f as f64, true),
            Value::Float8(f) => format_float(*f, false),
            Value::Text(s) => s.clone(),
            Value::Date(d) => datetime::format_date(*d),
            Value::Timestamp(t) => datetime::format_timestamp(*t),
            Value::TimestampTz(t) => datetime::format_timestamptz(*t),
            Value::Uuid(u) => format_uuid(*u),
            Value::Json(j) => j.to_text(),
        })
    }

    /// The text used in "Failing row contains (…)" and key details: NULL is `null`.
    pub fn to_detail(&self) -> String {
        self.to_text().unwrap_or_else(|| "null".into())
    }

    /// Numeric view of a number value.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from_i64(*i)),
            Value::Numeric(d) => Some(*d),
            Value::Float4(f) => Decimal::from_f64(*f as f64).ok(),
            Value::Float8(f) => Decimal::from_f64(*f).ok(),
            _ => None,
        }
    }

    /// Float view of a number value.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Numeric(d) => Some(d.to_f64()),
            Value::Float4(f) => Some(*f as f64),
            Value::Float8(f) => Some(*f),
            _ => None,
        }
    }

    /// Total order used for sorting, DISTINCT, grouping and index keys. NULL sorts last.
    /// Values of different numeric representations compare by value; char padding is ignored.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        use Value::*;
        match (self, other) {
            (Null, Null) => Ordering::Equal,
            (Null, _) => Ordering::Greater,
            (_, Null) => Ordering::Less,
            (Bool(a), Bool(b)) => a.cmp(b),
            (Int(a), Int(b)) => a.cmp(b),
            (Numeric(a), Numeric(b)) => a.cmp_value(*b),
            (Int(a), Numeric(b)) => Decimal::from_i64(*a).cmp_value(*b),
            (Numeric(a), Int(b)) => a.cmp_value(Decimal::from_i64(*b)),
            (Text(a), Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Date(a), Date(b)) => a.cmp(b),
            (Timestamp(a), Timestamp(b)) | (TimestampTz(a), TimestampTz(b)) => a.cmp(b),
            (Date(a), Timestamp(b)) | (Date(a), TimestampTz(b)) => {
                (a * datetime::USECS_PER_DAY).cmp(b)
            }
            (Timestamp(a), Date(b)) | (TimestampTz(a), Date(b)) => {
                a.cmp(&(b * datetime::USECS_PER_DAY))
            }
            (Timestamp(a), TimestampTz(b)) | (TimestampTz(a), Timestamp(b)) => a.cmp(b),
            (Uuid(a), Uuid(b)) => a.cmp(b),
            (Json(a), Json(b)) => a.to_text().cmp(&b.to_text()),
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a.rank().cmp(&b.rank()),
            },
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::Null => 255,
            Value::Bool(_) => 0,
            Value::Int(_) | Value::Numeric(_) | Value::Float4(_) | Value::Float8(_) => 1,
            Value::Text(_) => 2,
            Value::Date(_) | Value::Timestamp(_) | Value::TimestampTz(_) => 3,
            Value::Uuid(_) => 4,
            Value::Json(_) => 5,
        }
    }
}

/// A key made of values, ordered by [`Value::total_cmp`] (for indexes and grouping).
#[derive(Clone, Debug)]
pub struct Key(pub Vec<Value>);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            let c = a.total_cmp(b);
            if c != Ordering::Equal {
                return c;
            }
        }
        self.0.len().cmp(&other.0.len())
    }
}

impl std::hash::Hash for Key {
    /// Consistent with [`Value::total_cmp`] equality: numbers hash by value (1, 1.0 and 1.00
    /// alike), char padding is part of the stored value, JSON hashes by its text.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for v in &self.0 {
            hash_value(v, state);
        }
    }
}

/// Feeds one value to a hasher, as [`Key`]'s `Hash` does for each of its values.
pub(super) fn hash_value<H: std::hash::Hasher>(v: &Value, state: &mut H) {
    use std::hash::Hash;
    match v {
        Value::Null => 0u8.hash(state),
        Value::Bool(b) => (1u8, b).hash(state),
        Value::Int(_) | Value::Numeric(_) | Value::Float4(_) | Value::Float8(_) => {
            // Integral values hash as integers, others by their double: equal numbers of
            // different representations (1, 1.00, 1.0::float8) land in the same bucket.
            let integral: Option<i128> = match v {
                Value::Int(i) => Some(*i as i128),
                Value::Numeric(d) => {
                    let d = d.strip_trailing_zeros();
                    (d.scale == 0).then_some(d.mant)
                }
                _ => v
                    .as_f64()
                    .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i128),
            };
            match integral {
                Some(i) => (2u8, i).hash(state),
                None => (3u8, v.as_f64().unwrap_or(0.0).to_bits()).hash(state),
            }
        }
        Value::Text(s) => (4u8, s.as_bytes()).hash(state),
        Value::Date(d) => (5u8, d.saturating_mul(datetime::USECS_PER_DAY)).hash(state),
        Value::Timestamp(t) | Value::TimestampTz(t) => (5u8, t).hash(state),
        Value::Uuid(u) => (6u8, u).hash(state),
        Value::Json(j) => (7u8, j.to_text()).hash(state),
    }
}

fn format_uuid(u: u128) -> String {
    let h = format!("{u:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Shortest-exact float output as PostgreSQL 12+ prints it (`extra_float_digits = 1`).
pub fn format_float(v: f64, single: bool) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Rust's `{:e}` gives the shortest round-trip digits.
    let sci = if single {
        format!("{:e}", v as f32)
    } else {
        format!("{v:e}")
    };
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let limit = if single { 6 } else { 15 };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if exp < -4 || exp >= limit {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    } else if exp < 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-exp - 1) as usize));
        out.push_str(&digits);
    } else {
        let e = exp as usize;
        if digits.len() > e + 1 {
            out.push_str(&digits[..=e]);
            out.push('.');
            out.push_str(&digits[e + 1..]);
        } else {
            out.push_str(&digits);
            out.push_str(&"0".repeat(e + 1 - digits.len()));
        }
    }
    out
}

fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    let t = t.as_str();
    if t == "1" {
        return Some(true);
    }
    if t == "0" {
        return Some(false);
    }
    if "true".starts_with(t) || "yes".starts_with(t) || (t.len() >= 2 && "on".starts_with(t)) {
        return Some(true);
    }
    if "false".starts_with(t) || "no".starts_with(t) || (t.len() >= 2 && "off".starts_with(t)) {
        return Some(false);
    }
    None
}

fn parse_int(s: &str, ty: &SqlType) -> Result<i64, SqlError> {
    let t = s.trim();
    let v: i128 = {
        let (neg, body) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        // PostgreSQL 15 accepts digits only (underscores arrived in 16).
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SqlError::invalid_input(ty.base_name(), s));
        }
        let mut acc: i128 = 0;
        for b in body.bytes() {
            acc = acc * 10 + (b - b'0') as i128;
            if acc > i64::MAX as i128 + 1 {
                return Err(SqlError::value_out_of_range_for_type(s, ty.base_name()));
            }
        }
        if neg {
            -acc
        } else {
            acc
        }
    };
    check_int_range(v, ty).map_err(|_| SqlError::value_out_of_range_for_type(s, ty.base_name()))
}

/// Checks an integer against the range of an integer type (22003 `integer out of range`).
pub fn check_int_range(v: i128, ty: &SqlType) -> Result<i64, SqlError> {
    let (lo, hi, word) = match ty {
        SqlType::Int2 => (i16::MIN as i128, i16::MAX as i128, "smallint"),
        SqlType::Int4 => (i32::MIN as i128, i32::MAX as i128, "integer"),
        _ => (i64::MIN as i128, i64::MAX as i128, "bigint"),
    };
    if v < lo || v > hi {
        Err(SqlError::out_of_range(word))
    } else {
        Ok(v as i64)
    }
}

fn parse_float(s: &str, ty: &SqlType) -> Result<f64, SqlError> {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    let v = match lower.as_str() {
        "nan" => f64::NAN,
        "infinity" | "+infinity" | "inf" | "+inf" => f64::INFINITY,
        "-infinity" | "-inf" => f64::NEG_INFINITY,
        _ => {
            if t.is_empty()
                || !t
                    .bytes()
                    .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
            {
                return Err(SqlError::invalid_input(ty.base_name(), s));
            }
            t.parse::<f64>()
                .map_err(|_| SqlError::invalid_input(ty.base_name(), s))?
        }
    };
    if v.is_infinite() && !lower.contains("inf") {
        return Err(SqlError::value_out_of_range_for_type(t, ty.base_name()));
    }
    Ok(v)
}

fn parse_uuid(s: &str) -> Result<u128, SqlError> {
    let t = s.trim();
    let inner = t
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t);
    let hex: String = inner.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SqlError::invalid_input("uuid", s));
    }
    u128::from_str_radix(&hex, 16).map_err(|_| SqlError::invalid_input("uuid", s))
}

/// Parses text input for a type (the type's input function), then applies its modifier as an
/// assignment does.
pub fn parse_input(text: &str, ty: &SqlType) -> Result<Value, SqlError> {
    let v = match ty {
        SqlType::Bool => {
            Value::Bool(parse_bool(text).ok_or_else(|| SqlError::invalid_input("boolean", text))?)
        }
        SqlType::Int2 | SqlType::Int4 | SqlType::Int8 => Value::Int(parse_int(text, ty)?),
        SqlType::Numeric(_) => match Decimal::parse(text) {
            Some(d) => Value::Numeric(d?),
            None => {
                let t = text.trim().to_ascii_lowercase();
                if t == "nan" {
                    return Err(SqlError::not_supported("numeric NaN"));
                }
                return Err(SqlError::invalid_input("numeric", text));
            }
        },
        SqlType::Float4 => Value::Float4(parse_float(text, ty)? as f32),
        SqlType::Float8 => Value::Float8(parse_float(text, ty)?),
        SqlType::Text
        | SqlType::Varchar(_)
        | SqlType::Char(_)
        | SqlType::Unknown
        | SqlType::Json
        | SqlType::Regclass => Value::Text(text.to_string()),
        SqlType::Date => Value::Date(datetime::parse_date(text)?),
        SqlType::Timestamp => Value::Timestamp(datetime::parse_timestamp(text, false)?),
        SqlType::TimestampTz => Value::TimestampTz(datetime::parse_timestamp(text, true)?),
        SqlType::Uuid => Value::Uuid(parse_uuid(text)?),
        SqlType::Jsonb => Value::Json(Box::new(Json::parse(text)?)),
    };
    if let SqlType::Json = ty {
        Json::parse(text)?;
    }
    apply_modifier(v, ty, false)
}

/// [`parse_input`] of an owned text: for the text types the buffer becomes the value.
pub fn parse_input_owned(text: String, ty: &SqlType) -> Result<Value, SqlError> {
    match ty {
        SqlType::Text
        | SqlType::Varchar(_)
        | SqlType::Char(_)
        | SqlType::Unknown
        | SqlType::Regclass => apply_modifier(Value::Text(text), ty, false),
        _ => parse_input(&text, ty),
    }
}

/// Applies a type modifier: char/varchar length (22001, or silent truncation when `explicit`),
/// char padding, numeric precision and scale.
pub fn apply_modifier(v: Value, ty: &SqlType, explicit: bool) -> Result<Value, SqlError> {
    match (v, ty) {
        (Value::Text(s), SqlType::Varchar(Some(n))) => {
            Ok(Value::Text(fit_length(s, *n, ty, explicit)?))
        }
        (Value::Text(s), SqlType::Char(n)) => {
            let s = fit_length(s, *n, ty, explicit)?;
            let len = s.chars().count();
            let mut s = s;
            if len < *n as usize {
                s.extend(std::iter::repeat_n(' ', *n as usize - len));
            }
            Ok(Value::Text(s))
        }
        (Value::Numeric(d), SqlType::Numeric(Some((p, s)))) => {
            Ok(Value::Numeric(d.apply_typmod(*p, *s)?))
        }
        (v, _) => Ok(v),
    }
}

fn fit_length(s: String, n: u32, ty: &SqlType, explicit: bool) -> Result<String, SqlError> {
    let n = n as usize;
    // A string of at most n bytes has at most n characters: no need to count them.
    if s.len() <= n || s.chars().count() <= n {
        return Ok(s);
    }
    let cut: String = s.chars().take(n).collect();
    if explicit || s.chars().skip(n).all(|c| c == ' ') {
        Ok(cut)
    } else {
        Err(SqlError::value_too_long(&ty.display()))
    }
}

/// Converts a value of type `from` to type `to` (a cast; `explicit` for `CAST`/`::`, which
/// truncates strings silently and allows int↔bool).
pub fn cast_value(
    v: Value,
    from: &SqlType,
    to: &SqlType,
    explicit: bool,
) -> Result<Value, SqlError> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    use SqlType::*;
    let out = match (to, v) {
        (Bool, Value::Bool(b)) => Value::Bool(b),
        (Bool, Value::Int(i)) => Value::Bool(i != 0),
        (Bool, Value::Text(s)) => parse_input(&s, to)?,
        (Int2 | Int4 | Int8, Value::Int(i)) => Value::Int(check_int_range(i as i128, to)?),
        (Int2 | Int4 | Int8, Value::Numeric(d)) => Value::Int(check_int_range(
            d.round_to_i128().map_err(|_| int_range_err(to))?,
            to,
        )?),
        (Int2 | Int4 | Int8, Value::Float4(f)) => Value::Int(float_to_int(f as f64, to)?),
        (Int2 | Int4 | Int8, Value::Float8(f)) => Value::Int(float_to_int(f, to)?),
        (Int4, Value::Bool(b)) => Value::Int(b as i64),
        (Numeric(_), Value::Int(i)) => Value::Numeric(Decimal::from_i64(i)),
        (Numeric(_), Value::Numeric(d)) => Value::Numeric(d),
        (Numeric(_), Value::Float4(f)) => Value::Numeric(Decimal::from_f64(float4_as_f64(f))?),
        (Numeric(_), Value::Float8(f)) => Value::Numeric(Decimal::from_f64(f)?),
        (Float4, v @ (Value::Int(_) | Value::Numeric(_) | Value::Float4(_) | Value::Float8(_))) => {
            Value::Float4(v.as_f64().unwrap_or(0.0) as f32)
        }
        (Float8, Value::Float4(f)) => Value::Float8(f as f64),
        (Float8, v @ (Value::Int(_) | Value::Numeric(_) | Value::Float8(_))) => {
            Value::Float8(v.as_f64().unwrap_or(0.0))
        }
        (Text | Varchar(_) | Char(_), Value::Text(s)) => {
            // char → text/varchar strips the padding.
            let s = if matches!(from, Char(_)) && !matches!(to, Char(_)) {
                s.trim_end_matches(' ').to_string()
            } else {
                s
            };
            Value::Text(s)
        }
        (Text | Varchar(_) | Char(_), Value::Bool(b)) => {
            Value::Text(if b { "true" } else { "false" }.into())
        }
        (Text | Varchar(_) | Char(_), other) => Value::Text(other.to_text().unwrap_or_default()),
        (Date, Value::Date(d)) => Value::Date(d),
        (Date, Value::Timestamp(t) | Value::TimestampTz(t)) => {
            Value::Date(t.div_euclid(datetime::USECS_PER_DAY))
        }
        (Timestamp, Value::Date(d)) => Value::Timestamp(d * datetime::USECS_PER_DAY),
        (TimestampTz, Value::Date(d)) => Value::TimestampTz(d * datetime::USECS_PER_DAY),
        (Timestamp, Value::Timestamp(t) | Value::TimestampTz(t)) => Value::Timestamp(t),
        (TimestampTz, Value::Timestamp(t) | Value::TimestampTz(t)) => Value::TimestampTz(t),
        (Jsonb | Json, Value::Json(j)) => Value::Json(j),
        (Uuid, Value::Uuid(u)) => Value::Uuid(u),
        (Regclass, v) => v,
        (_, Value::Text(s)) => parse_input(&s, to)?,
        (_, _) => return Err(SqlError::cannot_cast(from.base_name(), to.base_name())),
    };
    apply_modifier(out, to, explicit)
}

fn float4_as_f64(f: f32) -> f64 {
    // real → numeric uses the float's 6 significant digits.
    format!("{:.*e}", 5, f).parse().unwrap_or(f as f64)
}

fn int_range_err(ty: &SqlType) -> SqlError {
    match check_int_range(i128::MAX, ty) {
        Err(e) => e,
        Ok(_) => SqlError::out_of_range("integer"),
    }
}

fn float_to_int(f: f64, ty: &SqlType) -> Result<i64, SqlError> {
    if !f.is_finite() {
        return Err(int_range_err(ty));
    }
    // rint(): round half to even.
    let r = f.round_ties_even();
    if r.abs() > 9.3e18 {
        return Err(int_range_err(ty));
    }
    check_int_range(r as i128, ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_output_is_shortest_exact() {
        for (v, single, out) in [
            (0.1f64, true, "0.1"),
            (1e10, false, "10000000000"),
            (0.000001, false, "1e-06"),
            (1e15, false, "1e+15"),
            (123456.0, true, "123456"),
            (1234567.0, true, "1.234567e+06"),
            (-2.5, false, "-2.5"),
            (0.0001, false, "0.0001"),
            (1.23456, false, "1.23456"),
        ] {
            let v = if single { (v as f32) as f64 } else { v };
            assert_eq!(format_float(v, single), out, "{v}");
        }
    }

    #[test]
    fn equal_keys_hash_alike() {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let h = |k: &Key| {
            BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(k)
        };
        let num = |s: &str| Value::Numeric(Decimal::parse(s).unwrap().unwrap());
        for (a, b) in [
            (Value::Int(1), num("1.00")),
            (num("1.5"), num("1.50")),
            (Value::Float8(2.0), Value::Int(2)),
            (Value::Float8(0.5), num("0.5")),
            (Value::Text("ab ".into()), Value::Text("ab ".into())),
        ] {
            let (ka, kb) = (Key(vec![a.clone()]), Key(vec![b.clone()]));
            assert_eq!(ka, kb, "{a:?} {b:?}");
            assert_eq!(h(&ka), h(&kb), "{a:?} {b:?}");
        }
    }

    #[test]
    fn boolean_spellings() {
        for (s, out) in [
            ("t", Some(true)),
            ("YES", Some(true)),
            ("1", Some(true)),
            ("no", Some(false)),
            ("off", Some(false)),
            ("on", Some(true)),
            ("sure", None),
            ("o", None),
            ("", None),
        ] {
            assert_eq!(parse_bool(s), out, "{s}");
        }
    }

    #[test]
    fn assignment_coercions() {
        let cases: Vec<(Value, SqlType, SqlType, Result<&str, &str>)> = vec![
            (
                Value::Numeric(Decimal::parse("2.5").unwrap().unwrap()),
                SqlType::Numeric(None),
                SqlType::Int4,
                Ok("3"),
            ),
            (Value::Int(42), SqlType::Int4, SqlType::Text, Ok("42")),
            (
                Value::Text("abc  ".into()),
                SqlType::Unknown,
                SqlType::Varchar(Some(3)),
                Ok("abc"),
            ),
            (
                Value::Text("abcd".into()),
                SqlType::Unknown,
                SqlType::Varchar(Some(3)),
                Err("22001"),
            ),
            (
                Value::Text("ab".into()),
                SqlType::Unknown,
                SqlType::Char(3),
                Ok("ab "),
            ),
            (
                Value::Int(3_000_000_000),
                SqlType::Int8,
                SqlType::Int4,
                Err("22003"),
            ),
            (
                Value::Text("2.5".into()),
                SqlType::Unknown,
                SqlType::Int4,
                Err("22P02"),
            ),
            (
                Value::Numeric(Decimal::parse("-0.004").unwrap().unwrap()),
                SqlType::Numeric(None),
                SqlType::Numeric(Some((5, 2))),
                Ok("0.00"),
            ),
        ];
        for (v, from, to, want) in cases {
            let got = cast_value(v.clone(), &from, &to, false);
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g.to_text().as_deref(), Some(w), "{v:?} -> {to:?}"),
                (Err(e), Err(c)) => assert_eq!(e.code(), c, "{v:?} -> {to:?}"),
                (g, w) => panic!("{v:?} -> {to:?}: got {g:?}, want {w:?}"),
            }
        }
    }
}

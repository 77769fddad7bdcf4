//! mongosh's output notation: a port of the parts of Node's `util.inspect` that mongosh uses
//! (`compact: 3`, `breakLength: 80`), with mongosh's BSON printers (`ObjectId('…')`,
//! `ISODate('…')`, `Long('…')`, `Int32(…)`, `Decimal128('…')`).
//!
//! Invariant: the line-breaking decisions follow Node 20's `reduceToSingleString`,
//! `isBelowBreakLength` and `groupArrayElements` step for step, so output is byte-identical
//! to mongosh for the values we model (checked against `node`, see
//! `tests/fidelity/mongosh/README.md`).

use super::value::{iso_date, oid_hex, Document, Value};

const BREAK_LENGTH: usize = 80;

/// A document whose first field has this key prints as an instance of a named class
/// (`BulkWriteResult { … }`); only error reports build such documents.
const CLASS_KEY: &str = "\u{0}class";

/// Wraps a document so it prints as `Name { … }`.
pub fn named(class: &str, doc: Document) -> Value {
    let mut d = Document::new();
    d.insert(CLASS_KEY, Value::String(class.to_string()));
    for (k, v) in doc.iter() {
        d.insert(k.clone(), v.clone());
    }
    Value::Document(d)
}

/// The server's own notation for values inside its messages (`dup key: { email: "a" }`).
pub fn server_repr(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Double(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => {
            format!("{f:.1}")
        }
        Value::Int32(i) => i.to_string(),
        Value::Int64(i) => i.to_string(),
        Value::Date(ms) => format!("new Date({ms})"),
        Value::Array(items) if items.is_empty() => "[]".into(),
        Value::Array(items) => format!(
            "[ {} ]",
            items.iter().map(server_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Document(d) if d.is_empty() => "{}".into(),
        Value::Document(d) => format!(
            "{{ {} }}",
            d.iter()
                .map(|(k, v)| format!("{k}: {}", server_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => format_leaf(other),
    }
}
const COMPACT: usize = 3;

/// How deep and how long `inspect` goes.
#[derive(Clone, Copy, Debug)]
pub struct InspectOptions {
    /// Nesting depth after which objects print as `[Object]`; `None` is unlimited.
    pub depth: Option<usize>,
    /// Array entries shown before `... n more items`; `None` is unlimited.
    pub max_array_length: Option<usize>,
    /// Whether short objects may share a line (`compact: 3`); `printjson` turns it off.
    pub compact: bool,
}

impl InspectOptions {
    /// mongosh's options for ordinary results (`inspectDepth` 6, 100 array items).
    pub fn simple() -> Self {
        InspectOptions {
            depth: Some(6),
            max_array_length: Some(100),
            compact: true,
        }
    }

    /// mongosh's options for cursors and error details (everything shown).
    pub fn full() -> Self {
        InspectOptions {
            depth: None,
            max_array_length: None,
            compact: true,
        }
    }

    /// `printjson`: everything shown, one entry per line.
    pub fn printjson() -> Self {
        InspectOptions {
            depth: None,
            max_array_length: None,
            compact: false,
        }
    }
}

struct Ctx {
    opts: InspectOptions,
    indentation_lvl: usize,
    current_depth: usize,
}

/// Formats a value as mongosh prints it.
pub fn inspect(value: &Value, opts: InspectOptions) -> String {
    let mut ctx = Ctx {
        opts,
        indentation_lvl: 0,
        current_depth: 0,
    };
    format_value(&mut ctx, value, 0)
}

fn format_value(ctx: &mut Ctx, value: &Value, recurse_times: usize) -> String {
    match value {
        Value::Array(_) | Value::Document(_) => format_raw(ctx, value, recurse_times),
        Value::String(s) => format_string(ctx, s),
        other => format_leaf(other),
    }
}

/// Leaves: primitives and the BSON wrappers whose custom inspect returns one string.
pub fn format_leaf(value: &Value) -> String {
    match value {
        Value::Undefined => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Double(f) => js_number(*f),
        Value::Int32(i) => format!("Int32({i})"),
        Value::Int64(i) => format!("Long('{i}')"),
        Value::Decimal(s) => format!("Decimal128('{s}')"),
        Value::String(s) => str_escape(s),
        Value::ObjectId(b) => format!("ObjectId('{}')", oid_hex(b)),
        Value::Date(ms) => format!("ISODate('{}')", iso_date(*ms)),
        Value::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
        Value::Array(_) => "[Array]".into(),
        Value::Document(_) => "[Object]".into(),
    }
}

fn format_string(ctx: &Ctx, s: &str) -> String {
    // Node splits long strings at their line breaks, one quoted piece per line.
    let len = s.encode_utf16().count();
    if len > 16 && len + ctx.indentation_lvl + 4 > BREAK_LENGTH && s.contains('\n') {
        let mut pieces = Vec::new();
        let mut rest = s;
        while let Some(i) = rest.find('\n') {
            pieces.push(&rest[..=i]);
            rest = &rest[i + 1..];
        }
        if !rest.is_empty() {
            pieces.push(rest);
        }
        let sep = format!(" +\n{}", " ".repeat(ctx.indentation_lvl + 2));
        return pieces
            .iter()
            .map(|p| str_escape(p))
            .collect::<Vec<_>>()
            .join(&sep);
    }
    str_escape(s)
}

fn format_raw(ctx: &mut Ctx, value: &Value, recurse_times: usize) -> String {
    let is_array = matches!(value, Value::Array(_));
    // Node prints empty objects and arrays before it checks the depth limit.
    match value {
        Value::Array(items) if items.is_empty() => return "[]".into(),
        Value::Document(d) if d.is_empty() => return "{}".into(),
        _ => {}
    }
    if let Some(depth) = ctx.opts.depth {
        if recurse_times > depth {
            return if is_array { "[Array]" } else { "[Object]" }.into();
        }
    }
    let recurse_times = recurse_times + 1;
    ctx.current_depth = recurse_times;
    let mut output = Vec::new();
    let mut all_numbers = true;
    let mut class: Option<String> = None;
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                return "[]".into();
            }
            let shown = ctx
                .opts
                .max_array_length
                .map_or(items.len(), |m| m.min(items.len()));
            for item in &items[..shown] {
                all_numbers &= matches!(item, Value::Double(_));
                ctx.indentation_lvl += 2;
                output.push(format_value(ctx, item, recurse_times));
                ctx.indentation_lvl -= 2;
            }
            let remaining = items.len() - shown;
            if remaining > 0 {
                let s = if remaining > 1 { "s" } else { "" };
                output.push(format!("... {remaining} more item{s}"));
            }
        }
        Value::Document(doc) => {
            if doc.is_empty() {
                return "{}".into();
            }
            // A JavaScript object lists integer-like keys first, in numeric order; mongosh
            // prints documents after the driver turned them into such objects.
            let mut entries: Vec<&(String, Value)> = doc.iter().collect();
            crate::sorting::sort_by_key(&mut entries, |(k, _)| {
                array_index(k).map_or((1, 0), |i| (0, i))
            });
            for (k, v) in entries {
                if k == CLASS_KEY {
                    if let Value::String(c) = v {
                        class = Some(c.clone());
                    }
                    continue;
                }
                ctx.indentation_lvl += 2;
                let s = format_value(ctx, v, recurse_times);
                ctx.indentation_lvl -= 2;
                output.push(format!("{}: {s}", key_name(k)));
            }
        }
        _ => return format_leaf(value),
    }
    let open = match (&class, is_array) {
        (Some(c), _) => format!("{c} {{"),
        (None, true) => "[".into(),
        (None, false) => "{".into(),
    };
    let close = if is_array { "]" } else { "}" };
    reduce_to_single_string(
        ctx,
        output,
        (&open, close),
        is_array,
        recurse_times,
        all_numbers,
    )
}

fn reduce_to_single_string(
    ctx: &mut Ctx,
    mut output: Vec<String>,
    braces: (&str, &str),
    is_array: bool,
    recurse_times: usize,
    all_numbers: bool,
) -> String {
    let entries = output.len();
    if !ctx.opts.compact {
        let indentation = format!("\n{}", " ".repeat(ctx.indentation_lvl));
        return format!(
            "{}{indentation}  {}{indentation}{}",
            braces.0,
            output.join(&format!(",{indentation}  ")),
            braces.1
        );
    }
    if is_array && entries > 6 {
        output = group_array_elements(ctx, output, all_numbers);
    }
    if ctx.current_depth - recurse_times < COMPACT && entries == output.len() {
        let start = output.len() + ctx.indentation_lvl + braces.0.len() + 10;
        if is_below_break_length(&output, start) {
            let joined = output.join(", ");
            if !joined.contains('\n') {
                return format!("{} {joined} {}", braces.0, braces.1);
            }
        }
    }
    let indentation = format!("\n{}", " ".repeat(ctx.indentation_lvl));
    format!(
        "{}{indentation}  {}{indentation}{}",
        braces.0,
        output.join(&format!(",{indentation}  ")),
        braces.1
    )
}

fn width(s: &str) -> usize {
    s.encode_utf16().count()
}

fn is_below_break_length(output: &[String], start: usize) -> bool {
    let mut total = output.len() + start;
    if total + output.len() > BREAK_LENGTH {
        return false;
    }
    for s in output {
        total += width(s);
        if total > BREAK_LENGTH {
            return false;
        }
    }
    true
}

fn group_array_elements(ctx: &Ctx, output: Vec<String>, all_numbers: bool) -> Vec<String> {
    let mut total_length = 0usize;
    let mut max_length = 0usize;
    let has_more = output.last().is_some_and(|s| s.starts_with("... "))
        && ctx.opts.max_array_length.is_some_and(|m| output.len() > m);
    let output_length = if has_more {
        output.len() - 1
    } else {
        output.len()
    };
    let separator_space = 2;
    let data_len: Vec<usize> = output[..output_length].iter().map(|s| width(s)).collect();
    for &len in &data_len {
        total_length += len + separator_space;
        max_length = max_length.max(len);
    }
    let actual_max = max_length + separator_space;
    if actual_max * 3 + ctx.indentation_lvl < BREAK_LENGTH
        && (total_length as f64 / actual_max as f64 > 5.0 || max_length <= 6)
    {
        let average_bias = (actual_max as f64 - total_length as f64 / output.len() as f64).sqrt();
        let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
        let columns = ((2.5 * biased_max * output_length as f64).sqrt() / biased_max)
            .round()
            .min(((BREAK_LENGTH - ctx.indentation_lvl) / actual_max) as f64)
            .min((COMPACT * 4) as f64)
            .min(15.0) as usize;
        if columns <= 1 {
            return output;
        }
        let mut max_line_length = Vec::new();
        for i in 0..columns {
            let mut line_max = 0;
            let mut j = i;
            while j < output_length {
                line_max = line_max.max(data_len[j]);
                j += columns;
            }
            max_line_length.push(line_max + separator_space);
        }
        let mut tmp = Vec::new();
        let mut i = 0;
        while i < output_length {
            let max = (i + columns).min(output_length);
            let mut line = String::new();
            let mut j = i;
            while j < max - 1 {
                let cell = format!("{}, ", output[j]);
                line.push_str(&pad(&cell, max_line_length[j - i], all_numbers));
                j += 1;
            }
            if all_numbers {
                let w = max_line_length[j - i] - separator_space;
                line.push_str(&pad(&output[j], w, true));
            } else {
                line.push_str(&output[j]);
            }
            tmp.push(line);
            i += columns;
        }
        if has_more {
            tmp.push(output[output_length].clone());
        }
        return tmp;
    }
    output
}

fn pad(s: &str, w: usize, start: bool) -> String {
    let n = w.saturating_sub(width(s));
    if start {
        format!("{}{s}", " ".repeat(n))
    } else {
        format!("{s}{}", " ".repeat(n))
    }
}

/// The key as a canonical array index (`0`, `17`, not `01`), if it is one.
fn array_index(k: &str) -> Option<u64> {
    if k.is_empty() || (k.len() > 1 && k.starts_with('0')) || !k.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    k.parse::<u64>().ok().filter(|i| *i < 4_294_967_295)
}

/// An object key as Node prints it: bare when it is an identifier, quoted otherwise.
pub fn key_name(k: &str) -> String {
    let mut chars = k.chars();
    let ident = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        k.to_string()
    } else {
        str_escape(k)
    }
}

/// A string literal as Node quotes it: single quotes unless the text holds one.
pub fn str_escape(s: &str) -> String {
    let quote = if s.contains('\'') {
        if !s.contains('"') {
            '"'
        } else if !s.contains('`') && !s.contains("${") {
            '`'
        } else {
            '\''
        }
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\'' if quote == '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// JavaScript's `Number.prototype.toString()` (with `-0` shown as Node shows it).
pub fn js_number(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let exp: i64 = exp.parse().unwrap_or(0);
    let k = digits.len() as i64;
    let n = exp + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let es = if e >= 0 {
            format!("+{e}")
        } else {
            e.to_string()
        };
        if k == 1 {
            format!("{digits}e{es}")
        } else {
            format!("{}.{}e{es}", &digits[..1], &digits[1..])
        }
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript() {
        for (f, s) in [
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (123456789012.0, "123456789012"),
            (0.000001, "0.000001"),
            (-2.5e-8, "-2.5e-8"),
            (100.0, "100"),
        ] {
            assert_eq!(js_number(f), s);
        }
    }

    #[test]
    fn strings_pick_their_quotes() {
        assert_eq!(str_escape("it's"), "\"it's\"");
        assert_eq!(str_escape("say \"hi\""), "'say \"hi\"'");
        assert_eq!(str_escape("both ' and \""), "`both ' and \"`");
        assert_eq!(key_name("$set"), "'$set'");
        assert_eq!(key_name("a1"), "a1");
    }
}

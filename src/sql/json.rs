//! `jsonb` values: parsing with PostgreSQL's error details, normalisation and text output.
//!
//! Invariant: an object's keys are unique and ordered as jsonb orders them (shorter keys first,
//! then bytewise); the last duplicate key wins. Numbers keep their decimal text.

use super::error::SqlError;
use super::numeric::Decimal;

/// A normalised jsonb document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as PostgreSQL's numeric text.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object with unique keys in jsonb order.
    Object(Vec<(String, Json)>),
}

/// Bounds nesting so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 512;

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Json {
    /// Parses JSON text as `jsonb` input does.
    pub fn parse(text: &str) -> Result<Json, SqlError> {
        let mut p = Parser {
            s: text.as_bytes(),
            text,
            i: 0,
        };
        p.ws();
        let v = p.value(0)?;
        p.ws();
        if p.i < p.s.len() {
            return Err(p.bad_token());
        }
        Ok(v)
    }

    /// The jsonb text output (`{"a": 1, "b": [1, 2]}`).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_string(k, out);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// `->` with a key.
    pub fn get_key(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// `->` with an array index (negative counts from the end).
    pub fn get_index(&self, idx: i64) -> Option<&Json> {
        match self {
            Json::Array(items) => {
                let n = items.len() as i64;
                let i = if idx < 0 { n + idx } else { idx };
                if i < 0 || i >= n {
                    None
                } else {
                    items.get(i as usize)
                }
            }
            _ => None,
        }
    }

    /// `->>`: strings unquoted, null as SQL NULL, everything else as jsonb text.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Json::Null => None,
            Json::String(s) => Some(s.clone()),
            other => Some(other.to_text()),
        }
    }

    /// `jsonb_typeof`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// jsonb's key order: shorter first, then bytewise.
fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn end(&self) -> SqlError {
        SqlError::invalid_json("The input string ended unexpectedly.")
    }

    /// The token at the cursor, as PostgreSQL's JSON lexer delimits it.
    fn token(&self) -> &str {
        let rest = &self.text[self.i..];
        let first = rest.chars().next();
        match first {
            Some(c) if c.is_alphanumeric() || c == '-' || c == '_' => {
                let end = rest
                    .char_indices()
                    .find(|(_, c)| {
                        !(c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.' || *c == '+')
                    })
                    .map_or(rest.len(), |(i, _)| i);
                &rest[..end]
            }
            Some(c) => &rest[..c.len_utf8()],
            None => "",
        }
    }

    fn bad_token(&self) -> SqlError {
        if self.i >= self.s.len() {
            return self.end();
        }
        SqlError::invalid_json(format!("Token \"{}\" is invalid.", self.token()))
    }

    fn expected(&self, what: &str) -> SqlError {
        if self.i >= self.s.len() {
            return self.end();
        }
        let tok = self.token();
        let lexically_valid = match tok.as_bytes().first() {
            Some(b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"') => true,
            Some(b'-' | b'0'..=b'9') => tok
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')),
            _ => matches!(tok, "true" | "false" | "null"),
        };
        if !lexically_valid {
            return self.bad_token();
        }
        SqlError::invalid_json(format!("Expected {what}, but found \"{}\".", self.token()))
    }

    fn value(&mut self, depth: usize) -> Result<Json, SqlError> {
        if depth > MAX_DEPTH {
            return Err(SqlError::stack_depth_exceeded());
        }
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.end());
        };
        match c {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => Ok(Json::String(self.string()?)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let tok = self.token().to_string();
                let v = match tok.as_str() {
                    "true" => Json::Bool(true),
                    "false" => Json::Bool(false),
                    "null" => Json::Null,
                    _ => return Err(self.bad_token()),
                };
                self.i += tok.len();
                Ok(v)
            }
        }
    }

    fn number(&mut self) -> Result<Json, SqlError> {
        let tok = self.token().to_string();
        let valid = {
            let t = tok.strip_prefix('-').unwrap_or(&tok);
            let (mant, exp) = match t.find(['e', 'E']) {
                Some(i) => (&t[..i], Some(&t[i + 1..])),
                None => (t, None),
            };
            let (ip, fp) = match mant.find('.') {
                Some(i) => (&mant[..i], Some(&mant[i + 1..])),
                None => (mant, None),
            };
            let ip_ok = !ip.is_empty()
                && ip.bytes().all(|b| b.is_ascii_digit())
                && !(ip.len() > 1 && ip.starts_with('0'));
            let fp_ok = fp.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
            let exp_ok = exp.is_none_or(|e| {
                let e = e.strip_prefix(['+', '-']).unwrap_or(e);
                !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
            });
            ip_ok && fp_ok && exp_ok
        };
        if !valid {
            return Err(SqlError::invalid_json(format!(
                "Token \"{tok}\" is invalid."
            )));
        }
        self.i += tok.len();
        let text = match Decimal::parse(&tok) {
            Some(Ok(d)) => d.to_string(),
            _ => tok,
        };
        Ok(Json::Number(text))
    }

    fn string(&mut self) -> Result<String, SqlError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.i..];
            let Some(c) = rest.chars().next() else {
                return Err(self.end());
            };
            self.i += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.text[self.i..].chars().next() else {
                        return Err(self.end());
                    };
                    self.i += e.len_utf8();
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let hex = self.text.get(self.i..self.i + 4).unwrap_or("");
                            let code = u32::from_str_radix(hex, 16).map_err(|_| {
                                SqlError::invalid_json(
                                    "\"\\u\" must be followed by four hexadecimal digits.",
                                )
                            })?;
                            self.i += 4;
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        }
                        other => {
                            return Err(SqlError::invalid_json(format!(
                                "Escape sequence \"\\{other}\" is invalid."
                            )))
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(SqlError::invalid_json(format!(
                        "Character with value 0x{:02x} must be escaped.",
                        c as u32
                    )))
                }
                c => out.push(c),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, SqlError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.expected("\",\" or \"]\"")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, SqlError> {
        self.i += 1;
        let mut fields: Vec<(String, Json)> = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Json::Object(fields));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(self.expected("string"));
            }
            let key = self.string()?;
            self.ws();
            if self.s.get(self.i) != Some(&b':') {
                return Err(self.expected("\":\""));
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            match fields.binary_search_by(|(k, _)| key_order(k, &key)) {
                Ok(pos) => fields[pos].1 = v,
                Err(pos) => fields.insert(pos, (key, v)),
            }
            self.ws();
            match self.s.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Json::Object(fields));
                }
                _ => return Err(self.expected("\",\" or \"}\"")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_jsonb() {
        for (input, out) in [
            (
                r#"{"name": "alice", "tags": ["a", "b"], "age": 30}"#,
                r#"{"age": 30, "name": "alice", "tags": ["a", "b"]}"#,
            ),
            (r#"{"b":1,   "a":2, "a":3}"#, r#"{"a": 3, "b": 1}"#),
            (r#"[1, 2, {"x": null}]"#, r#"[1, 2, {"x": null}]"#),
            ("1.50", "1.50"),
            (r#""a\"b""#, r#""a\"b""#),
        ] {
            assert_eq!(Json::parse(input).unwrap().to_text(), out, "{input}");
        }
    }

    #[test]
    fn errors_carry_postgres_details() {
        for (input, detail) in [
            (r#"{"name": alice}"#, "Token \"alice\" is invalid."),
            (r#"{"unclosed": 1"#, "The input string ended unexpectedly."),
            ("", "The input string ended unexpectedly."),
        ] {
            let e = Json::parse(input).unwrap_err();
            assert_eq!(e.detail.as_deref(), Some(detail), "{input}");
        }
    }
}

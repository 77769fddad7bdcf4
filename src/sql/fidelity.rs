//! Replays a fidelity scenario the way `tests/fidelity/pg/run_corpus.py` records it and
//! renders each outcome as one line of the corpus's JSON format.
//!
//! Invariant: the output is byte-identical in shape to `expected/*.jsonl`: keys in recorded
//! order, optional keys omitted, non-ASCII characters not escaped.

use serde_json::{Map, Value as Json};

use super::error::SqlError;
use super::session::{QueryResult, Session};

/// The statements of a scenario: one per line, blank and `--` lines skipped.
pub fn statements(script: &str) -> Vec<String> {
    script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("--"))
        .map(str::to_string)
        .collect()
}

/// One statement's outcome as a JSON object (corpus key order).
pub fn outcome_json(sql: &str, r: &Result<QueryResult, SqlError>) -> Json {
    let mut m = Map::new();
    m.insert("sql".into(), Json::String(sql.to_string()));
    let notices = match r {
        Ok(res) => {
            m.insert("ok".into(), Json::Bool(true));
            m.insert("tag".into(), Json::String(res.tag.clone()));
            if let Some(rows) = &res.rows {
                m.insert(
                    "columns".into(),
                    Json::Array(
                        res.columns
                            .iter()
                            .map(|c| Json::String(c.name.clone()))
                            .collect(),
                    ),
                );
                m.insert(
                    "rows".into(),
                    Json::Array(
                        rows.iter()
                            .map(|r| {
                                Json::Array(
                                    r.iter()
                                        .map(|v| v.clone().map_or(Json::Null, Json::String))
                                        .collect(),
                                )
                            })
                            .collect(),
                    ),
                );
            }
            &res.notices
        }
        Err(e) => {
            m.insert("ok".into(), Json::Bool(false));
            m.insert("code".into(), Json::String(e.code().to_string()));
            m.insert("message".into(), Json::String(e.message.clone()));
            if let Some(d) = &e.detail {
                m.insert("detail".into(), Json::String(d.clone()));
            }
            if let Some(h) = &e.hint {
                m.insert("hint".into(), Json::String(h.clone()));
            }
            &e.notices
        }
    };
    if !notices.is_empty() {
        m.insert(
            "notices".into(),
            Json::Array(
                notices
                    .iter()
                    .map(|n| Json::String(format!("{}: {}", n.severity, n.message)))
                    .collect(),
            ),
        );
    }
    Json::Object(m)
}

/// Formats a JSON value as Python's `json.dumps(..., ensure_ascii=False)` does (`", "` and
/// `": "` separators).
pub fn to_python_json(v: &Json) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Json, out: &mut String) {
    match v {
        Json::Object(m) => {
            out.push('{');
            for (i, (k, val)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&Json::String(k.clone()).to_string());
                out.push_str(": ");
                write_json(val, out);
            }
            out.push('}');
        }
        Json::Array(a) => {
            out.push('[');
            for (i, val) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(val, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Runs a scenario in a fresh database (autocommit, one statement per line) and returns one
/// JSON object per statement per line, as `expected/*.jsonl` holds them.
pub fn run_json(script: &str) -> String {
    let mut s = Session::new();
    let mut out = String::new();
    for stmt in statements(script) {
        let r = s.execute(&stmt);
        out.push_str(&to_python_json(&outcome_json(&stmt, &r)));
        out.push('\n');
    }
    out
}

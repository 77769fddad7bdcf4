//! Output notation checked against mongosh's own formatter: `tests/fidelity/mongosh/
//! inspect_cases.jsonl` holds values and what mongosh 2.x's `formatOutput` printed for them
//! (recorded by `record_inspect.js`; see that folder's README). Never edit the recording.
#![cfg(not(target_arch = "wasm32"))]

use schemalab::doc::{inspect, Document, InspectOptions, Value};
use serde_json::Value as Json;

fn decode(j: &Json) -> Value {
    let t = j["t"].as_str().unwrap_or("");
    match t {
        "doc" => {
            let mut d = Document::new();
            for pair in j["v"].as_array().into_iter().flatten() {
                d.insert(pair[0].as_str().unwrap_or("").to_string(), decode(&pair[1]));
            }
            Value::Document(d)
        }
        "arr" => Value::Array(
            j["v"]
                .as_array()
                .into_iter()
                .flatten()
                .map(decode)
                .collect(),
        ),
        "str" => Value::String(j["v"].as_str().unwrap_or("").to_string()),
        "num" => Value::Double(j["v"].as_f64().unwrap_or(0.0)),
        "int32" => Value::Int32(j["v"].as_i64().unwrap_or(0) as i32),
        "long" => Value::Int64(j["v"].as_str().unwrap_or("0").parse().unwrap_or(0)),
        "dec" => Value::Decimal(j["v"].as_str().unwrap_or("0").to_string()),
        "oid" => {
            let hex = j["v"].as_str().unwrap_or("");
            let mut b = [0u8; 12];
            for (i, slot) in b.iter_mut().enumerate() {
                *slot = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap_or(0);
            }
            Value::ObjectId(b)
        }
        "date" => Value::Date(j["v"].as_i64().unwrap_or(0)),
        "bool" => Value::Bool(j["v"].as_bool().unwrap_or(false)),
        "regex" => Value::Regex {
            pattern: j["p"].as_str().unwrap_or("").to_string(),
            flags: j["f"].as_str().unwrap_or("").to_string(),
        },
        _ => Value::Null,
    }
}

#[test]
fn inspect_matches_recorded_mongosh_output() {
    let text = include_str!("fidelity/mongosh/inspect_cases.jsonl");
    let mut failures = Vec::new();
    let mut total = 0;
    for line in text.lines() {
        let case: Json = serde_json::from_str(line).expect("valid jsonl");
        let value = decode(&case["value"]);
        let opts = if case["mode"] == "cursor" {
            InspectOptions::full()
        } else {
            InspectOptions::simple()
        };
        let actual = inspect(&value, opts);
        let expected = case["out"].as_str().unwrap_or("");
        total += 1;
        if actual != expected {
            failures.push(format!("--- expected\n{expected}\n--- actual\n{actual}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// Syntax errors checked against babel as mongosh runs it (`syntax_cases.jsonl`, recorded by
/// `record_syntax.js` from `syntax_inputs.txt`): same message, position and code frame, and
/// no syntax error where babel accepts the line.
#[test]
fn syntax_errors_match_recorded_babel_output() {
    use schemalab::doc::{ErrorKind, Store};
    let text = include_str!("fidelity/mongosh/syntax_cases.jsonl");
    let mut failures = Vec::new();
    for line in text.lines() {
        let case: Json = serde_json::from_str(line).expect("valid jsonl");
        let input = case["input"].as_str().unwrap_or("");
        let verdict = case["verdict"].as_str().unwrap_or("");
        let mut store = Store::new(1);
        let got = match store.eval(input) {
            // Only parse-time errors carry a code frame; runtime SyntaxErrors come from V8.
            Err(e) if e.kind == ErrorKind::Syntax && e.message.contains("\n\n") => e.message,
            _ => "OK".to_string(),
        };
        if got != verdict {
            failures.push(format!("{input}\n  babel: {verdict:?}\n  ours:  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

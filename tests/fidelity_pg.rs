//! Replays every recorded PostgreSQL scenario (`tests/fidelity/pg/scenarios/*.sql`) through
//! the engine and compares each statement's outcome with `expected/*.jsonl`.
//!
//! Compared strictly: `ok`, `tag`, `columns`, `rows`, `code`, `message` (for 42601 only the
//! code), `detail`, `hint` and `notices`. Prints a per-scenario summary and the total rate.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

use schemalab::sql::fidelity::{outcome_json, statements};
use schemalab::sql::Session;
use serde_json::Value;

fn field<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.get(k)
}

/// The first differing key between an expected and an actual outcome, if any.
fn mismatch(expected: &Value, actual: &Value) -> Option<String> {
    let syntax = field(expected, "code").and_then(Value::as_str) == Some("42601");
    for k in [
        "ok", "tag", "columns", "rows", "code", "message", "detail", "hint", "notices",
    ] {
        if syntax && matches!(k, "message" | "detail" | "hint") {
            continue;
        }
        let (e, a) = (field(expected, k), field(actual, k));
        if e != a {
            return Some(format!(
                "{k}: expected {} got {}",
                e.map_or("-".into(), |v| v.to_string()),
                a.map_or("-".into(), |v| v.to_string())
            ));
        }
    }
    None
}

/// Replays every scenario of `dir` and returns the mismatches (printing a summary).
fn replay(dir: &Path) -> Vec<String> {
    replay_counted(dir).2
}

/// Replays every scenario of `dir`: (statements matched, statements, mismatches).
fn replay_counted(dir: &Path) -> (usize, usize, Vec<String>) {
    let mut names: Vec<_> = fs::read_dir(dir.join("scenarios"))
        .expect("scenarios dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    names.sort();
    let (mut total, mut matched) = (0usize, 0usize);
    let mut failures = Vec::new();
    for path in &names {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let script = fs::read_to_string(path).expect("scenario");
        let expected_text = fs::read_to_string(dir.join("expected").join(format!("{stem}.jsonl")))
            .expect("expected file");
        let expected: Vec<Value> = expected_text
            .lines()
            .map(|l| serde_json::from_str(l).expect("expected json"))
            .collect();
        let stmts = statements(&script);
        assert_eq!(stmts.len(), expected.len(), "{stem}: statement count");
        let mut session = Session::new();
        let mut ok = 0;
        for (stmt, exp) in stmts.iter().zip(&expected) {
            let actual = outcome_json(stmt, &session.execute(stmt));
            match mismatch(exp, &actual) {
                None => ok += 1,
                Some(why) => failures.push(format!("{stem}: {stmt}\n    {why}")),
            }
        }
        println!("{stem:<45} {ok:>3}/{:<3}", stmts.len());
        total += stmts.len();
        matched += ok;
    }
    println!(
        "TOTAL {matched}/{total} statements match ({:.1} %)",
        100.0 * matched as f64 / total.max(1) as f64
    );
    for f in &failures {
        println!("MISMATCH {f}");
    }
    (matched, total, failures)
}

#[test]
fn shared_corpus_matches_postgres() {
    let failures = replay(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/pg"));
    assert!(
        failures.is_empty(),
        "{} statements differ from PostgreSQL",
        failures.len()
    );
}

#[test]
fn extra_scenarios_match_postgres() {
    // Scenarios written for this engine and recorded with run_corpus.py against PostgreSQL 15.
    let failures = replay(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/pg/extra"));
    assert!(
        failures.is_empty(),
        "{} statements differ from PostgreSQL",
        failures.len()
    );
}

#[test]
fn run_json_reproduces_recordings_byte_for_byte() {
    // Scenarios without syntax errors must come out identical to the recording.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/pg");
    let mut names: Vec<_> = fs::read_dir(dir.join("scenarios"))
        .expect("scenarios dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let expected = fs::read_to_string(dir.join("expected").join(format!("{stem}.jsonl")))
            .expect("expected file");
        if expected.contains("\"42601\"") {
            continue;
        }
        let script = fs::read_to_string(&path).expect("scenario");
        let ours = schemalab::sql::fidelity::run_json(&script);
        for (a, b) in ours.lines().zip(expected.lines()) {
            assert_eq!(a, b, "{stem}");
        }
        assert_eq!(ours.lines().count(), expected.lines().count(), "{stem}");
    }
}

/// Mismatches of the generated sessions that are out of the engine's scope, each
/// `(scenario stem, statement)` with the reason in a comment. Keep it short: every other
/// difference is a bug to fix in the engine.
const KNOWN_GENERATED: &[(&str, &str)] = &[
    // PostgreSQL writes an updated row as a new version at the end of the heap, so a later
    // scan (a DELETE's or an UPDATE's RETURNING here) meets updated rows last; the engine
    // updates rows in place and keeps insertion order. Left for the storage work on the
    // catalog's row store and undo log.
    (
        "305_gen_seed5",
        "DELETE FROM shops WHERE id IN (SELECT id FROM shops WHERE token <> 3) RETURNING id;",
    ),
    (
        "307_gen_seed7",
        "UPDATE students SET name = upper(name) WHERE email IN (TRUE, TRUE) RETURNING id, name;",
    ),
];

#[test]
fn generated_sessions_match_postgres() {
    // Sessions from the seeded generator (examples/sqlgen.rs), recorded by `make record-pg`.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/pg/generated");
    let (matched, total, failures) = replay_counted(&dir);
    let rate = 100.0 * matched as f64 / total.max(1) as f64;
    println!("generated sessions: {matched}/{total} statements match ({rate:.1} %)");
    assert!(
        total >= 300,
        "the generator should give several hundred statements"
    );
    let unknown: Vec<&String> = failures
        .iter()
        .filter(|f| {
            !KNOWN_GENERATED
                .iter()
                .any(|(stem, sql)| f.starts_with(&format!("{stem}: {sql}\n")))
        })
        .collect();
    assert!(rate >= 95.0, "match rate {rate:.1} % is below 95 %");
    assert!(
        unknown.is_empty(),
        "{} statements differ from PostgreSQL and are not listed as known",
        unknown.len()
    );
}

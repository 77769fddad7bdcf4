//! `schemalab bench --sql DIR`: the CLI shell over `schemalab::bench`, on tiny generated-style
//! files. No timing is asserted, only the shape of the output and the exit codes.
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::{Command, Output};

fn schemalab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemalab"))
        .args(args)
        .output()
        .expect("the schemalab binary runs")
}

/// A `pg` folder with W1's files and `expected.json` one level up, as gen.mjs lays them out.
fn tiny_root(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let pg = root.join("pg");
    std::fs::create_dir_all(&pg).expect("temp dir");
    std::fs::write(
        pg.join("setup.sql"),
        "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email varchar(120) UNIQUE, age integer);\n",
    )
    .expect("write");
    std::fs::write(
        pg.join("w1.sql"),
        "INSERT INTO users (name, email, age) VALUES ('Ann', 'user1@example.com', 30);\n\
         INSERT INTO users (name, email, age) VALUES ('O''Neil', 'user2@example.com', NULL);\n",
    )
    .expect("write");
    std::fs::write(
        root.join("expected.json"),
        r#"{"w1": {"rows_after": 2, "errors": 0}}"#,
    )
    .expect("write");
    pg
}

#[test]
fn json_lines_carry_the_anchor_fields() {
    let pg = tiny_root("bench-cli-json");
    let out = schemalab(&[
        "bench",
        "--sql",
        &pg.to_string_lossy(),
        "--workload",
        "w1",
        "--json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let line = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON line");
    assert_eq!(json["engine"], "schemalab");
    assert_eq!(json["workload"], "w1");
    assert_eq!(json["ok"], true);
    assert_eq!(json["ops"], 2);
    assert_eq!(json["checks"]["rows_after"], 2);
    assert!(json["work_ms"].is_number());
}

#[test]
fn a_failed_check_exits_1_and_shows_in_the_table() {
    let pg = tiny_root("bench-cli-fail");
    std::fs::write(
        pg.join("..").join("expected.json"),
        r#"{"w1": {"rows_after": 3}}"#,
    )
    .expect("write");
    let out = schemalab(&["bench", "--sql", &pg.to_string_lossy(), "--workload", "w1"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("check failed: rows_after_WANTED = 3"),
        "{table}"
    );
}

#[test]
fn an_unreadable_dir_or_unknown_workload_exits_2() {
    let out = schemalab(&["bench", "--sql", "/nonexistent/schemalab-bench", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/schemalab-bench")
    );
    let pg = tiny_root("bench-cli-usage");
    let out = schemalab(&["bench", "--sql", &pg.to_string_lossy(), "--workload", "w9"]);
    assert_eq!(out.status.code(), Some(2));
    let out = schemalab(&["bench", "--sql", &pg.to_string_lossy(), "--workload", "w2"]);
    assert_eq!(out.status.code(), Some(2), "w2's files are missing");
}

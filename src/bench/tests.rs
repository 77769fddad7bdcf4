//! The runner on tiny generated-style files, with a counting clock instead of time.

use std::cell::Cell;

use super::*;

const SETUP: &str = "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email varchar(120) UNIQUE, age integer);\n";
const W1: &str = "INSERT INTO users (name, email, age) VALUES ('Ann', 'user1@example.com', 30);\n\
INSERT INTO users (name, email, age) VALUES ('D''Arcy', 'user2@example.com', NULL);\n\
INSERT INTO users (name, email, age) VALUES ('Chloé', 'user3@example.com', 50);\n";
const EXPECTED: &str = r#"{
  "w1": {"rows_after": 3, "errors": 0},
  "w2": {"point_rows": 2, "point_age_sum": 50, "scan_count_sum": 3},
  "w3": {"rows": 3, "phone_null": 0, "nickname_x": 3, "phone_matches": 3},
  "w4": {"errors": 2, "rows_after": 3},
  "w5": {"errors": 1, "rows_after": 3}
}"#;

fn files() -> SqlFiles {
    let mut f = SqlFiles::new();
    f.insert("setup.sql", SETUP.into());
    f.insert("w1.sql", W1.into());
    f.insert(
        "w2_point.sql",
        "SELECT * FROM users WHERE id = 3;\nSELECT * FROM users WHERE id = 2;\n".into(),
    );
    f.insert(
        "w2_scan.sql",
        "SELECT count(*) FROM users WHERE age > 18;\nSELECT count(*) FROM users WHERE age > 40;\n"
            .into(),
    );
    f.insert(
        "w3_load.sql",
        "BEGIN;\nINSERT INTO users (name, email, age) VALUES ('Ann', 'a@x', 1), ('Bob', 'b@x', NULL), ('Eve', 'e@x', 3);\nCOMMIT;\n".into(),
    );
    f.insert(
        "w3_change.sql",
        "-- step: add_nickname_not_null_default\nALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT 'x';\n\
-- step: add_phone_nullable\nALTER TABLE users ADD COLUMN phone text;\n\
-- step: update_phone\nUPDATE users SET phone = 'p' || id;\n\
-- step: set_phone_not_null\nALTER TABLE users ALTER COLUMN phone SET NOT NULL;\n"
            .into(),
    );
    f.insert(
        "w3_verify.sql",
        "SELECT count(*) FROM users;\nSELECT count(*) FROM users WHERE phone IS NULL;\n\
SELECT count(*) FROM users WHERE nickname = 'x';\nSELECT count(*) FROM users WHERE phone = 'p' || id;\n"
            .into(),
    );
    f.insert(
        "w4.sql",
        "INSERT INTO users (name, email, agee) VALUES ('Ann', 'w4_1@example.com', 20);\n\
INSERT INTO users (name, email, agee) VALUES ('Bob', 'w4_2@example.com', 21);\n"
            .into(),
    );
    f.insert(
        "w5.sql",
        "BEGIN;\nINSERT INTO users (name, email, age) VALUES ('Ann', 'w5_1@example.com', 20);\n\
INSERT INTO users (name, email, age) VALUES (NULL, 'w5_2@example.com', 21);\nROLLBACK;\nSELECT count(*) FROM users;\n"
            .into(),
    );
    f.insert(
        "probe_errors.sql",
        "-- probe: unknown_column_insert (W4)\nINSERT INTO users (name, email, agee) VALUES ('Ann', 'p@x', 30);\n\
-- probe: add_nullable_column (W3 step 2; should succeed)\nALTER TABLE users ADD COLUMN phone text;\n"
            .into(),
    );
    f
}

/// Runs `workload` with a clock that advances by 1 ms at every reading.
fn check(workload: Workload, expected: &str) -> Report {
    let ticks = Cell::new(0.0);
    let now = || {
        ticks.set(ticks.get() + 1.0);
        ticks.get()
    };
    let expected = Expected::parse(expected).expect("test JSON");
    run(workload, &files(), &expected, &now).expect("all files given")
}

#[test]
fn every_workload_passes_its_checks() {
    for w in Workload::ALL {
        let r = check(w, EXPECTED);
        assert!(r.ok, "{w}: {}", r.to_json());
        assert_eq!((r.engine.as_str(), r.workload.as_str()), (ENGINE, w.name()));
    }
}

#[test]
fn w1_counts_its_statements_and_rows() {
    let r = check(Workload::W1, EXPECTED);
    assert_eq!(r.ops, Some(3));
    assert_eq!(r.checks.get("rows_after"), Some(3));
    assert!(r.work_ms.is_some_and(|t| t > 0.0));
    assert_eq!(r.setup_ms, None);
}

#[test]
fn w2_sums_ages_with_null_as_zero_and_times_both_parts() {
    let r = check(Workload::W2, EXPECTED);
    assert_eq!(r.checks.get("point_age_sum"), Some(50));
    assert_eq!(r.checks.get("scan_count_sum"), Some(3));
    let steps = r.steps_ms.expect("W2 has steps");
    let names: Vec<&str> = steps.keys().map(String::as_str).collect();
    assert_eq!(names, ["point_1000", "scan_100"]);
    assert!(r.setup_ms.is_some());
}

#[test]
fn w3_times_each_labelled_step_and_checks_the_new_constraint() {
    let r = check(Workload::W3, EXPECTED);
    let steps = r.steps_ms.expect("W3 has steps");
    let names: Vec<&str> = steps.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "add_nickname_not_null_default",
            "add_phone_nullable",
            "update_phone",
            "set_phone_not_null"
        ]
    );
    assert_eq!(r.ops, Some(4));
    assert_eq!(r.checks.get("null_phone_rejected"), Some(1));
}

#[test]
fn failing_statements_are_counted_and_the_first_message_kept() {
    let r = check(Workload::W4, EXPECTED);
    assert_eq!(r.checks.get("errors"), Some(2));
    assert_eq!(
        r.error_samples,
        ["ERROR:  column \"agee\" of relation \"users\" does not exist (SQLSTATE 42703)"]
    );
    let r = check(Workload::W5, EXPECTED);
    assert_eq!(r.checks.get("errors"), Some(1));
    assert_eq!(r.checks.get("count_in_last_stmt"), Some(3));
    assert_eq!(r.ops, Some(5));
}

#[test]
fn the_probe_records_each_answer_untimed() {
    let r = check(Workload::Probe, EXPECTED);
    assert_eq!(r.work_ms, None);
    let answers: Vec<(bool, Option<&str>)> = r
        .probes
        .iter()
        .map(|p| (p.ok, p.sqlstate.as_deref()))
        .collect();
    assert_eq!(answers, [(false, Some("42703")), (true, None)]);
}

#[test]
fn startup_times_the_first_statement() {
    let r = check(Workload::Startup, "{}");
    assert_eq!(r.checks.get("select1"), Some(1));
    assert!(r.first_stmt_ms.is_some());
}

#[test]
fn a_wrong_expectation_fails_the_run() {
    let r = check(Workload::W1, r#"{"w1": {"rows_after": 4}}"#);
    assert!(!r.ok);
    assert!(r
        .to_json()
        .contains(r#""rows_after":3,"rows_after_WANTED":4"#));
    let r = check(Workload::W4, "{}");
    assert!(!r.ok, "a missing expected value fails");
}

#[test]
fn a_missing_file_is_an_error() {
    let expected = Expected::parse("{}").expect("JSON");
    let err = run(Workload::W2, &SqlFiles::new(), &expected, &|| 0.0);
    assert_eq!(err, Err(RunError::MissingFile("setup.sql")));
}

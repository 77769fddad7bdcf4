//! The SQLite comparison workloads W1–W5 of `shared/bench/WORKLOADS.md`, timed.
//!
//! By default the statements are generated here at a reduced size so the test stays fast in
//! debug builds; set `SCHEMALAB_BENCH_DIR` to the `pg` folder written by `gen.mjs` to run the
//! real files, ideally with `cargo test --profile bench-native --test sql_bench -- --nocapture`.
//! Every run checks its results, so a wrong engine fails here whatever the timing.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Instant;

use schemalab::sql::Session;

struct Workloads {
    setup: Vec<String>,
    w1: Vec<String>,
    w2_point: Vec<String>,
    w2_scan: Vec<String>,
    w3_load: Vec<String>,
    w3_change: Vec<String>,
    w4: Vec<String>,
    w5: Vec<String>,
    rows: usize,
    big_rows: usize,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("--"))
        .map(str::to_string)
        .collect()
}

fn name(i: usize) -> &'static str {
    [
        "Ann", "Bob", "Chloé", "D''Arcy", "Eve", "Farid", "Grace", "Hiroshi", "Ines", "O''Neil",
    ][i % 10]
}

fn age(i: usize) -> String {
    if i % 25 == 0 {
        "NULL".into()
    } else {
        (18 + (i * 7919) % 73).to_string()
    }
}

fn generated(rows: usize, big_rows: usize) -> Workloads {
    let setup = vec!["CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email varchar(120) UNIQUE, age integer);".to_string()];
    let insert = |i: usize, prefix: &str| {
        format!(
            "INSERT INTO users (name, email, age) VALUES ('{}', '{prefix}{i}@example.com', {});",
            name(i),
            age(i)
        )
    };
    let w1 = (1..=rows).map(|i| insert(i, "user")).collect();
    let w2_point = (0..rows / 10)
        .map(|j| format!("SELECT * FROM users WHERE id = {};", 1 + (j * 7) % rows))
        .collect();
    let w2_scan = (0..10)
        .map(|j| {
            format!(
                "SELECT count(*) FROM users WHERE age > {};",
                18 + (j * 13) % 73
            )
        })
        .collect();
    let mut w3_load = vec!["BEGIN;".to_string()];
    for chunk in 0..big_rows / 100 {
        let values: Vec<String> = (chunk * 100 + 1..=chunk * 100 + 100)
            .map(|i| format!("('{}', 'user{i}@example.com', {})", name(i), age(i)))
            .collect();
        w3_load.push(format!(
            "INSERT INTO users (name, email, age) VALUES {};",
            values.join(", ")
        ));
    }
    w3_load.push("COMMIT;".into());
    let w3_change = lines(
        "ALTER TABLE users ADD COLUMN nickname text NOT NULL DEFAULT 'x';\nALTER TABLE users ADD COLUMN phone text;\nUPDATE users SET phone = 'p' || id;\nALTER TABLE users ALTER COLUMN phone SET NOT NULL;",
    );
    let w4 = (1..=rows)
        .map(|i| {
            format!(
                "INSERT INTO users (name, email, agee) VALUES ('{}', 'x{i}@example.com', 1);",
                name(i)
            )
        })
        .collect();
    let mut w5 = vec!["BEGIN;".to_string()];
    for i in 1..rows / 2 {
        w5.push(insert(i, "w5_"));
    }
    w5.push(format!(
        "INSERT INTO users (name, email, age) VALUES (NULL, 'w5_{}@example.com', 1);",
        rows / 2
    ));
    w5.push("ROLLBACK;".into());
    w5.push("SELECT count(*) FROM users;".into());
    Workloads {
        setup,
        w1,
        w2_point,
        w2_scan,
        w3_load,
        w3_change,
        w4,
        w5,
        rows,
        big_rows,
    }
}

fn from_dir(dir: &str) -> Workloads {
    let read = |f: &str| lines(&std::fs::read_to_string(format!("{dir}/{f}")).unwrap_or_default());
    Workloads {
        setup: read("setup.sql"),
        w1: read("w1.sql"),
        w2_point: read("w2_point.sql"),
        w2_scan: read("w2_scan.sql"),
        w3_load: read("w3_load.sql"),
        w3_change: read("w3_change.sql"),
        w4: read("w4.sql"),
        w5: read("w5.sql"),
        rows: 10_000,
        big_rows: 100_000,
    }
}

/// Runs statements, returns (ms, errors, last result's first cell).
fn run(s: &mut Session, stmts: &[String]) -> (f64, usize, Option<String>) {
    let t = Instant::now();
    let mut errors = 0;
    let mut last = None;
    for q in stmts {
        match s.execute(q) {
            Ok(r) => {
                if let Some(rows) = r.rows {
                    last = rows.first().and_then(|r| r.first().cloned()).flatten();
                }
            }
            Err(_) => errors += 1,
        }
    }
    (t.elapsed().as_secs_f64() * 1000.0, errors, last)
}

fn count(s: &mut Session) -> String {
    let r = s.execute("SELECT count(*) FROM users;").expect("count");
    r.rows
        .and_then(|r| r.first().and_then(|x| x.first().cloned()).flatten())
        .unwrap_or_default()
}

#[test]
fn workloads_run_and_check() {
    let w = match std::env::var("SCHEMALAB_BENCH_DIR") {
        Ok(dir) => from_dir(&dir),
        Err(_) => generated(2_000, 5_000),
    };
    // SCHEMALAB_BENCH_ONLY=w3,w5 runs only some workloads (for profiling).
    let only = std::env::var("SCHEMALAB_BENCH_ONLY").unwrap_or_default();
    let wants = |name: &str| only.is_empty() || only.split(',').any(|x| x == name);
    let fresh = |w: &Workloads| {
        let mut s = Session::new();
        run(&mut s, &w.setup);
        s
    };
    // W1
    let mut s = fresh(&w);
    if !wants("w1") && !wants("w2") {
        return run_rest(&w, &wants, &fresh);
    }
    let (ms, errors, _) = run(&mut s, &w.w1);
    assert_eq!(errors, 0);
    assert_eq!(count(&mut s), w.rows.to_string());
    println!("W1 {} INSERTs: {ms:.1} ms", w.w1.len());
    // W2 on W1's table
    let t = Instant::now();
    let mut point_rows = 0;
    for q in &w.w2_point {
        point_rows += s.execute(q).expect("point").rows.map_or(0, |r| r.len());
    }
    let point_ms = t.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(point_rows, w.w2_point.len());
    let (scan_ms, errors, _) = run(&mut s, &w.w2_scan);
    assert_eq!(errors, 0);
    println!(
        "W2 {} point SELECTs: {point_ms:.2} ms; {} scans: {scan_ms:.1} ms",
        w.w2_point.len(),
        w.w2_scan.len()
    );
    run_rest(&w, &wants, &fresh);
}

fn run_rest(w: &Workloads, wants: &dyn Fn(&str) -> bool, fresh: &dyn Fn(&Workloads) -> Session) {
    // W3
    if wants("w3") {
        let mut s = fresh(w);
        let (load_ms, errors, _) = run(&mut s, &w.w3_load);
        assert_eq!(errors, 0);
        assert_eq!(count(&mut s), w.big_rows.to_string());
        let mut steps = Vec::new();
        for q in &w.w3_change {
            let (ms, errors, _) = run(&mut s, std::slice::from_ref(q));
            assert_eq!(errors, 0, "{q}");
            steps.push(format!("{ms:.2}"));
        }
        let r = s
            .execute("SELECT count(*) FROM users WHERE phone = 'p' || id AND nickname = 'x';")
            .expect("verify");
        assert_eq!(
            r.rows.and_then(|r| r[0][0].clone()),
            Some(w.big_rows.to_string())
        );
        assert!(s
            .execute("INSERT INTO users (name) VALUES ('no phone');")
            .is_err());
        println!("W3 load {load_ms:.1} ms; steps {} ms", steps.join(" / "));
    }
    // W4 on W1's table
    if wants("w4") {
        let mut s = fresh(w);
        run(&mut s, &w.w1);
        let (ms, errors, _) = run(&mut s, &w.w4);
        assert_eq!(errors, w.w4.len());
        assert_eq!(count(&mut s), w.rows.to_string());
        println!("W4 {} failing INSERTs: {ms:.1} ms", w.w4.len());
    }
    // W5 on W1's table
    if wants("w5") {
        let mut s = fresh(w);
        run(&mut s, &w.w1);
        let (ms, errors, last) = run(&mut s, &w.w5);
        assert_eq!(errors, 1);
        assert_eq!(last, Some(w.rows.to_string()));
        println!(
            "W5 BEGIN + {} INSERTs + ROLLBACK: {ms:.1} ms",
            w.w5.len() - 3
        );
    }
}

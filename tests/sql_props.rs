//! Property tests for the relational engine: no input panics, a failing statement leaves the
//! database unchanged, and hostile nesting or sizes end in a result or an error.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use schemalab::sql::{Session, TxStatus};

/// Every statement line of the shared corpus and the extra scenarios.
fn corpus_lines() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/pg");
    let mut lines = Vec::new();
    for dir in [root.join("scenarios"), root.join("extra/scenarios")] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let text = fs::read_to_string(&p).unwrap_or_default();
            lines.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with("--"))
                    .map(str::to_string),
            );
        }
    }
    lines
}

/// A session holding a little of everything: schemas, serials, FKs, checks, uniques, rows.
fn populated() -> Session {
    let mut s = Session::new();
    for stmt in [
        "CREATE SCHEMA app",
        "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email varchar(20) UNIQUE, age integer CHECK (age >= 0), born date, score numeric(5,2), doc jsonb)",
        "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users (id) ON DELETE CASCADE, total integer NOT NULL DEFAULT 0)",
        "CREATE TABLE app.items (id bigserial PRIMARY KEY, label char(3), flag boolean)",
        "INSERT INTO users (name, email, age, born, score, doc) VALUES ('alice', 'a@x', 30, '2000-01-01', 1.5, '{\"a\": 1}'), ('bob', 'b@x', 25, NULL, NULL, NULL)",
        "INSERT INTO orders VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5)",
        "INSERT INTO app.items (label, flag) VALUES ('ab', true)",
    ] {
        s.execute(stmt).expect(stmt);
    }
    s
}

fn mutate(line: &str, kind: u8, at: usize, other: &str, byte: u8) -> String {
    let chars: Vec<char> = line.chars().collect();
    let cut = if chars.is_empty() {
        0
    } else {
        at % (chars.len() + 1)
    };
    match kind % 4 {
        0 => chars[..cut].iter().collect(),
        1 => {
            let ochars: Vec<char> = other.chars().collect();
            let ocut = if ochars.is_empty() {
                0
            } else {
                at % (ochars.len() + 1)
            };
            chars[..cut].iter().chain(ochars[ocut..].iter()).collect()
        }
        2 => {
            let mut b = line.as_bytes().to_vec();
            if !b.is_empty() {
                let i = at % b.len();
                b[i] ^= byte | 1;
            }
            String::from_utf8_lossy(&b).into_owned()
        }
        _ => {
            let mut c = chars.clone();
            c.insert(cut, byte as char);
            c.into_iter().collect()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        let mut session = populated();
        let _ = session.execute(&s);
        let _ = session.execute_script(&s);
    }

    #[test]
    fn sqlish_text_never_panics(s in "(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|FROM|WHERE|users|orders|id|name|\\(|\\)|,|;|'x'|1|NULL|=|<|\\+|\\*|AND|OR|NOT|IN|LIKE|::|text|TABLE|VALUES|SET| )*") {
        let mut session = populated();
        let _ = session.execute(&s);
    }

    #[test]
    fn mutated_corpus_lines_never_panic(i in any::<usize>(), j in any::<usize>(), kind in any::<u8>(), at in any::<usize>(), byte in any::<u8>()) {
        let lines = corpus_lines();
        prop_assume!(!lines.is_empty());
        let line = &lines[i % lines.len()];
        let other = &lines[j % lines.len()];
        let stmt = mutate(line, kind, at, other, byte);
        let mut session = populated();
        let _ = session.execute(&stmt);
    }

    #[test]
    fn failing_statements_leave_the_database_unchanged(i in any::<usize>(), j in any::<usize>(), kind in any::<u8>(), at in any::<usize>(), byte in any::<u8>(), in_tx in any::<bool>()) {
        let lines = corpus_lines();
        prop_assume!(!lines.is_empty());
        let stmt = mutate(&lines[i % lines.len()], kind, at, &lines[j % lines.len()], byte);
        let mut session = populated();
        if in_tx {
            session.execute("BEGIN").expect("begin");
        }
        let before = session.catalog().dump();
        if session.execute(&stmt).is_err() {
            prop_assert_eq!(before, session.catalog().dump(), "statement: {}", stmt);
            if in_tx {
                prop_assert_eq!(session.in_transaction(), TxStatus::Failed);
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut s = populated();
    let cases = [
        format!("SELECT {}1{};", "(".repeat(10_000), ")".repeat(10_000)),
        format!("SELECT {}1;", "NOT ".repeat(10_000)),
        format!("SELECT {}1;", "- ".repeat(10_000)),
        format!("SELECT 1{};", " + 1".repeat(10_000)),
        format!(
            "SELECT * FROM users WHERE {}",
            vec!["id = 1"; 5_000].join(" OR ")
        ),
        format!("SELECT {}1{};", "(SELECT ".repeat(300), ")".repeat(300)),
    ];
    for sql in &cases {
        let e = s.execute(sql).expect_err("too deep");
        assert_eq!(e.code(), "54001", "{}", &sql[..40]);
        assert!(e
            .hint
            .as_deref()
            .unwrap_or_default()
            .contains("max_stack_depth"));
    }
    // Moderate nesting still works.
    let r = s
        .execute(&format!("SELECT {}1{};", "(".repeat(100), ")".repeat(100)))
        .expect("100 parentheses");
    assert_eq!(r.rows, Some(vec![vec![Some("1".to_string())]]));
    let r = s.execute(&format!("SELECT 1{};", " + 1".repeat(300)));
    assert!(r.is_ok() || r.is_err());
}

#[test]
fn huge_literals_are_handled() {
    let mut s = populated();
    let big = "x".repeat(1_000_000);
    let r = s
        .execute(&format!(
            "INSERT INTO users (name) VALUES ('{big}') RETURNING length(name);"
        ))
        .expect("big text");
    assert_eq!(r.rows, Some(vec![vec![Some("1000000".to_string())]]));
    let e = s
        .execute(&format!(
            "INSERT INTO users (name, email) VALUES ('x', '{big}');"
        ))
        .expect_err("varchar(20)");
    assert_eq!(e.code(), "22001");
    let digits = "9".repeat(100_000);
    assert!(
        s.execute(&format!("SELECT {digits};")).is_err()
            || s.execute(&format!("SELECT {digits};")).is_ok()
    );
    let e = s
        .execute(&format!("INSERT INTO orders VALUES ({digits}, 1, 1);"))
        .expect_err("too big for integer");
    assert!(matches!(e.code(), "22003" | "22P02"), "{}", e.code());
    let list = (0..20_000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let r = s
        .execute(&format!("SELECT count(*) FROM users WHERE id IN ({list});"))
        .expect("long IN list");
    assert_eq!(r.rows, Some(vec![vec![Some("3".to_string())]]));
}

#[test]
fn rolled_back_transactions_restore_the_dump() {
    let scripts: &[&[&str]] = &[
        &[
            "ALTER TABLE users ADD COLUMN nick text DEFAULT 'x'",
            "UPDATE users SET age = age + 1",
            "ALTER TABLE users ADD COLUMN n2 integer DEFAULT 5",
            "UPDATE users SET n2 = 6 WHERE id = 1",
        ],
        &[
            "DELETE FROM users WHERE id = 1",
            "INSERT INTO users (name) VALUES ('carol')",
            "UPDATE orders SET total = total * 2",
        ],
        &[
            "ALTER TABLE users DROP COLUMN email",
            "ALTER TABLE orders ALTER COLUMN total TYPE bigint",
            "DROP TABLE app.items",
            "CREATE TABLE x (id serial PRIMARY KEY)",
        ],
        &[
            "ALTER TABLE users RENAME TO people",
            "ALTER TABLE people RENAME COLUMN name TO full_name",
            "CREATE INDEX ON people (age)",
            "DROP SCHEMA app CASCADE",
        ],
    ];
    for stmts in scripts {
        let mut s = populated();
        let before = s.catalog().dump();
        s.execute("BEGIN").expect("begin");
        for q in stmts.iter() {
            s.execute(q).expect(q);
        }
        s.execute("ROLLBACK").expect("rollback");
        assert_eq!(before, s.catalog().dump(), "{stmts:?}");
        // The restored table still takes new columns correctly.
        s.execute("ALTER TABLE users ADD COLUMN later text DEFAULT 'late'")
            .expect("add");
        let r = s
            .execute("SELECT count(*) FROM users WHERE later = 'late'")
            .expect("select");
        assert_eq!(r.rows, Some(vec![vec![Some("2".to_string())]]));
    }
}

/// Runs `f` on a thread with a stack of `size` bytes, as the browser's 1 MiB main thread:
/// a stack overflow aborts the whole test binary, which is the failure these tests catch.
fn on_stack<T: Send + 'static>(size: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(size)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("join")
}

/// `first op operand op operand …` with `links` operators.
fn chain(first: &str, op: &str, operand: &str, links: usize) -> String {
    let mut s = String::from(first);
    for _ in 0..links {
        s.push_str(&format!(" {op} {operand}"));
    }
    s
}

#[test]
fn long_concat_chains_over_columns_evaluate_on_a_2_mib_stack() {
    // The binder casts between `||` links; evaluation must step through those casts.
    let rows = on_stack(2 << 20, || {
        let mut s = Session::new();
        s.execute("CREATE TABLE t (v text, n integer)")
            .expect("create");
        s.execute("INSERT INTO t VALUES ('a', 1)").expect("insert");
        let sql = format!("SELECT {} FROM t", chain("v", "||", "'x' || v", 250));
        s.execute(&sql)
            .map(|r| r.rows)
            .map_err(|e| e.code().to_string())
    });
    let want = format!("a{}", "xa".repeat(250));
    assert_eq!(rows, Ok(Some(vec![vec![Some(want)]])));
}

/// What a statement gave: its rows, or its SQLSTATE.
type Answer = Result<Option<Vec<Vec<Option<String>>>>, String>;

/// Runs each statement in a fresh table `t` on a thread with the browser's 1 MiB stack.
fn answers_on_1_mib(statements: Vec<String>) -> Vec<(String, Answer)> {
    on_stack(1 << 20, move || {
        statements
            .into_iter()
            .map(|sql| {
                let mut s = Session::new();
                s.execute("CREATE TABLE t (v text, n integer, b boolean, d jsonb)")
                    .expect("create");
                s.execute(r#"INSERT INTO t VALUES ('a', 1, true, '{"a": {"a": 1}}')"#)
                    .expect("insert");
                let answer = s
                    .execute(&sql)
                    .map(|r| r.rows)
                    .map_err(|e| e.code().to_string());
                (sql, answer)
            })
            .collect()
    })
}

/// The one-row, one-column answer `value`.
fn one(value: &str) -> Answer {
    Ok(Some(vec![vec![Some(value.to_string())]]))
}

#[test]
fn operator_chains_at_the_longest_accepted_length_answer_on_a_1_mib_stack() {
    // The prescan accepts 1000 operators (counting each character of `||`, `->`, `<=`, `::`
    // and each AND / OR / IS / LIKE / BETWEEN / IN). Each chain below is as long as that
    // allows: one more link is refused with 54001 before any work, so these are the deepest
    // trees a person can make the engine bind, fold, evaluate and drop.
    // (first operand, operator, operand, links, answer for `v`='a', n=1, b=true)
    let a_then = |piece: &str, times: usize| format!("a{}", piece.repeat(times));
    let chains: Vec<(&str, &str, &str, usize, Answer)> = vec![
        ("n", "+", "1", 1000, one("1001")),
        ("n", "-", "1", 1000, one("-999")),
        ("n", "*", "1", 1000, one("1")),
        ("n", "/", "1", 1000, one("1")),
        ("n", "%", "7", 1000, one("1")),
        ("n", "^", "1", 1000, one("1")),
        ("v", "||", "v", 500, one(&"a".repeat(501))),
        ("v", "||", "'x'", 500, one(&a_then("x", 500))),
        ("v", "||", "n", 500, one(&a_then("1", 500))),
        ("'a'", "||", "'x'", 500, one(&a_then("x", 500))),
        ("b", "AND", "b", 1000, one("t")),
        ("b", "OR", "NOT b", 500, one("t")),
        ("n = 1", "AND", "n = 1", 499, one("t")),
        ("n <> 1", "OR", "n <> 1", 332, one("f")),
        ("n >= 1", "AND", "n <= 1", 332, one("t")),
        ("v LIKE 'a%'", "AND", "v LIKE 'a%'", 499, one("t")),
        ("n IN (1, 2)", "AND", "n IN (1, 2)", 499, one("t")),
        (
            "n BETWEEN 0 AND 2",
            "AND",
            "n BETWEEN 0 AND 2",
            332,
            one("t"),
        ),
        ("d", "->", "'a'", 500, Ok(Some(vec![vec![None]]))),
    ];
    let mut statements = Vec::new();
    for (first, op, operand, links, _) in &chains {
        for links in [*links, links + 1] {
            let expr = chain(first, op, operand, links);
            statements.push(format!("SELECT {expr} FROM t"));
        }
    }
    let answers = answers_on_1_mib(statements);
    for ((sql, answer), want) in answers.iter().zip(
        chains
            .iter()
            .flat_map(|c| [c.4.clone(), Err("54001".to_string())]),
    ) {
        assert_eq!(answer, &want, "{}…", &sql[..sql.len().min(60)]);
    }
}

#[test]
fn deep_trees_of_every_kind_answer_or_refuse_with_54001_on_a_1_mib_stack() {
    // Shapes whose depth the prescan bounds only loosely (postfix operators, casts, prefix
    // operators, parentheses, nested calls, CASE and subqueries), each at the longest length
    // accepted and in every clause that evaluates expressions: an answer or 54001 with
    // PostgreSQL's hint, never a crash.
    let concat = chain("v", "||", "'x' || v", 249);
    let mut statements = vec![
        format!("SELECT b{} FROM t", " IS NULL".repeat(1000)),
        format!("SELECT b{} FROM t", " IS NOT TRUE".repeat(500)),
        format!("SELECT n{} FROM t", "::text".repeat(500)),
        format!("SELECT {}n FROM t", "- ".repeat(199)),
        format!("SELECT {}b FROM t", "NOT ".repeat(199)),
        format!("SELECT {}n{} FROM t", "(".repeat(199), ")".repeat(199)),
        format!("SELECT {}n{} FROM t", "abs(".repeat(199), ")".repeat(199)),
        format!(
            "SELECT {}n{} FROM t",
            "coalesce(".repeat(199),
            ")".repeat(199)
        ),
        format!("SELECT {}1{}", "(SELECT ".repeat(100), ")".repeat(100)),
        format!(
            "SELECT {}n{} FROM t",
            "CASE WHEN b THEN ".repeat(400),
            " END".repeat(400)
        ),
        format!("SELECT CASE {} END FROM t", "WHEN b THEN n ".repeat(20_000)),
        format!("SELECT n IN ({}) FROM t", vec!["n"; 20_000].join(", ")),
        format!("SELECT v FROM t WHERE {concat} <> ''"),
        format!("SELECT v FROM t ORDER BY {concat}"),
        format!("SELECT {concat}, count(*) FROM t GROUP BY 1"),
        format!("SELECT (SELECT {concat} FROM t)"),
        format!(
            "UPDATE t SET v = {} RETURNING v",
            chain("v", "||", "'x' || v", 248)
        ),
        format!(
            "INSERT INTO t (v) VALUES ({}) RETURNING v",
            chain("'a'", "||", "'x' || 'a'", 249)
        ),
        format!(
            "DELETE FROM t WHERE {} RETURNING n",
            chain("n = 1", "AND", "n = 1", 499)
        ),
        format!("CREATE TABLE c (v text CHECK ({concat} <> ''))"),
        format!(
            "CREATE TABLE c (v text DEFAULT {})",
            chain("'a'", "||", "'x' || 'a'", 249)
        ),
    ];
    statements.push(format!(
        "SELECT {}1{}",
        "CASE WHEN true THEN ".repeat(2000),
        " END".repeat(2000)
    ));
    for (sql, answer) in answers_on_1_mib(statements) {
        let head = &sql[..sql.len().min(60)];
        match answer {
            Ok(_) => {}
            // FIXME: 199 nested calls and 400 nested CASEs end in pest's syntax error;
            // PostgreSQL answers them.
            Err(code)
                if code == "42601"
                    && ["THEN CASE WHEN", "abs(abs", "coalesce(coalesce"]
                        .iter()
                        .any(|k| sql.contains(k)) => {}
            Err(code) => assert_eq!(code, "54001", "{head}…"),
        }
    }
}

#![cfg(not(target_arch = "wasm32"))]
//! `flask shell` against the real Flask 3.1.3 / Flask-SQLAlchemy 3.1.1 / SQLAlchemy 2.1.9
//! transcripts in `tests/fidelity/flask/` (see its README): each recorded case's lines are
//! typed into the simulated shell on the same project and database state, and the terminal
//! text must match line for line. Normalised: the recording's paths, CPython's object
//! addresses in `<User (pending 1403…)>`, and the key order of batched INSERT parameters
//! (a Python set's hash order, which differed between two real runs).

use std::collections::BTreeMap;

use schemalab::migrate::ProjectFiles;
use schemalab::runtime::FlaskShell;
use schemalab::sql::Cluster;
use schemalab::world::project::{APP_PY, MODELS_PY};

struct Files(BTreeMap<String, String>);

impl ProjectFiles for Files {
    fn read(&self, path: &str) -> Option<String> {
        self.0.get(path).cloned()
    }
    fn write(&mut self, path: &str, content: &str) -> Result<(), String> {
        self.0.insert(path.into(), content.into());
        Ok(())
    }
    fn list(&self, _: &str) -> Option<Vec<String>> {
        None
    }
    fn mkdir(&mut self, _: &str) -> Result<(), String> {
        Ok(())
    }
}

const PROJECT: &str = "/tmp/rtgt/app";

fn project(models_extra: &str) -> Files {
    Files(BTreeMap::from([
        ("app.py".to_string(), APP_PY.to_string()),
        (
            "models.py".to_string(),
            format!("{MODELS_PY}{models_extra}"),
        ),
    ]))
}

/// Types `lines` into a shell and returns the terminal text as the recorder shows it.
fn session(files: &Files, cluster: &mut Cluster, url: &str, lines: &str) -> String {
    let env = |n: &str| (n == "DATABASE_URL").then(|| url.to_string());
    let mut shell = FlaskShell::start(files, PROJECT, &env, cluster).unwrap();
    let mut out = shell.banner();
    for line in lines.lines() {
        out.push_str(shell.prompt());
        if line == "<CTRL-D>" {
            let r = shell.input(cluster, "\u{4}");
            out.push_str(r.stderr.trim_start_matches('\n'));
            out.insert(out.len() - r.stderr.trim_start_matches('\n').len(), '\n');
            break;
        }
        out.push_str(line);
        out.push('\n');
        let r = shell.input(cluster, line);
        out.push_str(&r.stdout);
        out.push_str(&r.stderr);
        if r.exit {
            break;
        }
    }
    out
}

/// Hides what legitimately differs between two runs of the real stack.
fn normalise(text: &str) -> String {
    let text = text
        .replace(
            "/tmp/flaskvenv/lib/python3.11/site-packages",
            "/usr/local/lib/python3.11/site-packages",
        )
        .replace("rt_app", "app");
    let mut out = String::new();
    for line in text.lines() {
        let mut line = line.to_string();
        for state in ["(transient ", "(pending "] {
            while let Some(at) = line.find(state) {
                let start = at + state.len();
                let end = line[start..].find(')').map_or(line.len(), |e| start + e);
                line = format!(
                    "{}{}ADDR>{}",
                    &line[..at],
                    state.trim_start_matches('('),
                    &line[end + 1..]
                );
            }
        }
        if let Some(at) = line.find(" at 0x7f") {
            let end = line[at + 6..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .map_or(line.len(), |e| at + 6 + e);
            line = format!("{} at ADDR{}", &line[..at], &line[end..]);
        }
        if let Some(at) = line.find(" object at 0x") {
            line = format!("{} object at ADDR>", &line[..at]);
        }
        if line.starts_with("[parameters: {") && line.contains("__0") {
            let inner = line
                .trim_start_matches("[parameters: {")
                .trim_end_matches("}]");
            let mut parts: Vec<&str> = inner
                .split(", '")
                .map(|p| p.trim_start_matches('\''))
                .collect();
            parts.sort();
            line = format!("[parameters: sorted {}]", parts.join(", '"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn cluster() -> Cluster {
    let mut c = Cluster::new();
    c.create_database("app").unwrap();
    c
}

fn check(case: &str, ours: &str) {
    let recorded = std::fs::read_to_string(format!("tests/fidelity/flask/{case}.txt")).unwrap();
    let (want, got) = (normalise(&recorded), normalise(ours));
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        assert_eq!(g, w, "{case}.txt line {}", i + 1);
    }
    assert_eq!(
        got.lines().count(),
        want.lines().count(),
        "{case}.txt length\n{got}"
    );
}

fn lines(case: &str) -> String {
    std::fs::read_to_string(format!("tests/fidelity/flask/scripts/cases/{case}.lines")).unwrap()
}

#[test]
fn staging_and_commit_match_the_real_shell() {
    let mut c = cluster();
    let ours = session(
        &project(""),
        &mut c,
        "postgresql+psycopg2://localhost/app",
        &lines("01_staging"),
    );
    check("01_staging", &ours);
}

#[test]
fn the_atomicity_story_matches_the_real_shell() {
    let mut c = cluster();
    let ours = session(
        &project(""),
        &mut c,
        "postgresql+psycopg2://localhost/app",
        &lines("02_atomicity"),
    );
    check("02_atomicity", &ours);
}

#[test]
fn a_model_ahead_of_its_table_matches_the_real_shell() {
    let mut c = cluster();
    session(
        &project(""),
        &mut c,
        "postgresql+psycopg2://localhost/app",
        "db.create_all()\nexit()\n",
    );
    let extra = "    age = db.Column(db.Integer)\n";
    for case in ["06_model_ahead", "08_model_ahead_more"] {
        let input: String = lines(case)
            .lines()
            .filter(|l| *l != "db.create_all()")
            .map(|l| format!("{l}\n"))
            .collect();
        let ours = session(
            &project(extra),
            &mut c,
            "postgresql+psycopg2://localhost/app",
            &input,
        );
        check(case, &ours);
    }
}

#[test]
fn a_missing_database_matches_the_real_shell() {
    let mut c = cluster();
    let ours = session(
        &project(""),
        &mut c,
        "postgresql+psycopg2://localhost/rt_missing",
        &lines("09_no_database"),
    );
    check("09_no_database", &ours);
}

#[test]
fn console_errors_match_the_real_shell() {
    let mut c = cluster();
    let ours = session(
        &project(""),
        &mut c,
        "postgresql+psycopg2://localhost/app",
        &lines("03_errors"),
    );
    check("03_errors", &ours);
}

#[test]
fn ctrl_d_matches_the_real_shell() {
    let mut c = cluster();
    let ours = session(
        &project(""),
        &mut c,
        "postgresql+psycopg2://localhost/app",
        &lines("05_ctrl_d"),
    );
    check("05_ctrl_d", &ours);
}

#[test]
fn changing_and_deleting_saved_objects_match_the_real_shell() {
    let mut c = cluster();
    let ours = session(
        &project(""),
        &mut c,
        "postgresql+psycopg2://localhost/app",
        &lines("12_update_conflict"),
    );
    check("12_update_conflict", &ours);
}

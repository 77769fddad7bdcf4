//! psql's transcripts, replayed: every `tests/fidelity/psql/sessions/*.in`
//! is typed into the world's psql and must print exactly the recorded
//! `*.out` (real psql 15 through a terminal, connected as `postgres`), and
//! the one-shot commands of `commands.in` must print `commands.out`.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use schemalab::world::World;

fn fidelity_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/psql")
}

/// A world whose shell user is `postgres`, as the recordings were made.
fn world() -> World {
    let mut world = World::default();
    world.run("export USER=postgres");
    world
}

fn first_difference(expected: &str, actual: &str) -> String {
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    format!(
        "first difference at line {}:\n  expected: {:?}\n  actual:   {:?}",
        line + 1,
        expected.lines().nth(line).unwrap_or("<end>"),
        actual.lines().nth(line).unwrap_or("<end>")
    )
}

#[test]
fn interactive_sessions_match_psql() {
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(fidelity_dir().join("sessions"))
        .expect("sessions folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "in"))
        .collect();
    entries.sort();
    assert!(!entries.is_empty());
    for input in entries {
        let expected = std::fs::read_to_string(input.with_extension("out")).expect("recording");
        let mut world = world();
        world.run("createdb app");
        world.run("psql app");
        let mut actual = String::new();
        for line in std::fs::read_to_string(&input).expect("session").lines() {
            actual.push_str(&world.prompt());
            actual.push_str(line);
            actual.push('\n');
            actual.push_str(&world.run(line).text());
        }
        if actual != expected {
            failures.push(format!(
                "{}: {}",
                input.display(),
                first_difference(&expected, &actual)
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn one_shot_commands_match_psql() {
    let dir = fidelity_dir();
    let expected = std::fs::read_to_string(dir.join("commands.out")).expect("recording");
    let mut world = world();
    let mut actual = String::new();
    for line in std::fs::read_to_string(dir.join("commands.in"))
        .expect("commands")
        .lines()
    {
        if line.is_empty() {
            continue;
        }
        // The recordings name their database rec_cli and print it as app.
        let command = line.replace("rec_cli", "app");
        actual.push_str(&format!("$ {line}\n"));
        let outcome = world.run(&command);
        actual.push_str(&outcome.text());
        actual.push_str(&format!("(exit {})\n", outcome.exit_code));
    }
    assert!(
        actual == expected,
        "{}",
        first_difference(&expected, &actual)
    );
}

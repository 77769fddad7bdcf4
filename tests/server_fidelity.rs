#![cfg(not(target_arch = "wasm32"))]
//! The simulated servers against the real ones: the sessions `tests/fidelity/server/record.sh`
//! recorded are replayed on a fresh world and what curl prints is compared line for line
//! (the `Date:` header, timestamps and pids aside).

use std::path::Path;

use schemalab::world::{Stream, World, DEFAULT_SEED};

/// One recorded command: the line, what it printed, and its exit status.
struct Recorded {
    command: String,
    output: String,
}

fn recorded(file: &str) -> Vec<Recorded> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fidelity/server")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("recording");
    let mut out = Vec::new();
    let mut current: Option<Recorded> = None;
    for line in text.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            current = Some(Recorded {
                command: command.to_string(),
                output: String::new(),
            });
        } else if line.starts_with("[exit ") {
            out.extend(current.take());
        } else if let Some(c) = current.as_mut() {
            c.output.push_str(line);
            c.output.push('\n');
        }
    }
    out
}

/// Dates and times differ between a recording and the world's clock; Werkzeug's `Allow:`
/// comes from a Python set, so its order changes from run to run (the recordings show
/// `GET, OPTIONS, HEAD` and `GET, HEAD, OPTIONS`).
fn normalise(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("Date: ") {
                "Date: <date>".to_string()
            } else if let Some(methods) = l.strip_prefix("Allow: ") {
                let mut methods: Vec<&str> = methods.split(", ").collect();
                methods.sort_unstable();
                format!("Allow: {}", methods.join(", "))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn stdout(world: &mut World, line: &str) -> String {
    let outcome = world.run(line);
    outcome.output.stream(Stream::Stdout)
}

#[test]
fn curl_against_the_dev_server_prints_what_the_real_one_sent() {
    let mut world = World::new(DEFAULT_SEED);
    assert_eq!(world.run("flask run").exit_code, 0);
    let mut checked = 0;
    for (i, step) in recorded("curl-werkzeug.txt").into_iter().enumerate() {
        if i == 2 {
            // The recording created the table here.
            for line in [
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
                "flask db upgrade",
            ] {
                assert_eq!(world.run(line).exit_code, 0, "{line}");
            }
        }
        // -v writes its trace to stderr between the server's lines; compare its body only.
        let got = stdout(&mut world, &step.command);
        let want = if step.command.contains(" -v ") {
            step.output
                .lines()
                .filter(|l| !l.starts_with(['*', '<', '>']))
                .map(|l| format!("{l}\n"))
                .collect()
        } else {
            step.output.clone()
        };
        assert_eq!(
            normalise(&got),
            normalise(&want),
            "step {i}: {}",
            step.command
        );
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} steps recorded");
}

#[test]
fn curl_errors_are_curls() {
    let mut world = World::new(DEFAULT_SEED);
    for step in recorded("curl-errors.txt") {
        let outcome = world.run(&step.command);
        assert_eq!(outcome.output.text(), step.output, "{}", step.command);
    }
}

#[test]
fn flask_run_starts_with_werkzeugs_lines() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/server/flask-run.txt"),
    )
    .expect("recording");
    let stdout_part = text
        .split("--- stdout\n")
        .nth(1)
        .and_then(|t| t.split("--- stderr\n").next())
        .expect("stdout");
    let stderr_start: String = text
        .split("--- stderr\n")
        .nth(1)
        .expect("stderr")
        .lines()
        .take(3)
        .map(|l| format!("{l}\n"))
        .collect();
    let mut world = World::new(DEFAULT_SEED);
    let outcome = world.run("flask run");
    assert_eq!(outcome.output.stream(Stream::Stdout), stdout_part);
    assert_eq!(outcome.output.stream(Stream::Stderr), stderr_start);
}

#[test]
fn gunicorn_sends_its_headers_in_its_order() {
    let steps = recorded("gunicorn.txt");
    let want = &steps[0];
    assert_eq!(want.command, "curl -i localhost:8000/users");
    let mut world = World::new(DEFAULT_SEED);
    for line in [
        "createdb app",
        "flask db init",
        "flask db migrate -m 'create users'",
        "flask db upgrade",
        "gunicorn -b 0.0.0.0:8000 app:app",
        "curl -s -d name=ada -d email=ada@example.com localhost:8000/register",
        "curl -s -d name=bob -d email=bob@example.com localhost:8000/register",
    ] {
        assert_eq!(world.run(line).exit_code, 0, "{line}");
    }
    let got = stdout(&mut world, &want.command);
    assert_eq!(normalise(&got), normalise(&want.output));
}

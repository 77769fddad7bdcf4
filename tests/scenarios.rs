//! Golden scenarios: `tests/scenarios/<area>/<topic>.txt`, each a session of
//! inputs with the exact output a person sees (STYLE.md's format). Run with
//! `UPDATE_GOLDEN=1 cargo test --test scenarios` to rewrite the expectations,
//! then read the diff before committing it.
//!
//! A step is `> input` (must succeed) or `! input` (must fail; the runner
//! appends `(exit N)`), then any continuation lines of the input, a `---`
//! line, and the output up to the blank line before the next step.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use schemalab::world::{World, DEFAULT_SEED};

/// The areas whose scenarios run through `World::run`.
const AREAS: [&str; 6] = ["world", "migrate", "git", "runtime", "server", "team"];

struct Step {
    must_fail: bool,
    input: String,
}

fn parse(text: &str, file: &Path) -> (String, Vec<Step>) {
    let mut lines = text.lines().peekable();
    let header = match lines.next() {
        Some(h) if h.starts_with("# ") => h.to_string(),
        _ => panic!(
            "{}: the first line must be `# what this tests`",
            file.display()
        ),
    };
    let mut steps = Vec::new();
    while let Some(line) = lines.next() {
        if line.is_empty() {
            continue;
        }
        let (must_fail, first) = match line.split_at_checked(2) {
            Some(("> ", rest)) => (false, rest),
            Some(("! ", rest)) => (true, rest),
            _ => panic!("{}: unknown marker in line {line:?}", file.display()),
        };
        let mut input = first.to_string();
        for next in lines.by_ref() {
            if next == "---" {
                break;
            }
            input.push('\n');
            input.push_str(next);
        }
        // Skip the recorded output: up to a blank line followed by a step, or the end.
        while let Some(next) = lines.peek() {
            if next.is_empty() {
                let mut ahead = lines.clone();
                ahead.next();
                match ahead.peek() {
                    Some(l) if l.starts_with("> ") || l.starts_with("! ") => break,
                    None => break,
                    _ => {}
                }
            }
            lines.next();
        }
        steps.push(Step { must_fail, input });
    }
    (header, steps)
}

fn render(header: &str, steps: &[Step], file: &Path) -> (String, Vec<String>) {
    let mut world = World::new(DEFAULT_SEED);
    let mut out = format!("{header}\n");
    let mut problems = Vec::new();
    for step in steps {
        let outcome = world.run(&step.input);
        let marker = if step.must_fail { "!" } else { ">" };
        out.push_str(&format!("\n{marker} {}\n---\n", step.input));
        let mut text = outcome.text();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        out.push_str(&text);
        if step.must_fail {
            out.push_str(&format!("(exit {})\n", outcome.exit_code));
        }
        match (step.must_fail, outcome.exit_code) {
            (true, 0) => problems.push(format!(
                "{}: `{}` succeeded but is marked `!`",
                file.display(),
                step.input
            )),
            (false, code) if code != 0 => problems.push(format!(
                "{}: `{}` exited {code}; mark it `!` if it must fail",
                file.display(),
                step.input
            )),
            _ => {}
        }
    }
    (out, problems)
}

fn scenario_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files = Vec::new();
    for area in AREAS {
        let Ok(entries) = std::fs::read_dir(root.join(area)) else {
            continue;
        };
        files.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt")),
        );
    }
    files.sort();
    files
}

#[test]
fn golden_scenarios() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let files = scenario_files();
    assert!(!files.is_empty(), "no scenario files found");
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("scenario file is readable");
        let (header, steps) = parse(&text, file);
        let (rendered, problems) = render(&header, &steps, file);
        failures.extend(problems);
        if rendered != text {
            if update {
                std::fs::write(file, &rendered).expect("scenario file is writable");
            } else {
                let first = text
                    .lines()
                    .zip(rendered.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(text.lines().count().min(rendered.lines().count()));
                failures.push(format!(
                    "{}: output differs from line {}:\n  expected: {:?}\n  actual:   {:?}",
                    file.display(),
                    first + 1,
                    text.lines().nth(first).unwrap_or("<end>"),
                    rendered.lines().nth(first).unwrap_or("<end>"),
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

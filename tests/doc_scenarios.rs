//! Golden scenarios for the document store: `tests/scenarios/doc/*.txt`.
//!
//! Format: a `#` line saying what the file tests, then steps. A step is one or more command
//! lines (`> ` for a command that must succeed, `! ` for one that must fail; several lines
//! form one multi-line input), a `---` line, the expected output, and a blank line. A failing
//! command's output is followed by `(error)`. `UPDATE_GOLDEN=1` rewrites the expected output.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

use schemalab::doc::{Shell, Store};

struct Step {
    lines: Vec<String>,
    must_fail: bool,
    expected: String,
}

fn is_marker(line: &str) -> bool {
    line.starts_with("> ") || line.starts_with("! ") || line == ">" || line == "!"
}

/// Whether `lines[i..]` starts a step: command lines followed by `---`.
fn step_header_at(lines: &[&str], i: usize) -> Option<usize> {
    let mut j = i;
    while j < lines.len() && !lines[j].is_empty() && lines[j] != "---" {
        j += 1;
    }
    (j > i && j < lines.len() && lines[j] == "---").then_some(j)
}

fn parse(path: &Path, text: &str) -> Result<(String, Vec<Step>), String> {
    let lines: Vec<&str> = text.lines().collect();
    let title = match lines.first() {
        Some(l) if l.starts_with('#') => l.to_string(),
        _ => return Err(format!("{}: must open with a # line", path.display())),
    };
    let mut steps = Vec::new();
    let mut i = 1;
    while i < lines.len() && lines[i].is_empty() {
        i += 1;
    }
    while i < lines.len() {
        let Some(sep) = step_header_at(&lines, i) else {
            return Err(format!("{}:{}: expected a step", path.display(), i + 1));
        };
        let cmds = &lines[i..sep];
        if let Some(bad) = cmds.iter().find(|l| !is_marker(l)) {
            return Err(format!(
                "{}:{}: unknown marker in {bad:?}",
                path.display(),
                i + 1
            ));
        }
        let must_fail = cmds[0].starts_with('!');
        if cmds.iter().any(|l| l.starts_with('!') != must_fail) {
            return Err(format!("{}:{}: mixed markers", path.display(), i + 1));
        }
        let mut j = sep + 1;
        let mut out = Vec::new();
        while j < lines.len() {
            if lines[j].is_empty()
                && (j + 1 == lines.len() || step_header_at(&lines, j + 1).is_some())
            {
                break;
            }
            out.push(lines[j]);
            j += 1;
        }
        steps.push(Step {
            lines: cmds
                .iter()
                .map(|l| l.get(2..).unwrap_or("").to_string())
                .collect(),
            must_fail,
            expected: out.join("\n"),
        });
        i = j + 1;
    }
    Ok((title, steps))
}

fn run_file(path: &Path, update: bool) -> Vec<String> {
    let text = fs::read_to_string(path).expect("read scenario");
    let (title, steps) = match parse(path, &text) {
        Ok(x) => x,
        Err(e) => return vec![e],
    };
    let mut store = Store::new(1);
    let mut shell = Shell::new();
    let mut failures = Vec::new();
    let mut rewritten = format!("{title}\n");
    for step in &steps {
        let mut reply = None;
        for (n, line) in step.lines.iter().enumerate() {
            let r = shell.eval(&mut store, line);
            if n + 1 < step.lines.len() && !r.incomplete {
                failures.push(format!("{}: {line:?} did not continue", path.display()));
            }
            reply = Some(r);
        }
        let Some(reply) = reply else { continue };
        let mut actual = reply.output.clone();
        if !reply.ok {
            actual.push_str("\n(error)");
        }
        if reply.ok == step.must_fail {
            failures.push(format!(
                "{}: {:?} {} but is marked {}",
                path.display(),
                step.lines,
                if reply.ok { "succeeded" } else { "failed" },
                if step.must_fail { "!" } else { ">" }
            ));
        }
        if actual != step.expected && !update {
            failures.push(format!(
                "{}: {:?}\n--- expected\n{}\n--- actual\n{}",
                path.display(),
                step.lines,
                step.expected,
                actual
            ));
        }
        let marker = if step.must_fail { "!" } else { ">" };
        for l in &step.lines {
            rewritten.push('\n');
            rewritten.push_str(format!("{marker} {l}").trim_end());
        }
        rewritten.push_str("\n---\n");
        rewritten.push_str(&actual);
        if !actual.is_empty() {
            rewritten.push('\n');
        }
    }
    if update && rewritten != text {
        fs::write(path, rewritten).expect("write scenario");
    }
    failures
}

#[test]
fn doc_scenarios() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/doc");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("scenario dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    let failures: Vec<String> = files.iter().flat_map(|f| run_file(f, update)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn unknown_markers_are_rejected() {
    let text = "# t\n$ db.x.find()\n---\n\n";
    assert!(parse(Path::new("t"), text).is_err());
    let text = "# t\n> db\n---\ntest\n";
    let (_, steps) = parse(Path::new("t"), text).expect("parses");
    assert_eq!(steps[0].expected, "test");
}

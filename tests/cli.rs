//! The `schemalab` binary as a workshop lead uses it: transcripts of scripts,
//! SQL outcomes as JSON, mongosh files, and exit codes.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

fn schemalab(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemalab"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn temp_file(name: &str, text: &str) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file");
    path.to_string_lossy().into_owned()
}

#[test]
fn run_prints_what_bash_prints() {
    let script = temp_file(
        "done-when.sh",
        "pwd\necho hello\necho $?\ncat > notes.txt <<'EOF'\nline one\nEOF\necho $?\ncat notes.txt\nls\nfoo\necho $?\ncd missing\necho $?\n",
    );
    let (out, _, code) = schemalab(&["run", &script]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "$ pwd\n/home/learner/app\n$ echo hello\nhello\n$ echo $?\n0\n$ cat > notes.txt <<'EOF'\n> line one\n> EOF\n$ echo $?\n0\n$ cat notes.txt\nline one\n$ ls\napp.py  entrypoint.sh  models.py  notes.txt  requirements.txt\n$ foo\nbash: foo: command not found\n$ echo $?\n127\n$ cd missing\nbash: cd: missing: No such file or directory\n$ echo $?\n1\n"
    );
}

#[test]
fn run_is_reproducible_for_a_seed() {
    let script = temp_file("seeded.sh", "mongosh --quiet --eval 'db.t.insertOne({})'\n");
    let a = schemalab(&["run", &script, "--seed", "7"]).0;
    let b = schemalab(&["run", "--seed", "7", &script]).0;
    let c = schemalab(&["run", &script, "--seed", "8"]).0;
    assert_eq!(a, b);
    assert_ne!(a, c, "the seed chooses the ObjectIds");
}

#[test]
fn unreadable_files_exit_2() {
    for command in ["run", "mongo"] {
        let (_, err, code) = schemalab(&[command, "/no/such/file"]);
        assert_eq!(code, 2, "{command}");
        assert!(err.contains("cannot read /no/such/file"), "{err}");
    }
    assert_eq!(schemalab(&["sql", "--json", "/no/such/file"]).2, 2);
    assert_eq!(schemalab(&["frobnicate"]).2, 2);
}

#[test]
fn sql_json_reproduces_the_recordings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/pg");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir.join("scenarios"))
        .expect("scenarios")
        .flatten()
    {
        let path = entry.path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(dir.join("expected").join(format!("{stem}.jsonl")))
            .expect("recording");
        let (out, _, code) = schemalab(&["sql", "--json", &path.to_string_lossy()]);
        assert_eq!(code, 0, "{stem}");
        assert_eq!(out, expected, "{stem}");
        checked += 1;
    }
    assert!(checked >= 32);
}

#[test]
fn piped_stdin_is_a_session_without_prompts() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_schemalab"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"echo piped\nnope\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "piped\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "bash: nope: command not found\n"
    );
}

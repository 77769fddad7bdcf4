//! `schemalab mongo FILE`: runs mongosh lines on a fresh server and returns the transcript.

use super::shell::Shell;
use super::store::Store;

/// Runs each line of `text` through a fresh [`Shell`] and [`Store`] and returns what the
/// terminal would show: each input after its prompt (`test> `, `... ` for continuation
/// lines), then its output. Blank lines outside a multi-line input are skipped; `exit` ends
/// the script; an input still open at the end is reported as mongosh reports it.
pub fn run_script(text: &str, seed: u64) -> String {
    let mut store = Store::new(seed);
    let mut shell = Shell::new();
    let mut out = String::new();
    for line in text.lines() {
        if line.trim().is_empty() && !shell.is_continuing() {
            continue;
        }
        out.push_str(&shell.prompt());
        out.push_str(line);
        out.push('\n');
        let reply = shell.eval(&mut store, line);
        if !reply.output.is_empty() {
            out.push_str(&reply.output);
            out.push('\n');
        }
        if reply.exit {
            return out;
        }
    }
    if let Some(reply) = shell.finish(&mut store) {
        if !reply.output.is_empty() {
            out.push_str(&reply.output);
            out.push('\n');
        }
    }
    out
}

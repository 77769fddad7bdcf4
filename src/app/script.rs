//! Running a script of inputs and writing the transcript a person would see:
//! `$ command`, continuation lines as `> line`, then the output.

use crate::world::World;

/// Splits a script into complete inputs: a here-document or an open quote
/// keeps reading lines, as bash does. The last input may be incomplete.
pub fn inputs(world: &World, script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in script.lines() {
        if pending.is_empty() {
            pending = line.to_string();
        } else {
            pending.push('\n');
            pending.push_str(line);
        }
        if !world.needs_more(&pending) {
            out.push(std::mem::take(&mut pending));
        }
    }
    if !pending.is_empty() {
        out.push(pending);
    }
    out
}

/// Runs every input of `script` on `world` and returns the transcript.
pub fn transcript(world: &mut World, script: &str) -> String {
    let mut text = String::new();
    for input in inputs(world, script) {
        if input.trim().is_empty() {
            continue;
        }
        for (i, line) in input.lines().enumerate() {
            text.push_str(if i == 0 { "$ " } else { "> " });
            text.push_str(line);
            text.push('\n');
        }
        let outcome = world.run(&input);
        let output = outcome.text();
        text.push_str(&output);
        if !output.is_empty() && !output.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

//! Running a script of inputs and writing the transcript a person would see:
//! `$ command` (a program's lines with its own prompt, `test> db.users.find()`),
//! continuation lines as `> line`, then the output.

use crate::world::World;

/// Runs every input of `script` on `world` and returns the transcript.
/// Lines are grouped into inputs as the world reads them at that moment: a
/// here-document or an open quote keeps bash reading; programs read line by line.
pub fn transcript(world: &mut World, script: &str) -> String {
    let mut text = String::new();
    let mut pending: Vec<&str> = Vec::new();
    let lines: Vec<&str> = script.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        pending.push(line);
        let input = pending.join("\n");
        let last = i + 1 == lines.len();
        if world.needs_more(&input) && !last {
            continue;
        }
        pending.clear();
        if input.trim().is_empty() && !world.in_program() {
            continue;
        }
        run_one(world, &input, &mut text);
    }
    text
}

fn run_one(world: &mut World, input: &str, text: &mut String) {
    let first = if world.in_program() {
        world.prompt()
    } else {
        "$ ".to_string()
    };
    for (i, line) in input.split('\n').enumerate() {
        text.push_str(if i == 0 { &first } else { "> " });
        text.push_str(line);
        text.push('\n');
    }
    let outcome = world.run(input);
    let output = outcome.text();
    text.push_str(&output);
    if !output.is_empty() && !output.ends_with('\n') {
        text.push('\n');
    }
}

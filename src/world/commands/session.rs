//! Commands about the session itself: `history`, `clear`, `help`, `reset`, `edit`.

use super::{Command, COMMANDS};
use crate::world::ctx::Ctx;
use crate::world::output::Event;
use crate::world::World;

/// `history`
pub const HISTORY: Command = Command {
    name: "history",
    synopsis: "history [-c]",
    summary: "Display the command history list with line numbers (-c clears it).",
    run: history,
};

/// `clear`
pub const CLEAR: Command = Command {
    name: "clear",
    synopsis: "clear",
    summary: "Clear the terminal screen (Ctrl+L does the same).",
    run: clear,
};

/// `help [COMMAND]`
pub const HELP: Command = Command {
    name: "help",
    synopsis: "help [command]",
    summary: "List the commands of this lab, or describe one.",
    run: help,
};

/// `reset`
pub const RESET: Command = Command {
    name: "reset",
    synopsis: "reset",
    summary: "Start the lab again from its first state (undo brings the old state back).",
    run: reset,
};

/// `edit FILE`
pub const EDIT: Command = Command {
    name: "edit",
    synopsis: "edit FILE",
    summary: "Open a file in the editor panel; saving it is recorded like any command.",
    run: edit,
};

fn history(ctx: &mut Ctx, args: &[String]) -> i32 {
    if args.first().map(String::as_str) == Some("-c") {
        ctx.machine().history.clear();
        return 0;
    }
    let text: String = ctx
        .machine_ref()
        .history
        .iter()
        .enumerate()
        .map(|(i, line)| format!("{:>5}  {line}\n", i + 1))
        .collect();
    ctx.print(&text);
    0
}

fn clear(ctx: &mut Ctx, _args: &[String]) -> i32 {
    ctx.emit(Event::Clear);
    0
}

fn help(ctx: &mut Ctx, args: &[String]) -> i32 {
    if args.is_empty() {
        let mut text = String::from(
            "SchemaLab shell. These commands are available; `help NAME` tells more.\n\n",
        );
        for command in COMMANDS {
            text.push_str(&format!("  {:<10}{}\n", command.name, command.summary));
        }
        ctx.print(&text);
        return 0;
    }
    let mut status = 0;
    for topic in args {
        match COMMANDS.iter().find(|c| c.name == topic) {
            Some(c) => ctx.print(&format!("{}: {}\n    {}\n", c.name, c.synopsis, c.summary)),
            None => {
                status = ctx.fail(
                    &format!("bash: help: no help topics match `{topic}'.  Try `help help' or `man -k {topic}' or `info {topic}'."),
                    1,
                );
            }
        }
    }
    status
}

fn reset(ctx: &mut Ctx, _args: &[String]) -> i32 {
    let seed = ctx.world.seed();
    *ctx.world = World::new(seed);
    ctx.emit(Event::Reset);
    ctx.emit(Event::Clear);
    0
}

fn edit(ctx: &mut Ctx, args: &[String]) -> i32 {
    let [file] = args else {
        return ctx.fail("edit: usage: edit FILE", 2);
    };
    let path = ctx.path(file);
    match ctx.machine_ref().fs.get(&path) {
        Some(node) if node.is_dir() => ctx.fail(&format!("edit: {file}: Is a directory"), 1),
        _ => {
            let parent = crate::world::fs::parent(&path);
            if !ctx.machine_ref().fs.get(parent).is_some_and(|n| n.is_dir()) {
                return ctx.fail(&format!("edit: {file}: No such file or directory"), 1);
            }
            ctx.emit(Event::Edit(path));
            0
        }
    }
}

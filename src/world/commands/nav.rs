//! `pwd` and `cd`.

use super::Command;
use crate::world::ctx::Ctx;
use crate::world::fs::Node;

/// `pwd`: print the working directory.
pub const PWD: Command = Command {
    name: "pwd",
    synopsis: "pwd",
    summary: "Print the name of the current working directory.",
    run: pwd,
};

/// `cd [DIR]`: change the working directory.
pub const CD: Command = Command {
    name: "cd",
    synopsis: "cd [dir]",
    summary:
        "Change the shell working directory (HOME when no dir is given; - for the previous one).",
    run: cd,
};

fn pwd(ctx: &mut Ctx, _args: &[String]) -> i32 {
    let cwd = ctx.machine_ref().cwd.clone();
    ctx.print(&format!("{cwd}\n"));
    0
}

fn cd(ctx: &mut Ctx, args: &[String]) -> i32 {
    if args.len() > 1 {
        return ctx.fail("bash: cd: too many arguments", 1);
    }
    let (target, announce) = match args.first().map(String::as_str) {
        None => match ctx.getenv("HOME") {
            Some(home) => (home, false),
            None => return ctx.fail("bash: cd: HOME not set", 1),
        },
        Some("-") => match ctx.getenv("OLDPWD") {
            Some(old) => (old, true),
            None => return ctx.fail("bash: cd: OLDPWD not set", 1),
        },
        Some(dir) => (dir.to_string(), false),
    };
    let path = ctx.path(&target);
    match ctx.machine_ref().fs.lookup(&path) {
        Ok(Node::Dir { .. }) => {}
        Ok(Node::File { .. }) => {
            return ctx.fail(&format!("bash: cd: {target}: Not a directory"), 1)
        }
        Err(e) => return ctx.fail(&format!("bash: cd: {target}: {}", e.describe()), 1),
    }
    let machine = ctx.machine();
    let old = std::mem::replace(&mut machine.cwd, path.clone());
    machine.vars.set("OLDPWD", &old);
    machine.vars.set("PWD", &path);
    if announce {
        ctx.print(&format!("{path}\n"));
    }
    0
}

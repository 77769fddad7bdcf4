//! Running shell scripts: `chmod +x`, `bash FILE`, `sh FILE`, and the builtins scripts use
//! (`set -e`, `exec`). `./entrypoint.sh` itself is found by the shell's command lookup
//! ([`exec::run_file`](crate::world::shell::exec::run_file)).

use super::Command;
use crate::world::ctx::Ctx;
use crate::world::shell::exec;

/// `chmod MODE FILE...`
pub const CHMOD: Command = Command {
    name: "chmod",
    synopsis: "chmod MODE FILE...",
    summary: "Change a file's mode; `chmod +x entrypoint.sh` lets `./entrypoint.sh` run it.",
    run: chmod,
};

/// `bash FILE`
pub const BASH: Command = Command {
    name: "bash",
    synopsis: "bash [-e] FILE | bash -c COMMAND",
    summary: "Run a shell script's lines (`bash entrypoint.sh`).",
    run: |ctx, args| shell(ctx, "bash", args),
};

/// `sh FILE`
pub const SH: Command = Command {
    name: "sh",
    synopsis: "sh [-e] FILE | sh -c COMMAND",
    summary: "Run a shell script's lines with the POSIX shell (`sh entrypoint.sh`).",
    run: |ctx, args| shell(ctx, "sh", args),
};

/// `set [-e|+e]`
pub const SET: Command = Command {
    name: "set",
    synopsis: "set [-e|+e]",
    summary: "Set shell options; in a script, `set -e` stops it at the first failing command.",
    run: set,
};

/// `exec COMMAND`
pub const EXEC: Command = Command {
    name: "exec",
    synopsis: "exec [command [argument ...]]",
    summary: "Replace the shell (or the script) with a command, as entrypoints start their server.",
    run: exec_builtin,
};

fn chmod(ctx: &mut Ctx, args: &[String]) -> i32 {
    let Some((mode, files)) = args.split_first() else {
        return ctx.fail(
            "chmod: missing operand\nTry 'chmod --help' for more information.",
            1,
        );
    };
    if files.is_empty() {
        return ctx.fail(
            &format!(
                "chmod: missing operand after ‘{mode}’\nTry 'chmod --help' for more information."
            ),
            1,
        );
    }
    let executable = if let Ok(octal) = u32::from_str_radix(mode, 8) {
        if mode.len() > 4 {
            return ctx.fail(
                &format!("chmod: invalid mode: ‘{mode}’\nTry 'chmod --help' for more information."),
                1,
            );
        }
        Some(octal & 0o100 != 0)
    } else {
        let valid = mode.split(',').all(|clause| {
            let ops = clause.trim_start_matches(['u', 'g', 'o', 'a']);
            !ops.is_empty()
                && ops.starts_with(['+', '-', '='])
                && ops[1..].chars().all(|c| "rwxXst".contains(c))
        });
        if !valid {
            return ctx.fail(
                &format!("chmod: invalid mode: ‘{mode}’\nTry 'chmod --help' for more information."),
                1,
            );
        }
        mode.split(',').fold(None, |state, clause| {
            let ops = clause.trim_start_matches(['u', 'g', 'o', 'a']);
            let who_has_user = {
                let who = &clause[..clause.len() - ops.len()];
                who.is_empty() || who.contains(['u', 'a'])
            };
            match (ops.chars().next(), ops.contains('x') && who_has_user) {
                (Some('+'), true) => Some(true),
                (Some('-'), true) => Some(false),
                (Some('='), _) if who_has_user => Some(ops.contains('x')),
                _ => state,
            }
        })
    };
    let mut status = 0;
    for file in files {
        let path = ctx.path(file);
        let now_on = executable.unwrap_or_else(|| ctx.machine_ref().fs.is_executable(&path));
        if let Err(e) = ctx.machine().fs.set_executable(&path, now_on) {
            ctx.eprint(&format!(
                "chmod: cannot access '{file}': {}\n",
                e.describe()
            ));
            status = 1;
        }
    }
    status
}

fn shell(ctx: &mut Ctx, name: &str, args: &[String]) -> i32 {
    let mut errexit = false;
    let mut rest = args;
    while let Some((flag, tail)) = rest.split_first() {
        match flag.as_str() {
            "-e" => errexit = true,
            "-x" | "-u" | "-eu" | "-ex" => errexit |= flag.contains('e'),
            "-c" => {
                let Some(command) = tail.first() else {
                    return ctx.fail(&format!("{name}: -c: option requires an argument"), 2);
                };
                let mut out = std::mem::take(&mut ctx.out);
                let status = exec::run_text(ctx.world, command, name, errexit, &mut out);
                ctx.out = out;
                return status;
            }
            _ => break,
        }
        rest = tail;
    }
    let Some((file, _script_args)) = rest.split_first() else {
        // An interactive shell inside the shell: nothing to show, it ends at once.
        return 0;
    };
    let path = ctx.path(file);
    let text = match ctx.machine_ref().fs.read(&path) {
        Ok(text) => text.to_string(),
        Err(e) => {
            let message = if name == "sh" {
                format!("sh: 0: cannot open {file}: {}", short_error(e.describe()))
            } else {
                format!("bash: {file}: {}", e.describe())
            };
            return ctx.fail(&message, if name == "sh" { 2 } else { 127 });
        }
    };
    let line = format!("{name} {}", rest.join(" "));
    let mut out = std::mem::take(&mut ctx.out);
    let status = exec::run_file(ctx.world, &path, &text, &line, errexit, &mut out);
    ctx.out = out;
    status
}

/// dash's short form of `strerror` for `cannot open`.
fn short_error(message: &str) -> &str {
    match message {
        "No such file or directory" => "No such file",
        other => other,
    }
}

fn set(ctx: &mut Ctx, args: &[String]) -> i32 {
    for arg in args {
        let on = arg.starts_with('-');
        if arg.contains('e') && (on || arg.starts_with('+')) {
            if let Some(frame) = ctx.machine().processes.frames.last_mut() {
                frame.errexit = on;
            }
        }
    }
    0
}

fn exec_builtin(ctx: &mut Ctx, args: &[String]) -> i32 {
    let Some((name, rest)) = args.split_first() else {
        return 0;
    };
    let frame = ctx.machine().processes.frames.last_mut().map(|f| {
        f.exec_done = true;
        (f.pid, f.line.clone())
    });
    ctx.machine().processes.exec = frame;
    let status = match super::find(name) {
        Some(command) => (command.run)(ctx, rest),
        None => ctx.fail(&format!("exec: {name}: not found"), 127),
    };
    ctx.machine().processes.exec = None;
    status
}

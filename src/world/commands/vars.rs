//! `echo`, `env`, `export`, `unset`, `true`, `false`.

use super::Command;
use crate::world::ctx::Ctx;
use crate::world::vars::is_name;

/// `echo [-n] [-e] [ARG]...`
pub const ECHO: Command = Command {
    name: "echo",
    synopsis: "echo [-neE] [arg ...]",
    summary:
        "Write arguments to standard output (-n: no newline, -e: interpret backslash escapes).",
    run: echo,
};

/// `env`
pub const ENV: Command = Command {
    name: "env",
    synopsis: "env",
    summary: "Print the environment.",
    run: env,
};

/// `export [NAME[=VALUE]]...`
pub const EXPORT: Command = Command {
    name: "export",
    synopsis: "export [name[=value] ...]",
    summary: "Set export attribute for shell variables; with no name, list them.",
    run: export,
};

/// `unset NAME...`
pub const UNSET: Command = Command {
    name: "unset",
    synopsis: "unset [name ...]",
    summary: "Unset values and attributes of shell variables.",
    run: unset,
};

/// `true`
pub const TRUE: Command = Command {
    name: "true",
    synopsis: "true",
    summary: "Return a successful result.",
    run: |_, _| 0,
};

/// `false`
pub const FALSE: Command = Command {
    name: "false",
    synopsis: "false",
    summary: "Return an unsuccessful result.",
    run: |_, _| 1,
};

fn echo(ctx: &mut Ctx, args: &[String]) -> i32 {
    let mut newline = true;
    let mut escapes = false;
    let mut rest = args;
    // bash's echo takes only leading arguments made purely of n, e and E as options.
    while let Some((first, tail)) = rest.split_first() {
        let is_option = first.len() > 1
            && first.starts_with('-')
            && first[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'));
        if !is_option {
            break;
        }
        for c in first[1..].chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        rest = tail;
    }
    let mut text = rest.join(" ");
    if escapes {
        let (decoded, stop) = unescape(&text);
        text = decoded;
        if stop {
            newline = false;
        }
    }
    if newline {
        text.push('\n');
    }
    ctx.print(&text);
    0
}

/// `echo -e` escapes; the flag is true after `\c` (stop output here).
fn unescape(text: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\u{7}'),
            Some('e') => out.push('\u{1b}'),
            Some('r') => out.push('\r'),
            Some('c') => return (out, true),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn env(ctx: &mut Ctx, args: &[String]) -> i32 {
    if let Some(arg) = args.first() {
        return ctx.fail(&format!("env: ‘{arg}’: No such file or directory"), 127);
    }
    let mut lines: Vec<(String, String)> = ctx
        .machine_ref()
        .vars
        .exported()
        .map(|v| (v.name.clone(), v.value.clone()))
        .collect();
    for (name, value) in ctx.overlay.clone() {
        match lines.iter_mut().find(|(n, _)| *n == name) {
            Some(line) => line.1 = value,
            None => lines.push((name, value)),
        }
    }
    let text: String = lines.iter().map(|(n, v)| format!("{n}={v}\n")).collect();
    ctx.print(&text);
    0
}

fn export(ctx: &mut Ctx, args: &[String]) -> i32 {
    if args.is_empty() || args == ["-p"] {
        let mut vars: Vec<(String, String)> = ctx
            .machine_ref()
            .vars
            .exported()
            .map(|v| (v.name.clone(), v.value.clone()))
            .collect();
        crate::sorting::sort(&mut vars);
        let text: String = vars
            .iter()
            .map(|(n, v)| {
                format!(
                    "declare -x {n}=\"{}\"\n",
                    v.replace('\\', "\\\\").replace('"', "\\\"")
                )
            })
            .collect();
        ctx.print(&text);
        return 0;
    }
    let mut status = 0;
    for arg in args {
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (arg.as_str(), None),
        };
        if !is_name(name) {
            status = ctx.fail(&format!("bash: export: `{arg}': not a valid identifier"), 1);
            continue;
        }
        ctx.machine().vars.export(name, value);
    }
    status
}

fn unset(ctx: &mut Ctx, args: &[String]) -> i32 {
    let mut status = 0;
    for name in args {
        if !is_name(name) {
            status = ctx.fail(&format!("bash: unset: `{name}': not a valid identifier"), 1);
            continue;
        }
        ctx.machine().vars.unset(name);
    }
    status
}

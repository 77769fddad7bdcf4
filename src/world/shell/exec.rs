//! Running a parsed script: and-or lists, pipelines, redirections,
//! one-command variables, and the lookup of commands in the registry.

use super::ast::{AndOr, Connector, Pipeline, RedirectOp, Script, Simple};
use super::expand::Env;
use super::parse::heredoc_word;
use super::parse::{self, Error as ParseError};
use crate::world::commands;
use crate::world::ctx::Ctx;
use crate::world::fs;
use crate::world::hint;
use crate::world::output::{Output, Stream};
use crate::world::process::Frame;
use crate::world::services;
use crate::world::World;

/// Runs every list of a script and returns the last status.
pub fn run_script(world: &mut World, script: &Script, line: &str, out: &mut Output) -> i32 {
    for warning in &script.warnings {
        out.push(Stream::Stderr, &format!("bash: {warning}\n"));
    }
    let mut status = world.machine().last_status;
    for list in &script.lists {
        status = run_list(world, script, list, line, out);
    }
    status
}

/// Runs one and-or list; returns its status.
fn run_list(world: &mut World, script: &Script, list: &AndOr, line: &str, out: &mut Output) -> i32 {
    world.machine_mut().processes.background = list.background;
    let status = run_list_now(world, script, list, line, out);
    world.machine_mut().processes.background = false;
    crate::world::serve::reload_changed(world, out);
    // A background job's status is not `$?`: starting it succeeded.
    if list.background {
        world.machine_mut().last_status = 0;
        0
    } else {
        status
    }
}

fn run_list_now(
    world: &mut World,
    script: &Script,
    list: &AndOr,
    line: &str,
    out: &mut Output,
) -> i32 {
    let mut status = run_pipeline(world, script, &list.first, line, out);
    world.machine_mut().last_status = status;
    for (connector, pipeline) in &list.rest {
        let go = match connector {
            Connector::And => status == 0,
            Connector::Or => status != 0,
        };
        if go {
            status = run_pipeline(world, script, pipeline, line, out);
            world.machine_mut().last_status = status;
        }
    }
    status
}

/// Runs the text of a script file (`./entrypoint.sh`, `sh FILE`) line by line in a new
/// process: `set -e` stops it at the first failing command, `exec` ends it with the program
/// it started. `path` is the file's absolute path (empty for `sh -c`); `shown` the command
/// line that started it.
///
/// A script that starts a web server (its text runs `gunicorn` or `flask run`) is a service:
/// running it again stops the server it started last time first (as a service manager's
/// restart does), and afterwards [`Processes::services`](crate::world::process::Processes)
/// records whether its server runs, or why not.
pub fn run_file(
    world: &mut World,
    path: &str,
    text: &str,
    shown: &str,
    errexit: bool,
    out: &mut Output,
) -> i32 {
    let script = match parse::parse(text, true) {
        Ok(script) => script,
        Err(ParseError::Syntax(message) | ParseError::Incomplete(message)) => {
            out.push(Stream::Stderr, &format!("{shown}: {message}\n"));
            return 2;
        }
    };
    let is_service = !path.is_empty() && (text.contains("gunicorn") || text.contains("flask run"));
    if is_service {
        services::stop_previous(world, path, out);
    }
    // `./entrypoint.sh &` at the prompt: bash announces the job before the script runs.
    let announced = world.machine_mut().processes.announce();
    let pid = match &announced {
        Some((text, _, pid)) => {
            out.push(Stream::Stderr, text);
            *pid
        }
        None => world.machine_mut().processes.allocate(),
    };
    let first = shown.split_whitespace().next().unwrap_or_default();
    let (name, dash) = match first {
        "sh" | "bash" => (
            shown
                .split_whitespace()
                .last()
                .unwrap_or_default()
                .to_string(),
            first == "sh",
        ),
        _ => (
            shown.to_string(),
            !text.starts_with("#!/bin/bash") && !text.starts_with("#!/usr/bin/env bash"),
        ),
    };
    world.machine_mut().processes.frames.push(Frame {
        pid,
        line: shown.to_string(),
        errexit,
        exec_done: false,
        last_argv: Vec::new(),
        name: if path.is_empty() { String::new() } else { name },
        dash,
        line_no: 0,
    });
    let printed_before = out.chunks.len();
    let mut status = 0;
    for list in &script.lists {
        if let Some(frame) = world.machine_mut().processes.frames.last_mut() {
            frame.line_no = list.line;
        }
        status = run_list(world, &script, list, shown, out);
        let frame = world
            .machine()
            .processes
            .frames
            .last()
            .cloned()
            .unwrap_or_default();
        if frame.exec_done || (frame.errexit && status != 0) {
            break;
        }
    }
    let frame = world
        .machine_mut()
        .processes
        .frames
        .pop()
        .unwrap_or_default();
    if is_service {
        let errors: String = out.chunks[printed_before.min(out.chunks.len())..]
            .iter()
            .filter(|c| c.stream == Stream::Stderr)
            .map(|c| c.text.as_str())
            .collect();
        services::record(world, path, &frame, status, &errors);
    }
    if let (Some((_, job, _)), true) = (announced, status != 0) {
        out.push(
            Stream::Stderr,
            &crate::world::commands::job_notice(job, &format!("Exit {status}"), shown),
        );
    }
    status
}

/// `sh -c TEXT`: the text run as a script with no file.
pub fn run_text(world: &mut World, text: &str, name: &str, errexit: bool, out: &mut Output) -> i32 {
    run_file(world, "", text, name, errexit, out)
}

fn run_pipeline(
    world: &mut World,
    script: &Script,
    pipeline: &Pipeline,
    line: &str,
    out: &mut Output,
) -> i32 {
    let mut stdin = None;
    let mut status = 0;
    let count = pipeline.commands.len();
    for (i, simple) in pipeline.commands.iter().enumerate() {
        let piped = i + 1 < count;
        let (code, captured) = run_simple(world, script, simple, stdin.take(), piped, line, out);
        status = code;
        stdin = Some(captured);
    }
    status
}

/// Where one descriptor's output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Dest {
    Terminal,
    Pipe,
    Null,
    File(String),
}

struct Expanded {
    assigns: Vec<(String, String)>,
    argv: Vec<String>,
    redirects: Vec<(u8, Resolved)>,
}

enum Resolved {
    Write {
        path: String,
        shown: String,
        append: bool,
    },
    Read {
        path: String,
        shown: String,
    },
    Input(String),
    Dup(u8),
}

fn expand(world: &World, script: &Script, simple: &Simple) -> Expanded {
    let machine = world.machine();
    let lookup = |name: &str| machine.vars.get(name).map(str::to_string);
    let home = machine.home();
    let env = Env {
        lookup: &lookup,
        last_status: machine.last_status,
        home: &home,
        cwd: &machine.cwd,
        fs: &machine.fs,
    };
    let assigns = simple
        .assigns
        .iter()
        .map(|(name, word)| (name.clone(), env.single(word)))
        .collect();
    let argv = simple.words.iter().flat_map(|w| env.fields(w)).collect();
    let redirects = simple
        .redirects
        .iter()
        .map(|r| {
            let resolved = match &r.op {
                RedirectOp::Write(w) | RedirectOp::Append(w) => {
                    let shown = env.single(w);
                    Resolved::Write {
                        path: fs::normalize(&machine.cwd, &shown),
                        shown,
                        append: matches!(r.op, RedirectOp::Append(_)),
                    }
                }
                RedirectOp::Read(w) => {
                    let shown = env.single(w);
                    Resolved::Read {
                        path: fs::normalize(&machine.cwd, &shown),
                        shown,
                    }
                }
                RedirectOp::HereString(w) => Resolved::Input(format!("{}\n", env.single(w))),
                RedirectOp::HereDoc(index) => {
                    let doc = script.heredocs.get(*index).cloned().unwrap_or_default();
                    Resolved::Input(if doc.expand {
                        env.single(&heredoc_word(&doc.body))
                    } else {
                        doc.body
                    })
                }
                RedirectOp::Dup(fd) => Resolved::Dup(*fd),
            };
            (r.fd, resolved)
        })
        .collect();
    Expanded {
        assigns,
        argv,
        redirects,
    }
}

fn run_simple(
    world: &mut World,
    script: &Script,
    simple: &Simple,
    pipe_in: Option<String>,
    piped: bool,
    line: &str,
    out: &mut Output,
) -> (i32, String) {
    let expanded = expand(world, script, simple);
    let now = world.clock.now;
    let mut stdin = pipe_in;
    let mut dest = [
        Dest::Terminal,
        if piped { Dest::Pipe } else { Dest::Terminal },
        Dest::Terminal,
    ];
    for (fd, redirect) in &expanded.redirects {
        let fd = usize::from(*fd).min(2);
        match redirect {
            Resolved::Write {
                path,
                shown,
                append,
            } => {
                if path == "/dev/null" {
                    dest[fd] = Dest::Null;
                    continue;
                }
                let fs = &mut world.machine_mut().fs;
                let opened = if *append {
                    fs.append(path, "", now)
                } else {
                    fs.write(path, String::new(), now)
                };
                if let Err(e) = opened {
                    out.push(
                        Stream::Stderr,
                        &format!("bash: {shown}: {}\n", e.describe()),
                    );
                    return (1, String::new());
                }
                dest[fd] = Dest::File(path.clone());
            }
            Resolved::Read { path, shown } => {
                if path == "/dev/null" {
                    stdin = Some(String::new());
                    continue;
                }
                match world.machine().fs.read(path) {
                    Ok(text) => stdin = Some(text.to_string()),
                    Err(e) => {
                        out.push(
                            Stream::Stderr,
                            &format!("bash: {shown}: {}\n", e.describe()),
                        );
                        return (1, String::new());
                    }
                }
            }
            Resolved::Input(text) => stdin = Some(text.clone()),
            Resolved::Dup(target) => dest[fd] = dest[usize::from(*target).min(2)].clone(),
        }
    }

    let Some(name) = expanded.argv.first().cloned() else {
        let machine = world.machine_mut();
        for (name, value) in &expanded.assigns {
            machine.vars.set(name, value);
        }
        return (0, String::new());
    };

    if let Some(frame) = world.machine_mut().processes.frames.last_mut() {
        frame.last_argv = expanded.argv.clone();
    }
    let mut ctx = Ctx {
        world,
        stdin,
        out: Output::default(),
        overlay: expanded.assigns,
        stdout_is_terminal: dest[1] == Dest::Terminal,
    };
    let status = match commands::find(&name) {
        Some(command) => (command.run)(&mut ctx, &expanded.argv[1..]),
        None => not_found(&mut ctx, &name, line),
    };
    let produced = std::mem::take(&mut ctx.out);
    let mut captured = String::new();
    for chunk in produced.chunks {
        let target = match chunk.stream {
            Stream::Stdout => &dest[1],
            Stream::Stderr => &dest[2],
            Stream::Hint => &Dest::Terminal,
        };
        match target {
            Dest::Terminal => out.push(chunk.stream, &chunk.text),
            Dest::Pipe => captured.push_str(&chunk.text),
            Dest::Null => {}
            Dest::File(path) => {
                // The file was opened above, so appending to it cannot fail.
                let _ = ctx.machine().fs.append(path, &chunk.text, now);
            }
        }
    }
    (status, captured)
}

fn not_found(ctx: &mut Ctx, name: &str, line: &str) -> i32 {
    if name.contains('/') {
        let path = ctx.path(name);
        if ctx.machine_ref().fs.is_executable(&path) {
            let text = ctx
                .machine_ref()
                .fs
                .read(&path)
                .unwrap_or_default()
                .to_string();
            let mut out = std::mem::take(&mut ctx.out);
            let status = run_file(ctx.world, &path, &text, name, false, &mut out);
            ctx.out = out;
            return status;
        }
        let reason = match ctx.machine_ref().fs.lookup(&path) {
            Ok(node) if node.is_dir() => "Is a directory",
            Ok(_) => "Permission denied",
            Err(e) => e.describe(),
        };
        let status = if reason == "No such file or directory" {
            127
        } else {
            126
        };
        return ctx.fail(&format!("bash: {name}: {reason}"), status);
    }
    if let Some(frame) = ctx.machine_ref().processes.frames.last().cloned() {
        if !frame.name.is_empty() {
            let message = if frame.dash {
                format!("{}: {}: {name}: not found", frame.name, frame.line_no)
            } else {
                format!(
                    "{}: line {}: {name}: command not found",
                    frame.name, frame.line_no
                )
            };
            return ctx.fail(&message, 127);
        }
    }
    ctx.eprint(&format!("bash: {name}: command not found\n"));
    if let Some(hint) = hint::habit(line) {
        ctx.out.push(Stream::Hint, &format!("{hint}\n"));
    }
    127
}

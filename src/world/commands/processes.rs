//! `ps`, `kill`, `pkill`, `jobs`: the machine's processes as procps 4.0 (Debian 12) and bash
//! 5.2 show them (recorded in `tests/fidelity/server/entrypoint.txt`).
//!
//! Stopping a server: Werkzeug dies silently on SIGTERM and bash reports the job
//! `Terminated`; gunicorn's master logs the signal, its workers exit and it shuts down, and
//! bash reports the job `Done`. A service (a server started by a script) that is stopped is
//! recorded as down, with why.

use super::gunicorn::stop_lines;
use super::Command;
use crate::world::ctx::Ctx;
use crate::world::ids::DateTime;
use crate::world::process::{Process, ServerKind, ServiceStatus};

/// `ps [aux | -ef]`
pub const PS: Command = Command {
    name: "ps",
    synopsis: "ps [aux | -ef]",
    summary: "List the machine's processes (the web servers you started, their workers).",
    run: ps,
};

/// `kill [-SIGNAL] PID | %JOB ...`
pub const KILL: Command = Command {
    name: "kill",
    synopsis: "kill [-s sigspec | -n signum | -sigspec] pid | jobspec ...",
    summary: "Stop a process by pid or job (`kill %1`): a server stops serving.",
    run: kill,
};

/// `pkill [-f] PATTERN`
pub const PKILL: Command = Command {
    name: "pkill",
    synopsis: "pkill [-f] [-SIGNAL] PATTERN",
    summary: "Stop the processes whose name matches (`pkill gunicorn`; `-f` matches the whole command line).",
    run: pkill,
};

/// `jobs`
pub const JOBS: Command = Command {
    name: "jobs",
    synopsis: "jobs [-l]",
    summary: "List the servers running in the background of this shell.",
    run: jobs,
};

/// One row of the process list, the shell and `ps` included.
struct Row {
    pid: u32,
    ppid: u32,
    comm: String,
    args: String,
    started: i64,
    /// `pts/0`, or `?` for a process whose login has ended.
    tty: String,
    /// True when it runs on the shell's own terminal (what plain `ps` lists).
    here: bool,
}

fn rows(ctx: &mut Ctx, own: &str) -> Vec<Row> {
    let now = ctx.now();
    let processes = &mut ctx.machine().processes;
    let ps_pid = processes.allocate();
    let shell = processes.shell_pid;
    let tty = processes.tty;
    let pts = format!("pts/{tty}");
    let mut rows = vec![Row {
        pid: shell,
        ppid: shell - 1,
        comm: "bash".to_string(),
        args: "-bash".to_string(),
        started: processes.shell_started,
        tty: pts.clone(),
        here: true,
    }];
    rows.extend(processes.table.values().map(|p| Row {
        pid: p.pid,
        ppid: p.ppid,
        comm: p.comm.clone(),
        args: p.args.clone(),
        started: p.started,
        tty: p.tty.map_or("?".to_string(), |t| format!("pts/{t}")),
        here: p.tty == Some(tty),
    }));
    rows.push(Row {
        pid: ps_pid,
        ppid: shell,
        comm: "ps".to_string(),
        args: own.to_string(),
        started: now,
        tty: pts,
        here: true,
    });
    // procps lists by pid.
    crate::sorting::sort_by_key(&mut rows, |r| r.pid);
    rows
}

fn ps(ctx: &mut Ctx, args: &[String]) -> i32 {
    let style = args.join(" ");
    let mut out = String::new();
    match style.as_str() {
        "" => {
            out.push_str("    PID TTY          TIME CMD\n");
            for r in rows(ctx, "ps").into_iter().filter(|r| r.here) {
                out.push_str(&format!("{:>7} {:<8} 00:00:00 {}\n", r.pid, r.tty, r.comm));
            }
        }
        "aux" | "-aux" | "ax" => {
            out.push_str(
                "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n",
            );
            for r in rows(ctx, &format!("ps {style}")) {
                let t = DateTime::from_unix(r.started);
                let (vsz, rss, stat) = match r.comm.as_str() {
                    "bash" => (8_604, 5_264, "Ss"),
                    "ps" => (11_084, 4_352, "R+"),
                    _ => (96_588, 61_428, "S"),
                };
                out.push_str(&format!(
                    "learner  {:>7}  0.0  0.2 {vsz:>6} {rss:>5} {:<8} {stat:<4} {:02}:{:02}   0:00 {}\n",
                    r.pid, r.tty, t.hour, t.minute, r.args
                ));
            }
        }
        "-ef" | "-e" | "-A" => {
            let full = style == "-ef";
            if full {
                out.push_str("UID          PID    PPID  C STIME TTY          TIME CMD\n");
            } else {
                out.push_str("    PID TTY          TIME CMD\n");
            }
            for r in rows(ctx, &format!("ps {style}")) {
                if full {
                    let t = DateTime::from_unix(r.started);
                    out.push_str(&format!(
                        "learner  {:>7} {:>7}  0 {:02}:{:02} {:<8} 00:00:00 {}\n",
                        r.pid, r.ppid, t.hour, t.minute, r.tty, r.args
                    ));
                } else {
                    out.push_str(&format!("{:>7} {:<8} 00:00:00 {}\n", r.pid, r.tty, r.comm));
                }
            }
        }
        _ => {
            let kind = if style.starts_with('-') {
                "unsupported SysV option"
            } else {
                "process ID list syntax error"
            };
            return ctx.fail(
                &format!("error: {kind}\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."),
                1,
            );
        }
    }
    ctx.print(&out);
    0
}

/// `kill -l` as bash 5.2 prints it on Linux (recorded with `bash -c 'kill -l'`).
const SIGNALS: &str = include_str!("kill-l.txt");

/// The signals people send, by name and number.
fn signal(spec: &str) -> Option<&'static str> {
    let name = spec.trim_start_matches("SIG").to_uppercase();
    match name.as_str() {
        "15" | "TERM" => Some("TERM"),
        "9" | "KILL" => Some("KILL"),
        "2" | "INT" => Some("INT"),
        "1" | "HUP" => Some("HUP"),
        "3" | "QUIT" => Some("QUIT"),
        _ => None,
    }
}

/// The signals gunicorn's processes handle by shutting down cleanly.
fn graceful_signal(sig: &str) -> bool {
    matches!(sig, "TERM" | "INT" | "QUIT")
}

/// bash's job-status line: `[1]+  Terminated              flask run`.
pub fn job_line(job: u32, mark: char, state: &str, line: &str) -> String {
    format!("[{job}]{mark}  {state:<24}{line}\n")
}

/// Stops a process of the current machine with a signal: what it prints, and bash's job
/// notice. Returns false when there is no such process.
pub fn terminate(ctx: &mut Ctx, pid: u32, sig: &str) -> bool {
    let now = ctx.now();
    let processes = &mut ctx.machine().processes;
    let Some(process) = processes.table.get(&pid) else {
        return false;
    };
    // A gunicorn worker that dies is replaced by its master.
    if process.server.is_none() {
        if let Some(master) = processes.table.get(&process.ppid).map(|p| p.pid) {
            processes.table.remove(&pid);
            let new = processes.allocate();
            let mut worker = processes.table.get(&master).cloned().map(|m| Process {
                pid: new,
                ppid: master,
                server: None,
                job: None,
                job_line: String::new(),
                log: String::new(),
                started: now,
                ..m
            });
            let t = crate::world::serve::gunicorn_time(now);
            let ended = if graceful_signal(sig) {
                format!("[{t}] [{pid}] [INFO] Worker exiting (pid: {pid})\n")
            } else {
                let oom = if sig == "KILL" {
                    " Perhaps out of memory?"
                } else {
                    ""
                };
                format!("[{t}] [{master}] [ERROR] Worker (pid:{pid}) was sent SIG{sig}!{oom}\n")
            };
            let text = format!("{ended}[{t}] [{new}] [INFO] Booting worker with pid: {new}\n");
            if let Some(w) = worker.take() {
                processes.table.insert(new, w);
            }
            if let Some(m) = processes.table.get_mut(&master) {
                m.log.push_str(&text);
                if let Some(server) = m.server.as_mut() {
                    server.worker = Some(new);
                }
            }
            ctx.eprint(&text);
            return true;
        }
    }
    let removed = processes.remove_tree(pid);
    let Some(main) = removed.first() else {
        return false;
    };
    let workers: Vec<u32> = removed.iter().skip(1).map(|p| p.pid).collect();
    let graceful = graceful_signal(sig);
    let kind = main.server.as_ref().map(|s| s.kind);
    let mut text = String::new();
    let state = match (kind, graceful) {
        (Some(ServerKind::Gunicorn), true) => {
            text.push_str(&stop_lines(pid, &workers, now));
            "Done"
        }
        (_, _) if sig == "KILL" => "Killed",
        (_, _) if sig == "INT" => "Interrupt",
        (_, _) if sig == "HUP" => "Hangup",
        (_, _) if sig == "QUIT" => "Quit",
        _ => "Terminated",
    };
    if let Some(job) = main.job {
        let highest = processes.table.values().filter_map(|p| p.job).max();
        let mark = if highest.is_none_or(|h| h < job) {
            '+'
        } else {
            '-'
        };
        text.push_str(&job_line(job, mark, state, &main.job_line));
    }
    for service in processes.services.values_mut() {
        if matches!(service.status, ServiceStatus::Running { pid: p, .. } if p == pid) {
            service.status = ServiceStatus::Down {
                reason: format!("stopped (SIG{sig})"),
                detail: String::new(),
            };
            service.since = now;
        }
    }
    ctx.eprint(&text);
    true
}

fn kill(ctx: &mut Ctx, args: &[String]) -> i32 {
    let usage = "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]";
    let mut sig = "TERM";
    let mut rest = args;
    match rest {
        [flag, value, tail @ ..] if flag == "-s" || flag == "-n" => {
            match signal(value) {
                Some(s) => sig = s,
                None => {
                    return ctx.fail(
                        &format!("bash: kill: {value}: invalid signal specification"),
                        1,
                    )
                }
            }
            rest = tail;
        }
        [flag, tail @ ..] if flag == "-l" => {
            let _ = tail;
            ctx.print(SIGNALS);
            return 0;
        }
        [flag, tail @ ..] if flag.starts_with('-') && flag.len() > 1 => {
            match signal(&flag[1..]) {
                Some(s) => sig = s,
                None => {
                    return ctx.fail(
                        &format!("bash: kill: {}: invalid signal specification", &flag[1..]),
                        1,
                    )
                }
            }
            rest = tail;
        }
        _ => {}
    }
    if rest.is_empty() {
        return ctx.fail(usage, 2);
    }
    let mut status = 0;
    for target in rest {
        if let Some(n) = target.strip_prefix('%') {
            let pid = n
                .parse::<u32>()
                .ok()
                .and_then(|n| ctx.machine_ref().processes.job_pid(n));
            match pid {
                Some(pid) => {
                    terminate(ctx, pid, sig);
                }
                None => {
                    ctx.eprint(&format!("bash: kill: {target}: no such job\n"));
                    status = 1;
                }
            }
            continue;
        }
        match target.parse::<u32>() {
            Ok(pid) if pid == ctx.machine_ref().processes.shell_pid => {
                // bash ignores SIGTERM; the learner's shell stays.
            }
            Ok(pid) => {
                if !terminate(ctx, pid, sig) {
                    ctx.eprint(&format!("bash: kill: ({pid}) - No such process\n"));
                    status = 1;
                }
            }
            Err(_) => {
                ctx.eprint(&format!(
                    "bash: kill: {target}: arguments must be process or job IDs\n"
                ));
                status = 1;
            }
        }
    }
    status
}

fn pkill(ctx: &mut Ctx, args: &[String]) -> i32 {
    let mut full = false;
    let mut sig = "TERM";
    let mut pattern = None;
    for arg in args {
        match arg.as_str() {
            "-f" | "--full" => full = true,
            a if a.starts_with('-') && a.len() > 1 => match signal(&a[1..]) {
                Some(s) => sig = s,
                None => {
                    return ctx.fail(
                        &format!("pkill: invalid option -- '{}'\n\nUsage:\n pkill [options] <pattern>\n\nFor more details see pgrep(1).", a.chars().nth(1).unwrap_or('-')),
                        2,
                    )
                }
            },
            a => pattern = Some(a.to_string()),
        }
    }
    let Some(pattern) = pattern else {
        return ctx.fail(
            "pkill: no matching criteria specified\nTry `pkill --help' for more information.",
            2,
        );
    };
    // Masters first: stopping one takes its workers with it.
    let mut targets: Vec<(bool, u32)> = ctx
        .machine_ref()
        .processes
        .table
        .values()
        .filter(|p| {
            let hay = if full { &p.args } else { &p.comm };
            hay.contains(&pattern)
        })
        .map(|p| (p.server.is_none(), p.pid))
        .collect();
    crate::sorting::sort(&mut targets);
    let mut any = false;
    for (_, pid) in targets {
        if ctx.machine_ref().processes.table.contains_key(&pid) {
            any |= terminate(ctx, pid, sig);
        }
    }
    if any {
        0
    } else {
        1
    }
}

fn jobs(ctx: &mut Ctx, args: &[String]) -> i32 {
    let long = args.iter().any(|a| a == "-l");
    let processes = &ctx.machine_ref().processes;
    let mut listed: Vec<(u32, u32, String)> = processes
        .table
        .values()
        .filter_map(|p| p.job.map(|j| (j, p.pid, p.job_line.clone())))
        .collect();
    crate::sorting::sort(&mut listed);
    let count = listed.len();
    let mut out = String::new();
    for (k, (job, pid, line)) in listed.into_iter().enumerate() {
        let mark = if k + 1 == count {
            '+'
        } else if k + 2 == count {
            '-'
        } else {
            ' '
        };
        if long {
            out.push_str(&format!(
                "[{job}]{mark} {pid:>6} Running                 {line} &\n"
            ));
        } else {
            out.push_str(&job_line(job, mark, "Running", &format!("{line} &")));
        }
    }
    ctx.print(&out);
    0
}

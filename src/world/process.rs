//! The running programs of a machine: the web servers `flask run` and gunicorn start, their
//! workers, the shell's jobs, and the services a panel reports on.
//!
//! A server keeps the app as it was imported when it started
//! ([`AppProcess`]): editing `models.py` changes nothing until it
//! restarts. Everything a server writes (start-up lines, access log, tracebacks) is kept in
//! [`Process::log`] for the page; the shell also shows it on the terminal of the server's
//! machine, as a background job writing to the terminal does.
//!
//! Pids are handed out in order from a per-machine counter whose start is fixed by the world's
//! seed, so the same session always prints the same pids.

use std::collections::BTreeMap;

use crate::runtime::{AppProcess, Journey};

/// Which HTTP server a process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    /// Werkzeug's development server (`flask run`).
    Werkzeug,
    /// gunicorn 23's master process (it serves through its worker).
    Gunicorn,
}

/// A listening web server.
#[derive(Clone, Debug)]
pub struct Server {
    /// The software.
    pub kind: ServerKind,
    /// The address it is bound to: `127.0.0.1` or `0.0.0.0`.
    pub host: String,
    /// The TCP port.
    pub port: u16,
    /// The app as imported at start-up.
    pub app: AppProcess,
    /// The worker's pid (gunicorn), which prints the app's errors.
    pub worker: Option<u32>,
    /// `flask run --debug`: what the reloader needs to re-import the app.
    pub debug: Option<Reloader>,
    /// gunicorn's `--access-logfile -`: one line per request on the terminal.
    pub access_log: bool,
    /// Every request served, oldest first, with the world's time it was served at, for the
    /// request-flow panel.
    pub journeys: Vec<(i64, Journey)>,
}

/// Werkzeug's reloader state for a debug server.
#[derive(Clone, Debug)]
pub struct Reloader {
    /// The project directory the app was imported from.
    pub project_dir: String,
    /// The environment the app was started with (`DATABASE_URL`, `FLASK_APP`).
    pub env: Vec<(String, String)>,
    /// When the app was last imported; a file modified later triggers a reload.
    pub loaded_at: i64,
    /// The debugger PIN it prints (`125-257-133`).
    pub pin: String,
}

/// One process of a machine.
#[derive(Clone, Debug)]
pub struct Process {
    /// The process id.
    pub pid: u32,
    /// The parent's pid (the shell's for what the learner starts).
    pub ppid: u32,
    /// The command name as `ps` shows it (`flask`, `gunicorn`, `bash`).
    pub comm: String,
    /// The whole command line as `ps aux` shows it.
    pub args: String,
    /// The server it runs, when it listens on a port; `None` for a worker or the shell.
    pub server: Option<Server>,
    /// The shell's job number, for what the learner started from the shell.
    pub job: Option<u32>,
    /// The command line as the learner typed it, as `jobs` prints it.
    pub job_line: String,
    /// What it printed since it started, in order.
    pub log: String,
    /// When it started, Unix seconds of the world's clock.
    pub started: i64,
    /// Its terminal (`pts/N`); `None` once the login it ran in has ended (`?` in `ps`).
    pub tty: Option<u32>,
}

/// Why a service is not running, or that it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceStatus {
    /// Serving on its port.
    Running {
        /// The server's pid.
        pid: u32,
        /// Its port.
        port: u16,
    },
    /// Not running: the reason in a sentence, and the last line the failing step printed.
    Down {
        /// What happened (`flask db upgrade failed (exit status 1)`).
        reason: String,
        /// The last line of the failing step's error output, when there is one.
        detail: String,
    },
}

impl ServiceStatus {
    /// One line for a panel: `running on port 8000 (pid 1437)`, or `down: <reason>: <detail>`.
    pub fn describe(&self) -> String {
        match self {
            ServiceStatus::Running { pid, port } => format!("running on port {port} (pid {pid})"),
            ServiceStatus::Down { reason, detail } if detail.is_empty() => {
                format!("down: {reason}")
            }
            ServiceStatus::Down { reason, detail } => format!("down: {reason}: {detail}"),
        }
    }
}

/// A long-running program started by a script (`./entrypoint.sh`), as a panel reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    /// Running or down, and why.
    pub status: ServiceStatus,
    /// When the status last changed, Unix seconds of the world's clock.
    pub since: i64,
}

/// The process table of a machine.
#[derive(Clone, Debug)]
pub struct Processes {
    /// Live processes by pid.
    pub table: BTreeMap<u32, Process>,
    next_pid: u32,
    /// The login shell's pid.
    pub shell_pid: u32,
    /// The login shell's terminal: `pts/0` for the first login, one more for each `ssh`.
    pub tty: u32,
    /// When the login shell started.
    pub shell_started: i64,
    /// Services by the path of the script that starts them.
    pub services: BTreeMap<String, Service>,
    /// Set by a script's `exec`: the pid the next program takes over and the job's line.
    pub exec: Option<(u32, String)>,
    /// True while a list written with `&` runs: a server it starts announces its job
    /// (`[1] 1599`) as bash does.
    pub background: bool,
    /// The scripts running now, innermost last.
    pub frames: Vec<Frame>,
}

/// A script being run (`./entrypoint.sh`, `sh FILE`): its process and shell options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame {
    /// The script's pid (an `exec`ed program takes it over).
    pub pid: u32,
    /// The command line that started it, as `jobs` shows it.
    pub line: String,
    /// `set -e`: stop at the first failing command.
    pub errexit: bool,
    /// True once `exec` replaced the script with a program.
    pub exec_done: bool,
    /// The last command it ran, for saying which step failed.
    pub last_argv: Vec<String>,
    /// The name errors call it by (`./entrypoint.sh`, `entrypoint.sh`); empty for `sh -c`.
    pub name: String,
    /// True when dash runs it (`#!/bin/sh`, `sh FILE`), which words errors its own way.
    pub dash: bool,
    /// The line of the script being run.
    pub line_no: usize,
}

impl Processes {
    /// A table holding only the login shell, its pid drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        let shell_pid = 1000 + (seed.wrapping_mul(7919) % 2000) as u32;
        Processes {
            table: BTreeMap::new(),
            next_pid: shell_pid + 1,
            shell_pid,
            tty: 0,
            shell_started: super::ids::START_OF_LAB,
            services: BTreeMap::new(),
            exec: None,
            background: false,
            frames: Vec::new(),
        }
    }

    /// A new login shell (`ssh`): what the old shell started keeps running, reparented to
    /// init, but is no job of the new shell.
    /// Its terminal is gone: `ps` shows `?` for it. `now` is when the new shell starts.
    pub fn new_login(&mut self, now: i64) {
        let old = self.shell_pid;
        for process in self.table.values_mut() {
            process.job = None;
            process.tty = None;
            if process.ppid == old {
                process.ppid = 1;
            }
        }
        self.shell_pid = self.allocate();
        self.tty += 1;
        self.shell_started = now;
    }

    /// The next free pid.
    pub fn allocate(&mut self) -> u32 {
        let pid = self.next_pid;
        self.next_pid += 1;
        pid
    }

    /// The server listening on `port`, if any.
    pub fn listening(&self, port: u16) -> Option<&Process> {
        self.table
            .values()
            .find(|p| p.server.as_ref().is_some_and(|s| s.port == port))
    }

    /// The server listening on `port`, for changes.
    pub fn listening_mut(&mut self, port: u16) -> Option<&mut Process> {
        self.table
            .values_mut()
            .find(|p| p.server.as_ref().is_some_and(|s| s.port == port))
    }

    /// The next job number: one more than the highest in use.
    pub fn next_job(&self) -> u32 {
        self.table.values().filter_map(|p| p.job).max().unwrap_or(0) + 1
    }

    /// Removes a process and its children; returns the removed ones, the process first.
    pub fn remove_tree(&mut self, pid: u32) -> Vec<Process> {
        let mut removed = Vec::new();
        if let Some(p) = self.table.remove(&pid) {
            removed.push(p);
        }
        let children: Vec<u32> = self
            .table
            .values()
            .filter(|p| p.ppid == pid)
            .map(|p| p.pid)
            .collect();
        for child in children {
            removed.extend(self.remove_tree(child));
        }
        removed
    }

    /// For a program started with `&` at the prompt: allocates its pid now and returns bash's
    /// announcement (`[1] 1599`), its job number and its pid.
    pub fn announce(&mut self) -> Option<(String, u32, u32)> {
        if !self.background || !self.frames.is_empty() {
            return None;
        }
        let job = self.next_job();
        let pid = self.allocate();
        Some((format!("[{job}] {pid}\n"), job, pid))
    }

    /// The pid of the job `n` (`%n`).
    pub fn job_pid(&self, n: u32) -> Option<u32> {
        self.table
            .values()
            .find(|p| p.job == Some(n))
            .map(|p| p.pid)
    }

    /// The journey of the last request any server of this machine served.
    pub fn last_journey(&self) -> Option<&Journey> {
        self.table
            .values()
            .filter_map(|p| p.server.as_ref())
            .filter_map(|s| s.journeys.last())
            .max_by_key(|(at, _)| *at)
            .map(|(_, journey)| journey)
    }
}

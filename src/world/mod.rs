//! The simulated world: machines with files, a shell and (later) their
//! servers, driven one input line at a time through [`World::run`].
//!
//! Architecture invariant: the world is deterministic. It reads no host
//! clock, randomness or filesystem; ids and time come from [`ids`], and the
//! same seed and the same lines always give the same [`Outcome`]s.

pub mod commands;
pub mod complete;
pub mod ctx;
pub mod fs;
pub mod git;
pub mod hint;
pub mod ids;
pub mod machine;
pub mod output;
pub mod process;
pub mod project;
pub mod psql;
pub mod serve;
pub mod services;
pub mod shell;
pub mod vars;

pub use machine::Machine;
pub use output::{Chunk, Event, Outcome, Output, Stream};

use ids::{Clock, IdGen};
use shell::parse::{self, Error as ParseError};

/// A program that has taken over the terminal, as `psql app` does until
/// `\q` and `mongosh` until `exit`.
#[derive(Clone, Debug)]
pub enum Foreground {
    /// An interactive psql session on the current machine.
    Psql(psql::Client),
    /// An interactive mongosh session on the current machine.
    Mongosh(crate::doc::Shell),
    /// `flask shell`: Python's console in the app's context, on the current machine.
    FlaskShell(Box<crate::runtime::FlaskShell>),
}

/// The seed a world gets when none is chosen.
pub const DEFAULT_SEED: u64 = 42;

/// Everything the learner can act on.
#[derive(Clone, Debug)]
pub struct World {
    seed: u64,
    /// The logical clock; moves only when a line runs.
    pub clock: Clock,
    /// The seeded generator for revision ids, ObjectIds, commit hashes.
    pub ids: IdGen,
    /// Never empty; `machines[current]` is where the shell is.
    machines: Vec<Machine>,
    current: usize,
    /// The machines `ssh` left, innermost last: `exit` goes back to the last one.
    logins: Vec<usize>,
    /// Requests to the page collected while a line runs.
    events: Vec<Event>,
    /// The program reading the terminal instead of the shell, if any.
    pub foreground: Option<Foreground>,
    /// The hosted git repositories every machine can reach, by URL.
    pub remotes: git::Remotes,
    /// Python lines `flask db` has read, by text: a memo that changes no
    /// output, so that a long session parses each distinct line once.
    pub python_lines: crate::migrate::LineCache,
}

impl Default for World {
    fn default() -> Self {
        World::new(DEFAULT_SEED)
    }
}

impl World {
    /// A fresh world: `origin` holds the team lead's initial commit of the
    /// seed's Flask project, and `~/app` on the laptop, the teammate's laptop
    /// and `prod` is a clone of it; `prod` also has an empty database `app`.
    pub fn new(seed: u64) -> Self {
        let clock = Clock::default();
        let mut remotes = git::initial_remotes();
        let origin = remotes
            .entry(git::ORIGIN_URL.to_string())
            .or_insert_with(|| git::Repo::new("main", true));
        let lead = git::Signature {
            name: project::LEAD_NAME.to_string(),
            email: project::LEAD_EMAIL.to_string(),
            time: project::INITIAL_COMMIT_TIME,
        };
        git::commit_to_hosted(
            origin,
            &project::FILES,
            lead,
            project::INITIAL_COMMIT_MESSAGE,
        );
        let origin = &*origin;
        let machines = vec![
            Machine::laptop(clock.now, seed, origin),
            Machine::teammate(clock.now, seed, origin),
            Machine::prod(clock.now, seed, origin),
        ];
        World::with(seed, clock, machines, remotes)
    }

    /// A world of fresh accounts: the three machines with empty homes (no
    /// project, no `~/.gitconfig`, no database) and an empty `origin`, as
    /// the recordings of real git were made.
    pub fn blank(seed: u64) -> Self {
        let clock = Clock::default();
        let machines = ["laptop", "teammate", "prod"]
            .iter()
            .zip(0..)
            .map(|(name, n)| Machine::empty(name, clock.now, seed.wrapping_add(n)))
            .collect();
        World::with(seed, clock, machines, git::initial_remotes())
    }

    /// A world of `machines` (the shell on the first) and hosted `remotes`.
    fn with(seed: u64, clock: Clock, machines: Vec<Machine>, remotes: git::Remotes) -> Self {
        World {
            seed,
            machines,
            logins: Vec::new(),
            clock,
            ids: IdGen::new(seed),
            current: 0,
            events: Vec::new(),
            foreground: None,
            remotes,
            python_lines: Default::default(),
        }
    }

    /// The seed this world was made from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The machine the shell is on.
    pub fn machine(&self) -> &Machine {
        &self.machines[self.current]
    }

    /// The machine the shell is on, for changes.
    pub fn machine_mut(&mut self) -> &mut Machine {
        &mut self.machines[self.current]
    }

    /// The index of the machine the shell is on, in [`World::machine_names`]' order.
    pub fn current_index(&self) -> usize {
        self.current
    }

    /// A machine by index, for changes; the current one when out of range.
    pub fn machine_at_mut(&mut self, index: usize) -> &mut Machine {
        let index = if index < self.machines.len() {
            index
        } else {
            self.current
        };
        &mut self.machines[index]
    }

    /// Every machine, in order (`laptop` first).
    pub fn machines(&self) -> &[Machine] {
        &self.machines
    }

    /// The names of the machines, in order (`laptop` first).
    pub fn machine_names(&self) -> Vec<&str> {
        self.machines.iter().map(|m| m.name.as_str()).collect()
    }

    /// Moves the shell to another machine by name (`ssh`): its login shell
    /// starts in the home directory. Returns false for an unknown name.
    pub fn login(&mut self, name: &str) -> bool {
        let Some(index) = self.machines.iter().position(|m| m.name == name) else {
            return false;
        };
        self.logins.push(self.current);
        self.current = index;
        let now = self.clock.now;
        let machine = self.machine_mut();
        machine.processes.new_login(now);
        machine.cwd = machine.home();
        let home = machine.cwd.clone();
        machine.vars.set("PWD", &home);
        true
    }

    /// True while the shell is on a machine reached with `ssh`.
    pub fn logged_in_remotely(&self) -> bool {
        !self.logins.is_empty()
    }

    /// Leaves the current login (`exit` after `ssh`); returns the machine
    /// left, or `None` on the learner's own laptop shell.
    pub fn logout(&mut self) -> Option<String> {
        let back = self.logins.pop()?;
        let left = self.machine().name.clone();
        self.current = back;
        Some(left)
    }

    /// The prompt to show before the next line: bash's, or that of the
    /// program that has the terminal (`test> `).
    pub fn prompt(&self) -> String {
        match &self.foreground {
            Some(Foreground::Psql(client)) => client.prompt(&self.machine().postgres),
            Some(Foreground::Mongosh(shell)) => shell.prompt(),
            Some(Foreground::FlaskShell(shell)) => shell.prompt().to_string(),
            None => self.machine().prompt(),
        }
    }

    /// True while a program such as mongosh reads the terminal instead of bash.
    pub fn in_program(&self) -> bool {
        self.foreground.is_some()
    }

    /// The prompt for the second and later lines of an unfinished input.
    pub fn continuation_prompt(&self) -> &'static str {
        "> "
    }

    /// True when `input` cannot run yet: an open quote, a trailing `&&` or
    /// `|`, a here-document whose delimiter has not come. Programs read line
    /// by line and keep their own buffers, so their input is always complete.
    pub fn needs_more(&self, input: &str) -> bool {
        self.foreground.is_none()
            && matches!(parse::parse(input, false), Err(ParseError::Incomplete(_)))
    }

    /// Runs one input (a line, or several lines with here-documents) the way
    /// bash runs what is typed at its prompt.
    pub fn run(&mut self, input: &str) -> Outcome {
        self.clock.tick();
        let line = input.strip_suffix('\n').unwrap_or(input);
        if let Some(program) = self.foreground.take() {
            return self.run_in_program(program, line);
        }
        if !line.trim().is_empty() {
            self.machine_mut().history.push(line.to_string());
        }
        let mut output = Output::default();
        let exit_code = match parse::parse(line, true) {
            Ok(script) => shell::exec::run_script(self, &script, line, &mut output),
            Err(ParseError::Syntax(message)) | Err(ParseError::Incomplete(message)) => {
                output.push(Stream::Stderr, &format!("bash: {message}\n"));
                if let Some(hint) = hint::habit(line) {
                    output.push(Stream::Hint, &format!("{hint}\n"));
                }
                self.machine_mut().last_status = 2;
                2
            }
        };
        Outcome {
            output,
            exit_code,
            events: std::mem::take(&mut self.events),
        }
    }

    /// Gives each line of the input to the program that has the terminal; the
    /// shell gets the terminal back when the program exits.
    fn run_in_program(&mut self, program: Foreground, input: &str) -> Outcome {
        let mut output = Output::default();
        let mut exit_code = 0;
        let mut running = Some(program);
        for line in input.split('\n') {
            let Some(program) = running.take() else {
                break;
            };
            let (status, still) = self.program_line(program, line, &mut output);
            exit_code = status;
            running = still;
        }
        self.foreground = running;
        Outcome {
            output,
            exit_code,
            events: std::mem::take(&mut self.events),
        }
    }

    /// One line for one program: its status, and the program if it goes on.
    fn program_line(
        &mut self,
        program: Foreground,
        line: &str,
        output: &mut Output,
    ) -> (i32, Option<Foreground>) {
        let now_ms = self.clock.now * 1000;
        match program {
            Foreground::Psql(mut client) => {
                let cluster = &mut self.machine_mut().postgres;
                client.failed = false;
                match client.input(cluster, line, output) {
                    psql::Flow::Quit => {
                        client.disconnect(cluster);
                        (0, None)
                    }
                    psql::Flow::Continue => {
                        (i32::from(client.failed), Some(Foreground::Psql(client)))
                    }
                }
            }
            Foreground::Mongosh(mut shell) => {
                let store = &mut self.machine_mut().mongo;
                store.set_clock(now_ms);
                let reply = shell.eval(store, line);
                let stream = if reply.ok {
                    Stream::Stdout
                } else {
                    Stream::Stderr
                };
                if !reply.output.is_empty() {
                    output.push(stream, &format!("{}\n", reply.output));
                }
                let status = i32::from(!reply.ok);
                (status, (!reply.exit).then_some(Foreground::Mongosh(shell)))
            }
            Foreground::FlaskShell(mut shell) => {
                let cluster = &mut self.machine_mut().postgres;
                let reply = shell.input(cluster, line);
                output.push(Stream::Stdout, &reply.stdout);
                output.push(Stream::Stderr, &reply.stderr);
                let status = i32::from(!reply.stderr.is_empty());
                (
                    status,
                    (!reply.exit).then_some(Foreground::FlaskShell(shell)),
                )
            }
        }
    }
}

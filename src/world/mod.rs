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
pub mod hint;
pub mod ids;
pub mod machine;
pub mod output;
pub mod project;
pub mod shell;
pub mod vars;

pub use machine::Machine;
pub use output::{Chunk, Event, Outcome, Output, Stream};

use ids::{Clock, IdGen};
use shell::parse::{self, Error as ParseError};

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
    /// Requests to the page collected while a line runs.
    events: Vec<Event>,
}

impl Default for World {
    fn default() -> Self {
        World::new(DEFAULT_SEED)
    }
}

impl World {
    /// A fresh world: the laptop with the seed's Flask project, nothing else.
    pub fn new(seed: u64) -> Self {
        let clock = Clock::default();
        World {
            seed,
            machines: vec![Machine::laptop(clock.now)],
            clock,
            ids: IdGen::new(seed),
            current: 0,
            events: Vec::new(),
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

    /// The prompt to show before the next line.
    pub fn prompt(&self) -> String {
        self.machine().prompt()
    }

    /// The prompt for the second and later lines of an unfinished input.
    pub fn continuation_prompt(&self) -> &'static str {
        "> "
    }

    /// True when `input` cannot run yet: an open quote, a trailing `&&` or
    /// `|`, a here-document whose delimiter has not come.
    pub fn needs_more(&self, input: &str) -> bool {
        matches!(parse::parse(input, false), Err(ParseError::Incomplete(_)))
    }

    /// Runs one input (a line, or several lines with here-documents) the way
    /// bash runs what is typed at its prompt.
    pub fn run(&mut self, input: &str) -> Outcome {
        self.clock.tick();
        let line = input.strip_suffix('\n').unwrap_or(input);
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
}

//! What a running command sees: the world, its standard input, where it
//! prints, and the variables set for it alone (`A=b cmd`).

use super::fs;
use super::machine::Machine;
use super::output::{Event, Output, Stream};
use super::World;

/// The context of one command while it runs.
pub struct Ctx<'w> {
    /// The whole world: machines, clock, ids.
    pub world: &'w mut World,
    /// Standard input, when redirected or piped; `None` is the terminal.
    pub stdin: Option<String>,
    /// What the command prints; the shell routes it afterwards.
    pub out: Output,
    /// `NAME=value` words written before the command.
    pub overlay: Vec<(String, String)>,
    /// True when standard output is the terminal (not a file or a pipe).
    pub stdout_is_terminal: bool,
}

impl Ctx<'_> {
    /// The machine the shell is on.
    pub fn machine(&mut self) -> &mut Machine {
        self.world.machine_mut()
    }

    /// The machine the shell is on, read-only.
    pub fn machine_ref(&self) -> &Machine {
        self.world.machine()
    }

    /// The world's clock, Unix seconds.
    pub fn now(&self) -> i64 {
        self.world.clock.now
    }

    /// An absolute, normalised path for an argument.
    pub fn path(&self, arg: &str) -> String {
        fs::normalize(&self.machine_ref().cwd, arg)
    }

    /// A variable as this command sees it: its own overlay first.
    pub fn getenv(&self, name: &str) -> Option<String> {
        self.overlay
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .or_else(|| self.machine_ref().vars.get(name).map(str::to_string))
    }

    /// Prints to standard output.
    pub fn print(&mut self, text: &str) {
        self.out.push(Stream::Stdout, text);
    }

    /// Prints to standard error.
    pub fn eprint(&mut self, text: &str) {
        self.out.push(Stream::Stderr, text);
    }

    /// Prints one line to standard error and returns `status`, for the usual
    /// `return ctx.fail("…", 1)`.
    pub fn fail(&mut self, line: &str, status: i32) -> i32 {
        self.eprint(line);
        self.eprint("\n");
        status
    }

    /// Asks the page to do something.
    pub fn emit(&mut self, event: Event) {
        self.world.events.push(event);
    }
}

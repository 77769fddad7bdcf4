//! The command registry: every program the shell can run, by name.
//!
//! A command is a plain function over a [`Ctx`]. Later subsystems (`createdb`,
//! `psql`, `mongosh`, `flask`, `git`, `ssh`, `curl`) plug in by adding an
//! entry to [`COMMANDS`]; `help`, Tab completion and the page read the list.

mod curl;
mod files;
mod flask;
mod flask_run;
mod git;
mod gunicorn;
mod ls;
mod mongo;
mod nav;
mod options;
mod postgres;
mod processes;
mod remote;
mod scripts;
mod session;
mod vars;

use crate::world::ctx::Ctx;

pub(crate) use processes::terminate as stop_process;

/// bash's notice for the current job (`[1]+  Exit 1                  ./entrypoint.sh`).
pub(crate) fn job_notice(job: u32, state: &str, line: &str) -> String {
    processes::job_line(job, '+', state, line)
}

/// One program the shell can run.
pub struct Command {
    /// The name typed at the prompt; unique in the registry.
    pub name: &'static str,
    /// The usage line, as `--help` and `help NAME` print it.
    pub synopsis: &'static str,
    /// One sentence on what it does.
    pub summary: &'static str,
    /// Runs it with its arguments (without the name) and returns the exit status.
    pub run: fn(&mut Ctx, &[String]) -> i32,
}

/// Every command, in the order `help` lists them.
pub static COMMANDS: &[Command] = &[
    nav::PWD,
    nav::CD,
    ls::LS,
    files::CAT,
    vars::ECHO,
    files::TOUCH,
    files::MKDIR,
    files::RM,
    files::MV,
    files::CP,
    session::EDIT,
    postgres::CREATEDB,
    postgres::DROPDB,
    postgres::PSQL,
    flask::FLASK,
    gunicorn::GUNICORN,
    curl::CURL,
    processes::PS,
    processes::KILL,
    processes::PKILL,
    processes::JOBS,
    scripts::CHMOD,
    scripts::BASH,
    scripts::SH,
    scripts::SET,
    scripts::EXEC,
    mongo::MONGOSH,
    remote::SSH,
    remote::EXIT,
    remote::HOSTNAME,
    remote::WHOAMI,
    git::GIT,
    vars::ENV,
    vars::EXPORT,
    vars::UNSET,
    session::HISTORY,
    session::CLEAR,
    session::HELP,
    session::RESET,
    vars::TRUE,
    vars::FALSE,
];

/// Looks a command up by name.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

//! `git`: the command's entry in the registry; the repository model and
//! the subcommands live in [`crate::world::git`].

use super::Command;
use crate::world::ctx::Ctx;

/// `git SUBCOMMAND [ARGS]...`
pub const GIT: Command = Command {
    name: "git",
    synopsis: "git <command> [<args>]",
    summary: "Track changes to the project; share them through the team's remote.",
    run: git,
};

fn git(ctx: &mut Ctx, args: &[String]) -> i32 {
    crate::world::git::run(ctx, args)
}

//! The subcommands, one file per family, and the dispatch between them.

mod branch;
mod commit;
mod diffs;
mod graph;
mod history;
mod merging;
mod remote;
mod setup;
mod stage;
mod stash;
mod status;

pub use history::{log_graph, LogLine};

use super::dotgit;
use super::error::GitError;
use super::session::Git;
use crate::world::ctx::Ctx;

/// What `git` alone prints: its usage and the common commands, as git
/// 2.47 prints them.
const USAGE: &str = include_str!("help.txt");

/// Subcommands that work inside a repository.
const IN_REPO: &[&str] = &[
    "status", "add", "rm", "mv", "restore", "commit", "log", "show", "diff", "branch", "checkout",
    "switch", "merge", "fetch", "pull", "push", "remote", "reset", "stash",
];

/// Runs one git command line (without `git`).
pub fn dispatch(ctx: &mut Ctx, args: &[String]) -> Result<i32, GitError> {
    let Some(sub) = args.first() else {
        ctx.print(USAGE);
        return Ok(1);
    };
    let rest = &args[1..];
    match sub.as_str() {
        "--version" | "-v" | "version" => {
            ctx.print("git version 2.47.3\n");
            return Ok(0);
        }
        "init" => return setup::init(ctx, rest),
        "clone" => return setup::clone(ctx, rest),
        "config" => return setup::config(ctx, rest),
        _ => {}
    }
    if !IN_REPO.contains(&sub.as_str()) {
        return Err(GitError::unknown_command(sub));
    }
    let root = super::find_root(ctx).ok_or_else(GitError::not_a_repository)?;
    let repo = ctx
        .machine_ref()
        .repos
        .get(&root)
        .cloned()
        .ok_or_else(GitError::not_a_repository)?;
    let mut git = Git {
        ctx,
        root,
        repo,
        pending_index: None,
    };
    let status = match sub.as_str() {
        "status" => status::status(&mut git, rest)?,
        "add" => stage::add(&mut git, rest)?,
        "rm" => stage::rm(&mut git, rest)?,
        "mv" => stage::mv(&mut git, rest)?,
        "restore" => stage::restore(&mut git, rest)?,
        "reset" => stage::reset(&mut git, rest)?,
        "commit" => commit::commit(&mut git, rest)?,
        "log" => history::log(&mut git, rest)?,
        "show" => history::show(&mut git, rest)?,
        "diff" => diffs::diff(&mut git, rest)?,
        "branch" => branch::branch(&mut git, rest)?,
        "checkout" => branch::checkout(&mut git, rest)?,
        "switch" => branch::switch(&mut git, rest)?,
        "merge" => merging::merge(&mut git, rest)?,
        "fetch" => remote::fetch(&mut git, rest)?,
        "pull" => remote::pull(&mut git, rest)?,
        "push" => remote::push(&mut git, rest)?,
        "remote" => remote::remote(&mut git, rest)?,
        "stash" => stash::stash(&mut git, rest)?,
        _ => return Err(GitError::unknown_command(sub)),
    };
    save(git);
    Ok(status)
}

/// Stores a command's copy of the repository and rewrites `.git`.
fn save(git: Git) {
    let now = git.ctx.now();
    let machine = git.ctx.machine();
    dotgit::sync(&mut machine.fs, &git.root, &git.repo, now);
    machine.repos.insert(git.root, git.repo);
}

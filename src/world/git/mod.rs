//! git, simulated: repositories on each machine and hosted remotes in the
//! world, with git 2.47's wording, streams and exit statuses.
//!
//! Where the state lives: a machine's repositories are in
//! [`crate::world::Machine::repos`], keyed by the work tree's top directory;
//! the hosted remotes that every machine can clone, fetch from and push to
//! are in [`crate::world::World::remotes`], keyed by URL
//! (`git@github.com:team/app.git`). A work tree also has a `.git` directory
//! in the machine's files (`dotgit.rs`), and a repository counts only while
//! that directory exists.
//!
//! The life of a command: [`run`] finds the subcommand, the repository above
//! the working directory, and hands a copy of it to the porcelain in
//! `porcelain/` inside a `session::Git`. Success stores the copy back and
//! rewrites `.git`; a [`GitError`] prints git's text and drops the copy.
//!
//! Objects are git's own (`object.rs`), so ids are the SHA-1s real git gives
//! the same content, author and date; dates come from the world's clock.

mod args;
mod config;
mod diff;
mod dotgit;
mod error;
mod hosting;
mod ident;
mod ignore;
mod merge;
mod object;
mod porcelain;
mod repo;
mod session;
mod usage;
mod worktree;

use std::collections::BTreeMap;

pub use error::GitError;
pub use hosting::{check_out_clone, clone_repo, commit_to_hosted};
pub use object::{Oid, Signature};
pub use porcelain::{log_graph, LogLine};
pub use repo::{Head, Repo};

use crate::world::ctx::Ctx;
use crate::world::fs;

/// A machine's repositories, by the absolute path of their work tree.
pub type Repos = BTreeMap<String, Repo>;

/// The world's hosted (bare) repositories, by URL.
pub type Remotes = BTreeMap<String, Repo>;

/// The URL of the team's hosted repository that a fresh world offers.
pub const ORIGIN_URL: &str = "git@github.com:team/app.git";

/// The key a hosted repository is kept under for any of the URLs GitHub
/// answers to: `https://github.com/team/app(.git)` and
/// `ssh://git@github.com/team/app.git` name `git@github.com:team/app.git`.
pub fn hosted_key(url: &str) -> String {
    let path = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("ssh://git@github.com/"))
        .or_else(|| url.strip_prefix("git@github.com:"));
    match path {
        Some(path) => {
            let path = path.trim_end_matches('/');
            let path = path.strip_suffix(".git").unwrap_or(path);
            format!("git@github.com:{path}.git")
        }
        None => url.to_string(),
    }
}

/// The hosted repositories a world starts with: the team's empty `app`.
pub fn initial_remotes() -> Remotes {
    let mut remotes = Remotes::new();
    remotes.insert(ORIGIN_URL.to_string(), Repo::new("main", true));
    remotes
}

/// Runs `git ARGS…` and returns its exit status.
pub fn run(ctx: &mut Ctx, args: &[String]) -> i32 {
    match porcelain::dispatch(ctx, args) {
        Ok(status) => status,
        Err(e) => {
            ctx.print(&e.stdout);
            ctx.eprint(&e.text);
            ctx.out.push(crate::world::Stream::Hint, &e.lab_hint);
            e.status
        }
    }
}

/// Subcommands Tab offers after `git`.
const SUBCOMMANDS: &[&str] = &[
    "add", "branch", "checkout", "clone", "commit", "config", "diff", "fetch", "init", "log",
    "merge", "mv", "pull", "push", "remote", "reset", "restore", "rm", "show", "stash", "status",
    "switch",
];

/// Tab completion inside a git command line: subcommands after `git`, and
/// branch names after `git switch`, `checkout`, `merge` and `branch -d`.
/// `None` when `before` (the input before the word) is not a git command.
pub fn completions(
    machine: &crate::world::Machine,
    before: &str,
    word: &str,
) -> Option<Vec<String>> {
    let command = before
        .rsplit([';', '|', '&'])
        .next()
        .unwrap_or(before)
        .split_whitespace()
        .collect::<Vec<_>>();
    let (first, rest) = command.split_first()?;
    if *first != "git" {
        return None;
    }
    let pick = |names: Vec<String>| -> Option<Vec<String>> {
        Some(names.into_iter().filter(|n| n.starts_with(word)).collect())
    };
    match rest {
        [] => pick(SUBCOMMANDS.iter().map(|s| s.to_string()).collect()),
        ["switch" | "checkout" | "merge", ..] | ["branch", "-d" | "-D", ..] => {
            let cwd = &machine.cwd;
            let repo = machine
                .repos
                .iter()
                .filter(|(root, _)| cwd == *root || cwd.starts_with(&format!("{root}/")))
                .max_by_key(|(root, _)| root.len())
                .map(|(_, repo)| repo)?;
            pick(repo.branches().into_keys().collect())
        }
        _ => None,
    }
}

/// The work tree that holds the working directory, if any: the nearest
/// directory upwards that has a repository and a `.git` directory.
pub fn find_root(ctx: &Ctx) -> Option<String> {
    let machine = ctx.machine_ref();
    let mut dir = machine.cwd.clone();
    loop {
        let git_dir = if dir == "/" {
            "/.git".to_string()
        } else {
            format!("{dir}/.git")
        };
        if machine.repos.contains_key(&dir) && machine.fs.get(&git_dir).is_some_and(|n| n.is_dir())
        {
            return Some(dir);
        }
        if dir == "/" {
            return None;
        }
        dir = fs::parent(&dir).to_string();
    }
}

#[cfg(test)]
mod tests {
    use crate::world::World;

    #[test]
    fn tab_completes_subcommands_and_branches() {
        let mut world = World::default();
        world.run("git branch feature");
        let cases: [(&str, &[&str]); 4] = [
            ("git sw", &["switch"]),
            ("git st", &["stash", "status"]),
            ("git switch f", &["feature"]),
            ("git branch -d ", &["feature", "main"]),
        ];
        for (input, want) in cases {
            assert_eq!(world.complete(input).candidates, want, "{input}");
        }
        assert_eq!(world.complete("git add mod").candidates, ["models.py"]);
    }

    #[test]
    fn github_urls_name_one_hosted_repository() {
        let cases = [
            ("git@github.com:team/app.git", "git@github.com:team/app.git"),
            (
                "https://github.com/team/app.git",
                "git@github.com:team/app.git",
            ),
            ("https://github.com/team/app", "git@github.com:team/app.git"),
            (
                "ssh://git@github.com/team/app.git",
                "git@github.com:team/app.git",
            ),
            ("git@gitlab.com:team/app.git", "git@gitlab.com:team/app.git"),
        ];
        for (url, key) in cases {
            assert_eq!(super::hosted_key(url), key, "{url}");
        }
    }
}

//! `git init`, `git clone` and `git config`.

use crate::world::ctx::Ctx;
use crate::world::git::args;
use crate::world::git::dotgit;
use crate::world::git::error::GitError;
use crate::world::git::hosting;
use crate::world::git::repo::Repo;
use crate::world::git::session::global_config;
use crate::world::git::worktree;

/// `git init [-b BRANCH] [DIRECTORY]`
pub fn init(ctx: &mut Ctx, args: &[String]) -> Result<i32, GitError> {
    let usage = "git init [-q | --quiet] [--bare] [--template=<template-directory>]";
    let a = args::parse(args, &["-q", "--quiet"], &["-b", "--initial-branch"], usage)?;
    let dir = ctx.path(a.operands.first().map(String::as_str).unwrap_or("."));
    let now = ctx.now();
    let branch = a
        .value(&["-b", "--initial-branch"])
        .map(str::to_string)
        .or_else(|| {
            global_config(ctx)
                .get("init.defaultBranch")
                .map(str::to_string)
        })
        .unwrap_or_else(|| "main".to_string());
    let git_dir = worktree::absolute(&dir, ".git");
    let machine = ctx.machine();
    if machine.fs.get(&dir).is_some_and(|n| !n.is_dir()) {
        return Err(GitError::fatal(&format!(
            "cannot mkdir {}: File exists",
            a.operands.first().map(String::as_str).unwrap_or(".")
        )));
    }
    let exists =
        machine.repos.contains_key(&dir) && machine.fs.get(&git_dir).is_some_and(|n| n.is_dir());
    let word = if exists {
        "Reinitialized existing"
    } else {
        let _ = machine.fs.mkdir_all(&dir, now);
        machine.repos.insert(dir.clone(), Repo::new(&branch, false));
        "Initialized empty"
    };
    if let Some(repo) = machine.repos.get(&dir) {
        dotgit::sync(&mut machine.fs, &dir, repo, now);
    }
    if !a.has(&["-q", "--quiet"]) {
        ctx.print(&format!("{word} Git repository in {git_dir}/\n"));
    }
    Ok(0)
}

/// `git clone URL [DIRECTORY]`
pub fn clone(ctx: &mut Ctx, args: &[String]) -> Result<i32, GitError> {
    let usage = "git clone [<options>] [--] <repo> [<dir>]";
    let a = args::parse(args, &["-q", "--quiet"], &[], usage)?;
    let Some(url) = a.operands.first() else {
        return Err(GitError::raw(
            "fatal: You must specify a repository to clone.\n\n".to_string()
                + "usage: "
                + usage
                + "\n",
            129,
        ));
    };
    let name = match a.operands.get(1) {
        Some(dir) => dir.clone(),
        None => {
            let last = url
                .trim_end_matches('/')
                .rsplit(['/', ':'])
                .next()
                .unwrap_or(url);
            last.strip_suffix(".git").unwrap_or(last).to_string()
        }
    };
    let dir = ctx.path(&name);
    let machine = ctx.machine_ref();
    if machine
        .fs
        .get(&dir)
        .is_some_and(|n| !n.is_dir() || !machine.fs.children(&dir).is_empty())
    {
        return Err(GitError::fatal(&format!(
            "destination path '{name}' already exists and is not an empty directory."
        )));
    }
    let key = crate::world::git::hosted_key(url);
    let hosted = ctx.world.remotes.contains_key(&key);
    if !hosted && !url.contains(':') {
        // A local path: only the world's hosted repositories can be cloned.
        return Err(GitError::fatal(&format!(
            "repository '{url}' does not exist"
        )));
    }
    let quiet = a.has(&["-q", "--quiet"]);
    if !quiet {
        ctx.eprint(&format!("Cloning into '{name}'...\n"));
    }
    let Some(remote) = ctx.world.remotes.get(&key).cloned() else {
        return Err(GitError::remote_not_found());
    };
    if remote.head_commit().is_none() && !quiet {
        ctx.eprint("warning: You appear to have cloned an empty repository.\n");
    }
    let now = ctx.now();
    let repo = hosting::clone_repo(&remote, url);
    hosting::check_out_clone(ctx.machine(), &dir, repo, now);
    Ok(0)
}

/// `git config [--global] NAME [VALUE]`, `--get NAME`, `--list`.
pub fn config(ctx: &mut Ctx, args: &[String]) -> Result<i32, GitError> {
    let usage = "git config list [<file-option>] [<display-option>] [--includes]";
    let a = args::parse(
        args,
        &["--global", "--local", "--list", "-l", "--get"],
        &[],
        usage,
    )?;
    let home = ctx.machine_ref().home();
    let path = format!("{home}/.gitconfig");
    let mut config = global_config(ctx);
    if a.has(&["--list", "-l"]) {
        let lines: String = config.list().iter().map(|l| format!("{l}\n")).collect();
        ctx.print(&lines);
        return Ok(0);
    }
    match a.operands.as_slice() {
        [key] => match config.get(key) {
            Some(value) => {
                ctx.print(&format!("{value}\n"));
                Ok(0)
            }
            None if key.contains('.') => Ok(1),
            None => Err(GitError::raw(
                format!("error: key does not contain a section: {key}\n"),
                1,
            )),
        },
        [key, value] if !a.has(&["--get"]) => {
            if !config.set(key, value) {
                return Err(GitError::raw(
                    format!("error: key does not contain a section: {key}\n"),
                    2,
                ));
            }
            let now = ctx.now();
            let _ = ctx.machine().fs.write(&path, config.render(), now);
            Ok(0)
        }
        _ => Err(GitError::raw(
            format!("error: wrong number of arguments, should be from 1 to 2\nusage: {usage}\n"),
            129,
        )),
    }
}

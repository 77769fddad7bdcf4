//! `git remote`, `git fetch`, `git push` and `git pull`: copying commits
//! between a machine's repository and the world's hosted ones.

use crate::world::git::args;
use crate::world::git::error::GitError;
use crate::world::git::repo::{Remote, Repo};
use crate::world::git::session::Git;

use super::merging::{self, Request};

/// A URL as git prints it: without the `user@` of scp-like syntax.
fn anonymize(url: &str) -> String {
    match url.split_once('@') {
        Some((user, rest)) if !user.contains('/') && !user.contains(':') => rest.to_string(),
        _ => url.to_string(),
    }
}

/// `git remote [-v]`, `add NAME URL`, `remove NAME`, `get-url NAME`
pub fn remote(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["-v", "--verbose"],
        &[],
        "git remote [-v | --verbose]",
    )?;
    match a.operands.first().map(String::as_str) {
        None => {
            let mut text = String::new();
            for (name, r) in &git.repo.remotes {
                if a.has(&["-v", "--verbose"]) {
                    text.push_str(&format!(
                        "{name}\t{} (fetch)\n{name}\t{} (push)\n",
                        r.url, r.url
                    ));
                } else {
                    text.push_str(&format!("{name}\n"));
                }
            }
            git.out(&text);
            Ok(0)
        }
        Some("add") => {
            let [_, name, url] = a.operands.as_slice() else {
                return Err(GitError::raw(
                    "usage: git remote add [<options>] <name> <url>\n".to_string(),
                    129,
                ));
            };
            if git.repo.remotes.contains_key(name) {
                return Err(GitError::raw(
                    format!("error: remote {name} already exists.\n"),
                    3,
                ));
            }
            git.repo
                .remotes
                .insert(name.clone(), Remote { url: url.clone() });
            Ok(0)
        }
        Some("remove") | Some("rm") => {
            let [_, name] = a.operands.as_slice() else {
                return Err(GitError::raw(
                    "usage: git remote remove <name>\n".to_string(),
                    129,
                ));
            };
            if git.repo.remotes.remove(name).is_none() {
                return Err(GitError::raw(
                    format!("error: No such remote: '{name}'\n"),
                    2,
                ));
            }
            let prefix = format!("refs/remotes/{name}/");
            git.repo.refs.retain(|r, _| !r.starts_with(&prefix));
            git.repo.symrefs.retain(|r, _| !r.starts_with(&prefix));
            git.repo.upstreams.retain(|_, (r, _)| r != name);
            Ok(0)
        }
        Some("get-url") => {
            let [_, name] = a.operands.as_slice() else {
                return Err(GitError::raw(
                    "usage: git remote get-url [--push] [--all] <name>\n".to_string(),
                    129,
                ));
            };
            match git.repo.remotes.get(name) {
                Some(r) => {
                    let line = format!("{}\n", r.url);
                    git.out(&line);
                    Ok(0)
                }
                None => Err(GitError::raw(
                    format!("error: No such remote '{name}'\n"),
                    2,
                )),
            }
        }
        Some(other) => Err(GitError::raw(
            format!("error: unknown subcommand: `{other}'\nusage: git remote [-v | --verbose]\n"),
            129,
        )),
    }
}

/// The remote a command without one uses: the branch's upstream, else `origin`.
fn default_remote(git: &Git) -> String {
    git.repo
        .branch()
        .and_then(|b| git.repo.upstreams.get(b))
        .map(|(r, _)| r.clone())
        .unwrap_or_else(|| "origin".to_string())
}

/// The URL of a configured remote and the world's repository behind it.
fn hosted(git: &Git, name: &str) -> Result<(String, Repo), GitError> {
    let url = git
        .repo
        .remotes
        .get(name)
        .map(|r| r.url.clone())
        .ok_or_else(|| GitError::no_such_remote(name))?;
    let repo = git
        .ctx
        .world
        .remotes
        .get(&crate::world::git::hosted_key(&url))
        .cloned()
        .ok_or_else(GitError::remote_not_found)?;
    Ok((url, repo))
}

/// Copies a remote's branches into `refs/remotes/NAME/` and returns the
/// lines `git fetch` prints on standard error.
fn fetch_into(git: &mut Git, name: &str) -> Result<String, GitError> {
    let (url, theirs) = hosted(git, name)?;
    let mut lines = Vec::new();
    let branches = theirs.branches();
    // git's fetch lines align the ref names to at least ten columns.
    let width = branches.keys().map(String::len).max().unwrap_or(0).max(10);
    for (branch, id) in &branches {
        let key = format!("refs/remotes/{name}/{branch}");
        let old = git.repo.refs.get(&key).cloned();
        git.repo.copy_reachable(&theirs, std::slice::from_ref(id));
        let line = match &old {
            None => format!(" * [new branch]      {branch:<width$} -> {name}/{branch}"),
            Some(o) if o == id => continue,
            Some(o) if git.repo.is_ancestor(o, id) => format!(
                "   {}..{}  {branch:<width$} -> {name}/{branch}",
                Repo::short(o),
                Repo::short(id)
            ),
            Some(o) => format!(
                " + {}...{} {branch:<width$} -> {name}/{branch}  (forced update)",
                Repo::short(o),
                Repo::short(id)
            ),
        };
        lines.push(line);
        git.repo.refs.insert(key, id.clone());
    }
    if lines.is_empty() {
        return Ok(String::new());
    }
    // git lists updated refs before new ones.
    crate::sorting::sort_by_key(&mut lines, |l| l.starts_with(" * "));
    let from = anonymize(&url);
    let from = from.strip_suffix(".git").unwrap_or(&from);
    Ok(format!("From {from}\n{}\n", lines.join("\n")))
}

/// `git fetch [REMOTE]`
pub fn fetch(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["--all", "-q", "--quiet", "--prune", "-p"],
        &[],
        "git fetch [<options>] [<repository> [<refspec>...]]",
    )?;
    let name = a
        .operands
        .first()
        .cloned()
        .unwrap_or_else(|| default_remote(git));
    let text = fetch_into(git, &name)?;
    if !a.has(&["-q", "--quiet"]) {
        git.err(&text);
    }
    Ok(0)
}

/// `git push [-u] [REMOTE [BRANCH | SRC:DST]]`
pub fn push(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["-u", "--set-upstream", "-f", "--force", "-q", "--quiet"],
        &[],
        "git push [<options>] [<repository> [<refspec>...]]",
    )?;
    let current = git.repo.branch().map(str::to_string);
    let (name, spec) = match a.operands.as_slice() {
        [] => {
            if git.repo.remotes.is_empty() {
                return Err(GitError::raw("fatal: No configured push destination.\nEither specify the URL from the command-line or configure a remote repository using\n\n    git remote add <name> <url>\n\nand then push using the remote name\n\n    git push <name>\n\n".to_string(), 128));
            }
            let Some(branch) = current.clone() else {
                return Err(GitError::raw("fatal: You are not currently on a branch.\nTo push the history leading to the current (detached HEAD)\nstate now, use\n\n    git push origin HEAD:<name-of-remote-branch>\n\n".to_string(), 128));
            };
            match git.repo.upstreams.get(&branch) {
                Some((r, m)) => (r.clone(), format!("{branch}:{m}")),
                None if a.has(&["-u", "--set-upstream"]) => (default_remote(git), branch),
                None => {
                    let remote = default_remote(git);
                    return Err(GitError::raw(format!("fatal: The current branch {branch} has no upstream branch.\nTo push the current branch and set the remote as upstream, use\n\n    git push --set-upstream {remote} {branch}\n\nTo have this happen automatically for branches without a tracking\nupstream, see 'push.autoSetupRemote' in 'git help config'.\n\n"), 128));
                }
            }
        }
        [remote] => {
            let Some(branch) = current.clone() else {
                return Err(GitError::raw("fatal: You are not currently on a branch.\nTo push the history leading to the current (detached HEAD)\nstate now, use\n\n    git push origin HEAD:<name-of-remote-branch>\n\n".to_string(), 128));
            };
            (remote.clone(), branch)
        }
        [remote, spec, ..] => (remote.clone(), spec.clone()),
    };
    let (src, dst) = match spec.split_once(':') {
        Some((s, d)) => (s.to_string(), d.to_string()),
        None => (spec.clone(), spec.clone()),
    };
    let (url, _) = hosted(git, &name)?;
    let shown = anonymize(&url);
    let local = match git.repo.resolve(&src) {
        Some(id) => id,
        None => {
            return Err(GitError::raw(
                format!("error: src refspec {src} does not match any\nerror: failed to push some refs to '{shown}'\n"),
                1,
            ))
        }
    };
    let dst = if dst == "HEAD" {
        current.clone().unwrap_or(dst)
    } else {
        dst
    };
    let src_name = if src == "HEAD" {
        dst.clone()
    } else {
        src.clone()
    };
    let remote_repo = git
        .ctx
        .world
        .remotes
        .get(&crate::world::git::hosted_key(&url))
        .cloned()
        .unwrap_or_else(|| Repo::new("main", true));
    let key = format!("refs/heads/{dst}");
    let theirs = remote_repo.refs.get(&key).cloned();
    let force = a.has(&["-f", "--force"]);
    let line = match &theirs {
        None => format!(" * [new branch]      {src_name} -> {dst}"),
        Some(t) if *t == local => {
            git.err("Everything up-to-date\n");
            return Ok(0);
        }
        Some(t) if git.repo.is_ancestor(t, &local) => format!(
            "   {}..{}  {src_name} -> {dst}",
            Repo::short(t),
            Repo::short(&local)
        ),
        Some(t) if force => format!(
            " + {}...{} {src_name} -> {dst} (forced update)",
            Repo::short(t),
            Repo::short(&local)
        ),
        Some(t) => {
            let known = git.repo.objects.contains_key(t);
            let (why, hint) = if known {
                ("non-fast-forward", "hint: Updates were rejected because the tip of your current branch is behind\nhint: its remote counterpart. If you want to integrate the remote changes,\nhint: use 'git pull' before pushing again.\n")
            } else {
                ("fetch first", "hint: Updates were rejected because the remote contains work that you do not\nhint: have locally. This is usually caused by another repository pushing to\nhint: the same ref. If you want to integrate the remote changes, use\nhint: 'git pull' before pushing again.\n")
            };
            git.err(&format!(
                "To {shown}\n ! [rejected]        {src_name} -> {dst} ({why})\nerror: failed to push some refs to '{shown}'\n{hint}hint: See the 'Note about fast-forwards' in 'git push --help' for details.\n"
            ));
            return Ok(1);
        }
    };
    let mut updated = remote_repo;
    updated.copy_reachable(&git.repo, std::slice::from_ref(&local));
    updated.refs.insert(key, local.clone());
    git.ctx
        .world
        .remotes
        .insert(crate::world::git::hosted_key(&url), updated);
    git.repo
        .refs
        .insert(format!("refs/remotes/{name}/{dst}"), local);
    if !a.has(&["-q", "--quiet"]) {
        git.err(&format!("To {shown}\n{line}\n"));
    }
    if a.has(&["-u", "--set-upstream"]) {
        git.repo
            .upstreams
            .insert(src_name.clone(), (name.clone(), dst.clone()));
        if !a.has(&["-q", "--quiet"]) {
            git.out(&format!(
                "branch '{src_name}' set up to track '{name}/{dst}'.\n"
            ));
        }
    }
    Ok(0)
}

const DIVERGING: &str = "hint: You have divergent branches and need to specify how to reconcile them.\nhint: You can do so by running one of the following commands sometime before\nhint: your next pull:\nhint:\nhint:   git config pull.rebase false  # merge\nhint:   git config pull.rebase true   # rebase\nhint:   git config pull.ff only       # fast-forward only\nhint:\nhint: You can replace \"git config\" with \"git config --global\" to set a default\nhint: preference for all repositories. You can also pass --rebase, --no-rebase,\nhint: or --ff-only on the command line to override the configured default per\nhint: invocation.\nfatal: Need to specify how to reconcile divergent branches.\n";

/// `git pull [--no-rebase | --ff-only] [REMOTE [BRANCH]]`
pub fn pull(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &[
            "--no-rebase",
            "--ff-only",
            "--no-ff",
            "-q",
            "--quiet",
            "--no-edit",
        ],
        &[],
        "git pull [<options>] [<repository> [<refspec>...]]",
    )?;
    let branch = git.repo.branch().map(str::to_string);
    let upstream = branch
        .as_ref()
        .and_then(|b| git.repo.upstreams.get(b).cloned());
    let (name, remote_branch) = match (a.operands.as_slice(), &upstream) {
        ([r, b, ..], _) => (r.clone(), b.clone()),
        ([r], Some((ur, ub))) if r == ur => (r.clone(), ub.clone()),
        ([], Some((ur, ub))) => (ur.clone(), ub.clone()),
        (rest, _) => {
            if let Some(r) = rest.first() {
                hosted(git, r)?;
            } else {
                hosted(git, &default_remote(git))?;
            }
            let text = fetch_into(git, rest.first().map(String::as_str).unwrap_or("origin"))?;
            git.err(&text);
            let b = branch.unwrap_or_else(|| "<branch>".to_string());
            git.err(&format!("There is no tracking information for the current branch.\nPlease specify which branch you want to merge with.\nSee git-pull(1) for details.\n\n    git pull <remote> <branch>\n\nIf you wish to set tracking information for this branch you can do so with:\n\n    git branch --set-upstream-to=origin/<branch> {b}\n\n"));
            return Ok(1);
        }
    };
    let text = fetch_into(git, &name)?;
    if !a.has(&["-q", "--quiet"]) {
        git.err(&text);
    }
    let Some(theirs) = git
        .repo
        .refs
        .get(&format!("refs/remotes/{name}/{remote_branch}"))
        .cloned()
    else {
        return Err(GitError::fatal(&format!(
            "couldn't find remote ref {remote_branch}"
        )));
    };
    let ours = git.repo.head_commit();
    let diverged = ours
        .as_ref()
        .is_some_and(|o| !git.repo.is_ancestor(o, &theirs) && !git.repo.is_ancestor(&theirs, o));
    let config = git.global_config();
    let choice_made = a.has(&["--no-rebase", "--ff-only", "--no-ff"])
        || config.get("pull.rebase").is_some()
        || config.get("pull.ff").is_some();
    if diverged && !choice_made {
        git.err(DIVERGING);
        return Ok(128);
    }
    if diverged && (a.has(&["--ff-only"]) || config.get("pull.ff") == Some("only")) {
        git.err("fatal: Not possible to fast-forward, aborting.\n");
        return Ok(128);
    }
    if config.get("pull.rebase").is_some_and(|v| v != "false") && !a.has(&["--no-rebase"]) {
        return Err(GitError::fatal(
            "pull with rebase is not supported in this lab; use --no-rebase",
        ));
    }
    let url = git
        .repo
        .remotes
        .get(&name)
        .map(|r| r.url.clone())
        .unwrap_or_default();
    let from = anonymize(&url);
    let from = from.strip_suffix(".git").unwrap_or(&from).to_string();
    let message =
        merging::default_message(git, &format!("Merge branch '{remote_branch}' of {from}"));
    merging::run(
        git,
        Request {
            theirs: theirs.clone(),
            label: &theirs,
            message,
            no_ff: a.has(&["--no-ff"]),
            quiet: a.has(&["-q", "--quiet"]),
        },
    )
}

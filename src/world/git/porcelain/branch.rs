//! `git branch`, `git switch` and `git checkout`.

use std::collections::BTreeSet;

use crate::world::git::args;
use crate::world::git::error::GitError;
use crate::world::git::object::{Object, Oid};
use crate::world::git::repo::{Head, Repo, Snapshot};
use crate::world::git::session::Git;

use super::status;

/// True for a name git accepts as a branch.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.starts_with('/')
        && !name.ends_with('/')
        && !name.ends_with(".lock")
        && !name.ends_with('.')
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && name != "HEAD"
        && !name
            .chars()
            .any(|c| c.is_control() || " ~^:?*[\\".contains(c))
}

/// Checks a new branch name and where it starts; returns the start commit.
fn new_branch(git: &Git, name: &str, start: Option<&str>) -> Result<Oid, GitError> {
    if !valid_name(name) {
        return Err(GitError::fatal(&format!(
            "'{name}' is not a valid branch name"
        )));
    }
    if git.repo.refs.contains_key(&format!("refs/heads/{name}")) {
        return Err(GitError::branch_exists(name));
    }
    let start_name = start.unwrap_or("HEAD");
    match git.repo.resolve(start_name) {
        Some(id) => Ok(id),
        None if start.is_none() => Err(GitError::fatal(&format!(
            "not a valid object name: '{}'",
            git.repo.branch().unwrap_or("HEAD")
        ))),
        None => Err(GitError::fatal(&format!(
            "not a valid object name: '{start_name}'"
        ))),
    }
}

/// `git branch [-v] [-a] [-d | -D NAME] [NAME [START]]`
pub fn branch(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &[
            "-v",
            "--verbose",
            "-a",
            "--all",
            "-r",
            "--remotes",
            "-d",
            "-D",
            "--delete",
            "--show-current",
            "-m",
            "-M",
            "--move",
        ],
        &["-u", "--set-upstream-to"],
        "git branch [<options>] [-r | -a] [--merged] [--no-merged]",
    )?;
    if let Some(upstream) = a.value(&["-u", "--set-upstream-to"]) {
        let upstream = upstream.to_string();
        let branch = match a.operands.first() {
            Some(b) => b.clone(),
            None => git
                .repo
                .branch()
                .map(str::to_string)
                .ok_or_else(|| GitError::fatal("could not set upstream of HEAD to origin/main when it does not point to any branch"))?,
        };
        let Some((remote, merge)) = upstream.split_once('/') else {
            return Err(GitError::fatal(&format!(
                "the requested upstream branch '{upstream}' does not exist"
            )));
        };
        if !git
            .repo
            .refs
            .contains_key(&format!("refs/remotes/{upstream}"))
        {
            return Err(GitError::raw(format!("fatal: the requested upstream branch '{upstream}' does not exist\nhint: \nhint: If you are planning on basing your work on an upstream\nhint: branch that already exists at the remote, you may need to\nhint: run \"git fetch\" to retrieve it.\nhint: \nhint: If you are planning to push out a new local branch that\nhint: will track its remote counterpart, you may want to use\nhint: \"git push -u\" to set the upstream config as you push.\nhint: Disable this message with \"git config advice.setUpstreamFailure false\"\n"), 128));
        }
        git.repo
            .upstreams
            .insert(branch.clone(), (remote.to_string(), merge.to_string()));
        git.out(&format!(
            "branch '{branch}' set up to track '{upstream}'.\n"
        ));
        return Ok(0);
    }
    if a.has(&["-m", "-M", "--move"]) {
        let current = git.repo.branch().map(str::to_string);
        let (old, new) = match a.operands.as_slice() {
            [new] => match &current {
                Some(c) => (c.clone(), new.clone()),
                None => {
                    return Err(GitError::fatal(
                        "cannot rename the current branch while not on any",
                    ))
                }
            },
            [old, new] => (old.clone(), new.clone()),
            _ => return Err(GitError::fatal("too many arguments for a rename operation")),
        };
        let Some(id) = git.repo.refs.get(&format!("refs/heads/{old}")).cloned() else {
            if current.as_deref() == Some(old.as_str()) {
                // An unborn branch is renamed by pointing HEAD elsewhere.
                git.repo.head = Head::Branch(new);
                return Ok(0);
            }
            return Err(GitError::fatal(&format!("no branch named '{old}'")));
        };
        if !valid_name(&new) {
            return Err(GitError::fatal(&format!(
                "'{new}' is not a valid branch name"
            )));
        }
        if old != new && git.repo.refs.contains_key(&format!("refs/heads/{new}")) && !a.has(&["-M"])
        {
            return Err(GitError::branch_exists(&new));
        }
        git.repo.refs.remove(&format!("refs/heads/{old}"));
        git.repo.refs.insert(format!("refs/heads/{new}"), id);
        if let Some(up) = git.repo.upstreams.remove(&old) {
            git.repo.upstreams.insert(new.clone(), up);
        }
        if current.as_deref() == Some(old.as_str()) {
            git.repo.head = Head::Branch(new);
        }
        return Ok(0);
    }
    if a.has(&["--show-current"]) {
        if let Some(b) = git.repo.branch() {
            let line = format!("{b}\n");
            git.out(&line);
        }
        return Ok(0);
    }
    if a.has(&["-d", "-D", "--delete"]) {
        if a.operands.is_empty() {
            return Err(GitError::fatal("branch name required"));
        }
        let mut status = 0;
        for name in &a.operands {
            let key = format!("refs/heads/{name}");
            let Some(id) = git.repo.refs.get(&key).cloned() else {
                git.err(&format!("error: branch '{name}' not found\n"));
                status = 1;
                continue;
            };
            if git.repo.branch() == Some(name.as_str()) {
                let line = format!(
                    "error: cannot delete branch '{name}' used by worktree at '{}'\n",
                    git.root
                );
                git.err(&line);
                status = 1;
                continue;
            }
            let merged_into = git
                .repo
                .upstreams
                .get(name)
                .and_then(|(r, m)| git.repo.refs.get(&format!("refs/remotes/{r}/{m}")).cloned())
                .or_else(|| git.repo.head_commit());
            let merged = merged_into.is_some_and(|h| git.repo.is_ancestor(&id, &h));
            if !merged && !a.has(&["-D"]) {
                git.err(&format!("error: the branch '{name}' is not fully merged\nhint: If you are sure you want to delete it, run 'git branch -D {name}'\nhint: Disable this message with \"git config advice.forceDeleteBranch false\"\n"));
                status = 1;
                continue;
            }
            git.repo.refs.remove(&key);
            git.repo.upstreams.remove(name);
            git.out(&format!(
                "Deleted branch {name} (was {}).\n",
                Repo::short(&id)
            ));
        }
        return Ok(status);
    }
    match a.operands.as_slice() {
        [] => {
            let text = list(
                git,
                a.count(&["-v", "--verbose"]),
                a.has(&["-a", "--all"]),
                a.has(&["-r", "--remotes"]),
            );
            git.out(&text);
            Ok(0)
        }
        [name, rest @ ..] if rest.len() <= 1 => {
            let id = new_branch(git, name, rest.first().map(String::as_str))?;
            git.repo.refs.insert(format!("refs/heads/{name}"), id);
            Ok(0)
        }
        _ => Err(GitError::fatal("too many arguments")),
    }
}

fn list(git: &Git, verbose: usize, all: bool, remotes_only: bool) -> String {
    let repo = &git.repo;
    let mut rows: Vec<(bool, String, Oid)> = Vec::new();
    if let Head::Detached(id) = &repo.head {
        rows.push((true, format!("({})", repo.detached_label(id)), id.clone()));
    }
    if !remotes_only {
        for (name, id) in repo.branches() {
            rows.push((repo.branch() == Some(name.as_str()), name, id));
        }
    }
    if all || remotes_only {
        let prefix = if remotes_only { "" } else { "remotes/" };
        let mut remote_rows: std::collections::BTreeMap<String, (String, Oid)> = repo
            .refs_under("refs/remotes/")
            .into_iter()
            .map(|(name, id)| (name.clone(), (format!("{prefix}{name}"), id)))
            .collect();
        for (name, target) in &repo.symrefs {
            if let (Some(short), Some(id)) =
                (name.strip_prefix("refs/remotes/"), repo.refs.get(target))
            {
                let to = target.strip_prefix("refs/remotes/").unwrap_or(target);
                remote_rows.insert(
                    short.to_string(),
                    (format!("{prefix}{short} -> {to}"), id.clone()),
                );
            }
        }
        for (_, (label, id)) in remote_rows {
            rows.push((false, label, id));
        }
    }
    let width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(current, name, id)| {
            let mark = if *current { "* " } else { "  " };
            if verbose == 0 {
                return format!("{mark}{name}\n");
            }
            let subject = repo.commit(id).map(|c| c.subject()).unwrap_or_default();
            let track = match repo.upstreams.get(name) {
                None => String::new(),
                Some((r, m)) => {
                    let upstream = format!("{r}/{m}");
                    let counts = repo
                        .refs
                        .get(&format!("refs/remotes/{upstream}"))
                        .map(|theirs| match status::ahead_behind(repo, id, theirs) {
                            (0, 0) => String::new(),
                            (a, 0) => format!("ahead {a}"),
                            (0, b) => format!("behind {b}"),
                            (a, b) => format!("ahead {a}, behind {b}"),
                        });
                    match (verbose, counts) {
                        (1, Some(c)) if c.is_empty() => String::new(),
                        (1, Some(c)) => format!("[{c}] "),
                        (1, None) => "[gone] ".to_string(),
                        (_, Some(c)) if c.is_empty() => format!("[{upstream}] "),
                        (_, Some(c)) => format!("[{upstream}: {c}] "),
                        (_, None) => format!("[{upstream}: gone] "),
                    }
                }
            };
            format!(
                "{mark}{name:<width$} {} {track}{subject}\n",
                Repo::short(id)
            )
        })
        .collect()
}

/// Moves HEAD to `head` at `target`, carrying local changes that do not
/// collide, as `git switch` does.
fn move_head(git: &mut Git, target: Option<&str>, head: Head) -> Result<(), GitError> {
    let from = git.head_snapshot();
    let to = git.repo.snapshot(target);
    let files = git.files();
    let index = git.repo.index.entries.clone();
    let changed: BTreeSet<&String> = from
        .keys()
        .chain(to.keys())
        .filter(|p| from.get(*p) != to.get(*p))
        .collect();
    let mut blocked = Vec::new();
    let mut untracked = Vec::new();
    for path in &changed {
        let staged = index.get(*path) != from.get(*path);
        let work = files.get(*path).map(|t| Object::Blob(t.clone()).id());
        let dirty = work.as_ref() != index.get(*path);
        if !index.contains_key(*path) && !from.contains_key(*path) && work.is_some() {
            if work.as_ref() != to.get(*path) {
                untracked.push((*path).clone());
            }
            continue;
        }
        if staged || dirty {
            blocked.push((*path).clone());
        }
    }
    if !git.repo.index.conflicts.is_empty() {
        let list: String = git
            .repo
            .index
            .conflicts
            .keys()
            .map(|p| format!("{p}: needs merge\n"))
            .collect();
        return Err(GitError::raw(
            format!("{list}error: you need to resolve your current index first\n"),
            1,
        ));
    }
    if !blocked.is_empty() {
        return Err(GitError::would_overwrite("checkout", &blocked));
    }
    if !untracked.is_empty() {
        let list: String = untracked.iter().map(|p| format!("\t{p}\n")).collect();
        return Err(GitError::raw(
            format!("error: The following untracked working tree files would be overwritten by checkout:\n{list}Please move or remove them before you switch branches.\nAborting\n"),
            1,
        ));
    }
    let mut new_index = index;
    for path in &changed {
        match to.get(*path) {
            Some(id) => new_index.insert((*path).clone(), id.clone()),
            None => new_index.remove(*path),
        };
    }
    let only_changed: Snapshot = changed
        .iter()
        .filter_map(|p| from.get(*p).map(|id| ((*p).clone(), id.clone())))
        .collect();
    let only_to: Snapshot = changed
        .iter()
        .filter_map(|p| to.get(*p).map(|id| ((*p).clone(), id.clone())))
        .collect();
    git.checkout_files(&only_changed, &only_to);
    git.repo.index.entries = new_index;
    git.repo.head = head;
    let local = local_changes(git);
    git.out(&local);
    Ok(())
}

/// `M\tmodels.py` for each local change a switch carries along.
fn local_changes(git: &Git) -> String {
    status::changes(git)
        .unstaged
        .iter()
        .map(|(label, path)| {
            let code = if *label == "deleted:" { 'D' } else { 'M' };
            format!("{code}\t{path}\n")
        })
        .collect()
}

/// Switches to an existing or new branch and prints what git prints.
fn to_branch(git: &mut Git, name: &str, create: Option<Option<&str>>) -> Result<i32, GitError> {
    if create.is_none() && git.repo.branch() == Some(name) {
        let local = local_changes(git);
        git.out(&local);
        git.err(&format!("Already on '{name}'\n"));
        let track = status::tracking(&git.repo);
        git.out(&track);
        return Ok(0);
    }
    let key = format!("refs/heads/{name}");
    let mut tracking_note = String::new();
    let target = match create {
        Some(start) => Some(new_branch(git, name, start)?),
        None => match git.repo.refs.get(&key) {
            Some(id) => Some(id.clone()),
            None => {
                let remote_ref = git
                    .repo
                    .remotes
                    .keys()
                    .map(|r| (r.clone(), format!("refs/remotes/{r}/{name}")))
                    .find(|(_, r)| git.repo.refs.contains_key(r));
                match remote_ref {
                    Some((remote, r)) => {
                        tracking_note =
                            format!("branch '{name}' set up to track '{remote}/{name}'.\n");
                        git.repo
                            .upstreams
                            .insert(name.to_string(), (remote, name.to_string()));
                        git.repo.refs.get(&r).cloned()
                    }
                    None => return Err(GitError::invalid_reference(name)),
                }
            }
        },
    };
    let old_head = git.repo.head.clone();
    let leaving = match &git.repo.head {
        Head::Detached(old) if target.as_ref() != Some(old) => leaving(&git.repo, old),
        _ => String::new(),
    };
    let unborn_switch = git.repo.head_commit().is_none() && target.is_none();
    if !unborn_switch {
        move_head(git, target.as_deref(), Head::Branch(name.to_string()))?;
    } else {
        git.repo.head = Head::Branch(name.to_string());
    }
    git.repo.detached_from = None;
    git.repo.previous = Some(old_head);
    git.err(&leaving);
    if let Some(id) = &target {
        git.repo.refs.insert(key, id.clone());
    }
    git.out(&tracking_note);
    let fresh = create.is_some() || !tracking_note.is_empty();
    let word = if fresh {
        "Switched to a new branch"
    } else {
        "Switched to branch"
    };
    git.err(&format!("{word} '{name}'\n"));
    if !fresh {
        let track = status::tracking(&git.repo);
        git.out(&track);
    }
    Ok(0)
}

const DETACHED_ADVICE: &str = "You are in 'detached HEAD' state. You can look around, make experimental\nchanges and commit them, and you can discard any commits you make in this\nstate without impacting any branches by switching back to a branch.\n\nIf you want to create a new branch to retain commits you create, you may\ndo so (now or later) by using -c with the switch command. Example:\n\n  git switch -c <new-branch-name>\n\nOr undo this operation with:\n\n  git switch -\n\nTurn off this advice by setting config variable advice.detachedHead to false\n\n";

/// Runs a switch or checkout; with `-q` nothing it says is kept.
fn quietly(
    git: &mut Git,
    quiet: bool,
    f: impl FnOnce(&mut Git) -> Result<i32, GitError>,
) -> Result<i32, GitError> {
    let before = git.ctx.out.clone();
    let status = f(git)?;
    if quiet {
        // -q silences the feedback on both streams; errors come back as Err.
        git.ctx.out = before;
    }
    Ok(status)
}

/// `git switch [-q] [-c NEW [START]] BRANCH`
pub fn switch(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["--detach", "-d", "-q", "--quiet"],
        &["-c", "--create", "-C"],
        "git switch [<options>] [<branch>]",
    )?;
    quietly(git, a.has(&["-q", "--quiet"]), |git| switch_inner(git, a))
}

fn switch_inner(git: &mut Git, a: args::Args) -> Result<i32, GitError> {
    if let Some(name) = a.value(&["-c", "--create", "-C"]) {
        let name = name.to_string();
        return to_branch(git, &name, Some(a.operands.first().map(String::as_str)));
    }
    if a.operands.len() == 1 && a.operands[0] == "-" {
        return match git.repo.previous.clone() {
            Some(Head::Branch(b)) => to_branch(git, &b, None),
            Some(Head::Detached(id)) if a.has(&["--detach", "-d"]) => detach(git, &id, false),
            Some(Head::Detached(id)) => Err(GitError::branch_expected(&id)),
            None => Err(GitError::invalid_reference("@{-1}")),
        };
    }
    match a.operands.as_slice() {
        [] => Err(GitError::fatal("missing branch or commit argument")),
        [name] if a.has(&["--detach", "-d"]) => detach(git, name, false),
        [name] => {
            if git.repo.refs.contains_key(&format!("refs/heads/{name}"))
                || git.repo.resolve(name).is_none()
            {
                to_branch(git, name, None)
            } else {
                Err(GitError::branch_expected(name))
            }
        }
        _ => Err(GitError::fatal("only one reference expected")),
    }
}

/// What git says when HEAD leaves a detached commit: where it was, or a
/// warning naming the commits no branch reaches any more.
fn leaving(repo: &Repo, old: &str) -> String {
    let tips: Vec<String> = repo.all_refs().into_values().collect();
    let kept: BTreeSet<String> = repo.history(&tips).into_iter().collect();
    let lost: Vec<String> = repo
        .history(&[old.to_string()])
        .into_iter()
        .filter(|c| !kept.contains(c))
        .collect();
    let line = |id: &str| {
        let subject = repo.commit(id).map(|c| c.subject()).unwrap_or_default();
        format!("{} {subject}", Repo::short(id))
    };
    if lost.is_empty() {
        return format!("Previous HEAD position was {}\n", line(old));
    }
    let n = lost.len();
    let mut list: String = lost
        .iter()
        .take(4)
        .map(|c| format!("  {}\n", line(c)))
        .collect();
    if n > 4 {
        list.push_str(&format!(" ... and {} more.\n", n - 4));
    }
    let (commits, it) = if n == 1 {
        ("commit", "it")
    } else {
        ("commits", "them")
    };
    format!(
        "Warning: you are leaving {n} {commits} behind, not connected to\nany of your branches:\n\n{list}\nIf you want to keep {it} by creating a new branch, this may be a good time\nto do so with:\n\n git branch <new-branch-name> {}\n\n",
        Repo::short(old)
    )
}

fn detach(git: &mut Git, rev: &str, advise: bool) -> Result<i32, GitError> {
    let id = git
        .repo
        .resolve(rev)
        .ok_or_else(|| GitError::invalid_reference(rev))?;
    let previous = match &git.repo.head {
        Head::Detached(old) if *old != id => Some(leaving(&git.repo, old)),
        Head::Detached(_) => Some(String::new()),
        Head::Branch(_) => None,
    };
    let was_detached = previous.is_some();
    let old_head = git.repo.head.clone();
    move_head(git, Some(&id), Head::Detached(id.clone()))?;
    git.repo.detached_from = Some(id.clone());
    git.repo.previous = Some(old_head);
    git.err(&previous.unwrap_or_default());
    let subject = git
        .repo
        .commit(&id)
        .map(|c| c.subject().to_string())
        .unwrap_or_default();
    let mut text = String::new();
    if !was_detached && advise {
        text.push_str(&format!("Note: switching to '{rev}'.\n\n{DETACHED_ADVICE}"));
    }
    text.push_str(&format!("HEAD is now at {} {subject}\n", Repo::short(&id)));
    git.err(&text);
    Ok(0)
}

/// `git checkout [-q] [-b NEW [START]] BRANCH`, `git checkout COMMIT`, `git checkout [--] PATH...`
pub fn checkout(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["--detach", "-f", "--force", "-q", "--quiet"],
        &["-b", "-B"],
        "git checkout [<options>] <branch>",
    )?;
    quietly(git, a.has(&["-q", "--quiet"]), |git| checkout_inner(git, a))
}

fn checkout_inner(git: &mut Git, a: args::Args) -> Result<i32, GitError> {
    if let Some(name) = a.value(&["-b", "-B"]) {
        let name = name.to_string();
        return to_branch(git, &name, Some(a.operands.first().map(String::as_str)));
    }
    if !a.dashdash && a.operands.len() == 1 && a.operands[0] == "-" {
        match git.repo.previous.clone() {
            Some(Head::Branch(b)) => return to_branch(git, &b, None),
            Some(Head::Detached(id)) => return detach(git, &id, true),
            None => {}
        }
    }
    if !a.dashdash {
        if let [name] = a.operands.as_slice() {
            if git.repo.refs.contains_key(&format!("refs/heads/{name}")) {
                return to_branch(git, name, None);
            }
            if git.repo.resolve(name).is_some() {
                return detach(git, name, true);
            }
            let remote_branch = git.repo.remotes.keys().any(|r| {
                git.repo
                    .refs
                    .contains_key(&format!("refs/remotes/{r}/{name}"))
            });
            if remote_branch {
                return to_branch(git, name, None);
            }
        }
    }
    if a.operands.is_empty() {
        return Ok(0);
    }
    // Paths: restore them from the index.
    let mut paths = Vec::new();
    for op in &a.operands {
        let spec = git.pathspec(op)?;
        let hits: Vec<String> = git
            .repo
            .index
            .entries
            .keys()
            .filter(|p| super::stage::under(p, &spec))
            .cloned()
            .collect();
        if hits.is_empty() {
            return Err(GitError::raw(
                format!("error: pathspec '{op}' did not match any file(s) known to git\n"),
                1,
            ));
        }
        paths.extend(hits);
    }
    let root = git.root.clone();
    let now = git.now();
    let n = paths.len();
    for path in paths {
        let id = git
            .repo
            .index
            .entries
            .get(&path)
            .cloned()
            .unwrap_or_default();
        let text = git.repo.blob(&id).to_string();
        let _ = crate::world::git::worktree::write(git.fs(), &root, &path, &text, now);
    }
    git.err(&format!(
        "Updated {n} path{} from the index\n",
        if n == 1 { "" } else { "s" }
    ));
    Ok(0)
}

//! `git merge`: fast-forward, a three-way merge with a merge commit, or a
//! stop on conflicts with markers in the work tree.

use std::collections::BTreeSet;

use crate::world::git::args;
use crate::world::git::diff;
use crate::world::git::error::GitError;
use crate::world::git::merge as three_way;
use crate::world::git::object::Object;
use crate::world::git::repo::{MergeState, Repo, Snapshot};
use crate::world::git::session::Git;
use crate::world::git::worktree;

use super::commit::stat_lines;

/// How a merge was asked for.
pub struct Request<'a> {
    /// The commit to merge in.
    pub theirs: String,
    /// The name in conflict markers (`feature`, or a commit id for pulls).
    pub label: &'a str,
    /// The merge commit's message.
    pub message: String,
    /// `--no-ff`: a merge commit even when a fast-forward would do.
    pub no_ff: bool,
    /// `-q`: no `Updating`, `Already up to date.`, `Merge made by` or
    /// diffstat; what the merge machinery says (`Auto-merging`, conflicts)
    /// is still printed.
    pub quiet: bool,
}

/// `Merge branch 'feature'`, with ` into BRANCH` unless merging into main or master.
pub fn default_message(git: &Git, what: &str) -> String {
    match git.repo.branch() {
        Some(b) if b != "main" && b != "master" => format!("{what} into {b}"),
        _ => what.to_string(),
    }
}

/// `git merge [--no-ff] [-m MESSAGE] BRANCH`, `git merge --abort`
pub fn merge(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &[
            "--no-ff",
            "--ff",
            "--abort",
            "--no-edit",
            "--continue",
            "-q",
            "--quiet",
        ],
        &["-m", "--message"],
        "git merge [<options>] [<commit>...]",
    )?;
    if a.has(&["--abort"]) {
        if git.repo.merging.is_none() {
            return Err(GitError::no_merge_to_abort());
        }
        let head = git.head_snapshot();
        let mut from = git.repo.index.entries.clone();
        for p in git.repo.index.conflicts.keys() {
            from.insert(p.clone(), String::new());
        }
        let files = git.files();
        for p in files.keys().filter(|p| head.contains_key(*p)) {
            from.insert(p.clone(), String::new());
        }
        git.checkout_files(&from, &head);
        git.repo.index = Default::default();
        git.repo.index.entries = head;
        git.repo.merging = None;
        return Ok(0);
    }
    if a.has(&["--continue"]) {
        return super::commit::commit(git, &[]);
    }
    if !git.repo.index.conflicts.is_empty() {
        return Err(GitError::merge_in_progress());
    }
    if git.repo.merging.is_some() {
        return Err(GitError::raw(
            "fatal: You have not concluded your merge (MERGE_HEAD exists).\nPlease, commit your changes before you merge.\n".to_string(),
            128,
        ));
    }
    let [name] = a.operands.as_slice() else {
        if a.operands.is_empty() {
            return Err(GitError::fatal("No remote for the current branch."));
        }
        return Err(GitError::fatal("octopus merges are not supported here"));
    };
    let theirs = git
        .repo
        .resolve(name)
        .ok_or_else(|| GitError::merge_nothing(name))?;
    let what = if git.repo.refs.contains_key(&format!("refs/remotes/{name}")) {
        format!("Merge remote-tracking branch '{name}'")
    } else if git.repo.refs.contains_key(&format!("refs/heads/{name}")) {
        format!("Merge branch '{name}'")
    } else {
        format!("Merge commit '{name}'")
    };
    let message = match a.value(&["-m", "--message"]) {
        Some(m) => m.to_string(),
        None => default_message(git, &what),
    };
    run(
        git,
        Request {
            theirs,
            label: name,
            message,
            no_ff: a.has(&["--no-ff"]),
            quiet: a.has(&["-q", "--quiet"]),
        },
    )
}

/// Merges a commit into HEAD; shared by `merge` and `pull`.
pub fn run(git: &mut Git, req: Request) -> Result<i32, GitError> {
    let Some(ours) = git.repo.head_commit() else {
        // Merging into an unborn branch just takes their commit.
        let to = git.repo.snapshot(Some(&req.theirs));
        git.checkout_files(&Snapshot::new(), &to);
        git.repo.index.entries = to;
        git.repo.set_head_commit(&req.theirs);
        return Ok(0);
    };
    if git.repo.is_ancestor(&req.theirs, &ours) {
        if !req.quiet {
            git.out("Already up to date.\n");
        }
        return Ok(0);
    }
    let base = git.repo.merge_base(&ours, &req.theirs);
    let ours_snap = git.repo.snapshot(Some(&ours));
    let theirs_snap = git.repo.snapshot(Some(&req.theirs));
    let base_snap = git.repo.snapshot(base.as_deref());
    let touched: BTreeSet<String> = ours_snap
        .keys()
        .chain(theirs_snap.keys())
        .filter(|p| ours_snap.get(*p) != theirs_snap.get(*p))
        .cloned()
        .collect();
    check_local(git, &touched, &ours_snap)?;
    let fast_forward = base.as_deref() == Some(ours.as_str());
    if fast_forward && !req.no_ff {
        let (lines, modes) = stat_lines(&git.repo, &ours_snap, &theirs_snap);
        let mut text = format!(
            "Updating {}..{}\nFast-forward\n",
            Repo::short(&ours),
            Repo::short(&req.theirs)
        );
        text.push_str(&diff::stat(&lines));
        text.push_str(&modes);
        apply(git, &ours_snap, &theirs_snap);
        git.repo.set_head_commit(&req.theirs);
        if !req.quiet {
            git.out(&text);
        }
        return Ok(0);
    }
    let merged = three_way::merge(
        &mut git.repo,
        &base_snap,
        &ours_snap,
        &theirs_snap,
        req.label,
    );
    let mut text: String = merged.messages.iter().map(|m| format!("{m}\n")).collect();
    if !merged.conflicts.is_empty() {
        apply(git, &ours_snap, &merged.clean);
        let root = git.root.clone();
        let now = git.now();
        for (path, content) in &merged.conflict_text {
            let _ = worktree::write(git.fs(), &root, path, content, now);
        }
        git.repo.index.conflicts = merged.conflicts.clone();
        let list: String = merged
            .conflicts
            .keys()
            .map(|p| format!("#\t{p}\n"))
            .collect();
        git.repo.merging = Some(MergeState {
            theirs: req.theirs.clone(),
            message: format!("{}\n\n# Conflicts:\n{list}", req.message),
        });
        text.push_str("Automatic merge failed; fix conflicts and then commit the result.\n");
        git.out(&text);
        return Ok(1);
    }
    let id = git.make_commit(&merged.clean, vec![ours, req.theirs.clone()], &req.message)?;
    apply(git, &ours_snap, &merged.clean);
    git.repo.set_head_commit(&id);
    let (lines, modes) = stat_lines(&git.repo, &ours_snap, &merged.clean);
    if req.quiet {
        git.out(&text);
        return Ok(0);
    }
    text.push_str("Merge made by the 'ort' strategy.\n");
    if !lines.is_empty() {
        text.push_str(&diff::stat(&lines));
        text.push_str(&modes);
    }
    git.out(&text);
    Ok(0)
}

/// Refuses to merge over staged changes or over local edits of paths the
/// merge changes.
fn check_local(git: &mut Git, touched: &BTreeSet<String>, head: &Snapshot) -> Result<(), GitError> {
    let files = git.files();
    let index = &git.repo.index.entries;
    let mut blocked = Vec::new();
    for path in touched {
        let staged = index.get(path) != head.get(path);
        let work = files.get(path).map(|t| Object::Blob(t.clone()).id());
        let dirty = index.contains_key(path) && work.as_ref() != index.get(path);
        if staged || dirty {
            blocked.push(path.clone());
        }
    }
    if !blocked.is_empty() {
        return Err(GitError::would_overwrite("merge", &blocked));
    }
    if index != head {
        let changed: Vec<String> = index
            .keys()
            .chain(head.keys())
            .filter(|p| index.get(*p) != head.get(*p))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        return Err(GitError::would_overwrite("merge", &changed));
    }
    let untracked: Vec<String> = touched
        .iter()
        .filter(|p| !index.contains_key(*p) && files.contains_key(*p))
        .cloned()
        .collect();
    if !untracked.is_empty() {
        let list: String = untracked.iter().map(|p| format!("\t{p}\n")).collect();
        return Err(GitError::raw(
            format!("error: The following untracked working tree files would be overwritten by merge:\n{list}Please move or remove them before you merge.\nAborting\n"),
            1,
        ));
    }
    Ok(())
}

/// Updates the index and the work tree from `from` to `to` for the paths
/// that differ.
fn apply(git: &mut Git, from: &Snapshot, to: &Snapshot) {
    git.checkout_files(from, to);
    let paths: BTreeSet<String> = from.keys().chain(to.keys()).cloned().collect();
    for path in paths {
        match to.get(&path) {
            Some(id) => {
                git.repo.index.entries.insert(path, id.clone());
            }
            None => {
                git.repo.index.entries.remove(&path);
            }
        }
    }
}

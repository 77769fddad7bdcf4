//! `git stash` (`push`, `pop`, `list`): set local changes to tracked files
//! aside and bring them back.

use crate::world::git::args;
use crate::world::git::error::GitError;
use crate::world::git::merge as three_way;
use crate::world::git::repo::{Head, Repo};
use crate::world::git::session::Git;
use crate::world::git::worktree;

use super::status;

/// `git stash [push | pop | list]`
pub fn stash(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let (sub, rest) = match args.first().map(String::as_str) {
        Some(s @ ("push" | "pop" | "list" | "save")) => (s, &args[1..]),
        _ => ("push", args),
    };
    let a = args::parse(
        rest,
        &["-q", "--quiet"],
        &["-m", "--message"],
        "git stash [push | pop | list]",
    )?;
    match sub {
        "list" => {
            let mut text = String::new();
            for (i, id) in git.repo.stash.iter().enumerate() {
                let subject = git.repo.commit(id).map(|c| c.subject()).unwrap_or_default();
                text.push_str(&format!("stash@{{{i}}}: {subject}\n"));
            }
            git.out(&text);
            Ok(0)
        }
        "pop" => pop(git),
        _ => push(git, a.value(&["-m", "--message"])),
    }
}

fn push(git: &mut Git, message: Option<&str>) -> Result<i32, GitError> {
    let Some(head) = git.repo.head_commit() else {
        return Err(GitError::raw(
            "You do not have the initial commit yet\n".to_string(),
            1,
        ));
    };
    let head_snap = git.head_snapshot();
    let files = git.files();
    let mut saved = git.repo.index.entries.clone();
    for path in git.repo.index.entries.keys() {
        match files.get(path) {
            Some(text) => {
                let id = crate::world::git::object::Object::Blob(text.clone()).id();
                saved.insert(path.clone(), id);
            }
            None => {
                saved.remove(path);
            }
        }
    }
    if saved == head_snap && git.repo.index.conflicts.is_empty() {
        git.out("No local changes to save\n");
        return Ok(0);
    }
    for path in saved.keys() {
        if let Some(text) = files.get(path) {
            git.repo.put_blob(text);
        }
    }
    let branch = match &git.repo.head {
        Head::Branch(b) => b.clone(),
        Head::Detached(_) => "(no branch)".to_string(),
    };
    let subject = git
        .repo
        .commit(&head)
        .map(|c| c.subject().to_string())
        .unwrap_or_default();
    let title = match message {
        Some(m) => format!("On {branch}: {m}"),
        None => format!("WIP on {branch}: {} {subject}", Repo::short(&head)),
    };
    let id = git.make_commit(&saved, vec![head], &title)?;
    git.repo.stash.insert(0, id);
    let mut from = saved.clone();
    for p in files
        .keys()
        .filter(|p| head_snap.contains_key(*p) || saved.contains_key(*p))
    {
        from.insert(p.clone(), String::new());
    }
    git.checkout_files(&from, &head_snap);
    git.repo.index.entries = head_snap;
    git.repo.index.conflicts.clear();
    git.out(&format!(
        "Saved working directory and index state {title}\n"
    ));
    Ok(0)
}

fn pop(git: &mut Git) -> Result<i32, GitError> {
    let Some(id) = git.repo.stash.first().cloned() else {
        return Err(GitError::raw("No stash entries found.\n".to_string(), 1));
    };
    let Some(c) = git.repo.commit(&id).cloned() else {
        return Err(GitError::raw("No stash entries found.\n".to_string(), 1));
    };
    let base = git.repo.snapshot(c.parents.first().map(String::as_str));
    let stashed = git.repo.read_tree(&c.tree);
    let ours = git.repo.index.entries.clone();
    let dirty = git.dirty_paths();
    let touched: Vec<String> = stashed
        .keys()
        .chain(base.keys())
        .filter(|p| stashed.get(*p) != base.get(*p) && dirty.contains(p))
        .cloned()
        .collect();
    if !touched.is_empty() {
        return Err(GitError::would_overwrite("merge", &touched));
    }
    let merged = three_way::merge(&mut git.repo, &base, &ours, &stashed, "Stashed changes");
    let root = git.root.clone();
    let now = git.now();
    for (path, blob) in &merged.clean {
        if ours.get(path) != Some(blob) {
            let text = git.repo.blob(blob).to_string();
            let _ = worktree::write(git.fs(), &root, path, &text, now);
        }
    }
    for path in ours
        .keys()
        .filter(|p| !merged.clean.contains_key(*p) && !merged.conflicts.contains_key(*p))
    {
        worktree::remove(git.fs(), &root, path);
    }
    for (path, text) in &merged.conflict_text {
        let _ = worktree::write(git.fs(), &root, path, text, now);
    }
    if !merged.conflicts.is_empty() {
        git.repo.index.conflicts = merged.conflicts.clone();
        let text: String = merged.messages.iter().map(|m| format!("{m}\n")).collect();
        git.out(&text);
        git.err("The stash entry is kept in case you need it again.\n");
        return Ok(1);
    }
    git.repo.stash.remove(0);
    let text = status::long(git);
    git.out(&text);
    git.out(&format!("Dropped refs/stash@{{0}} ({id})\n"));
    Ok(0)
}

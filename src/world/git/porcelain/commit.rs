//! `git commit`: record the index as a new commit on HEAD.

use crate::world::git::args;
use crate::world::git::diff::{self, StatLine};
use crate::world::git::error::GitError;
use crate::world::git::repo::{Head, Repo, Snapshot};
use crate::world::git::session::Git;

use super::status;

/// `git commit [-a] [-m MESSAGE] [--allow-empty]`
pub fn commit(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["-a", "--all", "--allow-empty", "-q", "--quiet", "--no-edit"],
        &["-m", "--message"],
        "git commit [-a | --interactive | --patch] [-s] [-v] [-u[<mode>]] [--amend]",
    )?;
    if !git.repo.index.conflicts.is_empty() {
        let paths: Vec<String> = git.repo.index.conflicts.keys().cloned().collect();
        return Err(GitError::commit_unmerged(&paths));
    }
    if let Some(first) = a.operands.first() {
        if a.has(&["-a", "--all"]) {
            return Err(GitError::fatal(&format!(
                "paths '{first} ...' with -a does not make sense"
            )));
        }
        take_paths(git, &a.operands)?;
    }
    if a.has(&["-a", "--all"]) {
        let files = git.files();
        let tracked: Vec<String> = git.repo.index.entries.keys().cloned().collect();
        for path in tracked {
            match files.get(&path) {
                Some(text) => {
                    let id = git.repo.put_blob(text);
                    git.repo.index.entries.insert(path, id);
                }
                None => {
                    git.repo.index.entries.remove(&path);
                }
            }
        }
    }
    // git asks who you are before it looks for anything to commit.
    git.signature("AUTHOR")?;
    let head = git.repo.head_commit();
    let head_snapshot = git.head_snapshot();
    let merging = git.repo.merging.clone();
    if merging.is_none() && !a.has(&["--allow-empty"]) && !status::has_staged(&head_snapshot, git) {
        if let Some(index) = git.pending_index.take() {
            git.repo.index.entries = index;
        }
        let text = status::long(git);
        git.out(&text);
        return Ok(1);
    }
    let message = match (a.value(&["-m", "--message"]), &merging) {
        (Some(m), _) => m.to_string(),
        (None, Some(m)) => m.message.clone(),
        (None, None) => return Err(GitError::no_message()),
    };
    if message.trim().is_empty() {
        return Err(GitError::raw(
            "Aborting commit due to empty commit message.\n".to_string(),
            1,
        ));
    }
    let mut parents: Vec<String> = head.iter().cloned().collect();
    if let Some(m) = &merging {
        parents.push(m.theirs.clone());
    }
    let index = git.repo.index.entries.clone();
    let id = git.make_commit(&index, parents, &message)?;
    git.repo.set_head_commit(&id);
    git.repo.merging = None;
    if let Some(index) = git.pending_index.take() {
        git.repo.index.entries = index;
    }
    if a.has(&["-q", "--quiet"]) {
        return Ok(0);
    }
    let place = match &git.repo.head {
        Head::Branch(b) if head.is_none() => format!("{b} (root-commit)"),
        Head::Branch(b) => b.clone(),
        Head::Detached(_) => "detached HEAD".to_string(),
    };
    let subject = git
        .repo
        .commit(&id)
        .map(|c| c.subject().to_string())
        .unwrap_or_default();
    let mut out = format!("[{place} {}] {subject}\n", Repo::short(&id));
    if merging.is_none() {
        out.push_str(&summary(&git.repo, &head_snapshot, &index));
    }
    git.out(&out);
    Ok(0)
}

/// `git commit PATH...`: the commit takes those paths from the work tree
/// and everything else from HEAD; the index keeps its other staged changes,
/// which stay staged after the commit.
fn take_paths(git: &mut Git, specs: &[String]) -> Result<(), GitError> {
    if git.repo.merging.is_some() {
        return Err(GitError::fatal(
            "cannot do a partial commit during a merge.",
        ));
    }
    let head = git.head_snapshot();
    let files = git.files();
    let mut chosen = Vec::new();
    for arg in specs {
        let spec = git.pathspec(arg)?;
        let hits: Vec<String> = head
            .keys()
            .chain(git.repo.index.entries.keys())
            .filter(|p| super::stage::under(p, &spec))
            .cloned()
            .collect();
        if hits.is_empty() {
            return Err(GitError::raw(
                format!("error: pathspec '{arg}' did not match any file(s) known to git\n"),
                1,
            ));
        }
        chosen.extend(hits);
    }
    // The commit is made from HEAD plus the chosen paths; the rest of the
    // index is put back afterwards by `restore_index`.
    let mut snapshot = head;
    for path in &chosen {
        match files.get(path) {
            Some(text) => {
                let id = git.repo.put_blob(text);
                snapshot.insert(path.clone(), id);
            }
            None => {
                snapshot.remove(path);
            }
        }
    }
    let mut later = git.repo.index.entries.clone();
    for path in &chosen {
        match snapshot.get(path) {
            Some(id) => later.insert(path.clone(), id.clone()),
            None => later.remove(path),
        };
    }
    git.repo.index.entries = snapshot;
    git.pending_index = Some(later);
    Ok(())
}

/// The diffstat summary with `create mode`/`delete mode` lines, as `git
/// commit` and `git merge` print them.
pub fn summary(repo: &Repo, old: &Snapshot, new: &Snapshot) -> String {
    let (lines, modes) = stat_lines(repo, old, new);
    let mut out = diff::summary(&lines);
    out.push_str(&modes);
    out
}

/// Per-path counts and the `create mode` lines between two snapshots.
pub fn stat_lines(repo: &Repo, old: &Snapshot, new: &Snapshot) -> (Vec<StatLine>, String) {
    let mut lines = Vec::new();
    let mut modes = String::new();
    let paths: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let renamed = diff::renames(old, new);
    for path in paths {
        if renamed.iter().any(|(from, _)| from == path) {
            continue;
        }
        if let Some((from, _)) = renamed.iter().find(|(_, to)| to == path) {
            modes.push_str(&format!(" rename {from} => {path} (100%)\n"));
            lines.push(StatLine {
                path: format!("{from} => {path}"),
                added: 0,
                removed: 0,
            });
            continue;
        }
        let a = old.get(path);
        let b = new.get(path);
        if a == b {
            continue;
        }
        let (added, removed) = diff::counts(
            a.map(|id| repo.blob(id)).unwrap_or_default(),
            b.map(|id| repo.blob(id)).unwrap_or_default(),
        );
        match (a, b) {
            (None, Some(_)) => modes.push_str(&format!(" create mode 100644 {path}\n")),
            (Some(_), None) => modes.push_str(&format!(" delete mode 100644 {path}\n")),
            _ => {}
        }
        lines.push(StatLine {
            path: path.clone(),
            added,
            removed,
        });
    }
    (lines, modes)
}

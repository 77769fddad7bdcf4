//! `git diff`: work tree against the index, the index against HEAD
//! (`--staged`), or commits against each other.

use std::collections::{BTreeMap, BTreeSet};

use crate::world::git::args;
use crate::world::git::diff::{self, FileChange, StatLine};
use crate::world::git::error::GitError;
use crate::world::git::object::{Object, Oid};
use crate::world::git::repo::{Repo, Snapshot};
use crate::world::git::session::Git;

use super::stage::under;

/// One side of a diff: path to (blob id, text).
type Side = BTreeMap<String, (Oid, String)>;

fn from_snapshot(repo: &Repo, snapshot: &Snapshot) -> Side {
    snapshot
        .iter()
        .map(|(p, id)| (p.clone(), (id.clone(), repo.blob(id).to_string())))
        .collect()
}

/// The blob ids of a side, for rename detection.
fn ids(side: &Side) -> BTreeMap<String, String> {
    side.iter()
        .map(|(p, (id, _))| (p.clone(), id.clone()))
        .collect()
}

fn render(old: &Side, new: &Side, paths: &[String]) -> String {
    let all: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let renamed = diff::renames(&ids(old), &ids(new));
    let mut out = String::new();
    for path in all {
        if renamed.iter().any(|(from, _)| from == path) {
            continue;
        }
        if let Some((from, _)) = renamed.iter().find(|(_, to)| to == path) {
            out.push_str(&format!(
                "diff --git a/{from} b/{path}\nsimilarity index 100%\nrename from {from}\nrename to {path}\n"
            ));
            continue;
        }
        if !paths.is_empty() && !paths.iter().any(|s| under(path, s)) {
            continue;
        }
        let a = old.get(path);
        let b = new.get(path);
        if a.map(|x| &x.0) == b.map(|x| &x.0) {
            continue;
        }
        out.push_str(&diff::patch(&FileChange {
            path,
            old: a.map(|(id, t)| (id.as_str(), t.as_str())),
            new: b.map(|(id, t)| (id.as_str(), t.as_str())),
        }));
    }
    out
}

fn render_stat(old: &Side, new: &Side, paths: &[String]) -> String {
    let all: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let renamed = diff::renames(&ids(old), &ids(new));
    let mut lines = Vec::new();
    for path in all {
        if renamed.iter().any(|(from, _)| from == path) {
            continue;
        }
        if let Some((from, _)) = renamed.iter().find(|(_, to)| to == path) {
            lines.push(StatLine {
                path: format!("{from} => {path}"),
                added: 0,
                removed: 0,
            });
            continue;
        }
        if !paths.is_empty() && !paths.iter().any(|s| under(path, s)) {
            continue;
        }
        let a = old.get(path);
        let b = new.get(path);
        if a.map(|x| &x.0) == b.map(|x| &x.0) {
            continue;
        }
        let (added, removed) = diff::counts(
            a.map(|x| x.1.as_str()).unwrap_or_default(),
            b.map(|x| x.1.as_str()).unwrap_or_default(),
        );
        lines.push(StatLine {
            path: path.clone(),
            added,
            removed,
        });
    }
    if lines.is_empty() {
        String::new()
    } else {
        diff::stat(&lines)
    }
}

/// The patch between two stored snapshots.
pub fn patch_between(repo: &Repo, old: &Snapshot, new: &Snapshot) -> String {
    render(&from_snapshot(repo, old), &from_snapshot(repo, new), &[])
}

/// The combined diffs of conflicted paths against the work tree.
fn unmerged(git: &Git, paths: &[String]) -> String {
    let files = git.files();
    let mut out = String::new();
    for (path, c) in &git.repo.index.conflicts {
        if !paths.is_empty() && !paths.iter().any(|s| under(path, s)) {
            continue;
        }
        let (Some(ours), Some(theirs), Some(work)) = (&c.ours, &c.theirs, files.get(path)) else {
            continue;
        };
        out.push_str(&diff::combined(
            path,
            (ours, git.repo.blob(ours)),
            (theirs, git.repo.blob(theirs)),
            work,
        ));
    }
    out
}

/// `git diff [--staged | --cached] [--stat] [COMMIT [COMMIT]] [-- PATH...]`
pub fn diff(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["--staged", "--cached", "--stat", "--name-only"],
        &[],
        "git diff [<options>] [<commit>] [--] [<path>...]",
    )?;
    let mut revs = Vec::new();
    let mut paths = Vec::new();
    for op in &a.operands {
        if paths.is_empty() && !a.dashdash {
            if let Some(id) = git.repo.resolve(op) {
                revs.push(id);
                continue;
            }
            if git.pathspec(op).is_err()
                || git.ctx.machine_ref().fs.get(&git.ctx.path(op)).is_none()
            {
                return Err(GitError::bad_revision(op));
            }
        }
        paths.push(git.pathspec(op)?);
    }
    if a.dashdash {
        paths = Vec::new();
        let after: Vec<String> = args
            .iter()
            .skip_while(|x| *x != "--")
            .skip(1)
            .cloned()
            .collect();
        for p in after {
            paths.push(git.pathspec(&p)?);
        }
    }
    let index = from_snapshot(&git.repo, &git.repo.index.entries);
    let work = || -> Side {
        let files = git.files();
        git.repo
            .index
            .entries
            .keys()
            .filter_map(|p| {
                let text = files.get(p)?;
                Some((p.clone(), (Object::Blob(text.clone()).id(), text.clone())))
            })
            .collect()
    };
    let staged = a.has(&["--staged", "--cached"]);
    let (old, new) = match (revs.as_slice(), staged) {
        ([], false) => (index.clone(), work()),
        ([], true) => (
            from_snapshot(&git.repo, &git.head_snapshot()),
            index.clone(),
        ),
        ([r], false) => (
            from_snapshot(&git.repo, &git.repo.snapshot(Some(r))),
            work(),
        ),
        ([r], true) => (
            from_snapshot(&git.repo, &git.repo.snapshot(Some(r))),
            index.clone(),
        ),
        ([r1, r2, ..], _) => (
            from_snapshot(&git.repo, &git.repo.snapshot(Some(r1))),
            from_snapshot(&git.repo, &git.repo.snapshot(Some(r2))),
        ),
    };
    let text = if a.has(&["--stat"]) {
        render_stat(&old, &new, &paths)
    } else if a.has(&["--name-only"]) {
        let all: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        all.into_iter()
            .filter(|p| old.get(*p).map(|x| &x.0) != new.get(*p).map(|x| &x.0))
            .filter(|p| paths.is_empty() || paths.iter().any(|s| under(p, s)))
            .map(|p| format!("{p}\n"))
            .collect()
    } else if revs.is_empty() && !staged {
        render(&old, &new, &paths) + &unmerged(git, &paths)
    } else {
        render(&old, &new, &paths)
    };
    git.out(&text);
    Ok(0)
}

//! `git status` in its long format, which `git commit` also prints when
//! there is nothing to commit.

use std::collections::BTreeSet;

use crate::world::git::args;
use crate::world::git::error::GitError;
use crate::world::git::ignore::Ignore;
use crate::world::git::object::Object;
use crate::world::git::repo::{Head, Repo, Snapshot};
use crate::world::git::session::Git;

/// The state of the three trees, path by path.
#[derive(Default)]
pub struct Changes {
    /// HEAD → index: (label, path).
    pub staged: Vec<(&'static str, String)>,
    /// Unmerged paths: (label, path).
    pub unmerged: Vec<(&'static str, String)>,
    /// Index → work tree: (label, path).
    pub unstaged: Vec<(&'static str, String)>,
    /// Untracked paths, directories collapsed (`migrations/`).
    pub untracked: Vec<String>,
}

/// Compares HEAD, the index and the work tree.
pub fn changes(git: &Git) -> Changes {
    let head = git.head_snapshot();
    let index = &git.repo.index;
    let files = git.files();
    let mut out = Changes::default();
    let paths: BTreeSet<&String> = head.keys().chain(index.entries.keys()).collect();
    for path in paths {
        if index.conflicts.contains_key(path) {
            continue;
        }
        match (head.get(path), index.entries.get(path)) {
            (None, Some(_)) => out.staged.push(("new file:", path.clone())),
            (Some(_), None) => out.staged.push(("deleted:", path.clone())),
            (Some(a), Some(b)) if a != b => out.staged.push(("modified:", path.clone())),
            _ => {}
        }
    }
    let renamed = crate::world::git::diff::renames(&head, &index.entries);
    for (from, to) in &renamed {
        out.staged.retain(|(_, p)| p != from && p != to);
        out.staged.push(("renamed:", format!("{from} -> {to}")));
    }
    crate::sorting::sort_by(&mut out.staged, |a, b| a.1.cmp(&b.1));
    for (path, c) in &index.conflicts {
        let label = match (&c.base, &c.ours, &c.theirs) {
            (_, Some(_), Some(_)) if c.base.is_none() => "both added:",
            (_, Some(_), Some(_)) => "both modified:",
            (_, Some(_), None) => "deleted by them:",
            (_, None, Some(_)) => "deleted by us:",
            _ => "both deleted:",
        };
        out.unmerged.push((label, path.clone()));
    }
    for (path, id) in &index.entries {
        match files.get(path) {
            None => out.unstaged.push(("deleted:", path.clone())),
            Some(text) if &Object::Blob(text.clone()).id() != id => {
                out.unstaged.push(("modified:", path.clone()))
            }
            _ => {}
        }
    }
    let ignore = Ignore::load(&files);
    let tracked: BTreeSet<&str> = index
        .entries
        .keys()
        .chain(index.conflicts.keys())
        .map(String::as_str)
        .collect();
    let mut untracked = BTreeSet::new();
    for path in files.keys() {
        if tracked.contains(path.as_str()) || ignore.ignores(path) {
            continue;
        }
        untracked.insert(collapse(path, &tracked));
    }
    out.untracked = untracked.into_iter().collect();
    out
}

/// The highest directory of an untracked path that holds no tracked file.
fn collapse(path: &str, tracked: &BTreeSet<&str>) -> String {
    let mut prefix = String::new();
    for part in path
        .split('/')
        .collect::<Vec<_>>()
        .split_last()
        .map(|(_, d)| d)
        .unwrap_or(&[])
    {
        prefix.push_str(part);
        prefix.push('/');
        if !tracked.iter().any(|t| t.starts_with(&prefix)) {
            return prefix;
        }
    }
    path.to_string()
}

/// `Your branch is ahead of 'origin/main' by 1 commit.` and its hint, or
/// nothing without an upstream.
pub fn tracking(repo: &Repo) -> String {
    let Head::Branch(branch) = &repo.head else {
        return String::new();
    };
    let Some((remote, merge)) = repo.upstreams.get(branch) else {
        return String::new();
    };
    if repo.head_commit().is_none() {
        return String::new();
    }
    let name = format!("{remote}/{merge}");
    let Some(theirs) = repo.refs.get(&format!("refs/remotes/{name}")) else {
        return format!(
            "Your branch is based on '{name}', but the upstream is gone.\n  (use \"git branch --unset-upstream\" to fixup)\n"
        );
    };
    let Some(ours) = repo.head_commit() else {
        return String::new();
    };
    let (ahead, behind) = ahead_behind(repo, &ours, theirs);
    let plural = |n: usize| if n == 1 { "commit" } else { "commits" };
    match (ahead, behind) {
        (0, 0) => format!("Your branch is up to date with '{name}'.\n"),
        (a, 0) => format!(
            "Your branch is ahead of '{name}' by {a} {}.\n  (use \"git push\" to publish your local commits)\n",
            plural(a)
        ),
        (0, b) => format!(
            "Your branch is behind '{name}' by {b} {}, and can be fast-forwarded.\n  (use \"git pull\" to update your local branch)\n",
            plural(b)
        ),
        (a, b) => format!(
            "Your branch and '{name}' have diverged,\nand have {a} and {b} different commits each, respectively.\n  (use \"git pull\" if you want to integrate the remote branch with yours)\n"
        ),
    }
}

/// Commits only in `ours`, and only in `theirs`.
pub fn ahead_behind(repo: &Repo, ours: &str, theirs: &str) -> (usize, usize) {
    let a: BTreeSet<String> = repo.history(&[ours.to_string()]).into_iter().collect();
    let b: BTreeSet<String> = repo.history(&[theirs.to_string()]).into_iter().collect();
    (a.difference(&b).count(), b.difference(&a).count())
}

/// The long status text.
pub fn long(git: &Git) -> String {
    let c = changes(git);
    let repo = &git.repo;
    let mut out = match &repo.head {
        Head::Branch(b) => format!("On branch {b}\n"),
        Head::Detached(id) => format!("{}\n", repo.detached_label(id)),
    };
    let track = tracking(repo);
    if !track.is_empty() {
        out.push_str(&track);
        out.push('\n');
    }
    let unborn = repo.head_commit().is_none();
    if unborn {
        out.push_str("\nNo commits yet\n\n");
    }
    if repo.merging.is_some() {
        if c.unmerged.is_empty() {
            out.push_str("All conflicts fixed but you are still merging.\n  (use \"git commit\" to conclude merge)\n\n");
        } else {
            out.push_str("You have unmerged paths.\n  (fix conflicts and run \"git commit\")\n  (use \"git merge --abort\" to abort the merge)\n\n");
        }
    }
    let show = |git: &Git, label: &str, path: &str, width: usize| {
        format!("\t{label:<width$}{}\n", git.display(path))
    };
    if !c.staged.is_empty() {
        out.push_str("Changes to be committed:\n");
        if unborn {
            out.push_str("  (use \"git rm --cached <file>...\" to unstage)\n");
        } else if repo.merging.is_none() {
            out.push_str("  (use \"git restore --staged <file>...\" to unstage)\n");
        }
        for (label, path) in &c.staged {
            out.push_str(&show(git, label, path, 12));
        }
        out.push('\n');
    }
    if !c.unmerged.is_empty() {
        let deletions = c.unmerged.iter().any(|(l, _)| l.starts_with("deleted"));
        if deletions {
            out.push_str("Unmerged paths:\n  (use \"git add/rm <file>...\" as appropriate to mark resolution)\n");
        } else {
            out.push_str("Unmerged paths:\n  (use \"git add <file>...\" to mark resolution)\n");
        }
        for (label, path) in &c.unmerged {
            out.push_str(&show(git, label, path, 17));
        }
        out.push('\n');
    }
    if !c.unstaged.is_empty() {
        out.push_str("Changes not staged for commit:\n  (use \"git add");
        if c.unstaged.iter().any(|(l, _)| *l == "deleted:") {
            out.push_str("/rm");
        }
        out.push_str(" <file>...\" to update what will be committed)\n  (use \"git restore <file>...\" to discard changes in working directory)\n");
        for (label, path) in &c.unstaged {
            out.push_str(&show(git, label, path, 12));
        }
        out.push('\n');
    }
    if !c.untracked.is_empty() {
        out.push_str(
            "Untracked files:\n  (use \"git add <file>...\" to include in what will be committed)\n",
        );
        for path in &c.untracked {
            out.push_str(&format!("\t{}\n", git.display(path)));
        }
        out.push('\n');
    }
    if c.staged.is_empty() {
        if !c.unstaged.is_empty() || !c.unmerged.is_empty() {
            out.push_str("no changes added to commit (use \"git add\" and/or \"git commit -a\")\n");
        } else if !c.untracked.is_empty() {
            out.push_str(
                "nothing added to commit but untracked files present (use \"git add\" to track)\n",
            );
        } else if unborn {
            out.push_str("nothing to commit (create/copy files and use \"git add\" to track)\n");
        } else if repo.merging.is_none() {
            out.push_str("nothing to commit, working tree clean\n");
        }
    }
    out
}

/// `git status`
pub fn status(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["-s", "--short", "-b", "--branch"],
        &[],
        "git status [<options>] [--] [<pathspec>...]",
    )?;
    if a.has(&["-s", "--short"]) {
        let mut text = String::new();
        if a.has(&["-b", "--branch"]) {
            text.push_str(&branch_line(&git.repo));
        }
        text.push_str(&short(git));
        git.out(&text);
        return Ok(0);
    }
    let text = long(git);
    git.out(&text);
    Ok(0)
}

/// `## main...origin/main [ahead 1]`: the first line of `git status -sb`.
fn branch_line(repo: &Repo) -> String {
    let branch = match &repo.head {
        Head::Detached(_) => return "## HEAD (no branch)\n".to_string(),
        Head::Branch(b) => b,
    };
    let Some(ours) = repo.head_commit() else {
        return format!("## No commits yet on {branch}\n");
    };
    let Some((remote, merge)) = repo.upstreams.get(branch) else {
        return format!("## {branch}\n");
    };
    let upstream = format!("{remote}/{merge}");
    let Some(theirs) = repo.refs.get(&format!("refs/remotes/{upstream}")) else {
        return format!("## {branch}...{upstream} [gone]\n");
    };
    let counts = match ahead_behind(repo, &ours, theirs) {
        (0, 0) => String::new(),
        (a, 0) => format!(" [ahead {a}]"),
        (0, b) => format!(" [behind {b}]"),
        (a, b) => format!(" [ahead {a}, behind {b}]"),
    };
    format!("## {branch}...{upstream}{counts}\n")
}

/// `git status --short`: `XY path`.
fn short(git: &Git) -> String {
    let c = changes(git);
    let mut lines: std::collections::BTreeMap<String, [char; 2]> = Default::default();
    let code = |label: &str| match label {
        "new file:" => 'A',
        "deleted:" => 'D',
        _ => 'M',
    };
    for (label, path) in &c.staged {
        lines.entry(path.clone()).or_insert([' ', ' '])[0] = code(label);
    }
    for (label, path) in &c.unstaged {
        lines.entry(path.clone()).or_insert([' ', ' '])[1] = code(label);
    }
    for (label, path) in &c.unmerged {
        let code = match *label {
            "both added:" => ['A', 'A'],
            "deleted by us:" => ['D', 'U'],
            "deleted by them:" => ['U', 'D'],
            "added by us:" => ['A', 'U'],
            "added by them:" => ['U', 'A'],
            "both deleted:" => ['D', 'D'],
            _ => ['U', 'U'],
        };
        lines.insert(path.clone(), code);
    }
    let mut out: String = lines
        .iter()
        .map(|(p, [x, y])| format!("{x}{y} {}\n", git.display(p)))
        .collect();
    for p in &c.untracked {
        out.push_str(&format!("?? {}\n", git.display(p)));
    }
    out
}

/// True when the index differs from HEAD.
pub fn has_staged(head: &Snapshot, git: &Git) -> bool {
    &git.repo.index.entries != head || !git.repo.index.conflicts.is_empty()
}

//! `git log` and `git show`.

use crate::world::git::args;
use crate::world::git::error::GitError;
use crate::world::git::ident;
use crate::world::git::object::Oid;
use crate::world::git::repo::{Head, Repo};
use crate::world::git::session::Git;

use super::commit::stat_lines;
use super::diffs::patch_between;
use super::graph::Graph;
use crate::world::git::diff;

/// `(HEAD -> main, origin/main, feature)`: refs at a commit in git's order.
pub fn decoration(repo: &Repo, id: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    let current = repo.branch().map(|b| format!("refs/heads/{b}"));
    for (name, target) in repo.all_refs().iter().rev() {
        if target != id || Some(name) == current.as_ref() {
            continue;
        }
        let short = name
            .strip_prefix("refs/heads/")
            .or_else(|| name.strip_prefix("refs/remotes/"))
            .map(str::to_string)
            .or_else(|| name.strip_prefix("refs/tags/").map(|t| format!("tag: {t}")))
            .unwrap_or_else(|| name.clone());
        names.push(short);
    }
    if repo.head_commit().as_deref() == Some(id) {
        match &repo.head {
            Head::Branch(b) => names.insert(0, format!("HEAD -> {b}")),
            Head::Detached(_) => names.insert(0, "HEAD".to_string()),
        }
    }
    if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    }
}

/// One line of `git log --graph --oneline --all`, split for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    /// The graph to the left (`* `, `| * `, `|/  `).
    pub graph: String,
    /// The full id of the commit on this line; `None` for a line of lanes only.
    pub commit: Option<Oid>,
    /// The refs at the commit as git decorates them (`HEAD -> main, origin/main`).
    pub refs: String,
    /// The commit's subject.
    pub subject: String,
}

/// `git log --graph --oneline --all` of `repo`, line by line; empty before the first commit.
pub fn log_graph(repo: &Repo) -> Vec<LogLine> {
    let mut tips: Vec<Oid> = repo.refs.values().cloned().collect();
    tips.extend(repo.head_commit());
    let mut graph = Graph::default();
    let mut lines = Vec::new();
    for id in super::graph::order(repo, &tips) {
        let row = graph.row(repo, &id);
        let decoration = decoration(repo, &id);
        lines.push(LogLine {
            graph: row.first,
            refs: decoration
                .strip_prefix(" (")
                .and_then(|d| d.strip_suffix(')'))
                .unwrap_or_default()
                .to_string(),
            subject: repo
                .commit(&id)
                .map(|c| c.subject().to_string())
                .unwrap_or_default(),
            commit: Some(id),
        });
        for prefix in row.follow {
            lines.push(LogLine {
                graph: prefix,
                commit: None,
                refs: String::new(),
                subject: String::new(),
            });
        }
    }
    lines
}

/// One commit in the medium format, without the trailing blank line.
fn medium(repo: &Repo, id: &str, decorate: bool) -> String {
    let Some(c) = repo.commit(id) else {
        return String::new();
    };
    let mut out = format!(
        "commit {id}{}\n",
        if decorate {
            decoration(repo, id)
        } else {
            String::new()
        }
    );
    if c.parents.len() > 1 {
        let short: Vec<&str> = c.parents.iter().map(|p| Repo::short(p)).collect();
        out.push_str(&format!("Merge: {}\n", short.join(" ")));
    }
    out.push_str(&format!(
        "Author: {} <{}>\nDate:   {}\n\n",
        c.author.name,
        c.author.email,
        ident::format_date(c.author.time)
    ));
    for line in c.message.trim_end().lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("    {line}\n"));
        }
    }
    out
}

/// The patch of a commit against its first parent (none for merges).
fn commit_patch(repo: &Repo, id: &str) -> String {
    let Some(c) = repo.commit(id) else {
        return String::new();
    };
    if c.parents.len() > 1 {
        return String::new();
    }
    let old = repo.snapshot(c.parents.first().map(String::as_str));
    let new = repo.read_tree(&c.tree);
    patch_between(repo, &old, &new)
}

/// True when a commit changes one of the paths: against its parent, or
/// for a merge against every parent (git's history simplification).
fn touches(repo: &Repo, id: &str, paths: &[String]) -> bool {
    let Some(c) = repo.commit(id) else {
        return false;
    };
    let files = repo.read_tree(&c.tree);
    let pick = |snapshot: &crate::world::git::repo::Snapshot| -> Vec<(String, String)> {
        snapshot
            .iter()
            .filter(|(p, _)| paths.iter().any(|s| super::stage::under(p, s)))
            .map(|(p, id)| (p.clone(), id.clone()))
            .collect()
    };
    let mine = pick(&files);
    if c.parents.is_empty() {
        return !mine.is_empty();
    }
    c.parents
        .iter()
        .all(|p| pick(&repo.snapshot(Some(p))) != mine)
}

/// `git log [--oneline] [--graph] [--all] [-p] [-n N] [REVISION]`
pub fn log(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let mut args = args.to_vec();
    // `-3` means `-n 3`.
    for a in args.iter_mut() {
        if a.len() > 1 && a.starts_with('-') && a[1..].bytes().all(|b| b.is_ascii_digit()) {
            *a = format!("--max-count={}", &a[1..]);
        }
    }
    let a = args::parse(
        &args,
        &[
            "--oneline",
            "--graph",
            "--all",
            "-p",
            "--patch",
            "-u",
            "--stat",
            "--decorate",
            "--no-decorate",
        ],
        &["-n", "--max-count"],
        "git log [<options>] [<revision-range>] [[--] <path>...]",
    )?;
    let limit = match a.value(&["-n", "--max-count"]) {
        Some(n) => Some(
            n.parse::<usize>()
                .map_err(|_| GitError::fatal(&format!("'{n}': not an integer")))?,
        ),
        None => None,
    };
    let mut tips = Vec::new();
    if a.has(&["--all"]) {
        tips.extend(git.repo.refs.values().cloned());
        tips.extend(git.repo.head_commit());
    }
    let mut paths = Vec::new();
    for rev in &a.operands {
        let as_path = a.dashdash && args.iter().skip_while(|x| *x != "--").any(|x| x == rev);
        if !as_path && paths.is_empty() {
            if let Some(id) = git.repo.resolve(rev) {
                tips.push(id);
                continue;
            }
        }
        let known = git.pathspec(rev).ok().filter(|spec| {
            git.files().keys().any(|p| super::stage::under(p, spec))
                || git
                    .repo
                    .index
                    .entries
                    .keys()
                    .any(|p| super::stage::under(p, spec))
        });
        match known {
            Some(spec) => paths.push(spec),
            None if as_path => paths.push(git.pathspec(rev)?),
            None => return Err(GitError::bad_revision(rev)),
        }
    }
    if tips.is_empty() {
        match git.repo.head_commit() {
            Some(id) => tips.push(id),
            None => {
                let branch = git.repo.branch().unwrap_or("HEAD").to_string();
                return Err(GitError::no_commits(&branch));
            }
        }
    }
    let mut commits = if a.has(&["--graph"]) {
        super::graph::order(&git.repo, &tips)
    } else {
        git.repo.history(&tips)
    };
    if !paths.is_empty() {
        commits.retain(|id| touches(&git.repo, id, &paths));
    }
    if let Some(n) = limit {
        commits.truncate(n);
    }
    let oneline = a.has(&["--oneline"]);
    let patch = a.has(&["-p", "--patch", "-u"]);
    let stat = a.has(&["--stat"]);
    let decorate = !a.has(&["--no-decorate"]);
    let mut graph = a.has(&["--graph"]).then(Graph::default);
    let mut out = String::new();
    for (i, id) in commits.iter().enumerate() {
        let mut body = if oneline {
            let subject = git.repo.commit(id).map(|c| c.subject()).unwrap_or_default();
            format!(
                "{}{} {subject}\n",
                Repo::short(id),
                if decorate {
                    decoration(&git.repo, id)
                } else {
                    String::new()
                }
            )
        } else {
            medium(&git.repo, id, decorate)
        };
        if stat {
            if let Some(c) = git.repo.commit(id).filter(|c| c.parents.len() < 2) {
                let old = git.repo.snapshot(c.parents.first().map(String::as_str));
                let new = git.repo.read_tree(&c.tree);
                let (lines, _) = stat_lines(&git.repo, &old, &new);
                if !lines.is_empty() {
                    // With a patch too, git puts `---` between message and stat.
                    let lead = match (oneline, patch) {
                        (true, _) => "",
                        (false, true) => "---\n",
                        (false, false) => "\n",
                    };
                    body.push_str(&format!("{lead}{}", diff::stat(&lines)));
                }
            }
        }
        if patch {
            let p = commit_patch(&git.repo, id);
            if !p.is_empty() {
                body.push_str(if oneline { "" } else { "\n" });
                body.push_str(&p);
            }
        }
        let separator = !oneline && i + 1 < commits.len();
        match graph.as_mut() {
            None => {
                out.push_str(&body);
                if separator {
                    out.push('\n');
                }
            }
            Some(g) => {
                let row = g.row(&git.repo, id);
                let lines: Vec<&str> = body.lines().collect();
                for (k, line) in lines.iter().enumerate() {
                    let prefix = match k {
                        0 => &row.first,
                        k => row.follow.get(k - 1).unwrap_or(&row.rest),
                    };
                    if line.is_empty() {
                        out.push_str(prefix);
                    } else {
                        out.push_str(&format!("{prefix}{line}"));
                    }
                    out.push('\n');
                }
                for prefix in row.follow.iter().skip(lines.len().saturating_sub(1)) {
                    out.push_str(&format!("{prefix}\n"));
                }
                if separator {
                    out.push_str(&format!("{}\n", row.separator));
                }
            }
        }
    }
    git.out(&out);
    Ok(0)
}

/// `git show [COMMIT]`
pub fn show(git: &mut Git, args: &[String]) -> Result<i32, GitError> {
    let a = args::parse(
        args,
        &["--stat", "--oneline"],
        &[],
        "git show [<options>] <object>...",
    )?;
    let rev = a.operands.first().map(String::as_str).unwrap_or("HEAD");
    if let Some((commit_rev, path)) = rev.split_once(':') {
        let commit_rev = if commit_rev.is_empty() {
            "HEAD"
        } else {
            commit_rev
        };
        let id = git
            .repo
            .resolve(commit_rev)
            .ok_or_else(|| GitError::bad_revision(rev))?;
        let snapshot = git.repo.snapshot(Some(&id));
        let Some(blob) = snapshot.get(path.trim_start_matches("./")) else {
            return Err(GitError::fatal(&format!(
                "path '{path}' does not exist in '{commit_rev}'"
            )));
        };
        let text = git.repo.blob(blob).to_string();
        git.out(&text);
        return Ok(0);
    }
    let id = match git.repo.resolve(rev) {
        Some(id) => id,
        None if rev == "HEAD" => {
            let branch = git.repo.branch().unwrap_or("HEAD").to_string();
            return Err(GitError::no_commits(&branch));
        }
        None => return Err(GitError::bad_revision(rev)),
    };
    let mut out = if a.has(&["--oneline"]) {
        let subject = git
            .repo
            .commit(&id)
            .map(|c| c.subject())
            .unwrap_or_default();
        format!(
            "{}{} {subject}\n",
            Repo::short(&id),
            decoration(&git.repo, &id)
        )
    } else {
        medium(&git.repo, &id, true)
    };
    if a.has(&["--stat"]) {
        if let Some(c) = git.repo.commit(&id) {
            let old = git.repo.snapshot(c.parents.first().map(String::as_str));
            let new = git.repo.read_tree(&c.tree);
            let (lines, _) = stat_lines(&git.repo, &old, &new);
            out.push_str(&format!("\n{}", diff::stat(&lines)));
        }
    } else if git.repo.commit(&id).is_some_and(|c| c.parents.len() > 1) {
        // The combined diff of a clean merge is empty, but git still
        // ends the commit with a blank line.
        out.push('\n');
    } else {
        let p = commit_patch(&git.repo, &id);
        if !p.is_empty() {
            out.push('\n');
            out.push_str(&p);
        }
    }
    git.out(&out);
    Ok(0)
}

//! Differences between two snapshots in git's unified format (`diff --git`,
//! `index`, hunks with function context) and as a diffstat. Line diffs come
//! from `diffy`, the hunk layout and headers from git.

use diffy::{DiffOptions, Line};

use super::repo::Repo;

/// A change to one path; `None` is "absent on that side".
pub struct FileChange<'a> {
    /// The path.
    pub path: &'a str,
    /// The old blob id and text.
    pub old: Option<(&'a str, &'a str)>,
    /// The new blob id and text.
    pub new: Option<(&'a str, &'a str)>,
}

/// Lines added and removed.
pub fn counts(old: &str, new: &str) -> (usize, usize) {
    let patch = DiffOptions::new().set_context_len(0).create_patch(old, new);
    let mut added = 0;
    let mut removed = 0;
    for hunk in patch.hunks() {
        for line in hunk.lines() {
            match line {
                Line::Insert(_) => added += 1,
                Line::Delete(_) => removed += 1,
                Line::Context(_) => {}
            }
        }
    }
    (added, removed)
}

/// The patch for one path, `diff --git` header included.
pub fn patch(change: &FileChange) -> String {
    let path = change.path;
    let mut out = format!("diff --git a/{path} b/{path}\n");
    let old_id = change
        .old
        .map(|(id, _)| Repo::short(id))
        .unwrap_or("0000000");
    let new_id = change
        .new
        .map(|(id, _)| Repo::short(id))
        .unwrap_or("0000000");
    match (change.old, change.new) {
        (None, _) => out.push_str(&format!("new file mode 100644\nindex {old_id}..{new_id}\n")),
        (_, None) => out.push_str(&format!(
            "deleted file mode 100644\nindex {old_id}..{new_id}\n"
        )),
        _ => out.push_str(&format!("index {old_id}..{new_id} 100644\n")),
    }
    let old = change.old.map(|(_, t)| t).unwrap_or_default();
    let new = change.new.map(|(_, t)| t).unwrap_or_default();
    if old == new {
        return out;
    }
    let from = if change.old.is_some() {
        format!("a/{path}")
    } else {
        "/dev/null".to_string()
    };
    let to = if change.new.is_some() {
        format!("b/{path}")
    } else {
        "/dev/null".to_string()
    };
    out.push_str(&format!("--- {from}\n+++ {to}\n"));
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let diff = DiffOptions::new().create_patch(old, new);
    for hunk in diff.hunks() {
        let o = hunk.old_range();
        let n = hunk.new_range();
        let context = function_context(&old_lines, o.start());
        out.push_str(&format!(
            "@@ -{} +{} @@{context}\n",
            range(o.start(), o.len()),
            range(n.start(), n.len())
        ));
        for line in hunk.lines() {
            let (mark, text) = match line {
                Line::Context(t) => (' ', *t),
                Line::Delete(t) => ('-', *t),
                Line::Insert(t) => ('+', *t),
            };
            out.push(mark);
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// `start,len` as git writes a hunk range (`,1` left out; empty ranges start one lower).
fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{},0", start.saturating_sub(1)),
        1 => format!("{start}"),
        _ => format!("{start},{len}"),
    }
}

/// git's default function line: the nearest line above the hunk that starts
/// with a letter, `_` or `$`, cut to 80 bytes.
fn function_context(lines: &[&str], start: usize) -> String {
    let before = start.saturating_sub(1).min(lines.len());
    lines[..before]
        .iter()
        .rev()
        .find(|l| {
            l.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        })
        .map(|l| {
            let mut text = l.trim_end().to_string();
            while text.len() > 80 {
                text.pop();
            }
            format!(" {}", text.trim_end())
        })
        .unwrap_or_default()
}

/// Per-path counts for a diffstat.
pub struct StatLine {
    /// The path.
    pub path: String,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
}

/// ` models.py | 3 ++-` lines and the summary, as `git merge` and
/// `git diff --stat` print them.
pub fn stat(lines: &[StatLine]) -> String {
    let width = lines.iter().map(|l| l.path.len()).max().unwrap_or(0);
    let max_changes = lines.iter().map(|l| l.added + l.removed).max().unwrap_or(0);
    let num_width = max_changes.to_string().len();
    let mut out = String::new();
    for l in lines {
        let total = l.added + l.removed;
        // git scales the bar to fit a terminal of 80 columns.
        let room = 80usize.saturating_sub(width + num_width + 4).max(10);
        let (plus, minus) = if max_changes > room {
            let scale = |n: usize| {
                if n == 0 {
                    0
                } else {
                    (n * room / max_changes).max(1)
                }
            };
            (scale(l.added), scale(l.removed))
        } else {
            (l.added, l.removed)
        };
        out.push_str(&format!(
            " {:<width$} | {:>num_width$} {}{}\n",
            l.path,
            total,
            "+".repeat(plus),
            "-".repeat(minus)
        ));
    }
    out.push_str(&summary(lines));
    out
}

/// ` 2 files changed, 3 insertions(+), 1 deletion(-)`.
pub fn summary(lines: &[StatLine]) -> String {
    let files = lines.len();
    let added: usize = lines.iter().map(|l| l.added).sum();
    let removed: usize = lines.iter().map(|l| l.removed).sum();
    let mut out = format!(" {files} file{} changed", if files == 1 { "" } else { "s" });
    if added > 0 || removed == 0 {
        out.push_str(&format!(
            ", {added} insertion{}(+)",
            if added == 1 { "" } else { "s" }
        ));
    }
    if removed > 0 {
        out.push_str(&format!(
            ", {removed} deletion{}(-)",
            if removed == 1 { "" } else { "s" }
        ));
    }
    out.push('\n');
    out
}

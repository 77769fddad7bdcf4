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

/// Exact renames between two sides: each path only in `new` whose blob is
/// that of a path only in `old`, paired in path order as `(from, to)`.
pub fn renames(
    old: &std::collections::BTreeMap<String, String>,
    new: &std::collections::BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let mut gone: Vec<(&String, &String)> =
        old.iter().filter(|(p, _)| !new.contains_key(*p)).collect();
    let mut pairs = Vec::new();
    for (path, id) in new.iter().filter(|(p, _)| !old.contains_key(*p)) {
        if let Some(i) = gone.iter().position(|(_, old_id)| *old_id == id) {
            let (from, _) = gone.remove(i);
            pairs.push((from.clone(), path.clone()));
        }
    }
    pairs
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
    for hunk in merged_hunks(diff.hunks()) {
        let context = function_context(&old_lines, hunk.old.0);
        out.push_str(&format!(
            "@@ -{} +{} @@{context}\n",
            range(hunk.old.0, hunk.old.1),
            range(hunk.new.0, hunk.new.1)
        ));
        for (mark, text) in hunk.lines {
            out.push(mark);
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// A hunk as git prints it: (start, length) on each side and marked lines.
struct GitHunk<'a> {
    old: (usize, usize),
    new: (usize, usize),
    lines: Vec<(char, &'a str)>,
}

/// diffy's hunks, with hunks whose context lines touch joined into one:
/// git joins hunks when at most twice the context separates their changes.
fn merged_hunks<'a>(hunks: &[diffy::Hunk<'a, str>]) -> Vec<GitHunk<'a>> {
    let mut out: Vec<GitHunk<'a>> = Vec::new();
    for hunk in hunks {
        let o = hunk.old_range();
        let n = hunk.new_range();
        let lines: Vec<(char, &'a str)> = hunk
            .lines()
            .iter()
            .map(|line| match line {
                Line::Context(t) => (' ', *t),
                Line::Delete(t) => ('-', *t),
                Line::Insert(t) => ('+', *t),
            })
            .collect();
        match out.last_mut() {
            Some(last) if last.old.0 + last.old.1 == o.start() && !o.is_empty() => {
                last.old.1 += o.len();
                last.new.1 += n.len();
                last.lines.extend(lines);
            }
            _ => out.push(GitHunk {
                old: (o.start(), o.len()),
                new: (n.start(), n.len()),
                lines,
            }),
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
/// `git diff --stat` print them: git's `show_stats` for a terminal of 80
/// columns (what git assumes when its output is not a terminal).
pub fn stat(lines: &[StatLine]) -> String {
    const WIDTH: usize = 80;
    let max_len = lines.iter().map(|l| l.path.len()).max().unwrap_or(0);
    let max_change = lines.iter().map(|l| l.added + l.removed).max().unwrap_or(0);
    let number_width = max_change.to_string().len();
    let mut graph_width = max_change;
    let mut name_width = max_len;
    if name_width + number_width + 6 + graph_width > WIDTH {
        let limit = (WIDTH * 3 / 8).saturating_sub(number_width + 6);
        if graph_width > limit {
            graph_width = limit.max(6);
        }
        let rest = WIDTH.saturating_sub(number_width + 6 + graph_width);
        if name_width > rest {
            name_width = rest;
        } else {
            graph_width = WIDTH - number_width - 6 - name_width;
        }
    }
    // git's scale_linear: a non-zero count keeps at least one column.
    let scale = |n: usize| {
        if n == 0 {
            0
        } else {
            1 + n * (graph_width - 1) / max_change
        }
    };
    let mut out = String::new();
    for l in lines {
        let total = l.added + l.removed;
        let (mut plus, mut minus) = (l.added, l.removed);
        if graph_width <= max_change {
            let mut width = scale(total);
            if width < 2 && plus > 0 && minus > 0 {
                width = 2;
            }
            if plus < minus {
                plus = scale(plus);
                minus = width - plus;
            } else {
                minus = scale(minus);
                plus = width - minus;
            }
        }
        let name = shorten(&l.path, name_width);
        let name_width = name_width.max(name.len());
        let bar = format!("{}{}", "+".repeat(plus), "-".repeat(minus));
        let line = format!(" {name:<name_width$} | {total:>number_width$} {bar}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&summary(lines));
    out
}

/// A path cut to `width` columns as git's diffstat cuts it: `...` and the
/// tail, starting at a `/` when the tail has one.
fn shorten(path: &str, width: usize) -> String {
    if path.len() <= width {
        return path.to_string();
    }
    let keep = width.saturating_sub(3);
    let mut start = path.len() - keep;
    while !path.is_char_boundary(start) {
        start += 1;
    }
    let mut tail = &path[start..];
    if let Some(slash) = tail.find('/') {
        tail = &tail[slash..];
    }
    format!("...{tail}")
}

/// ` 2 files changed, 3 insertions(+), 1 deletion(-)`.
pub fn summary(lines: &[StatLine]) -> String {
    let files = lines.len();
    let added: usize = lines.iter().map(|l| l.added).sum();
    let removed: usize = lines.iter().map(|l| l.removed).sum();
    let mut out = format!(" {files} file{} changed", if files == 1 { "" } else { "s" });
    if added > 0 || removed == 0 {
        if added == 0 {
            // git names both counts when a change adds and removes nothing.
            out.push_str(", 0 insertions(+), 0 deletions(-)\n");
            return out;
        }
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

/// One line of a combined diff: a mark per parent and the text.
struct Row {
    marks: [char; 2],
    text: String,
    /// False for a line only a parent had.
    in_result: bool,
}

/// `git diff` of a conflicted path (`diff --cc`): the work-tree file against
/// both sides, a column of marks per side, only hunks where both sides differ.
pub fn combined(path: &str, ours: (&str, &str), theirs: (&str, &str), work: &str) -> String {
    let work_lines: Vec<&str> = work.split_inclusive('\n').collect();
    // For each side: which work lines it lacks, and its lines removed before each work line.
    let mut added = [vec![false; work_lines.len()], vec![false; work_lines.len()]];
    let mut removed: [Vec<Vec<String>>; 2] = [
        vec![Vec::new(); work_lines.len() + 1],
        vec![Vec::new(); work_lines.len() + 1],
    ];
    for (k, text) in [ours.1, theirs.1].into_iter().enumerate() {
        let patch = DiffOptions::new()
            .set_context_len(usize::MAX / 4)
            .create_patch(text, work);
        let mut j = 0;
        for hunk in patch.hunks() {
            for line in hunk.lines() {
                match line {
                    Line::Context(_) => j += 1,
                    Line::Insert(_) => {
                        if let Some(a) = added[k].get_mut(j) {
                            *a = true;
                        }
                        j += 1;
                    }
                    Line::Delete(t) => {
                        if let Some(r) = removed[k].get_mut(j) {
                            r.push(t.to_string());
                        }
                    }
                }
            }
        }
    }
    let mut rows = Vec::new();
    for j in 0..=work_lines.len() {
        for (k, gone) in removed.iter().enumerate() {
            for text in &gone[j] {
                let mut marks = [' ', ' '];
                marks[k] = '-';
                rows.push(Row {
                    marks,
                    text: text.clone(),
                    in_result: false,
                });
            }
        }
        if let Some(text) = work_lines.get(j) {
            rows.push(Row {
                marks: [
                    if added[0][j] { '+' } else { ' ' },
                    if added[1][j] { '+' } else { ' ' },
                ],
                text: text.to_string(),
                in_result: true,
            });
        }
    }
    let mut out = format!(
        "diff --cc {path}\nindex {},{}..0000000\n--- a/{path}\n+++ b/{path}\n",
        Repo::short(ours.0),
        Repo::short(theirs.0)
    );
    let changed: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].marks != [' ', ' '])
        .collect();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(3);
        let mut end = changed[i] + 3;
        let mut both = [false, false];
        while i < changed.len() && changed[i] <= end + 3 {
            end = changed[i] + 3;
            let row = &rows[changed[i]];
            both[0] |= row.marks[0] != ' ';
            both[1] |= row.marks[1] != ' ';
            i += 1;
        }
        let end = end.min(rows.len().saturating_sub(1));
        if !(both[0] && both[1]) {
            continue;
        }
        let line_of = |k: usize, upto: usize| {
            rows[..upto]
                .iter()
                .filter(|r| {
                    if r.in_result {
                        r.marks[k] == ' '
                    } else {
                        r.marks[k] == '-'
                    }
                })
                .count()
        };
        let work_of = |upto: usize| rows[..upto].iter().filter(|r| r.in_result).count();
        let mut header = String::from("@@@");
        for k in 0..2 {
            let first = line_of(k, start) + 1;
            let count = line_of(k, end + 1) - line_of(k, start);
            header.push_str(&format!(" -{first},{count}"));
        }
        let first = work_of(start) + 1;
        let count = work_of(end + 1) - work_of(start);
        let work_text: Vec<&str> = rows
            .iter()
            .filter(|r| r.in_result)
            .map(|r| r.text.as_str())
            .collect();
        // git's combined diff prints the function line without its last
        // character (combine-diff.c stops one short), so do the same.
        let mut context = function_context(&work_text, first);
        context.pop();
        header.push_str(&format!(" +{first},{count} @@@{context}\n"));
        out.push_str(&header);
        for row in &rows[start..=end] {
            out.push(row.marks[0]);
            out.push(row.marks[1]);
            out.push_str(&row.text);
            if !row.text.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_name_the_enclosing_class() {
        let old = "from app import db\n\n\nclass User(db.Model):\n    a = 1\n    b = 2\n    c = 3\n    d = 4\n    e = 5\n";
        let new = old.replace("    e = 5\n", "    e = 6\n");
        let text = patch(&FileChange {
            path: "models.py",
            old: Some(("1111111111", old)),
            new: Some(("2222222222", &new)),
        });
        assert_eq!(
            text,
            "diff --git a/models.py b/models.py\nindex 1111111..2222222 100644\n--- a/models.py\n+++ b/models.py\n@@ -6,4 +6,4 @@ class User(db.Model):\n     b = 2\n     c = 3\n     d = 4\n-    e = 5\n+    e = 6\n"
        );
    }

    #[test]
    fn summaries() {
        let line = |added, removed| StatLine {
            path: "x".into(),
            added,
            removed,
        };
        assert_eq!(summary(&[line(1, 0)]), " 1 file changed, 1 insertion(+)\n");
        assert_eq!(
            summary(&[line(2, 1), line(0, 3)]),
            " 2 files changed, 2 insertions(+), 4 deletions(-)\n"
        );
        assert_eq!(
            summary(&[line(0, 0)]),
            " 1 file changed, 0 insertions(+), 0 deletions(-)\n"
        );
    }
}

#[cfg(test)]
mod stat_tests {
    use super::*;

    #[test]
    fn long_names_narrow_the_bars_as_git_does() {
        let line = |path: &str, added| StatLine {
            path: path.to_string(),
            added,
            removed: 0,
        };
        // Recorded with git 2.47: a pull that brings a migrations folder.
        let text = stat(&[
            line("migrations/alembic.ini", 50),
            line("migrations/env.py", 113),
            line("migrations/versions/c9c71291a341_create_users.py", 34),
        ]);
        assert_eq!(
            text,
            " migrations/alembic.ini                           |  50 ++++++++++\n \
             migrations/env.py                                | 113 +++++++++++++++++++++++\n \
             migrations/versions/c9c71291a341_create_users.py |  34 +++++++\n \
             3 files changed, 197 insertions(+)\n"
        );
        let long = "é".repeat(60);
        assert!(stat(&[line(&long, 1)]).starts_with(" ..."));
    }
}

//! Three-way merges of snapshots: per path, take the side that changed, and
//! merge text that both sides changed with `diffy` (git's conflict markers,
//! `merge` style). Two files added under different names never conflict.

use std::collections::{BTreeMap, BTreeSet};

use diffy::{ConflictStyle, MergeOptions};

use super::repo::{Conflict, Repo, Snapshot};

/// What a merge of two snapshots produced.
#[derive(Debug, Default)]
pub struct Merged {
    /// Every cleanly merged path (stage 0).
    pub clean: Snapshot,
    /// Paths left unmerged, with their three sides.
    pub conflicts: BTreeMap<String, Conflict>,
    /// The work-tree text of each conflicted path (markers included).
    pub conflict_text: BTreeMap<String, String>,
    /// `Auto-merging …` and `CONFLICT …` lines, in git's order.
    pub messages: Vec<String>,
}

/// Merges `ours` and `theirs` from their `base`; `their_label` names the
/// other side in markers and messages (a branch name).
pub fn merge(
    repo: &mut Repo,
    base: &Snapshot,
    ours: &Snapshot,
    theirs: &Snapshot,
    their_label: &str,
) -> Merged {
    let mut out = Merged::default();
    let paths: BTreeSet<&String> = base
        .keys()
        .chain(ours.keys())
        .chain(theirs.keys())
        .collect();
    for path in paths {
        let b = base.get(path);
        let o = ours.get(path);
        let t = theirs.get(path);
        if o == t || b == t {
            if let Some(o) = o {
                out.clean.insert(path.clone(), o.clone());
            }
            continue;
        }
        if b == o {
            if let Some(t) = t {
                out.clean.insert(path.clone(), t.clone());
            }
            continue;
        }
        let conflict = Conflict {
            base: b.cloned(),
            ours: o.cloned(),
            theirs: t.cloned(),
        };
        match (o, t) {
            (Some(o), Some(t)) => {
                out.messages.push(format!("Auto-merging {path}"));
                let base_text = b.map(|b| repo.blob(b).to_string()).unwrap_or_default();
                let ours_text = repo.blob(o).to_string();
                let theirs_text = repo.blob(t).to_string();
                let mut options = MergeOptions::new();
                options.set_conflict_style(ConflictStyle::Merge);
                match options.merge(&base_text, &ours_text, &theirs_text) {
                    Ok(text) => {
                        let id = repo.put_blob(&text);
                        out.clean.insert(path.clone(), id);
                    }
                    Err(text) => {
                        let kind = if b.is_some() { "content" } else { "add/add" };
                        out.messages
                            .push(format!("CONFLICT ({kind}): Merge conflict in {path}"));
                        out.conflict_text
                            .insert(path.clone(), relabel(&text, their_label));
                        out.conflicts.insert(path.clone(), conflict);
                    }
                }
            }
            (Some(o), None) => {
                out.messages.push(format!(
                    "CONFLICT (modify/delete): {path} deleted in {their_label} and modified in HEAD.  Version HEAD of {path} left in tree."
                ));
                out.conflict_text
                    .insert(path.clone(), repo.blob(o).to_string());
                out.conflicts.insert(path.clone(), conflict);
            }
            (None, Some(t)) => {
                out.messages.push(format!(
                    "CONFLICT (modify/delete): {path} deleted in HEAD and modified in {their_label}.  Version {their_label} of {path} left in tree."
                ));
                out.conflict_text
                    .insert(path.clone(), repo.blob(t).to_string());
                out.conflicts.insert(path.clone(), conflict);
            }
            (None, None) => {}
        }
    }
    out
}

/// A stretch of merged text: lines both sides agree on, or a conflict.
enum Part<'a> {
    Clean(Vec<&'a str>),
    Conflict(Vec<&'a str>, Vec<&'a str>),
}

/// Names the sides as git does (`<<<<<<< HEAD`, `>>>>>>> BRANCH`) and joins
/// conflicts that only three lines or fewer, or lines without a letter or
/// digit, keep apart, as git's merge (level "zealous-alnum") does.
fn relabel(text: &str, theirs: &str) -> String {
    let mut parts: Vec<Part> = Vec::new();
    let mut side: Option<(Vec<&str>, Vec<&str>, bool)> = None;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        match (&mut side, bare) {
            (None, "<<<<<<< ours") => side = Some((Vec::new(), Vec::new(), false)),
            (Some((_, _, in_theirs)), "=======") if !*in_theirs => *in_theirs = true,
            (Some(_), ">>>>>>> theirs") => {
                if let Some((ours, theirs_lines, _)) = side.take() {
                    parts.push(Part::Conflict(ours, theirs_lines));
                }
            }
            (Some((ours, theirs_lines, in_theirs)), _) => {
                if *in_theirs {
                    theirs_lines.push(line);
                } else {
                    ours.push(line);
                }
            }
            (None, _) => match parts.last_mut() {
                Some(Part::Clean(lines)) => lines.push(line),
                _ => parts.push(Part::Clean(vec![line])),
            },
        }
    }
    // Join conflict, short clean stretch, conflict into one conflict.
    let mut joined: Vec<Part> = Vec::new();
    for part in parts {
        let mergeable = |gap: &[&str]| {
            gap.len() <= 3 || !gap.iter().any(|l| l.chars().any(|c| c.is_alphanumeric()))
        };
        match part {
            Part::Conflict(ours, theirs_lines) => {
                let n = joined.len();
                let gap_ok = n >= 2
                    && matches!(&joined[n - 1], Part::Clean(gap) if mergeable(gap))
                    && matches!(&joined[n - 2], Part::Conflict(..));
                if gap_ok {
                    let Some(Part::Clean(gap)) = joined.pop() else {
                        unreachable!("relabel: checked above")
                    };
                    if let Some(Part::Conflict(o, t)) = joined.last_mut() {
                        o.extend(gap.iter().copied());
                        o.extend(ours);
                        t.extend(gap.iter().copied());
                        t.extend(theirs_lines);
                    }
                } else {
                    joined.push(Part::Conflict(ours, theirs_lines));
                }
            }
            clean => joined.push(clean),
        }
    }
    let mut out = String::new();
    for part in joined {
        match part {
            Part::Clean(lines) => out.extend(lines),
            Part::Conflict(ours, theirs_lines) => {
                out.push_str("<<<<<<< HEAD\n");
                out.extend(ours);
                out.push_str("=======\n");
                out.extend(theirs_lines);
                out.push_str(&format!(">>>>>>> {theirs}\n"));
            }
        }
    }
    // An unterminated conflict (never produced by diffy) is kept as it came.
    if let Some((ours, theirs_lines, _)) = side {
        out.push_str("<<<<<<< HEAD\n");
        out.extend(ours);
        out.push_str("=======\n");
        out.extend(theirs_lines);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_edit_one_line() {
        let mut repo = Repo::new("main", false);
        let snap = |repo: &mut Repo, text: &str| {
            let mut s = Snapshot::new();
            s.insert("models.py".to_string(), repo.put_blob(text));
            s
        };
        let base = snap(&mut repo, "a\nb\nc\n");
        let ours = snap(&mut repo, "a\nB1\nc\n");
        let theirs = snap(&mut repo, "a\nB2\nc\n");
        let m = merge(&mut repo, &base, &ours, &theirs, "feature");
        assert_eq!(
            m.conflict_text["models.py"],
            "a\n<<<<<<< HEAD\nB1\n=======\nB2\n>>>>>>> feature\nc\n"
        );
        assert_eq!(
            m.messages,
            [
                "Auto-merging models.py",
                "CONFLICT (content): Merge conflict in models.py"
            ]
        );
    }

    #[test]
    fn nearby_conflicts_join_as_in_git() {
        let cases = [
            // Two lines apart: one conflict.
            (
                "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\nx\ny\n<<<<<<< ours\nc\n=======\nd\n>>>>>>> theirs\n",
                "<<<<<<< HEAD\na\nx\ny\nc\n=======\nb\nx\ny\nd\n>>>>>>> f\n",
            ),
            // Four lines with letters apart: two conflicts.
            (
                "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\nw\nx\ny\nz\n<<<<<<< ours\nc\n=======\nd\n>>>>>>> theirs\n",
                "<<<<<<< HEAD\na\n=======\nb\n>>>>>>> f\nw\nx\ny\nz\n<<<<<<< HEAD\nc\n=======\nd\n>>>>>>> f\n",
            ),
            // Only blank lines and brackets apart: one conflict.
            (
                "<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n\n)\n\n]\n<<<<<<< ours\nc\n=======\nd\n>>>>>>> theirs\n",
                "<<<<<<< HEAD\na\n\n)\n\n]\nc\n=======\nb\n\n)\n\n]\nd\n>>>>>>> f\n",
            ),
        ];
        for (diffy_text, want) in cases {
            assert_eq!(relabel(diffy_text, "f"), want);
        }
    }
}

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

/// Names the sides as git does: `<<<<<<< HEAD` and `>>>>>>> BRANCH`.
fn relabel(text: &str, theirs: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| match line.trim_end_matches('\n') {
            "<<<<<<< ours" => "<<<<<<< HEAD\n".to_string(),
            ">>>>>>> theirs" => format!(">>>>>>> {theirs}\n"),
            _ => line.to_string(),
        })
        .collect()
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
}

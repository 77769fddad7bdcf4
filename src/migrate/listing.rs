//! How Alembic prints a revision in listings: `Script._head_only` (one line, with `(head)`,
//! `(branchpoint)`, `(mergepoint)`, `(current)` and branch labels) and `Script.log_entry`
//! (the verbose block of `show` and `history -v`).

use super::graph::Graph;
use super::script::Script;

pub(super) fn down_text(s: &Script) -> String {
    if s.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        s.down_revisions.join(", ")
    }
}

/// Alembic's `Script._head_only`.
pub(super) fn head_only(
    graph: &Graph,
    s: &Script,
    parents: bool,
    doc: bool,
    branches: bool,
    tree: bool,
    current: bool,
) -> String {
    let mut text = if parents {
        format!("{} -> {}", down_text(s), s.revision)
    } else {
        s.revision.clone()
    };
    let labels = graph.labels(&s.revision);
    if branches && !labels.is_empty() {
        text.push_str(&format!(" ({})", labels.join(", ")));
    }
    if graph.is_head(&s.revision) {
        text.push_str(" (head)");
    }
    if current {
        text.push_str(" (current)");
    }
    if tree {
        if graph.is_branch_point(&s.revision) {
            text.push_str(" (branchpoint)");
        }
        if s.down_revisions.len() > 1 {
            text.push_str(" (mergepoint)");
        }
    }
    if doc {
        text.push_str(&format!(", {}", s.doc()));
    }
    text
}

/// Alembic's `Script.log_entry` (verbose listings and `show`).
pub(super) fn log_entry(graph: &Graph, s: &Script, current: bool) -> String {
    let merge = s.down_revisions.len() > 1;
    let mut e = format!(
        "Rev: {}{}{}{}{}\n",
        s.revision,
        if graph.is_head(&s.revision) {
            " (head)"
        } else {
            ""
        },
        if graph.is_branch_point(&s.revision) {
            " (branchpoint)"
        } else {
            ""
        },
        if merge { " (mergepoint)" } else { "" },
        if current { " (current)" } else { "" },
    );
    if merge {
        e.push_str(&format!("Merges: {}\n", down_text(s)));
    } else {
        e.push_str(&format!("Parent: {}\n", down_text(s)));
    }
    if !s.depends_on.is_empty() {
        e.push_str(&format!("Also depends on: {}\n", s.depends_on.join(", ")));
    }
    if graph.is_branch_point(&s.revision) {
        let kids: Vec<String> = graph
            .children_of(&s.revision)
            .iter()
            .map(|c| c.revision.clone())
            .collect();
        e.push_str(&format!("Branches into: {}\n", kids.join(", ")));
    }
    let labels = graph.labels(&s.revision);
    if !labels.is_empty() {
        e.push_str(&format!("Branch names: {}\n", labels.join(", ")));
    }
    e.push_str(&format!("Path: {}\n", s.path));
    let doc: Vec<String> = s.longdoc.lines().map(|l| format!("    {l}")).collect();
    e.push_str(&format!("\n{}\n", doc.join("\n")));
    e
}

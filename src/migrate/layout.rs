//! [`Timeline`]: the revision graph laid out in lanes for the timeline panel.
//!
//! Rows run in upgrade order (row 0 is the oldest revision); a revision takes the lane of its
//! first parent when it is that parent's first child, otherwise the lowest free lane, so a
//! fork opens a lane and a merge closes one. Each database gets a pointer at the revisions in
//! its `alembic_version`. The ASCII `Display` draws newest first, as `git log --graph` does.

use std::collections::BTreeMap;
use std::fmt;

use super::graph::Graph;

/// One revision on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The revision id.
    pub revision: String,
    /// The first line of its message.
    pub message: String,
    /// Its column; lanes are numbered from 0.
    pub lane: usize,
    /// Its row; row 0 is the oldest revision, every row holds one node.
    pub row: usize,
    /// No revision builds on it.
    pub head: bool,
    /// Two or more revisions build on it.
    pub branch_point: bool,
    /// It has two or more parents.
    pub merge: bool,
    /// Branch labels that apply to it.
    pub labels: Vec<String>,
}

/// A parent → child link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Index of the parent in [`Timeline::nodes`].
    pub from: usize,
    /// Index of the child in [`Timeline::nodes`].
    pub to: usize,
    /// The lane the line runs in between the two rows.
    pub lane: usize,
}

/// Where one database stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pointer {
    /// The database name.
    pub database: String,
    /// Indexes in [`Timeline::nodes`] of the revisions in its `alembic_version` (empty: base).
    pub nodes: Vec<usize>,
}

/// The laid-out graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Revisions, one per row, in upgrade order.
    pub nodes: Vec<Node>,
    /// Links between them.
    pub edges: Vec<Edge>,
    /// How many lanes the widest row needs.
    pub lanes: usize,
    /// One pointer per database, in the order given.
    pub pointers: Vec<Pointer>,
}

/// Lays out `graph`; `databases` pairs each database name with its `alembic_version` rows.
pub fn layout(graph: &Graph, databases: &[(String, Vec<String>)]) -> Timeline {
    let mut order: Vec<&super::script::Script> = graph.walk();
    order.reverse();
    let row_of: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, s)| (s.revision.as_str(), i))
        .collect();
    let mut nodes: Vec<Node> = Vec::new();
    let mut edges = Vec::new();
    // `lanes[l]` holds the row whose line runs up lane `l`, waiting for a child.
    let mut lanes: Vec<Option<usize>> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    for (row, s) in order.iter().enumerate() {
        let parents: Vec<usize> = s
            .down_revisions
            .iter()
            .filter_map(|d| row_of.get(d.as_str()).copied())
            .collect();
        let lane_of = |lanes: &[Option<usize>], p: usize| lanes.iter().position(|l| *l == Some(p));
        // A child continues its parent's line; a merge takes the leftmost of its parents'.
        let inherited = parents.iter().filter_map(|&p| lane_of(&lanes, p)).min();
        let lane = inherited.unwrap_or_else(|| free_lane(&mut lanes));
        for &p in &parents {
            let p_lane = lane_of(&lanes, p).unwrap_or(lane);
            edges.push(Edge {
                from: p,
                to: row,
                lane: if parents.len() > 1 { p_lane } else { lane },
            });
            pending[p] = pending[p].saturating_sub(1);
            if let Some(l) = lane_of(&lanes, p) {
                lanes[l] = None;
            }
            // A branch point keeps a line for its other children in a lane of its own.
            if pending[p] > 0 {
                let l = free_lane(&mut lanes);
                lanes[l] = Some(p);
                if l == lane {
                    lanes[l] = None;
                    let again = free_lane_except(&mut lanes, lane);
                    lanes[again] = Some(p);
                }
            }
        }
        let children = graph.children_of(&s.revision).len();
        pending.push(children);
        lanes[lane] = (children > 0).then_some(row);
        nodes.push(Node {
            revision: s.revision.clone(),
            message: s.doc().to_string(),
            lane,
            row,
            head: graph.is_head(&s.revision),
            branch_point: graph.is_branch_point(&s.revision),
            merge: s.down_revisions.len() > 1,
            labels: graph.labels(&s.revision),
        });
    }
    let width = nodes
        .iter()
        .map(|n| n.lane + 1)
        .chain(edges.iter().map(|e| e.lane + 1))
        .max()
        .unwrap_or(0);
    let pointers = databases
        .iter()
        .map(|(name, revs)| Pointer {
            database: name.clone(),
            nodes: revs
                .iter()
                .filter_map(|r| row_of.get(r.as_str()).copied())
                .collect(),
        })
        .collect();
    Timeline {
        nodes,
        edges,
        lanes: width,
        pointers,
    }
}

fn free_lane(lanes: &mut Vec<Option<usize>>) -> usize {
    match lanes.iter().position(Option::is_none) {
        Some(l) => l,
        None => {
            lanes.push(None);
            lanes.len() - 1
        }
    }
}

fn free_lane_except(lanes: &mut Vec<Option<usize>>, taken: usize) -> usize {
    match lanes
        .iter()
        .enumerate()
        .position(|(i, l)| l.is_none() && i != taken)
    {
        Some(l) => l,
        None => {
            lanes.push(None);
            lanes.len() - 1
        }
    }
}

impl fmt::Display for Timeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for node in self.nodes.iter().rev() {
            let mut cells = vec![' '; self.lanes];
            for e in &self.edges {
                let (lo, hi) = (self.nodes[e.from].row, self.nodes[e.to].row);
                if lo < node.row && node.row < hi {
                    cells[e.lane] = '|';
                }
            }
            cells[node.lane] = '*';
            let graph: String = cells.iter().flat_map(|c| [*c, ' ']).collect();
            let graph = format!("{} ", graph.trim_end());
            let mut marks = String::new();
            for l in &node.labels {
                marks.push_str(&format!(" ({l})"));
            }
            if node.head {
                marks.push_str(" (head)");
            }
            if node.branch_point {
                marks.push_str(" (branchpoint)");
            }
            if node.merge {
                marks.push_str(" (mergepoint)");
            }
            let here: Vec<&str> = self
                .pointers
                .iter()
                .filter(|p| p.nodes.contains(&node.row))
                .map(|p| p.database.as_str())
                .collect();
            let dbs = if here.is_empty() {
                String::new()
            } else {
                format!("  <- {}", here.join(", "))
            };
            writeln!(f, "{}{}{marks} {}{dbs}", graph, node.revision, node.message)?;
        }
        let at_base: Vec<&str> = self
            .pointers
            .iter()
            .filter(|p| p.nodes.is_empty())
            .map(|p| p.database.as_str())
            .collect();
        if !at_base.is_empty() {
            writeln!(f, "<base>  <- {}", at_base.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::script::parse_script;

    fn graph(specs: &[(&str, &[&str])]) -> Graph {
        let mut scripts: Vec<_> = specs
            .iter()
            .map(|(id, down)| {
                let down = match down {
                    [] => "None".to_string(),
                    [one] => format!("'{one}'"),
                    many => format!(
                        "({})",
                        many.iter()
                            .map(|d| format!("'{d}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let src =
                    format!("\"\"\"msg {id}\"\"\"\nrevision = '{id}'\ndown_revision = {down}\n");
                parse_script(&format!("/v/{id}_.py"), &format!("{id}_.py"), &src).unwrap()
            })
            .collect();
        crate::sorting::sort_by(&mut scripts, |a, b| a.file_name.cmp(&b.file_name));
        Graph::build(scripts).unwrap()
    }

    #[test]
    fn a_fork_opens_a_lane_and_the_merge_closes_it() {
        let g = graph(&[
            ("aaaa", &[]),
            ("bbbb", &["aaaa"]),
            ("cccc", &["aaaa"]),
            ("dddd", &["bbbb", "cccc"]),
            ("eeee", &["dddd"]),
        ]);
        let t = layout(
            &g,
            &[("app".into(), vec!["dddd".into()]), ("test".into(), vec![])],
        );
        assert_eq!(t.lanes, 2);
        assert_eq!(
            t.to_string(),
            "* eeee (head) msg eeee\n\
             * dddd (mergepoint) msg dddd  <- app\n\
             | * bbbb msg bbbb\n\
             * | cccc msg cccc\n\
             * aaaa (branchpoint) msg aaaa\n\
             <base>  <- test\n"
        );
    }

    #[test]
    fn a_straight_history_uses_one_lane() {
        let g = graph(&[("aaaa", &[]), ("bbbb", &["aaaa"]), ("cccc", &["bbbb"])]);
        let t = layout(&g, &[]);
        assert_eq!(t.lanes, 1);
        assert!(t.nodes.iter().all(|n| n.lane == 0));
        assert_eq!(t.edges.len(), 2);
    }
}

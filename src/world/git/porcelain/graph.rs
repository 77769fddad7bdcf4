//! The lanes `git log --graph` draws to the left of each commit, for the
//! shapes a team's history takes: lines, forks and merges of two parents.

use crate::world::git::object::Oid;
use crate::world::git::repo::Repo;

/// What to draw for one commit.
pub struct Row {
    /// The prefix of the commit's first line (`* `, `| * `, `*   `).
    pub first: String,
    /// Prefixes the next lines must have, drawn alone when the commit has
    /// fewer lines: a merge's `|\\  `, lanes joining (`|/  `).
    pub follow: Vec<String>,
    /// The prefix of its later lines.
    pub rest: String,
    /// The line between this commit and the next one in the long format.
    pub separator: String,
}

/// The lanes between rows: the commit each lane waits for.
#[derive(Default)]
pub struct Graph {
    lanes: Vec<Oid>,
}

fn pad(mut s: String, width: usize) -> String {
    while s.chars().count() < width {
        s.push(' ');
    }
    s
}

fn bars(n: usize) -> String {
    let cells: Vec<&str> = vec!["|"; n];
    cells.join(" ")
}

impl Graph {
    /// The drawing for the next commit in log order.
    pub fn row(&mut self, repo: &Repo, id: &str) -> Row {
        let idx = match self.lanes.iter().position(|l| l == id) {
            Some(i) => i,
            None => {
                self.lanes.push(id.to_string());
                self.lanes.len() - 1
            }
        };
        let parents = repo
            .commit(id)
            .map(|c| c.parents.clone())
            .unwrap_or_default();
        let old_n = self.lanes.len();
        let cells: Vec<&str> = (0..old_n)
            .map(|j| if j == idx { "*" } else { "|" })
            .collect();
        let mut follow = Vec::new();
        let first;
        let width;
        if parents.len() > 1 {
            self.lanes[idx] = parents[0].clone();
            for (offset, p) in parents.iter().skip(1).enumerate() {
                self.lanes.insert(idx + 1 + offset, p.clone());
            }
            width = 2 * self.lanes.len();
            first = pad(cells.join(" "), width);
            let mut exp: Vec<&str> = vec!["|"; idx + 1];
            exp.extend(vec!["\\"; self.lanes.len() - idx - 1]);
            follow.push(pad(exp.join(" ").replacen("| \\", "|\\", 1), width));
        } else {
            first = format!("{} ", cells.join(" "));
            width = (2 * old_n).max(2);
            match parents.first() {
                Some(p) => self.lanes[idx] = p.clone(),
                None => {
                    self.lanes.remove(idx);
                }
            }
        }
        follow.extend(self.join_lanes(width));
        let rest = if self.lanes.is_empty() {
            pad(String::new(), width)
        } else if follow.is_empty() {
            format!("{} ", bars(self.lanes.len()))
        } else {
            pad(bars(self.lanes.len()), width)
        };
        Row {
            first,
            follow,
            rest,
            separator: format!("{} ", bars(self.lanes.len())),
        }
    }

    /// Lanes that wait for the same commit join the leftmost one; each line
    /// moves the joining lane one column left (`| |/`, then `|/|`).
    fn join_lanes(&mut self, width: usize) -> Vec<String> {
        let mut lines = Vec::new();
        while let Some((target, from)) = (1..self.lanes.len()).find_map(|k| {
            self.lanes[..k]
                .iter()
                .position(|l| *l == self.lanes[k])
                .map(|t| (t, k))
        }) {
            for step in 1..=(from - target) {
                let mut chars = vec![' '; 2 * self.lanes.len()];
                for j in (0..self.lanes.len()).filter(|j| *j != from) {
                    chars[2 * j] = '|';
                }
                chars[2 * (from - step) + 1] = '/';
                let line: String = chars.into_iter().collect();
                lines.push(pad(line.trim_end().to_string(), width));
            }
            self.lanes.remove(from);
        }
        lines
    }
}

/// Commits in the order `git log --graph` shows them: git's topological
/// order, where a merge's last parent comes out first (a stack, not dates).
pub fn order(repo: &Repo, tips: &[Oid]) -> Vec<Oid> {
    let by_date = repo.history(tips);
    let set: std::collections::BTreeSet<&Oid> = by_date.iter().collect();
    let mut indegree: std::collections::BTreeMap<&str, usize> = Default::default();
    for id in &by_date {
        for p in repo
            .commit(id)
            .map(|c| c.parents.as_slice())
            .unwrap_or_default()
        {
            if set.contains(p) {
                *indegree.entry(p.as_str()).or_default() += 1;
            }
        }
    }
    let mut stack: Vec<Oid> = by_date
        .iter()
        .filter(|id| !indegree.contains_key(id.as_str()))
        .rev()
        .cloned()
        .collect();
    let mut out = Vec::with_capacity(by_date.len());
    while let Some(id) = stack.pop() {
        for p in repo
            .commit(&id)
            .map(|c| c.parents.clone())
            .unwrap_or_default()
        {
            if let Some(n) = indegree.get_mut(p.as_str()) {
                *n -= 1;
                if *n == 0 {
                    stack.push(p);
                }
            }
        }
        out.push(id);
    }
    out
}

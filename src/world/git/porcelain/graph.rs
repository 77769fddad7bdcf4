//! The lanes `git log --graph` draws to the left of each commit, for the
//! shapes a team's history takes: lines, forks and merges of two parents.

use crate::world::git::object::Oid;
use crate::world::git::repo::Repo;

/// What to draw for one commit.
pub struct Row {
    /// Lines drawn alone before the commit, where two lanes wait for it.
    pub before: Vec<String>,
    /// The prefix of the commit's first line (`* `, `| * `, `*   `).
    pub first: String,
    /// The prefix of its second line (`|\  ` after a merge).
    pub second: String,
    /// The prefix of its later lines.
    pub rest: String,
    /// The line between this commit and the next one in the long format.
    pub separator: String,
    /// True when `second` must be drawn even with nothing after it.
    pub second_needed: bool,
}

/// The lanes between rows.
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
        let mut before = Vec::new();
        let mut idx = match self.lanes.iter().position(|l| l == id) {
            Some(i) => i,
            None => {
                self.lanes.push(id.to_string());
                self.lanes.len() - 1
            }
        };
        // Lanes that waited for this same commit join it from the right.
        while let Some(k) = self.lanes.iter().skip(idx + 1).position(|l| l == id) {
            let k = idx + 1 + k;
            let line = format!("{}/", bars(k));
            before.push(pad(line, 2 * self.lanes.len()));
            self.lanes.remove(k);
            idx = self.lanes.iter().position(|l| l == id).unwrap_or(idx);
        }
        let parents = repo
            .commit(id)
            .map(|c| c.parents.clone())
            .unwrap_or_default();
        let old_n = self.lanes.len();
        let cells: Vec<&str> = (0..old_n)
            .map(|j| if j == idx { "*" } else { "|" })
            .collect();
        if parents.len() > 1 {
            self.lanes[idx] = parents[0].clone();
            for (offset, p) in parents.iter().skip(1).enumerate() {
                self.lanes.insert(idx + 1 + offset, p.clone());
            }
            let width = 2 * self.lanes.len();
            let first = pad(cells.join(" "), width);
            let mut exp: Vec<&str> = vec!["|"; idx + 1];
            exp.extend(vec!["\\"; self.lanes.len() - idx - 1]);
            let expansion = exp.join(" ").replacen("| \\", "|\\", 1);
            let rest = pad(bars(self.lanes.len()), width);
            return Row {
                before,
                first,
                second: pad(expansion, width),
                separator: rest.clone(),
                rest,
                second_needed: true,
            };
        }
        let first = format!("{} ", cells.join(" "));
        let width = (2 * old_n).max(2);
        let joined = parents
            .first()
            .and_then(|p| self.lanes.iter().position(|l| l == p));
        match (parents.first(), joined) {
            (Some(p), Some(j)) if j != idx => {
                let (low, high) = (idx.min(j), idx.max(j));
                self.lanes[low] = p.clone();
                self.lanes.remove(high);
                let second = pad(format!("{}/", bars(high)), width);
                let rest = pad(bars(self.lanes.len()), width);
                Row {
                    before,
                    first,
                    second,
                    rest,
                    separator: format!("{} ", bars(self.lanes.len())),
                    second_needed: true,
                }
            }
            (Some(p), _) => {
                self.lanes[idx] = p.clone();
                let rest = format!("{} ", bars(self.lanes.len()));
                Row {
                    before,
                    first,
                    second: rest.clone(),
                    separator: rest.clone(),
                    rest,
                    second_needed: false,
                }
            }
            (None, _) => {
                self.lanes.remove(idx);
                let rest = if self.lanes.is_empty() {
                    pad(String::new(), width)
                } else {
                    pad(format!("{} ", bars(self.lanes.len())), width)
                };
                Row {
                    before,
                    first,
                    second: rest.clone(),
                    separator: format!("{} ", bars(self.lanes.len())),
                    rest,
                    second_needed: false,
                }
            }
        }
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

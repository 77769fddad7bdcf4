//! The lanes `git log --graph` draws to the left of each commit, for the
//! shapes a team's history takes: lines, forks and merges of two parents.

use crate::world::git::object::Oid;
use crate::world::git::repo::Repo;

/// What to draw for one commit.
pub struct Row {
    /// Lines drawn alone before the commit (`|/  ` where lanes join).
    pub before: Vec<String>,
    /// The prefix of the commit's first line (`* `, `| * `, `*   `).
    pub first: String,
    /// The prefix of its second line (`|\  ` after a merge).
    pub second: String,
    /// The prefix of its later lines.
    pub rest: String,
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
        let n = self.lanes.len();
        let mut cells: Vec<String> = (0..n)
            .map(|j| if j == idx { "*" } else { "|" }.to_string())
            .collect();
        let merge = parents.len() > 1;
        match parents.first() {
            Some(p) => self.lanes[idx] = p.clone(),
            None => {
                self.lanes.remove(idx);
            }
        }
        let (second, rest, needed);
        if merge {
            for (offset, p) in parents.iter().skip(1).enumerate() {
                self.lanes.insert(idx + 1 + offset, p.clone());
            }
            let width = 2 * self.lanes.len();
            cells.truncate(idx + 1);
            let mut first = cells.join(" ");
            first = pad(first, width);
            let mut exp: Vec<String> = (0..=idx).map(|_| "|".to_string()).collect();
            exp.push("\\".to_string());
            let expansion = exp.join(" ").replacen("| \\", "|\\", 1);
            second = pad(expansion, width);
            rest = pad(bars(self.lanes.len()), width);
            needed = true;
            return Row {
                before,
                first,
                second,
                rest,
                second_needed: needed,
            };
        }
        let first = format!("{} ", cells.join(" "));
        let lane_count = self.lanes.len().max(1);
        rest = format!("{} ", bars(lane_count));
        second = rest.clone();
        Row {
            before,
            first,
            second,
            rest,
            second_needed: false,
        }
    }
}

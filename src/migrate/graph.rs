//! [`Graph`]: the revision map built from the scripts, as Alembic's `RevisionMap` sees it.
//!
//! Invariants: scripts are kept in file-name order (the order Alembic reads them, which
//! decides the order of heads, merge parents and parallel branches); every parent id of a
//! script names a script of the graph; there is no cycle.
//!
//! Orders follow Alembic's `_topological_sort`: walking down from the heads, a branch is
//! finished before a shared ancestor is emitted. Upgrades run that order reversed, downgrades
//! run it as is.

use std::collections::{BTreeMap, BTreeSet};

use super::error::Error;
use super::script::Script;

/// The revision graph of a scripts folder.
#[derive(Clone, Debug)]
pub struct Graph {
    scripts: Vec<Script>,
    index: BTreeMap<String, usize>,
    parents: Vec<Vec<usize>>,
    children: Vec<Vec<usize>>,
    /// Python warnings raised while building the map (a missing parent), in order.
    pub warnings: Vec<String>,
}

/// A parsed relative target: `[symbol]±N`.
struct Relative<'a> {
    symbol: Option<&'a str>,
    n: i64,
    text: &'a str,
}

fn parse_relative(spec: &str) -> Option<Relative<'_>> {
    let pos = spec.rfind(['+', '-'])?;
    let (symbol, num) = spec.split_at(pos);
    let n: i64 = num.parse().ok()?;
    if num.len() < 2 || !num[1..].chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(Relative {
        symbol: (!symbol.is_empty()).then_some(symbol),
        n,
        text: num,
    })
}

impl Graph {
    /// Builds the map; `scripts` must be in file-name order. Duplicate ids keep the later
    /// file, as Alembic's map does.
    pub fn build(scripts: Vec<Script>) -> Result<Graph, Error> {
        let mut kept: Vec<Script> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        // Alembic remembers every root it read, even one a later file with the same id
        // replaced; such a stale root reaches nothing above itself.
        let mut stale_roots = BTreeSet::new();
        for s in scripts {
            if let Some(&i) = index.get(&s.revision) {
                if kept[i].down_revisions.is_empty() {
                    stale_roots.insert(s.revision.clone());
                }
                kept[i] = s;
            } else {
                index.insert(s.revision.clone(), kept.len());
                kept.push(s);
            }
        }
        let mut warnings = Vec::new();
        let mut parents = vec![Vec::new(); kept.len()];
        let mut children = vec![Vec::new(); kept.len()];
        for (i, s) in kept.iter().enumerate() {
            for d in &s.down_revisions {
                match index.get(d) {
                    Some(&p) => {
                        parents[i].push(p);
                        children[p].push(i);
                    }
                    None => warnings.push(format!(
                        "Revision {d} referenced from {d} -> {} (head), {} is not present",
                        s.revision,
                        s.doc()
                    )),
                }
            }
        }
        let graph = Graph {
            scripts: kept,
            index,
            parents,
            children,
            warnings,
        };
        graph.check_cycles(&stale_roots)?;
        Ok(graph)
    }

    /// Alembic's `_detect_cycles`: every revision must lie below a head and above a base.
    fn check_cycles(&self, stale_roots: &BTreeSet<String>) -> Result<(), Error> {
        if self.scripts.is_empty() {
            return Ok(());
        }
        let heads = self.head_idx();
        let live_roots: Vec<usize> = (0..self.scripts.len())
            .filter(|&i| self.parents[i].is_empty())
            .collect();
        if heads.is_empty() || (live_roots.is_empty() && stale_roots.is_empty()) {
            let all: Vec<String> = self.scripts.iter().map(|s| s.revision.clone()).collect();
            return Err(Error::cycle(&all));
        }
        let below_heads: BTreeSet<String> = self
            .ancestors(&heads)
            .into_iter()
            .map(|i| self.scripts[i].revision.clone())
            .collect();
        let mut above_bases: BTreeSet<String> = self
            .descendants(&live_roots)
            .into_iter()
            .map(|i| self.scripts[i].revision.clone())
            .collect();
        above_bases.extend(stale_roots.iter().cloned());
        let cyclic: Vec<String> = self
            .scripts
            .iter()
            .map(|s| s.revision.clone())
            .filter(|r| !(below_heads.contains(r) && above_bases.contains(r)))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if cyclic.is_empty() {
            Ok(())
        } else {
            Err(Error::cycle(&cyclic))
        }
    }

    /// All scripts in file-name order.
    pub fn scripts(&self) -> &[Script] {
        &self.scripts
    }

    /// The script of an exact id.
    pub fn get(&self, id: &str) -> Option<&Script> {
        self.index.get(id).map(|&i| &self.scripts[i])
    }

    fn idx(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Head positions in file-name order.
    fn head_idx(&self) -> Vec<usize> {
        (0..self.scripts.len())
            .filter(|&i| self.children[i].is_empty())
            .collect()
    }

    /// The heads, in file-name order.
    pub fn heads(&self) -> Vec<&Script> {
        self.head_idx()
            .into_iter()
            .map(|i| &self.scripts[i])
            .collect()
    }

    /// The ids of the heads, in file-name order.
    pub fn head_ids(&self) -> Vec<String> {
        self.heads().iter().map(|s| s.revision.clone()).collect()
    }

    /// True when no script has this one as a parent.
    pub fn is_head(&self, id: &str) -> bool {
        self.idx(id).is_some_and(|i| self.children[i].is_empty())
    }

    /// True when two or more scripts have this one as a parent.
    pub fn is_branch_point(&self, id: &str) -> bool {
        self.idx(id).is_some_and(|i| self.children[i].len() > 1)
    }

    /// The branch labels that apply to a revision: its own, those of its ancestors, and those
    /// of the descendants it leads to without passing a branch point or merge point.
    pub fn labels(&self, id: &str) -> Vec<String> {
        let Some(i) = self.idx(id) else {
            return Vec::new();
        };
        let mut out: BTreeSet<String> = BTreeSet::new();
        for (j, s) in self.scripts.iter().enumerate() {
            if s.branch_labels.is_empty() {
                continue;
            }
            let mut covered = self.descendants(&[j]);
            // Alembic also walks down from the labelled revision to the nearest branch point.
            let mut at = j;
            loop {
                if self.children[at].len() > 1 || self.parents[at].len() > 1 {
                    break;
                }
                covered.insert(at);
                match self.parents[at].as_slice() {
                    [p] if self.children[*p].len() <= 1 => at = *p,
                    _ => break,
                }
            }
            if covered.contains(&i) {
                out.extend(s.branch_labels.iter().cloned());
            }
        }
        out.into_iter().collect()
    }

    /// The children of a revision, in file-name order.
    pub fn children_of(&self, id: &str) -> Vec<&Script> {
        self.idx(id)
            .map(|i| self.children[i].iter().map(|&c| &self.scripts[c]).collect())
            .unwrap_or_default()
    }

    /// Ancestors of the given revisions, themselves included.
    fn ancestors(&self, from: &[usize]) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<usize> = from.to_vec();
        while let Some(i) = todo.pop() {
            if out.insert(i) {
                todo.extend(&self.parents[i]);
            }
        }
        out
    }

    /// Descendants of the given revisions, themselves included.
    fn descendants(&self, from: &[usize]) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<usize> = from.to_vec();
        while let Some(i) = todo.pop() {
            if out.insert(i) {
                todo.extend(&self.children[i]);
            }
        }
        out
    }

    /// Alembic's `_topological_sort`: the revisions of `todo`, children before parents,
    /// starting from `heads` in file-name order.
    fn topological(&self, todo: &BTreeSet<usize>, heads: &[usize]) -> Vec<usize> {
        let mut todo = todo.clone();
        let mut current: Vec<usize> = heads.iter().copied().filter(|h| todo.contains(h)).collect();
        crate::sorting::sort(&mut current);
        current.dedup();
        let mut ancestors: Vec<BTreeSet<usize>> =
            current.iter().map(|&h| self.ancestors(&[h])).collect();
        let mut out = Vec::new();
        let mut idx = 0;
        while !current.is_empty() {
            let candidate = current[idx];
            if let Some(other) = ancestors
                .iter()
                .enumerate()
                .position(|(k, a)| k != idx && a.contains(&candidate))
            {
                idx = other;
                continue;
            }
            if todo.remove(&candidate) {
                out.push(candidate);
            }
            let to_add: Vec<usize> = self.parents[candidate]
                .iter()
                .copied()
                .filter(|p| todo.contains(p) && !current.contains(p))
                .collect();
            if to_add.is_empty() {
                current.remove(idx);
                ancestors.remove(idx);
                idx = idx.saturating_sub(1);
            } else if self.parents[candidate].len() == 1 {
                current[idx] = to_add[0];
                ancestors[idx].remove(&candidate);
            } else {
                current[idx] = to_add[0];
                ancestors[idx] = self.ancestors(&[to_add[0]]);
                for &p in &to_add[1..] {
                    current.push(p);
                    ancestors.push(self.ancestors(&[p]));
                }
            }
        }
        // Revisions unreachable from the given heads (never expected) keep file order.
        out.extend(todo);
        out
    }

    /// Every revision, newest first, as `history` lists them.
    pub fn walk(&self) -> Vec<&Script> {
        let all: BTreeSet<usize> = (0..self.scripts.len()).collect();
        self.topological(&all, &self.head_idx())
            .into_iter()
            .map(|i| &self.scripts[i])
            .collect()
    }

    /// The revisions between `lower` (exclusive; `None` for base) and `upper` (inclusive),
    /// newest first, for `history -r lower:upper`.
    pub fn walk_range(&self, lower: &[String], upper: &[String]) -> Vec<&Script> {
        let up: Vec<usize> = upper.iter().filter_map(|u| self.idx(u)).collect();
        let low: Vec<usize> = lower.iter().filter_map(|u| self.idx(u)).collect();
        let mut set = self.ancestors(&up);
        if !low.is_empty() {
            let keep = self.descendants(&low);
            set.retain(|i| keep.contains(i));
        }
        self.topological(&set, &up)
            .into_iter()
            .map(|i| &self.scripts[i])
            .collect()
    }

    /// Resolves one revision name: a full id, a unique prefix of 4+ characters, or a branch
    /// label. Errors say "Can't locate revision" as Alembic's commands do.
    pub fn resolve_id(&self, spec: &str) -> Result<String, Error> {
        if self.index.contains_key(spec) {
            return Ok(spec.to_string());
        }
        if let Some(s) = self
            .scripts
            .iter()
            .find(|s| s.branch_labels.iter().any(|l| l == spec))
        {
            return Ok(s.revision.clone());
        }
        // Any unique prefix works, but only ids longer than three characters take part.
        let matches: Vec<&String> = self
            .index
            .keys()
            .filter(|k| k.len() > 3 && k.starts_with(spec))
            .collect();
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(Error::cant_locate(spec)),
        }
    }

    /// Resolves a target to revision ids: `heads`, `head`, `base` (none), `label@head`,
    /// ids, prefixes, labels and `rev±N` / `head-N`.
    pub fn resolve(&self, spec: &str) -> Result<Vec<String>, Error> {
        match spec {
            "heads" => return Ok(self.head_ids()),
            "base" => return Ok(Vec::new()),
            "head" => {
                let heads = self.head_ids();
                if heads.len() > 1 {
                    return Err(Error::multiple_heads_for("head"));
                }
                return Ok(heads);
            }
            _ => {}
        }
        if let Some((branch, what)) = spec.split_once('@') {
            let root = self
                .resolve_id(branch)
                .map_err(|_| Error::cant_locate(branch))?;
            let Some(r) = self.idx(&root) else {
                return Err(Error::cant_locate(branch));
            };
            let below = self.descendants(&[r]);
            let heads: Vec<String> = self
                .head_idx()
                .into_iter()
                .filter(|h| below.contains(h))
                .map(|h| self.scripts[h].revision.clone())
                .collect();
            return match what {
                "head" if heads.len() == 1 => Ok(heads),
                "head" => Err(Error::multiple_heads_for(spec)),
                "heads" => Ok(heads),
                "base" => Ok(Vec::new()),
                other => match parse_relative(other) {
                    Some(rel) if rel.symbol.is_none() => self
                        .walk_from(&root, rel.n, rel.text)
                        .map(|r| r.into_iter().collect()),
                    _ => Err(Error::cant_locate(spec)),
                },
            };
        }
        if let Some(rel) = parse_relative(spec) {
            if let Some(symbol) = rel.symbol {
                let start = self.resolve(symbol)?;
                let Some(start) = start.first() else {
                    return Err(Error::relative_short(rel.text, rel.n.abs()));
                };
                return self
                    .walk_from(start, rel.n, rel.text)
                    .map(|r| r.into_iter().collect());
            }
        }
        Ok(vec![self.resolve_id(spec)?])
    }

    /// Walks `n` steps from a revision (up for positive `n`); `None` is base.
    pub fn walk_from(&self, start: &str, n: i64, text: &str) -> Result<Option<String>, Error> {
        let mut at = self.idx(start);
        for step in 0..n.abs() {
            at = match at {
                Some(i) if n > 0 => match self.children[i].as_slice() {
                    [one] => Some(*one),
                    [] => return Err(Error::relative_short(text, n.abs())),
                    _ => return Err(Error::ambiguous_walk()),
                },
                Some(i) => match self.parents[i].as_slice() {
                    [one] => Some(*one),
                    [] if step + 1 == n.abs() => None,
                    [] => return Err(Error::relative_short(text, n.abs())),
                    _ => return Err(Error::ambiguous_walk()),
                },
                None if n > 0 => {
                    let roots: Vec<usize> = (0..self.scripts.len())
                        .filter(|&i| self.parents[i].is_empty())
                        .collect();
                    match roots.as_slice() {
                        [one] => Some(*one),
                        [] => return Err(Error::relative_short(text, n.abs())),
                        _ => return Err(Error::ambiguous_walk()),
                    }
                }
                None => return Err(Error::relative_short(text, n.abs())),
            };
        }
        Ok(at.map(|i| self.scripts[i].revision.clone()))
    }

    /// The revisions an upgrade from `current` to `targets` runs, in order.
    pub fn upgrade_steps(&self, current: &[String], targets: &[String]) -> Vec<&Script> {
        let cur: Vec<usize> = current.iter().filter_map(|c| self.idx(c)).collect();
        let tgt: Vec<usize> = targets.iter().filter_map(|t| self.idx(t)).collect();
        let done = self.ancestors(&cur);
        let mut todo = self.ancestors(&tgt);
        todo.retain(|i| !done.contains(i));
        let mut order = self.topological(&todo, &tgt);
        order.reverse();
        order.into_iter().map(|i| &self.scripts[i]).collect()
    }

    /// The revisions a downgrade from `current` to `target` (`None`: base) undoes, in
    /// order; an error when the target is not below the current revisions.
    pub fn downgrade_steps(
        &self,
        current: &[String],
        target: Option<&str>,
        target_name: &str,
    ) -> Result<Vec<&Script>, Error> {
        let cur: Vec<usize> = current.iter().filter_map(|c| self.idx(c)).collect();
        let active = self.ancestors(&cur);
        let roots: Vec<usize> = match target {
            None => (0..self.scripts.len())
                .filter(|&i| self.parents[i].is_empty())
                .collect(),
            Some(t) => {
                let Some(i) = self.idx(t) else {
                    return Err(Error::cant_locate(t));
                };
                self.children[i].clone()
            }
        };
        let mut drop = self.descendants(&roots);
        drop.retain(|i| active.contains(i));
        if let Some(t) = target {
            if drop.is_empty() && !current.iter().any(|c| c == t) {
                let in_active = self.idx(t).is_some_and(|i| active.contains(&i));
                if !in_active {
                    return Err(Error::not_downgrade_target(target_name));
                }
            }
        }
        Ok(self
            .topological(&drop, &cur)
            .into_iter()
            .map(|i| &self.scripts[i])
            .collect())
    }

    /// True when `ancestor` is `rev` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: &str, rev: &str) -> bool {
        match (self.idx(ancestor), self.idx(rev)) {
            (Some(a), Some(r)) => self.ancestors(&[r]).contains(&a),
            _ => false,
        }
    }

    /// Splits a relative target `-N` / `+N` without a symbol.
    pub fn bare_relative(spec: &str) -> Option<(i64, &str)> {
        parse_relative(spec).and_then(|r| r.symbol.is_none().then_some((r.n, r.text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::script::parse_script;

    fn script(id: &str, down: &[&str]) -> Script {
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
        let src = format!("\"\"\"{id}\"\"\"\nrevision = '{id}'\ndown_revision = {down}\n");
        parse_script(&format!("/v/{id}_.py"), &format!("{id}_.py"), &src).unwrap()
    }

    /// The fork of transcript 11, with the real run's ids.
    fn fork() -> Graph {
        let a = "dc554001a3a2";
        let mut s = vec![
            script("121fa419d455", &[a]),
            script("2f87b359315d", &["121fa419d455", "41665eaad439"]),
            script("41665eaad439", &[a]),
            script(a, &[]),
            script("e84929a40240", &["2f87b359315d"]),
            script("fb5f3e646dbb", &[]),
        ];
        crate::sorting::sort_by(&mut s, |x, y| x.file_name.cmp(&y.file_name));
        Graph::build(s).unwrap()
    }

    fn ids(v: Vec<&Script>) -> Vec<&str> {
        v.into_iter().map(|s| &s.revision[..4]).collect()
    }

    #[test]
    fn history_order_matches_alembic() {
        assert_eq!(
            ids(fork().walk()),
            ["e849", "2f87", "121f", "4166", "fb5f", "dc55"]
        );
    }

    #[test]
    fn upgrade_runs_the_last_sorted_branch_first() {
        let g = fork();
        let steps = g.upgrade_steps(&["dc554001a3a2".into()], &["2f87b359315d".into()]);
        assert_eq!(ids(steps), ["4166", "121f", "2f87"]);
    }

    #[test]
    fn downgrade_to_one_parent_of_a_merge_keeps_both() {
        let g = fork();
        let steps = g
            .downgrade_steps(&["2f87b359315d".into()], Some("121fa419d455"), "121f")
            .unwrap();
        assert_eq!(ids(steps), ["2f87"]);
    }

    #[test]
    fn resolves_targets() {
        let g = fork();
        let cases: [(&str, Result<Vec<&str>, &str>); 8] = [
            ("dc55", Ok(vec!["dc554001a3a2"])),
            ("dc5", Ok(vec!["dc554001a3a2"])),
            (
                "head",
                Err("Multiple head revisions are present for given argument 'head'"),
            ),
            ("heads", Ok(vec!["e84929a40240", "fb5f3e646dbb"])),
            ("x", Err("Can't locate revision identified by 'x'")),
            ("base", Ok(vec![])),
            ("2f87b359315d+1", Ok(vec!["e84929a40240"])),
            ("2f87b359315d-1", Err("Ambiguous walk")),
        ];
        for (spec, want) in cases {
            match (g.resolve(spec), want) {
                (Ok(got), Ok(w)) => assert_eq!(got, w, "{spec}"),
                (Err(e), Err(w)) => assert!(e.to_string().starts_with(w), "{spec}: {e}"),
                (got, w) => panic!("{spec}: {got:?} vs {w:?}"),
            }
        }
    }

    #[test]
    fn finds_cycles() {
        let e =
            Graph::build(vec![script("aaaa", &["bbbb"]), script("bbbb", &["aaaa"])]).unwrap_err();
        assert_eq!(e.to_string(), "Cycle is detected in revisions (aaaa, bbbb)");
    }
}

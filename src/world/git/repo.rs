//! One repository: its objects, refs, HEAD, index and configuration.
//!
//! Invariant: every id in `refs`, `head`, `index` and the commits and trees
//! of `objects` names an object in `objects` (a repository owns all it
//! reaches; pushing and fetching copy objects between repositories).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::object::{Commit, Object, Oid, TreeEntry, FILE_MODE, TREE_MODE};

/// Paths below the work tree (`models.py`, `migrations/env.py`) to blob ids.
pub type Snapshot = BTreeMap<String, Oid>;

/// Where HEAD points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Head {
    /// `ref: refs/heads/NAME`; the branch may not exist yet (an unborn branch).
    Branch(String),
    /// A detached HEAD at a commit.
    Detached(Oid),
}

/// The three sides of a path that a merge could not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The merge base's blob (stage 1), if the path existed there.
    pub base: Option<Oid>,
    /// Our blob (stage 2).
    pub ours: Option<Oid>,
    /// Their blob (stage 3).
    pub theirs: Option<Oid>,
}

/// The staging area.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// Stage-0 entries: what the next commit holds.
    pub entries: Snapshot,
    /// Unmerged paths, until `git add` resolves them.
    pub conflicts: BTreeMap<String, Conflict>,
}

/// A merge that stopped on conflicts (`.git/MERGE_HEAD`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeState {
    /// The commit being merged in.
    pub theirs: Oid,
    /// The message the concluding commit gets (`.git/MERGE_MSG`).
    pub message: String,
}

/// A remote as `.git/config` names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote {
    /// `remote.NAME.url`.
    pub url: String,
}

/// A repository; bare ones (the world's hosted remotes) have no index use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    /// Every object, by id. Objects never change once written, so copies of
    /// a repository (each git command works on one) share them.
    pub objects: BTreeMap<Oid, Rc<Object>>,
    /// Full ref names (`refs/heads/main`, `refs/remotes/origin/main`) to commits.
    pub refs: BTreeMap<String, Oid>,
    /// Symbolic refs other than HEAD (`refs/remotes/origin/HEAD` to
    /// `refs/remotes/origin/main`), by name.
    pub symrefs: BTreeMap<String, String>,
    /// HEAD.
    pub head: Head,
    /// The index.
    pub index: Index,
    /// Configured remotes by name.
    pub remotes: BTreeMap<String, Remote>,
    /// Upstreams: branch name to (remote, branch on the remote).
    pub upstreams: BTreeMap<String, (String, String)>,
    /// Set while a conflicted merge waits for its commit.
    pub merging: Option<MergeState>,
    /// `refs/stash` and its reflog, newest first: commits whose tree is the
    /// stashed work tree and whose first parent is where it was taken.
    pub stash: Vec<Oid>,
    /// True for a bare repository.
    pub bare: bool,
    /// Where HEAD was detached, while it stays detached (`HEAD detached
    /// from …` once commits move it on).
    pub detached_from: Option<Oid>,
    /// Where HEAD was before the last switch (`@{-1}`, what `git switch -` returns to).
    pub previous: Option<Head>,
}

impl Repo {
    /// A new, empty repository whose HEAD is the unborn `branch`.
    pub fn new(branch: &str, bare: bool) -> Self {
        Repo {
            objects: BTreeMap::new(),
            refs: BTreeMap::new(),
            symrefs: BTreeMap::new(),
            head: Head::Branch(branch.to_string()),
            index: Index::default(),
            remotes: BTreeMap::new(),
            upstreams: BTreeMap::new(),
            merging: None,
            stash: Vec::new(),
            bare,
            detached_from: None,
            previous: None,
        }
    }

    /// Stores an object and returns its id.
    pub fn put(&mut self, object: Object) -> Oid {
        let id = object.id();
        self.objects
            .entry(id.clone())
            .or_insert_with(|| Rc::new(object));
        id
    }

    /// Stores a blob.
    pub fn put_blob(&mut self, text: &str) -> Oid {
        self.put(Object::Blob(text.to_string()))
    }

    /// True when `id` names a blob holding exactly `text`.
    pub fn has_blob(&self, id: &str, text: &str) -> bool {
        matches!(self.objects.get(id).map(|o| &**o), Some(Object::Blob(t)) if t == text)
    }

    /// A blob's text; empty when the id is not a blob.
    pub fn blob(&self, id: &str) -> &str {
        match self.objects.get(id).map(|o| &**o) {
            Some(Object::Blob(text)) => text,
            _ => "",
        }
    }

    /// A commit, if `id` names one.
    pub fn commit(&self, id: &str) -> Option<&Commit> {
        match self.objects.get(id).map(|o| &**o) {
            Some(Object::Commit(c)) => Some(c),
            _ => None,
        }
    }

    /// Writes the trees for a snapshot and returns the root tree's id.
    pub fn write_tree(&mut self, snapshot: &Snapshot) -> Oid {
        self.write_subtree(snapshot, "")
    }

    fn write_subtree(&mut self, snapshot: &Snapshot, prefix: &str) -> Oid {
        let mut entries = BTreeMap::new();
        let mut dirs = BTreeSet::new();
        for (path, oid) in snapshot.range(prefix.to_string()..) {
            let Some(rest) = path.strip_prefix(prefix) else {
                break;
            };
            match rest.split_once('/') {
                Some((dir, _)) => {
                    dirs.insert(dir.to_string());
                }
                None => {
                    entries.insert(
                        rest.to_string(),
                        TreeEntry {
                            mode: FILE_MODE,
                            oid: oid.clone(),
                        },
                    );
                }
            }
        }
        for dir in dirs {
            let oid = self.write_subtree(snapshot, &format!("{prefix}{dir}/"));
            entries.insert(
                dir,
                TreeEntry {
                    mode: TREE_MODE,
                    oid,
                },
            );
        }
        self.put(Object::Tree(entries))
    }

    /// The files of a tree, flattened.
    pub fn read_tree(&self, tree: &str) -> Snapshot {
        let mut out = Snapshot::new();
        let mut pending = vec![(String::new(), tree.to_string())];
        while let Some((prefix, id)) = pending.pop() {
            if let Some(Object::Tree(entries)) = self.objects.get(&id).map(|o| &**o) {
                for (name, entry) in entries {
                    let path = format!("{prefix}{name}");
                    if entry.mode == TREE_MODE {
                        pending.push((format!("{path}/"), entry.oid.clone()));
                    } else {
                        out.insert(path, entry.oid.clone());
                    }
                }
            }
        }
        out
    }

    /// The files of a commit; empty for an unknown id.
    pub fn snapshot(&self, commit: Option<&str>) -> Snapshot {
        commit
            .and_then(|c| self.commit(c))
            .map(|c| self.read_tree(&c.tree))
            .unwrap_or_default()
    }

    /// The branch HEAD names, if it is not detached.
    pub fn branch(&self) -> Option<&str> {
        match &self.head {
            Head::Branch(name) => Some(name),
            Head::Detached(_) => None,
        }
    }

    /// The commit HEAD points at; `None` on an unborn branch.
    pub fn head_commit(&self) -> Option<Oid> {
        match &self.head {
            Head::Branch(name) => self.refs.get(&format!("refs/heads/{name}")).cloned(),
            Head::Detached(id) => Some(id.clone()),
        }
    }

    /// Moves HEAD's branch (or the detached HEAD) to `id`.
    pub fn set_head_commit(&mut self, id: &str) {
        match &self.head {
            Head::Branch(name) => {
                self.refs
                    .insert(format!("refs/heads/{name}"), id.to_string());
            }
            Head::Detached(_) => self.head = Head::Detached(id.to_string()),
        }
    }

    /// Every ref with symbolic ones resolved, by full name.
    pub fn all_refs(&self) -> BTreeMap<String, Oid> {
        let mut all = self.refs.clone();
        for (name, target) in &self.symrefs {
            if let Some(id) = self.refs.get(target) {
                all.insert(name.clone(), id.clone());
            }
        }
        all
    }

    /// The local branches, by name.
    pub fn branches(&self) -> BTreeMap<String, Oid> {
        self.refs_under("refs/heads/")
    }

    /// Refs below a prefix, by their name after it.
    pub fn refs_under(&self, prefix: &str) -> BTreeMap<String, Oid> {
        self.refs
            .range(prefix.to_string()..)
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(name, id)| (name[prefix.len()..].to_string(), id.clone()))
            .collect()
    }

    /// Resolves a revision (`HEAD`, `main`, `origin/main`, an abbreviated id,
    /// with `~N` and `^` suffixes) to a commit.
    pub fn resolve(&self, rev: &str) -> Option<Oid> {
        // Each `~` or `^` recurses once; no real revision is this long.
        if rev.len() > 256 {
            return None;
        }
        if let Some((base, n)) = rev.rsplit_once('~') {
            let n: usize = if n.is_empty() { 1 } else { n.parse().ok()? };
            let mut id = self.resolve(base)?;
            for _ in 0..n {
                id = self.commit(&id)?.parents.first()?.clone();
            }
            return Some(id);
        }
        if let Some((base, n)) = rev.rsplit_once('^') {
            // `^` is the first parent, `^2` the second, `^0` the commit itself.
            let n: usize = if n.is_empty() { 1 } else { n.parse().ok()? };
            let id = self.resolve(base)?;
            return match n {
                0 => Some(id),
                n => self.commit(&id)?.parents.get(n - 1).cloned(),
            };
        }
        if rev == "HEAD" || rev == "@" {
            return self.head_commit();
        }
        for name in [
            rev.to_string(),
            format!("refs/{rev}"),
            format!("refs/tags/{rev}"),
            format!("refs/heads/{rev}"),
            format!("refs/remotes/{rev}"),
            format!("refs/remotes/{rev}/HEAD"),
        ] {
            if let Some(id) = self.refs.get(&name) {
                return Some(id.clone());
            }
            if let Some(id) = self.symrefs.get(&name).and_then(|t| self.refs.get(t)) {
                return Some(id.clone());
            }
        }
        if rev.len() >= 4 && rev.len() <= 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
            let lower = rev.to_ascii_lowercase();
            let mut found = self
                .objects
                .range(lower.clone()..)
                .take_while(|(id, _)| id.starts_with(&lower))
                .filter(|(_, o)| matches!(***o, Object::Commit(_)));
            let first = found.next()?;
            if found.next().is_none() {
                return Some(first.0.clone());
            }
        }
        None
    }

    /// Every commit reachable from `tips`, newest first by committer date
    /// (ties broken by id, so the order is stable).
    pub fn history(&self, tips: &[Oid]) -> Vec<Oid> {
        let mut seen = BTreeSet::new();
        let mut pending: Vec<Oid> = tips.to_vec();
        while let Some(id) = pending.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(c) = self.commit(&id) {
                pending.extend(c.parents.iter().cloned());
            }
        }
        // Each commit's date is looked up once, not at every comparison of the sort: the
        // lookups (40-character keys in `objects`) were most of a merge's time.
        let mut dated: Vec<(std::cmp::Reverse<i64>, Oid)> = seen
            .into_iter()
            .map(|id| {
                let time = self.commit(&id).map(|c| c.committer.time).unwrap_or(0);
                (std::cmp::Reverse(time), id)
            })
            .collect();
        // Ids are unique, so this is the stable sort by date of the id-ordered set.
        crate::sorting::sort(&mut dated);
        topo_order(self, dated.into_iter().map(|(_, id)| id).collect())
    }

    /// True when `ancestor` is `id` or reachable from it.
    pub fn is_ancestor(&self, ancestor: &str, id: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut pending = vec![id.to_string()];
        while let Some(id) = pending.pop() {
            if id == ancestor {
                return true;
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            if let Some(c) = self.commit(&id) {
                pending.extend(c.parents.iter().cloned());
            }
        }
        false
    }

    /// The best common ancestor of two commits, if any.
    pub fn merge_base(&self, a: &str, b: &str) -> Option<Oid> {
        // A pull that fast-forwards: `a` is the first of its own history and reachable from
        // `b`, so it is the answer, found without ordering two whole histories.
        if self.is_ancestor(a, b) {
            return Some(a.to_string());
        }
        let theirs: BTreeSet<Oid> = self.history(&[b.to_string()]).into_iter().collect();
        // History comes children first, so the first common commit has no
        // common descendant: it is a best common ancestor.
        self.history(&[a.to_string()])
            .into_iter()
            .find(|c| theirs.contains(c))
    }

    /// Copies `ids` and everything they reach from `other` into this repository.
    pub fn copy_reachable(&mut self, other: &Repo, ids: &[Oid]) {
        let mut pending: Vec<Oid> = ids.to_vec();
        while let Some(id) = pending.pop() {
            if self.objects.contains_key(&id) {
                continue;
            }
            let Some(object) = other.objects.get(&id) else {
                continue;
            };
            match &**object {
                Object::Blob(_) => {}
                Object::Tree(entries) => pending.extend(entries.values().map(|e| e.oid.clone())),
                Object::Commit(c) => {
                    pending.push(c.tree.clone());
                    pending.extend(c.parents.iter().cloned());
                }
            }
            self.objects.insert(id, object.clone());
        }
    }

    /// `HEAD detached at 1a2b3c4`, or `from` once HEAD has moved on.
    pub fn detached_label(&self, id: &str) -> String {
        match &self.detached_from {
            Some(from) if from != id => format!("HEAD detached from {}", Repo::short(from)),
            _ => format!("HEAD detached at {}", Repo::short(id)),
        }
    }

    /// An id shortened as git shortens it by default.
    pub fn short(id: &str) -> &str {
        id.get(..7).unwrap_or(id)
    }
}

/// Orders commits (already newest first) so that no commit comes before
/// one of its children, as `git log` shows them.
fn topo_order(repo: &Repo, by_date: Vec<Oid>) -> Vec<Oid> {
    let position: BTreeMap<&str, usize> = by_date
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut children = vec![0usize; by_date.len()];
    for id in &by_date {
        if let Some(c) = repo.commit(id) {
            for p in &c.parents {
                if let Some(&i) = position.get(p.as_str()) {
                    children[i] += 1;
                }
            }
        }
    }
    // The earliest (newest by date) commit whose children are all placed
    // comes next.
    let mut ready: BTreeSet<usize> = (0..by_date.len()).filter(|&i| children[i] == 0).collect();
    let mut out = Vec::with_capacity(by_date.len());
    while let Some(i) = ready.pop_first() {
        let next = &by_date[i];
        out.push(next.clone());
        if let Some(c) = repo.commit(next) {
            for p in &c.parents {
                if let Some(&j) = position.get(p.as_str()) {
                    if children[j] > 0 {
                        children[j] -= 1;
                        if children[j] == 0 {
                            ready.insert(j);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::git::object::Signature;

    fn commit(repo: &mut Repo, parents: &[&Oid], message: &str) -> Oid {
        let tree = repo.write_tree(&Snapshot::new());
        let who = Signature {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            time: 1,
        };
        repo.put(Object::Commit(Commit {
            tree,
            parents: parents.iter().map(|p| (*p).clone()).collect(),
            author: who.clone(),
            committer: who,
            message: format!("{message}\n"),
        }))
    }

    #[test]
    fn revisions_resolve_as_git_resolves_them() {
        let mut repo = Repo::new("main", false);
        let a = commit(&mut repo, &[], "a");
        let b = commit(&mut repo, &[&a], "b");
        let c = commit(&mut repo, &[&a], "c");
        let m = commit(&mut repo, &[&b, &c], "merge");
        repo.refs.insert("refs/heads/main".into(), m.clone());
        repo.refs
            .insert("refs/remotes/origin/main".into(), b.clone());
        let cases = [
            ("HEAD", Some(&m)),
            ("main", Some(&m)),
            ("HEAD^", Some(&b)),
            ("HEAD^2", Some(&c)),
            ("HEAD^0", Some(&m)),
            ("HEAD~2", Some(&a)),
            ("main~", Some(&b)),
            ("origin/main", Some(&b)),
            (&m[..7], Some(&m)),
            ("HEAD~3", None),
            ("nosuch", None),
        ];
        for (rev, want) in cases {
            assert_eq!(repo.resolve(rev).as_ref(), want, "{rev}");
        }
        assert_eq!(repo.merge_base(&b, &c), Some(a.clone()));
        assert!(repo.is_ancestor(&a, &m) && !repo.is_ancestor(&m, &a));
    }
}

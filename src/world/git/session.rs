//! A git command at work: the context it runs in, the repository it found,
//! and the work tree at `root`. A command works on a copy of the repository
//! that is stored back only when it succeeds, so a failed command leaves the
//! repository as it was.

use std::collections::BTreeMap;

use super::config::Config;
use super::error::GitError;
use super::ident;
use super::object::{Commit, Object, Oid, Signature};
use super::repo::{Repo, Snapshot};
use super::worktree;
use crate::world::ctx::Ctx;
use crate::world::fs::Fs;

/// A command's view of one repository.
pub struct Git<'a, 'w> {
    /// The running command.
    pub ctx: &'a mut Ctx<'w>,
    /// The work tree's top directory, absolute.
    pub root: String,
    /// The working copy of the repository.
    pub repo: Repo,
    /// The index to keep after a `git commit PATH...` (its other staged changes).
    pub pending_index: Option<Snapshot>,
}

impl Git<'_, '_> {
    /// The machine's files.
    pub fn fs(&mut self) -> &mut Fs {
        &mut self.ctx.machine().fs
    }

    /// The world's clock.
    pub fn now(&self) -> i64 {
        self.ctx.now()
    }

    /// Prints on standard output.
    pub fn out(&mut self, text: &str) {
        self.ctx.print(text);
    }

    /// Prints on standard error.
    pub fn err(&mut self, text: &str) {
        self.ctx.eprint(text);
    }

    /// Every file of the work tree.
    pub fn files(&self) -> BTreeMap<String, String> {
        worktree::files(&self.ctx.machine_ref().fs, &self.root)
    }

    /// The snapshot of HEAD's commit (empty on an unborn branch).
    pub fn head_snapshot(&self) -> Snapshot {
        self.repo.snapshot(self.repo.head_commit().as_deref())
    }

    /// `~/.gitconfig`.
    pub fn global_config(&self) -> Config {
        global_config(self.ctx)
    }

    /// The author or committer (`role` = `AUTHOR` or `COMMITTER`).
    pub fn signature(&self, role: &str) -> Result<Signature, GitError> {
        let config = self.global_config();
        let ctx = &*self.ctx;
        let env = |name: &str| ctx.getenv(name);
        ident::signature(role, &env, &config, ctx.now()).ok_or_else(|| {
            let machine = ctx.machine_ref();
            GitError::identity_unknown(crate::world::machine::USER, &machine.name)
        })
    }

    /// Makes a commit object from a snapshot and stores it.
    pub fn make_commit(
        &mut self,
        snapshot: &Snapshot,
        parents: Vec<Oid>,
        message: &str,
    ) -> Result<Oid, GitError> {
        let author = self.signature("AUTHOR")?;
        let committer = self.signature("COMMITTER")?;
        let tree = self.repo.write_tree(snapshot);
        let mut message = message.trim_end().to_string();
        message.push('\n');
        Ok(self.repo.put(Object::Commit(Commit {
            tree,
            parents,
            author,
            committer,
            message,
        })))
    }

    /// The path of an argument below the work tree (`""` for the top), or
    /// git's error for a path outside it.
    pub fn pathspec(&self, arg: &str) -> Result<String, GitError> {
        let abs = self.ctx.path(arg);
        if abs == self.root {
            return Ok(String::new());
        }
        worktree::relative(&self.root, &abs).ok_or_else(|| {
            GitError::fatal(&format!(
                "{arg}: '{arg}' is outside repository at '{}'",
                self.root
            ))
        })
    }

    /// A path below the work tree as git prints it: relative to the
    /// working directory (`../models.py` from a subdirectory).
    pub fn display(&self, rel: &str) -> String {
        let cwd = &self.ctx.machine_ref().cwd;
        let here = worktree::relative(&self.root, cwd).unwrap_or_default();
        if here.is_empty() {
            return rel.to_string();
        }
        let here_parts: Vec<&str> = here.split('/').collect();
        let parts: Vec<&str> = rel.split('/').collect();
        let common = here_parts
            .iter()
            .zip(&parts)
            .take_while(|(a, b)| a == b)
            .count();
        let mut out: Vec<&str> = vec![".."; here_parts.len() - common];
        out.extend(&parts[common..]);
        let shown = out.join("/");
        // The working directory itself, when it is an untracked directory.
        if shown.is_empty() {
            "./".to_string()
        } else {
            shown
        }
    }

    /// Replaces the work tree's tracked files of `from` with those of `to`,
    /// leaving untracked files alone.
    pub fn checkout_files(&mut self, from: &Snapshot, to: &Snapshot) {
        let now = self.now();
        let root = self.root.clone();
        let texts: Vec<(String, String)> = to
            .iter()
            .filter(|(path, id)| from.get(*path) != Some(*id))
            .map(|(path, id)| (path.clone(), self.repo.blob(id).to_string()))
            .collect();
        let fs = self.fs();
        for path in from.keys().filter(|p| !to.contains_key(*p)) {
            worktree::remove(fs, &root, path);
        }
        for (path, text) in texts {
            let _ = worktree::write(fs, &root, &path, &text, now);
        }
    }

    /// Paths whose work-tree content differs from the index (modified or deleted).
    pub fn dirty_paths(&mut self) -> Vec<String> {
        let files = self.files();
        let index = self.repo.index.entries.clone();
        index
            .iter()
            .filter(|(path, id)| {
                files
                    .get(*path)
                    .is_none_or(|text| super::object::Object::Blob(text.clone()).id() != **id)
            })
            .map(|(p, _)| p.clone())
            .collect()
    }
}

/// `~/.gitconfig` of the machine the command runs on.
pub fn global_config(ctx: &Ctx) -> Config {
    let home = ctx.machine_ref().home();
    let text = ctx
        .machine_ref()
        .fs
        .read(&format!("{home}/.gitconfig"))
        .unwrap_or_default();
    Config::parse(text)
}

//! The work tree: the files below a repository's top directory in the
//! machine's [`Fs`], seen as relative paths (`models.py`,
//! `migrations/versions/1a2b.py`). The `.git` directory is never part of it.

use std::collections::BTreeMap;

use crate::world::fs::{self, Fs, FsError};

/// Relative paths to contents of every file in the work tree.
pub fn files(fs: &Fs, root: &str) -> BTreeMap<String, String> {
    let git_dir = format!("{}/.git/", root.trim_end_matches('/'));
    fs.files_below(root)
        .into_iter()
        .filter(|p| !p.starts_with(&git_dir))
        .filter_map(|p| {
            let rel = relative(root, p)?;
            Some((rel, fs.read(p).ok()?.to_string()))
        })
        .collect()
}

/// The path below `root`, if `path` is there.
pub fn relative(root: &str, path: &str) -> Option<String> {
    if root == "/" {
        return path.strip_prefix('/').map(str::to_string);
    }
    path.strip_prefix(root)?
        .strip_prefix('/')
        .map(str::to_string)
}

/// The absolute path of a relative one.
pub fn absolute(root: &str, rel: &str) -> String {
    if rel.is_empty() {
        return root.to_string();
    }
    format!("{}/{rel}", root.trim_end_matches('/'))
}

/// Writes a file, creating its directories.
pub fn write(fs: &mut Fs, root: &str, rel: &str, content: &str, now: i64) -> Result<(), FsError> {
    let path = absolute(root, rel);
    let parent = fs::parent(&path).to_string();
    if fs.get(&parent).is_some_and(|n| !n.is_dir()) {
        fs.remove(&parent, false)?;
    }
    fs.mkdir_all(&parent, now)?;
    if fs.get(&path).is_some_and(|n| n.is_dir()) {
        fs.remove_all(&path)?;
    }
    fs.write(&path, content.to_string(), now)
}

/// Removes a file and then the directories it leaves empty, as git does.
pub fn remove(fs: &mut Fs, root: &str, rel: &str) {
    let path = absolute(root, rel);
    if fs.remove(&path, false).is_err() {
        return;
    }
    let mut dir = fs::parent(&path).to_string();
    while dir.len() > root.len() && dir.starts_with(root) {
        if fs.remove(&dir, true).is_err() {
            break;
        }
        dir = fs::parent(&dir).to_string();
    }
}

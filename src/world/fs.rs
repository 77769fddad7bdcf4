//! An in-memory filesystem: one per machine.
//!
//! Paths are absolute, normalised strings (`/home/learner/app/models.py`); the
//! root `/` always exists. Nodes live in a `BTreeMap`, so listing a directory is
//! a range scan and every listing comes out in a stable order.

use std::collections::BTreeMap;

/// A file or a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A directory; its children are the paths below it.
    Dir {
        /// Last modification, Unix seconds of the world's clock.
        mtime: i64,
    },
    /// A text file.
    File {
        /// The whole content; text only.
        content: String,
        /// Last modification, Unix seconds of the world's clock.
        mtime: i64,
    },
}

impl Node {
    /// True for a directory.
    pub fn is_dir(&self) -> bool {
        matches!(self, Node::Dir { .. })
    }

    /// The modification time.
    pub fn mtime(&self) -> i64 {
        match self {
            Node::Dir { mtime } | Node::File { mtime, .. } => *mtime,
        }
    }

    /// The size `ls -l` shows: bytes of a file, 4096 for a directory.
    pub fn size(&self) -> usize {
        match self {
            Node::Dir { .. } => 4096,
            Node::File { content, .. } => content.len(),
        }
    }
}

/// Why a filesystem operation failed, in the words of `strerror`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    /// ENOENT.
    NotFound,
    /// ENOTDIR: a path component is a file.
    NotADirectory,
    /// EISDIR.
    IsADirectory,
    /// EEXIST.
    Exists,
    /// ENOTEMPTY.
    NotEmpty,
}

impl FsError {
    /// The text `strerror` gives, as coreutils and bash print it.
    pub fn describe(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
        }
    }
}

/// The tree of one machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fs {
    nodes: BTreeMap<String, Node>,
    /// The files whose executable bits are set (`chmod +x`); the others are `rw-r--r--`.
    executable: std::collections::BTreeSet<String>,
}

impl Default for Fs {
    fn default() -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert("/".to_string(), Node::Dir { mtime: 0 });
        Fs {
            nodes,
            executable: Default::default(),
        }
    }
}

/// Joins `path` onto `cwd` and removes `.`, `..` and repeated slashes.
/// `..` above the root stays at the root, as in POSIX.
pub fn normalize(cwd: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined;
    let full = if path.starts_with('/') {
        path
    } else {
        joined = format!("{cwd}/{path}");
        &joined
    };
    for part in full.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The parent directory of a normalised path (`/` for `/`).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of a normalised path (`/` for the root).
pub fn file_name(path: &str) -> &str {
    if path == "/" {
        return "/";
    }
    path.rsplit('/').next().unwrap_or(path)
}

impl Fs {
    /// The node at a normalised path, if any.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// Looks a path up the way the kernel does, telling a missing component
    /// (`NotFound`) from a file used as a directory (`NotADirectory`).
    pub fn lookup(&self, path: &str) -> Result<&Node, FsError> {
        if let Some(node) = self.nodes.get(path) {
            return Ok(node);
        }
        self.check_parent(path)?;
        Err(FsError::NotFound)
    }

    fn check_parent(&self, path: &str) -> Result<(), FsError> {
        let mut dir = parent(path);
        loop {
            match self.nodes.get(dir) {
                Some(Node::Dir { .. }) => return Ok(()),
                Some(Node::File { .. }) => return Err(FsError::NotADirectory),
                None if dir == "/" => return Ok(()),
                None => dir = parent(dir),
            }
        }
    }

    /// The parent must exist and be a directory before anything is created in it.
    fn require_parent_dir(&self, path: &str) -> Result<(), FsError> {
        match self.lookup(parent(path))? {
            Node::Dir { .. } => Ok(()),
            Node::File { .. } => Err(FsError::NotADirectory),
        }
    }

    /// The content of a file.
    pub fn read(&self, path: &str) -> Result<&str, FsError> {
        match self.lookup(path)? {
            Node::File { content, .. } => Ok(content),
            Node::Dir { .. } => Err(FsError::IsADirectory),
        }
    }

    /// Creates or replaces a file.
    pub fn write(&mut self, path: &str, content: String, mtime: i64) -> Result<(), FsError> {
        if matches!(self.nodes.get(path), Some(Node::Dir { .. })) {
            return Err(FsError::IsADirectory);
        }
        self.require_parent_dir(path)?;
        self.nodes
            .insert(path.to_string(), Node::File { content, mtime });
        Ok(())
    }

    /// Appends to a file, creating it if needed.
    pub fn append(&mut self, path: &str, text: &str, mtime: i64) -> Result<(), FsError> {
        let mut content = match self.nodes.get(path) {
            Some(Node::Dir { .. }) => return Err(FsError::IsADirectory),
            Some(Node::File { content, .. }) => content.clone(),
            None => String::new(),
        };
        content.push_str(text);
        self.write(path, content, mtime)
    }

    /// Sets a node's modification time, creating an empty file if the path is free.
    pub fn touch(&mut self, path: &str, mtime: i64) -> Result<(), FsError> {
        match self.nodes.get_mut(path) {
            Some(Node::Dir { mtime: m }) | Some(Node::File { mtime: m, .. }) => {
                *m = mtime;
                Ok(())
            }
            None => self.write(path, String::new(), mtime),
        }
    }

    /// Creates one directory; its parent must exist.
    pub fn mkdir(&mut self, path: &str, mtime: i64) -> Result<(), FsError> {
        if self.nodes.contains_key(path) {
            return Err(FsError::Exists);
        }
        self.require_parent_dir(path)?;
        self.nodes.insert(path.to_string(), Node::Dir { mtime });
        Ok(())
    }

    /// Creates a directory and any missing parents (`mkdir -p`).
    pub fn mkdir_all(&mut self, path: &str, mtime: i64) -> Result<(), FsError> {
        match self.nodes.get(path) {
            Some(Node::Dir { .. }) => return Ok(()),
            Some(Node::File { .. }) => return Err(FsError::Exists),
            None => {}
        }
        if path != "/" {
            self.mkdir_all(parent(path), mtime)?;
        }
        self.mkdir(path, mtime)
    }

    /// Every node strictly below `dir`, with its path relative to `dir`, in order.
    fn below<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a String, &'a Node)> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        let start = prefix.len();
        self.nodes
            .range(prefix.clone()..)
            .take_while(move |(path, _)| path.starts_with(&prefix))
            .filter(move |(path, _)| path.len() > start)
            .map(move |(path, node)| (&path[start..], path, node))
    }

    /// The direct children of a directory, sorted by name.
    pub fn children(&self, dir: &str) -> Vec<(&str, &Node)> {
        self.below(dir)
            .filter(|(name, _, _)| !name.contains('/'))
            .map(|(name, _, node)| (name, node))
            .collect()
    }

    /// Every path at or below `path`, in order.
    fn subtree(&self, path: &str) -> Vec<String> {
        let prefix = format!("{path}/");
        let mut out = vec![path.to_string()];
        out.extend(
            self.nodes
                .range(prefix.clone()..)
                .take_while(|(p, _)| p.starts_with(&prefix))
                .map(|(p, _)| p.clone()),
        );
        out
    }

    /// Removes a file, or an empty directory when `dir_ok`.
    pub fn remove(&mut self, path: &str, dir_ok: bool) -> Result<(), FsError> {
        match self.lookup(path)? {
            Node::Dir { .. } if !dir_ok => Err(FsError::IsADirectory),
            Node::Dir { .. } if !self.children(path).is_empty() => Err(FsError::NotEmpty),
            _ if path == "/" => Err(FsError::IsADirectory),
            _ => {
                self.nodes.remove(path);
                self.executable.remove(path);
                Ok(())
            }
        }
    }

    /// Removes a node and everything below it (`rm -r`).
    pub fn remove_all(&mut self, path: &str) -> Result<(), FsError> {
        self.lookup(path)?;
        for p in self.subtree(path) {
            if p != "/" {
                self.nodes.remove(&p);
                self.executable.remove(&p);
            }
        }
        Ok(())
    }

    /// Copies a node and everything below it to `to`, replacing what was there.
    pub fn copy_all(&mut self, from: &str, to: &str, mtime: i64) -> Result<(), FsError> {
        self.lookup(from)?;
        self.require_parent_dir(to)?;
        let moved: Vec<(String, Node)> = self
            .subtree(from)
            .into_iter()
            .filter_map(|p| {
                let node = self.nodes.get(&p)?.clone();
                let node = match node {
                    Node::Dir { .. } => Node::Dir { mtime },
                    Node::File { content, .. } => Node::File { content, mtime },
                };
                Some((format!("{to}{}", &p[from.len()..]), node))
            })
            .collect();
        for (p, node) in moved {
            self.nodes.insert(p, node);
        }
        Ok(())
    }

    /// Moves a node and everything below it to `to`.
    pub fn rename(&mut self, from: &str, to: &str, mtime: i64) -> Result<(), FsError> {
        if to.starts_with(&format!("{from}/")) {
            return Err(FsError::NotFound);
        }
        self.copy_all(from, to, mtime)?;
        for p in self.subtree(from) {
            self.nodes.remove(&p);
            if self.executable.remove(&p) {
                self.executable.insert(format!("{to}{}", &p[from.len()..]));
            }
        }
        Ok(())
    }

    /// True for a file with its executable bits set.
    pub fn is_executable(&self, path: &str) -> bool {
        self.executable.contains(path) && matches!(self.nodes.get(path), Some(Node::File { .. }))
    }

    /// Sets or clears a file's executable bits (`chmod +x` / `chmod -x`).
    pub fn set_executable(&mut self, path: &str, on: bool) -> Result<(), FsError> {
        self.lookup(path)?;
        if on {
            self.executable.insert(path.to_string());
        } else {
            self.executable.remove(path);
        }
        Ok(())
    }

    /// Every file path below `dir`, in order.
    pub fn files_below(&self, dir: &str) -> Vec<&str> {
        self.below(dir)
            .filter(|(_, _, node)| !node.is_dir())
            .map(|(_, path, _)| path.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_paths() {
        let cases = [
            ("/home/learner", "app", "/home/learner/app"),
            ("/home/learner", "../..", "/"),
            ("/home/learner", "../../../x", "/x"),
            ("/", "/a//b/./c/", "/a/b/c"),
            ("/a", ".", "/a"),
        ];
        for (cwd, path, want) in cases {
            assert_eq!(normalize(cwd, path), want, "{cwd} + {path}");
        }
    }

    #[test]
    fn errors_follow_the_kernel() {
        let mut fs = Fs::default();
        fs.mkdir_all("/a/b", 0).unwrap();
        fs.write("/a/f", "x".into(), 0).unwrap();
        assert_eq!(fs.read("/a/g"), Err(FsError::NotFound));
        assert_eq!(fs.read("/a/f/g"), Err(FsError::NotADirectory));
        assert_eq!(fs.read("/a"), Err(FsError::IsADirectory));
        assert_eq!(fs.mkdir("/a/b", 0), Err(FsError::Exists));
        assert_eq!(fs.mkdir("/x/y", 0), Err(FsError::NotFound));
        assert_eq!(fs.remove("/a", true), Err(FsError::NotEmpty));
        let names: Vec<&str> = fs.children("/a").iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["b", "f"]);
        fs.rename("/a", "/c", 1).unwrap();
        assert_eq!(fs.read("/c/f"), Ok("x"));
        assert!(fs.get("/a").is_none());
    }
}

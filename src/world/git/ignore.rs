//! `.gitignore`: which untracked paths git leaves out of `status` and `add`.
//!
//! Supported: blank lines and `#` comments, `!` negation, a trailing `/` for
//! directories only, a leading or inner `/` anchoring to the file's directory,
//! and the globs `*`, `?` and `**`. The last matching pattern wins, and a path
//! below an ignored directory is ignored.

use std::collections::BTreeMap;

/// One pattern line.
#[derive(Clone, Debug)]
struct Pattern {
    /// The directory of the `.gitignore` it came from, `""` or `dir/`.
    base: String,
    glob: String,
    negated: bool,
    dir_only: bool,
    anchored: bool,
}

/// The patterns of every `.gitignore` in a work tree.
#[derive(Clone, Debug, Default)]
pub struct Ignore {
    patterns: Vec<Pattern>,
}

impl Ignore {
    /// Reads the `.gitignore` files among the work tree's files (relative paths).
    pub fn load(files: &BTreeMap<String, String>) -> Self {
        let mut patterns = Vec::new();
        for (path, text) in files {
            let base = match path.strip_suffix(".gitignore") {
                Some(base) if base.is_empty() || base.ends_with('/') => base.to_string(),
                _ => continue,
            };
            for line in text.lines() {
                let line = line.trim_end();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (negated, line) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, line),
                };
                let (dir_only, line) = match line.strip_suffix('/') {
                    Some(rest) => (true, rest),
                    None => (false, line),
                };
                let anchored = line.contains('/');
                let glob = line.trim_start_matches('/').to_string();
                if glob.is_empty() {
                    continue;
                }
                patterns.push(Pattern {
                    base: base.clone(),
                    glob,
                    negated,
                    dir_only,
                    anchored,
                });
            }
        }
        Ignore { patterns }
    }

    /// True when a file (relative path) is ignored, itself or through a directory.
    pub fn ignores(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.split('/').collect();
        for end in 1..=parts.len() {
            let is_dir = end < parts.len();
            if self.matches(&parts[..end].join("/"), is_dir) {
                return true;
            }
        }
        false
    }

    fn matches(&self, path: &str, is_dir: bool) -> bool {
        let mut ignored = false;
        for p in &self.patterns {
            if p.dir_only && !is_dir {
                continue;
            }
            let Some(rel) = path.strip_prefix(&p.base) else {
                continue;
            };
            let hit = if p.anchored {
                glob(&p.glob, rel)
            } else {
                glob(&p.glob, rel.rsplit('/').next().unwrap_or(rel))
            };
            if hit {
                ignored = !p.negated;
            }
        }
        ignored
    }
}

/// Matches a whole string against a glob (`*` stops at `/`, `**` does not),
/// by dynamic programming so that no pattern can take exponential time.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // reach[j]: the first i pattern characters can match t[..j].
    let mut reach = vec![false; t.len() + 1];
    reach[0] = true;
    let mut i = 0;
    while i < p.len() {
        let mut next = vec![false; t.len() + 1];
        let double = p[i] == '*' && p.get(i + 1) == Some(&'*');
        if double && p.get(i + 2) == Some(&'/') {
            // `**/`: no directory at all, or anything that ends with a `/`.
            let mut seen = false;
            for j in 0..=t.len() {
                next[j] = reach[j] || (seen && j > 0 && t[j - 1] == '/');
                seen |= reach[j];
            }
            i += 3;
        } else if double {
            let mut seen = false;
            for j in 0..=t.len() {
                seen |= reach[j];
                next[j] = seen;
            }
            i += 2;
        } else if p[i] == '*' {
            for j in 0..=t.len() {
                next[j] = reach[j] || (j > 0 && next[j - 1] && t[j - 1] != '/');
            }
            i += 1;
        } else {
            for j in 1..=t.len() {
                next[j] = reach[j - 1] && (p[i] == t[j - 1] || (p[i] == '?' && t[j - 1] != '/'));
            }
            i += 1;
        }
        reach = next;
    }
    reach[t.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let mut files = BTreeMap::new();
        files.insert(
            ".gitignore".to_string(),
            "__pycache__/\n*.pyc\n/instance\n.env\n!keep.pyc\nlogs/**/*.log\n".to_string(),
        );
        let ignore = Ignore::load(&files);
        let cases = [
            ("__pycache__/app.cpython-312.pyc", true),
            ("migrations/__pycache__/env.pyc", true),
            ("a/b.pyc", true),
            ("keep.pyc", false),
            ("instance/app.db", true),
            ("src/instance/x", false),
            (".env", true),
            ("models.py", false),
            ("logs/a/b/c.log", true),
            ("logs/c.log", true),
        ];
        for (path, want) in cases {
            assert_eq!(ignore.ignores(path), want, "{path}");
        }
    }
}

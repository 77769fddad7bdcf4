//! Word expansion: parameters, `~`, field splitting and pathname globbing,
//! in bash's order.

use super::ast::{Part, Word};
use crate::world::fs::{self, Fs};

/// What expansion reads: variables, `$?`, the home directory, the files.
pub struct Env<'a> {
    /// Looks a variable up (the one-command `A=b` overlay first).
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    /// `$?`.
    pub last_status: i32,
    /// `~`.
    pub home: &'a str,
    /// The working directory, for relative globs.
    pub cwd: &'a str,
    /// The files globs match against.
    pub fs: &'a Fs,
}

/// One field under construction: its characters, each marked when it is an
/// active glob character (unquoted).
#[derive(Default)]
struct Field {
    chars: Vec<(char, bool)>,
    started: bool,
}

impl Field {
    fn push(&mut self, text: &str, active: bool) {
        self.chars.extend(text.chars().map(|c| (c, active)));
        self.started = true;
    }

    fn text(&self) -> String {
        self.chars.iter().map(|(c, _)| c).collect()
    }

    fn has_glob(&self) -> bool {
        self.chars.iter().any(|&(c, a)| a && (c == '*' || c == '?'))
    }
}

impl Env<'_> {
    fn param(&self, name: &str) -> String {
        match name {
            "?" => self.last_status.to_string(),
            "$" => "4242".to_string(),
            "#" => "0".to_string(),
            "0" => "bash".to_string(),
            _ => (self.lookup)(name).unwrap_or_default(),
        }
    }

    /// Expands a word into zero or more fields.
    pub fn fields(&self, word: &Word) -> Vec<String> {
        let mut done: Vec<Field> = Vec::new();
        let mut cur = Field::default();
        for part in &word.parts {
            match part {
                Part::Bare(s) => cur.push(s, true),
                Part::Quoted(s) => cur.push(s, false),
                Part::Tilde => cur.push(self.home, false),
                Part::Param { name, quoted: true } => cur.push(&self.param(name), false),
                Part::Param {
                    name,
                    quoted: false,
                } => {
                    let value = self.param(name);
                    let pieces: Vec<&str> = value.split_whitespace().collect();
                    if pieces.is_empty() {
                        continue;
                    }
                    if value.starts_with(char::is_whitespace) && cur.started {
                        done.push(std::mem::take(&mut cur));
                    }
                    let last = pieces.len() - 1;
                    for (i, piece) in pieces.iter().enumerate() {
                        cur.push(piece, false);
                        if i < last {
                            done.push(std::mem::take(&mut cur));
                        }
                    }
                    if value.ends_with(char::is_whitespace) {
                        done.push(std::mem::take(&mut cur));
                    }
                }
            }
        }
        if cur.started {
            done.push(cur);
        }
        let mut out = Vec::new();
        for field in done {
            if field.has_glob() {
                let matches = self.glob(&field.chars);
                if !matches.is_empty() {
                    out.extend(matches);
                    continue;
                }
            }
            out.push(field.text());
        }
        out
    }

    /// Expands a word to exactly one string (redirection targets, assignments).
    pub fn single(&self, word: &Word) -> String {
        let mut out = String::new();
        for part in &word.parts {
            match part {
                Part::Bare(s) | Part::Quoted(s) => out.push_str(s),
                Part::Tilde => out.push_str(self.home),
                Part::Param { name, .. } => out.push_str(&self.param(name)),
            }
        }
        out
    }

    /// Matches a pattern against the files, component by component.
    fn glob(&self, pattern: &[(char, bool)]) -> Vec<String> {
        let absolute = pattern.first().is_some_and(|&(c, _)| c == '/');
        let components: Vec<&[(char, bool)]> = pattern
            .split(|&(c, _)| c == '/')
            .filter(|c| !c.is_empty())
            .collect();
        let mut candidates: Vec<String> = vec![String::new()];
        for (i, component) in components.iter().enumerate() {
            let last = i + 1 == components.len();
            let mut next = Vec::new();
            for prefix in &candidates {
                let dir_shown = if absolute {
                    format!("/{prefix}")
                } else {
                    prefix.clone()
                };
                let join = |name: &str| {
                    if prefix.is_empty() {
                        name.to_string()
                    } else {
                        format!("{prefix}/{name}")
                    }
                };
                if !component.iter().any(|&(c, a)| a && (c == '*' || c == '?')) {
                    let name: String = component.iter().map(|(c, _)| c).collect();
                    next.push(join(&name));
                    continue;
                }
                let dir = fs::normalize(
                    self.cwd,
                    if dir_shown.is_empty() {
                        "."
                    } else {
                        &dir_shown
                    },
                );
                for (name, node) in self.fs.children(&dir) {
                    let hidden_ok = component.first().is_some_and(|&(c, _)| c == '.');
                    if (name.starts_with('.') && !hidden_ok) || (!last && !node.is_dir()) {
                        continue;
                    }
                    if matches(component, &name.chars().collect::<Vec<_>>()) {
                        next.push(join(name));
                    }
                }
            }
            candidates = next;
        }
        candidates
            .into_iter()
            .map(|c| if absolute { format!("/{c}") } else { c })
            .filter(|c| self.fs.get(&fs::normalize(self.cwd, c)).is_some())
            .collect()
    }
}

/// `*` and `?` matching, iteratively (no recursion, no blow-up).
fn matches(pattern: &[(char, bool)], name: &[char]) -> bool {
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(&('*', true)) => {
                star = Some((p, n));
                p += 1;
            }
            Some(&('?', true)) => {
                p += 1;
                n += 1;
            }
            Some(&(c, _)) if c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..]
        .iter()
        .all(|&(c, a)| c == '*' && a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Vec<(char, bool)> {
        s.chars().map(|c| (c, true)).collect()
    }

    #[test]
    fn glob_matching() {
        let cases = [
            ("*.py", "models.py", true),
            ("*.py", "models.pyc", false),
            ("m?dels.py", "models.py", true),
            ("*", "", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbY", false),
        ];
        for (p, n, want) in cases {
            assert_eq!(
                matches(&pat(p), &n.chars().collect::<Vec<_>>()),
                want,
                "{p} {n}"
            );
        }
    }
}

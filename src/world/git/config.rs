//! git's configuration files (`~/.gitconfig`): sections, subsections and
//! keys, read and written in git's own layout.

/// One `[section]` or `[section "sub"]` with its keys in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Section {
    /// `user`, or `remote "origin"` as the header spells it.
    header: String,
    /// Lowercased section name with its subsection: `remote.origin`.
    key: String,
    entries: Vec<(String, String)>,
}

/// A parsed configuration file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    sections: Vec<Section>,
}

/// Splits `section.sub.key` into the section key (`section.sub`) and the name.
fn split_key(key: &str) -> Option<(String, String)> {
    let (section, name) = key.rsplit_once('.')?;
    let (first, sub) = match section.split_once('.') {
        Some((first, sub)) => (first.to_ascii_lowercase(), format!(".{sub}")),
        None => (section.to_ascii_lowercase(), String::new()),
    };
    (!first.is_empty() && !name.is_empty())
        .then(|| (format!("{first}{sub}"), name.to_ascii_lowercase()))
}

impl Config {
    /// Reads a file's text; lines it cannot read are skipped.
    pub fn parse(text: &str) -> Self {
        let mut sections: Vec<Section> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                let key = match inner.split_once(' ') {
                    Some((name, sub)) => {
                        format!(
                            "{}.{}",
                            name.to_ascii_lowercase(),
                            sub.trim().trim_matches('"')
                        )
                    }
                    None => inner.to_ascii_lowercase(),
                };
                sections.push(Section {
                    header: inner.to_string(),
                    key,
                    entries: Vec::new(),
                });
                continue;
            }
            let Some(section) = sections.last_mut() else {
                continue;
            };
            let (name, value) = match line.split_once('=') {
                Some((n, v)) => (n.trim(), v.trim().trim_matches('"')),
                None => (line, "true"),
            };
            section
                .entries
                .push((name.to_ascii_lowercase(), value.to_string()));
        }
        Config { sections }
    }

    /// The last value of `section.key` (`user.name`, `init.defaultBranch`).
    pub fn get(&self, key: &str) -> Option<&str> {
        let (section, name) = split_key(key)?;
        self.sections
            .iter()
            .filter(|s| s.key == section)
            .flat_map(|s| s.entries.iter())
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .next_back()
    }

    /// Sets `section.key`, replacing its value or adding it; false for a key
    /// without a section.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        let Some((section, name)) = split_key(key) else {
            return false;
        };
        let (spelled_name, _) = key.rsplit_once('.').unwrap_or((key, key));
        let spelled_key = &key[spelled_name.len() + 1..];
        if let Some(entry) = self
            .sections
            .iter_mut()
            .filter(|s| s.key == section)
            .flat_map(|s| s.entries.iter_mut())
            .rfind(|(n, _)| *n == name)
        {
            entry.1 = value.to_string();
            return true;
        }
        let entry = (spelled_key.to_string(), value.to_string());
        if let Some(s) = self.sections.iter_mut().rfind(|s| s.key == section) {
            s.entries.push(entry);
        } else {
            let header = match spelled_name.split_once('.') {
                Some((first, sub)) => format!("{} \"{sub}\"", first.to_ascii_lowercase()),
                None => spelled_name.to_ascii_lowercase(),
            };
            self.sections.push(Section {
                header,
                key: section,
                entries: vec![entry],
            });
        }
        true
    }

    /// The file's text in git's layout: a header, then tab-indented `key = value`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for s in &self.sections {
            out.push_str(&format!("[{}]\n", s.header));
            for (name, value) in &s.entries {
                out.push_str(&format!("\t{name} = {value}\n"));
            }
        }
        out
    }

    /// Every `section.key=value`, as `git config --list` prints them.
    pub fn list(&self) -> Vec<String> {
        self.sections
            .iter()
            .flat_map(|s| {
                s.entries
                    .iter()
                    .map(move |(n, v)| format!("{}.{}={v}", s.key, n.to_ascii_lowercase()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_then_render_as_git_writes_it() {
        let mut c = Config::default();
        c.set("user.name", "Ada Lovelace");
        c.set("user.email", "ada@example.com");
        c.set("init.defaultBranch", "main");
        assert_eq!(
            c.render(),
            "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n[init]\n\tdefaultBranch = main\n"
        );
        assert_eq!(
            Config::parse(&c.render()).get("init.defaultbranch"),
            Some("main")
        );
    }
}

//! Tab completion of command names and file names, as bash offers them.

use super::commands::COMMANDS;
use super::fs;
use super::{Foreground, World};

/// What Tab can put in place of the word under the cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset in the input where the completed word starts.
    pub start: usize,
    /// The full candidates for that word, sorted; directories end with `/`.
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest text every candidate starts with.
    pub fn common_prefix(&self) -> String {
        let Some(first) = self.candidates.first() else {
            return String::new();
        };
        let mut prefix = first.clone();
        for c in &self.candidates[1..] {
            while !c.starts_with(&prefix) {
                prefix.pop();
            }
        }
        prefix
    }
}

impl World {
    /// Completes the last word of `input`.
    pub fn complete(&self, input: &str) -> Completion {
        match &self.foreground {
            Some(Foreground::Mongosh(shell)) => {
                // mongosh completes the word of letters, digits, `_`, `$` and dots.
                let start = input
                    .char_indices()
                    .rfind(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '.')))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                return Completion {
                    start,
                    candidates: shell.complete(&self.machine().mongo, input),
                };
            }
            Some(Foreground::Psql(_) | Foreground::FlaskShell(_)) => return Completion::default(),
            None => {}
        }
        let start = input
            .char_indices()
            .rfind(|&(_, c)| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '<' | '>'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = &input[start..];
        let before = input[..start].trim_end();
        let command_position = before.is_empty() || before.ends_with([';', '|', '&']);
        let git_words = super::git::completions(self.machine(), before, word);
        let mut candidates: Vec<String> = if let Some(words) = git_words {
            words
        } else if command_position && !word.contains('/') {
            COMMANDS
                .iter()
                .map(|c| c.name.to_string())
                .filter(|n| n.starts_with(word))
                .collect()
        } else {
            self.complete_path(word)
        };
        crate::sorting::sort(&mut candidates);
        candidates.dedup();
        Completion { start, candidates }
    }

    fn complete_path(&self, word: &str) -> Vec<String> {
        let machine = self.machine();
        let (dir_part, name_part) = match word.rfind('/') {
            Some(i) => (&word[..=i], &word[i + 1..]),
            None => ("", word),
        };
        let home = machine.home();
        let dir_shown = dir_part.replacen('~', &home, usize::from(dir_part.starts_with('~')));
        let dir = fs::normalize(
            &machine.cwd,
            if dir_shown.is_empty() {
                "."
            } else {
                &dir_shown
            },
        );
        machine
            .fs
            .children(&dir)
            .into_iter()
            .filter(|(name, _)| name.starts_with(name_part))
            .filter(|(name, _)| !name.starts_with('.') || name_part.starts_with('.'))
            .map(|(name, node)| {
                let slash = if node.is_dir() { "/" } else { "" };
                format!("{dir_part}{name}{slash}")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::world::World;

    #[test]
    fn bash_completes_commands_and_paths() {
        let world = World::default();
        assert_eq!(world.complete("mong").candidates, ["mongosh"]);
        let c = world.complete("cat mo");
        assert_eq!((c.start, c.candidates), (4, vec!["models.py".to_string()]));
        assert_eq!(world.complete("ls ~/a").candidates, ["~/app/"]);
    }

    #[test]
    fn mongosh_completes_its_own_words() {
        let mut world = World::default();
        world.run("mongosh");
        world.run("db.users.insertOne({})");
        let c = world.complete("db.us");
        assert_eq!((c.start, c.candidates), (0, vec!["db.users".to_string()]));
        assert!(world
            .complete("db.users.ins")
            .candidates
            .contains(&"db.users.insertOne".to_string()));
    }
}

//! Tab completion of command names and file names, as bash offers them.

use super::commands::COMMANDS;
use super::fs;
use super::World;

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
        if self.in_program() {
            return Completion::default();
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
        candidates.sort();
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

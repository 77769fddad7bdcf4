//! The syntax tree of a shell command line.

/// A whole input: and-or lists separated by `;`, `&` or newlines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// The lists, in order.
    pub lists: Vec<AndOr>,
    /// Here-document bodies, referred to by `RedirectOp::HereDoc` by index.
    pub heredocs: Vec<HereDoc>,
    /// Warnings bash prints while parsing (a here-document cut short by the end of input).
    pub warnings: Vec<String>,
}

/// `a && b || c`: pipelines joined by `&&` and `||`, run left to right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    /// The first pipeline; always runs.
    pub first: Pipeline,
    /// The others, each with the connector before it.
    pub rest: Vec<(Connector, Pipeline)>,
    /// True when the list ends with `&`: bash runs it as a background job.
    pub background: bool,
    /// The line of the input it starts on, from 1 (a script's errors name it).
    pub line: usize,
}

/// How a pipeline is joined to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connector {
    /// `&&`: runs only after success.
    And,
    /// `||`: runs only after failure.
    Or,
}

/// `a | b`: commands whose standard output feeds the next one's input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// Never empty.
    pub commands: Vec<Simple>,
}

/// `A=1 cmd arg > file`: one simple command.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Simple {
    /// `NAME=value` words before the command name.
    pub assigns: Vec<(String, Word)>,
    /// The command name and its arguments (may be empty: `A=1` alone).
    pub words: Vec<Word>,
    /// Redirections, in the order written.
    pub redirects: Vec<Redirect>,
}

/// One redirection of a file descriptor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The descriptor redirected: 0, 1 or 2.
    pub fd: u8,
    /// What it is redirected to.
    pub op: RedirectOp,
}

/// The kinds of redirection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirectOp {
    /// `> file`: truncate and write.
    Write(Word),
    /// `>> file`: append.
    Append(Word),
    /// `< file`: read.
    Read(Word),
    /// `<< EOF`: a here-document, by index into `Script::heredocs`.
    HereDoc(usize),
    /// `<<< word`: a here-string.
    HereString(Word),
    /// `2>&1`: duplicate another descriptor.
    Dup(u8),
}

/// A here-document's body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HereDoc {
    /// The delimiter, without quotes.
    pub delimiter: String,
    /// The body, each line ending with a newline.
    pub body: String,
    /// False when the delimiter was quoted: then `$` is not expanded.
    pub expand: bool,
}

/// A word before expansion: a sequence of parts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    /// Never empty for a word that was written.
    pub parts: Vec<Part>,
}

/// A piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Unquoted text: glob characters in it are active.
    Bare(String),
    /// Quoted or escaped text: taken literally.
    Quoted(String),
    /// `$NAME`, `${NAME}` or `$?`; `quoted` when inside double quotes (no field splitting).
    Param {
        /// The variable name, or `?`.
        name: String,
        /// Inside double quotes.
        quoted: bool,
    },
    /// A leading `~`: the home directory.
    Tilde,
}

impl Word {
    /// The word as written, without its quotes, when it has no expansions.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Bare(s) | Part::Quoted(s) => out.push_str(s),
                Part::Param { .. } | Part::Tilde => return None,
            }
        }
        Some(out)
    }

    /// True when any part was quoted (a quoted here-document delimiter disables expansion).
    pub fn has_quotes(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Quoted(_)))
    }
}

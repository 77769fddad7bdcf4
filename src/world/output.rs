//! What a command prints, in order, and what it makes the page do.

use serde::{Deserialize, Serialize};

/// Where a piece of output went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// A line of advice from the lab itself, never from the simulated tool.
    Hint,
}

/// A run of text on one stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    /// The stream.
    pub stream: Stream,
    /// The text, newlines included.
    pub text: String,
}

/// Output in the order it was written, streams interleaved as on a terminal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// The chunks; adjacent chunks of one stream are merged.
    pub chunks: Vec<Chunk>,
}

impl Output {
    /// Appends text to a stream.
    pub fn push(&mut self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some(last) if last.stream == stream => last.text.push_str(text),
            _ => self.chunks.push(Chunk {
                stream,
                text: text.to_string(),
            }),
        }
    }

    /// Appends everything of another output.
    pub fn extend(&mut self, other: Output) {
        for chunk in other.chunks {
            self.push(chunk.stream, &chunk.text);
        }
    }

    /// The text of one stream.
    pub fn stream(&self, stream: Stream) -> String {
        self.chunks
            .iter()
            .filter(|c| c.stream == stream)
            .map(|c| c.text.as_str())
            .collect()
    }

    /// Everything, as a terminal shows it.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|c| c.text.as_str()).collect()
    }
}

/// Something a command asks the page to do, beyond printing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// `clear`: empty the terminal.
    Clear,
    /// `edit FILE`: open the editor on an absolute path.
    Edit(String),
    /// `reset`: the lab started again from its first state.
    Reset,
}

/// The result of one input line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// What was printed.
    pub output: Output,
    /// The exit status of the last command, as `$?` then holds it.
    pub exit_code: i32,
    /// Requests to the page.
    pub events: Vec<Event>,
}

impl Outcome {
    /// Standard output only.
    pub fn stdout(&self) -> String {
        self.output.stream(Stream::Stdout)
    }

    /// Standard error only.
    pub fn stderr(&self) -> String {
        self.output.stream(Stream::Stderr)
    }

    /// Everything, as a terminal shows it.
    pub fn text(&self) -> String {
        self.output.text()
    }
}

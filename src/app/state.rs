//! The session state and its reducer.

use super::compare::Comparison;
use super::views::DatabaseView;
use crate::world::{Event, Output, World};

/// One submitted input and what it printed, for the terminal view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The prompt shown before the input.
    pub prompt: String,
    /// The input as submitted (several lines for a here-document).
    pub input: String,
    /// What it printed.
    pub output: Output,
    /// Its exit status.
    pub exit_code: i32,
}

/// Everything the page shows, derived from `seed` and `log`.
#[derive(Clone, Debug)]
pub struct State {
    /// The world's seed.
    pub seed: u64,
    /// Every submitted input, in order; replaying it on a fresh world gives `world`.
    pub log: Vec<String>,
    /// Inputs taken back by undo, most recent last; cleared by a new input.
    pub redo: Vec<String>,
    /// The world after the whole log.
    pub world: World,
    /// The terminal's visible entries (since the last `clear`).
    pub transcript: Vec<Entry>,
    /// The file open in the editor panel, an absolute path (view state, not logged).
    pub editing: Option<String>,
    /// The database explorer of the current machine, with the last input's changes marked.
    pub database: DatabaseView,
    /// Journal vs Form: its own sandbox, not part of the log.
    pub compare: Comparison,
}

/// Every change to the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Run one complete input in the terminal.
    Submit(String),
    /// Save a file from the editor: recorded in the log as a here-document.
    SaveFile {
        /// Absolute path.
        path: String,
        /// The new content.
        content: String,
    },
    /// Take back the last input.
    Undo,
    /// Run again the last input taken back.
    Redo,
    /// Empty the terminal view (Ctrl+L); the world does not change.
    ClearScreen,
    /// Open a file in the editor panel.
    OpenFile(String),
    /// Close the editor panel.
    CloseEditor,
    /// Journal vs Form: run the next step of the story in both worlds.
    CompareStep,
    /// Journal vs Form: save the learner's own document in both worlds.
    CompareSave(String),
    /// Journal vs Form: start the story again.
    CompareRestart,
    /// Replace the session by a saved one (a reload, a share link).
    Load {
        /// The saved seed.
        seed: u64,
        /// The saved log.
        log: Vec<String>,
    },
}

impl Default for State {
    fn default() -> Self {
        State::new(crate::world::DEFAULT_SEED)
    }
}

impl State {
    /// A new session on a fresh world.
    pub fn new(seed: u64) -> Self {
        let world = World::new(seed);
        let machine = world.machine();
        let database = DatabaseView::of(&machine.name, &machine.postgres, None);
        State {
            seed,
            log: Vec::new(),
            redo: Vec::new(),
            world,
            transcript: Vec::new(),
            editing: None,
            database,
            compare: Comparison::default(),
        }
    }

    /// Rebuilds a session by replaying `log` on a fresh world. The views are
    /// computed once, around the last input, so replay stays fast.
    pub fn replay(seed: u64, mut log: Vec<String>) -> Self {
        let mut state = State::new(seed);
        let last = log.pop();
        for input in log {
            state.run(input);
        }
        let machine = state.world.machine();
        state.database = DatabaseView::of(&machine.name, &machine.postgres, None);
        if let Some(input) = last {
            state.apply(input);
        }
        state
    }

    /// Runs one input, records it and refreshes the views, marking what changed.
    fn apply(&mut self, input: String) {
        self.run(input);
        let before = std::mem::take(&mut self.database);
        let machine = self.world.machine();
        self.database = DatabaseView::of(&machine.name, &machine.postgres, Some(&before));
    }

    /// Runs one input and records it, without touching the views.
    fn run(&mut self, input: String) {
        let prompt = self.world.prompt();
        let outcome = self.world.run(&input);
        let mut entry = Some(Entry {
            prompt,
            input: input.clone(),
            output: outcome.output,
            exit_code: outcome.exit_code,
        });
        for event in outcome.events {
            match event {
                Event::Clear => {
                    self.transcript.clear();
                    entry = None;
                }
                Event::Edit(path) => self.editing = Some(path),
                Event::Reset => self.editing = None,
            }
        }
        self.transcript.extend(entry);
        self.log.push(input);
    }
}

/// Quotes a path for the shell when it needs it.
fn shell_quote(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-~".contains(c))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// The shell input that writes `content` to `path`: a quoted here-document
/// whose delimiter does not occur in the content, so replay is exact.
pub fn save_command(path: &str, content: &str) -> String {
    let mut delimiter = "EOF".to_string();
    let mut n = 0;
    while content.lines().any(|l| l == delimiter) {
        n += 1;
        delimiter = format!("EOF{n}");
    }
    let mut body = content.to_string();
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    format!(
        "cat > {} <<'{delimiter}'\n{body}{delimiter}",
        shell_quote(path)
    )
}

/// The one reducer: the only way the session changes.
pub fn reduce(mut state: State, action: Action) -> State {
    match action {
        Action::Submit(input) => {
            state.redo.clear();
            state.apply(input);
            state
        }
        Action::SaveFile { path, content } => {
            state.redo.clear();
            let cwd = format!("{}/", state.world.machine().cwd.trim_end_matches('/'));
            let shown = path.strip_prefix(&cwd).unwrap_or(&path).to_string();
            state.apply(save_command(&shown, &content));
            state
        }
        Action::Undo => match state.log.pop() {
            Some(last) => {
                let mut redo = std::mem::take(&mut state.redo);
                redo.push(last);
                let editing = state.editing.take();
                let compare = std::mem::take(&mut state.compare);
                let mut next = State::replay(state.seed, state.log);
                next.redo = redo;
                next.editing = editing;
                next.compare = compare;
                next
            }
            None => state,
        },
        Action::Redo => match state.redo.pop() {
            Some(input) => {
                state.apply(input);
                state
            }
            None => state,
        },
        Action::ClearScreen => {
            state.transcript.clear();
            state
        }
        Action::OpenFile(path) => {
            state.editing = Some(path);
            state
        }
        Action::CloseEditor => {
            state.editing = None;
            state
        }
        Action::CompareStep => {
            state.compare.step();
            state
        }
        Action::CompareSave(document) => {
            state.compare.save_user(&document);
            state
        }
        Action::CompareRestart => {
            state.compare = Comparison::default();
            state
        }
        Action::Load { seed, log } => State::replay(seed, log),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submit(state: State, input: &str) -> State {
        reduce(state, Action::Submit(input.to_string()))
    }

    fn has(state: &State, path: &str) -> bool {
        state.world.machine().fs.get(path).is_some()
    }

    #[test]
    fn undo_replays_without_the_last_input() {
        let state = submit(State::default(), "mkdir data");
        let state = submit(state, "touch data/a");
        assert!(has(&state, "/home/learner/app/data/a"));
        let state = reduce(state, Action::Undo);
        assert!(!has(&state, "/home/learner/app/data/a"));
        assert!(has(&state, "/home/learner/app/data"));
        assert_eq!(state.redo, ["touch data/a"]);
        let state = reduce(state, Action::Redo);
        assert!(has(&state, "/home/learner/app/data/a"));
        assert_eq!(state.log.len(), 2);
    }

    #[test]
    fn saves_are_logged_and_exact() {
        let content = "EOF\nline without newline";
        let state = reduce(
            State::default(),
            Action::SaveFile {
                path: "/home/learner/app/my notes.txt".into(),
                content: content.into(),
            },
        );
        assert_eq!(
            state
                .world
                .machine()
                .fs
                .read("/home/learner/app/my notes.txt"),
            Ok("EOF\nline without newline\n")
        );
        assert!(state.log[0].starts_with("cat > 'my notes.txt' <<'EOF1'"));
    }

    #[test]
    fn clear_and_reset_are_replayed() {
        let state = submit(State::default(), "echo one");
        let state = submit(state, "clear");
        assert!(state.transcript.is_empty());
        let state = submit(state, "touch x");
        let state = submit(state, "reset");
        assert!(!has(&state, "/home/learner/app/x"));
        let state = reduce(state, Action::Undo);
        assert!(has(&state, "/home/learner/app/x"));
        assert_eq!(state.transcript.len(), 1);
    }
}

//! The session: the seed plus the log of everything the learner submitted.
//!
//! Every change is an [`Action`] that goes through one reducer, [`reduce`].
//! The world is never saved; it is rebuilt by replaying the log, which makes
//! undo, redo, reset, autosave and share links the same simple operation.
//!
//! Architecture invariant: this module knows nothing about the browser; the
//! page (`ui`) and the CLI both drive it.

pub mod bench;
pub mod compare;
pub mod persist;
pub mod script;
pub mod state;
pub mod views;

pub use state::{reduce, Action, Entry, State};

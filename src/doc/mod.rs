//! The document store: a MongoDB server and a mongosh session, simulated.
//!
//! Life of a line: [`Shell::eval`] takes what the learner typed; shell commands (`use`,
//! `show dbs`, `it`) are handled directly, everything else is parsed by `parser` (the only
//! file that sees pest) into `ast` statements, evaluated against the [`Store`] (filters in
//! `query`, update operators in `update`, `$jsonSchema` in `validator`), and the result is
//! printed by `format` exactly as mongosh 2.x prints it. Errors are [`DocError`]s whose
//! `Display` is mongosh's text.
//!
//! Architecture invariant: nothing here reads a clock, randomness or the host; ObjectIds
//! come from the store's seeded generator and dates from its logical clock.

mod ast;
mod error;
mod explorer;
mod format;
mod parser;
mod query;
mod regex;
mod script;
mod shape;
mod shell;
mod store;
mod update;
mod validator;
mod value;

pub use error::{DocError, ErrorDetails, ErrorKind};
pub use explorer::{CollectionView, DatabaseView};
pub use format::{inspect, InspectOptions};
pub use script::run_script;
pub use shape::{Shape, ShapeField};
pub use shell::{Outcome, Reply, Shell};
pub use store::{FindOptions, Index, Store, UpdateSummary};
pub use value::{Document, Value};

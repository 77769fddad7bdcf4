//! The SQL workloads W1–W5 (plus `startup` and the untimed error `probe`) run on
//! [`sql::Session`](crate::sql::Session), by the rules of the shared `WORKLOADS.md`, so the
//! engine can be compared with SQLite (rusqlite natively, sql.js in the browser).
//!
//! # How a run goes
//!
//! 1. The caller reads the generated `pg` files that [`Workload::files`] names (and
//!    `expected.json`) into [`SqlFiles`]; this module does no I/O.
//! 2. [`run`] starts a fresh [`Session`](crate::sql::Session), runs the untimed set-up, then
//!    the timed statements, one `execute` per line (`-- step:` / `-- probe:` label lines are
//!    skipped), counting errors and keeping the first message, reading every returned value.
//! 3. It checks the outcome against [`Expected`] and returns a [`Report`] whose JSON line has
//!    the fields and nesting of the rusqlite anchor's (`engine`, `workload`, `work_ms`, `ops`,
//!    `setup_ms`, `steps_ms`, `checks`, `ok`, `error_samples`, …).
//!
//! Architecture invariant: no clock is read here. Time comes from the `&dyn Fn() -> f64`
//! (milliseconds, monotonic) the caller passes: `std::time::Instant` natively,
//! `performance.now()` in the browser. Everything else is deterministic.

mod expected;
mod report;
mod runner;
mod script;
mod workload;

pub use expected::{Expected, ExpectedError};
pub use report::{Checks, Probe, Report};
pub use runner::{run, run_settled, RunError, ENGINE};
pub use script::{parse_script, Statement};
pub use workload::{SqlFiles, Workload};

#[cfg(test)]
mod tests;

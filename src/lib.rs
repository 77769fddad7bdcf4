//! SchemaLab: a simulated world for learning schema-on-design databases.
//!
//! The crate is layered; dependencies point down and never back up:
//!
//! ```text
//! ui → app → world → { sql, doc, migrate, runtime }        runtime → migrate → sql
//! bench → sql
//! ```
//!
//! Everything except `ui` is deterministic, pure Rust: no clock, no randomness,
//! no browser and no host filesystem. `ui` compiles only with the `web` feature.
pub mod app;
pub mod bench;
pub mod doc;
pub mod migrate;
pub mod runtime;
pub mod sorting;
pub mod sql;
pub mod world;

#[cfg(feature = "web")]
pub mod ui;

//! The relational engine: a PostgreSQL 15 simulator for learners.
//!
//! # The life of a statement
//!
//! 1. [`Session::execute`] receives one statement's text.
//! 2. `parser.rs` pre-scans it (unterminated quotes, nesting depth → 54001), runs the pest
//!    grammar in `grammar.pest` and builds an [`ast::Statement`]; pest failures become 42601
//!    errors naming PostgreSQL's token. From here on, `stack.rs` measures the stack the
//!    statement uses; every recursive walk refuses with 54001 past its budget.
//! 3. If the transaction is aborted, anything but ROLLBACK / COMMIT / ROLLBACK TO is refused
//!    with 25P02. Transaction control is handled by the session itself.
//! 4. The session notes the catalog's undo-log mark, then dispatches: SELECT to the planner
//!    (`plan.rs`) and `exec_select.rs`; INSERT / UPDATE / DELETE to `exec_dml.rs`; ALTER TABLE
//!    to `exec_alter.rs`; CREATE / ALTER SEQUENCE to `exec_sequence.rs`; everything else to
//!    `exec_ddl.rs`.
//! 5. The planner resolves names with the search path, types every expression and coerces
//!    literals as PostgreSQL's parse analysis does, so analysis errors (42P01, 42703, 42804,
//!    22P02 for literals) happen before any row is touched or sequence value drawn. Then
//!    `fold.rs` folds constant subexpressions as PostgreSQL's planner does, so `1/0` in a
//!    query fails (22012) even when no row is read.
//! 6. Executors evaluate bound expressions (`eval.rs`) and change the [`Catalog`] only through
//!    methods that record undo steps; constraints are checked row by row in PostgreSQL's order
//!    (NOT NULL, CHECK by name, UNIQUE, then FOREIGN KEY at statement end).
//! 7. On error the session replays the undo log back to the mark (the statement leaves no
//!    trace) and, inside BEGIN, marks the transaction failed. On success in autocommit the undo
//!    log is dropped; inside BEGIN it is kept for ROLLBACK and savepoints.
//! 8. Values leave as PostgreSQL's text output in a [`QueryResult`]; errors as a [`SqlError`]
//!    with SQLSTATE, message, detail, hint and a 1-based character position.
//!
//! Architecture invariant: no clock, randomness or I/O here; `now()` reads a session clock.

pub mod ast;
mod bind;
mod catalog;
mod cluster;
mod datetime;
mod describe;
mod error;
mod eval;
mod exec_alter;
mod exec_ddl;
mod exec_dml;
mod exec_select;
mod exec_sequence;
mod fastpath;
pub mod fidelity;
mod fold;
mod index;
mod json;
mod md5;
mod numeric;
mod parser;
mod plan;
mod plan_cache;
mod pred;
mod session;
mod stack;
mod types;

pub use catalog::{
    Catalog, Column, ColumnDefault, Constraint, ConstraintKind, IndexDef, Relation, Sequence,
    Table, TableMeta,
};
pub use cluster::Cluster;
pub use describe::{column_list, constraint_def, regclass};
pub use error::{caret_lines, Notice, SqlError, SqlState};
pub use session::{split_statements, ColumnInfo, QueryResult, Session, TxStatus};
pub use types::{SqlType, Value};

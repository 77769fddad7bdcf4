//! The migration simulator: Flask-Migrate 4.1.0 and Alembic 1.20.1 over the relational engine.
//!
//! # The life of a `flask db` command
//!
//! 1. [`Runner::run`] splits the arguments as click does and rejects usage errors (exit 2).
//! 2. The Flask app is located and imported: `app.py` (or `FLASK_APP`) and the project
//!    modules it imports are parsed by `python.rs` (a pest grammar); `models.rs` reads the
//!    `db.Model` classes.
//! 3. The scripts folder is read: every `migrations/versions/*.py` becomes a [`Script`]
//!    (`script.rs`) and the scripts form a [`Graph`] (heads, branch points, merges, targets).
//! 4. Commands that run `env.py` connect to the database named by `DATABASE_URL` in the
//!    [`sql::Cluster`](crate::sql::Cluster), print Alembic's preamble and read
//!    `alembic_version`.
//! 5. `upgrade`/`downgrade` compile each revision's [`Op`]s to SQL and run them, with the
//!    version bookkeeping, in one transaction: a failure rolls everything back and prints
//!    SQLAlchemy's exception. `migrate`/`check` compare the models with the live catalog
//!    (`autogen.rs`) and render a revision file byte for byte (`render.rs`).
//!
//! Architecture invariant: no clock, randomness or filesystem here. Project files come through
//! the [`ProjectFiles`] trait, the `Create Date` and revision ids from the caller.

mod app;
mod autogen;
pub mod bench;
mod cli;
mod error;
mod graph;
mod help;
mod layout;
mod listing;
mod models;
pub use models::models_of;
mod ops;
mod python;
mod render;
mod runner;
mod schema;
mod script;
mod versions;

pub use app::{load_app, App, UriSource};
pub use autogen::{compare, create_all_statements, Block, Diff};
pub use cli::split_args;
pub use error::{psycopg2_class, sqlalchemy_class, Error, ErrorKind};
pub use graph::Graph;
pub use layout::{layout, Edge, Node, Pointer, Timeline};
pub use models::{default_table_name, Model};
pub use ops::{Op, TableConstraint};
pub use python::{
    parse_code, parse_module, parse_module_with, Expr, FPart, Handler, LineCache, Module, Py,
    PyKind, PyStmt, Stmt, StmtKind,
};
pub use render::{render_body, render_revision, slug, RevisionFile};
pub use runner::{Config, Outcome, ProjectFiles, Runner, Stream, SITE_PACKAGES};
pub use schema::{BaseType, ColType, ColumnDef, ForeignKeyRef};
pub use script::{parse_script, parse_script_with, Script};

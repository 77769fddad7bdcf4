//! View models: plain structs the page draws, computed here so that the
//! components only render. Each has an ASCII `Display` for tests and the CLI.

pub mod database;
pub mod documents;
pub mod preflight;
pub mod request_flow;
pub mod schema_steps;
pub mod timeline;

pub use database::DatabaseView;
pub use documents::DocumentsView;
pub use preflight::Preflight;
pub use request_flow::RequestFlowView;
pub use schema_steps::{RevisionDetail, SchemaStep};
pub use timeline::{GraphState, TimelineView};

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

/// What the view models' tests share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::world::World;

    /// Runs each line in `world`, failing the test on the first that exits non-zero.
    pub fn run(world: &mut World, lines: &[&str]) {
        for line in lines {
            let out = world.run(line);
            assert_eq!(out.exit_code, 0, "{line}\n{}", out.text());
        }
    }
}

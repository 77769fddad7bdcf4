//! The migration timeline: the revision graph of the current machine's
//! project (`~/app/migrations/versions`) laid out by `migrate::layout`, with
//! a pointer for each database at its `alembic_version`.

use crate::migrate::{layout, parse_script, Graph, Timeline};
use crate::world::machine::APP_DIR;
use crate::world::Machine;

/// What the timeline panel shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimelineView {
    /// No `migrations/versions` folder yet (`flask db init` makes it).
    NoMigrations,
    /// A revision file could not be read; the message is the parser's.
    Broken(String),
    /// The graph and where each database stands.
    Graph(Timeline),
}

/// The databases of the machine's cluster that have an `alembic_version`
/// table, with the revisions in it (empty: at base).
fn versions(machine: &Machine) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for name in machine.postgres.database_names() {
        let Some(session) = machine.postgres.session(&name) else {
            continue;
        };
        let Some(table) = session.catalog().find_table("public", "alembic_version") else {
            continue;
        };
        let revisions = table
            .rows_text()
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect();
        out.push((name, revisions));
    }
    out
}

impl TimelineView {
    /// The timeline of the machine's `~/app` project.
    pub fn of(machine: &Machine) -> Self {
        let dir = format!("{APP_DIR}/migrations/versions");
        if !machine.fs.get(&dir).is_some_and(|n| n.is_dir()) {
            return TimelineView::NoMigrations;
        }
        let mut scripts = Vec::new();
        for (name, node) in machine.fs.children(&dir) {
            if node.is_dir() || !name.ends_with(".py") {
                continue;
            }
            let path = format!("{dir}/{name}");
            let source = machine.fs.read(&path).unwrap_or_default();
            match parse_script(&path, name, source) {
                Ok(script) => scripts.push(script),
                Err(error) => return TimelineView::Broken(error.to_string()),
            }
        }
        match Graph::build(scripts) {
            Ok(graph) => TimelineView::Graph(layout(&graph, &versions(machine))),
            Err(error) => TimelineView::Broken(error.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TimelineView;
    use crate::world::World;

    #[test]
    fn the_timeline_follows_migrate_and_upgrade() {
        let mut world = World::default();
        assert_eq!(
            TimelineView::of(world.machine()),
            TimelineView::NoMigrations
        );
        for line in [
            "createdb app",
            "flask db init",
            "flask db migrate -m 'create users'",
        ] {
            world.run(line);
        }
        let TimelineView::Graph(pending) = TimelineView::of(world.machine()) else {
            panic!("a graph after migrate");
        };
        assert_eq!(pending.nodes.len(), 1);
        assert!(pending.to_string().contains("create users"), "{pending}");
        assert!(pending.to_string().contains("<base>  <- app"), "{pending}");
        world.run("flask db upgrade");
        let TimelineView::Graph(done) = TimelineView::of(world.machine()) else {
            panic!("a graph after upgrade");
        };
        assert!(
            done.to_string().lines().next().unwrap().ends_with("<- app"),
            "{done}"
        );
    }
}

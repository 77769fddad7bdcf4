//! The schema at each revision: a revision's file and the tables it leaves,
//! and the upgrade steps from base to a head with the schema diff of each.
//!
//! Computed as the learner would find out: a copy of the world whose project
//! holds every revision file the team has, and whose server has an empty
//! database of the project's name, runs the real `flask db upgrade REV` one
//! revision at a time; after each, the database's tables are described as the
//! Database view describes them.

use std::fmt;

use super::database::{ColumnNode, DatabaseView};
use super::timeline::{versions_dir, TeamRevisions};
use crate::migrate::Graph;
use crate::sql::Cluster;
use crate::world::machine::APP_DIR;
use crate::world::World;

/// One table as a revision leaves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableSchema {
    /// The table name.
    pub name: String,
    /// Its columns in order: type, NOT NULL, default, keys.
    pub columns: Vec<ColumnNode>,
}

/// What a change did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// A table or column appeared.
    Added,
    /// A table or column went away.
    Removed,
    /// A column's type, nullability or default changed.
    Changed,
}

/// One difference between the schemas before and after a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The table.
    pub table: String,
    /// The column; `None` for the whole table.
    pub column: Option<String>,
    /// The column before (`integer NOT NULL`); `None` when it was not there.
    pub before: Option<String>,
    /// The column after; `None` when it is gone.
    pub after: Option<String>,
}

/// One upgrade step: the revision, the tables after it, and what it changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaStep {
    /// The revision id.
    pub revision: String,
    /// The first line of its message.
    pub message: String,
    /// The tables after the step (those before it when it failed).
    pub tables: Vec<TableSchema>,
    /// What the step changed.
    pub changes: Vec<Change>,
    /// Why the upgrade to this revision failed, in the tool's words.
    pub error: Option<String>,
}

/// A revision's file and the schema at that point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionDetail {
    /// The revision id.
    pub revision: String,
    /// Its file's name.
    pub file_name: String,
    /// Where the file was read (`laptop:/home/learner/app/migrations/versions/…`).
    pub location: String,
    /// The file's text.
    pub source: String,
    /// The upgrade from base to this revision, step by step; the last step's
    /// tables are the schema at this revision.
    pub steps: Vec<SchemaStep>,
}

impl RevisionDetail {
    /// The schema at the revision: the tables after its last step.
    pub fn schema(&self) -> &[TableSchema] {
        self.steps.last().map_or(&[], |s| &s.tables)
    }

    /// Why the schema could not be reached, if a step failed.
    pub fn error(&self) -> Option<&str> {
        self.steps.iter().find_map(|s| s.error.as_deref())
    }
}

/// The database `flask db` uses on a machine: the last part of `DATABASE_URL`.
pub fn project_database(url: &str) -> String {
    let path = url.rsplit('/').next().unwrap_or(url);
    path.split('?').next().unwrap_or(path).to_string()
}

/// The column as one line: `character varying(120) NOT NULL DEFAULT 'x'`.
pub fn column_text(c: &ColumnNode) -> String {
    let mut text = c.type_name.clone();
    if c.not_null {
        text.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        text.push_str(&format!(" DEFAULT {d}"));
    }
    text
}

/// The differences between two schemas, table by table in name order.
pub fn diff(before: &[TableSchema], after: &[TableSchema]) -> Vec<Change> {
    let mut changes = Vec::new();
    let find = |list: &'_ [TableSchema], name: &str| list.iter().position(|t| t.name == name);
    let mut names: Vec<&str> = before
        .iter()
        .chain(after)
        .map(|t| t.name.as_str())
        .collect();
    crate::sorting::sort(&mut names);
    names.dedup();
    for name in names {
        let table = |kind, column: Option<&ColumnNode>, before: Option<String>, after| Change {
            kind,
            table: name.to_string(),
            column: column.map(|c| c.name.clone()),
            before,
            after,
        };
        match (find(before, name), find(after, name)) {
            (None, Some(_)) => changes.push(table(ChangeKind::Added, None, None, None)),
            (Some(_), None) => changes.push(table(ChangeKind::Removed, None, None, None)),
            (Some(b), Some(a)) => {
                let (b, a) = (&before[b].columns, &after[a].columns);
                for old in b {
                    match a.iter().find(|c| c.name == old.name) {
                        None => changes.push(table(
                            ChangeKind::Removed,
                            Some(old),
                            Some(column_text(old)),
                            None,
                        )),
                        Some(new) if column_text(new) != column_text(old) => changes.push(table(
                            ChangeKind::Changed,
                            Some(old),
                            Some(column_text(old)),
                            Some(column_text(new)),
                        )),
                        Some(_) => {}
                    }
                }
                for new in a.iter().filter(|c| b.iter().all(|o| o.name != c.name)) {
                    changes.push(table(
                        ChangeKind::Added,
                        Some(new),
                        None,
                        Some(column_text(new)),
                    ));
                }
            }
            (None, None) => {}
        }
    }
    changes
}

/// The tables of `database` in `cluster`, without Alembic's bookkeeping.
pub fn tables_of(cluster: &Cluster, database: &str) -> Vec<TableSchema> {
    let view = DatabaseView::of("", cluster, None);
    view.databases
        .into_iter()
        .filter(|d| d.name == database)
        .flat_map(|d| d.schemas)
        .filter(|s| s.name == "public")
        .flat_map(|s| s.tables)
        .filter(|t| t.name != "alembic_version")
        .map(|t| TableSchema {
            name: t.name,
            columns: t.columns,
        })
        .collect()
}

/// The error a failed `flask db` printed: its standard error without
/// Alembic's `INFO` lines and the traceback's frames.
pub fn error_text(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut start = lines
        .iter()
        .rposition(|l| l.starts_with("  File ") || l.starts_with("Traceback"))
        .map_or(0, |i| i + 1);
    // The frame's line of code and its `^^^^` marks.
    while lines.get(start).is_some_and(|l| l.starts_with("    ")) {
        start += 1;
    }
    lines[start..]
        .iter()
        .filter(|l| !l.starts_with("INFO  ["))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// A copy of the world where the project of the machine the shell is on (or the first
/// machine with a migrations folder) holds every revision of the team, on an empty
/// database of the project's name. `None` when no machine has a migrations folder.
pub fn scratch_world(world: &World, team: &TeamRevisions) -> Option<(World, String)> {
    let has = |m: &crate::world::Machine| m.fs.get(&versions_dir()).is_some_and(|n| n.is_dir());
    let base = if has(world.machine()) {
        world.machine().name.clone()
    } else {
        world.machines().iter().find(|m| has(m))?.name.clone()
    };
    let mut scratch = world.clone();
    scratch.foreground = None;
    if scratch.machine().name != base {
        scratch.login(&base);
    }
    let own = team
        .by_place
        .iter()
        .find(|(p, _)| *p == base)
        .map(|(_, files)| files.clone())
        .unwrap_or_default();
    let now = scratch.clock.now;
    let machine = scratch.machine_mut();
    for (_, files) in &team.by_place {
        for (revision, file) in files {
            let path = format!("{}/{}", versions_dir(), file.file_name);
            if own.contains_key(revision) || machine.fs.get(&path).is_some() {
                continue;
            }
            // The folder exists, so writing a file in it cannot fail.
            let _ = machine.fs.write(&path, file.script.source.clone(), now);
        }
    }
    let database = project_database(machine.vars.get("DATABASE_URL").unwrap_or("app"));
    machine.postgres = Cluster::default();
    // A fresh cluster has only its system databases.
    let _ = machine.postgres.create_database(&database);
    Some((scratch, database))
}

/// Upgrades the scratch world one revision at a time through `revisions`.
fn walk(
    scratch: &mut World,
    database: &str,
    graph: &Graph,
    revisions: &[String],
) -> Vec<SchemaStep> {
    let mut steps = Vec::new();
    let mut tables: Vec<TableSchema> = Vec::new();
    for revision in revisions {
        let out = scratch.run(&format!("cd {APP_DIR} && flask db upgrade {revision}"));
        let error = (out.exit_code != 0).then(|| error_text(&out.stderr()));
        let after = tables_of(&scratch.machine().postgres, database);
        let changes = diff(&tables, &after);
        let mut marked = after.clone();
        mark_changed(&mut marked, &changes);
        steps.push(SchemaStep {
            revision: revision.clone(),
            message: graph
                .get(revision)
                .map(|s| s.doc().to_string())
                .unwrap_or_default(),
            changes,
            tables: marked,
            error: error.clone(),
        });
        tables = after;
        if error.is_some() {
            break;
        }
    }
    steps
}

/// Marks the columns a step added or changed (every column of a new table).
fn mark_changed(tables: &mut [TableSchema], changes: &[Change]) {
    for c in changes.iter().filter(|c| c.kind != ChangeKind::Removed) {
        for t in tables.iter_mut().filter(|t| t.name == c.table) {
            for col in t.columns.iter_mut() {
                col.changed |= c.column.as_deref().is_none_or(|n| n == col.name);
            }
        }
    }
}

/// The revisions an upgrade from base to `target` runs, in order.
pub fn path_to(graph: &Graph, target: &str) -> Vec<String> {
    graph
        .upgrade_steps(&[], &[target.to_string()])
        .into_iter()
        .map(|s| s.revision.clone())
        .collect()
}

/// The steps from base to `target`, each with the schema after it and its diff.
pub fn steps_to(world: &World, target: &str) -> Vec<SchemaStep> {
    let team = TeamRevisions::of(world);
    let Ok(graph) = &team.graph else {
        return Vec::new();
    };
    let Some((mut scratch, database)) = scratch_world(world, &team) else {
        return Vec::new();
    };
    walk(&mut scratch, &database, graph, &path_to(graph, target))
}

/// The head the slider steps to: the one above where the current machine's database
/// stands, else the first head.
pub fn branch_head(world: &World) -> Option<String> {
    let team = TeamRevisions::of(world);
    let graph = team.graph.as_ref().ok()?;
    let machine = world.machine();
    let database = project_database(machine.vars.get("DATABASE_URL").unwrap_or("app"));
    let current = super::timeline::versions(machine)
        .into_iter()
        .find(|(name, _)| *name == database)
        .map(|(_, revs)| revs)
        .unwrap_or_default();
    let heads = graph.head_ids();
    heads
        .iter()
        .find(|h| current.iter().any(|c| graph.is_ancestor(c, h)))
        .or(heads.first())
        .cloned()
}

impl RevisionDetail {
    /// A revision's file and the schema at that point; `None` for an unknown revision.
    pub fn of(world: &World, revision: &str) -> Option<Self> {
        let team = TeamRevisions::of(world);
        let graph = team.graph.as_ref().ok()?;
        graph.get(revision)?;
        let file = team.file(&world.machine().name, revision)?;
        let steps = match scratch_world(world, &team) {
            Some((mut scratch, database)) => {
                walk(&mut scratch, &database, graph, &path_to(graph, revision))
            }
            None => Vec::new(),
        };
        Some(RevisionDetail {
            revision: revision.to_string(),
            file_name: file.file_name.clone(),
            location: file.location.clone(),
            source: file.script.source.clone(),
            steps,
        })
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.kind {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        };
        match (&self.column, &self.before, &self.after) {
            (None, _, _) => write!(f, "{sign} table {}", self.table),
            (Some(c), Some(b), Some(a)) => write!(f, "{sign} {}.{c}: {b} -> {a}", self.table),
            (Some(c), _, Some(t)) | (Some(c), Some(t), None) => {
                write!(f, "{sign} {}.{c} {t}", self.table)
            }
            (Some(c), None, None) => write!(f, "{sign} {}.{c}", self.table),
        }
    }
}

impl fmt::Display for TableSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.name)?;
        for c in &self.columns {
            writeln!(f, "  {} {}", c.name, column_text(c))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::views::testing::run;

    fn three_revisions() -> World {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
                "flask db upgrade",
                "echo '    age = db.Column(db.Integer, nullable=False)' >> models.py",
                "flask db migrate -m 'add age'",
                "flask db upgrade",
                "echo 'class Post(db.Model):' >> models.py",
                "echo '    id = db.Column(db.Integer, primary_key=True)' >> models.py",
                "flask db migrate -m 'add posts'",
            ],
        );
        world
    }

    #[test]
    fn each_step_shows_the_schema_and_what_changed() {
        let world = three_revisions();
        let head = branch_head(&world).expect("a head");
        let steps = steps_to(&world, &head);
        let messages: Vec<&str> = steps.iter().map(|s| s.message.as_str()).collect();
        assert_eq!(messages, ["create users", "add age", "add posts"]);
        let text =
            |s: &SchemaStep| -> Vec<String> { s.changes.iter().map(|c| c.to_string()).collect() };
        assert_eq!(text(&steps[0]), ["+ table users"]);
        assert_eq!(text(&steps[1]), ["+ users.age integer NOT NULL"]);
        assert_eq!(text(&steps[2]), ["+ table post"]);
        assert_eq!(
            steps[1].tables[0].to_string(),
            "users\n  id integer NOT NULL DEFAULT nextval('users_id_seq'::regclass)\n  name character varying(80) NOT NULL\n  email character varying(120) NOT NULL\n  age integer NOT NULL\n"
        );
        assert!(steps.iter().all(|s| s.error.is_none()));
        let changed: Vec<&str> = steps[1].tables[0]
            .columns
            .iter()
            .filter(|c| c.changed)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(changed, ["age"]);
        assert!(steps[0].tables[0].columns.iter().all(|c| c.changed));
        // The learner's own database is left as it was.
        assert_eq!(
            tables_of(&world.machine().postgres, "app").len(),
            1,
            "only users"
        );
    }

    #[test]
    fn a_revision_shows_its_file_and_the_schema_at_that_point() {
        let world = three_revisions();
        let t = super::super::TimelineView::of(&world);
        let t = t.timeline().unwrap();
        let users = &t.nodes[0].revision;
        let detail = RevisionDetail::of(&world, users).expect("a known revision");
        assert!(
            detail.source.contains("op.create_table('users',"),
            "{}",
            detail.source
        );
        assert!(detail
            .location
            .starts_with("laptop:/home/learner/app/migrations/versions/"));
        let names: Vec<&str> = detail.schema()[0]
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["id", "name", "email"]);
        assert_eq!(detail.error(), None);
        assert!(RevisionDetail::of(&world, "ffffffffffff").is_none());
    }

    #[test]
    fn the_diff_names_changed_and_removed_columns() {
        let column = |name: &str, ty: &str, not_null: bool| ColumnNode {
            name: name.to_string(),
            type_name: ty.to_string(),
            not_null,
            default: None,
            keys: Vec::new(),
            changed: false,
        };
        let table = |name: &str, columns| TableSchema {
            name: name.to_string(),
            columns,
        };
        let before = [
            table(
                "users",
                vec![
                    column("id", "integer", true),
                    column("age", "integer", false),
                    column("phone", "text", false),
                ],
            ),
            table("old", vec![]),
        ];
        let after = [table(
            "users",
            vec![
                column("id", "integer", true),
                column("age", "integer", true),
            ],
        )];
        let text: Vec<String> = diff(&before, &after)
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            text,
            [
                "- table old",
                "~ users.age: integer -> integer NOT NULL",
                "- users.phone text"
            ]
        );
        assert!(diff(&after, &after).is_empty());
    }

    #[test]
    fn a_failing_step_stops_with_the_tools_error() {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
                "flask db upgrade",
                "flask db revision -m 'users again'",
            ],
        );
        // A hand-written revision that creates the table a second time.
        let path = world
            .machine()
            .fs
            .children(&versions_dir())
            .into_iter()
            .map(|(n, _)| n.to_string())
            .find(|n| n.contains("users_again"))
            .unwrap();
        let path = format!("{}/{path}", versions_dir());
        let source = world.machine().fs.read(&path).unwrap().replace(
            "def upgrade():\n    pass",
            "def upgrade():\n    op.create_table('users', sa.Column('id', sa.Integer(), nullable=False))",
        );
        let now = world.clock.now;
        world.machine_mut().fs.write(&path, source, now).unwrap();
        let head = branch_head(&world).unwrap();
        let steps = steps_to(&world, &head);
        assert_eq!(steps.len(), 2);
        let error = steps[1].error.as_deref().expect("the second step fails");
        assert!(
            error.contains("relation \"users\" already exists"),
            "{error}"
        );
    }
}

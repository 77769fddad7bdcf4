//! The pre-flight check before `flask db upgrade` on the current machine's
//! database: what the upgrade would run, and warnings before it fails or
//! does something dangerous.
//!
//! Two sources, both from the world: the pending revisions' operations read
//! against the live database (a NOT NULL column without a `server_default` on
//! a table with rows, a table that already exists, drops of tables and
//! columns that hold rows), the revision graph (two heads), the database
//! against the schema its revision should have (drift); and a trial run of
//! the real `flask db upgrade`, then `flask db check`, on a copy of the world,
//! whose errors are the tool's own words.

use std::collections::BTreeMap;
use std::fmt;

use super::database::DatabaseView;
use super::schema_steps::{diff, error_text, project_database, steps_to, tables_of, SchemaStep};
use super::timeline::{versions, TeamRevisions, ORIGIN};
use crate::migrate::Op;
use crate::world::machine::APP_DIR;
use crate::world::World;

/// How bad a warning is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The upgrade will stop with an error.
    Fails,
    /// The upgrade succeeds but loses data or leaves the database inconsistent.
    Danger,
    /// Worth knowing before running it.
    Notice,
}

/// One warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// How bad it is.
    pub level: Level,
    /// One line saying what is wrong.
    pub title: String,
    /// Why, and what to do instead; may hold the tool's error over several lines.
    pub detail: String,
}

/// The pre-flight check of `flask db upgrade` on one database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preflight {
    /// `machine:database`, the database `DATABASE_URL` names.
    pub database: String,
    /// The revisions in its `alembic_version` (empty: base, or no table yet).
    pub current: Vec<String>,
    /// The revisions an upgrade to every head would run, in order, with their messages.
    pub pending: Vec<(String, String)>,
    /// What to know before running it, worst first.
    pub warnings: Vec<Warning>,
}

impl Preflight {
    /// The check for the machine the shell is on; `None` when no place has revisions.
    pub fn of(world: &World) -> Option<Self> {
        Preflight::with_steps(world, &[])
    }

    /// The check, reusing upgrade steps from base already computed (the slider's): the
    /// schema a revision among them should have is not computed again.
    pub fn with_steps(world: &World, known: &[SchemaStep]) -> Option<Self> {
        let team = TeamRevisions::of(world);
        if !team.any {
            return None;
        }
        let machine = world.machine();
        let name = project_database(machine.vars.get("DATABASE_URL").unwrap_or("app"));
        let current = versions(machine)
            .into_iter()
            .find(|(db, _)| *db == name)
            .map(|(_, revs)| revs)
            .unwrap_or_default();
        let mut warnings = Vec::new();
        let mut pending = Vec::new();
        // `flask db upgrade` sees this machine's files only.
        let here = machine.name.as_str();
        let local = team
            .graph
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|_| team.graph_of(&[here]));
        if let Ok(graph) = &local {
            let heads = graph.head_ids();
            if let Ok(pulled) = team.graph_of(&[here, ORIGIN]) {
                let after = pulled.head_ids();
                let incoming: Vec<String> = pulled
                    .scripts()
                    .iter()
                    .filter(|s| graph.get(&s.revision).is_none())
                    .map(|s| format!("{} {}", s.revision, s.doc()))
                    .collect();
                if after.len() > heads.len() && !incoming.is_empty() {
                    warnings.push(Warning {
                        level: Level::Notice,
                        title: format!(
                            "origin has {} you do not have; after a pull there are {} heads",
                            if incoming.len() == 1 { "a revision" } else { "revisions" },
                            after.len()
                        ),
                        detail: format!(
                            "{}\nIt builds on a revision that yours builds on too. After `git pull`, `flask db merge heads -m \"merge\"` joins them.",
                            incoming.join("\n")
                        ),
                    });
                }
            }
            if heads.len() > 1 {
                warnings.push(Warning {
                    level: Level::Fails,
                    title: format!("{} heads: {}", heads.len(), heads.join(", ")),
                    detail: "Two revisions build on the same parent, so `flask db upgrade` does not know which to run. Merge them first: `flask db merge heads -m \"merge\"`.".to_string(),
                });
            }
            let steps = graph.upgrade_steps(&current, &heads);
            pending = steps
                .iter()
                .map(|s| (s.revision.clone(), s.doc().to_string()))
                .collect();
            let mut rows = live_rows(world, &name);
            for s in steps {
                let Ok(ops) = &s.upgrade else {
                    continue;
                };
                for (_, op) in ops {
                    read_op(&s.revision, op, &name, &mut rows, &mut warnings);
                }
            }
            if current.len() <= 1 && machine.postgres.session(&name).is_some() {
                drift(world, &name, &current, known, &mut warnings);
            }
        }
        trial(world, &mut warnings);
        crate::sorting::sort_by_key(&mut warnings, |w| w.level);
        Some(Preflight {
            database: format!("{}:{name}", machine.name),
            current,
            pending,
            warnings,
        })
    }
}

/// The live database's tables with their row counts.
fn live_rows(world: &World, database: &str) -> BTreeMap<String, usize> {
    DatabaseView::of("", &world.machine().postgres, None)
        .databases
        .into_iter()
        .filter(|d| d.name == database)
        .flat_map(|d| d.schemas)
        .filter(|s| s.name == "public")
        .flat_map(|s| s.tables)
        .map(|t| (t.name, t.row_count))
        .collect()
}

fn rows_text(n: usize) -> String {
    if n == 1 {
        "1 row".to_string()
    } else {
        format!("{n} rows")
    }
}

/// Reads one pending operation against the tables as the steps before it leave them.
fn read_op(
    revision: &str,
    op: &Op,
    database: &str,
    rows: &mut BTreeMap<String, usize>,
    warnings: &mut Vec<Warning>,
) {
    let short = revision;
    match op {
        Op::CreateTable { table, .. } => {
            if rows.contains_key(table) {
                warnings.push(Warning {
                    level: Level::Fails,
                    title: format!("{short} creates table {table}, which {database} already has"),
                    detail: format!("PostgreSQL refuses CREATE TABLE for an existing table. If {table} was made by hand or by another revision, mark the database as already there with `flask db stamp {short}` instead of upgrading, or drop the table first."),
                });
            }
            rows.insert(table.clone(), 0);
        }
        Op::DropTable { table } => {
            if let Some(&n) = rows.get(table).filter(|n| **n > 0) {
                warnings.push(Warning {
                    level: Level::Danger,
                    title: format!("{short} drops table {table} and its {}", rows_text(n)),
                    detail: "The rows are gone after the upgrade; a downgrade recreates the table empty.".to_string(),
                });
            }
            rows.remove(table);
        }
        Op::AddColumn { table, column } => {
            let n = rows.get(table).copied().unwrap_or(0);
            if !column.nullable && column.server_default.is_none() && n > 0 {
                warnings.push(Warning {
                    level: Level::Fails,
                    title: format!(
                        "{short} adds {table}.{} NOT NULL without a server_default, and {table} has {}",
                        column.name,
                        rows_text(n)
                    ),
                    detail: format!("PostgreSQL has no value for {} in the existing rows, so ADD COLUMN fails. Give the column a server_default, or add it nullable, fill it, then set NOT NULL in a later revision.", column.name),
                });
            }
        }
        Op::DropColumn { table, column } => {
            if let Some(&n) = rows.get(table).filter(|n| **n > 0) {
                warnings.push(Warning {
                    level: Level::Danger,
                    title: format!(
                        "{short} drops {table}.{column}: its values in {} are lost",
                        rows_text(n)
                    ),
                    detail: "A downgrade adds the column back empty.".to_string(),
                });
            }
        }
        Op::AlterColumn {
            table,
            column,
            nullable: Some(false),
            ..
        } => {
            if let Some(&n) = rows.get(table).filter(|n| **n > 0) {
                warnings.push(Warning {
                    level: Level::Notice,
                    title: format!("{short} sets {table}.{column} NOT NULL on {}", rows_text(n)),
                    detail: "The upgrade fails if any of them holds NULL in that column."
                        .to_string(),
                });
            }
        }
        _ => {}
    }
}

/// Compares the live database with the schema its revision should have.
fn drift(
    world: &World,
    database: &str,
    current: &[String],
    known: &[SchemaStep],
    warnings: &mut Vec<Warning>,
) {
    let expected = match current.first() {
        Some(rev) => {
            let steps = match known.iter().position(|s| s.revision == *rev) {
                Some(i) => known[..=i].to_vec(),
                None => steps_to(world, rev),
            };
            if steps.iter().any(|s| s.error.is_some()) || steps.is_empty() {
                return;
            }
            steps.last().map(|s| s.tables.clone()).unwrap_or_default()
        }
        None => Vec::new(),
    };
    let live = tables_of(&world.machine().postgres, database);
    let changes = diff(&expected, &live);
    if changes.is_empty() {
        return;
    }
    let at = current
        .first()
        .map_or("base".to_string(), |r| format!("revision {r}"));
    let lines: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
    warnings.push(Warning {
        level: Level::Danger,
        title: format!("{database} has drifted from {at}"),
        detail: format!(
            "The database is not what its migrations made (+ only in the database, - missing from it, ~ different):\n{}",
            lines.join("\n")
        ),
    });
}

/// Runs `flask db upgrade`, then `flask db check`, on a copy of the world.
fn trial(world: &World, warnings: &mut Vec<Warning>) {
    let mut copy = world.clone();
    copy.foreground = None;
    let up = copy.run(&format!("cd {APP_DIR} && flask db upgrade"));
    if up.exit_code != 0 {
        warnings.push(Warning {
            level: Level::Fails,
            title: "flask db upgrade would fail".to_string(),
            detail: error_text(&up.stderr()),
        });
        return;
    }
    let check = copy.run("flask db check");
    if check.exit_code != 0 {
        warnings.push(Warning {
            level: Level::Notice,
            title: "models.py has changes no revision holds".to_string(),
            detail: format!(
                "{}\nAfter the upgrade the models and the database still differ: `flask db migrate -m \"…\"` writes the revision.",
                error_text(&check.stderr())
            ),
        });
    }
}

impl fmt::Display for Preflight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.current.is_empty() {
            "base".to_string()
        } else {
            self.current.join(", ")
        };
        writeln!(f, "flask db upgrade on {} (at {at})", self.database)?;
        for (rev, message) in &self.pending {
            writeln!(f, "  runs {rev} {message}")?;
        }
        if self.warnings.is_empty() {
            writeln!(f, "  no warnings")?;
        }
        for w in &self.warnings {
            writeln!(f, "{:?}: {}", w.level, w.title)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::app::views::testing::run;

    fn users_upgraded() -> World {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "flask db migrate -m 'create users'",
                "flask db upgrade",
            ],
        );
        world
    }

    fn titles(p: &Preflight) -> Vec<String> {
        p.warnings.iter().map(|w| w.title.clone()).collect()
    }

    #[test]
    fn an_up_to_date_database_has_nothing_to_run() {
        let world = users_upgraded();
        let p = Preflight::of(&world).unwrap();
        assert_eq!(p.database, "laptop:app");
        assert!(p.pending.is_empty() && p.warnings.is_empty(), "{p}");
        assert!(Preflight::of(&World::default()).is_none());
    }

    #[test]
    fn not_null_without_default_on_a_populated_table() {
        let mut world = users_upgraded();
        run(
            &mut world,
            &[
                "psql app -c \"INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')\"",
                "echo '    age = db.Column(db.Integer, nullable=False)' >> models.py",
                "flask db migrate -m 'add age'",
            ],
        );
        let p = Preflight::of(&world).unwrap();
        assert_eq!(p.pending.len(), 1, "{p}");
        let t = titles(&p);
        assert!(
            t[0].ends_with("adds users.age NOT NULL without a server_default, and users has 1 row"),
            "{p}"
        );
        let fails = p
            .warnings
            .iter()
            .find(|w| w.title == "flask db upgrade would fail")
            .unwrap();
        assert!(
            fails
                .detail
                .contains("column \"age\" of relation \"users\" contains null values"),
            "{}",
            fails.detail
        );
        // The check ran on a copy: the database is still at its revision, the row still there.
        assert_eq!(live_rows(&world, "app")["users"], 1);
        assert_eq!(Preflight::of(&world).unwrap().pending.len(), 1);
    }

    #[test]
    fn two_heads_stop_the_upgrade() {
        let mut world = users_upgraded();
        let first = versions(world.machine())[0].1[0].clone();
        run(
            &mut world,
            &[
                "flask db revision -m 'add age'",
                &format!("flask db revision -m 'add phone' --head {first} --splice"),
            ],
        );
        let p = Preflight::of(&world).unwrap();
        assert!(titles(&p)[0].starts_with("2 heads: "), "{p}");
        let fails = p
            .warnings
            .iter()
            .find(|w| w.title == "flask db upgrade would fail")
            .unwrap();
        assert!(
            fails.detail.contains("Multiple head revisions are present"),
            "{}",
            fails.detail
        );
    }

    #[test]
    fn a_table_that_already_exists_and_drift() {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "psql app -c 'CREATE TABLE users (id integer)'",
                "flask db init",
                "flask db revision -m 'create users'",
            ],
        );
        // A hand-written first revision that creates users.
        let dir = super::super::timeline::versions_dir();
        let name = world.machine().fs.children(&dir)[0].0.to_string();
        let path = format!("{dir}/{name}");
        let source = world.machine().fs.read(&path).unwrap().replace(
            "def upgrade():\n    pass",
            "def upgrade():\n    op.create_table('users', sa.Column('id', sa.Integer(), nullable=False))",
        );
        let now = world.clock.now;
        world.machine_mut().fs.write(&path, source, now).unwrap();
        let p = Preflight::of(&world).unwrap();
        let t = titles(&p);
        assert!(
            t.iter()
                .any(|t| t.ends_with("creates table users, which app already has")),
            "{p}"
        );
        assert!(t.iter().any(|t| t == "app has drifted from base"), "{p}");
        assert!(t.iter().any(|t| t == "flask db upgrade would fail"), "{p}");
    }

    #[test]
    fn models_ahead_of_the_revisions() {
        let mut world = users_upgraded();
        run(
            &mut world,
            &["echo '    age = db.Column(db.Integer)' >> models.py"],
        );
        let p = Preflight::of(&world).unwrap();
        assert_eq!(
            titles(&p),
            ["models.py has changes no revision holds"],
            "{p}"
        );
        assert!(
            p.warnings[0]
                .detail
                .contains("New upgrade operations detected"),
            "{}",
            p.warnings[0].detail
        );
    }

    #[test]
    fn a_teammates_revision_only_counts_for_the_machine_that_has_it() {
        let mut world = users_upgraded();
        run(
            &mut world,
            &[
                "git add . && git commit -qm 'Create users'",
                "git push -q",
                "ssh teammate",
                "rm -rf app && git clone -q git@github.com:team/app.git app && cd app",
                "echo '    phone = db.Column(db.String(20))' >> models.py",
                "createdb app && flask db upgrade && flask db migrate -m 'add phone'",
                "git add . && git commit -qm 'Add phone' && git push -q",
                "exit",
                "echo '    age = db.Column(db.Integer)' >> models.py",
                "flask db migrate -m 'add age'",
            ],
        );
        // The team's graph has two heads; the laptop's own folder has one.
        let team = TeamRevisions::of(&world);
        assert_eq!(team.graph.as_ref().unwrap().head_ids().len(), 2);
        let p = Preflight::of(&world).unwrap();
        let t = titles(&p);
        assert_eq!(
            t,
            ["origin has a revision you do not have; after a pull there are 2 heads"],
            "{p}"
        );
        assert!(
            p.warnings[0].detail.contains("add phone"),
            "{}",
            p.warnings[0].detail
        );
        assert_eq!(p.pending.len(), 1);
    }

    #[test]
    fn dropping_a_populated_column_is_dangerous() {
        let mut world = World::default();
        run(
            &mut world,
            &[
                "createdb app",
                "flask db init",
                "echo '    age = db.Column(db.Integer)' >> models.py",
                "flask db migrate -m 'create users'",
                "flask db upgrade",
                "psql app -c \"INSERT INTO users (name, email, age) VALUES ('Ada', 'a@x', 36)\"",
            ],
        );
        let models = world
            .machine()
            .fs
            .read(&format!("{APP_DIR}/models.py"))
            .unwrap()
            .replace("    age = db.Column(db.Integer)\n", "");
        let now = world.clock.now;
        world
            .machine_mut()
            .fs
            .write(&format!("{APP_DIR}/models.py"), models, now)
            .unwrap();
        run(&mut world, &["flask db migrate -m 'drop age'"]);
        let p = Preflight::of(&world).unwrap();
        assert_eq!(p.warnings[0].level, Level::Danger, "{p}");
        assert!(
            p.warnings[0]
                .title
                .ends_with("drops users.age: its values in 1 row are lost"),
            "{p}"
        );
    }
}

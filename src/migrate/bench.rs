//! A benchmark fixture: a project whose history has many revisions, forks and merges, held
//! in memory. The timing itself happens outside the core (`examples/migrate_bench.rs`).

use std::collections::BTreeMap;

use crate::sql::Cluster;

use super::runner::{Config, Outcome, ProjectFiles, Runner};

/// A project directory in memory: files by relative path, `None` for a directory.
#[derive(Clone, Debug, Default)]
pub struct MemoryProject {
    files: BTreeMap<String, Option<String>>,
}

impl ProjectFiles for MemoryProject {
    fn read(&self, path: &str) -> Option<String> {
        self.files.get(path).cloned().flatten()
    }

    fn write(&mut self, path: &str, content: &str) -> Result<(), String> {
        self.files
            .insert(path.to_string(), Some(content.to_string()));
        Ok(())
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        match self.files.get(dir) {
            Some(None) => {
                let prefix = format!("{dir}/");
                Some(
                    self.files
                        .keys()
                        .filter_map(|k| k.strip_prefix(&prefix))
                        .filter(|rest| !rest.contains('/'))
                        .map(str::to_string)
                        .collect(),
                )
            }
            _ => None,
        }
    }

    fn mkdir(&mut self, dir: &str) -> Result<(), String> {
        self.files.insert(dir.to_string(), None);
        Ok(())
    }
}

const APP: &str = "import os\n\nfrom flask import Flask\nfrom flask_migrate import Migrate\nfrom flask_sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\napp.config[\"SQLALCHEMY_DATABASE_URI\"] = os.environ[\"DATABASE_URL\"]\n\ndb = SQLAlchemy(app)\nmigrate = Migrate(app, db)\n";

fn revision_file(
    id: &str,
    down: &[String],
    message: &str,
    upgrade: &str,
    downgrade: &str,
) -> String {
    let down_repr = match down {
        [] => "None".to_string(),
        [one] => format!("'{one}'"),
        many => format!(
            "({})",
            many.iter()
                .map(|d| format!("'{d}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "\"\"\"{message}\n\nRevision ID: {id}\nRevises: {}\nCreate Date: 2026-01-05 09:00:00.000000\n\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\nrevision = '{id}'\ndown_revision = {down_repr}\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n{upgrade}\n\n\ndef downgrade():\n{downgrade}\n",
        down.join(", ")
    )
}

/// A project with `segments × 10` revisions: in each segment one revision creates a table,
/// two branches of four revisions each add columns to it and to a table of their own, and a
/// merge joins them.
pub fn branching_history(segments: usize) -> MemoryProject {
    let mut p = MemoryProject::default();
    let _ = p.write("app.py", APP);
    let _ = p.write("models.py", "from app import db\n");
    let _ = p.mkdir("migrations");
    let _ = p.mkdir("migrations/versions");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("{n:012x}")
    };
    let mut head: Vec<String> = Vec::new();
    for seg in 0..segments {
        let root = next();
        let up = format!("    op.create_table('t{seg}',\n    sa.Column('id', sa.Integer(), nullable=False),\n    sa.Column('name', sa.String(length=80), nullable=True),\n    sa.PrimaryKeyConstraint('id')\n    )");
        let down = format!("    op.drop_table('t{seg}')");
        let text = revision_file(&root, &head, &format!("segment {seg}"), &up, &down);
        let _ = p.write(&format!("migrations/versions/{root}_segment.py"), &text);
        let mut tips = Vec::new();
        for branch in ["a", "b"] {
            let mut parent = root.clone();
            for step in 0..4 {
                let id = next();
                let (up, down) = if step == 0 {
                    (
                        format!("    op.create_table('t{seg}{branch}',\n    sa.Column('id', sa.Integer(), nullable=False),\n    sa.PrimaryKeyConstraint('id')\n    )"),
                        format!("    op.drop_table('t{seg}{branch}')"),
                    )
                } else {
                    (
                        format!("    with op.batch_alter_table('t{seg}', schema=None) as batch_op:\n        batch_op.add_column(sa.Column('c{branch}{step}', sa.Integer(), nullable=True))"),
                        format!("    with op.batch_alter_table('t{seg}', schema=None) as batch_op:\n        batch_op.drop_column('c{branch}{step}')"),
                    )
                };
                let text = revision_file(&id, std::slice::from_ref(&parent), "step", &up, &down);
                let _ = p.write(&format!("migrations/versions/{id}_step.py"), &text);
                parent = id;
            }
            tips.push(parent);
        }
        let merge = next();
        let text = revision_file(&merge, &tips, "merge", "    pass", "    pass");
        let _ = p.write(&format!("migrations/versions/{merge}_merge.py"), &text);
        head = vec![merge];
    }
    p
}

/// Runs one `flask db` command on a fixture against database `app` of `cluster`.
pub fn run(project: &mut MemoryProject, cluster: &mut Cluster, args: &str) -> Outcome {
    let config = Config {
        project_dir: "/home/learner/app".into(),
        flask_app: Some("app.py".into()),
        env: vec![(
            "DATABASE_URL".into(),
            "postgresql+psycopg2://localhost/app".into(),
        )],
        create_date: "2026-01-05 09:00:00.000000".into(),
    };
    let mut next_id = || "ffffffffffff".to_string();
    Runner::new(project, cluster, config, &mut next_id).run(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_upgrades_and_downgrades_cleanly() {
        let mut p = branching_history(3);
        let mut cluster = Cluster::new();
        let _ = cluster.create_database("app");
        let up = run(&mut p, &mut cluster, "upgrade");
        assert_eq!(up.exit_code, 0, "{}", up.text());
        assert_eq!(up.stderr().matches("Running upgrade").count(), 30);
        let current = run(&mut p, &mut cluster, "current");
        assert_eq!(current.stdout(), "00000000001e (head) (mergepoint)\n");
        let edit = run(&mut p, &mut cluster, "edit");
        assert_eq!(
            edit.edit,
            vec!["/home/learner/app/migrations/versions/00000000001e_merge.py"]
        );
        let down = run(&mut p, &mut cluster, "downgrade base");
        assert_eq!(down.exit_code, 0, "{}", down.text());
        assert_eq!(down.stderr().matches("Running downgrade").count(), 30);
    }
}

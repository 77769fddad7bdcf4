//! The database explorer: cluster → databases → schemas → tables, each table
//! with its columns, constraints and rows, and what the last command changed.

use std::fmt;

use crate::sql::{constraint_def, Cluster, ConstraintKind, Relation};

/// How many rows of a table the explorer shows.
pub const ROW_LIMIT: usize = 200;

/// The whole cluster of one machine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatabaseView {
    /// The machine whose server this is.
    pub machine: String,
    /// Databases by name; the templates are marked `system`.
    pub databases: Vec<DatabaseNode>,
}

/// One database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseNode {
    /// Its name.
    pub name: String,
    /// `postgres`, `template0`, `template1`: there from the start, rarely used.
    pub system: bool,
    /// Its schemas, `public` included.
    pub schemas: Vec<SchemaNode>,
    /// True when the last command created it.
    pub new: bool,
}

/// One schema: a namespace of tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaNode {
    /// Its name.
    pub name: String,
    /// Its tables, by name.
    pub tables: Vec<TableNode>,
}

/// One table: definition and data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableNode {
    /// The table name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<ColumnNode>,
    /// Constraints as `pg_get_constraintdef` prints them, with their names.
    pub constraints: Vec<(String, String)>,
    /// The first [`ROW_LIMIT`] rows, in storage order.
    pub rows: Vec<RowNode>,
    /// How many rows the table holds.
    pub row_count: usize,
    /// True when the last command created the table or changed its definition.
    pub changed: bool,
}

/// One column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnNode {
    /// Its name.
    pub name: String,
    /// Its type as `\d` shows it.
    pub type_name: String,
    /// NOT NULL.
    pub not_null: bool,
    /// The default expression, as `\d` shows it.
    pub default: Option<String>,
    /// Key badges: `PK`, `UNIQUE`, `FK → orgs.id`.
    pub keys: Vec<String>,
    /// True when the last command added or changed the column.
    pub changed: bool,
}

/// One row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowNode {
    /// The storage id: stable while the row exists.
    pub id: u64,
    /// Values in PostgreSQL's text format; `None` is NULL.
    pub values: Vec<Option<String>>,
    /// True when the last command inserted or updated the row.
    pub changed: bool,
}

const SYSTEM_DATABASES: [&str; 3] = ["postgres", "template0", "template1"];

impl DatabaseView {
    /// The view of a machine's cluster; with `previous` (of the same
    /// machine), what changed since is marked.
    pub fn of(machine: &str, cluster: &Cluster, previous: Option<&DatabaseView>) -> Self {
        let previous = previous.filter(|p| p.machine == machine);
        let databases = cluster
            .database_names()
            .into_iter()
            .filter_map(|name| {
                let session = cluster.session(&name)?;
                let before = previous.and_then(|p| p.databases.iter().find(|d| d.name == name));
                Some(database(
                    &name,
                    session.catalog(),
                    before,
                    previous.is_some(),
                ))
            })
            .collect();
        DatabaseView {
            machine: machine.to_string(),
            databases,
        }
    }

    /// A table by database, schema and name.
    pub fn table(&self, database: &str, schema: &str, table: &str) -> Option<&TableNode> {
        self.databases
            .iter()
            .find(|d| d.name == database)?
            .schemas
            .iter()
            .find(|s| s.name == schema)?
            .tables
            .iter()
            .find(|t| t.name == table)
    }
}

fn database(
    name: &str,
    catalog: &crate::sql::Catalog,
    before: Option<&DatabaseNode>,
    diffing: bool,
) -> DatabaseNode {
    let schemas = catalog
        .schema_names()
        .into_iter()
        .filter_map(|schema_name| {
            let schema = catalog.schema(&schema_name)?;
            let before = before.and_then(|d| d.schemas.iter().find(|s| s.name == schema_name));
            let tables = schema
                .relations
                .iter()
                .filter_map(|(table_name, relation)| {
                    match relation {
                        Relation::Table(id) => catalog.table(*id),
                        _ => None,
                    }
                    .map(|t| {
                        let before =
                            before.and_then(|s| s.tables.iter().find(|b| &b.name == table_name));
                        table(catalog, t, before, diffing)
                    })
                })
                .collect();
            Some(SchemaNode {
                name: schema_name,
                tables,
            })
        })
        .collect();
    DatabaseNode {
        name: name.to_string(),
        system: SYSTEM_DATABASES.contains(&name),
        schemas,
        new: diffing && before.is_none(),
    }
}

fn table(
    catalog: &crate::sql::Catalog,
    t: &crate::sql::Table,
    before: Option<&TableNode>,
    diffing: bool,
) -> TableNode {
    let meta = &t.meta;
    let mut columns: Vec<ColumnNode> = meta
        .columns
        .iter()
        .map(|c| ColumnNode {
            name: c.name.clone(),
            type_name: c.ty.display(),
            not_null: c.not_null,
            default: c.default.as_ref().map(|d| d.text.clone()),
            keys: Vec::new(),
            changed: false,
        })
        .collect();
    for constraint in &meta.constraints {
        let (cols, badge): (&[usize], String) = match &constraint.kind {
            ConstraintKind::PrimaryKey(cols) => (cols, "PK".to_string()),
            ConstraintKind::Unique(cols) => (cols, "UNIQUE".to_string()),
            ConstraintKind::ForeignKey {
                cols,
                ref_table,
                ref_cols,
                ..
            } => {
                let target = catalog
                    .table(*ref_table)
                    .map(|r| {
                        let col = ref_cols
                            .first()
                            .and_then(|&i| r.meta.columns.get(i))
                            .map_or("", |c| c.name.as_str());
                        format!("FK → {}.{col}", r.meta.name)
                    })
                    .unwrap_or_else(|| "FK".to_string());
                (cols, target)
            }
            ConstraintKind::Check { .. } => (&[], String::new()),
        };
        for &i in cols {
            if let Some(column) = columns.get_mut(i) {
                column.keys.push(badge.clone());
            }
        }
    }
    for column in &mut columns {
        column.changed =
            diffing && before.is_some_and(|b| !b.columns.iter().any(|old| old == column));
    }
    let rows: Vec<RowNode> = t
        .rows
        .iter()
        .take(ROW_LIMIT)
        .map(|(id, row)| {
            let values: Vec<Option<String>> = (0..meta.columns.len())
                .map(|i| t.value(row, i).to_text())
                .collect();
            let changed = diffing
                && before.is_some_and(|b| {
                    !b.rows
                        .iter()
                        .any(|old| old.id == id && old.values == values)
                });
            RowNode {
                id,
                values,
                changed,
            }
        })
        .collect();
    let constraints = meta
        .constraints
        .iter()
        .map(|c| (c.name.clone(), constraint_def(catalog, meta, c, true)))
        .collect();
    let changed = diffing
        && before.is_none_or(|b| {
            b.columns.len() != columns.len()
                || b.columns.iter().zip(&columns).any(|(a, c)| {
                    a.name != c.name
                        || a.type_name != c.type_name
                        || a.not_null != c.not_null
                        || a.default != c.default
                })
        });
    TableNode {
        name: meta.name.clone(),
        columns,
        constraints,
        rows,
        row_count: t.rows.len(),
        changed,
    }
}

impl fmt::Display for DatabaseView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "cluster {}:5432", self.machine)?;
        for db in &self.databases {
            let mark = if db.new { " (new)" } else { "" };
            writeln!(f, "└─ {}{mark}", db.name)?;
            for schema in &db.schemas {
                let empty = if schema.tables.is_empty() {
                    " (no tables)"
                } else {
                    ""
                };
                writeln!(f, "   └─ {}{empty}", schema.name)?;
                for table in &schema.tables {
                    let mark = if table.changed { " *" } else { "" };
                    writeln!(
                        f,
                        "      └─ {} ({} rows){mark}",
                        table.name, table.row_count
                    )?;
                    for c in &table.columns {
                        let mut line = format!("         {} {}", c.name, c.type_name);
                        if c.not_null {
                            line.push_str(" NOT NULL");
                        }
                        if let Some(d) = &c.default {
                            line.push_str(&format!(" DEFAULT {d}"));
                        }
                        for k in &c.keys {
                            line.push_str(&format!(" [{k}]"));
                        }
                        if c.changed {
                            line.push_str(" *");
                        }
                        writeln!(f, "{line}")?;
                    }
                    for row in &table.rows {
                        let values: Vec<&str> = row
                            .values
                            .iter()
                            .map(|v| v.as_deref().unwrap_or("NULL"))
                            .collect();
                        let mark = if row.changed { " *" } else { "" };
                        writeln!(f, "         | {}{mark}", values.join(" | "))?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::app::{reduce, Action, State};

    fn run(state: State, input: &str) -> State {
        reduce(state, Action::Submit(input.to_string()))
    }

    #[test]
    fn an_empty_database_is_an_empty_container() {
        let state = run(State::default(), "createdb app");
        let app = state
            .database
            .databases
            .iter()
            .find(|d| d.name == "app")
            .unwrap();
        assert!(app.new && !app.system);
        assert_eq!(app.schemas.len(), 1);
        assert_eq!(app.schemas[0].name, "public");
        assert!(app.schemas[0].tables.is_empty());
    }

    #[test]
    fn the_last_statement_is_highlighted() {
        let mut state = run(State::default(), "createdb app");
        state = run(
            state,
            "psql app -c 'CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL)'",
        );
        let users = state.database.table("app", "public", "users").unwrap();
        assert!(users.changed);
        assert_eq!(users.columns[0].keys, ["PK"]);
        assert_eq!(
            users.columns[0].default.as_deref(),
            Some("nextval('users_id_seq'::regclass)")
        );
        state = run(
            state,
            "psql app -c \"INSERT INTO users (email) VALUES ('a@x'), ('b@x')\"",
        );
        state = run(
            state,
            "psql app -c \"UPDATE users SET email = 'c@x' WHERE id = 2\"",
        );
        let users = state.database.table("app", "public", "users").unwrap();
        assert!(!users.changed, "rows changed, not the definition");
        let changed: Vec<bool> = users.rows.iter().map(|r| r.changed).collect();
        assert_eq!(changed, [false, true]);
        state = run(
            state,
            "psql app -c 'ALTER TABLE users ADD COLUMN age integer'",
        );
        let users = state.database.table("app", "public", "users").unwrap();
        assert!(users.changed && users.columns[2].changed && !users.columns[1].changed);
        let text = state.database.to_string();
        assert!(text.contains("└─ users (2 rows) *"), "{text}");
        assert!(text.contains("| 2 | c@x | NULL"), "{text}");
    }

    #[test]
    fn another_machine_is_not_a_change() {
        let state = run(State::default(), "ssh prod");
        assert_eq!(state.database.machine, "prod");
        let app = state
            .database
            .databases
            .iter()
            .find(|d| d.name == "app")
            .unwrap();
        assert!(
            !app.new,
            "prod's app database was there before the learner came"
        );
    }

    #[test]
    fn replay_marks_only_the_last_input() {
        let log = vec![
            "createdb app".to_string(),
            "psql app -c 'CREATE TABLE t (id int)'".to_string(),
            "psql app -c 'INSERT INTO t VALUES (1)'".to_string(),
        ];
        let state = State::replay(1, log);
        let t = state.database.table("app", "public", "t").unwrap();
        assert!(!t.changed);
        assert!(t.rows[0].changed);
    }
}

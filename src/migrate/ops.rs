//! [`Op`]: one Alembic operation (`op.create_table`, `batch_op.add_column`, …), the SQL
//! SQLAlchemy compiles for it on PostgreSQL, and the Python autogenerate renders for it.
//!
//! SQL is compiled as SQLAlchemy does (tabs and `, ` separators inside `CREATE TABLE`); the
//! offline `--sql` output replaces the tabs with four spaces, as Alembic does.

use super::schema::{quote_ident, ColType, ColumnDef};

/// A table-level constraint inside `create_table`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableConstraint {
    /// `sa.PrimaryKeyConstraint('id', name=…)`
    PrimaryKey {
        /// Columns.
        columns: Vec<String>,
        /// Explicit name.
        name: Option<String>,
    },
    /// `sa.UniqueConstraint('email', name=…)`
    Unique {
        /// Columns.
        columns: Vec<String>,
        /// Explicit name.
        name: Option<String>,
    },
    /// `sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete=…)`
    ForeignKey {
        /// Local columns.
        columns: Vec<String>,
        /// Referenced table.
        ref_table: String,
        /// Referenced columns.
        ref_columns: Vec<String>,
        /// Explicit name.
        name: Option<String>,
        /// ON DELETE action.
        ondelete: Option<String>,
    },
}

/// One operation of a revision's `upgrade()` or `downgrade()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `op.create_table(name, *columns, *constraints)`
    CreateTable {
        /// Table name.
        table: String,
        /// Columns in order.
        columns: Vec<ColumnDef>,
        /// Table constraints in order.
        constraints: Vec<TableConstraint>,
    },
    /// `op.drop_table(name)`
    DropTable {
        /// Table name.
        table: String,
    },
    /// `op.add_column(table, sa.Column(...))`
    AddColumn {
        /// Table name.
        table: String,
        /// The new column.
        column: ColumnDef,
    },
    /// `op.drop_column(table, name)`
    DropColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
    },
    /// `op.alter_column(table, name, nullable=, server_default=, type_=, new_column_name=)`
    AlterColumn {
        /// Table name.
        table: String,
        /// Column name.
        column: String,
        /// `nullable=`
        nullable: Option<bool>,
        /// `server_default=`: `Some(None)` drops the default.
        server_default: Option<Option<String>>,
        /// `type_=`
        type_: Option<ColType>,
        /// `new_column_name=`
        new_name: Option<String>,
        /// `existing_type=`
        existing_type: Option<ColType>,
        /// `existing_nullable=`
        existing_nullable: Option<bool>,
    },
    /// `op.create_index(name, table, columns, unique=)`
    CreateIndex {
        /// Index name.
        name: String,
        /// Table name.
        table: String,
        /// Columns.
        columns: Vec<String>,
        /// UNIQUE index.
        unique: bool,
    },
    /// `op.drop_index(name, table_name=)`
    DropIndex {
        /// Index name.
        name: String,
        /// Table name (for rendering).
        table: String,
    },
    /// `op.create_unique_constraint(name, table, columns)`
    CreateUnique {
        /// Constraint name (`None`: PostgreSQL names it).
        name: Option<String>,
        /// Table name.
        table: String,
        /// Columns.
        columns: Vec<String>,
        /// Re-created from the database: renders PostgreSQL's `NULLS NOT DISTINCT` option.
        reflected: bool,
    },
    /// `op.create_foreign_key(name, source, referent, local_cols, remote_cols)`
    CreateForeignKey {
        /// Constraint name (`None`: PostgreSQL names it).
        name: Option<String>,
        /// Referencing table.
        table: String,
        /// Referenced table.
        ref_table: String,
        /// Local columns.
        columns: Vec<String>,
        /// Remote columns.
        ref_columns: Vec<String>,
        /// ON DELETE action.
        ondelete: Option<String>,
    },
    /// `op.drop_constraint(name, table, type_=)`
    DropConstraint {
        /// Constraint name.
        name: Option<String>,
        /// Table name.
        table: String,
        /// `type_=` (`unique`, `foreignkey`, `primary`, `check`).
        type_: Option<String>,
    },
    /// `op.execute("SQL")`
    Execute {
        /// The statement text.
        sql: String,
    },
}

fn cols(list: &[String]) -> String {
    list.iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn constraint_prefix(name: &Option<String>) -> String {
    name.as_ref()
        .map(|n| format!("CONSTRAINT {} ", quote_ident(n)))
        .unwrap_or_default()
}

impl TableConstraint {
    fn ddl(&self) -> String {
        match self {
            TableConstraint::PrimaryKey { columns, name } => {
                format!("{}PRIMARY KEY ({})", constraint_prefix(name), cols(columns))
            }
            TableConstraint::Unique { columns, name } => {
                format!("{}UNIQUE ({})", constraint_prefix(name), cols(columns))
            }
            TableConstraint::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                name,
                ondelete,
            } => {
                let mut s = format!(
                    "{}FOREIGN KEY({}) REFERENCES {} ({})",
                    constraint_prefix(name),
                    cols(columns),
                    quote_ident(ref_table),
                    cols(ref_columns)
                );
                if let Some(a) = ondelete {
                    s.push_str(&format!(" ON DELETE {a}"));
                }
                s
            }
        }
    }

    fn order(&self) -> u8 {
        match self {
            TableConstraint::PrimaryKey { .. } => 0,
            _ => 1,
        }
    }
}

/// The single autoincrementing integer primary key column of a table, if any.
fn serial_column<'a>(columns: &'a [ColumnDef], constraints: &[TableConstraint]) -> Option<&'a str> {
    let mut pk: Vec<&str> = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.as_str())
        .collect();
    for c in constraints {
        if let TableConstraint::PrimaryKey { columns: names, .. } = c {
            pk.extend(names.iter().map(String::as_str));
        }
    }
    pk.dedup();
    let [only] = pk.as_slice() else {
        return None;
    };
    let col = columns.iter().find(|c| c.name == *only)?;
    let is_fk = col.foreign_key.is_some()
        || constraints.iter().any(|c| {
            matches!(c, TableConstraint::ForeignKey { columns, .. } if columns.iter().any(|n| n == *only))
        });
    (col.ty.is_integer() && col.autoincrement != Some(false) && !is_fk).then_some(col.name.as_str())
}

impl Op {
    /// The table the operation works on (`None` for `execute`).
    pub fn table(&self) -> Option<&str> {
        match self {
            Op::CreateTable { table, .. }
            | Op::DropTable { table }
            | Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::CreateUnique { table, .. }
            | Op::CreateForeignKey { table, .. }
            | Op::DropConstraint { table, .. } => Some(table),
            Op::Execute { .. } => None,
        }
    }

    /// The statements SQLAlchemy sends for the operation, in order.
    pub fn to_sql(&self) -> Vec<String> {
        match self {
            Op::CreateTable {
                table,
                columns,
                constraints,
            } => {
                let serial = serial_column(columns, constraints);
                let mut parts: Vec<String> = columns
                    .iter()
                    .map(|c| c.ddl(serial == Some(c.name.as_str())))
                    .collect();
                let mut all = constraints.clone();
                let pk_cols: Vec<String> = columns
                    .iter()
                    .filter(|c| c.primary_key)
                    .map(|c| c.name.clone())
                    .collect();
                if !pk_cols.is_empty()
                    && !all
                        .iter()
                        .any(|c| matches!(c, TableConstraint::PrimaryKey { .. }))
                {
                    all.insert(
                        0,
                        TableConstraint::PrimaryKey {
                            columns: pk_cols,
                            name: None,
                        },
                    );
                }
                for c in columns {
                    if let Some(fk) = &c.foreign_key {
                        all.push(TableConstraint::ForeignKey {
                            columns: vec![c.name.clone()],
                            ref_table: fk.table.clone(),
                            ref_columns: vec![fk.column.clone()],
                            name: None,
                            ondelete: fk.ondelete.clone(),
                        });
                    }
                    if c.unique && !c.index {
                        all.push(TableConstraint::Unique {
                            columns: vec![c.name.clone()],
                            name: None,
                        });
                    }
                }
                crate::sorting::sort_by_key(&mut all, TableConstraint::order);
                parts.extend(all.iter().map(TableConstraint::ddl));
                let mut out = vec![format!(
                    "\nCREATE TABLE {} (\n\t{}\n)\n\n",
                    quote_ident(table),
                    parts.join(", \n\t")
                )];
                for c in columns.iter().filter(|c| c.index) {
                    out.push(
                        Op::CreateIndex {
                            name: format!("ix_{table}_{}", c.name),
                            table: table.clone(),
                            columns: vec![c.name.clone()],
                            unique: c.unique,
                        }
                        .to_sql()
                        .remove(0),
                    );
                }
                out
            }
            Op::DropTable { table } => vec![format!("DROP TABLE {}", quote_ident(table))],
            Op::AddColumn { table, column } => {
                let mut out = vec![format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    quote_ident(table),
                    column.ddl(false)
                )];
                if let Some(fk) = &column.foreign_key {
                    out.push(format!(
                        "ALTER TABLE {} ADD FOREIGN KEY({}) REFERENCES {} ({})",
                        quote_ident(table),
                        quote_ident(&column.name),
                        quote_ident(&fk.table),
                        quote_ident(&fk.column)
                    ));
                }
                out
            }
            Op::DropColumn { table, column } => vec![format!(
                "ALTER TABLE {} DROP COLUMN {}",
                quote_ident(table),
                quote_ident(column)
            )],
            Op::AlterColumn {
                table,
                column,
                nullable,
                server_default,
                type_,
                new_name,
                ..
            } => {
                let t = quote_ident(table);
                let c = quote_ident(column);
                let mut out = Vec::new();
                if let Some(n) = nullable {
                    let verb = if *n { "DROP" } else { "SET" };
                    out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} {verb} NOT NULL"));
                }
                if let Some(d) = server_default {
                    out.push(match d {
                        Some(d) => format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {d}"),
                        None => format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"),
                    });
                }
                if let Some(ty) = type_ {
                    out.push(format!(
                        "ALTER TABLE {t} ALTER COLUMN {c} TYPE {}",
                        ty.ddl()
                    ));
                }
                if let Some(n) = new_name {
                    out.push(format!("ALTER TABLE {t} RENAME {c} TO {}", quote_ident(n)));
                }
                out
            }
            Op::CreateIndex {
                name,
                table,
                columns,
                unique,
            } => vec![format!(
                "CREATE {}INDEX {} ON {} ({})",
                if *unique { "UNIQUE " } else { "" },
                quote_ident(name),
                quote_ident(table),
                cols(columns)
            )],
            Op::DropIndex { name, .. } => vec![format!("DROP INDEX {}", quote_ident(name))],
            Op::CreateUnique {
                name,
                table,
                columns,
                ..
            } => vec![format!(
                "ALTER TABLE {} ADD {}UNIQUE ({})",
                quote_ident(table),
                constraint_prefix(name),
                cols(columns)
            )],
            Op::CreateForeignKey {
                name,
                table,
                ref_table,
                columns,
                ref_columns,
                ondelete,
            } => {
                let mut s = format!(
                    "ALTER TABLE {} ADD {}FOREIGN KEY({}) REFERENCES {} ({})",
                    quote_ident(table),
                    constraint_prefix(name),
                    cols(columns),
                    quote_ident(ref_table),
                    cols(ref_columns)
                );
                if let Some(a) = ondelete {
                    s.push_str(&format!(" ON DELETE {a}"));
                }
                vec![s]
            }
            Op::DropConstraint { name, table, .. } => vec![format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                quote_ident(table),
                quote_ident(name.as_deref().unwrap_or(""))
            )],
            Op::Execute { sql } => vec![sql.clone()],
        }
    }

    /// The line(s) autogenerate writes for the operation; `batch` inside a
    /// `with op.batch_alter_table(...) as batch_op:` block.
    pub fn render(&self, batch: bool) -> Vec<String> {
        let prefix = if batch { "batch_op." } else { "op." };
        let f = |name: &str| format!("{prefix}f({})", py_str(name));
        let gen_name = |name: &Option<String>| match name {
            Some(n) => f(n),
            None => "None".to_string(),
        };
        match self {
            Op::CreateTable {
                table,
                columns,
                constraints,
            } => {
                let mut args: Vec<String> = columns.iter().map(render_column).collect();
                let mut cons: Vec<String> = constraints.iter().map(render_constraint).collect();
                crate::sorting::sort(&mut cons);
                args.extend(cons);
                vec![format!(
                    "{prefix}create_table({},\n{}\n)",
                    py_str(table),
                    args.join(",\n")
                )]
            }
            Op::DropTable { table } => vec![format!("{prefix}drop_table({})", py_str(table))],
            Op::AddColumn { table, column } => {
                if batch {
                    vec![format!("{prefix}add_column({})", render_column(column))]
                } else {
                    vec![format!(
                        "{prefix}add_column({}, {})",
                        py_str(table),
                        render_column(column)
                    )]
                }
            }
            Op::DropColumn { table, column } => {
                if batch {
                    vec![format!("{prefix}drop_column({})", py_str(column))]
                } else {
                    vec![format!(
                        "{prefix}drop_column({}, {})",
                        py_str(table),
                        py_str(column)
                    )]
                }
            }
            Op::AlterColumn {
                table,
                column,
                nullable,
                server_default,
                type_,
                new_name,
                existing_type,
                existing_nullable,
            } => {
                let indent = " ".repeat(11);
                let mut text = if batch {
                    format!("{prefix}alter_column({}", py_str(column))
                } else {
                    format!("{prefix}alter_column({}, {}", py_str(table), py_str(column))
                };
                if let Some(t) = existing_type {
                    text.push_str(&format!(",\n{indent}existing_type={}", t.render()));
                }
                if let Some(d) = server_default {
                    text.push_str(&format!(
                        ",\n{indent}server_default={}",
                        d.as_deref()
                            .map_or("None".to_string(), render_server_default)
                    ));
                }
                if let Some(n) = new_name {
                    text.push_str(&format!(",\n{indent}new_column_name={}", py_str(n)));
                }
                if let Some(t) = type_ {
                    text.push_str(&format!(",\n{indent}type_={}", t.render()));
                }
                if let Some(n) = nullable {
                    text.push_str(&format!(",\n{indent}nullable={}", py_bool(*n)));
                }
                if let (None, Some(e)) = (nullable, existing_nullable) {
                    text.push_str(&format!(",\n{indent}existing_nullable={}", py_bool(*e)));
                }
                text.push(')');
                vec![text]
            }
            Op::CreateIndex {
                name,
                table,
                columns,
                unique,
            } => {
                let list = py_list(columns);
                if batch {
                    vec![format!(
                        "{prefix}create_index({}, {list}, unique={})",
                        f(name),
                        py_bool(*unique)
                    )]
                } else {
                    vec![format!(
                        "{prefix}create_index({}, {}, {list}, unique={})",
                        f(name),
                        py_str(table),
                        py_bool(*unique)
                    )]
                }
            }
            Op::DropIndex { name, table } => {
                if batch {
                    vec![format!("{prefix}drop_index({})", f(name))]
                } else {
                    vec![format!(
                        "{prefix}drop_index({}, table_name={})",
                        f(name),
                        py_str(table)
                    )]
                }
            }
            Op::CreateUnique {
                name,
                table,
                columns,
                reflected,
            } => {
                let mut args = vec![gen_name(name)];
                if !batch {
                    args.push(py_str(table));
                }
                args.push(py_list(columns));
                if *reflected {
                    args.push("postgresql_nulls_not_distinct=False".into());
                }
                vec![format!(
                    "{prefix}create_unique_constraint({})",
                    args.join(", ")
                )]
            }
            Op::CreateForeignKey {
                name,
                table,
                ref_table,
                columns,
                ref_columns,
                ondelete,
            } => {
                let mut args = vec![gen_name(name)];
                if !batch {
                    args.push(py_str(table));
                }
                args.push(py_str(ref_table));
                args.push(py_list(columns));
                args.push(py_list(ref_columns));
                if let Some(a) = ondelete {
                    args.push(format!("ondelete={}", py_str(a)));
                }
                vec![format!("{prefix}create_foreign_key({})", args.join(", "))]
            }
            Op::DropConstraint { name, table, type_ } => {
                let mut args = vec![gen_name(name)];
                if !batch {
                    args.push(py_str(table));
                }
                if let Some(t) = type_ {
                    args.push(format!("type_={}", py_str(t)));
                }
                let mut lines = Vec::new();
                if name.is_none() {
                    lines.extend(UNNAMED_CONSTRAINT_WARNING.iter().map(|l| l.to_string()));
                }
                lines.push(format!("{prefix}drop_constraint({})", args.join(", ")));
                lines
            }
            Op::Execute { sql } => vec![format!("{prefix}execute({})", py_str(sql))],
        }
    }
}

/// The comment autogenerate writes above a `drop_constraint` without a name.
const UNNAMED_CONSTRAINT_WARNING: [&str; 3] = [
    "# WARNING: constraint name is None; this directive will fail as",
    "# rendered.  Add a name, or use a naming convention; see",
    "# https://alembic.sqlalchemy.org/en/latest/naming.html",
];

/// `sa.Column('name', sa.Integer(), nullable=False)` as autogenerate writes it.
pub fn render_column(c: &ColumnDef) -> String {
    let mut opts = Vec::new();
    if let Some(d) = &c.server_default {
        opts.push(format!("server_default={}", render_server_default(d)));
    }
    if let Some(a) = c.autoincrement {
        opts.push(format!("autoincrement={}", py_bool(a)));
    }
    opts.push(format!("nullable={}", py_bool(c.nullable)));
    format!(
        "sa.Column({}, {}, {})",
        py_str(&c.name),
        c.ty.render(),
        opts.join(", ")
    )
}

fn render_server_default(sql: &str) -> String {
    match sql.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(inner) => py_str(&inner.replace("''", "'")),
        None => format!("sa.text({})", py_str(sql)),
    }
}

fn render_constraint(c: &TableConstraint) -> String {
    let name_opt = |name: &Option<String>| {
        name.as_ref()
            .map(|n| format!(", name=op.f({})", py_str(n)))
            .unwrap_or_default()
    };
    match c {
        TableConstraint::PrimaryKey { columns, name } => format!(
            "sa.PrimaryKeyConstraint({}{})",
            columns
                .iter()
                .map(|c| py_str(c))
                .collect::<Vec<_>>()
                .join(", "),
            name_opt(name)
        ),
        TableConstraint::Unique { columns, name } => format!(
            "sa.UniqueConstraint({}{})",
            columns
                .iter()
                .map(|c| py_str(c))
                .collect::<Vec<_>>()
                .join(", "),
            name_opt(name)
        ),
        TableConstraint::ForeignKey {
            columns,
            ref_table,
            ref_columns,
            name,
            ondelete,
        } => {
            let mut opts = Vec::new();
            if let Some(n) = name {
                opts.push(format!("name=op.f({})", py_str(n)));
            }
            if let Some(a) = ondelete {
                opts.push(format!("ondelete={}", py_str(a)));
            }
            format!(
                "sa.ForeignKeyConstraint([{}], [{}], {})",
                columns
                    .iter()
                    .map(|c| py_str(c))
                    .collect::<Vec<_>>()
                    .join(", "),
                ref_columns
                    .iter()
                    .map(|c| py_str(&format!("{ref_table}.{c}")))
                    .collect::<Vec<_>>()
                    .join(", "),
                opts.join(", ")
            )
        }
    }
}

/// Python's `repr` of a string.
pub fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn py_list(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|c| py_str(c))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::schema::BaseType;

    fn users() -> Op {
        let mut id = ColumnDef::new("id", ColType::generic(BaseType::Integer));
        id.nullable = false;
        let mut name = ColumnDef::new("name", ColType::generic(BaseType::String(Some(80))));
        name.nullable = false;
        Op::CreateTable {
            table: "users".into(),
            columns: vec![id, name],
            constraints: vec![
                TableConstraint::PrimaryKey {
                    columns: vec!["id".into()],
                    name: None,
                },
                TableConstraint::Unique {
                    columns: vec!["name".into()],
                    name: None,
                },
            ],
        }
    }

    #[test]
    fn compiles_create_table_like_sqlalchemy() {
        assert_eq!(
            users().to_sql(),
            vec!["\nCREATE TABLE users (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(80) NOT NULL, \n\tPRIMARY KEY (id), \n\tUNIQUE (name)\n)\n\n"]
        );
    }

    #[test]
    fn renders_create_table_like_autogenerate() {
        assert_eq!(
            users().render(false),
            vec!["op.create_table('users',\nsa.Column('id', sa.Integer(), nullable=False),\nsa.Column('name', sa.String(length=80), nullable=False),\nsa.PrimaryKeyConstraint('id'),\nsa.UniqueConstraint('name')\n)"]
        );
    }
}

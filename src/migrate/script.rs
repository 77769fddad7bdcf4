//! [`Script`]: one revision file of `migrations/versions/`, read from its Python.
//!
//! The header (`revision`, `down_revision`, `branch_labels`, `depends_on`, the docstring) is
//! read when the file is loaded, as Alembic imports every script to build its map; a problem
//! there fails every command. The bodies of `upgrade()` and `downgrade()` are read into
//! [`Op`]s too, but a body outside the subset only fails when that body runs.

use super::error::Error;
use super::models::{column_type, foreign_key, server_default};
use super::ops::{Op, TableConstraint};
use super::python::{parse_module_with, Expr, LineCache, Stmt, StmtKind};
use super::schema::ColumnDef;

/// What `upgrade()`/`downgrade()` may contain, for error messages.
const SUPPORTED_OPS: &str = "op.create_table, op.drop_table, op.add_column, op.drop_column, op.alter_column, op.create_index, op.drop_index, op.create_unique_constraint, op.create_foreign_key, op.drop_constraint, op.execute, with op.batch_alter_table(...) as batch_op, pass";

/// A revision script.
#[derive(Clone, Debug)]
pub struct Script {
    /// The revision id; never empty.
    pub revision: String,
    /// Parent ids (empty for a root; two or more for a merge), in the order written.
    pub down_revisions: Vec<String>,
    /// `branch_labels`.
    pub branch_labels: Vec<String>,
    /// `depends_on`.
    pub depends_on: Vec<String>,
    /// The stripped module docstring (Alembic's `longdoc`).
    pub longdoc: String,
    /// Absolute path of the file.
    pub path: String,
    /// The file's name in `versions/`.
    pub file_name: String,
    /// The file's text (for traceback frames).
    pub source: String,
    /// The operations of `upgrade()` with the line that runs each, or why they cannot run.
    pub upgrade: Result<Vec<(usize, Op)>, Error>,
    /// The operations of `downgrade()` with the line that runs each, or why they cannot run.
    pub downgrade: Result<Vec<(usize, Op)>, Error>,
}

impl Script {
    /// The first paragraph of the docstring (Alembic's `doc`), the message in listings.
    pub fn doc(&self) -> &str {
        self.longdoc.split("\n\n").next().unwrap_or("")
    }
}

/// Reads a revision file.
pub fn parse_script(path: &str, file_name: &str, source: &str) -> Result<Script, Error> {
    parse_script_with(path, file_name, source, &mut LineCache::default())
}

/// Reads a revision file, reusing lines read from other files.
pub fn parse_script_with(
    path: &str,
    file_name: &str,
    source: &str,
    cache: &mut LineCache,
) -> Result<Script, Error> {
    let key = [path, file_name, source];
    if let Some(script) = cache.script(&key) {
        return Ok(script.clone());
    }
    let script = read_script(path, file_name, source, cache)?;
    cache.keep_script(&key, &script);
    Ok(script)
}

/// Reads a revision file's module into a [`Script`].
fn read_script(
    path: &str,
    file_name: &str,
    source: &str,
    cache: &mut LineCache,
) -> Result<Script, Error> {
    let module = parse_module_with(path, source, cache)?;
    let mut longdoc = String::new();
    let mut revision = None;
    let mut down = Vec::new();
    let mut labels = Vec::new();
    let mut depends = Vec::new();
    let mut upgrade = Ok(Vec::new());
    let mut downgrade = Ok(Vec::new());
    for (i, stmt) in module.body.iter().enumerate() {
        match &stmt.kind {
            StmtKind::Expr(Expr::Str(s)) if i == 0 => longdoc = s.trim().to_string(),
            StmtKind::Assign(Expr::Name(name), value) => match name.as_str() {
                "revision" => {
                    revision = match value {
                        Expr::Str(s) if !s.is_empty() => Some(s.clone()),
                        _ => None,
                    }
                }
                "down_revision" => down = id_list(value),
                "branch_labels" => labels = id_list(value),
                "depends_on" => depends = id_list(value),
                _ => {}
            },
            StmtKind::Def { name, body } if name == "upgrade" => upgrade = ops_of(path, body),
            StmtKind::Def { name, body } if name == "downgrade" => downgrade = ops_of(path, body),
            _ => {}
        }
    }
    let Some(revision) = revision else {
        return Err(Error::not_a_revision(path));
    };
    Ok(Script {
        revision,
        down_revisions: down,
        branch_labels: labels,
        depends_on: depends,
        longdoc,
        path: path.to_string(),
        file_name: file_name.to_string(),
        source: source.to_string(),
        upgrade,
        downgrade,
    })
}

fn id_list(value: &Expr) -> Vec<String> {
    match value {
        Expr::Str(s) => vec![s.clone()],
        Expr::Tuple(items) | Expr::List(items) => items
            .iter()
            .filter_map(|e| match e {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Positional-or-keyword access to a call's arguments.
struct Args<'a> {
    args: &'a [Expr],
    kwargs: &'a [(String, Expr)],
}

impl<'a> Args<'a> {
    fn get(&self, pos: usize, key: &str) -> Option<&'a Expr> {
        self.kwargs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .or_else(|| self.args.get(pos))
    }
    fn kw(&self, key: &str) -> Option<&'a Expr> {
        self.kwargs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A name argument: `'x'`, `op.f('x')`, `batch_op.f('x')` or `None`.
fn name_arg(e: Option<&Expr>) -> Option<Option<String>> {
    match e {
        None | Some(Expr::None) => Some(None),
        Some(Expr::Str(s)) => Some(Some(s.clone())),
        Some(Expr::Call { func, args, .. }) if func.dotted().is_some_and(|f| f.ends_with(".f")) => {
            match args.first() {
                Some(Expr::Str(s)) => Some(Some(s.clone())),
                _ => None,
            }
        }
        _ => None,
    }
}

fn str_list(e: Option<&Expr>) -> Option<Vec<String>> {
    match e? {
        Expr::List(items) | Expr::Tuple(items) => items
            .iter()
            .map(|i| match i {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        Expr::Str(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

fn opt_bool(e: Option<&Expr>) -> Option<Option<bool>> {
    match e {
        None | Some(Expr::None) => Some(None),
        Some(Expr::Bool(b)) => Some(Some(*b)),
        _ => None,
    }
}

fn ops_of(path: &str, body: &[Stmt]) -> Result<Vec<(usize, Op)>, Error> {
    let mut ops = Vec::new();
    for stmt in body {
        match &stmt.kind {
            StmtKind::Pass | StmtKind::Expr(Expr::Str(_)) => {}
            StmtKind::Expr(Expr::Call { func, args, kwargs }) => {
                let f = func.dotted().unwrap_or_default();
                let Some(name) = f.strip_prefix("op.") else {
                    return Err(unsupported(path, stmt, &f));
                };
                let a = Args { args, kwargs };
                ops.push((stmt.line, op_of(path, stmt, name, None, &a)?));
            }
            StmtKind::With {
                expr: Expr::Call { func, args, kwargs },
                alias,
                body,
            } if func.dotted().as_deref() == Some("op.batch_alter_table") => {
                let a = Args { args, kwargs };
                let Some(Expr::Str(table)) = a.get(0, "table_name") else {
                    return Err(unsupported(
                        path,
                        stmt,
                        "op.batch_alter_table without a table name",
                    ));
                };
                let alias = alias.clone().unwrap_or_default();
                for inner in body {
                    match &inner.kind {
                        StmtKind::Pass => {}
                        StmtKind::Expr(Expr::Call { func, args, kwargs }) => {
                            let f = func.dotted().unwrap_or_default();
                            let Some(name) = f.strip_prefix(&format!("{alias}.")) else {
                                return Err(unsupported(path, inner, &f));
                            };
                            let a = Args { args, kwargs };
                            ops.push((stmt.line, op_of(path, inner, name, Some(table), &a)?));
                        }
                        _ => return Err(unsupported(path, inner, "this statement")),
                    }
                }
            }
            _ => return Err(unsupported(path, stmt, "this statement")),
        }
    }
    Ok(ops)
}

fn unsupported(path: &str, stmt: &Stmt, what: &str) -> Error {
    Error::unsupported(path, stmt.line, what, SUPPORTED_OPS)
}

/// One `op.<name>(...)` call; `batch` is the table of an enclosing `batch_alter_table`.
fn op_of(path: &str, stmt: &Stmt, name: &str, batch: Option<&str>, a: &Args) -> Result<Op, Error> {
    let bad = |what: &str| unsupported(path, stmt, &format!("{what} in {name}()"));
    // Inside a batch block the table argument is implied and later arguments shift left.
    let shift = usize::from(batch.is_none());
    let table = match batch {
        Some(t) => t.to_string(),
        None => match a.get(0, "table_name") {
            Some(Expr::Str(s)) => s.clone(),
            _ if matches!(
                name,
                "create_index"
                    | "drop_index"
                    | "create_unique_constraint"
                    | "create_foreign_key"
                    | "drop_constraint"
                    | "execute"
            ) =>
            {
                String::new()
            }
            _ => return Err(bad("a missing or non-literal table name")),
        },
    };
    let op = match name {
        "create_table" => {
            let mut columns = Vec::new();
            let mut constraints = Vec::new();
            for e in a.args.iter().skip(1) {
                if let Some(c) = sa_column(e) {
                    columns.push(c);
                } else if let Some(c) = table_constraint(e) {
                    constraints.push(c);
                } else {
                    return Err(bad("an argument that is not sa.Column or a constraint"));
                }
            }
            Op::CreateTable {
                table,
                columns,
                constraints,
            }
        }
        "drop_table" => Op::DropTable { table },
        "add_column" => {
            let col = a
                .get(shift, "column")
                .and_then(sa_column)
                .ok_or_else(|| bad("a column that is not sa.Column(...)"))?;
            Op::AddColumn { table, column: col }
        }
        "drop_column" => match a.get(shift, "column_name") {
            Some(Expr::Str(c)) => Op::DropColumn {
                table,
                column: c.clone(),
            },
            _ => return Err(bad("a non-literal column name")),
        },
        "alter_column" => {
            let Some(Expr::Str(column)) = a.get(shift, "column_name") else {
                return Err(bad("a non-literal column name"));
            };
            let nullable = opt_bool(a.kw("nullable")).ok_or_else(|| bad("nullable="))?;
            let existing_nullable =
                opt_bool(a.kw("existing_nullable")).ok_or_else(|| bad("existing_nullable="))?;
            let server_default = match a.kw("server_default") {
                None | Some(Expr::Bool(false)) => None,
                Some(Expr::None) => Some(None),
                Some(e) => Some(Some(
                    server_default(e).ok_or_else(|| bad("server_default="))?,
                )),
            };
            let type_ = match a.kw("type_") {
                None => None,
                Some(e) => Some(column_type(e).ok_or_else(|| bad("type_="))?),
            };
            let existing_type = a.kw("existing_type").and_then(column_type);
            let new_name = match a.kw("new_column_name") {
                None | Some(Expr::None) => None,
                Some(Expr::Str(s)) => Some(s.clone()),
                Some(_) => return Err(bad("new_column_name=")),
            };
            Op::AlterColumn {
                table,
                column: column.clone(),
                nullable,
                server_default,
                type_,
                new_name,
                existing_type,
                existing_nullable,
            }
        }
        "create_index" => {
            let name = name_arg(a.get(0, "index_name"))
                .flatten()
                .ok_or_else(|| bad("an index name"))?;
            let (table, cols_pos) = match batch {
                Some(t) => (t.to_string(), 1),
                None => match a.get(1, "table_name") {
                    Some(Expr::Str(t)) => (t.clone(), 2),
                    _ => return Err(bad("a table name")),
                },
            };
            let columns =
                str_list(a.get(cols_pos, "columns")).ok_or_else(|| bad("a column list"))?;
            let unique = opt_bool(a.kw("unique"))
                .ok_or_else(|| bad("unique="))?
                .unwrap_or(false);
            Op::CreateIndex {
                name,
                table,
                columns,
                unique,
            }
        }
        "drop_index" => {
            let name = name_arg(a.get(0, "index_name"))
                .flatten()
                .ok_or_else(|| bad("an index name"))?;
            let table = match (batch, a.get(1, "table_name")) {
                (Some(t), _) => t.to_string(),
                (None, Some(Expr::Str(t))) => t.clone(),
                _ => String::new(),
            };
            Op::DropIndex { name, table }
        }
        "create_unique_constraint" => {
            let name =
                name_arg(a.get(0, "constraint_name")).ok_or_else(|| bad("a constraint name"))?;
            let (table, pos) = match batch {
                Some(t) => (t.to_string(), 1),
                None => match a.get(1, "table_name") {
                    Some(Expr::Str(t)) => (t.clone(), 2),
                    _ => return Err(bad("a table name")),
                },
            };
            let columns = str_list(a.get(pos, "columns")).ok_or_else(|| bad("a column list"))?;
            Op::CreateUnique {
                name,
                table,
                columns,
                reflected: false,
            }
        }
        "create_foreign_key" => {
            let name =
                name_arg(a.get(0, "constraint_name")).ok_or_else(|| bad("a constraint name"))?;
            let (table, pos) = match batch {
                Some(t) => (t.to_string(), 1),
                None => match a.get(1, "source_table") {
                    Some(Expr::Str(t)) => (t.clone(), 2),
                    _ => return Err(bad("a source table")),
                },
            };
            let Some(Expr::Str(ref_table)) = a.get(pos, "referent_table") else {
                return Err(bad("a referent table"));
            };
            let columns =
                str_list(a.get(pos + 1, "local_cols")).ok_or_else(|| bad("local_cols"))?;
            let ref_columns =
                str_list(a.get(pos + 2, "remote_cols")).ok_or_else(|| bad("remote_cols"))?;
            let ondelete = match a.kw("ondelete") {
                Some(Expr::Str(s)) => Some(s.clone()),
                _ => None,
            };
            Op::CreateForeignKey {
                name,
                table,
                ref_table: ref_table.clone(),
                columns,
                ref_columns,
                ondelete,
            }
        }
        "drop_constraint" => {
            let name =
                name_arg(a.get(0, "constraint_name")).ok_or_else(|| bad("a constraint name"))?;
            let table = match batch {
                Some(t) => t.to_string(),
                None => match a.get(1, "table_name") {
                    Some(Expr::Str(t)) => t.clone(),
                    _ => return Err(bad("a table name")),
                },
            };
            let type_ = match a.kw("type_") {
                Some(Expr::Str(s)) => Some(s.clone()),
                _ => None,
            };
            Op::DropConstraint { name, table, type_ }
        }
        "execute" => {
            let sql = match a.get(0, "sqltext") {
                Some(Expr::Str(s)) => s.clone(),
                Some(Expr::Call { func, args, .. })
                    if func.dotted().is_some_and(|f| f.ends_with("text")) =>
                {
                    match args.first() {
                        Some(Expr::Str(s)) => s.clone(),
                        _ => return Err(bad("a non-literal statement")),
                    }
                }
                _ => return Err(bad("a non-literal statement")),
            };
            Op::Execute { sql }
        }
        other => return Err(unsupported(path, stmt, &format!("op.{other}"))),
    };
    Ok(op)
}

/// `sa.Column('name', sa.Integer(), sa.ForeignKey(...), nullable=…, …)`.
fn sa_column(e: &Expr) -> Option<ColumnDef> {
    let Expr::Call { func, args, kwargs } = e else {
        return None;
    };
    if !func.dotted()?.ends_with("Column") {
        return None;
    }
    let Some(Expr::Str(name)) = args.first() else {
        return None;
    };
    let ty = args.get(1).and_then(column_type)?;
    let mut col = ColumnDef::new(name, ty);
    for extra in args.iter().skip(2) {
        col.foreign_key = Some(foreign_key(extra)?);
    }
    let mut nullable = None;
    for (k, v) in kwargs {
        match (k.as_str(), v) {
            ("nullable", Expr::Bool(b)) => nullable = Some(*b),
            ("primary_key", Expr::Bool(b)) => col.primary_key = *b,
            ("unique", Expr::Bool(b)) => col.unique = *b,
            ("index", Expr::Bool(b)) => col.index = *b,
            ("autoincrement", Expr::Bool(b)) => col.autoincrement = Some(*b),
            ("server_default", Expr::None) => {}
            ("server_default", v) => col.server_default = Some(server_default(v)?),
            ("comment" | "default", _) => {}
            _ => return None,
        }
    }
    col.nullable = nullable.unwrap_or(!col.primary_key);
    Some(col)
}

fn table_constraint(e: &Expr) -> Option<TableConstraint> {
    let Expr::Call { func, args, kwargs } = e else {
        return None;
    };
    let f = func.dotted()?;
    let name = name_arg(kwargs.iter().find(|(k, _)| k == "name").map(|(_, v)| v))?;
    let strs = |items: &[Expr]| -> Option<Vec<String>> {
        items
            .iter()
            .map(|i| match i {
                Expr::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect()
    };
    match f.rsplit('.').next()? {
        "PrimaryKeyConstraint" => Some(TableConstraint::PrimaryKey {
            columns: strs(args)?,
            name,
        }),
        "UniqueConstraint" => Some(TableConstraint::Unique {
            columns: strs(args)?,
            name,
        }),
        "ForeignKeyConstraint" => {
            let columns = str_list(args.first())?;
            let refs = str_list(args.get(1))?;
            let mut ref_table = String::new();
            let mut ref_columns = Vec::new();
            for r in refs {
                let (t, c) = r.rsplit_once('.')?;
                ref_table = t.to_string();
                ref_columns.push(c.to_string());
            }
            let ondelete = kwargs.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("ondelete", Expr::Str(s)) => Some(s.clone()),
                _ => None,
            });
            Some(TableConstraint::ForeignKey {
                columns,
                ref_table,
                ref_columns,
                name,
                ondelete,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADD_AGE: &str = "\"\"\"add age\n\nRevision ID: 22533005dadd\nRevises: d4c66efe717d\nCreate Date: 2026-11-24 03:13:26.125472\n\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by Alembic.\nrevision = '22533005dadd'\ndown_revision = 'd4c66efe717d'\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    # ### commands auto generated by Alembic - please adjust! ###\n    with op.batch_alter_table('users', schema=None) as batch_op:\n        batch_op.add_column(sa.Column('age', sa.Integer(), nullable=True))\n\n    # ### end Alembic commands ###\n\n\ndef downgrade():\n    # ### commands auto generated by Alembic - please adjust! ###\n    with op.batch_alter_table('users', schema=None) as batch_op:\n        batch_op.drop_column('age')\n\n    # ### end Alembic commands ###\n";

    #[test]
    fn reads_a_batch_revision() {
        let s = parse_script("/p/x.py", "x.py", ADD_AGE).unwrap();
        assert_eq!(s.revision, "22533005dadd");
        assert_eq!(s.down_revisions, vec!["d4c66efe717d"]);
        assert_eq!(s.doc(), "add age");
        let up = s.upgrade.unwrap();
        assert_eq!(up[0].0, 21);
        assert_eq!(
            up[0].1.to_sql(),
            vec!["ALTER TABLE users ADD COLUMN age INTEGER"]
        );
        let down = s.downgrade.unwrap();
        assert_eq!(
            down[0].1.to_sql(),
            vec!["ALTER TABLE users DROP COLUMN age"]
        );
    }

    #[test]
    fn unsupported_bodies_fail_only_when_run() {
        let src = "revision = 'a'\ndown_revision = None\n\ndef upgrade():\n    op.rename_table('a', 'b')\n\ndef downgrade():\n    pass\n";
        let s = parse_script("/p/a.py", "a.py", src).unwrap();
        let e = s.upgrade.unwrap_err().to_string();
        assert!(
            e.contains("/p/a.py, line 5") && e.contains("op.rename_table"),
            "{e}"
        );
        assert!(s.downgrade.unwrap().is_empty());
    }
}

//! Definitions as PostgreSQL prints them back (`pg_get_constraintdef` in its
//! pretty form, as psql's `\d` and the database explorer show them).

use super::ast::FkAction;
use super::catalog::{Catalog, Constraint, ConstraintKind, TableMeta};

/// Column names for positions, joined by `, `.
pub fn column_list(meta: &TableMeta, cols: &[usize]) -> String {
    cols.iter()
        .filter_map(|&i| meta.columns.get(i).map(|c| c.name.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A table name as a definition prints it: bare in `public` (the search
/// path), schema-qualified elsewhere.
pub fn regclass(meta: &TableMeta) -> String {
    if meta.schema == "public" {
        meta.name.clone()
    } else {
        format!("{}.{}", meta.schema, meta.name)
    }
}

/// `(age >= 0)` → `age >= 0`, when the outer parentheses enclose it all.
fn unwrap_parens(text: &str) -> &str {
    let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) else {
        return text;
    };
    let mut depth = 0i32;
    for c in inner.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        if depth < 0 {
            return text;
        }
    }
    if depth == 0 {
        unwrap_parens(inner)
    } else {
        text
    }
}

/// `PRIMARY KEY (id)`, `UNIQUE (email)`, `CHECK (age >= 0)`,
/// `FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE CASCADE`. With
/// `pretty` (psql's `\d`), a CHECK shows its condition in one pair of
/// parentheses; without (`pg_get_constraintdef(oid)`), PostgreSQL's two.
pub fn constraint_def(
    catalog: &Catalog,
    meta: &TableMeta,
    constraint: &Constraint,
    pretty: bool,
) -> String {
    match &constraint.kind {
        ConstraintKind::PrimaryKey(cols) => format!("PRIMARY KEY ({})", column_list(meta, cols)),
        ConstraintKind::Unique(cols) => format!("UNIQUE ({})", column_list(meta, cols)),
        ConstraintKind::Check { text, .. } if pretty => format!("CHECK ({})", unwrap_parens(text)),
        ConstraintKind::Check { text, .. } => format!("CHECK (({}))", unwrap_parens(text)),
        ConstraintKind::ForeignKey {
            cols,
            ref_table,
            ref_cols,
            on_delete,
            on_update,
        } => {
            let (target, target_cols) = match catalog.table(*ref_table) {
                Some(t) => (regclass(&t.meta), column_list(&t.meta, ref_cols)),
                None => (String::new(), String::new()),
            };
            let mut def = format!(
                "FOREIGN KEY ({}) REFERENCES {target}({target_cols})",
                column_list(meta, cols)
            );
            for (clause, action) in [("ON UPDATE", on_update), ("ON DELETE", on_delete)] {
                if *action != FkAction::NoAction {
                    def.push_str(&format!(" {clause} {}", action.sql()));
                }
            }
            def
        }
    }
}

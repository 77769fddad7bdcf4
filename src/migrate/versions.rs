//! The `alembic_version` table: creating it, the statements that move it (Alembic's
//! `HeadMaintainer`: insert for a new branch, update along a line, delete and update at a
//! merge, insert and update when unmerging), and running statements in the command's
//! transaction.

use crate::sql::Session;

use super::error::Error;
use super::graph::Graph;
use super::script::Script;

pub(super) fn exec(session: &mut Session, sql: &str) -> Result<(), Error> {
    session
        .execute(sql)
        .map(|_| ())
        .map_err(|e| Error::database(&e, sql))
}

pub(super) fn ensure_version_table(session: &mut Session) -> Result<(), Error> {
    if session
        .catalog()
        .relation("public", "alembic_version")
        .is_none()
    {
        exec(
            session,
            "\nCREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)\n\n",
        )?;
    }
    Ok(())
}

/// A statement as `--sql` prints it: tabs as four spaces, stripped, `;` and a blank line.
pub(super) fn static_sql(sql: &str) -> String {
    format!("{};\n\n", sql.replace('\t', "    ").trim())
}

pub(super) fn insert_version(rev: &str) -> String {
    format!("INSERT INTO alembic_version (version_num) VALUES ('{rev}') RETURNING alembic_version.version_num")
}

pub(super) fn update_version(from: &str, to: &str) -> String {
    format!("UPDATE alembic_version SET version_num='{to}' WHERE alembic_version.version_num = '{from}'")
}

pub(super) fn delete_version(rev: &str) -> String {
    format!("DELETE FROM alembic_version WHERE alembic_version.version_num = '{rev}'")
}

/// The `alembic_version` statements after upgrading through `s` (Alembic's HeadMaintainer).
pub(super) fn bookkeeping_up(graph: &Graph, heads: &mut Vec<String>, s: &Script) -> Vec<String> {
    let present: Vec<String> = s
        .down_revisions
        .iter()
        .filter(|d| heads.contains(d))
        .cloned()
        .collect();
    let mut sql = Vec::new();
    match present.as_slice() {
        [] => {
            sql.push(insert_version(&s.revision));
            heads.push(s.revision.clone());
        }
        [one] => {
            sql.push(update_version(one, &s.revision));
            if let Some(h) = heads.iter_mut().find(|h| *h == one) {
                *h = s.revision.clone();
            }
        }
        many => {
            let (last, rest) = many.split_last().unwrap_or((&many[0], &[]));
            for d in rest {
                sql.push(delete_version(d));
                heads.retain(|h| h != d);
            }
            sql.push(update_version(last, &s.revision));
            if let Some(h) = heads.iter_mut().find(|h| *h == last) {
                *h = s.revision.clone();
            }
        }
    }
    let _ = graph;
    sql
}

/// The `alembic_version` statements after downgrading `s`.
pub(super) fn bookkeeping_down(graph: &Graph, heads: &mut Vec<String>, s: &Script) -> Vec<String> {
    let others: Vec<String> = heads
        .iter()
        .filter(|h| **h != s.revision)
        .cloned()
        .collect();
    let to: Vec<String> = s
        .down_revisions
        .iter()
        .filter(|d| {
            if others.is_empty() {
                !s.down_revisions
                    .iter()
                    .any(|o| o != *d && graph.is_ancestor(d, o))
            } else {
                !others.iter().any(|o| graph.is_ancestor(d, o))
            }
        })
        .cloned()
        .collect();
    let mut sql = Vec::new();
    match to.split_first() {
        None => {
            sql.push(delete_version(&s.revision));
            heads.retain(|h| *h != s.revision);
        }
        Some((first, rest)) => {
            // Alembic inserts the other parents before it updates the merge's row.
            for r in rest {
                sql.push(insert_version(r));
                heads.push(r.clone());
            }
            sql.push(update_version(&s.revision, first));
            if let Some(h) = heads.iter_mut().find(|h| **h == s.revision) {
                *h = first.clone();
            }
        }
    }
    sql
}

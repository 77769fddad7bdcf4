//! [`Cluster`]: the databases of one PostgreSQL server.
//!
//! Invariant: database names are unique; a new cluster has `postgres`, `template0` and
//! `template1`, like one made by `initdb`.

use std::collections::BTreeMap;

use super::ast::Statement;
use super::error::{Notice, SqlError, SqlState};
use super::parser;
use super::session::{QueryResult, Session, TxStatus};

/// The databases of one server, each with its own session (one connection per database).
#[derive(Clone, Debug)]
pub struct Cluster {
    databases: BTreeMap<String, Session>,
}

impl Default for Cluster {
    fn default() -> Self {
        let mut databases = BTreeMap::new();
        for name in ["postgres", "template0", "template1"] {
            databases.insert(name.to_string(), Session::with_database(name));
        }
        Cluster { databases }
    }
}

impl Cluster {
    /// A cluster with the three initial databases.
    pub fn new() -> Self {
        Self::default()
    }

    /// CREATE DATABASE (42P04 if the name is taken).
    pub fn create_database(&mut self, name: &str) -> Result<(), SqlError> {
        if self.databases.contains_key(name) {
            return Err(SqlError::duplicate_database(name));
        }
        self.databases
            .insert(name.to_string(), Session::with_database(name));
        Ok(())
    }

    /// DROP DATABASE (3D000 if it does not exist).
    pub fn drop_database(&mut self, name: &str) -> Result<(), SqlError> {
        match self.databases.remove(name) {
            Some(_) => Ok(()),
            None => Err(SqlError::undefined_database(name)),
        }
    }

    /// Database names in order.
    pub fn database_names(&self) -> Vec<String> {
        self.databases.keys().cloned().collect()
    }

    /// The session of a database.
    pub fn session(&self, name: &str) -> Option<&Session> {
        self.databases.get(name)
    }

    /// The session of a database, mutable.
    pub fn session_mut(&mut self, name: &str) -> Option<&mut Session> {
        self.databases.get_mut(name)
    }

    /// Runs one statement on database `current` the way a server does: CREATE DATABASE and
    /// DROP DATABASE act on the cluster (with PostgreSQL's errors), anything else goes to that
    /// database's session. 3D000 if `current` does not exist.
    pub fn execute(&mut self, current: &str, sql: &str) -> Result<QueryResult, SqlError> {
        let state = match self.databases.get(current) {
            Some(s) => s.in_transaction(),
            None => return Err(SqlError::undefined_database(current)),
        };
        let in_block = state == TxStatus::InTransaction;
        // Only database commands are handled here; parse errors, and everything inside an
        // aborted transaction (25P02), are left to the session.
        let stmt = if state == TxStatus::Failed {
            None
        } else {
            parser::parse(sql).ok()
        };
        match stmt {
            Some(Statement::CreateDatabase(name)) if !in_block => {
                self.create_database(&name)?;
                Ok(QueryResult::tag("CREATE DATABASE"))
            }
            Some(Statement::DropDatabase { name, if_exists }) if !in_block => {
                if name == current {
                    return Err(SqlError::new(
                        SqlState::ObjectInUse,
                        "cannot drop the currently open database",
                    ));
                }
                if !self.databases.contains_key(&name) && if_exists {
                    let mut r = QueryResult::tag("DROP DATABASE");
                    r.notices.push(Notice::new_notice(format!(
                        "database \"{name}\" does not exist, skipping"
                    )));
                    return Ok(r);
                }
                self.drop_database(&name)?;
                Ok(QueryResult::tag("DROP DATABASE"))
            }
            Some(Statement::CreateDatabase(_)) | Some(Statement::DropDatabase { .. }) => {
                let word = if matches!(stmt, Some(Statement::CreateDatabase(_))) {
                    "CREATE DATABASE"
                } else {
                    "DROP DATABASE"
                };
                let session = self
                    .databases
                    .get_mut(current)
                    .ok_or_else(|| SqlError::undefined_database(current))?;
                // Inside a block the command fails and aborts the transaction, like any error.
                let e = SqlError::inside_transaction_block(word);
                session.abort_with(e.clone());
                Err(e)
            }
            _ => match self.databases.get_mut(current) {
                Some(s) => s.execute(sql),
                None => Err(SqlError::undefined_database(current)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_commands_act_on_the_cluster() {
        let mut c = Cluster::new();
        assert_eq!(c.database_names(), ["postgres", "template0", "template1"]);
        assert_eq!(
            c.execute("postgres", "CREATE DATABASE app;").map(|r| r.tag),
            Ok("CREATE DATABASE".into())
        );
        assert_eq!(
            c.execute("postgres", "CREATE DATABASE app")
                .map_err(|e| e.code()),
            Err("42P04")
        );
        c.execute("app", "CREATE TABLE t (id int)")
            .expect("create table");
        assert_eq!(
            c.execute("app", "DROP DATABASE app").map_err(|e| e.code()),
            Err("55006")
        );
        assert_eq!(
            c.execute("postgres", "DROP DATABASE nope")
                .map_err(|e| e.message),
            Err("database \"nope\" does not exist".into())
        );
        c.execute("postgres", "BEGIN").expect("begin");
        assert_eq!(
            c.execute("postgres", "CREATE DATABASE x")
                .map_err(|e| e.code()),
            Err("25001")
        );
        assert_eq!(
            c.session("postgres").map(|s| s.in_transaction()),
            Some(TxStatus::Failed)
        );
        c.execute("postgres", "ROLLBACK").expect("rollback");
        assert_eq!(
            c.execute("postgres", "DROP DATABASE app").map(|r| r.tag),
            Ok("DROP DATABASE".into())
        );
        assert!(c.session("app").is_none());
    }
}

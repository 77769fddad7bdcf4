//! [`Cluster`]: the databases of one PostgreSQL server.
//!
//! Invariant: database names are unique; a new cluster has `postgres`, `template0` and
//! `template1`, like one made by `initdb`.

use std::collections::BTreeMap;

use super::error::SqlError;
use super::session::Session;

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
}

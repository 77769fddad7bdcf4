//! Bound column defaults kept between INSERTs: binding a table's DEFAULT expressions (e.g.
//! `nextval('users_id_seq'::regclass)`, a name lookup and a function resolution) is the same
//! work for every INSERT until the catalog's definitions change.
//!
//! Invariant: the [`Catalog`](super::catalog::Catalog) that owns a cache clears it at every
//! change of definitions (each DDL undo step, and each such step rolled back), so an entry is
//! only ever read against the definitions it was bound with. Binding reads only the catalog and
//! the search path, both part of the key; failed bindings are not kept.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::catalog::TableId;
use super::plan::BExpr;

/// Which defaults: the table, the columns whose default is needed, and the search path.
type CacheKey = (TableId, Vec<bool>, Vec<String>);

/// Bound defaults by table, needed columns and search path.
#[derive(Clone, Default)]
pub struct DefaultsCache {
    entries: BTreeMap<CacheKey, Arc<Vec<BExpr>>>,
}

impl fmt::Debug for DefaultsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DefaultsCache({} entries)", self.entries.len())
    }
}

impl DefaultsCache {
    /// The defaults bound earlier for this table, columns and search path.
    pub fn get(
        &self,
        table: TableId,
        needed: &[bool],
        search_path: &[String],
    ) -> Option<Arc<Vec<BExpr>>> {
        // Keys are few (one per table and INSERT shape): a scan avoids building a key.
        self.entries
            .iter()
            .find(|((t, n, p), _)| *t == table && n == needed && p == search_path)
            .map(|(_, v)| Arc::clone(v))
    }

    /// Keeps freshly bound defaults.
    pub fn put(
        &mut self,
        table: TableId,
        needed: &[bool],
        search_path: &[String],
        defaults: Arc<Vec<BExpr>>,
    ) {
        // A bound on the size: shapes of INSERT are few, but never let the cache grow freely.
        if self.entries.len() >= 64 {
            self.entries.clear();
        }
        self.entries
            .insert((table, needed.to_vec(), search_path.to_vec()), defaults);
    }

    /// Forgets every entry (definitions changed).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use crate::sql::Session;

    fn column(s: &mut Session, sql: &str) -> Vec<Option<String>> {
        let rows = s.execute(sql).expect(sql).rows.unwrap_or_default();
        rows.into_iter().map(|mut r| r.remove(0)).collect()
    }

    #[test]
    fn defaults_follow_changes_of_definitions_and_their_rollback() {
        let mut s = Session::default();
        for sql in [
            "CREATE TABLE t (a int DEFAULT 1, b int)",
            "INSERT INTO t (b) VALUES (1)",
            "ALTER TABLE t ALTER COLUMN a SET DEFAULT 2",
            "INSERT INTO t (b) VALUES (2)",
            "BEGIN",
            "ALTER TABLE t ALTER COLUMN a SET DEFAULT 3",
            "INSERT INTO t (b) VALUES (3)",
            "ROLLBACK",
            "INSERT INTO t (b) VALUES (4)",
            "ALTER TABLE t ALTER COLUMN a DROP DEFAULT",
            "INSERT INTO t (b) VALUES (5)",
        ] {
            s.execute(sql).expect(sql);
        }
        let a = column(&mut s, "SELECT a FROM t ORDER BY b");
        let want = [Some("1"), Some("2"), Some("2"), None];
        assert_eq!(a, want.map(|v| v.map(String::from)).to_vec());
    }

    #[test]
    fn defaults_are_bound_again_for_another_search_path() {
        let mut s = Session::default();
        for sql in [
            "CREATE SCHEMA other",
            "CREATE SEQUENCE q",
            "CREATE SEQUENCE other.q START 100",
            "CREATE TABLE t (a bigint DEFAULT nextval('q'), b int)",
            "INSERT INTO t (b) VALUES (1)",
            "SET search_path = other, public",
            "INSERT INTO t (b) VALUES (2)",
            "RESET search_path",
            "INSERT INTO t (b) VALUES (3)",
        ] {
            s.execute(sql).expect(sql);
        }
        // The default is bound with the search path of each INSERT, as before the cache.
        let mut fresh = Session::default();
        for sql in [
            "CREATE SCHEMA other",
            "CREATE SEQUENCE q",
            "CREATE SEQUENCE other.q START 100",
            "CREATE TABLE t (a bigint DEFAULT nextval('q'), b int)",
            "INSERT INTO t (b) VALUES (1)",
            "SET search_path = other, public",
        ] {
            fresh.execute(sql).expect(sql);
        }
        let second = column(&mut fresh, "INSERT INTO t (b) VALUES (2) RETURNING a");
        let got = column(&mut s, "SELECT a FROM t ORDER BY b");
        assert_eq!(got[1], second[0]);
        assert_eq!(got[0].as_deref(), Some("1"));
        assert_eq!(got[2].as_deref(), Some("2"));
    }
}

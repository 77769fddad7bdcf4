//! Unique-index data: key → row id.
//!
//! A hash table whose entries keep their key's hash, so growing the table moves entries
//! without reading their keys again (a text key is a pointer away), and lookups can probe
//! with a row's borrowed values instead of a cloned [`Key`]. The hasher is fixed (no seed from
//! the host), so behaviour is deterministic; the table is only probed, never iterated into
//! output.
//!
//! Invariant: keys are hashed by [`Key`]'s `Hash`, which agrees with its equality
//! ([`Value::total_cmp`]), and no two entries hold equal keys.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{BuildHasher, Hasher};

use foldhash::fast::FixedState;
use hashbrown::HashTable;

use super::catalog::RowId;
use super::types::{hash_value, Key, Value};

/// The fixed hasher state every index uses.
const STATE: FixedState = FixedState::with_seed(0x5343_4845_4d41_4c42);

#[derive(Clone)]
struct Entry {
    hash: u64,
    key: Key,
    rid: RowId,
}

/// A unique index's data: key → row.
#[derive(Clone, Default)]
pub struct UniqueIndex {
    table: HashTable<Entry>,
}

impl fmt::Debug for UniqueIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UniqueIndex({} keys)", self.table.len())
    }
}

/// The hash of a key given as its parts, equal to the hash of the [`Key`] holding them.
fn hash_parts<'a>(parts: impl Iterator<Item = &'a Value>) -> u64 {
    let mut h = STATE.build_hasher();
    for v in parts {
        hash_value(v, &mut h);
    }
    h.finish()
}

impl UniqueIndex {
    /// The hash a key is stored under.
    pub fn hash(key: &Key) -> u64 {
        hash_parts(key.0.iter())
    }

    /// The row holding `key`.
    pub fn get(&self, key: &Key) -> Option<&RowId> {
        self.get_hashed(Self::hash(key), key)
    }

    /// The row holding `key`, whose hash is `hash` ([`UniqueIndex::hash`]).
    pub fn get_hashed(&self, hash: u64, key: &Key) -> Option<&RowId> {
        self.table.find(hash, |e| e.key == *key).map(|e| &e.rid)
    }

    /// True when some row holds `key`.
    pub fn contains_key(&self, key: &Key) -> bool {
        self.get(key).is_some()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when no row has a key here.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Points `key` at `rid`, replacing the row it pointed at before.
    pub fn insert(&mut self, key: Key, rid: RowId) {
        let hash = Self::hash(&key);
        match self.table.entry(hash, |e| e.key == key, |e: &Entry| e.hash) {
            hashbrown::hash_table::Entry::Occupied(mut o) => o.get_mut().rid = rid,
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert(Entry { hash, key, rid });
            }
        }
    }

    /// Adds `key` (hashed to `hash`), which the caller has checked is absent.
    pub fn insert_new(&mut self, hash: u64, key: Key, rid: RowId) {
        self.table
            .insert_unique(hash, Entry { hash, key, rid }, |e: &Entry| e.hash);
    }

    /// Removes `key`, returning the row it pointed at.
    pub fn remove(&mut self, key: &Key) -> Option<RowId> {
        let hash = Self::hash(key);
        match self.table.find_entry(hash, |e| e.key == *key) {
            Ok(o) => Some(o.remove().0.rid),
            Err(_) => None,
        }
    }

    /// Removes every entry pointing at a row in `rids`, in one pass over the table.
    pub fn remove_rows(&mut self, rids: std::ops::RangeInclusive<RowId>) {
        self.table.retain(|e| !rids.contains(&e.rid));
    }

    /// The hash of the key made of `parts`, equal to [`UniqueIndex::hash`] of that key.
    pub fn hash_of_parts<'a>(parts: impl Iterator<Item = &'a Value>) -> u64 {
        hash_parts(parts)
    }

    /// True when some row holds the key made of `parts` (hashed to `hash`); the parts are
    /// borrowed, not copied.
    pub fn contains_parts<'a, I>(&self, hash: u64, parts: I) -> bool
    where
        I: Iterator<Item = &'a Value> + Clone,
    {
        let n = parts.clone().count();
        self.table
            .find(hash, |e| {
                e.key.0.len() == n
                    && e.key
                        .0
                        .iter()
                        .zip(parts.clone())
                        .all(|(a, b)| a.total_cmp(b) == Ordering::Equal)
            })
            .is_some()
    }

    /// Removes the key made of `parts` (none of them NULL) if it points at `rid`; the parts
    /// are borrowed from the row, not copied.
    pub fn remove_parts<'a, I>(&mut self, parts: I, rid: RowId)
    where
        I: Iterator<Item = &'a Value> + Clone,
    {
        let hash = hash_parts(parts.clone());
        let n = parts.clone().count();
        let same = |e: &Entry| {
            e.rid == rid
                && e.key.0.len() == n
                && e.key
                    .0
                    .iter()
                    .zip(parts.clone())
                    .all(|(a, b)| a.total_cmp(b) == Ordering::Equal)
        };
        if let Ok(o) = self.table.find_entry(hash, same) {
            o.remove();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::numeric::Decimal;

    fn key(vals: &[Value]) -> Key {
        Key(vals.to_vec())
    }

    #[test]
    fn insert_get_replace_remove() {
        let mut ix = UniqueIndex::default();
        let a = key(&[Value::Text("a@x".into())]);
        ix.insert(a.clone(), 1);
        assert_eq!(ix.get(&a), Some(&1));
        ix.insert(a.clone(), 2);
        assert_eq!((ix.get(&a), ix.len()), (Some(&2), 1));
        assert_eq!(ix.remove(&a), Some(2));
        assert!(ix.is_empty() && ix.remove(&a).is_none());
    }

    #[test]
    fn equal_numbers_of_other_representations_find_each_other() {
        let mut ix = UniqueIndex::default();
        ix.insert(key(&[Value::Int(1)]), 7);
        let one = Value::Numeric(Decimal::parse("1.00").unwrap().unwrap());
        assert_eq!(ix.get(&key(std::slice::from_ref(&one))), Some(&7));
        // Removal by borrowed parts checks the row it points at.
        ix.remove_parts([&one].into_iter(), 8);
        assert_eq!(ix.len(), 1);
        ix.remove_parts([&one].into_iter(), 7);
        assert!(ix.is_empty());
    }

    #[test]
    fn growing_keeps_every_key() {
        let mut ix = UniqueIndex::default();
        for i in 0..5000 {
            let k = key(&[Value::Text(format!("user{i}")), Value::Int(i)]);
            let h = UniqueIndex::hash(&k);
            assert!(ix.get_hashed(h, &k).is_none());
            ix.insert_new(h, k, i as RowId);
        }
        for i in (0..5000).rev() {
            let parts = [Value::Text(format!("user{i}")), Value::Int(i)];
            assert_eq!(ix.get(&key(&parts)), Some(&(i as RowId)));
            ix.remove_parts(parts.iter(), i as RowId);
        }
        assert!(ix.is_empty());
    }
}

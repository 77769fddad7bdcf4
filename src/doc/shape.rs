//! Shapes: the distinct top-level field sets of a collection, for the document explorer.
//! This is the journal's mess made visible: which documents look alike, which fields change
//! type from one document to the next, and which names are probably typos of each other.

use std::collections::BTreeMap;

use super::store::Store;
use super::value::Value;

/// One field of a shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeField {
    /// The field name.
    pub name: String,
    /// The BSON types this field has in the documents of this shape, sorted, never empty.
    pub types: Vec<String>,
    /// True when the field has more than one BSON type across the whole collection.
    pub type_varies: bool,
    /// Other field names in the collection that look like typos of this one (close in edit
    /// distance, a swap of two letters counting as one edit),
    /// such as `name`/`nmae`; sorted.
    pub similar_to: Vec<String>,
}

/// A distinct set of top-level field names and how many documents have exactly it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Fields in the order of the first document with this shape.
    pub fields: Vec<ShapeField>,
    /// Number of documents with this shape; at least 1.
    pub count: i64,
}

impl Store {
    /// The shapes of a collection, most common first (ties in order of first appearance).
    pub fn shapes(&self, db: &str, coll: &str) -> Vec<Shape> {
        let docs = self.documents(db, coll);
        let mut all_types: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in &docs {
            for (k, v) in d.iter() {
                let t = type_label(v);
                let e = all_types.entry(k.clone()).or_default();
                if !e.contains(&t) {
                    e.push(t);
                }
            }
        }
        let names: Vec<String> = all_types.keys().cloned().collect();
        // Key: the sorted field names; value: (first index, field order, per-field types, count).
        let mut groups: BTreeMap<Vec<String>, Group> = BTreeMap::new();
        for (i, d) in docs.iter().enumerate() {
            let mut key: Vec<String> = d.keys().map(str::to_string).collect();
            crate::sorting::sort(&mut key);
            let g = groups.entry(key).or_insert_with(|| {
                (
                    i,
                    d.keys().map(str::to_string).collect(),
                    BTreeMap::new(),
                    0,
                )
            });
            g.3 += 1;
            for (k, v) in d.iter() {
                let t = type_label(v);
                let e = g.2.entry(k.clone()).or_default();
                if !e.contains(&t) {
                    e.push(t);
                }
            }
        }
        let mut shapes: Vec<(usize, Shape)> = groups
            .into_values()
            .map(|(first, order, types, count)| {
                let fields = order
                    .into_iter()
                    .map(|name| {
                        let mut t = types.get(&name).cloned().unwrap_or_default();
                        crate::sorting::sort(&mut t);
                        let similar_to = names
                            .iter()
                            .filter(|other| **other != name && similar(&name, other))
                            .cloned()
                            .collect();
                        ShapeField {
                            type_varies: all_types.get(&name).is_some_and(|t| t.len() > 1),
                            types: t,
                            similar_to,
                            name,
                        }
                    })
                    .collect();
                (first, Shape { fields, count })
            })
            .collect();
        crate::sorting::sort_by(&mut shapes, |a, b| {
            b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0))
        });
        shapes.into_iter().map(|(_, s)| s).collect()
    }
}

/// First document index, field order, per-field types and document count of one shape.
type Group = (usize, Vec<String>, BTreeMap<String, Vec<String>>, i64);

fn type_label(v: &Value) -> String {
    v.to_stored().type_name().to_string()
}

/// Whether two field names look like typos of each other: case-insensitive optimal string
/// alignment distance (a transposition counts as one edit) of at most 2, or at most 1 when the
/// shorter name has four characters or fewer (so `age`/`name` are not flagged). Names that
/// differ only in case (`Name`/`name`) are similar; otherwise names shorter than three
/// characters are never flagged.
pub fn similar(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    if a == b {
        return true;
    }
    if a.len().min(b.len()) < 3 || a.len().abs_diff(b.len()) > 2 || a.len().max(b.len()) > 64 {
        return false;
    }
    let limit = if a.len().min(b.len()) <= 4 { 1 } else { 2 };
    osa_distance(&a, &b) <= limit
}

fn osa_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_flagged() {
        assert!(similar("name", "nmae"));
        assert!(similar("email", "emial"));
        assert!(similar("phone_number", "phone_numbr"));
        assert!(!similar("name", "age"));
        assert!(!similar("_id", "id"));
        assert!(!similar("city", "country"));
    }
}

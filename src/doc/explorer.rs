//! The document explorer's view model: databases → collections, each with its document
//! count, indexes, whether a validator guards it, and its shapes. Plain data with public
//! fields; the UI only draws it.

use std::fmt;

use super::shape::Shape;
use super::store::Store;

/// One database in the explorer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseView {
    /// The database name.
    pub name: String,
    /// Its size as `show dbs` reports it, in bytes.
    pub size_on_disk: i64,
    /// Its collections, sorted by name.
    pub collections: Vec<CollectionView>,
}

/// One collection in the explorer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionView {
    /// The collection name.
    pub name: String,
    /// Number of documents.
    pub count: i64,
    /// Index names, `_id_` first.
    pub indexes: Vec<String>,
    /// Whether the collection has a validator (`createCollection` with `validator`).
    pub validated: bool,
    /// The distinct shapes of its documents, most common first.
    pub shapes: Vec<Shape>,
}

impl Store {
    /// The user databases that exist (built-in `admin`, `config` and `local` are left out),
    /// with their collections.
    pub fn explorer(&self) -> Vec<DatabaseView> {
        let sizes = self.database_sizes();
        self.database_names()
            .into_iter()
            .map(|db| DatabaseView {
                size_on_disk: sizes.iter().find(|(n, _)| *n == db).map_or(0, |(_, s)| *s),
                collections: self
                    .collection_names(&db)
                    .into_iter()
                    .map(|c| CollectionView {
                        count: self.documents(&db, &c).len() as i64,
                        indexes: self.indexes(&db, &c).into_iter().map(|i| i.name).collect(),
                        validated: self.validator(&db, &c).is_some(),
                        shapes: self.shapes(&db, &c),
                        name: c,
                    })
                    .collect(),
                name: db,
            })
            .collect()
    }
}

impl fmt::Display for DatabaseView {
    /// An ASCII tree: the database, its collections and their shapes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.name)?;
        for c in &self.collections {
            let guard = if c.validated { " (validated)" } else { "" };
            writeln!(f, "  {} — {} documents{guard}", c.name, c.count)?;
            for s in &c.shapes {
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .map(|field| {
                        let mut t = format!("{}: {}", field.name, field.types.join("|"));
                        if field.type_varies {
                            t.push_str(" (type varies)");
                        }
                        if !field.similar_to.is_empty() {
                            t.push_str(&format!(" (like {})", field.similar_to.join(", ")));
                        }
                        t
                    })
                    .collect();
                writeln!(f, "    {} × {{ {} }}", s.count, fields.join(", "))?;
            }
        }
        Ok(())
    }
}

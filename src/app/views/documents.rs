//! The document explorer: databases → collections → documents in mongosh's
//! notation, and each collection's shapes — the journal's mess made visible.

use std::fmt;

use crate::doc::{inspect, InspectOptions, Shape, Store, Value};

/// How many documents of a collection the explorer shows.
pub const DOCUMENT_LIMIT: usize = 100;

/// The MongoDB server of one machine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentsView {
    /// Databases that hold at least one collection, by name.
    pub databases: Vec<DocDatabase>,
}

/// One database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocDatabase {
    /// Its name.
    pub name: String,
    /// Its collections, by name.
    pub collections: Vec<Collection>,
}

/// One collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    /// Its name.
    pub name: String,
    /// The first [`DOCUMENT_LIMIT`] documents, each as mongosh prints it.
    pub documents: Vec<String>,
    /// How many documents it holds.
    pub count: usize,
    /// Its distinct field sets, most common first.
    pub shapes: Vec<Shape>,
    /// True when it has a `$jsonSchema` validator (MongoDB enforcing a shape on request).
    pub validated: bool,
}

impl Collection {
    /// Field names that look like typos of one another (`name` / `nmae`).
    pub fn near_duplicates(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .shapes
            .iter()
            .flat_map(|s| s.fields.iter())
            .flat_map(|f| {
                f.similar_to
                    .iter()
                    .filter(move |other| f.name < **other)
                    .map(move |other| (f.name.clone(), other.clone()))
            })
            .collect();
        crate::sorting::sort(&mut pairs);
        pairs.dedup();
        pairs
    }

    /// Fields whose type differs between documents.
    pub fn mixed_types(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .shapes
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| f.type_varies)
            .map(|f| f.name.clone())
            .collect();
        crate::sorting::sort(&mut names);
        names.dedup();
        names
    }
}

impl DocumentsView {
    /// The view of a MongoDB server: the store's own explorer model
    /// ([`Store::explorer`]) with the documents in mongosh's notation added.
    pub fn of(store: &Store) -> Self {
        let databases = store
            .explorer()
            .into_iter()
            .map(|db| DocDatabase {
                collections: db
                    .collections
                    .into_iter()
                    .map(|c| Collection {
                        documents: store
                            .documents(&db.name, &c.name)
                            .iter()
                            .take(DOCUMENT_LIMIT)
                            .map(|d| {
                                inspect(&Value::Document(d.to_shell()), InspectOptions::simple())
                            })
                            .collect(),
                        count: usize::try_from(c.count).unwrap_or(0),
                        shapes: c.shapes,
                        validated: c.validated,
                        name: c.name,
                    })
                    .collect(),
                name: db.name,
            })
            .collect();
        DocumentsView { databases }
    }
}

impl fmt::Display for DocumentsView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "mongod localhost:27017")?;
        for db in &self.databases {
            writeln!(f, "└─ {}", db.name)?;
            for c in &db.collections {
                writeln!(
                    f,
                    "   └─ {} ({} documents, {} shapes)",
                    c.name,
                    c.count,
                    c.shapes.len()
                )?;
                for shape in &c.shapes {
                    let fields: Vec<String> = shape
                        .fields
                        .iter()
                        .map(|field| format!("{}: {}", field.name, field.types.join("|")))
                        .collect();
                    writeln!(f, "      {} × {{ {} }}", shape.count, fields.join(", "))?;
                }
                for (a, b) in c.near_duplicates() {
                    writeln!(f, "      ! {a} / {b} look like the same field")?;
                }
                for name in c.mixed_types() {
                    writeln!(f, "      ! {name} has more than one type")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentsView;
    use crate::world::World;

    #[test]
    fn shapes_show_the_journal_s_mess() {
        let mut world = World::default();
        world.run("mongosh");
        for line in [
            "db.users.insertOne({name: 'Ada', age: 36})",
            "db.users.insertOne({name: 'Grace', age: '85'})",
            "db.users.insertOne({nmae: 'Linus'})",
        ] {
            world.run(line);
        }
        let view = DocumentsView::of(&world.machine().mongo);
        let text = view.to_string();
        let users = &view.databases[0].collections[0];
        assert_eq!(users.count, 3);
        assert_eq!(users.shapes.len(), 2, "{text}");
        assert_eq!(
            users.near_duplicates(),
            [("name".to_string(), "nmae".to_string())]
        );
        assert_eq!(users.mixed_types(), ["age"]);
        assert!(
            users.documents[0].contains("age: 36 }"),
            "{}",
            users.documents[0]
        );
        assert!(
            text.contains("! name / nmae look like the same field"),
            "{text}"
        );
    }
}

//! Journal vs Form: one action applied to MongoDB (the journal: anything is
//! written down) and to PostgreSQL (the form: only what the schema allows),
//! side by side, with what each choice costs later.
//!
//! The comparison runs in its own small sandbox (a document store and one
//! database), not in the learner's world, so a class can step through it
//! from the start at any time.

use crate::doc::{self, Shell, Store, Value};
use crate::sql::{QueryResult, Session, SqlError};
use crate::world::psql::format::{self, Table};

/// One scripted step of the story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the step does, in a few words.
    pub title: &'static str,
    /// The line typed into mongosh.
    pub mongo: &'static str,
    /// The statement typed into psql.
    pub sql: &'static str,
    /// What each world's answer costs later.
    pub cost: &'static str,
}

/// The story, in order (the seed's "journal vs government form").
pub const STEPS: &[Step] = &[
    Step {
        title: "Save a user",
        mongo: r#"db.users.insertOne({name: "Ada", email: "ada@example.com"})"#,
        sql: "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com');",
        cost: "Both accept a user that fits the form. The difference shows when the data does not fit.",
    },
    Step {
        title: "A user with an extra field, age",
        mongo: r#"db.users.insertOne({name: "Grace", email: "grace@example.com", age: 85})"#,
        sql: "INSERT INTO users (name, email, age) VALUES ('Grace', 'grace@example.com', 85);",
        cost: "MongoDB wrote it down: from now on some users have an age and some do not, and every reader must cope. PostgreSQL refuses until the form has an age column: a migration, once, for every row.",
    },
    Step {
        title: "Write to a collection / table that does not exist",
        mongo: r#"db.customer.insertOne({name: "Linus", email: "linus@example.com"})"#,
        sql: "INSERT INTO customer (name, email) VALUES ('Linus', 'linus@example.com');",
        cost: "A typo in a collection name silently starts a second collection: Linus is now invisible to every query on users. PostgreSQL says the relation does not exist.",
    },
    Step {
        title: "A typo in a field name",
        mongo: r#"db.users.insertOne({nmae: "Alan", email: "alan@example.com"})"#,
        sql: "INSERT INTO users (nmae, email) VALUES ('Alan', 'alan@example.com');",
        cost: "MongoDB keeps nmae: the users collection now has a new shape, and queries on name will never find Alan. PostgreSQL names the column that does not exist.",
    },
    Step {
        title: "The form changes: a migration adds age",
        mongo: r#"db.users.countDocuments({age: {$exists: true}})"#,
        sql: "ALTER TABLE users ADD COLUMN age integer;",
        cost: "In PostgreSQL the change is one reviewed statement, and every row now has an age (NULL until known). In MongoDB there is nothing to run: only some documents have age, and only the code knows what the others mean.",
    },
    Step {
        title: "A string where a number belongs",
        mongo: r#"db.users.insertOne({name: "Edsger", email: "edsger@example.com", age: "seventy"})"#,
        sql: "INSERT INTO users (name, email, age) VALUES ('Edsger', 'edsger@example.com', 'seventy');",
        cost: "MongoDB stores a string in a field that held numbers; range queries and sums will skip or mis-sort it. PostgreSQL checks the type on the way in.",
    },
    Step {
        title: "A missing required field",
        mongo: r#"db.users.insertOne({name: "Barbara"})"#,
        sql: "INSERT INTO users (name) VALUES ('Barbara');",
        cost: "MongoDB accepts a user without an email; the code that sends mail finds out later. PostgreSQL shows the whole failing row.",
    },
    Step {
        title: "Later: who is older than 30?",
        mongo: r#"db.users.find({age: {$gt: 30}}, {_id: 0, name: 1, age: 1})"#,
        sql: "SELECT name, age FROM users WHERE age > 30;",
        cost: "The journal's answer silently leaves out Edsger (a string is not greater than 30) and everyone spelled nmae. The form's answer is complete for what it accepted.",
    },
];

/// The answers of both worlds to one action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// The step's title, or "Your action".
    pub title: String,
    /// The mongosh line.
    pub mongo: String,
    /// What mongosh printed.
    pub mongo_answer: String,
    /// False when mongosh printed an error.
    pub mongo_ok: bool,
    /// The SQL statement, empty when the action could not be translated.
    pub sql: String,
    /// What psql printed.
    pub sql_answer: String,
    /// False when PostgreSQL refused.
    pub sql_ok: bool,
    /// What it costs later (empty for the learner's own actions).
    pub cost: String,
}

/// The sandbox and the exchanges so far.
#[derive(Clone, Debug)]
pub struct Comparison {
    store: Store,
    shell: Shell,
    session: Session,
    /// Every exchange, in order.
    pub exchanges: Vec<Exchange>,
    /// How many scripted steps have run.
    pub next_step: usize,
}

/// The form: the table PostgreSQL has from the start.
pub const FORM: &str =
    "CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE NOT NULL);";

impl Default for Comparison {
    fn default() -> Self {
        let mut session = Session::new();
        // The form is part of the sandbox's definition; it cannot fail on a fresh database.
        let _ = session.execute(FORM);
        Comparison {
            store: Store::new(7),
            shell: Shell::new(),
            session,
            exchanges: Vec::new(),
            next_step: 0,
        }
    }
}

impl Comparison {
    /// The scripted step that comes next, if any.
    pub fn upcoming(&self) -> Option<&'static Step> {
        STEPS.get(self.next_step)
    }

    /// Runs the next scripted step in both worlds.
    pub fn step(&mut self) {
        let Some(step) = self.upcoming() else {
            return;
        };
        self.next_step += 1;
        let (mongo_answer, mongo_ok) = self.mongo(step.mongo);
        let (sql_answer, sql_ok) = self.sql(step.sql);
        self.exchanges.push(Exchange {
            title: step.title.to_string(),
            mongo: step.mongo.to_string(),
            mongo_answer,
            mongo_ok,
            sql: step.sql.to_string(),
            sql_answer,
            sql_ok,
            cost: step.cost.to_string(),
        });
    }

    /// The learner's own action: a document such as `{name: "Ada", age: 36}`,
    /// saved as a user in both worlds.
    pub fn save_user(&mut self, document: &str) {
        let mongo = format!("db.users.insertOne({})", document.trim());
        let before = self.store.documents("test", "users").len();
        let (mongo_answer, mongo_ok) = self.mongo(&mongo);
        let inserted = self.store.documents("test", "users");
        let (sql, sql_answer, sql_ok) =
            match inserted.get(before).filter(|_| inserted.len() > before) {
                Some(doc) => {
                    let sql = insert_statement(doc);
                    let (answer, ok) = self.sql(&sql);
                    (sql, answer, ok)
                }
                None => (
                    String::new(),
                    "(not run: the journal did not take the document either)".to_string(),
                    false,
                ),
            };
        self.exchanges.push(Exchange {
            title: "Your action".to_string(),
            mongo,
            mongo_answer,
            mongo_ok,
            sql,
            sql_answer,
            sql_ok,
            cost: String::new(),
        });
    }

    fn mongo(&mut self, line: &str) -> (String, bool) {
        match self.shell.run(&mut self.store, line) {
            Ok(outcome) => (outcome.output, true),
            Err(error) => (error.shell_text(), false),
        }
    }

    fn sql(&mut self, statement: &str) -> (String, bool) {
        match self.session.execute(statement) {
            Ok(result) => (psql_text(&result), true),
            Err(error) => (sql_error_text(&error, statement), false),
        }
    }
}

fn sql_error_text(error: &SqlError, statement: &str) -> String {
    error.psql_report(statement)
}

fn psql_text(result: &QueryResult) -> String {
    match &result.rows {
        Some(rows) => format::aligned(
            &Table {
                title: None,
                columns: result.columns.iter().map(|c| c.name.as_str()).collect(),
                right: result.columns.iter().map(|c| c.numeric).collect(),
                rows,
            },
            true,
        )
        .trim_end()
        .to_string(),
        None => result.tag.clone(),
    }
}

/// The INSERT that saves the same fields as a row (`_id` is MongoDB's own).
fn insert_statement(document: &doc::Document) -> String {
    let fields: Vec<&(String, Value)> = document.iter().filter(|(k, _)| k != "_id").collect();
    let columns: Vec<String> = fields.iter().map(|(k, _)| identifier(k)).collect();
    let values: Vec<String> = fields.iter().map(|(_, v)| literal(v)).collect();
    format!(
        "INSERT INTO users ({}) VALUES ({});",
        columns.join(", "),
        values.join(", ")
    )
}

fn identifier(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn literal(value: &Value) -> String {
    match value {
        Value::Null | Value::Undefined => "NULL".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Double(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Value::Double(f) => f.to_string(),
        Value::Int32(i) => i.to_string(),
        Value::Int64(i) => i.to_string(),
        Value::String(s) => format!("'{}'", s.replace('\'', "''")),
        other => {
            let text = doc::inspect(other, doc::InspectOptions::simple());
            format!("'{}'", text.replace('\'', "''"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_story_runs_to_its_end() {
        let mut c = Comparison::default();
        while c.upcoming().is_some() {
            c.step();
        }
        let oks: Vec<(bool, bool)> = c.exchanges.iter().map(|e| (e.mongo_ok, e.sql_ok)).collect();
        assert_eq!(
            oks,
            [
                (true, true),
                (true, false),
                (true, false),
                (true, false),
                (true, true),
                (true, false),
                (true, false),
                (true, true),
            ]
        );
        assert!(c.exchanges[1]
            .sql_answer
            .starts_with("ERROR:  column \"age\" of relation \"users\" does not exist"));
        assert!(c.exchanges[5]
            .sql_answer
            .contains("invalid input syntax for type integer: \"seventy\""));
        let last = &c.exchanges[7];
        assert!(last.mongo_answer.contains("Grace") && !last.mongo_answer.contains("Edsger"));
    }

    #[test]
    fn a_learner_s_document_is_translated_to_a_row() {
        let mut c = Comparison::default();
        c.save_user(r#"{name: "Ada", email: "a@x", favourite_colour: "green"}"#);
        let e = &c.exchanges[0];
        assert!(e.mongo_ok);
        assert_eq!(
            e.sql,
            "INSERT INTO users (name, email, favourite_colour) VALUES ('Ada', 'a@x', 'green');"
        );
        assert!(!e.sql_ok);
        c.save_user("{name: ");
        assert!(!c.exchanges[1].mongo_ok);
        assert!(c.exchanges[1].sql.is_empty());
    }
}

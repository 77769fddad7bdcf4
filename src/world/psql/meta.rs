//! psql's backslash commands: `\q \x \conninfo \l \c \dn \dt \d \d NAME \di
//! \ds \? \r \g`, formatted as psql 15 formats them.

use super::format::{self, Table};
use super::{connection_error, Client, Flow, SOCKET};
use crate::sql::Cluster;
use crate::sql::{column_list, constraint_def, regclass, Catalog, ConstraintKind, Relation};
use crate::world::output::{Output, Stream};

impl Client {
    /// Runs one meta-command (the text after the backslash).
    pub(super) fn meta(&mut self, cluster: &mut Cluster, command: &str, out: &mut Output) -> Flow {
        let words = split_words(command);
        let name = words.first().copied().unwrap_or_default();
        let args: Vec<&str> = words.iter().skip(1).copied().collect();
        match name {
            "q" => return Flow::Quit,
            "x" => {
                self.expanded = match args.first().copied() {
                    Some("on") => true,
                    Some("off") => false,
                    _ => !self.expanded,
                };
                let state = if self.expanded { "on" } else { "off" };
                out.push(Stream::Stdout, &format!("Expanded display is {state}.\n"));
            }
            "conninfo" => out.push(
                Stream::Stdout,
                &format!(
                    "You are connected to database \"{}\" as user \"{}\" via socket in \"{}\" at port \"5432\".\n",
                    self.database,
                    self.user,
                    SOCKET.trim_end_matches("/.s.PGSQL.5432"),
                ),
            ),
            "l" | "list" => {
                let text = self.list_databases(cluster);
                out.push(Stream::Stdout, &text);
            }
            "c" | "connect" => self.connect(cluster, args.first().copied(), out),
            "r" | "reset" => {
                self.scanner.reset();
                out.push(Stream::Stdout, "Query buffer reset (cleared).\n");
            }
            "g" | "gx" => {
                let statement = std::mem::take(&mut self.scanner.buffer);
                self.scanner.reset();
                if !statement.trim().is_empty() {
                    let expanded = self.expanded;
                    self.expanded |= name == "gx";
                    self.run_sql(cluster, statement.trim(), out);
                    self.expanded = expanded;
                }
            }
            "?" => out.push(Stream::Stdout, &self.help()),
            "dn" | "dt" | "di" | "ds" | "d" => {
                let Some(session) = cluster.session(&self.database) else {
                    return Flow::Continue;
                };
                let catalog = session.catalog();
                let text = match (name, args.first()) {
                    ("dn", _) => list_schemas(catalog, &self.user),
                    ("d", Some(target)) => describe(catalog, target),
                    (kind, pattern) => list_relations(catalog, kind, &self.user, pattern.copied()),
                };
                match text {
                    Ok(text) => out.push(Stream::Stdout, &text),
                    Err(text) => out.push(Stream::Stderr, &text),
                }
            }
            _ => out.push(
                Stream::Stderr,
                &format!("invalid command \\{name}\nTry \\? for help.\n"),
            ),
        }
        Flow::Continue
    }

    /// `\?`: psql 15's help on backslash commands, with the current settings filled in.
    fn help(&self) -> String {
        HELP.replace("@EXPANDED@", if self.expanded { "on" } else { "off" })
            .replace("@DATABASE@", &self.database)
    }

    fn connect(&mut self, cluster: &mut Cluster, target: Option<&str>, out: &mut Output) {
        let target = target.unwrap_or(&self.database).to_string();
        if cluster.session(&target).is_none() {
            let error = connection_error(&target);
            let message = error.trim_start_matches("psql: error: ");
            out.push(
                Stream::Stderr,
                &format!("{message}Previous connection kept\n"),
            );
            return;
        }
        self.disconnect(cluster);
        self.database = target;
        self.scanner.reset();
        out.push(
            Stream::Stdout,
            &format!(
                "You are now connected to database \"{}\" as user \"{}\".\n",
                self.database, self.user
            ),
        );
    }

    fn list_databases(&self, cluster: &Cluster) -> String {
        let rows: Vec<Vec<Option<String>>> = cluster
            .database_names()
            .into_iter()
            .map(|name| {
                let privileges = if name.starts_with("template") {
                    format!("=c/{0}\n{0}=CTc/{0}", self.user)
                } else {
                    String::new()
                };
                vec![
                    Some(name),
                    Some(self.user.clone()),
                    Some("UTF8".into()),
                    Some("C.UTF-8".into()),
                    Some("C.UTF-8".into()),
                    Some(String::new()),
                    Some("libc".into()),
                    Some(privileges),
                ]
            })
            .collect();
        let table = Table {
            title: Some("List of databases"),
            columns: vec![
                "Name",
                "Owner",
                "Encoding",
                "Collate",
                "Ctype",
                "ICU Locale",
                "Locale Provider",
                "Access privileges",
            ],
            right: vec![false; 8],
            rows: &rows,
        };
        if self.expanded {
            format!("List of databases\n{}", format::expanded(&table))
        } else {
            format::aligned(&table, true)
        }
    }
}

fn list_schemas(catalog: &Catalog, user: &str) -> Result<String, String> {
    let rows: Vec<Vec<Option<String>>> = catalog
        .schema_names()
        .into_iter()
        .filter(|s| !s.starts_with("pg_") && s != "information_schema")
        .map(|s| {
            let owner = if s == "public" {
                "pg_database_owner"
            } else {
                user
            };
            vec![Some(s), Some(owner.to_string())]
        })
        .collect();
    Ok(format::aligned(
        &Table {
            title: Some("List of schemas"),
            columns: vec!["Name", "Owner"],
            right: vec![false, false],
            rows: &rows,
        },
        true,
    ))
}

/// `\d`, `\dt`, `\di`, `\ds`: relations of the schemas on the search path.
fn list_relations(
    catalog: &Catalog,
    kind: &str,
    user: &str,
    pattern: Option<&str>,
) -> Result<String, String> {
    let globs = pattern.map(name_pattern);
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    for schema_name in catalog.schema_names() {
        let Some(schema) = catalog.schema(&schema_name) else {
            continue;
        };
        let wanted_schema = match &globs {
            Some((Some(g), _)) => {
                glob_matches(g, &chars(&schema_name))
                    && !schema_name.starts_with("pg_")
                    && schema_name != "information_schema"
            }
            _ => schema_name == "public",
        };
        if !wanted_schema {
            continue;
        }
        for (name, relation) in &schema.relations {
            if let Some((_, g)) = &globs {
                if !glob_matches(g, &chars(name)) {
                    continue;
                }
            }
            let (type_name, table) = match relation {
                Relation::Table(_) => ("table", None),
                Relation::Sequence(_) => ("sequence", None),
                Relation::Index(id) => ("index", catalog.table(*id).map(|t| t.meta.name.clone())),
            };
            let wanted = match kind {
                "dt" => type_name == "table",
                "di" => type_name == "index",
                "ds" => type_name == "sequence",
                _ => type_name != "index",
            };
            if !wanted {
                continue;
            }
            let mut row = vec![
                Some(schema_name.clone()),
                Some(name.clone()),
                Some(type_name.to_string()),
                Some(user.to_string()),
            ];
            if kind == "di" {
                row.push(table);
            }
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return Err(match pattern {
            Some(p) => format!("Did not find any relation named \"{p}\".\n"),
            None => "Did not find any relations.\n".to_string(),
        });
    }
    let mut columns = vec!["Schema", "Name", "Type", "Owner"];
    if kind == "di" {
        columns.push("Table");
    }
    let right = vec![false; columns.len()];
    Ok(format::aligned(
        &Table {
            title: Some("List of relations"),
            columns,
            right,
            rows: &rows,
        },
        true,
    ))
}

/// A meta-command's words: split at blanks outside double quotes, which are kept (psql
/// leaves them for the pattern, where they protect case and wildcards).
fn split_words(command: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, c) in command.char_indices() {
        if c == '"' {
            quoted = !quoted;
        }
        if c.is_whitespace() && !quoted {
            if let Some(s) = start.take() {
                words.push(&command[s..i]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(&command[s..]);
    }
    words
}

/// One character of a psql name pattern.
#[derive(Clone, Copy, PartialEq)]
enum Glob {
    Char(char),
    /// `*`
    Any,
    /// `?`
    One,
}

/// psql's `processSQLNamePattern`: `[schema.]name` where unquoted letters fold to lower
/// case, `*` and `?` are wildcards, and double quotes keep case and wildcards literal.
fn name_pattern(pattern: &str) -> (Option<Vec<Glob>>, Vec<Glob>) {
    let mut parts = vec![Vec::new()];
    let mut quoted = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        let part = parts.last_mut().expect("one part");
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                part.push(Glob::Char('"'));
            }
            '"' => quoted = !quoted,
            c if quoted => part.push(Glob::Char(c)),
            '.' => parts.push(Vec::new()),
            '*' => part.push(Glob::Any),
            '?' => part.push(Glob::One),
            c => part.extend(c.to_lowercase().map(Glob::Char)),
        }
    }
    let name = parts.pop().unwrap_or_default();
    (parts.pop(), name)
}

fn glob_matches(glob: &[Glob], text: &[char]) -> bool {
    match glob.split_first() {
        None => text.is_empty(),
        Some((Glob::Any, rest)) => (0..=text.len()).any(|i| glob_matches(rest, &text[i..])),
        Some((Glob::One, rest)) => !text.is_empty() && glob_matches(rest, &text[1..]),
        Some((Glob::Char(c), rest)) => text.first() == Some(c) && glob_matches(rest, &text[1..]),
    }
}

/// `\d PATTERN`: every table the pattern names (without a schema, those visible through
/// the search path), each described in turn.
fn describe(catalog: &Catalog, target: &str) -> Result<String, String> {
    let (schema_glob, name_glob) = name_pattern(target);
    let chars = |s: &str| s.chars().collect::<Vec<char>>();
    let mut found = Vec::new();
    for schema_name in catalog.schema_names() {
        let wanted_schema = match &schema_glob {
            Some(g) => glob_matches(g, &chars(&schema_name)),
            None => schema_name == "public",
        };
        let Some(schema) = catalog.schema(&schema_name).filter(|_| wanted_schema) else {
            continue;
        };
        for (name, relation) in &schema.relations {
            if let Relation::Table(id) = relation {
                if glob_matches(&name_glob, &chars(name)) {
                    found.push((schema_name.clone(), name.clone(), *id));
                }
            }
        }
    }
    crate::sorting::sort(&mut found);
    if found.is_empty() {
        return Err(format!("Did not find any relation named \"{target}\".\n"));
    }
    let mut text = String::new();
    for (_, _, id) in found {
        text.push_str(&describe_table(catalog, id)?);
    }
    Ok(text)
}

/// A table's columns, indexes and constraints.
fn describe_table(catalog: &Catalog, id: u32) -> Result<String, String> {
    let not_found = || "Did not find the relation.\n".to_string();
    let table = catalog.table(id).ok_or_else(not_found)?;
    let meta = &table.meta;
    let rows: Vec<Vec<Option<String>>> = meta
        .columns
        .iter()
        .map(|c| {
            vec![
                Some(c.name.clone()),
                Some(c.ty.display()),
                Some(String::new()),
                Some(if c.not_null { "not null" } else { "" }.to_string()),
                Some(
                    c.default
                        .as_ref()
                        .map(|d| d.text.clone())
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect();
    let title = format!("Table \"{}.{}\"", meta.schema, meta.name);
    let mut text = format::aligned(
        &Table {
            title: Some(&title),
            columns: vec!["Column", "Type", "Collation", "Nullable", "Default"],
            right: vec![false; 5],
            rows: &rows,
        },
        false,
    );
    // The aligned table ends with a blank line; the footers go before it.
    text.pop();

    let mut indexes: Vec<(bool, String, String)> = meta
        .indexes
        .iter()
        .map(|index| {
            let constraint = meta.constraints.iter().any(|c| c.name == index.name);
            let kind = match (index.primary, index.unique, constraint) {
                (true, _, _) => "PRIMARY KEY, ",
                (false, true, true) => "UNIQUE CONSTRAINT, ",
                (false, true, false) => "UNIQUE, ",
                _ => "",
            };
            (
                !index.primary,
                index.name.clone(),
                format!(
                    "    \"{}\" {kind}btree ({})",
                    index.name,
                    column_list(meta, &index.columns)
                ),
            )
        })
        .collect();
    crate::sorting::sort(&mut indexes);
    section(
        &mut text,
        "Indexes:",
        indexes.into_iter().map(|(_, _, l)| l).collect(),
    );

    let mut checks: Vec<String> = meta
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::Check { .. } => Some(format!(
                "    \"{}\" {}",
                c.name,
                constraint_def(catalog, meta, c, true)
            )),
            _ => None,
        })
        .collect();
    crate::sorting::sort(&mut checks);
    section(&mut text, "Check constraints:", checks);

    let mut foreign: Vec<String> = meta
        .constraints
        .iter()
        .filter(|c| matches!(c.kind, ConstraintKind::ForeignKey { .. }))
        .map(|c| {
            format!(
                "    \"{}\" {}",
                c.name,
                constraint_def(catalog, meta, c, true)
            )
        })
        .collect();
    crate::sorting::sort(&mut foreign);
    section(&mut text, "Foreign-key constraints:", foreign);

    let mut referenced: Vec<String> = catalog
        .referencing(id)
        .into_iter()
        .filter_map(|(from, constraint)| {
            let from = catalog.table(from)?;
            let def = constraint_def(catalog, &from.meta, &constraint, true);
            Some(format!(
                "    TABLE \"{}\" CONSTRAINT \"{}\" {def}",
                regclass(&from.meta),
                constraint.name
            ))
        })
        .collect();
    crate::sorting::sort(&mut referenced);
    section(&mut text, "Referenced by:", referenced);
    text.push('\n');
    Ok(text)
}

fn section(text: &mut String, heading: &str, lines: Vec<String>) {
    if lines.is_empty() {
        return;
    }
    text.push_str(heading);
    text.push('\n');
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
}

/// psql 15's `\\?` text, recorded from psql (tests/fidelity/psql/sessions/help.out), with
/// `@EXPANDED@` and `@DATABASE@` standing for the settings it reports.
const HELP: &str = include_str!("help.txt");

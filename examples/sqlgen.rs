//! A seeded generator of valid and invalid SQL sessions for differential testing against a
//! real PostgreSQL 15 (`make record-pg` generates, then records them; `tests/fidelity_pg.rs`
//! replays the recordings).
//!
//! Each scenario is a small random but meaningful session: tables with varied types and
//! constraints, inserts that succeed or violate one constraint, type errors, updates and
//! deletes with `RETURNING`, queries (joins, aggregates, grouping, subqueries, functions),
//! `ALTER TABLE` variants that succeed or fail, transactions with errors and savepoints,
//! unknown names and mutated syntax. The generator keeps a rough model of the schema so most
//! statements make sense; the recording, not the model, is the ground truth.
//!
//! Deterministic: the same seed writes the same file, byte for byte.
//!
//! ```text
//! cargo run --example sqlgen -- OUT_DIR [FIRST_SEED] [FILES] [STATEMENTS]
//! ```
//! writes `OUT_DIR/3NN_gen_seed<seed>.sql` (defaults: seed 1, 10 files, 100 statements).

use std::fmt::Write as _;
use std::{env, fs, path::PathBuf, process};

/// SplitMix64: tiny, seedable, identical on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..=hi` (`lo` when the range is empty).
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi < lo {
            return lo;
        }
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// Column types the sessions use.
#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Int,
    BigInt,
    SmallInt,
    Text,
    Varchar(u32),
    Numeric(u32, u32),
    Bool,
    Date,
    Timestamp,
    Uuid,
}

impl Ty {
    fn sql(self) -> String {
        match self {
            Ty::Int => "integer".into(),
            Ty::BigInt => "bigint".into(),
            Ty::SmallInt => "smallint".into(),
            Ty::Text => "text".into(),
            Ty::Varchar(n) => format!("varchar({n})"),
            Ty::Numeric(p, s) => format!("numeric({p},{s})"),
            Ty::Bool => "boolean".into(),
            Ty::Date => "date".into(),
            Ty::Timestamp => "timestamp".into(),
            Ty::Uuid => "uuid".into(),
        }
    }
    fn numeric(self) -> bool {
        matches!(self, Ty::Int | Ty::BigInt | Ty::SmallInt | Ty::Numeric(..))
    }
    fn stringy(self) -> bool {
        matches!(self, Ty::Text | Ty::Varchar(_))
    }
}

#[derive(Clone)]
struct Col {
    name: String,
    ty: Ty,
    not_null: bool,
    unique: bool,
    /// `CHECK (col >= 0)` for numbers, `CHECK (length(col) > 1)` for strings.
    check: bool,
    default: Option<String>,
}

#[derive(Clone)]
struct Table {
    name: String,
    serial: bool,
    cols: Vec<Col>,
    /// (column, parent table) of the foreign key, if any.
    fk: Option<(String, String)>,
    /// Ids given so far (serial or explicit); used to aim updates, deletes and duplicates.
    ids: i64,
    /// Values inserted into unique columns, to aim duplicates.
    used: Vec<(String, String)>,
}

const NAMES: &[&str] = &[
    "authors",
    "books",
    "customers",
    "orders",
    "teams",
    "players",
    "courses",
    "students",
    "projects",
    "tasks",
    "shops",
    "items",
    "cities",
    "sensors",
    "readings",
    "invoices",
];
const COLS: &[&str] = &[
    "title",
    "name",
    "label",
    "code",
    "qty",
    "price",
    "score",
    "rank",
    "active",
    "born",
    "created_at",
    "token",
    "note",
    "total",
    "level",
    "city",
    "email",
    "weight",
];
const WORDS: &[&str] = &[
    "alpha", "Bravo", "charlie", "delta", "Echo", "fox", "golf", "hotel", "india", "juliet",
    "kilo", "Lima", "mike", "nov", "oscar", "papa", "x", "ab", "zeta", "omega",
];

struct Gen {
    rng: Rng,
    tables: Vec<Table>,
    out: Vec<String>,
    /// Syntax mutations of recently generated valid statements.
    recent: Vec<String>,
    fresh: u32,
}

impl Gen {
    fn emit(&mut self, s: String) {
        debug_assert!(s.ends_with(';') && !s.contains('\n'));
        if self.recent.len() > 8 {
            self.recent.remove(0);
        }
        self.recent.push(s.clone());
        self.out.push(s);
    }

    fn fresh_name(&mut self, base: &str) -> String {
        self.fresh += 1;
        format!("{base}{}", self.fresh)
    }

    // ---- values -------------------------------------------------------------------------

    fn word(&mut self, max: u32) -> String {
        let w = *self.rng.pick(WORDS);
        let mut s = if self.rng.chance(40) {
            format!("{w}_{}", self.rng.range(1, 99))
        } else {
            w.to_string()
        };
        s.truncate(max.max(2) as usize);
        s
    }

    /// A literal that fits the column (type, length, check).
    fn valid(&mut self, c: &Col) -> String {
        match c.ty {
            Ty::Int | Ty::BigInt => self.rng.range(0, 500).to_string(),
            Ty::SmallInt => self.rng.range(0, 90).to_string(),
            Ty::Numeric(p, s) => {
                let int_digits = (p - s).min(4);
                let whole = self.rng.range(0, 10i64.pow(int_digits) - 1);
                if s == 0 {
                    whole.to_string()
                } else {
                    let frac = self.rng.range(0, 10i64.pow(s + 1) - 1);
                    format!("{whole}.{frac:0width$}", width = (s + 1) as usize)
                }
            }
            Ty::Text => format!("'{}'", self.word(20)),
            Ty::Varchar(n) => format!("'{}'", self.word(n)),
            Ty::Bool => (*self.rng.pick(&["true", "false", "'yes'", "'f'", "TRUE"])).into(),
            Ty::Date => format!(
                "'2024-{:02}-{:02}'",
                self.rng.range(1, 12),
                self.rng.range(1, 28)
            ),
            Ty::Timestamp => format!(
                "'2024-{:02}-{:02} {:02}:{:02}:00'",
                self.rng.range(1, 12),
                self.rng.range(1, 28),
                self.rng.range(0, 23),
                self.rng.range(0, 59)
            ),
            Ty::Uuid => {
                let a = self.rng.next();
                let b = self.rng.next();
                format!(
                    "'{:08x}-{:04x}-{:04x}-{:04x}-{:012x}'",
                    a >> 32,
                    (a >> 16) & 0xffff,
                    a & 0xffff,
                    b >> 48,
                    b & 0xffff_ffff_ffff
                )
            }
        }
    }

    /// A value the column's type rejects (bad text, overflow, too long, wrong type).
    fn invalid(&mut self, c: &Col) -> String {
        let opts: Vec<String> = match c.ty {
            Ty::Int => vec![
                "'abc'".into(),
                "'12.5'".into(),
                "3000000000".into(),
                "' 7x'".into(),
                "true".into(),
            ],
            Ty::BigInt => vec!["'9223372036854775808'".into(), "'1e3'".into(), "'-'".into()],
            Ty::SmallInt => vec!["70000".into(), "'-40000'".into(), "'ten'".into()],
            Ty::Numeric(p, s) => vec![
                format!("{}", 10i64.pow(p - s)),
                "'x1'".into(),
                "'1.2.3'".into(),
                "'NaNa'".into(),
            ],
            Ty::Text => vec!["'it''s'".into(), "E'tab\\there'".into(), "42".into()],
            Ty::Varchar(n) => vec![
                format!("'{}'", "w".repeat(n as usize + 3)),
                format!("'{}  '", "v".repeat(n as usize)),
            ],
            Ty::Bool => vec!["'maybe'".into(), "2".into(), "'tru'".into()],
            Ty::Date => vec![
                "'2024-02-30'".into(),
                "'2023-13-01'".into(),
                "'someday'".into(),
                "'2024/1/5'".into(),
                "20240105".into(),
            ],
            Ty::Timestamp => vec![
                "'2024-01-01 25:00:00'".into(),
                "'2024-01-01T10:00:00'".into(),
                "'noon'".into(),
            ],
            Ty::Uuid => vec![
                "'not-a-uuid'".into(),
                "'1234'".into(),
                "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'".into(),
                "1".into(),
            ],
        };
        self.rng.pick(&opts).clone()
    }

    // ---- DDL ----------------------------------------------------------------------------

    fn create_table(&mut self, parent: Option<usize>) {
        let base = *self.rng.pick(NAMES);
        let name = if self.tables.iter().any(|t| t.name == base) {
            self.fresh_name(base)
        } else {
            base.to_string()
        };
        let serial = self.rng.chance(70);
        let mut cols = Vec::new();
        let n = self.rng.range(2, 5);
        let types = [
            Ty::Int,
            Ty::BigInt,
            Ty::SmallInt,
            Ty::Text,
            Ty::Varchar(self.rng.range(3, 12) as u32),
            Ty::Numeric(self.rng.range(4, 8) as u32, self.rng.range(0, 2) as u32),
            Ty::Bool,
            Ty::Date,
            Ty::Timestamp,
            Ty::Uuid,
            Ty::Text,
            Ty::Int,
        ];
        for _ in 0..n {
            let cname = (*self.rng.pick(COLS)).to_string();
            if cols.iter().any(|c: &Col| c.name == cname) {
                continue;
            }
            let ty = *self.rng.pick(&types);
            let not_null = self.rng.chance(35);
            let unique = !matches!(ty, Ty::Bool) && self.rng.chance(20);
            let check = (ty.numeric() || ty.stringy()) && self.rng.chance(30);
            let mut c = Col {
                name: cname,
                ty,
                not_null,
                unique,
                check,
                default: None,
            };
            if !unique && self.rng.chance(25) {
                c.default = Some(self.valid(&c));
            }
            cols.push(c);
        }
        let fk = parent.map(|p| {
            let pname = self.tables[p].name.clone();
            let col = format!("{}_id", pname.trim_end_matches('s'));
            (col, pname)
        });
        let mut defs = vec![if serial {
            "id serial PRIMARY KEY".to_string()
        } else {
            "id integer PRIMARY KEY".to_string()
        }];
        for c in &cols {
            let mut d = format!("{} {}", c.name, c.ty.sql());
            if c.not_null {
                d += " NOT NULL";
            }
            if let Some(v) = &c.default {
                let _ = write!(d, " DEFAULT {v}");
            }
            if c.unique {
                d += " UNIQUE";
            }
            if c.check {
                if c.ty.numeric() {
                    let _ = write!(d, " CHECK ({} >= 0)", c.name);
                } else {
                    let _ = write!(d, " CHECK (length({}) > 1)", c.name);
                }
            }
            defs.push(d);
        }
        if let Some((col, pname)) = &fk {
            let action = *self.rng.pick(&[
                "",
                " ON DELETE CASCADE",
                " ON DELETE SET NULL",
                " ON DELETE RESTRICT",
                " ON UPDATE CASCADE",
            ]);
            if self.rng.chance(50) {
                defs.push(format!("{col} integer REFERENCES {pname}{action}"));
            } else {
                defs.push(format!("{col} integer"));
                defs.push(format!(
                    "FOREIGN KEY ({col}) REFERENCES {pname} (id){action}"
                ));
            }
        }
        self.emit(format!("CREATE TABLE {name} ({});", defs.join(", ")));
        if let Some((col, _)) = &fk {
            cols.push(Col {
                name: col.clone(),
                ty: Ty::Int,
                not_null: false,
                unique: false,
                check: false,
                default: None,
            });
        }
        self.tables.push(Table {
            name,
            serial,
            cols,
            fk,
            ids: 0,
            used: Vec::new(),
        });
    }

    fn create_errors(&mut self) {
        let t = self.table();
        let stmt = match self.rng.range(0, 5) {
            0 => format!("CREATE TABLE {} (id integer);", t.name),
            1 => format!(
                "CREATE TABLE {} (a integr, b text);",
                self.fresh_name("tmp")
            ),
            2 => format!(
                "CREATE TABLE {} (a integer, A text);",
                self.fresh_name("tmp")
            ),
            3 => format!(
                "CREATE TABLE {} (id integer PRIMARY KEY, x integer PRIMARY KEY);",
                self.fresh_name("tmp")
            ),
            4 => format!(
                "CREATE TABLE {} (id integer, ref integer REFERENCES missing_table);",
                self.fresh_name("tmp")
            ),
            _ => format!("CREATE TABLE IF NOT EXISTS {} (id integer);", t.name),
        };
        self.emit(stmt);
    }

    // ---- helpers ------------------------------------------------------------------------

    fn table(&mut self) -> Table {
        let i = (self.rng.next() % self.tables.len() as u64) as usize;
        self.tables[i].clone()
    }
    fn table_index(&mut self) -> usize {
        (self.rng.next() % self.tables.len() as u64) as usize
    }
    fn col_where(&mut self, t: &Table, f: impl Fn(&Col) -> bool) -> Option<Col> {
        let cands: Vec<Col> = t.cols.iter().filter(|c| f(c)).cloned().collect();
        if cands.is_empty() {
            None
        } else {
            Some(self.rng.pick(&cands).clone())
        }
    }
    fn any_id(&mut self, t: &Table) -> i64 {
        self.rng.range(1, t.ids.max(1) + 1)
    }
    fn parent_ids(&self, t: &Table) -> i64 {
        t.fk.as_ref()
            .and_then(|(_, p)| self.tables.iter().find(|x| &x.name == p))
            .map_or(1, |p| p.ids.max(1))
    }

    // ---- INSERT -------------------------------------------------------------------------

    /// A row for `t`: (column list, values), optionally spoiled in one column by `spoil`.
    fn row(&mut self, ti: usize, spoil: Option<(&str, String)>) -> (Vec<String>, Vec<String>) {
        let t = self.tables[ti].clone();
        let (mut names, mut vals) = (Vec::new(), Vec::new());
        self.tables[ti].ids += 1;
        let id = self.tables[ti].ids;
        if !t.serial || spoil.as_ref().is_some_and(|(c, _)| *c == "id") {
            names.push("id".to_string());
            vals.push(match &spoil {
                Some((c, v)) if *c == "id" => v.clone(),
                _ => id.to_string(),
            });
        }
        let max_parent = self.parent_ids(&t);
        for c in &t.cols {
            if let Some((sc, v)) = &spoil {
                if *sc == c.name {
                    names.push(c.name.clone());
                    vals.push(v.clone());
                    continue;
                }
            }
            if !c.not_null && c.default.is_none() && self.rng.chance(15) {
                continue; // omitted: NULL
            }
            if c.default.is_some() && self.rng.chance(30) {
                continue; // omitted: default
            }
            let v = if t.fk.as_ref().is_some_and(|(fc, _)| *fc == c.name) {
                if self.rng.chance(15) {
                    "NULL".to_string()
                } else {
                    self.rng.range(1, max_parent).to_string()
                }
            } else if !c.not_null && self.rng.chance(10) {
                "NULL".to_string()
            } else {
                let v = self.valid(c);
                if c.unique {
                    // Make unique values unlikely to collide by accident.
                    let v = if c.ty.stringy() {
                        let short = if let Ty::Varchar(n) = c.ty {
                            n as usize
                        } else {
                            20
                        };
                        let mut s = format!("u{id}{}", self.word(8));
                        s.truncate(short.max(2));
                        format!("'{s}'")
                    } else if c.ty.numeric() {
                        (id * 7 % 90).to_string()
                    } else {
                        v
                    };
                    self.tables[ti].used.push((c.name.clone(), v.clone()));
                    v
                } else {
                    v
                }
            };
            names.push(c.name.clone());
            vals.push(v);
        }
        (names, vals)
    }

    fn insert_valid(&mut self) {
        let ti = self.table_index();
        let n = self.rng.range(1, 3);
        let mut rows = Vec::new();
        let mut names = Vec::new();
        for _ in 0..n {
            let (ns, vs) = self.row(ti, None);
            if !names.is_empty() && names != ns {
                break;
            }
            names = ns;
            rows.push(format!("({})", vs.join(", ")));
        }
        let t = &self.tables[ti];
        let returning = match self.rng.range(0, 5) {
            0 => " RETURNING id".to_string(),
            1 => " RETURNING *".to_string(),
            _ => String::new(),
        };
        let stmt = if names.is_empty() {
            format!("INSERT INTO {} DEFAULT VALUES{returning};", t.name)
        } else {
            format!(
                "INSERT INTO {} ({}) VALUES {}{returning};",
                t.name,
                names.join(", "),
                rows.join(", ")
            )
        };
        self.emit(stmt);
    }

    fn insert_violation(&mut self) {
        let ti = self.table_index();
        let t = self.tables[ti].clone();
        let kind = self.rng.range(0, 6);
        let spoil: Option<(String, String)> = match kind {
            0 => self
                .col_where(&t, |c| c.not_null)
                .map(|c| (c.name, "NULL".into())),
            1 => {
                if t.used.is_empty() {
                    None
                } else {
                    let (c, v) = self.rng.pick(&t.used).clone();
                    Some((c, v))
                }
            }
            2 => self.col_where(&t, |c| c.check).map(|c| {
                let v = if c.ty.numeric() {
                    "-5".into()
                } else {
                    "'a'".into()
                };
                (c.name, v)
            }),
            3 => t.fk.as_ref().map(|(c, _)| (c.clone(), "999".into())),
            4 if t.ids > 0 => Some(("id".into(), "1".into())),
            _ => {
                let c = self.rng.pick(&t.cols).clone();
                Some((c.name.clone(), self.invalid(&c)))
            }
        };
        let Some((col, v)) = spoil else {
            return self.insert_valid();
        };
        let (names, vals) = self.row(ti, Some((&col, v)));
        self.emit(format!(
            "INSERT INTO {} ({}) VALUES ({});",
            t.name,
            names.join(", "),
            vals.join(", ")
        ));
    }

    fn insert_shape_errors(&mut self) {
        let t = self.table();
        let c = self.rng.pick(&t.cols).clone();
        let stmt = match self.rng.range(0, 4) {
            0 => format!(
                "INSERT INTO {} ({}, nosuch) VALUES ({}, 1);",
                t.name,
                c.name,
                self.valid(&c)
            ),
            1 => format!(
                "INSERT INTO {} ({}) VALUES ({}, 1);",
                t.name,
                c.name,
                self.valid(&c)
            ),
            2 => format!(
                "INSERT INTO {} ({1}, {1}) VALUES (NULL, NULL);",
                t.name, c.name
            ),
            3 => format!("INSERT INTO {}s (id) VALUES (1);", t.name),
            _ => format!("INSERT INTO {} VALUES ();", t.name),
        };
        self.emit(stmt);
    }

    // ---- UPDATE / DELETE ----------------------------------------------------------------

    fn update(&mut self) {
        let ti = self.table_index();
        let t = self.tables[ti].clone();
        let c = self.rng.pick(&t.cols).clone();
        let id = self.any_id(&t);
        let value = match self.rng.range(0, 9) {
            0 if c.not_null => "NULL".to_string(),
            1 if c.ty.numeric() => format!("{} + 1", c.name),
            2 if c.ty.stringy() => format!("upper({})", c.name),
            3 if c.check => (if c.ty.numeric() { "-1" } else { "''" }).to_string(),
            4 => self.invalid(&c),
            5 if !t.used.is_empty() => {
                let (uc, v) = self.rng.pick(&t.used).clone();
                return self.emit(format!("UPDATE {} SET {uc} = {v} WHERE id = {id};", t.name));
            }
            6 if t.fk.is_some() => {
                let (fc, _) = t.fk.clone().unwrap_or_default();
                return self.emit(format!("UPDATE {} SET {fc} = 999 WHERE id = {id};", t.name));
            }
            7 => "DEFAULT".to_string(),
            _ => self.valid(&c),
        };
        let filter = if self.rng.chance(70) {
            format!("id = {id}")
        } else {
            self.predicate(&t)
        };
        let returning = if self.rng.chance(40) {
            format!(" RETURNING id, {}", c.name)
        } else {
            String::new()
        };
        self.emit(format!(
            "UPDATE {} SET {} = {value} WHERE {filter}{returning};",
            t.name, c.name
        ));
    }

    fn delete(&mut self) {
        let ti = self.table_index();
        let t = self.tables[ti].clone();
        let filter = if self.rng.chance(60) {
            format!("id = {}", self.any_id(&t))
        } else {
            self.predicate(&t)
        };
        let returning = match self.rng.range(0, 3) {
            0 => " RETURNING *",
            1 => " RETURNING id",
            _ => "",
        };
        self.emit(format!("DELETE FROM {} WHERE {filter}{returning};", t.name));
    }

    // ---- expressions --------------------------------------------------------------------

    fn predicate(&mut self, t: &Table) -> String {
        let c = self.rng.pick(&t.cols).clone();
        let base = match self.rng.range(0, 6) {
            0 => format!("{} IS NULL", c.name),
            1 => format!("{} IS NOT NULL", c.name),
            2 if c.ty.numeric() => {
                let a = self.rng.range(0, 100);
                format!("{} BETWEEN {a} AND {}", c.name, a + self.rng.range(0, 300))
            }
            3 if c.ty.stringy() => {
                let w = self.word(3);
                format!("{} LIKE '{}%'", c.name, &w[..1])
            }
            4 => {
                let (a, b) = (self.valid(&c), self.valid(&c));
                format!("{} IN ({a}, {b})", c.name)
            }
            _ => {
                let op = *self.rng.pick(&["=", "<>", "<", ">=", "!="]);
                let v = self.valid(&c);
                format!("{} {op} {v}", c.name)
            }
        };
        if self.rng.chance(25) {
            let other = format!("id > {}", self.rng.range(0, 4));
            let join = *self.rng.pick(&["AND", "OR"]);
            format!("({base}) {join} {other}")
        } else if self.rng.chance(10) {
            format!("NOT ({base})")
        } else {
            base
        }
    }

    /// A computed output expression over column `c`.
    fn expr(&mut self, c: &Col) -> String {
        let n = &c.name;
        let opts: Vec<String> = match c.ty {
            Ty::Int | Ty::BigInt | Ty::SmallInt => vec![
                format!("{n} + 1"),
                format!("{n} * 2"),
                format!("{n} / 3"),
                format!("{n} % 7"),
                format!("abs({n} - 100)"),
                format!("mod({n}, 4)"),
                format!("round({n}::numeric / 7, 2)"),
                format!("{n}::text"),
                format!("coalesce({n}, -1)"),
                format!("CASE WHEN {n} > 100 THEN 'big' ELSE 'small' END"),
                format!("greatest({n}, 50)"),
                format!("{n} * 1.5"),
            ],
            Ty::Numeric(..) => vec![
                format!("round({n}, 1)"),
                format!("{n} * 2"),
                format!("trunc({n})"),
                format!("ceil({n})"),
                format!("{n}::integer"),
                format!("{n} / 3"),
                format!("coalesce({n}, 0)"),
                format!("-{n}"),
            ],
            Ty::Text | Ty::Varchar(_) => vec![
                format!("upper({n})"),
                format!("length({n})"),
                format!("substr({n}, 1, 3)"),
                format!("{n} || '!'"),
                format!("concat({n}, '-', id)"),
                format!("replace({n}, 'a', 'o')"),
                format!("lpad({n}, 8, '*')"),
                format!("left({n}, 2)"),
                format!("coalesce({n}, 'none')"),
                format!("initcap({n})"),
                format!("{n}::varchar(3)"),
                format!("nullif({n}, 'fox')"),
            ],
            Ty::Bool => vec![
                format!("NOT {n}"),
                format!("CASE WHEN {n} THEN 'yes' WHEN NOT {n} THEN 'no' ELSE '?' END"),
                format!("{n}::text"),
                format!("{n} IS TRUE"),
                format!("coalesce({n}, false)"),
            ],
            Ty::Date => vec![
                format!("{n} + 30"),
                format!("{n} - DATE '2024-01-01'"),
                format!("{n}::text"),
                format!("{n} < '2024-06-01'"),
                format!("{n}::timestamp"),
            ],
            Ty::Timestamp => vec![
                format!("{n}::date"),
                format!("{n}::text"),
                format!("{n} > '2024-06-01'"),
            ],
            Ty::Uuid => vec![
                format!("{n}::text"),
                format!("upper({n}::text)"),
                format!("{n} IS NULL"),
            ],
        };
        let e = self.rng.pick(&opts).clone();
        if self.rng.chance(20) {
            format!("{e} AS v")
        } else {
            e
        }
    }

    // ---- SELECT -------------------------------------------------------------------------

    fn select(&mut self) {
        let t = self.table();
        let form = self.rng.range(0, 9);
        let stmt = match form {
            0 | 1 => {
                let mut outs = vec!["id".to_string()];
                for _ in 0..self.rng.range(1, 3) {
                    let c = self.rng.pick(&t.cols).clone();
                    outs.push(if self.rng.chance(40) {
                        c.name.clone()
                    } else {
                        self.expr(&c)
                    });
                }
                let filter = if self.rng.chance(60) {
                    format!(" WHERE {}", self.predicate(&t))
                } else {
                    String::new()
                };
                let dir = *self.rng.pick(&["", " DESC"]);
                let limit = match self.rng.range(0, 4) {
                    0 => format!(" LIMIT {}", self.rng.range(0, 3)),
                    1 => format!(
                        " LIMIT {} OFFSET {}",
                        self.rng.range(1, 3),
                        self.rng.range(0, 2)
                    ),
                    _ => String::new(),
                };
                format!(
                    "SELECT {} FROM {}{filter} ORDER BY id{dir}{limit};",
                    outs.join(", "),
                    t.name
                )
            }
            2 => {
                let mut outs = vec!["count(*)".to_string()];
                for c in t.cols.iter().take(3) {
                    outs.push(match c.ty {
                        Ty::Int | Ty::SmallInt | Ty::BigInt => {
                            (*self.rng.pick(&["sum", "avg", "max", "min"])).to_string()
                                + "("
                                + &c.name
                                + ")"
                        }
                        Ty::Numeric(..) => {
                            format!("{}({})", self.rng.pick(&["sum", "avg", "max"]), c.name)
                        }
                        Ty::Bool => format!("count({})", c.name),
                        _ => format!("{}({})", self.rng.pick(&["min", "max", "count"]), c.name),
                    });
                }
                let filter = if self.rng.chance(40) {
                    format!(" WHERE {}", self.predicate(&t))
                } else {
                    String::new()
                };
                format!("SELECT {} FROM {}{filter};", outs.join(", "), t.name)
            }
            3 => {
                let g = self.rng.pick(&t.cols).clone();
                let agg = match self.col_where(&t, |c| c.ty.numeric() && c.name != g.name) {
                    Some(n) => format!("sum({0}), max({0})", n.name),
                    None => "min(id)".to_string(),
                };
                let having = if self.rng.chance(40) {
                    format!(" HAVING count(*) > {}", self.rng.range(0, 1))
                } else {
                    String::new()
                };
                let nulls = *self
                    .rng
                    .pick(&["", " NULLS FIRST", " DESC", " DESC NULLS LAST"]);
                format!(
                    "SELECT {0}, count(*), {agg} FROM {1} GROUP BY {0}{having} ORDER BY {0}{nulls};",
                    g.name, t.name
                )
            }
            4 => {
                let c = self.rng.pick(&t.cols).clone();
                let nulls = *self.rng.pick(&["", " NULLS FIRST", " DESC"]);
                format!(
                    "SELECT DISTINCT {0} FROM {1} ORDER BY {0}{nulls};",
                    c.name, t.name
                )
            }
            5 | 6 => return self.join(),
            7 => {
                let c = self.rng.pick(&t.cols).clone();
                match self.rng.range(0, 2) {
                    0 => format!(
                        "SELECT id, {0} FROM {1} WHERE id = (SELECT max(id) FROM {1});",
                        c.name, t.name
                    ),
                    1 => format!(
                        "SELECT id, {0}, (SELECT count(*) FROM {1} x WHERE x.id < {1}.id) AS before FROM {1} ORDER BY id LIMIT 3;",
                        c.name, t.name
                    ),
                    _ => format!(
                        "SELECT count(*) FROM {1} WHERE {0} IN (SELECT {0} FROM {1} WHERE id <= 2);",
                        c.name, t.name
                    ),
                }
            }
            _ => return self.select_error(),
        };
        self.emit(stmt);
    }

    fn join(&mut self) {
        let children: Vec<Table> = self
            .tables
            .iter()
            .filter(|t| t.fk.is_some())
            .cloned()
            .collect();
        if children.is_empty() {
            return self.select_error();
        }
        let c = self.rng.pick(&children).clone();
        let (fk, pname) = c.fk.clone().unwrap_or_default();
        let Some(p) = self.tables.iter().find(|t| t.name == pname).cloned() else {
            return;
        };
        let pc = self.rng.pick(&p.cols).clone();
        let stmt = match self.rng.range(0, 5) {
            0 => format!(
                "SELECT c.id, p.{} FROM {} c JOIN {} p ON p.id = c.{fk} ORDER BY c.id;",
                pc.name, c.name, p.name
            ),
            1 => format!(
                "SELECT p.id, count(c.id) AS n FROM {} p LEFT JOIN {} c ON c.{fk} = p.id GROUP BY p.id ORDER BY p.id;",
                p.name, c.name
            ),
            2 => format!(
                "SELECT p.id FROM {} p WHERE NOT EXISTS (SELECT 1 FROM {} c WHERE c.{fk} = p.id) ORDER BY p.id;",
                p.name, c.name
            ),
            3 => format!("SELECT id, {} FROM {} JOIN {} ON {}.id = {fk} ORDER BY 1;", pc.name, c.name, p.name, p.name),
            _ => format!(
                "SELECT p.id, c.id FROM {} p LEFT JOIN {} c ON c.{fk} = p.id ORDER BY p.id, c.id NULLS FIRST;",
                p.name, c.name
            ),
        };
        self.emit(stmt);
    }

    /// Queries that fail: misspelled names (with hints), grouping, types, operators.
    fn select_error(&mut self) {
        let t = self.table();
        let c = self.rng.pick(&t.cols).clone();
        let misspelled = {
            let mut s = c.name.clone();
            if s.len() > 3 {
                s.remove(s.len() / 2);
            } else {
                s.push('x');
            }
            s
        };
        let stmt = match self.rng.range(0, 11) {
            0 => format!("SELECT {misspelled} FROM {};", t.name),
            1 => format!("SELECT * FROM {};", &t.name[..t.name.len() - 1]),
            2 => format!(
                "SELECT id, {1}, count(*) FROM {0} GROUP BY {1};",
                t.name, c.name
            ),
            3 if c.ty.numeric() => format!("SELECT id FROM {} WHERE {} = 'abc';", t.name, c.name),
            4 if c.ty.stringy() => format!("SELECT {} + 1 FROM {};", c.name, t.name),
            5 => format!("SELECT lenght({}) FROM {};", c.name, t.name),
            6 => format!("SELECT id FROM {} ORDER BY 5;", t.name),
            7 => format!("SELECT id / 0 FROM {} WHERE id = 1;", t.name),
            8 => format!("SELECT {}.{} FROM {} AS z;", t.name, c.name, t.name),
            9 => format!("SELECT sum({}) FROM {};", c.name, t.name),
            _ => format!("SELECT id FROM {} WHERE {};", t.name, c.name),
        };
        self.emit(stmt);
    }

    // ---- ALTER TABLE --------------------------------------------------------------------

    fn alter(&mut self) {
        let ti = self.table_index();
        let t = self.tables[ti].clone();
        let c = self.rng.pick(&t.cols).clone();
        let stmt = match self.rng.range(0, 14) {
            0 => {
                let name = self.fresh_name("extra");
                let ty = *self
                    .rng
                    .pick(&[Ty::Int, Ty::Text, Ty::Bool, Ty::Numeric(6, 2)]);
                let col = Col {
                    name: name.clone(),
                    ty,
                    not_null: false,
                    unique: false,
                    check: false,
                    default: None,
                };
                let def = if self.rng.chance(50) {
                    format!(" DEFAULT {}", self.valid(&col))
                } else {
                    String::new()
                };
                self.tables[ti].cols.push(col);
                format!(
                    "ALTER TABLE {} ADD COLUMN {name} {}{def};",
                    t.name,
                    ty.sql()
                )
            }
            1 => format!(
                "ALTER TABLE {} ADD COLUMN {} text NOT NULL;",
                t.name,
                self.fresh_name("req")
            ),
            2 => format!(
                "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL;",
                t.name, c.name
            ),
            3 => format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL;",
                t.name, c.name
            ),
            4 => format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {};",
                t.name,
                c.name,
                self.valid(&c)
            ),
            5 => format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT;",
                t.name, c.name
            ),
            6 => match self.col_where(&t, |c| {
                c.ty.stringy() || c.ty == Ty::Bool || c.ty == Ty::Date
            }) {
                Some(s) if self.rng.chance(50) => {
                    format!(
                        "ALTER TABLE {} ALTER COLUMN {} TYPE integer;",
                        t.name, s.name
                    )
                }
                Some(s) => format!(
                    "ALTER TABLE {} ALTER COLUMN {1} TYPE integer USING {1}::integer;",
                    t.name, s.name
                ),
                None => format!("ALTER TABLE {} ALTER COLUMN {} TYPE text;", t.name, c.name),
            },
            7 => match self.col_where(&t, |c| c.ty.stringy()) {
                Some(s) => format!(
                    "ALTER TABLE {} ALTER COLUMN {} TYPE varchar(3);",
                    t.name, s.name
                ),
                None => format!(
                    "ALTER TABLE {} ALTER COLUMN {} TYPE bigint;",
                    t.name, c.name
                ),
            },
            8 => {
                let new = self.fresh_name(&c.name);
                if let Some(col) = self.tables[ti].cols.iter_mut().find(|x| x.name == c.name) {
                    col.name = new.clone();
                }
                for (uc, _) in self.tables[ti].used.iter_mut() {
                    if *uc == c.name {
                        *uc = new.clone();
                    }
                }
                if let Some((fc, _)) = self.tables[ti].fk.as_mut() {
                    if *fc == c.name {
                        *fc = new.clone();
                    }
                }
                format!("ALTER TABLE {} RENAME COLUMN {} TO {new};", t.name, c.name)
            }
            9 => {
                let referenced = self
                    .tables
                    .iter()
                    .any(|x| x.fk.as_ref().is_some_and(|(_, p)| *p == t.name));
                if referenced {
                    format!("ALTER TABLE {} DROP COLUMN id;", t.name)
                } else {
                    format!("ALTER TABLE {} DROP COLUMN nosuch;", t.name)
                }
            }
            10 if c.ty.numeric() => format!(
                "ALTER TABLE {0} ADD CONSTRAINT {0}_{1}_small CHECK ({1} < {2});",
                t.name,
                c.name,
                self.rng.range(10, 300)
            ),
            11 => format!(
                "ALTER TABLE {0} ADD CONSTRAINT {0}_{1}_uniq UNIQUE ({1});",
                t.name, c.name
            ),
            12 => format!("ALTER TABLE {} ADD COLUMN {} integer;", t.name, c.name),
            _ => format!("ALTER TABLE {}x ADD COLUMN note text;", t.name),
        };
        self.emit(stmt);
    }

    // ---- transactions -------------------------------------------------------------------

    fn transaction(&mut self) {
        let begin = *self
            .rng
            .pick(&["BEGIN;", "START TRANSACTION;", "BEGIN TRANSACTION;"]);
        self.emit(begin.into());
        self.insert_valid();
        if self.rng.chance(50) {
            self.emit("SAVEPOINT sp1;".into());
            self.insert_violation();
            self.select();
            self.emit("ROLLBACK TO SAVEPOINT sp1;".into());
            self.update();
            if self.rng.chance(50) {
                self.emit("RELEASE SAVEPOINT sp1;".into());
            }
            let end = *self.rng.pick(&["COMMIT;", "ROLLBACK;", "END;"]);
            self.emit(end.into());
        } else {
            self.insert_violation();
            let t = self.table();
            self.emit(format!("SELECT count(*) FROM {};", t.name));
            let end = *self.rng.pick(&["COMMIT;", "ROLLBACK;"]);
            self.emit(end.into());
        }
        if self.rng.chance(20) {
            let stray = *self.rng.pick(&[
                "COMMIT;",
                "ROLLBACK;",
                "SAVEPOINT sp2;",
                "RELEASE SAVEPOINT sp1;",
            ]);
            self.emit(stray.into());
        }
    }

    // ---- other objects and types ----------------------------------------------------------

    /// Schemas, sequences, indexes, jsonb, char(n) and floating point, TRUNCATE and DROP …
    /// CASCADE: each call writes a short self-contained group of statements.
    fn objects(&mut self) {
        let n = self.fresh;
        self.fresh += 1;
        let t = self.table();
        let c = self.rng.pick(&t.cols).clone();
        match self.rng.range(0, 9) {
            0 => {
                let s = format!("s{n}");
                self.emit(format!("CREATE SCHEMA {s};"));
                self.emit(format!(
                    "CREATE TABLE {s}.{} (id integer PRIMARY KEY, v text);",
                    t.name
                ));
                self.emit(format!("INSERT INTO {s}.{} VALUES (1, 'in {s}');", t.name));
                self.emit(format!("SELECT * FROM {s}.{};", t.name));
                if self.rng.chance(50) {
                    self.emit(format!("DROP SCHEMA {s};"));
                }
                let drop = *self.rng.pick(&[
                    "DROP SCHEMA {s} CASCADE;",
                    "DROP SCHEMA IF EXISTS {s} CASCADE;",
                ]);
                self.emit(drop.replace("{s}", &s));
            }
            1 => {
                let q = format!("seq{n}");
                let start = self.rng.range(1, 50);
                self.emit(format!("CREATE SEQUENCE {q} START {start};"));
                self.emit(format!("SELECT currval('{q}');"));
                self.emit(format!("SELECT nextval('{q}'), nextval('{q}');"));
                let v = self.rng.range(1, 90);
                self.emit(format!("SELECT setval('{q}', {v}), currval('{q}');"));
                self.emit(format!("SELECT nextval('{q}x');"));
                self.emit(format!("DROP SEQUENCE {q};"));
            }
            2 => {
                let idx = format!("{}_{}_idx{n}", t.name, c.name);
                let unique = if self.rng.chance(50) { "UNIQUE " } else { "" };
                self.emit(format!(
                    "CREATE {unique}INDEX {idx} ON {} ({});",
                    t.name, c.name
                ));
                self.emit(format!("CREATE INDEX {idx} ON {} (id);", t.name));
                self.emit(format!(
                    "CREATE INDEX IF NOT EXISTS {idx} ON {} (id);",
                    t.name
                ));
                self.emit(format!("DROP INDEX {idx};"));
                self.emit(format!("DROP INDEX IF EXISTS {idx};"));
            }
            3 => {
                let j = format!("docs{n}");
                self.emit(format!(
                    "CREATE TABLE {j} (id serial PRIMARY KEY, body jsonb NOT NULL);"
                ));
                let docs = [
                    r#"'{"name": "ann", "tags": ["a", "b"], "age": 31}'"#,
                    r#"'{"name": "bob", "age": null, "nested": {"k": 1}}'"#,
                    r#"'{"b": 2, "a": 1, "a": 3}'"#,
                    r#"'[1, 2, {"x": true}]'"#,
                    r#"'{"name": 'bad'}'"#,
                    r#"'{"unterminated": '"#,
                    "'42'",
                ];
                for _ in 0..self.rng.range(2, 4) {
                    let d = *self.rng.pick(&docs);
                    self.emit(format!("INSERT INTO {j} (body) VALUES ({d});"));
                }
                let q = *self.rng.pick(&[
                    "SELECT id, body->>'name', body->'age', body->'tags'->0 FROM {j} ORDER BY id;",
                    "SELECT id FROM {j} WHERE body @> '{\"name\": \"ann\"}' ORDER BY id;",
                    "SELECT body FROM {j} ORDER BY id;",
                    "SELECT jsonb_typeof(body), jsonb_typeof(body->'age') FROM {j} ORDER BY id;",
                    "SELECT body->>'age' + 1 FROM {j};",
                ]);
                self.emit(q.replace("{j}", &j));
            }
            4 => {
                let f = format!("m{n}");
                self.emit(format!("CREATE TABLE {f} (id integer PRIMARY KEY, code char(3), r real, d double precision);"));
                self.emit(format!("INSERT INTO {f} VALUES (1, 'ab', 1.5, 0.1), (2, 'abc', 3.14159, 1e-7), (3, NULL, 100000000, 2.5e20);"));
                let q = *self.rng.pick(&[
                    "SELECT code, length(code), code || '|', r, d FROM {f} ORDER BY id;",
                    "SELECT r * 2, d / 3, r + d, round(d::numeric, 3) FROM {f} ORDER BY id;",
                    "INSERT INTO {f} VALUES (4, 'abcd', 1, 1);",
                    "SELECT sum(r), avg(d), max(code) FROM {f};",
                    "SELECT * FROM {f} WHERE code = 'ab' ORDER BY id;",
                ]);
                self.emit(q.replace("{f}", &f));
            }
            5 => {
                let parent = self.tables.iter().find(|x| {
                    self.tables
                        .iter()
                        .any(|c| c.fk.as_ref().is_some_and(|(_, p)| *p == x.name))
                });
                match parent {
                    Some(p) => {
                        let name = p.name.clone();
                        self.emit(format!("TRUNCATE {name};"));
                        self.emit("BEGIN;".into());
                        self.emit(format!("DROP TABLE {name} CASCADE;"));
                        self.emit(format!("SELECT count(*) FROM {name};"));
                        self.emit("ROLLBACK;".into());
                    }
                    None => self.emit(format!("TRUNCATE {};", t.name)),
                }
            }
            6 => {
                self.emit(format!(
                    "ALTER TABLE {0} ADD CONSTRAINT {0}_{1}_check{n} CHECK ({1} IS NOT NULL);",
                    t.name, c.name
                ));
                self.emit(format!(
                    "ALTER TABLE {0} DROP CONSTRAINT {0}_{1}_check{n};",
                    t.name, c.name
                ));
                self.emit(format!(
                    "ALTER TABLE {0} DROP CONSTRAINT IF EXISTS {0}_{1}_check{n};",
                    t.name, c.name
                ));
            }
            7 => {
                let other = self.table();
                self.emit(format!(
                    "ALTER TABLE {} ADD COLUMN ref{n} integer REFERENCES {} (id);",
                    t.name, other.name
                ));
                self.emit(format!("UPDATE {} SET ref{n} = id;", t.name));
                self.emit(format!("ALTER TABLE {} DROP COLUMN ref{n};", t.name));
            }
            _ => {
                let tmp = format!("tx{n}");
                self.emit("BEGIN;".into());
                self.emit(format!(
                    "CREATE TABLE {tmp} (id integer PRIMARY KEY, {} {});",
                    c.name,
                    c.ty.sql()
                ));
                self.emit(format!(
                    "INSERT INTO {tmp} SELECT id, {} FROM {} ORDER BY id LIMIT 3;",
                    c.name, t.name
                ));
                self.emit(format!("SELECT count(*) FROM {tmp};"));
                let end = *self.rng.pick(&["ROLLBACK;", "COMMIT;"]);
                self.emit(end.into());
                self.emit(format!("SELECT * FROM {tmp} ORDER BY id;"));
            }
        }
    }

    // ---- misc ---------------------------------------------------------------------------

    fn misc(&mut self) {
        let t = self.table();
        let stmt = match self.rng.range(0, 8) {
            0 => format!("SELECT count(*) FROM {};", t.name),
            1 => "SELECT nosuch_function(1);".to_string(),
            2 => format!("SELECT * FROM {} WHERE id = '1x';", t.name),
            3 => format!("DROP TABLE IF EXISTS {};", self.fresh_name("ghost")),
            4 => {
                let parent = self.tables.iter().find(|x| {
                    self.tables
                        .iter()
                        .any(|c| c.fk.as_ref().is_some_and(|(_, p)| *p == x.name))
                });
                match parent {
                    Some(p) => format!("DROP TABLE {};", p.name),
                    None => format!("DROP TABLE {}x;", t.name),
                }
            }
            5 => "SELECT 2147483647 + 1;".to_string(),
            6 => format!(
                "SELECT '{}'::date, '12'::integer + 1, CAST('3.14159' AS numeric(4,2));",
                self.valid(&Col {
                    name: String::new(),
                    ty: Ty::Date,
                    not_null: false,
                    unique: false,
                    check: false,
                    default: None
                })
                .trim_matches('\'')
            ),
            _ => format!("TRUNCATE {}x;", t.name),
        };
        self.emit(stmt);
    }

    /// A recent valid statement with one syntax mutation.
    fn mutated(&mut self) {
        let base = self.rng.pick(&self.recent.clone()).clone();
        let body = base.trim_end_matches(';').to_string();
        let words: Vec<&str> = body.split(' ').collect();
        let stmt = match self.rng.range(0, 6) {
            0 => {
                // Misspell the leading keyword.
                let mut w = words[0].to_string();
                w.pop();
                format!("{w} {};", words[1..].join(" "))
            }
            1 => {
                // Drop one word in the middle.
                let i = self.rng.range(1, words.len() as i64 - 1).max(1) as usize;
                let mut ws = words.clone();
                if i < ws.len() {
                    ws.remove(i);
                }
                format!("{};", ws.join(" "))
            }
            2 => match body.rfind(')') {
                Some(i) => format!("{}{};", &body[..i], &body[i + 1..]),
                None => format!("{body} (;"),
            },
            3 => {
                // Cut the statement short.
                let keep = (words.len() / 2).max(1);
                format!("{};", words[..keep].join(" "))
            }
            4 => format!("{},;", body),
            _ => {
                // Double a word.
                let i = self.rng.range(0, words.len() as i64 - 1) as usize;
                let mut ws = words.clone();
                ws.insert(i, words[i]);
                format!("{};", ws.join(" "))
            }
        };
        self.out.push(stmt);
    }

    fn step(&mut self) {
        match self.rng.range(0, 99) {
            0..=13 => self.insert_valid(),
            14..=22 => self.insert_violation(),
            23..=24 => self.insert_shape_errors(),
            25..=30 => self.update(),
            31..=34 => self.delete(),
            35..=48 => self.select(),
            49..=53 => self.select_error(),
            54..=60 => self.alter(),
            61..=65 => self.transaction(),
            66..=68 => self.misc(),
            69..=70 => self.create_errors(),
            71..=82 => self.expression_select(),
            83..=88 => self.more_shapes(),
            89..=93 => self.objects(),
            _ => self.mutated(),
        }
    }
}

/// Expression types of the random expression trees.
#[derive(Clone, Copy, PartialEq)]
enum Et {
    Int,
    Num,
    Text,
    Bool,
    Date,
}

impl Et {
    fn of(ty: Ty) -> Option<Et> {
        Some(match ty {
            Ty::Int | Ty::BigInt | Ty::SmallInt => Et::Int,
            Ty::Numeric(..) => Et::Num,
            Ty::Text | Ty::Varchar(_) => Et::Text,
            Ty::Bool => Et::Bool,
            Ty::Date => Et::Date,
            Ty::Timestamp | Ty::Uuid => return None,
        })
    }
}

impl Gen {
    /// A leaf of type `ty`: a column of that type (when `cols` has one), a literal or NULL.
    fn leaf(&mut self, ty: Et, cols: &[(String, Et)]) -> String {
        let mine: Vec<&(String, Et)> = cols.iter().filter(|(_, t)| *t == ty).collect();
        if !mine.is_empty() && self.rng.chance(55) {
            return self.rng.pick(&mine).0.clone();
        }
        if self.rng.chance(4) {
            return "NULL".into();
        }
        match ty {
            Et::Int => (*self.rng.pick(&[
                "0",
                "1",
                "2",
                "3",
                "7",
                "10",
                "-4",
                "42",
                "100",
                "2147483647",
                "-2147483648",
            ]))
            .into(),
            Et::Num => (*self.rng.pick(&[
                "1.5", "0.1", "-3.125", "12.50", "2.0", "0.333", "1e2", "99.995",
            ]))
            .into(),
            Et::Text => (*self.rng.pick(&[
                "'abc'",
                "'Hello World'",
                "''",
                "'a_b_c'",
                "' pad '",
                "'ÄÖü'",
                "'x'",
                "'42'",
                "'it''s'",
            ]))
            .into(),
            Et::Bool => (*self.rng.pick(&["true", "false", "NULL::boolean"])).into(),
            Et::Date => {
                let d = format!(
                    "'2024-{:02}-{:02}'",
                    self.rng.range(1, 12),
                    self.rng.range(1, 28)
                );
                if self.rng.chance(50) {
                    format!("DATE {d}")
                } else {
                    format!("{d}::date")
                }
            }
        }
    }

    /// A random expression of type `ty` (depth-limited); now and then an ill-typed operand.
    fn gexpr(&mut self, ty: Et, depth: u32, cols: &[(String, Et)]) -> String {
        if depth == 0 || self.rng.chance(25) {
            return self.leaf(ty, cols);
        }
        let d = depth - 1;
        if self.rng.chance(4) {
            // An operand of the wrong type: PostgreSQL's type resolution decides what happens.
            let wrong = *self
                .rng
                .pick(&[Et::Int, Et::Text, Et::Bool, Et::Num, Et::Date]);
            if wrong != ty {
                let (a, b) = (self.gexpr(ty, d, cols), self.gexpr(wrong, d, cols));
                return match ty {
                    Et::Int | Et::Num => format!("({a} + {b})"),
                    Et::Text => format!("upper({b})"),
                    Et::Bool => format!("({a} AND {b})"),
                    Et::Date => format!("({a} + {b})"),
                };
            }
        }
        match ty {
            Et::Int => match self.rng.range(0, 19) {
                15 => format!("({})::smallint", self.gexpr(Et::Int, d, cols)),
                16 => format!("position('b' in {})", self.gexpr(Et::Text, d, cols)),
                17 => format!("octet_length({})", self.gexpr(Et::Text, d, cols)),
                18 => format!("sign({})::integer", self.gexpr(Et::Int, d, cols)),
                0 => format!(
                    "({} + {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                1 => format!(
                    "({} - {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                2 => format!(
                    "({} * {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                3 => format!(
                    "({} / {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                4 => format!(
                    "({} % {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                5 => format!("abs({})", self.gexpr(Et::Int, d, cols)),
                6 => format!("-({})", self.gexpr(Et::Int, d, cols)),
                7 => format!("length({})", self.gexpr(Et::Text, d, cols)),
                8 => format!("strpos({}, 'b')", self.gexpr(Et::Text, d, cols)),
                9 => format!("({})::integer", self.gexpr(Et::Num, d, cols)),
                10 => format!(
                    "CASE WHEN {} THEN {} ELSE {} END",
                    self.gexpr(Et::Bool, d, cols),
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                11 => format!(
                    "coalesce({}, {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                12 => format!(
                    "greatest({}, {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                13 => format!(
                    "({} - {})",
                    self.gexpr(Et::Date, d, cols),
                    self.gexpr(Et::Date, d, cols)
                ),
                14 => format!("({})::integer", self.gexpr(Et::Text, d, cols)),
                _ => format!(
                    "mod({}, {})",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
            },
            Et::Num => match self.rng.range(0, 17) {
                12 => format!("power({}, 2)", self.gexpr(Et::Num, d, cols)),
                13 => format!("sqrt(abs({}))", self.gexpr(Et::Num, d, cols)),
                14 => format!(
                    "({} % {})",
                    self.gexpr(Et::Num, d, cols),
                    self.gexpr(Et::Num, d, cols)
                ),
                15 => format!("round({})", self.gexpr(Et::Num, d, cols)),
                16 => format!(
                    "(({})::double precision / 3)::numeric(10,4)",
                    self.gexpr(Et::Num, d, cols)
                ),
                0 => format!(
                    "({} * {})",
                    self.gexpr(Et::Num, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                1 => format!(
                    "({} + {})",
                    self.gexpr(Et::Num, d, cols),
                    self.gexpr(Et::Num, d, cols)
                ),
                2 => format!(
                    "round({}, {})",
                    self.gexpr(Et::Num, d, cols),
                    self.rng.range(0, 3)
                ),
                3 => format!("trunc({})", self.gexpr(Et::Num, d, cols)),
                4 => format!("ceil({})", self.gexpr(Et::Num, d, cols)),
                5 => format!("floor({})", self.gexpr(Et::Num, d, cols)),
                6 => format!(
                    "({} / {})",
                    self.gexpr(Et::Num, d, cols),
                    self.gexpr(Et::Num, d, cols)
                ),
                7 => format!("({})::numeric(6,2)", self.gexpr(Et::Num, d, cols)),
                8 => format!("({})::numeric", self.gexpr(Et::Int, d, cols)),
                9 => format!("abs({})", self.gexpr(Et::Num, d, cols)),
                10 => format!("extract(day from {})", self.gexpr(Et::Date, d, cols)),
                11 => format!(
                    "least({}, {})",
                    self.gexpr(Et::Num, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                _ => format!("nullif({}, 1.5)", self.gexpr(Et::Num, d, cols)),
            },
            Et::Text => match self.rng.range(0, 24) {
                17 => format!(
                    "rpad({}, {}, 'ab')",
                    self.gexpr(Et::Text, d, cols),
                    self.rng.range(-1, 7)
                ),
                18 => format!(
                    "right({}, {})",
                    self.gexpr(Et::Text, d, cols),
                    self.rng.range(-3, 4)
                ),
                19 => format!("btrim({}, ' x')", self.gexpr(Et::Text, d, cols)),
                20 => format!(
                    "substring({} from {} for 2)",
                    self.gexpr(Et::Text, d, cols),
                    self.rng.range(-1, 3)
                ),
                21 => format!("md5({})", self.gexpr(Et::Text, d, cols)),
                22 => format!(
                    "split_part({}, '_', {})",
                    self.gexpr(Et::Text, d, cols),
                    self.rng.range(-2, 3)
                ),
                23 => format!("({})::varchar(4)", self.gexpr(Et::Text, d, cols)),
                0 => format!(
                    "({} || {})",
                    self.gexpr(Et::Text, d, cols),
                    self.gexpr(Et::Text, d, cols)
                ),
                1 => format!("upper({})", self.gexpr(Et::Text, d, cols)),
                2 => format!("lower({})", self.gexpr(Et::Text, d, cols)),
                3 => format!(
                    "substr({}, {}, 3)",
                    self.gexpr(Et::Text, d, cols),
                    self.rng.range(0, 3)
                ),
                4 => format!("replace({}, 'b', 'XY')", self.gexpr(Et::Text, d, cols)),
                5 => format!(
                    "lpad({}, {}, '*')",
                    self.gexpr(Et::Text, d, cols),
                    self.rng.range(0, 8)
                ),
                6 => format!("trim({})", self.gexpr(Et::Text, d, cols)),
                7 => format!(
                    "left({}, {})",
                    self.gexpr(Et::Text, d, cols),
                    self.rng.range(-2, 4)
                ),
                8 => format!("repeat({}, 2)", self.gexpr(Et::Text, d, cols)),
                9 => format!("reverse({})", self.gexpr(Et::Text, d, cols)),
                10 => format!("split_part({}, '_', 2)", self.gexpr(Et::Text, d, cols)),
                11 => format!(
                    "concat({}, {}, {})",
                    self.gexpr(Et::Text, d, cols),
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Bool, d, cols)
                ),
                12 => format!(
                    "concat_ws('-', {}, {})",
                    self.gexpr(Et::Text, d, cols),
                    self.gexpr(Et::Num, d, cols)
                ),
                13 => format!("({})::text", self.gexpr(Et::Int, d, cols)),
                14 => format!(
                    "({} || {})",
                    self.gexpr(Et::Text, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                15 => format!(
                    "CASE WHEN {} THEN {} END",
                    self.gexpr(Et::Bool, d, cols),
                    self.gexpr(Et::Text, d, cols)
                ),
                16 => format!("({})::text", self.gexpr(Et::Date, d, cols)),
                _ => format!("initcap({})", self.gexpr(Et::Text, d, cols)),
            },
            Et::Bool => match self.rng.range(0, 13) {
                0 => format!(
                    "{} < {}",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                1 => format!(
                    "{} = {}",
                    self.gexpr(Et::Num, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                2 => format!(
                    "{} >= {}",
                    self.gexpr(Et::Text, d, cols),
                    self.gexpr(Et::Text, d, cols)
                ),
                3 => format!("NOT {}", self.gexpr(Et::Bool, d, cols)),
                4 => format!(
                    "({} AND {})",
                    self.gexpr(Et::Bool, d, cols),
                    self.gexpr(Et::Bool, d, cols)
                ),
                5 => format!(
                    "({} OR {})",
                    self.gexpr(Et::Bool, d, cols),
                    self.gexpr(Et::Bool, d, cols)
                ),
                6 => format!("{} IS NULL", self.gexpr(Et::Text, d, cols)),
                7 => format!(
                    "{} BETWEEN {} AND {}",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                8 => format!(
                    "{} IN ({}, {}, NULL)",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                9 => format!("{} LIKE '%b%'", self.gexpr(Et::Text, d, cols)),
                10 => format!("{} ILIKE 'H%'", self.gexpr(Et::Text, d, cols)),
                11 => format!(
                    "{} IS DISTINCT FROM {}",
                    self.gexpr(Et::Int, d, cols),
                    self.gexpr(Et::Int, d, cols)
                ),
                12 => format!(
                    "{} < {}",
                    self.gexpr(Et::Date, d, cols),
                    self.gexpr(Et::Date, d, cols)
                ),
                _ => format!(
                    "{} <> {}",
                    self.gexpr(Et::Bool, d, cols),
                    self.gexpr(Et::Bool, d, cols)
                ),
            },
            Et::Date => match self.rng.range(0, 3) {
                0 => format!(
                    "({} + {})",
                    self.gexpr(Et::Date, d, cols),
                    self.rng.range(-40, 400)
                ),
                1 => format!(
                    "({} - {})",
                    self.gexpr(Et::Date, d, cols),
                    self.rng.range(0, 60)
                ),
                2 => format!("({})::date", self.gexpr(Et::Text, d, cols)),
                _ => self.leaf(Et::Date, cols),
            },
        }
    }

    /// `SELECT` of random expression trees, with or without a table.
    fn expression_select(&mut self) {
        let tys = [
            Et::Int,
            Et::Num,
            Et::Text,
            Et::Bool,
            Et::Date,
            Et::Int,
            Et::Text,
        ];
        let n = self.rng.range(1, 3);
        if self.rng.chance(50) {
            let outs: Vec<String> = (0..n)
                .map(|_| {
                    let ty = *self.rng.pick(&tys);
                    self.gexpr(ty, 3, &[])
                })
                .collect();
            self.emit(format!("SELECT {};", outs.join(", ")));
        } else {
            let t = self.table();
            let cols: Vec<(String, Et)> = t
                .cols
                .iter()
                .filter_map(|c| Et::of(c.ty).map(|e| (c.name.clone(), e)))
                .collect();
            let outs: Vec<String> = (0..n)
                .map(|_| {
                    let ty = *self.rng.pick(&tys);
                    self.gexpr(ty, 2, &cols)
                })
                .collect();
            let filter = if self.rng.chance(40) {
                format!(" WHERE {}", self.gexpr(Et::Bool, 2, &cols))
            } else {
                String::new()
            };
            self.emit(format!(
                "SELECT id, {} FROM {}{filter} ORDER BY id;",
                outs.join(", "),
                t.name
            ));
        }
    }

    /// Statement shapes beyond the basics: upserts, set operations, INSERT ... SELECT,
    /// DISTINCT aggregates, subqueries in UPDATE/DELETE.
    fn more_shapes(&mut self) {
        let ti = self.table_index();
        let t = self.tables[ti].clone();
        let c = self.rng.pick(&t.cols).clone();
        let stmt = match self.rng.range(0, 11) {
            0 => {
                let (names, vals) = self.row(ti, Some(("id", "1".into())));
                format!(
                    "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (id) DO NOTHING;",
                    t.name,
                    names.join(", "),
                    vals.join(", ")
                )
            }
            1 => {
                let id = self.rng.range(1, 4).to_string();
                let (names, vals) = self.row(ti, Some(("id", id)));
                format!(
                    "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {} = EXCLUDED.{} RETURNING id, {};",
                    t.name,
                    names.join(", "),
                    vals.join(", "),
                    c.name,
                    c.name,
                    c.name
                )
            }
            2 => format!(
                "SELECT {0} FROM {1} WHERE id <= 2 {2} SELECT {0} FROM {1} WHERE id >= 2 ORDER BY 1;",
                c.name,
                t.name,
                self.rng.pick(&["UNION", "UNION ALL", "EXCEPT", "INTERSECT"])
            ),
            3 => {
                let other = self.table();
                format!("SELECT id FROM {} UNION SELECT {} FROM {} ORDER BY 1;", t.name, c.name, other.name)
            }
            4 => format!(
                "SELECT count(DISTINCT {0}), count({0}), count(*) FROM {1};",
                c.name, t.name
            ),
            5 => format!(
                "SELECT string_agg({0}::text, ',' ORDER BY {0}::text) FROM {1};",
                c.name, t.name
            ),
            6 => format!(
                "UPDATE {0} SET {1} = (SELECT {1} FROM {0} WHERE id = 1) WHERE id = {2} RETURNING *;",
                t.name,
                c.name,
                self.any_id(&t)
            ),
            7 => format!(
                "DELETE FROM {0} WHERE id IN (SELECT id FROM {0} WHERE {1}) RETURNING id;",
                t.name,
                self.predicate(&t)
            ),
            8 => {
                let n = self.fresh_name(&t.name);
                let col = Col { name: c.name.clone(), ..c.clone() };
                let mut copy = Table { name: n.clone(), serial: false, cols: vec![col], fk: None, ids: 0, used: Vec::new() };
                copy.cols[0].unique = false;
                self.tables.push(copy);
                self.emit(format!("CREATE TABLE {n} (id integer PRIMARY KEY, {} {});", c.name, c.ty.sql()));
                format!("INSERT INTO {n} SELECT id, {} FROM {} WHERE id < 5;", c.name, t.name)
            }
            9 => format!(
                "SELECT id, {0} FROM {1} ORDER BY {0} IS NULL, {0} DESC, id LIMIT 4;",
                c.name, t.name
            ),
            _ => format!(
                "SELECT {0} AS k, count(*) AS n FROM {1} GROUP BY k ORDER BY n DESC, k NULLS LAST;",
                c.name, t.name
            ),
        };
        self.emit(stmt);
    }
}

/// The scenario text for `seed`: a header naming the seed, then about `target` statements.
fn scenario(seed: u64, target: usize) -> String {
    let mut g = Gen {
        rng: Rng(seed),
        tables: Vec::new(),
        out: Vec::new(),
        recent: Vec::new(),
        fresh: 0,
    };
    g.create_table(None);
    for _ in 0..g.rng.range(1, 3) {
        g.insert_valid();
    }
    g.create_table(Some(0));
    if g.rng.chance(50) {
        let p = g.table_index();
        g.create_table(Some(p));
    }
    for _ in 0..3 {
        g.insert_valid();
    }
    while g.out.len() < target {
        g.step();
    }
    let mut text = format!(
        "-- Generated by examples/sqlgen.rs with seed {seed} ({target} statements); regenerate with\n\
         -- cargo run --example sqlgen -- tests/fidelity/pg/generated/scenarios {seed} 1 {target}\n"
    );
    for s in &g.out {
        text.push_str(s);
        text.push('\n');
    }
    text
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: sqlgen OUT_DIR [FIRST_SEED] [FILES] [STATEMENTS]");
        process::exit(2);
    };
    let num = |i: usize, d: u64| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (first, files, target) = (num(1, 1), num(2, 10), num(3, 100) as usize);
    if let Err(e) = fs::create_dir_all(&dir) {
        eprintln!("sqlgen: {}: {e}", dir.display());
        process::exit(1);
    }
    for seed in first..first + files {
        let path = dir.join(format!("{:03}_gen_seed{seed}.sql", 300 + seed % 700));
        if let Err(e) = fs::write(&path, scenario(seed, target)) {
            eprintln!("sqlgen: {}: {e}", path.display());
            process::exit(1);
        }
        println!("wrote {}", path.display());
    }
}

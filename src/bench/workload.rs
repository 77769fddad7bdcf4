//! Which workload to run, and the files it needs.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// One of the workloads of `WORKLOADS.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Workload {
    /// W1: 10,000 single-row INSERTs in autocommit.
    W1,
    /// W2: 1,000 point SELECTs by id, then 100 `count(*)` scans.
    W2,
    /// W3: four schema-change statements on 100,000 rows.
    W3,
    /// W4: 10,000 INSERTs naming a column that does not exist.
    W4,
    /// W5: BEGIN, 5,000 INSERTs (the last fails), ROLLBACK, a count.
    W5,
    /// From nothing to an open database, then `SELECT 1`.
    Startup,
    /// The untimed error-message probe after set-up + W1.
    Probe,
}

impl Workload {
    /// Every workload, in the order `--workload all` runs them.
    pub const ALL: [Workload; 7] = [
        Workload::W1,
        Workload::W2,
        Workload::W3,
        Workload::W4,
        Workload::W5,
        Workload::Startup,
        Workload::Probe,
    ];

    /// The name used on the command line and in the JSON (`w1` … `probe`).
    pub fn name(self) -> &'static str {
        match self {
            Workload::W1 => "w1",
            Workload::W2 => "w2",
            Workload::W3 => "w3",
            Workload::W4 => "w4",
            Workload::W5 => "w5",
            Workload::Startup => "startup",
            Workload::Probe => "probe",
        }
    }

    /// The generated files (in the dialect folder) that the run reads, set-up first.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Workload::W1 => &["setup.sql", "w1.sql"],
            Workload::W2 => &["setup.sql", "w1.sql", "w2_point.sql", "w2_scan.sql"],
            Workload::W3 => &["setup.sql", "w3_load.sql", "w3_change.sql", "w3_verify.sql"],
            Workload::W4 => &["setup.sql", "w1.sql", "w4.sql"],
            Workload::W5 => &["setup.sql", "w1.sql", "w5.sql"],
            Workload::Startup => &[],
            Workload::Probe => &["setup.sql", "w1.sql", "probe_errors.sql"],
        }
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Workload {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Workload::ALL
            .into_iter()
            .find(|w| w.name() == s)
            .ok_or_else(|| format!("unknown workload '{s}' (w1, w2, w3, w4, w5, startup, probe)"))
    }
}

/// The text of the generated files, by file name (`w1.sql`), as the caller read them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SqlFiles {
    texts: BTreeMap<String, String>,
}

impl SqlFiles {
    /// No files yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the text of the file `name`.
    pub fn insert(&mut self, name: &str, text: String) {
        self.texts.insert(name.to_string(), text);
    }

    /// The text of the file `name`, if it was added.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for w in Workload::ALL {
            assert_eq!(w.name().parse::<Workload>(), Ok(w));
        }
        assert!("w6".parse::<Workload>().is_err());
    }
}

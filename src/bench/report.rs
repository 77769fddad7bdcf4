//! [`Report`]: the outcome of one run, serialised as one JSON line with the rusqlite
//! anchor's field names and nesting, so one aggregator reads both.

use serde::Serialize;
use serde_json::{Map, Value};

/// The outcome of one (engine, workload) run. Times are milliseconds from the caller's clock.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The engine's name: `schemalab`.
    pub engine: String,
    /// The same name under the anchors' key, so the anchors' aggregator reads these lines too.
    pub anchor: String,
    /// The SQL dialect folder the files came from: `pg`.
    pub dialect: String,
    /// The workload's name (`w1` … `probe`).
    pub workload: String,
    /// The engine and its version.
    pub engine_version: String,
    /// From before the session is made to an open, empty database.
    pub instantiate_ms: f64,
    /// Startup only: `SELECT 1` timed alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_stmt_ms: Option<f64>,
    /// The untimed set-up's duration (W3: the 100,000-row load), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_ms: Option<f64>,
    /// The timed statements' total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_ms: Option<f64>,
    /// How many statements were timed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ops: Option<u64>,
    /// Parts of `work_ms`, in execution order (W2: point and scan; W3: each step).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps_ms: Option<Map<String, Value>>,
    /// The first error message of the timed statements, when any failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub error_samples: Vec<String>,
    /// Probe only: what the engine said to each probe statement.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<Probe>,
    /// Browser startup only: from navigation start to the engine ready to open a database
    /// (page, JS and WebAssembly fetched, compiled and instantiated), set by the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_ready_ms: Option<f64>,
    /// Peak resident memory of the whole process, filled in by a native caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_mib: Option<f64>,
    /// Every checked value; a failed check also has `NAME_WANTED`.
    pub checks: Checks,
    /// True when every check passed.
    pub ok: bool,
}

impl Report {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

/// The checked values, in the order they were checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Checks {
    values: Map<String, Value>,
}

impl Checks {
    /// Records `got` under `name` and returns whether it equals `want`. A missing value on
    /// either side (unreadable result, no expected value) fails, and a failure also records
    /// `NAME_WANTED`.
    pub fn expect(&mut self, name: &str, got: Option<i64>, want: Option<i64>) -> bool {
        self.values.insert(name.to_string(), Value::from(got));
        let pass = got.is_some() && got == want;
        if !pass {
            self.values
                .insert(format!("{name}_WANTED"), Value::from(want));
        }
        pass
    }

    /// The value recorded under `name`.
    pub fn get(&self, name: &str) -> Option<i64> {
        self.values.get(name)?.as_i64()
    }

    /// The names and values, in the order they were checked.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.values.iter()
    }
}

/// What the engine said to one probe statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// The `-- probe:` label.
    pub probe: Option<String>,
    /// True when the statement succeeded.
    pub ok: bool,
    /// The error as psql prints it, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The error's SQLSTATE, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqlstate: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_check_records_what_was_wanted() {
        let mut c = Checks::default();
        assert!(c.expect("rows", Some(3), Some(3)));
        assert!(!c.expect("errors", Some(1), Some(0)));
        assert!(!c.expect("sum", None, Some(5)));
        assert_eq!(
            serde_json::to_string(&c).expect("serialises"),
            r#"{"rows":3,"errors":1,"errors_WANTED":0,"sum":null,"sum_WANTED":5}"#
        );
    }
}

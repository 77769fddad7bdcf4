//! `expected.json`, written by `gen.mjs` next to the dialect folders: the values every
//! runner checks itself against (`{"w1": {"rows_after": 10000, …}, "w2": {…}, …}`).

use std::fmt;

/// The parsed check values.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    json: serde_json::Value,
}

/// `expected.json` was not a JSON object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedError(pub String);

impl fmt::Display for ExpectedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected.json: {}", self.0)
    }
}

impl std::error::Error for ExpectedError {}

impl Expected {
    /// Parses the text of `expected.json`.
    pub fn parse(text: &str) -> Result<Self, ExpectedError> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ExpectedError(e.to_string()))?;
        if !json.is_object() {
            return Err(ExpectedError("not a JSON object".into()));
        }
        Ok(Expected { json })
    }

    /// The integer at `section.key` (`("w2", "point_age_sum")`), if present.
    pub fn value(&self, section: &str, key: &str) -> Option<i64> {
        self.json.get(section)?.get(key)?.as_i64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_integers() {
        let e =
            Expected::parse(r#"{"w1": {"rows_after": 3}, "pg_sha256": "ab"}"#).expect("valid JSON");
        assert_eq!(e.value("w1", "rows_after"), Some(3));
        assert_eq!(e.value("w1", "errors"), None);
        assert_eq!(e.value("pg_sha256", "x"), None);
        assert!(Expected::parse("[1]").is_err());
        assert!(Expected::parse("{").is_err());
    }
}

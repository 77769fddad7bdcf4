//! Saving and loading a session: its seed and its log, as JSON.
//!
//! A save that cannot be read is reported, never silently dropped; the page
//! keeps its text aside under another key.

use serde::{Deserialize, Serialize};

use super::State;

/// The save format's name, so a foreign value is never taken for a session.
pub const FORMAT: &str = "schemalab-session";
/// The newest save version this build understands.
pub const VERSION: u32 = 1;

/// What is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Save {
    /// Always [`FORMAT`].
    pub format: String,
    /// The version that wrote it.
    pub version: u32,
    /// The world's seed.
    pub seed: u64,
    /// Every submitted input.
    pub log: Vec<String>,
}

/// Why a save could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Not a session save, or damaged; the reason says which.
    Corrupt(String),
    /// Written by a newer SchemaLab.
    Newer(u32),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Corrupt(why) => write!(f, "the saved session could not be read ({why})"),
            LoadError::Newer(v) => write!(
                f,
                "the saved session was written by a newer SchemaLab (format {v}, this one reads up to {VERSION})"
            ),
        }
    }
}

/// The save of a session.
pub fn save(state: &State) -> Save {
    Save {
        format: FORMAT.to_string(),
        version: VERSION,
        seed: state.seed,
        log: state.log.clone(),
    }
}

/// The save as JSON text.
pub fn to_json(state: &State) -> String {
    // Serialising plain strings and integers cannot fail.
    serde_json::to_string(&save(state)).unwrap_or_default()
}

/// Reads a save from JSON text.
pub fn from_json(text: &str) -> Result<Save, LoadError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| LoadError::Corrupt(e.to_string()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(LoadError::Corrupt("not a SchemaLab session".to_string()));
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(VERSION) {
        return Err(LoadError::Newer(u32::try_from(version).unwrap_or(u32::MAX)));
    }
    serde_json::from_value(value).map_err(|e| LoadError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{reduce, Action};

    #[test]
    fn round_trip() {
        let state = reduce(State::default(), Action::Submit("touch a".into()));
        let loaded = from_json(&to_json(&state)).unwrap();
        assert_eq!(loaded.log, ["touch a"]);
        assert_eq!(loaded.seed, state.seed);
    }

    #[test]
    fn bad_saves_are_reported() {
        assert!(matches!(from_json("{"), Err(LoadError::Corrupt(_))));
        assert!(matches!(from_json("[1]"), Err(LoadError::Corrupt(_))));
        assert!(matches!(
            from_json(r#"{"format":"schemalab-session","version":1,"seed":"x","log":[]}"#),
            Err(LoadError::Corrupt(_))
        ));
        assert_eq!(
            from_json(r#"{"format":"schemalab-session","version":9,"seed":1,"log":[]}"#),
            Err(LoadError::Newer(9))
        );
    }
}

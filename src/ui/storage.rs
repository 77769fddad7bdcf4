//! The browser's localStorage: the autosaved session and the reader's
//! preferences. A save that cannot be read is kept aside, never dropped.

use gloo_storage::{LocalStorage, Storage};

use super::Prefs;
use crate::app::{persist, State};

/// Where the session is autosaved.
pub const SESSION_KEY: &str = "schemalab.session";
/// Where an unreadable save is kept for the learner to recover.
pub const KEPT_ASIDE_KEY: &str = "schemalab.session.kept-aside";
const PREFS_KEY: &str = "schemalab.prefs";

fn raw_get(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}

fn raw_set(key: &str, value: &str) {
    let _ = LocalStorage::raw().set_item(key, value);
}

/// The saved session, or a fresh one with a notice saying why the save was not used.
pub fn load_session() -> (State, Option<String>) {
    let Some(text) = raw_get(SESSION_KEY) else {
        return (State::default(), None);
    };
    match persist::from_json(&text) {
        Ok(save) => (State::replay(save.seed, save.log), None),
        Err(error) => {
            raw_set(KEPT_ASIDE_KEY, &text);
            let _ = LocalStorage::raw().remove_item(SESSION_KEY);
            (
                State::default(),
                Some(format!(
                    "{error}. A fresh session was started; the old save is kept in localStorage under \"{KEPT_ASIDE_KEY}\"."
                )),
            )
        }
    }
}

/// Autosaves the session.
pub fn save_session(state: &State) {
    raw_set(SESSION_KEY, &persist::to_json(state));
}

/// The reader's preferences, or the defaults.
pub fn load_prefs() -> Prefs {
    let text = raw_get(PREFS_KEY).unwrap_or_default();
    let mut prefs = Prefs {
        theme: "dark".to_string(),
        font_px: 16,
    };
    for part in text.split(';') {
        match part.split_once('=') {
            Some(("theme", t @ ("dark" | "light"))) => prefs.theme = t.to_string(),
            Some(("font", n)) => {
                if let Ok(px) = n.parse::<u32>() {
                    prefs.font_px = px.clamp(12, 40);
                }
            }
            _ => {}
        }
    }
    prefs
}

/// Applies and stores the preferences.
pub fn apply_prefs(prefs: &Prefs) {
    raw_set(
        PREFS_KEY,
        &format!("theme={};font={}", prefs.theme, prefs.font_px),
    );
    if let Some(root) = gloo_utils::document().document_element() {
        let _ = root.set_attribute("data-theme", &prefs.theme);
        let _ = root.set_attribute("style", &format!("--font-size: {}px", prefs.font_px));
    }
}

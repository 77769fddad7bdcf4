//! Undo, redo and reset, and the reader's preferences: theme and font size.

use yew::prelude::*;

use super::{LabHandle, Prefs};
use crate::app::Action;

/// Props: the preferences handle owned by the root.
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// The reader's preferences.
    pub prefs: UseStateHandle<Prefs>,
}

/// The toolbar component.
#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let lab = use_context::<LabHandle>().expect("Toolbar is rendered inside the lab context");
    let dispatch = |action: Action| {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| lab.dispatch(action.clone()))
    };
    let prefs = props.prefs.clone();
    let font = |delta: i32| {
        let prefs = prefs.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*prefs).clone();
            next.font_px = (next.font_px as i32 + delta).clamp(12, 40) as u32;
            prefs.set(next);
        })
    };
    let theme = {
        let prefs = prefs.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*prefs).clone();
            next.theme = if next.theme == "dark" {
                "light"
            } else {
                "dark"
            }
            .to_string();
            prefs.set(next);
        })
    };
    let other_theme = if prefs.theme == "dark" {
        "Light theme"
    } else {
        "Dark theme"
    };
    html! {
        <nav class="toolbar" aria-label="Session">
            <button onclick={dispatch(Action::Undo)} disabled={lab.state.log.is_empty()}
                title="Take back the last command">{"Undo"}</button>
            <button onclick={dispatch(Action::Redo)} disabled={lab.state.redo.is_empty()}
                title="Run again what undo took back">{"Redo"}</button>
            <button onclick={dispatch(Action::Submit("reset".to_string()))}
                title="Start the lab again (undo brings it back)">{"Reset"}</button>
            <span class="sep" />
            <button onclick={font(-2)} aria-label="Smaller text">{"A−"}</button>
            <span class="font-size" aria-live="polite">{format!("{}px", prefs.font_px)}</span>
            <button onclick={font(2)} aria-label="Larger text">{"A+"}</button>
            <button onclick={theme}>{other_theme}</button>
        </nav>
    }
}

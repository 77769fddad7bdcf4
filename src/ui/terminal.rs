//! The terminal: the transcript (`role="log"`) and the input line
//! (`aria-label="Command"`), with history, Tab completion, Ctrl+L and
//! multi-line input for here-documents.

use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::LabHandle;
use crate::app::{Action, Entry};
use crate::world::Stream;

const WELCOME: &str = "You are on your laptop, in ~/app: a Flask project whose models.py \
describes a users table that no database has yet. Type commands as you would at work: \
try `cat models.py`, then `createdb app` and `psql app`, or `mongosh` for the other world. \
`help` lists the commands, Tab completes, ↑/↓ browse the history.";

/// The terminal component.
#[component]
pub fn Terminal() -> Html {
    let lab = use_context::<LabHandle>().expect("Terminal is rendered inside the lab context");
    let input = use_state(String::new);
    // Position in the history while browsing with ↑/↓; None when editing a new line.
    let browsing = use_state(|| None::<usize>);
    let suggestions = use_state(Vec::<String>::new);
    let input_ref = use_node_ref();
    let end_ref = use_node_ref();

    {
        let end_ref = end_ref.clone();
        let len = lab.state.transcript.len();
        use_effect_with(len, move |_| {
            if let Some(el) = end_ref.cast::<web_sys::Element>() {
                el.scroll_into_view_with_bool(false);
            }
        });
    }

    let oninput = {
        let input = input.clone();
        let browsing = browsing.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            input.set(area.value());
            browsing.set(None);
        })
    };

    let onkeydown = {
        let lab = lab.clone();
        let input = input.clone();
        let browsing = browsing.clone();
        let suggestions = suggestions.clone();
        Callback::from(move |e: KeyboardEvent| {
            let text = (*input).clone();
            let history = &lab.state.log;
            match e.key().as_str() {
                "Enter" if !e.shift_key() => {
                    if lab.state.world.needs_more(&text) {
                        return;
                    }
                    e.prevent_default();
                    input.set(String::new());
                    browsing.set(None);
                    suggestions.set(Vec::new());
                    lab.dispatch(Action::Submit(text));
                }
                "ArrowUp" if !text.contains('\n') || browsing.is_some() => {
                    if history.is_empty() {
                        return;
                    }
                    e.prevent_default();
                    let at = browsing.map_or(history.len(), |i| i).saturating_sub(1);
                    browsing.set(Some(at));
                    input.set(history[at].clone());
                }
                "ArrowDown" if browsing.is_some() => {
                    e.prevent_default();
                    let next = browsing.map_or(0, |i| i + 1);
                    if next >= history.len() {
                        browsing.set(None);
                        input.set(String::new());
                    } else {
                        browsing.set(Some(next));
                        input.set(history[next].clone());
                    }
                }
                "Tab" => {
                    e.prevent_default();
                    let completion = lab.state.world.complete(&text);
                    let head = &text[..completion.start];
                    match completion.candidates.as_slice() {
                        [] => suggestions.set(Vec::new()),
                        [only] => {
                            let in_program = lab.state.world.in_program();
                            let space = if only.ends_with('/') || in_program {
                                ""
                            } else {
                                " "
                            };
                            input.set(format!("{head}{only}{space}"));
                            suggestions.set(Vec::new());
                        }
                        many => {
                            let prefix = completion.common_prefix();
                            if prefix.len() > text.len() - completion.start {
                                input.set(format!("{head}{prefix}"));
                            }
                            suggestions.set(many.to_vec());
                        }
                    }
                }
                "l" | "L" if e.ctrl_key() => {
                    e.prevent_default();
                    lab.dispatch(Action::ClearScreen);
                }
                "c" | "C" if e.ctrl_key() && !text.is_empty() => {
                    e.prevent_default();
                    input.set(String::new());
                    browsing.set(None);
                }
                _ => {}
            }
        })
    };

    let focus = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(area) = input_ref.cast::<HtmlTextAreaElement>() {
                    let _ = area.focus();
                }
            }
        })
    };

    let rows = (input.lines().count().max(1) + usize::from(input.ends_with('\n'))).min(20);
    let prompt = lab.state.world.prompt();
    html! {
        <div class="terminal" onclick={focus}>
            <p class="welcome">{WELCOME}</p>
            <div class="log" role="log" aria-live="polite" aria-label="Terminal output">
                { for lab.state.transcript.iter().map(entry) }
                if !suggestions.is_empty() {
                    <div class="suggestions">{ suggestions.join("  ") }</div>
                }
            </div>
            <div class="input-line">
                <span class="prompt" aria-hidden="true">{prompt}</span>
                <textarea
                    ref={input_ref}
                    class="command"
                    aria-label="Command"
                    rows={rows.to_string()}
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    autofocus=true
                    value={(*input).clone()}
                    {oninput}
                    {onkeydown}
                />
            </div>
            <div ref={end_ref}></div>
        </div>
    }
}

fn entry(entry: &Entry) -> Html {
    let mut lines = entry.input.lines();
    let first = lines.next().unwrap_or_default().to_string();
    let rest: Vec<String> = lines.map(|l| format!("> {l}")).collect();
    let status = if entry.exit_code == 0 { "ok" } else { "failed" };
    html! {
        <div class={classes!("entry", status)}>
            <div class="echo"><span class="prompt">{&entry.prompt}</span><span class="typed">{first}</span></div>
            { for rest.into_iter().map(|l| html! { <div class="echo continuation">{l}</div> }) }
            { for entry.output.chunks.iter().map(|chunk| {
                let class = match chunk.stream {
                    Stream::Stdout => "stdout",
                    Stream::Stderr => "stderr",
                    Stream::Hint => "hint",
                };
                html! { <pre class={class}>{&chunk.text}</pre> }
            }) }
        </div>
    }
}

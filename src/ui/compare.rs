//! Journal vs Form: the same action in MongoDB and PostgreSQL, side by side.
//! An instructor steps through the story; a learner types a document of
//! their own. It draws `app::compare::Comparison`.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::LabHandle;
use crate::app::compare::{Exchange, FORM};
use crate::app::Action;

/// The Journal vs Form component.
#[component]
pub fn Compare() -> Html {
    let lab = use_context::<LabHandle>().expect("Compare is rendered inside the lab context");
    let draft = use_state(|| r#"{name: "Ada", email: "ada@example.com", age: 36}"#.to_string());
    let compare = &lab.state.compare;
    let dispatch = |action: Action| {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| lab.dispatch(action.clone()))
    };
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            draft.set(input.value());
        })
    };
    let save = {
        let lab = lab.clone();
        let draft = draft.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            lab.dispatch(Action::CompareSave((*draft).clone()));
        })
    };
    html! {
        <div class="compare" aria-label="Journal vs Form">
            <p class="intro">
                {"MongoDB is a journal: it writes down whatever it is given. PostgreSQL is a government form: it accepts only what the form has boxes for. The form here is "}
                <code>{FORM}</code>{" The journal starts empty."}
            </p>
            <div class="controls">
                if let Some(step) = compare.upcoming() {
                    <div class="upcoming">
                        <strong>{format!("Next: {}", step.title)}</strong>
                        <pre class="cmd">{format!("test> {}\napp=# {}", step.mongo, step.sql)}</pre>
                        <button onclick={dispatch(Action::CompareStep)}>{"Run in both worlds"}</button>
                    </div>
                } else {
                    <p class="done">{"That is the whole story. Start again, or try a document of your own."}</p>
                }
                <button onclick={dispatch(Action::CompareRestart)}>{"Start again"}</button>
            </div>
            <form class="own" onsubmit={save}>
                <label for="compare-doc">{"Save this user in both worlds:"}</label>
                <input id="compare-doc" aria-label="Document to save" value={(*draft).clone()} {oninput} spellcheck="false" />
                <button type="submit">{"Save"}</button>
            </form>
            { for compare.exchanges.iter().rev().map(exchange) }
        </div>
    }
}

fn side(world: &str, command: &str, prompt: &str, answer: &str, ok: bool) -> Html {
    let verdict = if ok { "accepted" } else { "refused" };
    html! {
        <div class={classes!("side", verdict)}>
            <h3>{world}<span class="verdict">{verdict}</span></h3>
            if !command.is_empty() {
                <pre class="cmd">{format!("{prompt}{command}")}</pre>
            }
            <pre class="answer">{answer}</pre>
        </div>
    }
}

fn exchange(e: &Exchange) -> Html {
    html! {
        <section class="exchange" aria-label={e.title.clone()}>
            <h2>{&e.title}</h2>
            <div class="sides">
                { side("MongoDB (journal)", &e.mongo, "test> ", &e.mongo_answer, e.mongo_ok) }
                { side("PostgreSQL (form)", &e.sql, "app=# ", &e.sql_answer, e.sql_ok) }
            </div>
            if !e.cost.is_empty() {
                <p class="cost">{&e.cost}</p>
            }
        </section>
    }
}

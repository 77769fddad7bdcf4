//! The request flow: the steps of the last request a server of the world
//! served, each with the SQL it sent, the failing one in red with its error.
//! The steps appear one after another by CSS animation (a delay per step);
//! "Replay" remounts the list so the animation runs again. It draws
//! `app::views::RequestFlowView`.

use yew::prelude::*;

use super::LabHandle;
use crate::app::views::request_flow::FlowStep;
use crate::app::views::RequestFlowView;
use crate::runtime::StepKind;

/// The request-flow component.
#[component]
pub fn RequestFlow() -> Html {
    let lab = use_context::<LabHandle>().expect("RequestFlow is rendered inside the lab context");
    let replays = use_state(|| 0u32);
    let view = {
        let lab = lab.clone();
        use_memo(lab.generation, move |_| {
            RequestFlowView::of(&lab.state.world)
        })
    };
    let Some(by) = &view.served_by else {
        return html! {
            <div class="explorer flow" aria-label="Request flow">
                <p class="empty">{"No request yet. Start the app with "}<code>{"flask run &"}</code>{", then send one: "}<code>{"curl -d name=ada -d email=ada@example.com localhost:5000/register"}</code>{"."}</p>
            </div>
        };
    };
    let replay = {
        let replays = replays.clone();
        Callback::from(move |_| replays.set(*replays + 1))
    };
    let status_class = if view.status >= 500 {
        "err"
    } else if view.status >= 400 {
        "warn"
    } else {
        "ok"
    };
    html! {
        <div class="explorer flow" aria-label="Request flow">
            <h2 class="request-line">
                <span class="method">{&view.method}</span>{" "}
                <span class="path">{&view.path}</span>{" → "}
                <span class={classes!("status", status_class)}>{view.status}</span>
                <span class="served-by">{format!(" served on {by}")}</span>
                <button class="replay" onclick={replay}>{"Replay"}</button>
            </h2>
            <ol class="flow-steps" key={*replays} aria-label="Request steps">
                { for view.steps.iter().enumerate().map(|(i, s)| step(i, s)) }
            </ol>
        </div>
    }
}

fn step(i: usize, s: &FlowStep) -> Html {
    // The runtime's label often starts with the step's name, and a statement's label is its
    // first line: show only what the name and the SQL do not already say.
    let label = s
        .label
        .strip_prefix(&format!("{}: ", s.name))
        .unwrap_or(&s.label);
    let repeats_sql = s.sql.first().is_some_and(|q| q.starts_with(label));
    let show_label = s.kind != StepKind::Error && !repeats_sql;
    html! {
        <li class={classes!("flow-step", (!s.ok).then_some("failed"), s.sql.is_empty().then_some("no-sql"))}
            style={format!("--i: {i}")}>
            <span class="step-name">{s.name}</span>
            if show_label {
                <span class="step-label">{label}</span>
            }
            { for s.sql.iter().map(|q| html! { <pre class="sql">{q}</pre> }) }
            if let Some(e) = &s.error {
                <pre class="step-error">{e}</pre>
            }
        </li>
    }
}

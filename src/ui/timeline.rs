//! The migration timeline: the revision graph of `~/app/migrations` with
//! where each database stands. It draws `app::views::TimelineView`, whose
//! layout `migrate::layout` computes.

use yew::prelude::*;

use super::LabHandle;
use crate::app::views::{GraphState, TimelineView};
use crate::migrate::Timeline;

/// The timeline component.
#[component]
pub fn Migrations() -> Html {
    let lab = use_context::<LabHandle>().expect("Migrations is rendered inside the lab context");
    let view = {
        let lab = lab.clone();
        use_memo(lab.generation, move |_| TimelineView::of(&lab.state.world))
    };
    let body = match &view.graph {
        GraphState::NoMigrations => html! {
            <p class="empty">{"No migrations folder yet. "}<code>{"flask db init"}</code>{" creates it; "}<code>{"flask db migrate -m \"…\""}</code>{" then writes the first revision from models.py."}</p>
        },
        GraphState::Broken(message) => html! {
            <p class="empty">{"A revision file cannot be read: "}<code>{message}</code></p>
        },
        GraphState::Graph(timeline) => graph(timeline),
    };
    html! {
        <div class="explorer timeline" aria-label="Migration timeline">
            <p class="cluster">{format!("Revisions in ~/app/migrations/versions on {}, newest first", lab.state.world.machine().name)}</p>
            { body }
        </div>
    }
}

fn graph(timeline: &Timeline) -> Html {
    let pointers = |row: usize| -> Vec<String> {
        timeline
            .pointers
            .iter()
            .filter(|p| p.nodes.contains(&row))
            .map(|p| p.database.clone())
            .collect()
    };
    let at_base: Vec<&str> = timeline
        .pointers
        .iter()
        .filter(|p| p.nodes.is_empty())
        .map(|p| p.database.as_str())
        .collect();
    html! {
        <>
            <ol class="revisions" aria-label="Revisions">
                { for timeline.nodes.iter().enumerate().map(|(i, node)| {
                    let here = pointers(i);
                    let mut marks = Vec::new();
                    if node.head { marks.push("head"); }
                    if node.merge { marks.push("merge"); }
                    if node.branch_point { marks.push("branch point"); }
                    html! {
                        <li class={classes!("revision", (!here.is_empty()).then_some("current"))}
                            style={format!("margin-left: {}em", node.lane * 2)}>
                            <code class="rev">{&node.revision}</code>
                            <span class="message">{&node.message}</span>
                            { for marks.iter().map(|m| html! { <span class="badge">{*m}</span> }) }
                            { for here.iter().map(|db| html! { <span class="pointer">{format!("← {db}")}</span> }) }
                        </li>
                    }
                }) }
                <li class="revision base">
                    <code class="rev">{"<base>"}</code>
                    { for at_base.iter().map(|db| html! { <span class="pointer">{format!("← {db}")}</span> }) }
                </li>
            </ol>
            <pre class="ascii" aria-label="Timeline as text">{timeline.to_string()}</pre>
        </>
    }
}

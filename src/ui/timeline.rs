//! The migration timeline across machines: the pre-flight check of
//! `flask db upgrade`, the revision graph with a pointer per database per
//! machine and where each revision file is, a revision's file and schema on
//! click, the upgrade steps on a slider with each step's schema diff, and the
//! git graph of every place. It draws `app::views::{TimelineView,
//! RevisionDetail, SchemaStep, Preflight}`; `migrate::layout` lays out the graph.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::LabHandle;
use crate::app::views::preflight::Level;
use crate::app::views::schema_steps::{self, ChangeKind, TableSchema};
use crate::app::views::timeline::{versions_dir, GitGraph, Presence, RevisionRow};
use crate::app::views::{GraphState, Preflight, RevisionDetail, SchemaStep, TimelineView};
use crate::migrate::Timeline;
use crate::world::machine::APP_DIR;
use crate::world::World;

/// The timeline component.
#[component]
pub fn Migrations() -> Html {
    let lab = use_context::<LabHandle>().expect("Migrations is rendered inside the lab context");
    let selected = use_state(|| None::<String>);
    let step = use_state(|| usize::MAX);
    let view = {
        let lab = lab.clone();
        use_memo(lab.generation, move |_| TimelineView::of(&lab.state.world))
    };
    // The steps and the pre-flight run real upgrades on a copy of the world: recompute them
    // only when what they read changed, not after every `ls`.
    let key = (
        (*view).clone(),
        lab.state.database.clone(),
        inputs(&lab.state.world),
    );
    let steps = {
        let lab = lab.clone();
        use_memo(key.clone(), move |_| {
            let world = &lab.state.world;
            schema_steps::branch_head(world)
                .map(|head| schema_steps::steps_to(world, &head))
                .unwrap_or_default()
        })
    };
    let preflight = {
        let lab = lab.clone();
        let steps = steps.clone();
        use_memo(key.clone(), move |_| {
            Preflight::with_steps(&lab.state.world, &steps)
        })
    };
    let detail = {
        let lab = lab.clone();
        use_memo((key, (*selected).clone()), move |(_, rev)| {
            rev.as_ref()
                .and_then(|r| RevisionDetail::of(&lab.state.world, r))
        })
    };
    let select = {
        let selected = selected.clone();
        Callback::from(move |rev: String| {
            selected.set(if selected.as_deref() == Some(rev.as_str()) {
                None
            } else {
                Some(rev)
            })
        })
    };
    let body = match &view.graph {
        GraphState::NoMigrations => html! {
            <p class="empty">{"No migrations folder yet. "}<code>{"flask db init"}</code>{" creates it; "}<code>{"flask db migrate -m \"…\""}</code>{" then writes the first revision from models.py."}</p>
        },
        GraphState::Broken(message) => html! {
            <p class="empty">{"A revision file cannot be read: "}<code>{message}</code></p>
        },
        GraphState::Graph(timeline) => graph(timeline, &view, selected.as_deref(), &select),
    };
    let on_step = {
        let step = step.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().parse::<usize>() {
                step.set(n);
            }
        })
    };
    html! {
        <div class="explorer timeline" aria-label="Migration timeline">
            <p class="cluster">{format!("Revisions on every machine and on origin, newest first; the shell is on {}", view.machine)}</p>
            { for preflight.as_ref().as_ref().map(preflight_box) }
            <div class="timeline-main">
                <div class="dag">{ body }</div>
                if let Some(d) = detail.as_ref() {
                    { revision_detail(d, &select) }
                }
            </div>
            if !steps.is_empty() {
                { slider(&steps, (*step).min(steps.len()), on_step) }
            }
            <section class="git-graphs" aria-label="Git graphs">
                <h2>{"git, beside it"}</h2>
                <div class="git-places">{ for view.git.iter().map(git_graph) }</div>
            </section>
            if !view.notes.is_empty() {
                <ul class="notes">{ for view.notes.iter().map(|n| html! { <li>{n}</li> }) }</ul>
            }
        </div>
    }
}

/// The texts the schema steps and the pre-flight read besides the graph and the database:
/// the environment, the app and its models, every machine's revision files.
fn inputs(world: &World) -> Vec<String> {
    let machine = world.machine();
    let mut out = vec![
        machine.name.clone(),
        machine
            .vars
            .get("DATABASE_URL")
            .unwrap_or_default()
            .to_string(),
    ];
    for name in ["app.py", "models.py"] {
        out.push(
            machine
                .fs
                .read(&format!("{APP_DIR}/{name}"))
                .unwrap_or_default()
                .to_string(),
        );
    }
    let dir = versions_dir();
    for m in world.machines() {
        for (name, _) in m.fs.children(&dir) {
            out.push(
                m.fs.read(&format!("{dir}/{name}"))
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    out
}

fn preflight_box(p: &Preflight) -> Html {
    let at = if p.current.is_empty() {
        "base".to_string()
    } else {
        p.current.join(", ")
    };
    let worst = p.warnings.first().map(|w| w.level);
    let class = match worst {
        Some(Level::Fails) => "fails",
        Some(Level::Danger) => "danger",
        Some(Level::Notice) => "notice",
        None => "clear",
    };
    html! {
        <section class={classes!("preflight", class)} aria-label="Pre-flight">
            <h2>{"Before "}<code>{"flask db upgrade"}</code>{" on "}<span class="name">{&p.database}</span>{format!(" (at {at})")}</h2>
            if p.pending.is_empty() {
                <p class="pending">{"Nothing to run: the database is at its head."}</p>
            } else {
                <p class="pending">{"Would run: "}
                    { for p.pending.iter().map(|(rev, msg)| html! { <span class="step-chip"><code>{rev}</code>{format!(" {msg}")}</span> }) }
                </p>
            }
            if p.warnings.is_empty() {
                <p class="ok-line">{"No warnings."}</p>
            }
            <ul class="warnings">
                { for p.warnings.iter().map(|w| {
                    let (class, label) = match w.level {
                        Level::Fails => ("fails", "fails"),
                        Level::Danger => ("danger", "danger"),
                        Level::Notice => ("notice", "note"),
                    };
                    html! {
                        <li class={classes!("warning", class)}>
                            <span class="level">{label}</span>
                            <span class="title">{&w.title}</span>
                            <pre class="detail">{&w.detail}</pre>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

fn presence_chip(place: &str, p: &Presence) -> Html {
    let text = match (&p.file, &p.commit) {
        (false, _) => "—".to_string(),
        (true, Some(c)) => c.id.clone(),
        (true, None) => "not committed".to_string(),
    };
    let title = match (&p.file, &p.commit) {
        (false, _) => format!("not on {place}"),
        (true, Some(c)) => format!(
            "on {place}, added by {} \"{}\"{}",
            c.id,
            c.subject,
            if p.branches.is_empty() {
                String::new()
            } else {
                format!(", on {}", p.branches.join(", "))
            }
        ),
        (true, None) => format!("in {place}'s working tree, in no commit"),
    };
    html! {
        <span class={classes!("place", if p.file { "has" } else { "missing" }, (p.file && p.commit.is_none()).then_some("uncommitted"))} title={title}>
            <span class="place-name">{place}</span>{" "}{text}
        </span>
    }
}

fn graph(
    timeline: &Timeline,
    view: &TimelineView,
    selected: Option<&str>,
    select: &Callback<String>,
) -> Html {
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
    let row = |i: usize| -> Option<&RevisionRow> { view.rows.get(i) };
    html! {
        <ol class="revisions" aria-label="Revisions">
            { for timeline.nodes.iter().enumerate().rev().map(|(i, node)| {
                let here = pointers(i);
                let mut marks = Vec::new();
                if node.head { marks.push("head"); }
                if node.merge { marks.push("merge"); }
                if node.branch_point { marks.push("branch point"); }
                let rev = node.revision.clone();
                let onclick = {
                    let select = select.clone();
                    Callback::from(move |_| select.emit(rev.clone()))
                };
                let is_selected = selected == Some(node.revision.as_str());
                html! {
                    <li class={classes!("revision", (!here.is_empty()).then_some("current"), is_selected.then_some("selected"), node.merge.then_some("merge"))}
                        style={format!("margin-left: {}em", node.lane * 2)}>
                        <button class="rev-button" aria-pressed={is_selected.to_string()} onclick={onclick}
                            aria-label={format!("Revision {} {}", node.revision, node.message)}>
                            <code class="rev">{&node.revision}</code>
                            <span class="message">{&node.message}</span>
                        </button>
                        { for node.labels.iter().map(|l| html! { <span class="badge">{format!("@{l}")}</span> }) }
                        { for marks.iter().map(|m| html! { <span class="badge">{*m}</span> }) }
                        { for here.iter().map(|db| html! { <span class="pointer">{format!("← {db}")}</span> }) }
                        if let Some(r) = row(i) {
                            <div class="places">
                                { for view.places.iter().zip(&r.presence).map(|(place, p)| presence_chip(place, p)) }
                            </div>
                        }
                    </li>
                }
            }) }
            <li class="revision base">
                <code class="rev">{"<base>"}</code>
                { for at_base.iter().map(|db| html! { <span class="pointer">{format!("← {db}")}</span> }) }
            </li>
        </ol>
    }
}

fn schema_tables(tables: &[TableSchema]) -> Html {
    if tables.is_empty() {
        return html! { <p class="empty">{"No tables."}</p> };
    }
    html! {
        <div class="schema-tables">
            { for tables.iter().map(|t| html! {
                <table class="columns" aria-label={format!("Table {}", t.name)}>
                    <caption>{"table "}<span class="name">{&t.name}</span></caption>
                    { for t.columns.iter().map(|c| html! {
                        <tr class={classes!(c.changed.then_some("changed"))}>
                            <td class="name">{&c.name}</td>
                            <td>{&c.type_name}
                                { for c.default.iter().map(|d| html! { <span class="default">{format!(" default {d}")}</span> }) }
                            </td>
                            <td class="nullability">{ if c.not_null { "NOT NULL" } else { "NULL" } }</td>
                            <td>{ for c.keys.iter().map(|k| html! { <span class="badge">{k}</span> }) }</td>
                        </tr>
                    }) }
                </table>
            }) }
        </div>
    }
}

fn revision_detail(d: &RevisionDetail, select: &Callback<String>) -> Html {
    let close = {
        let select = select.clone();
        let rev = d.revision.clone();
        Callback::from(move |_| select.emit(rev.clone()))
    };
    html! {
        <section class="revision-detail" aria-label="Revision detail">
            <h2>
                <code class="rev">{&d.revision}</code>{" "}<span class="name">{&d.file_name}</span>
                <button class="close" onclick={close} aria-label="Close revision">{"×"}</button>
            </h2>
            <p class="location">{&d.location}</p>
            <pre class="source" aria-label="Revision file">{&d.source}</pre>
            <h3>{"Schema at this revision"}</h3>
            if let Some(e) = d.error() {
                <pre class="step-error">{e}</pre>
            }
            { schema_tables(d.schema()) }
        </section>
    }
}

fn slider(steps: &[SchemaStep], at: usize, on_step: Callback<InputEvent>) -> Html {
    let current = at.checked_sub(1).and_then(|i| steps.get(i));
    let label = match current {
        None => format!("Step 0 of {}: base, no tables", steps.len()),
        Some(s) => format!("Step {at} of {}: {} {}", steps.len(), s.revision, s.message),
    };
    html! {
        <section class="steps" aria-label="Upgrade steps">
            <h2>{"Upgrade, step by step"}</h2>
            <input type="range" min="0" max={steps.len().to_string()} value={at.to_string()}
                aria-label="Upgrade step" oninput={on_step} />
            <ol class="step-ticks">
                { for steps.iter().enumerate().map(|(i, s)| html! {
                    <li class={classes!((i < at).then_some("done"), (i + 1 == at).then_some("now"), s.error.is_some().then_some("failed"))}>
                        <code>{&s.revision}</code>
                    </li>
                }) }
            </ol>
            <p class="step-label" aria-live="polite">{label}</p>
            if let Some(s) = current {
                if let Some(e) = &s.error {
                    <pre class="step-error">{e}</pre>
                }
                <ul class="changes" aria-label="Schema diff">
                    if s.changes.is_empty() && s.error.is_none() {
                        <li class="same">{"No change to tables or columns."}</li>
                    }
                    { for s.changes.iter().map(|c| {
                        let class = match c.kind {
                            ChangeKind::Added => "added",
                            ChangeKind::Removed => "removed",
                            ChangeKind::Changed => "changed",
                        };
                        html! { <li class={class}>{c.to_string()}</li> }
                    }) }
                </ul>
                { schema_tables(&s.tables) }
            }
        </section>
    }
}

fn git_graph(g: &GitGraph) -> Html {
    html! {
        <div class="git-place" aria-label={format!("Git graph {}", g.place)}>
            <h3>
                <span class="name">{&g.place}</span>
                { for g.head.iter().map(|h| html! { <span class="head">{format!(" on {h}")}</span> }) }
            </h3>
            if g.head.is_none() {
                <p class="empty">{"No repository around ~/app."}</p>
            } else if g.lines.is_empty() {
                <p class="empty">{"No commits yet."}</p>
            }
            <div class="git-log">
                { for g.lines.iter().map(|l| html! {
                    <div class="git-line">
                        <span class="lanes">{&l.graph}</span>
                        { for l.commit.iter().map(|c| html! { <span class="sha">{c}</span> }) }
                        if !l.refs.is_empty() {
                            <span class="refs">{format!(" ({})", l.refs)}</span>
                        }
                        if !l.subject.is_empty() {
                            <span class="subject">{format!(" {}", l.subject)}</span>
                        }
                    </div>
                }) }
            </div>
        </div>
    }
}

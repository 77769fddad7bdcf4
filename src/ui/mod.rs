//! The page, in Yew. Components only draw the state that `app` computes and
//! dispatch [`Action`]s; every rule lives below this module.
//!
//! Architecture invariant: this is the only module that knows about the
//! browser, and it compiles only with feature `web`.

mod bench;
mod bench_sql;
mod compare;
mod database;
mod documents;
mod files;
mod request_flow;
mod storage;
mod terminal;
mod timeline;
mod toolbar;

use std::rc::Rc;

use yew::prelude::*;

use crate::app::{self, Action};

/// The session as Yew holds it: the reducer delegates to [`app::reduce`].
#[derive(Clone, Debug)]
pub struct Lab {
    /// The session state.
    pub state: app::State,
    /// Counts reductions, so contexts re-render exactly when the state changed.
    pub generation: u64,
}

impl PartialEq for Lab {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
    }
}

impl Reducible for Lab {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let lab = Rc::unwrap_or_clone(self);
        Rc::new(Lab {
            state: app::reduce(lab.state, action),
            generation: lab.generation + 1,
        })
    }
}

/// The handle components use to read the session and dispatch actions.
pub type LabHandle = UseReducerHandle<Lab>;

/// Reader preferences: kept in the browser, not part of the session.
#[derive(Clone, Debug, PartialEq)]
pub struct Prefs {
    /// `"dark"` or `"light"`.
    pub theme: String,
    /// Base font size in pixels.
    pub font_px: u32,
}

/// The panels beside the terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Files,
    Database,
    Documents,
    Compare,
    Migrations,
    Request,
}

impl Tab {
    const ALL: [Tab; 6] = [
        Tab::Files,
        Tab::Database,
        Tab::Migrations,
        Tab::Request,
        Tab::Documents,
        Tab::Compare,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Files => "Files",
            Tab::Database => "Database",
            Tab::Documents => "Documents",
            Tab::Compare => "Journal vs Form",
            Tab::Migrations => "Migrations",
            Tab::Request => "Request",
        }
    }
}

/// The root component.
#[component]
pub fn App() -> Html {
    if bench::requested() {
        return html! { <bench::Bench /> };
    }
    if bench_sql::requested() {
        return html! { <bench_sql::BenchSql /> };
    }
    let loaded = use_memo((), |_| storage::load_session());
    let lab = {
        let loaded = loaded.clone();
        use_reducer(move || Lab {
            state: loaded.0.clone(),
            generation: 0,
        })
    };
    let prefs = use_state(storage::load_prefs);
    let notice = use_state(|| loaded.1.clone());
    let tab = use_state(|| Tab::Files);

    {
        let log = lab.state.log.clone();
        let seed = lab.state.seed;
        let lab = lab.clone();
        use_effect_with((seed, log), move |_| storage::save_session(&lab.state));
    }
    {
        let prefs = (*prefs).clone();
        use_effect_with(prefs, storage::apply_prefs);
    }

    let dismiss = {
        let notice = notice.clone();
        Callback::from(move |_| notice.set(None))
    };
    html! {
        <ContextProvider<LabHandle> context={lab.clone()}>
            <div class="lab">
                <header class="top">
                    <h1 class="brand">{"SchemaLab"}</h1>
                    <span class="machine" aria-label="Current machine">{format!("on {}", lab.state.world.machine().name)}</span>
                    <toolbar::Toolbar prefs={prefs.clone()} />
                </header>
                if let Some(text) = (*notice).clone() {
                    <div class="notice" role="alert">
                        <span>{text}</span>
                        <button onclick={dismiss}>{"Dismiss"}</button>
                    </div>
                }
                <main class="workspace">
                    <section class="terminal-pane" aria-label="Terminal">
                        <terminal::Terminal />
                    </section>
                    <section class="side-pane" aria-label="Panels">
                        <div class="tabs" role="tablist">
                            { for Tab::ALL.iter().map(|&t| {
                                let selected = *tab == t;
                                let tab = tab.clone();
                                html! {
                                    <button role="tab" class={classes!("tab", selected.then_some("active"))}
                                        aria-selected={selected.to_string()}
                                        onclick={Callback::from(move |_| tab.set(t))}>{t.label()}</button>
                                }
                            }) }
                        </div>
                        <div class="panel" role="tabpanel" aria-label={tab.label()}>
                            { match *tab {
                                Tab::Files => html! { <files::Files /> },
                                Tab::Database => html! { <database::Database /> },
                                Tab::Documents => html! { <documents::Documents /> },
                                Tab::Compare => html! { <compare::Compare /> },
                                Tab::Migrations => html! { <timeline::Migrations /> },
                                Tab::Request => html! { <request_flow::RequestFlow /> },
                            } }
                        </div>
                    </section>
                </main>
            </div>
        </ContextProvider<LabHandle>>
    }
}

/// Mounts the app into the page's body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}

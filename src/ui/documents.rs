//! The document explorer: databases → collections → documents, and each
//! collection's shapes with mixed types and near-duplicate names flagged.
//! It only draws `app::views::DocumentsView`.

use yew::prelude::*;

use super::LabHandle;
use crate::app::views::documents::Collection;
use crate::app::views::DocumentsView;

/// The document explorer component.
#[component]
pub fn Documents() -> Html {
    let lab = use_context::<LabHandle>().expect("Documents is rendered inside the lab context");
    let view = {
        let lab = lab.clone();
        use_memo(lab.generation, move |_| {
            DocumentsView::of(&lab.state.world.machine().mongo)
        })
    };
    html! {
        <div class="explorer documents" aria-label="Document explorer">
            <p class="cluster">{format!("MongoDB server on {} (localhost:27017)", lab.state.world.machine().name)}</p>
            if view.databases.is_empty() {
                <p class="empty">{"Nothing stored yet. In MongoDB a database and a collection appear on the first write: try "}<code>{"mongosh"}</code>{" then "}<code>{"db.users.insertOne({name: \"Ada\"})"}</code>{"."}</p>
            }
            { for view.databases.iter().map(|db| html! {
                <section class="db" aria-label={format!("Database {}", db.name)}>
                    <h2>{"database "}<span class="name">{&db.name}</span></h2>
                    { for db.collections.iter().map(collection) }
                </section>
            }) }
        </div>
    }
}

fn collection(c: &Collection) -> Html {
    let near = c.near_duplicates();
    let mixed = c.mixed_types();
    html! {
        <details class="collection" open=true>
            <summary>
                {"collection "}<span class="name">{&c.name}</span>
                <span class="count">{format!(" — {} document{}, {} shape{}", c.count, if c.count == 1 { "" } else { "s" }, c.shapes.len(), if c.shapes.len() == 1 { "" } else { "s" })}</span>
                if c.validated { <span class="badge">{"$jsonSchema"}</span> }
            </summary>
            <table class="shapes" aria-label={format!("Shapes of {}", c.name)}>
                <thead><tr><th>{"documents"}</th><th>{"fields"}</th></tr></thead>
                <tbody>
                    { for c.shapes.iter().map(|shape| html! {
                        <tr>
                            <td class="num">{shape.count}</td>
                            <td>{ for shape.fields.iter().map(|f| {
                                let flagged = f.type_varies || !f.similar_to.is_empty();
                                html! {
                                    <span class={classes!("field", flagged.then_some("flagged"))}
                                        title={f.types.join(" | ")}>
                                        {&f.name}<span class="type">{format!(": {}", f.types.join("|"))}</span>
                                    </span>
                                }
                            }) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if !near.is_empty() || !mixed.is_empty() {
                <ul class="warnings">
                    { for near.iter().map(|(a, b)| html! { <li>{format!("“{a}” and “{b}” look like the same field, spelled two ways: queries on one miss the other.")}</li> }) }
                    { for mixed.iter().map(|name| html! { <li>{format!("“{name}” holds values of different types: comparisons and sorting treat them differently.")}</li> }) }
                </ul>
            }
            <div class="docs">
                { for c.documents.iter().map(|d| html! { <pre class="doc">{d}</pre> }) }
            </div>
            if c.count > c.documents.len() {
                <p class="more">{format!("… and {} more documents", c.count - c.documents.len())}</p>
            }
        </details>
    }
}

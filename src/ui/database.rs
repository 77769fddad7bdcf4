//! The database explorer: cluster → databases → schemas → tables, each table
//! with its columns and rows; what the last command changed is highlighted.
//! It only draws `app::views::DatabaseView`.

use yew::prelude::*;

use super::LabHandle;
use crate::app::views::database::{ColumnNode, TableNode};

/// The database explorer component.
#[component]
pub fn Database() -> Html {
    let lab = use_context::<LabHandle>().expect("Database is rendered inside the lab context");
    let view = &lab.state.database;
    let (system, user): (Vec<_>, Vec<_>) = view.databases.iter().partition(|d| d.system);
    html! {
        <div class="explorer" aria-label="Database explorer">
            <p class="cluster">{format!("PostgreSQL cluster on {} (localhost:5432)", view.machine)}</p>
            if user.is_empty() {
                <p class="empty">{"No database of yours yet. A cluster starts with only its system databases; create one with "}<code>{"createdb app"}</code>{"."}</p>
            }
            { for user.iter().map(|db| html! {
                <section class={classes!("db", db.new.then_some("changed"))} aria-label={format!("Database {}", db.name)}>
                    <h2>{"database "}<span class="name">{&db.name}</span></h2>
                    { for db.schemas.iter().map(|schema| html! {
                        <div class="schema">
                            <h3>{"schema "}<span class="name">{&schema.name}</span></h3>
                            if schema.tables.is_empty() {
                                <p class="empty">{"No tables: an empty container. PostgreSQL will refuse any insert until a table is created."}</p>
                            }
                            { for schema.tables.iter().map(table) }
                        </div>
                    }) }
                </section>
            }) }
            <p class="system">{"System databases: "}{ system.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(", ") }</p>
        </div>
    }
}

fn column_row(column: &ColumnNode) -> Html {
    html! {
        <tr class={classes!(column.changed.then_some("changed"))}>
            <td class="name">{&column.name}</td>
            <td>{&column.type_name}</td>
            <td>{ if column.not_null { "NOT NULL" } else { "" } }</td>
            <td class="default">{ column.default.clone().unwrap_or_default() }</td>
            <td>{ for column.keys.iter().map(|k| html! { <span class="badge">{k}</span> }) }</td>
        </tr>
    }
}

fn table(table: &TableNode) -> Html {
    let shown = table.rows.len();
    html! {
        <details class={classes!("table", table.changed.then_some("changed"))} open=true>
            <summary>
                {"table "}<span class="name">{&table.name}</span>
                <span class="count">{format!(" — {} row{}", table.row_count, if table.row_count == 1 { "" } else { "s" })}</span>
            </summary>
            <table class="columns" aria-label={format!("Columns of {}", table.name)}>
                <thead><tr><th>{"column"}</th><th>{"type"}</th><th>{"null?"}</th><th>{"default"}</th><th>{"keys"}</th></tr></thead>
                <tbody>{ for table.columns.iter().map(column_row) }</tbody>
            </table>
            if !table.constraints.is_empty() {
                <ul class="constraints">
                    { for table.constraints.iter().map(|(name, def)| html! { <li><code>{format!("{name}: {def}")}</code></li> }) }
                </ul>
            }
            <table class="rows" aria-label={format!("Rows of {}", table.name)}>
                <thead><tr>{ for table.columns.iter().map(|c| html! { <th>{&c.name}</th> }) }</tr></thead>
                <tbody>
                    { for table.rows.iter().map(|row| html! {
                        <tr class={classes!(row.changed.then_some("changed"))}>
                            { for row.values.iter().map(|v| match v {
                                Some(text) => html! { <td>{text}</td> },
                                None => html! { <td class="null">{"NULL"}</td> },
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            if table.row_count > shown {
                <p class="more">{format!("… and {} more rows", table.row_count - shown)}</p>
            }
        </details>
    }
}

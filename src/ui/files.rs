//! The files panel: the learner's files as a tree, and an editor whose
//! saves go through the session log like any command.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::LabHandle;
use crate::app::Action;
use crate::world::fs::Fs;

/// The files panel component.
#[component]
pub fn Files() -> Html {
    let lab = use_context::<LabHandle>().expect("Files is rendered inside the lab context");
    let machine = lab.state.world.machine();
    let home = machine.home();
    let mut rows = Vec::new();
    tree_rows(&machine.fs, &home, 0, &mut rows);
    let editing = lab.state.editing.clone();
    html! {
        <div class="files">
            <ul class="tree" aria-label="Files">
                { for rows.into_iter().map(|(depth, name, path)| {
                    let indent = format!("padding-left: {}em", depth);
                    match path {
                        None => html! { <li class="dir" style={indent}>{format!("{name}/")}</li> },
                        Some(path) => {
                            let current = editing.as_deref() == Some(path.as_str());
                            let open = {
                                let lab = lab.clone();
                                Callback::from(move |_: MouseEvent| lab.dispatch(Action::OpenFile(path.clone())))
                            };
                            html! {
                                <li style={indent}>
                                    <button class={classes!("file", current.then_some("current"))} onclick={open}>{name}</button>
                                </li>
                            }
                        }
                    }
                }) }
            </ul>
            if let Some(path) = editing {
                <Editor key={editor_key(&lab, &path)} path={path.clone()} />
            }
        </div>
    }
}

/// The rows of the tree below `dir`: depth, name, and the path of a file
/// (`None` for a directory), directories first as a file manager shows them.
fn tree_rows(fs: &Fs, dir: &str, depth: usize, rows: &mut Vec<(usize, String, Option<String>)>) {
    let children = fs.children(dir);
    for (name, _) in children.iter().filter(|(_, n)| n.is_dir()) {
        if name.starts_with('.') {
            continue;
        }
        rows.push((depth, name.to_string(), None));
        tree_rows(fs, &format!("{dir}/{name}"), depth + 1, rows);
    }
    for (name, _) in children.iter().filter(|(_, n)| !n.is_dir()) {
        rows.push((depth, name.to_string(), Some(format!("{dir}/{name}"))));
    }
}

/// The editor's identity: its path and the saved content, so a change made
/// from the terminal (`cat > models.py`) reloads the editor, while an unsaved
/// draft survives commands that leave the file alone.
fn editor_key(lab: &LabHandle, path: &str) -> String {
    let content = lab.state.world.machine().fs.read(path).unwrap_or_default();
    let hash = content.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("{path}#{hash:x}")
}

/// Props: the absolute path being edited.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// Absolute path; the file may not exist yet (`edit new.py`).
    pub path: String,
}

/// The editor: a draft kept locally until Save dispatches it.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let lab = use_context::<LabHandle>().expect("Editor is rendered inside the lab context");
    let saved = lab
        .state
        .world
        .machine()
        .fs
        .read(&props.path)
        .unwrap_or_default()
        .to_string();
    let draft = {
        let saved = saved.clone();
        use_state(move || saved)
    };
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            draft.set(area.value());
        })
    };
    let save = {
        let lab = lab.clone();
        let draft = draft.clone();
        let path = props.path.clone();
        Callback::from(move |_: MouseEvent| {
            lab.dispatch(Action::SaveFile {
                path: path.clone(),
                content: (*draft).clone(),
            })
        })
    };
    let close = {
        let lab = lab.clone();
        Callback::from(move |_: MouseEvent| lab.dispatch(Action::CloseEditor))
    };
    let dirty = *draft != saved;
    html! {
        <div class="editor">
            <div class="editor-bar">
                <span class="editor-path">{&props.path}{ if dirty { " •" } else { "" } }</span>
                <button onclick={save} disabled={!dirty}>{"Save"}</button>
                <button onclick={close}>{"Close"}</button>
            </div>
            <textarea class="editor-text" aria-label={format!("Editing {}", props.path)}
                spellcheck="false" value={(*draft).clone()} {oninput} />
        </div>
    }
}

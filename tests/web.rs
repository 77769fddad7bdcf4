//! Browser tests, in headless Chromium through wasm-bindgen-test: the page
//! mounts, the terminal answers, and a corrupt save is reported and kept.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

async fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<schemalab::ui::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

#[wasm_bindgen_test]
async fn the_terminal_shows_the_prompt_and_an_input() {
    storage().clear().unwrap();
    let root = mount().await;
    let input = root.query_selector("[aria-label=Command]").unwrap();
    assert!(input.is_some(), "no command input");
    let prompt = root.query_selector(".input-line .prompt").unwrap().unwrap();
    assert_eq!(prompt.text_content().unwrap(), "learner@laptop:~/app$ ");
    assert!(root.query_selector("[role=log]").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn a_saved_session_is_replayed_on_load() {
    storage()
        .set_item(
            "schemalab.session",
            r#"{"format":"schemalab-session","version":1,"seed":42,"log":["echo restored"]}"#,
        )
        .unwrap();
    let root = mount().await;
    let log = root.query_selector("[role=log]").unwrap().unwrap();
    assert!(log.text_content().unwrap().contains("restored"));
    storage().clear().unwrap();
}

#[wasm_bindgen_test]
async fn a_corrupt_save_is_reported_and_kept_aside() {
    storage().set_item("schemalab.session", "not json").unwrap();
    let root = mount().await;
    let alert = root.query_selector("[role=alert]").unwrap().unwrap();
    assert!(alert.text_content().unwrap().contains("could not be read"));
    assert_eq!(
        storage()
            .get_item("schemalab.session.kept-aside")
            .unwrap()
            .as_deref(),
        Some("not json")
    );
    let html: web_sys::HtmlElement = alert.dyn_into().unwrap();
    assert!(!html.inner_text().is_empty());
    storage().clear().unwrap();
}

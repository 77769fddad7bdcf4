//! The web entry: mounts the Yew page. Built by trunk for wasm32.

fn main() {
    schemalab::ui::start();
}

#![recursion_limit = "256"]
//! The browser bundle: hydrates the server-rendered pages of the `app` crate.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

#![recursion_limit = "256"]
//! The customers' browser bundle (issue 17): hydrates the help center and the widget's
//! chat ([`app::CustomerApp`]) and nothing else, so the console's, history's and admin's
//! code never reaches a customer (the linker drops what this entry cannot reach).
//!
//! Built by `scripts/build-site.sh` (cargo-leptos builds one bundle per project);
//! no panic hook: a panic's message would pull the formatting machinery in.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate_customer() {
    leptos::mount::hydrate_body(app::CustomerApp);
}

#![recursion_limit = "256"]
//! The agents' browser bundle: hydrates the console and admin pages of the `app` crate
//! ([`app::App`]). It can hydrate the customers' pages too ([`hydrate_customer`]): the
//! server falls back to it when the lean `customer` bundle was not built (e.g. under
//! `cargo leptos watch`).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate_customer() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::CustomerApp);
}

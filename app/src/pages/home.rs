//! `/`: people who open the bare address are agents or admins; send them to the console.

use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn Home() -> impl IntoView {
    view! { <Redirect path="/console"/> }
}

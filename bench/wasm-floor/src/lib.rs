//! The floor of a hydrated Leptos page (issue 17): one routed page with a signal, a JSON
//! round trip, a formatted time and a WebSocket — each dependency of the customers'
//! bundle used once, nothing of the product. `bench/wasm-floor.sh` builds it exactly as
//! the customers' bundle is built and reports its size beside it.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[derive(serde::Serialize, serde::Deserialize, Clone)]
struct Line {
    text: String,
    at: chrono::DateTime<chrono::Utc>,
}

#[component]
fn Page() -> impl IntoView {
    let (lines, set_lines) = signal(Vec::<Line>::new());
    let fetch = move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(r) = gloo_net::http::Request::get("/lines").send().await
                && let Ok(text) = r.text().await
                && let Ok(got) = serde_json::from_str::<Vec<Line>>(&text)
            {
                set_lines.set(got);
            }
            let _ = gloo_net::websocket::futures::WebSocket::open("/ws");
        });
    };
    view! {
        <Title text="floor"/>
        <button on:click=fetch>"load"</button>
        <ul>
            <For each=move || lines.get() key=|l| l.text.clone() let:line>
                <li>{line.text} " " {line.at.format("%H:%M").to_string()}</li>
            </For>
        </ul>
    }
}

#[component]
fn Floor() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=|| "not found">
                <Route path=path!("/hc/:slug") view=Page/>
            </Routes>
        </Router>
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(Floor);
}

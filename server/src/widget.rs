//! The embeddable widget's server side (C-SET-5, C-IN-4): `/widget.js`, the loader a
//! host page includes (no framework; well under 2 KB gzipped), with its service's
//! switches baked in so it needs no further request before the click; and the
//! `frame-ancestors` policy that keeps `/widget/{slug}` off sites the service did not
//! allow.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::AppState;

/// The loader's code; the server appends the service config and `);`.
const LOADER: &str = include_str!("assets/widget.js");

#[derive(Deserialize)]
pub struct LoaderQuery {
    service: Option<String>,
}

/// The loader JS: `(function(C){…})({"slug":…,"on":…,"domains":[…],"look":{…}});`.
/// `look` is the service's widget appearance (issue 33): `color`, `position` (`right` or
/// `left`) and `label` (the launcher's label per language, the default language's under
/// `""`). Without `?service=` the config is `null` and the script tag's `data-service`
/// is used (with the default look).
pub async fn loader(State(state): State<AppState>, Query(q): Query<LoaderQuery>) -> Response {
    let config = match q.service.as_deref() {
        Some(slug) => match state.engine.widget_config(slug).await {
            Ok(Some(c)) => {
                let mut label = c.appearance.launcher_label.clone();
                let default = c.locales.first().and_then(|l| label.get(l)).cloned();
                if let Some(d) = default {
                    label.insert(String::new(), d);
                }
                let look = serde_json::json!({
                    "color": c.appearance.color,
                    "position": c.appearance.position.as_str(),
                    "label": label,
                });
                serde_json::json!({ "slug": slug, "on": c.chat_enabled, "domains": c.allowed_domains, "look": look }).to_string()
            }
            Ok(None) => serde_json::json!({ "slug": slug, "on": false, "domains": [] }).to_string(),
            Err(e) => {
                tracing::error!(error = %e, "widget config");
                "null".into()
            }
        },
        None => "null".into(),
    };
    let body = format!("{LOADER}{config});\n");
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // switches (chat on/off, domains) reach host pages within a minute
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        body,
    )
        .into_response()
}

/// Who may frame the widget page `/widget/{slug}`: our own pages and the service's
/// allowed domains (anyone when the list is empty), as a `frame-ancestors` source list.
pub async fn frame_ancestors(state: &AppState, slug: &str) -> String {
    let ancestors = match state.engine.widget_config(slug).await {
        Ok(Some(c)) if !c.allowed_domains.is_empty() => c
            .allowed_domains
            .iter()
            .map(|d| format!("http://{d} https://{d}"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => "*".to_owned(),
    };
    format!("'self' {ancestors}")
}

//! `/widget/{slug}`: the chat inside the widget's iframe on a host site (C-IN-4). It
//! reuses the help-center chat (consent, absent → inquiry, chat, rating, end) without
//! the launcher, which lives in the host page (`/widget.js`).

use leptos::prelude::*;
use leptos_meta::{Body, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::chat::customer::{CustomerChat, Embed};
use crate::i18n::{use_locale, use_texts};

#[component]
pub fn WidgetPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let query = use_query_map();
    let slug = params.read_untracked().get("slug").unwrap_or_default();
    let q = |k: &str| query.read_untracked().get(k).filter(|v| !v.is_empty());
    if let Some(l) = q("locale").and_then(|l| shared::i18n::Locale::parse(&l)) {
        use_locale().set(l);
    }
    let embed = Embed {
        host: q("host").unwrap_or_default(),
        page: q("page").unwrap_or_default(),
        user_id: q("uid"),
        user_hash: q("uhash"),
    };
    view! {
        <Title text=move || t.get().chat_title.to_string()/>
        <Body {..} class="embedded"/>
        <CustomerChat slug embed/>
    }
}

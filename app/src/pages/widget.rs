//! `/widget/{slug}`: the chat inside the widget's iframe on a host site (C-IN-4). It
//! reuses the help-center chat (consent, absent → inquiry, chat, rating, end) without
//! the launcher, which lives in the host page (`/widget.js`).
//!
//! Its language (issue 33): the host page's `data-locale` when it sets one, else the
//! visitor's browser language — either fitted to the languages the service offers, so
//! an English browser gets English where the service has it and the service's default
//! where it does not. The page renders once that is known (async SSR), in that language.

use leptos::prelude::*;
use leptos_meta::{Body, Html, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::load_help_center;
use crate::chat::customer::{CustomerChat, Embed};
use crate::i18n::{fit_locale, use_locale, use_texts};
use crate::pages::errors::NotFound;

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
    let service = Resource::new(move || slug.clone(), load_help_center);
    let locale = use_locale();
    view! {
        <Body {..} class="embedded"/>
        <Suspense fallback=move || view! { <p class="loading">{move || t.get().loading}</p> }>
            {move || {
                let embed = embed.clone();
                Suspend::new(async move {
                    match service.await {
                        Ok(Some(hc)) => {
                            fit_locale(&hc.locales);
                            crate::brand::provide_brand(&hc);
                            let style = crate::brand::brand_style(&hc.appearance);
                            view! {
                                // after the fit, so the title is in the language the chat speaks
                                <Title text=move || t.get().chat_title.to_string()/>
                                <Html {..} lang=move || locale.get().code()/>
                                <div class="brand" style=style data-testid="brand">
                                    <CustomerChat slug=hc.slug embed/>
                                </div>
                            }
                            .into_any()
                        }
                        Ok(None) => view! { <NotFound detail=t.get_untracked().not_found_service/> }.into_any(),
                        Err(e) => view! { <p class="error-banner" role="alert">{e.shown()}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

//! `/hc/{slug}`: a service's public help center — search over the help articles, topics,
//! and the way to reach an agent. Unknown slugs get the 404 page with status 404.

use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::use_params_map;
use shared::HelpCenterInfo;

use crate::api::load_help_center;
use crate::i18n::{LangSwitch, use_texts};
use crate::pages::errors::NotFound;

#[component]
pub fn HelpCenter() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let info = Resource::new(slug, load_help_center);
    let t = use_texts();
    view! {
        <Suspense fallback=move || view! { <p class="loading">{move || t.get().loading}</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(Some(hc)) => view! { <HelpCenterPage hc/> }.into_any(),
                    Ok(None) => view! { <NotFound detail=t.get_untracked().not_found_service/> }.into_any(),
                    Err(e) => view! { <p class="error-banner" role="alert">{e.shown()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Lower-cased, whitespace-trimmed matching that works for Korean (no case) and English.
fn matches(query: &str, title: &str, summary: &str) -> bool {
    let q = query.trim().to_lowercase();
    q.is_empty() || title.to_lowercase().contains(&q) || summary.to_lowercase().contains(&q)
}

#[component]
fn HelpCenterPage(hc: HelpCenterInfo) -> impl IntoView {
    // A language the help center does not offer falls back to its default (C-SET-3);
    // the page's `lang` follows (set here, after the fit, so the server renders it too).
    crate::i18n::fit_locale(&hc.locales);
    let locale = crate::i18n::use_locale();
    crate::brand::provide_brand(&hc);
    let style = crate::brand::brand_style(&hc.appearance);
    let t = use_texts();
    let (query, set_query) = signal(String::new());
    let name = hc.name.clone();
    let title_name = hc.name.clone();
    let initial = hc
        .name
        .chars()
        .next()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let hits = move || {
        let q = query.get();
        t.get()
            .hc_articles
            .iter()
            .filter(|a| matches(&q, a.title, a.summary))
            .collect::<Vec<_>>()
    };
    view! {
        <Title text=move || format!("{} {}", title_name, t.get().hc_title_suffix)/>
        <Html {..} lang=move || locale.get().code()/>
        <div class="hc" class:dock-left=hc.appearance.position == shared::Corner::Left data-testid="help-center" data-service=hc.slug.clone() style=style>
            <header class="hc-header">
                <div class="hc-brand">
                    <span class="hc-logo" aria-hidden="true">{initial}</span>
                    <span class="hc-name" data-testid="service-name">{name.clone()}</span>
                    <span class="hc-suffix">{move || t.get().hc_title_suffix}</span>
                </div>
                <LangSwitch only=hc.locales.clone()/>
            </header>
            <section class="hc-hero">
                <h1>{move || t.get().hc_hero_title}</h1>
                <p>{move || t.get().hc_hero_subtitle}</p>
                <label class="visually-hidden" for="hc-search">{move || t.get().hc_search_label}</label>
                <input
                    id="hc-search"
                    class="hc-search"
                    type="search"
                    data-testid="hc-search"
                    placeholder=move || t.get().hc_search_placeholder
                    prop:value=query
                    on:input:target=move |ev| set_query.set(ev.target().value())
                />
            </section>
            <main class="hc-main">
                <section class="hc-section" aria-labelledby="hc-popular">
                    <h2 id="hc-popular">{move || t.get().hc_popular}</h2>
                    <ul class="hc-articles" data-testid="hc-articles">
                        {move || {
                            let list = hits();
                            if list.is_empty() {
                                view! { <li class="hc-empty" data-testid="hc-no-results">{t.get().hc_no_results}</li> }
                                    .into_any()
                            } else {
                                list.into_iter()
                                    .map(|a| {
                                        view! {
                                            <li class="hc-article" data-testid="hc-article">
                                                <h3>{a.title}</h3>
                                                <p>{a.summary}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                        }}
                    </ul>
                </section>
                <aside class="hc-aside">
                <section class="hc-section" aria-labelledby="hc-topics">
                    <h2 id="hc-topics">{move || t.get().hc_topics_title}</h2>
                    <ul class="hc-topics">
                        {move || t.get().hc_topics.iter().map(|topic| view! { <li class="hc-topic">{*topic}</li> }).collect_view()}
                    </ul>
                </section>
                <section class="hc-contact">
                    <h2>{move || t.get().hc_contact_title}</h2>
                    <p>{move || t.get().hc_contact_body}</p>
                    {match hc.hours.clone() {
                        Some(hours) => view! { <crate::chat::waiting::HoursTable hours/> }.into_any(),
                        None => view! { <p class="hc-hours" data-testid="hc-hours-any-time">{move || t.get().hc_hours_any_time}</p> }.into_any(),
                    }}
                </section>
                </aside>
            </main>
            {hc.chat_enabled.then(|| view! { <crate::chat::customer::CustomerChat slug=hc.slug.clone()/> })}
            <footer class="hc-footer">
                <span>{format!("© {name}")}</span>
                <span>{move || t.get().hc_footer}</span>
            </footer>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn search_matches_title_or_summary_ignoring_case() {
        assert!(matches("", "아무거나", ""));
        assert!(matches("환불", "주문을 취소하거나 환불받고 싶어요", ""));
        assert!(matches("REFUND", "I want a refund", ""));
        assert!(matches(" 송장 ", "배송 조회", "송장 번호를 눌러"));
        assert!(!matches("쿠폰", "배송 조회", "송장"));
    }
}

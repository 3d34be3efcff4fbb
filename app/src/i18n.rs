//! The UI language as a reactive signal. The server reads the `oc_lang` cookie of the
//! request and the browser reads the same cookie at hydration, so both render the same
//! language; switching sets the cookie and the signal, and every text updates in place.

use leptos::prelude::*;
use shared::i18n::{Locale, Texts};

/// The current language, provided once at the app root.
#[derive(Clone, Copy)]
pub struct LocaleSignal(pub RwSignal<Locale>);

/// Reads the initial language and provides it as context; returns the signal.
pub fn provide_locale() -> RwSignal<Locale> {
    let signal = RwSignal::new(initial_locale());
    provide_context(LocaleSignal(signal));
    signal
}

/// The language chosen in this browser (the cookie), else the browser's own preference
/// among ours (issue 33: `Accept-Language` on the server), else Korean. In the browser,
/// without the cookie, the page's `<html lang>` — the server's decision, fitted to the
/// service — comes first (`navigator.languages` need not equal the header the server
/// saw), then `navigator.languages`. A page that knows its service's languages fits the
/// result to them ([`fit_locale`]).
fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<axum::http::request::Parts>();
        let header = |name| {
            parts
                .as_ref()
                .and_then(|p| p.headers.get(name)?.to_str().ok().map(str::to_owned))
        };
        header(axum::http::header::COOKIE)
            .and_then(|c| Locale::from_cookie_header(&c))
            .or_else(|| {
                header(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|a| Locale::from_accept_language(&a))
            })
            .unwrap_or_default()
    }
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let window = web_sys::window();
        window
            .as_ref()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.cookie().ok())
            .and_then(|c| Locale::from_cookie_header(&c))
            // what the server decided for this page (its `<html lang>`), so the
            // hydrated page speaks the language it was rendered in
            .or_else(|| {
                let lang = window
                    .as_ref()?
                    .document()?
                    .document_element()?
                    .get_attribute("lang")?;
                Locale::parse(&lang)
            })
            .or_else(|| {
                let languages: Vec<String> = window?
                    .navigator()
                    .languages()
                    .iter()
                    .filter_map(|l| l.as_string())
                    .collect();
                Locale::from_accept_language(&languages.join(","))
            })
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    Locale::default()
}

/// Fits the language in use to a service's languages (C-SET-3): one it does not offer
/// becomes its default.
pub fn fit_locale(offered: &[String]) {
    let locale = use_locale();
    let fitted = locale.get_untracked().fit(offered);
    if fitted != locale.get_untracked() {
        locale.set(fitted);
    }
}

pub fn use_locale() -> RwSignal<Locale> {
    use_context::<LocaleSignal>()
        .map(|l| l.0)
        .unwrap_or_else(|| RwSignal::new(Locale::default()))
}

/// The texts of the language in use right now, outside any reactive scope (error
/// texts made in async tasks): the same cookie the signal starts from.
pub fn texts_now() -> &'static Texts {
    initial_locale().texts()
}

/// The texts of the current language, as a signal.
pub fn use_texts() -> Signal<&'static Texts> {
    let locale = use_locale();
    Signal::derive(move || locale.get().texts())
}

/// Remembers the choice in a cookie (a year) and switches the UI at once.
pub fn set_locale(signal: RwSignal<Locale>, locale: Locale) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        {
            let _ = doc.set_cookie(&format!(
                "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                shared::LOCALE_COOKIE,
                locale.code()
            ));
        }
    }
    signal.set(locale);
}

/// The language switcher: one button per language, the current one pressed. `only`
/// limits it to the languages a help center offers (its settings).
#[component]
pub fn LangSwitch(#[prop(optional)] only: Option<Vec<String>>) -> impl IntoView {
    let locale = use_locale();
    let t = use_texts();
    let offered = move |l: &Locale| {
        only.as_ref()
            .is_none_or(|o| o.iter().any(|c| c == l.code()))
    };
    let shown: Vec<Locale> = Locale::ALL.into_iter().filter(offered).collect();
    let single = shown.len() < 2;
    view! {
        <div class="lang-switch" role="group" aria-label=move || t.get().language hidden=single>
            {shown
                .into_iter()
                .map(|l| {
                    view! {
                        <button
                            type="button"
                            class="lang-option"
                            data-testid=format!("lang-{}", l.code())
                            aria-pressed=move || (locale.get() == l).to_string()
                            on:click=move |_| set_locale(locale, l)
                        >
                            {l.native_name()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

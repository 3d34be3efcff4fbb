//! A service's brand on its customer pages (issue 33): its colour as the pages' primary
//! colour (a CSS custom property on the page's root element, so every component that
//! uses `--c-primary` follows without knowing), and the chat window's welcome lines and
//! the facts its privacy consent is told from, handed to the chat through context.

use leptos::prelude::*;
use shared::Appearance;

/// The brand the chat window reads (provided by the help center and the widget page).
#[derive(Clone)]
pub struct Brand {
    pub appearance: Appearance,
    /// What the privacy consent is told from (issue 33).
    pub consent: shared::consent::ConsentFacts,
    /// The service's default language (a welcome line's fallback).
    pub default_locale: String,
}

/// Provides the brand to the components below.
pub fn provide_brand(hc: &shared::HelpCenterInfo) {
    let (appearance, locales) = (&hc.appearance, &hc.locales);
    provide_context(Brand {
        consent: hc.consent.clone(),
        appearance: appearance.clone(),
        default_locale: locales.first().cloned().unwrap_or_else(|| "ko".into()),
    });
}

/// The inline style that puts the brand colour on a root element.
pub fn brand_style(appearance: &Appearance) -> String {
    // a colour that is not `#rrggbb` (never stored, but read defensively) keeps the default
    let color = shared::appearance::parse_color(&appearance.color)
        .map(|_| appearance.color.clone())
        .unwrap_or_else(|| shared::appearance::DEFAULT_COLOR.to_owned());
    format!("--c-primary:{color};--c-primary-dark:color-mix(in srgb,{color} 82%,black)")
}

/// The welcome title and subtitle for a language, when the service set them.
pub fn welcome(locale: &str) -> (Option<String>, Option<String>) {
    match use_context::<Brand>() {
        None => (None, None),
        Some(b) => {
            let a = &b.appearance;
            (
                Appearance::text(&a.welcome_title, locale, &b.default_locale).map(str::to_owned),
                Appearance::text(&a.welcome_subtitle, locale, &b.default_locale).map(str::to_owned),
            )
        }
    }
}

/// The privacy consent's facts (the default — nothing kept beyond erasure, no files —
/// only where no page provided the brand).
pub fn consent_facts() -> shared::consent::ConsentFacts {
    use_context::<Brand>()
        .map(|b| b.consent)
        .unwrap_or_default()
}

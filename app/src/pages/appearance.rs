//! 위젯 모양 (issue 33): the service's brand colour, the launcher's corner and label,
//! and the chat window's welcome lines per language, with a live preview of the
//! launcher and the window header as a customer's site would show them. Saved with
//! its own button; a refused colour shows the server's reason next to the field.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::i18n::fill;
use shared::{Appearance, Corner, SUPPORTED_LOCALES, SettingsUpdate};

use crate::client;
use crate::i18n::use_texts;

/// The language's own name, for the per-language fields.
fn language_name(code: &str) -> &'static str {
    shared::i18n::Locale::parse(code).map_or("", |l| l.native_name())
}

#[component]
pub fn AppearancePanel() -> impl IntoView {
    let t = use_texts();
    let color = RwSignal::new(shared::appearance::DEFAULT_COLOR.to_owned());
    let corner = RwSignal::new(Corner::Right);
    let label = SUPPORTED_LOCALES.map(|_| RwSignal::new(String::new()));
    let title = SUPPORTED_LOCALES.map(|_| RwSignal::new(String::new()));
    let subtitle = SUPPORTED_LOCALES.map(|_| RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    // the stored appearance arrived (the fields hold it, not the defaults)
    let loaded = RwSignal::new(false);
    let show = move |a: Appearance| {
        loaded.set(true);
        color.set(a.color);
        corner.set(a.position);
        for (signals, texts) in [
            (label, &a.launcher_label),
            (title, &a.welcome_title),
            (subtitle, &a.welcome_subtitle),
        ] {
            for (s, lang) in signals.iter().zip(SUPPORTED_LOCALES) {
                s.set(texts.get(lang).cloned().unwrap_or_default());
            }
        }
    };
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::settings().await {
                Ok(s) => show(s.appearance),
                Err(e) => error.set(Some(e.shown())),
            }
        });
    });
    let collect = move |signals: [RwSignal<String>; 2]| {
        SUPPORTED_LOCALES
            .iter()
            .zip(signals)
            .map(|(l, s)| ((*l).to_owned(), s.get_untracked()))
            .collect::<BTreeMap<_, _>>()
    };
    // the colour rule, checked as the admin types (the server checks it again)
    let color_problem = move || {
        let a = t.get().appearance();
        match shared::appearance::parse_color(&color.get()) {
            None => Some(a.not_a_color.to_owned()),
            Some(rgb) => {
                let ratio = shared::appearance::contrast_with_white(rgb);
                (ratio < shared::appearance::MIN_CONTRAST)
                    .then(|| fill(a.too_pale, "ratio", format!("{ratio:.2}")))
            }
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(problem) = color_problem() {
            error.set(Some(problem));
            return;
        }
        let change = SettingsUpdate {
            appearance: Some(Appearance {
                color: color.get_untracked(),
                position: corner.get_untracked(),
                launcher_label: collect(label),
                welcome_title: collect(title),
                welcome_subtitle: collect(subtitle),
            }),
            ..Default::default()
        };
        crate::pages::settings::save_section(change, move |s| show(s.appearance), error, saved);
    };
    // the preview reads the first language's texts, as a Korean visitor would see them
    let preview_style = move || format!("--c-primary:{}", color.get());
    let text_fields = move |signals: [RwSignal<String>; 2],
                            label_of: fn(&shared::i18n::AppearanceTexts) -> &'static str,
                            testid: &'static str| {
        SUPPORTED_LOCALES
            .iter()
            .zip(signals)
            .map(|(lang, s)| {
                let id = format!("{testid}-{lang}");
                let (for_id, input_id) = (id.clone(), id.clone());
                view! {
                    <label class="field" for=for_id>
                        <span>{move || fill(label_of(t.get().appearance()), "lang", language_name(lang))}</span>
                        <input id=input_id data-testid=id prop:value=move || s.get()
                            on:input:target=move |ev| s.set(ev.target().value())/>
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel" aria-labelledby="appearance-title" data-testid="appearance-panel" data-loaded=move || loaded.get().to_string()>
            <h2 id="appearance-title">{move || t.get().appearance().title}</h2>
            <p class="muted">{move || t.get().appearance().intro}</p>
            <div class="appearance-grid">
                <form class="info-form" on:submit=save>
                    <label class="field" for="appearance-color">
                        <span>{move || t.get().appearance().color}</span>
                        <span class="color-pair">
                            <input type="color" aria-label=move || t.get().appearance().color prop:value=move || color.get()
                                on:input:target=move |ev| color.set(ev.target().value())/>
                            <input id="appearance-color" data-testid="appearance-color" class="narrow" prop:value=move || color.get()
                                aria-describedby="appearance-color-hint"
                                on:input:target=move |ev| color.set(ev.target().value())/>
                        </span>
                        <small id="appearance-color-hint" class="muted">{move || t.get().appearance().color_hint}</small>
                        {move || color_problem().map(|p| view! { <small class="field-error" role="status" data-testid="appearance-color-problem">{p}</small> })}
                    </label>
                    <label class="field" for="appearance-position">
                        <span>{move || t.get().appearance().position}</span>
                        <select id="appearance-position" data-testid="appearance-position"
                            on:change:target=move |ev| corner.set(if ev.target().value() == "left" { Corner::Left } else { Corner::Right })>
                            <option value="right" selected=move || corner.get() == Corner::Right>{move || t.get().appearance().right}</option>
                            <option value="left" selected=move || corner.get() == Corner::Left>{move || t.get().appearance().left}</option>
                        </select>
                    </label>
                    {text_fields(label, |a| a.label, "appearance-label")}
                    {text_fields(title, |a| a.welcome_title, "appearance-title")}
                    {text_fields(subtitle, |a| a.welcome_subtitle, "appearance-subtitle")}
                    {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="appearance-error">{e}</p> })}
                    <div class="info-actions">
                        <button type="submit" class="button primary" data-testid="appearance-save">{move || t.get().appearance().save}</button>
                        {move || saved.get().then(|| view! { <span class="note ok" data-testid="appearance-saved">{t.get().appearance().saved}</span> })}
                    </div>
                </form>
                <figure class="appearance-preview" style=preview_style data-testid="appearance-preview">
                    <figcaption>{move || t.get().appearance().preview}</figcaption>
                    <div class="preview-host" class:left=move || corner.get() == Corner::Left>
                        <span class="muted">{move || t.get().appearance().preview_host}</span>
                        <div class="preview-window">
                            <div class="chat-window-head">
                                <div class="chat-window-title">
                                    <strong>{move || Some(title[0].get()).filter(|s| !s.trim().is_empty()).unwrap_or_else(|| t.get().chat_title.to_owned())}</strong>
                                    {move || Some(subtitle[0].get()).filter(|s| !s.trim().is_empty()).map(|s| view! { <span class="chat-window-subtitle">{s}</span> })}
                                </div>
                            </div>
                        </div>
                        <span class="preview-launcher" data-testid="appearance-preview-launcher">
                            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
                                <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>
                            </svg>
                            {move || Some(label[0].get()).filter(|s| !s.trim().is_empty())}
                        </span>
                    </div>
                </figure>
            </div>
        </section>
    }
}

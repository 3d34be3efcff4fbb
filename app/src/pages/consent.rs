//! 개인정보 수집·이용 동의 문구 (issue 33): the admins' own wording of the privacy consent
//! per language, all four parts (items, purpose, retention, refusal). Each empty field
//! shows the generated part as its placeholder, so the admin sees what customers read
//! today; saving with a part missing is refused with the reason.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::consent::{ConsentFacts, ConsentWording};
use shared::i18n::{Locale, fill};
use shared::{SUPPORTED_LOCALES, SettingsUpdate};

use crate::client;
use crate::i18n::use_texts;

/// One language's four fields.
#[derive(Clone, Copy)]
struct Parts([RwSignal<String>; 4]);

impl Parts {
    fn new() -> Parts {
        Parts(std::array::from_fn(|_| RwSignal::new(String::new())))
    }

    fn set(self, w: &ConsentWording) {
        for (s, v) in self
            .0
            .iter()
            .zip([&w.items, &w.purpose, &w.retention, &w.refusal])
        {
            s.set(v.clone());
        }
    }

    fn get(self) -> ConsentWording {
        let [items, purpose, retention, refusal] = self.0.map(|s| s.get_untracked());
        ConsentWording {
            items,
            purpose,
            retention,
            refusal,
        }
    }
}

#[component]
pub fn ConsentWordingPanel() -> impl IntoView {
    let t = use_texts();
    let parts = SUPPORTED_LOCALES.map(|_| Parts::new());
    let facts = RwSignal::new(ConsentFacts::default());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let show = move |s: shared::Settings| {
        for (p, lang) in parts.iter().zip(SUPPORTED_LOCALES) {
            p.set(&s.consent.get(lang).cloned().unwrap_or_default());
        }
        facts.update(|f| f.files = !s.files.types.is_empty());
    };
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::settings().await {
                Ok(s) => show(s),
                Err(e) => error.set(Some(e.shown())),
            }
            if let Ok(r) = client::retention().await {
                facts.update(|f| f.retention_days = r.retention_days);
            }
        });
    });
    let store = move |consent: BTreeMap<String, ConsentWording>| {
        let change = SettingsUpdate {
            consent: Some(consent),
            ..Default::default()
        };
        crate::pages::settings::save_section(change, show, error, saved);
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let consent = SUPPORTED_LOCALES
            .iter()
            .zip(parts)
            .map(|(l, p)| ((*l).to_owned(), p.get()))
            .collect();
        // the rule the server applies, said in the admin's language before sending
        let incomplete = SUPPORTED_LOCALES.iter().zip(parts).find(|(_, p)| {
            let filled = p.0.map(|s| !s.get_untracked().trim().is_empty());
            filled.iter().any(|f| *f) && !filled.iter().all(|f| *f)
        });
        if let Some((lang, _)) = incomplete {
            let name = Locale::parse(lang).unwrap_or_default().native_name();
            error.set(Some(fill(
                t.get_untracked().privacy().consent_incomplete,
                "lang",
                name,
            )));
            return;
        }
        store(consent);
    };
    let generated = move |_| store(BTreeMap::new());
    view! {
        <section class="panel" aria-labelledby="consent-wording-title" data-testid="consent-wording">
            <h2 id="consent-wording-title">{move || t.get().privacy().consent_title}</h2>
            <p class="muted">{move || t.get().privacy().consent_intro}</p>
            <form class="info-form" on:submit=save>
                {SUPPORTED_LOCALES.iter().zip(parts).map(|(lang, p)| {
                    let locale = Locale::parse(lang).unwrap_or_default();
                    let labels = move || {
                        let lt = locale.texts();
                        [lt.consent_items_label, lt.consent_purpose_label, lt.consent_retention_label, lt.consent_refusal_label]
                    };
                    let placeholder = move |i: usize| {
                        let n = facts.get().notice(locale.texts());
                        [n.items, n.purpose, n.retention, n.refusal][i].clone()
                    };
                    view! {
                        <fieldset class="consent-language">
                            <legend>{move || fill(t.get().privacy().consent_language, "lang", locale.native_name())}</legend>
                            {(0..4).map(|i| {
                                let id = format!("consent-{lang}-{i}");
                                let (for_id, testid) = (id.clone(), id.clone());
                                view! {
                                    <label class="field" for=for_id>
                                        <span>{move || labels()[i]}</span>
                                        <textarea id=id data-testid=testid rows="2"
                                            placeholder=move || placeholder(i)
                                            prop:value=move || p.0[i].get()
                                            on:input:target=move |ev| p.0[i].set(ev.target().value())></textarea>
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    }
                }).collect_view()}
                {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="consent-error">{e}</p> })}
                <div class="info-actions">
                    <button type="submit" class="button primary" data-testid="consent-save">{move || t.get().privacy().consent_save}</button>
                    <button type="button" class="button" data-testid="consent-generated" on:click=generated>{move || t.get().privacy().consent_generated}</button>
                    {move || saved.get().then(|| view! { <span class="note ok" data-testid="consent-saved">{t.get().privacy().saved}</span> })}
                </div>
            </form>
        </section>
    }
}

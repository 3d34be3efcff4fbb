//! Two-factor login in the console (issue 21): the account's own panel (set it up with
//! a QR code and a first code, see the recovery codes once, turn it off with a code) —
//! at `/console/security`, and in place of every screen while the service requires it
//! and the account has not set it up — and the admin's switch requiring it.

use leptos::prelude::*;
use shared::two_factor::TwoFactorSetup;

use crate::client;
use crate::i18n::use_texts;

#[component]
pub fn TwoFactorPanel(
    /// Whether it is on for this account now.
    enabled: bool,
) -> impl IntoView {
    let t = use_texts();
    let on = RwSignal::new(enabled);
    let setup = RwSignal::new(None::<TwoFactorSetup>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let start = move |_| {
        leptos::task::spawn_local(async move {
            match client::two_factor_setup().await {
                Ok(s) => {
                    error.set(None);
                    setup.set(Some(s));
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked();
        leptos::task::spawn_local(async move {
            match client::two_factor_enable(&c).await {
                Ok(r) => {
                    error.set(None);
                    code.set(String::new());
                    setup.set(None);
                    on.set(true);
                    codes.set(Some(r.recovery_codes));
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let disable = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked();
        leptos::task::spawn_local(async move {
            match client::two_factor_disable(&c).await {
                Ok(_) => {
                    error.set(None);
                    code.set(String::new());
                    on.set(false);
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    // after the recovery codes: reload, so a session the service held back works now
    let done = move |_| crate::net::navigate("/console");
    let code_input = move || {
        view! {
            <label class="field inline">
                <span>{move || t.get().two_factor().code}</span>
                <input type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="19"
                    data-testid="two-factor-code" prop:value=code
                    on:input:target=move |ev| code.set(ev.target().value())/>
            </label>
        }
    };
    view! {
        <section class="card two-factor-panel" data-testid="two-factor-panel">
            <h2>{move || t.get().two_factor().title}</h2>
            <p class="muted">{move || t.get().two_factor().intro}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || match (codes.get(), setup.get(), on.get()) {
                (Some(list), _, _) => view! {
                    <div class="recovery-codes" data-testid="recovery-codes">
                        <h3>{move || t.get().two_factor().recovery}</h3>
                        <p class="muted">{move || t.get().two_factor().recovery_hint}</p>
                        <ul>{list.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
                        <button type="button" class="button primary" data-testid="two-factor-done" on:click=done>
                            {move || t.get().two_factor().done}</button>
                    </div>
                }.into_any(),
                (None, Some(s), _) => view! {
                    <div class="two-factor-setup">
                        <p>{move || t.get().two_factor().scan}</p>
                        <div class="qr" data-testid="two-factor-qr" inner_html=s.qr_svg.clone()></div>
                        <p><span>{move || t.get().two_factor().key}": "</span>
                            <code data-testid="two-factor-secret">{s.secret.clone()}</code></p>
                        <form class="row" on:submit=confirm>
                            {code_input()}
                            <button type="submit" class="button primary" data-testid="two-factor-confirm">
                                {move || t.get().two_factor().confirm}</button>
                        </form>
                    </div>
                }.into_any(),
                (None, None, true) => view! {
                    <p data-testid="two-factor-on"><strong>{move || t.get().two_factor().on}</strong></p>
                    <p class="muted">{move || t.get().two_factor().disable_hint}</p>
                    <form class="row" on:submit=disable>
                        {code_input()}
                        <button type="submit" class="button danger" data-testid="two-factor-disable">
                            {move || t.get().two_factor().disable}</button>
                    </form>
                }.into_any(),
                (None, None, false) => view! {
                    <p data-testid="two-factor-off">{move || t.get().two_factor().off}</p>
                    <button type="button" class="button primary" data-testid="two-factor-start" on:click=start>
                        {move || t.get().two_factor().start}</button>
                }.into_any(),
            }}
        </section>
    }
}

/// `/console/security`: the signed-in account's two-factor panel.
#[component]
pub fn SecurityScreen() -> impl IntoView {
    let enabled = use_context::<shared::AgentProfile>().is_some_and(|a| a.two_factor);
    view! {
        <section class="screen security-screen" data-testid="security-screen">
            <TwoFactorPanel enabled/>
        </section>
    }
}

/// The admin's switch: every account of the service must use two-factor login.
#[component]
pub fn TwoFactorPolicy() -> impl IntoView {
    let t = use_texts();
    let required = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(s) = client::settings().await {
                required.set(s.require_two_factor);
            }
        });
    });
    let set = move |on: bool| {
        leptos::task::spawn_local(async move {
            match client::require_two_factor(on).await {
                Ok(_) => {
                    error.set(None);
                    required.set(on);
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    view! {
        <section class="card" data-testid="two-factor-policy">
            <h2>{move || t.get().two_factor().title}</h2>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <label class="toggle">
                <input type="checkbox" role="switch" data-testid="require-two-factor"
                    prop:checked=required on:change:target=move |ev| set(ev.target().checked())/>
                <span>{move || t.get().two_factor().require}</span>
            </label>
            <p class="muted">{move || t.get().two_factor().require_hint}</p>
        </section>
    }
}

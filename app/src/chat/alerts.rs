//! Never miss a chat (issue 19): a new chat, and a customer message while the console
//! is hidden or another chat is open, raise an alert — a desktop notification (with
//! the browser's permission, asked when the agent turns it on, with an explanation)
//! and a short tone made with the Web Audio API (no sound file to load). Each is on or
//! off per agent, stored with the account (`PUT /agent/alerts`). Every alert is also
//! read out by a polite live region, so screen-reader users hear it too.

use leptos::prelude::*;
use shared::AlertPrefs;

use crate::client;
use crate::i18n::use_texts;

/// The console's alerts.
#[derive(Clone, Copy)]
pub struct Alerts {
    pub prefs: RwSignal<AlertPrefs>,
    /// The last alert, for the live region.
    pub announced: RwSignal<String>,
}

impl Alerts {
    pub fn new() -> Alerts {
        Alerts {
            prefs: RwSignal::new(AlertPrefs::default()),
            announced: RwSignal::new(String::new()),
        }
    }

    /// Raises an alert: the live region always, the tone and the notification as the
    /// agent chose.
    pub fn raise(&self, title: &str, body: &str) {
        self.announced.set(format!("{title}: {body}"));
        let prefs = self.prefs.get_untracked();
        if prefs.sound {
            tone();
        }
        if prefs.desktop {
            notify(title, body);
        }
    }

    fn save(self, prefs: AlertPrefs) {
        self.prefs.set(prefs);
        leptos::task::spawn_local(async move {
            let _ = client::set_alerts(&prefs).await;
        });
    }
}

impl Default for Alerts {
    fn default() -> Alerts {
        Alerts::new()
    }
}

/// Whether the agent is looking elsewhere (another tab or window).
pub fn console_hidden() -> bool {
    cfg!(feature = "hydrate") && !super::signals::page_in_view()
}

/// A 150 ms tone at 880 Hz, quiet.
fn tone() {
    #[cfg(feature = "hydrate")]
    {
        let play = || -> Result<(), wasm_bindgen::JsValue> {
            let ctx = web_sys::AudioContext::new()?;
            let osc = ctx.create_oscillator()?;
            let gain = ctx.create_gain()?;
            osc.set_type(web_sys::OscillatorType::Sine);
            osc.frequency().set_value(880.0);
            gain.gain().set_value(0.08);
            osc.connect_with_audio_node(&gain)?;
            gain.connect_with_audio_node(&ctx.destination())?;
            let now = ctx.current_time();
            osc.start_with_when(now)?;
            osc.stop_with_when(now + 0.15)?;
            Ok(())
        };
        let _ = play();
    }
}

/// Whether the browser lets us notify, refuses, or has not been asked.
#[cfg(feature = "hydrate")]
fn permission() -> web_sys::NotificationPermission {
    web_sys::Notification::permission()
}

fn notify(title: &str, body: &str) {
    #[cfg(feature = "hydrate")]
    if permission() == web_sys::NotificationPermission::Granted {
        let opts = web_sys::NotificationOptions::new();
        opts.set_body(body);
        opts.set_tag("online-contact");
        let _ = web_sys::Notification::new_with_options(title, &opts);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (title, body);
}

/// Asks the browser for permission (it shows its own prompt once).
fn ask_permission() {
    #[cfg(feature = "hydrate")]
    if permission() == web_sys::NotificationPermission::Default {
        let _ = web_sys::Notification::request_permission();
    }
}

fn blocked() -> bool {
    #[cfg(feature = "hydrate")]
    {
        permission() == web_sys::NotificationPermission::Denied
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The two switches, with why the browser will ask, and the live region.
#[component]
pub fn AlertSwitches(alerts: Alerts) -> impl IntoView {
    let t = use_texts();
    let was_blocked = RwSignal::new(false);
    view! {
        <div class="alert-switches" data-testid="alert-switches">
            <label class="toggle small">
                <input type="checkbox" role="switch" data-testid="alerts-desktop"
                    prop:checked=move || alerts.prefs.get().desktop
                    on:change:target=move |ev| {
                        let on = ev.target().checked();
                        if on {
                            ask_permission();
                        }
                        was_blocked.set(on && blocked());
                        alerts.save(AlertPrefs { desktop: on, ..alerts.prefs.get_untracked() });
                    }/>
                <span>{move || t.get().desk.desktop_alerts}</span>
            </label>
            <label class="toggle small">
                <input type="checkbox" role="switch" data-testid="alerts-sound"
                    prop:checked=move || alerts.prefs.get().sound
                    on:change:target=move |ev| alerts.save(AlertPrefs { sound: ev.target().checked(), ..alerts.prefs.get_untracked() })/>
                <span>{move || t.get().desk.sound_alerts}</span>
            </label>
            <p class="muted small">{move || t.get().desk.alerts_explain}</p>
            {move || was_blocked.get().then(|| view! { <p class="note warn" role="status">{t.get().desk.alerts_blocked}</p> })}
            <p class="sr-only" aria-live="polite" data-testid="desk-announcer">{move || alerts.announced.get()}</p>
        </div>
    }
}

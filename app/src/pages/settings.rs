//! The reactive admin settings (C-SET-1..5): contract flags and help-center chat
//! (toggles apply at once), languages, greetings and satisfaction messages per
//! language (saved with a button), the assignment preference, the embed code per
//! language with a copy button, and account management.

use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::{
    AgentProfile, AgentUpdate, ContractUpdate, EmbedCode, NewAgentRequest, Role, SUPPORTED_LOCALES,
    Settings, SettingsUpdate,
};

use crate::client;
use crate::i18n::use_texts;
use crate::net;

#[derive(Clone, Copy)]
struct SettingsState {
    settings: RwSignal<Option<Settings>>,
    error: RwSignal<Option<String>>,
    /// The last save went through.
    saved: RwSignal<bool>,
}

impl SettingsState {
    fn save(self, change: SettingsUpdate) {
        let settings = self.settings;
        save_section(
            change,
            move |s| settings.set(Some(s)),
            self.error,
            self.saved,
        );
    }
}

/// Saves one section's change of the service settings (routing, appearance, consent):
/// on success the section shows what the server kept and says it saved; a refusal shows
/// in the UI's language.
pub(crate) fn save_section(
    change: SettingsUpdate,
    show: impl Fn(Settings) + 'static,
    error: RwSignal<Option<String>>,
    saved: RwSignal<bool>,
) {
    saved.set(false);
    leptos::task::spawn_local(async move {
        match client::save_settings(&change).await {
            Ok(s) => {
                show(s);
                error.set(None);
                saved.set(true);
            }
            Err(e) => error.set(Some(e.shown())),
        }
    });
}

#[component]
fn Toggle(
    testid: &'static str,
    label: Signal<&'static str>,
    on: Signal<bool>,
    #[prop(into)] disabled: Signal<bool>,
    set: impl Fn(bool) + Copy + 'static,
) -> impl IntoView {
    view! {
        <label class="toggle">
            <input type="checkbox" role="switch" data-testid=testid prop:checked=move || on.get() disabled=move || disabled.get()
                on:change:target=move |ev| set(ev.target().checked())/>
            <span>{move || label.get()}</span>
        </label>
    }
}

#[component]
pub fn SettingsPanel() -> impl IntoView {
    let t = use_texts();
    let st = SettingsState {
        settings: RwSignal::new(None),
        error: RwSignal::new(None),
        saved: RwSignal::new(false),
    };
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::settings().await {
                Ok(s) => st.settings.set(Some(s)),
                Err(e) => st.error.set(Some(e.shown())),
            }
        });
    });
    let flag = move |f: fn(&Settings) -> bool| {
        Signal::derive(move || st.settings.get().as_ref().is_some_and(f))
    };
    let domains = RwSignal::new(String::new());
    let greetings = RwSignal::new(BTreeMap::<String, String>::new());
    let satisfaction = RwSignal::new(BTreeMap::<String, String>::new());
    Effect::new(move |_| {
        if let Some(s) = st.settings.get() {
            greetings.set(s.greetings.clone());
            satisfaction.set(s.satisfaction_messages.clone());
            domains.set(s.allowed_domains.join("\n"));
        }
    });
    let save_texts = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        st.save(SettingsUpdate {
            greetings: Some(greetings.get_untracked()),
            satisfaction_messages: Some(satisfaction.get_untracked()),
            ..Default::default()
        });
    };
    let set_locale = move |code: &'static str, on: bool| {
        let Some(s) = st.settings.get_untracked() else {
            return;
        };
        let mut locales = s.locales.clone();
        if on && !locales.iter().any(|l| l == code) {
            locales.push(code.to_owned());
        }
        if !on {
            locales.retain(|l| l != code);
        }
        st.save(SettingsUpdate {
            locales: Some(locales),
            ..Default::default()
        });
    };
    view! {
        <section class="card" data-testid="settings-panel">
            <h2>{move || t.get().settings_title}</h2>
            <p class="muted">{move || t.get().settings_contract_help}</p>
            {move || st.error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="settings-error">{e}</p> })}
            <div class="toggles">
                <Toggle testid="setting-contract-chat" label=Signal::derive(move || t.get().admin_contract_chat) on=flag(|s| s.contract.chat) disabled=false
                    set=move |v| st.save(SettingsUpdate { contract: Some(ContractUpdate { chat: Some(v), security_service: None }), ..Default::default() })/>
                <Toggle testid="setting-contract-security" label=Signal::derive(move || t.get().admin_contract_security) on=flag(|s| s.contract.security_service) disabled=false
                    set=move |v| st.save(SettingsUpdate { contract: Some(ContractUpdate { chat: None, security_service: Some(v) }), ..Default::default() })/>
                <Toggle testid="setting-hc-chat" label=Signal::derive(move || t.get().admin_hc_chat) on=flag(|s| s.helpcenter_chat_enabled)
                    disabled=Signal::derive(move || !flag(|s| s.contract.chat).get())
                    set=move |v| st.save(SettingsUpdate { helpcenter_chat_enabled: Some(v), ..Default::default() })/>
                <Toggle testid="setting-auto-mask" label=Signal::derive(move || t.get().auto_mask_label) on=flag(|s| s.auto_mask_pii)
                    disabled=Signal::derive(move || !flag(|s| s.contract.security_service).get())
                    set=move |v| st.save(SettingsUpdate { auto_mask_pii: Some(v), ..Default::default() })/>
                <Toggle testid="setting-prefer-recent" label=Signal::derive(move || t.get().settings_prefer_recent) on=flag(|s| s.prefer_recent_agent) disabled=false
                    set=move |v| st.save(SettingsUpdate { prefer_recent_agent: Some(v), ..Default::default() })/>
                <Toggle testid="setting-history-scope" label=Signal::derive(move || t.get().history_scope_label) on=flag(|s| s.agents_see_all_history) disabled=false
                    set=move |v| st.save(SettingsUpdate { agents_see_all_history: Some(v), ..Default::default() })/>
                <Toggle testid="setting-typing-preview" label=Signal::derive(move || t.get().signals.typing_preview_label) on=flag(|s| s.typing_preview) disabled=false
                    set=move |v| st.save(SettingsUpdate { typing_preview: Some(v), ..Default::default() })/>
            </div>
            {move || (st.settings.get().is_some() && !flag(|s| s.contract.chat).get())
                .then(|| view! { <p class="note warn" data-testid="hc-chat-reason">{t.get().settings_hc_needs_contract}</p> })}
            <FileRulesFields st/>
            <h3>{move || t.get().admin_languages}</h3>
            <div class="toggles">
                {SUPPORTED_LOCALES.iter().map(|code| {
                    let code: &'static str = code;
                    view! {
                        <Toggle testid=if code == "ko" { "setting-locale-ko" } else { "setting-locale-en" }
                            label=Signal::derive(move || shared::i18n::Locale::parse(code).unwrap_or_default().native_name())
                            on=Signal::derive(move || st.settings.get().is_some_and(|s| s.locales.iter().any(|l| l == code)))
                            disabled=false set=move |v| set_locale(code, v)/>
                    }
                }).collect_view()}
            </div>
            <form class="form" on:submit=save_texts>
                {SUPPORTED_LOCALES.iter().map(|code| {
                    let code: &'static str = code;
                    view! {
                        <div class="lang-texts">
                            <label class="field">
                                <span>{move || format!("{} ({code})", t.get().settings_greeting)}</span>
                                <textarea rows="2" data-testid=format!("greeting-{code}")
                                    prop:value=move || greetings.get().get(code).cloned().unwrap_or_default()
                                    on:input:target=move |ev| greetings.update(|m| { m.insert(code.to_owned(), ev.target().value()); })></textarea>
                            </label>
                            <label class="field">
                                <span>{move || format!("{} ({code})", t.get().settings_satisfaction)}</span>
                                <textarea rows="2" data-testid=format!("satisfaction-{code}")
                                    prop:value=move || satisfaction.get().get(code).cloned().unwrap_or_default()
                                    on:input:target=move |ev| satisfaction.update(|m| { m.insert(code.to_owned(), ev.target().value()); })></textarea>
                            </label>
                        </div>
                    }
                }).collect_view()}
                <h3>{move || t.get().widget_title}</h3>
                <div class="toggles">
                    <Toggle testid="setting-require-signed" label=Signal::derive(move || t.get().require_signed_user) on=flag(|s| s.require_signed_user) disabled=false
                        set=move |v| st.save(SettingsUpdate { require_signed_user: Some(v), ..Default::default() })/>
                </div>
                <label class="field">
                    <span>{move || t.get().allowed_domains_label}</span>
                    <textarea rows="2" data-testid="allowed-domains" placeholder="shop.example.com"
                        prop:value=domains on:input:target=move |ev| domains.set(ev.target().value())></textarea>
                </label>
                <div class="field">
                    <span>{move || t.get().identity_secret_label}</span>
                    <code class="code" data-testid="identity-secret">{move || st.settings.get().map(|s| s.identity_secret).unwrap_or_default()}</code>
                </div>
                <div class="info-actions">
                    <button type="submit" class="button primary" data-testid="save-settings">{move || t.get().save}</button>
                    {move || st.saved.get().then(|| view! { <span class="note ok" data-testid="settings-saved">{t.get().settings_saved}</span> })}
                </div>
            </form>
        </section>
        <EmbedCodePanel/>
    }
}

/// The service's file rules (issue 19): the largest file (saved when the field is
/// left) and the kinds taken (each box applies at once; none turns files off).
#[component]
fn FileRulesFields(st: SettingsState) -> impl IntoView {
    let t = use_texts();
    let rules = move || st.settings.get().map(|s| s.files).unwrap_or_default();
    let save = move |files: shared::FileRules| {
        st.save(SettingsUpdate {
            files: Some(files),
            ..Default::default()
        })
    };
    view! {
        <h3>{move || t.get().files.settings_title}</h3>
        <label class="field narrow">
            <span>{move || t.get().files.max_mb_label}</span>
            <input type="number" min="1" max=shared::file::MAX_FILE_MB data-testid="setting-file-max-mb"
                prop:value=move || rules().max_mb.to_string()
                on:change:target=move |ev| {
                    if let Ok(mb) = ev.target().value().trim().parse::<i64>() {
                        save(shared::FileRules { max_mb: mb, ..rules() });
                    }
                }/>
        </label>
        <fieldset class="toggles">
            <legend>{move || t.get().files.kinds_label}</legend>
            {shared::FileKind::ALL.into_iter().map(|kind| view! {
                <Toggle testid=match kind {
                        shared::FileKind::Image => "setting-file-image",
                        shared::FileKind::Pdf => "setting-file-pdf",
                        shared::FileKind::Office => "setting-file-office",
                        shared::FileKind::Zip => "setting-file-zip",
                    }
                    label=Signal::derive(move || t.get().files.kind(kind))
                    on=Signal::derive(move || rules().allows(kind)) disabled=false
                    set=move |on| {
                        let mut next = rules();
                        next.types.retain(|k| *k != kind);
                        if on {
                            next.types.push(kind);
                        }
                        save(next);
                    }/>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn EmbedCodePanel() -> impl IntoView {
    let t = use_texts();
    let codes = RwSignal::new(Vec::<EmbedCode>::new());
    let copied = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let mut out = Vec::new();
            for l in SUPPORTED_LOCALES {
                if let Ok(c) = client::embed_code(l).await {
                    out.push(c);
                }
            }
            codes.set(out);
        });
    });
    view! {
        <section class="card" data-testid="embed-panel">
            <h2>{move || t.get().embed_title}</h2>
            <p class="muted">{move || t.get().embed_help}</p>
            <For each=move || codes.get() key=|c| c.locale.clone() let:c>
                {
                    let snippet = c.snippet.clone();
                    let locale = c.locale.clone();
                    let locale_for_copy = c.locale.clone();
                    let copy_testid = format!("copy-embed-{locale}");
                    view! {
                        <div class="embed">
                            <div class="embed-head">
                                <strong>{locale.clone()}</strong>
                                <button type="button" class="button small" data-testid=copy_testid
                                    on:click=move |_| { net::copy_text(&snippet); copied.set(Some(locale_for_copy.clone())); }>
                                    {move || if copied.get().as_deref() == Some(locale.as_str()) { t.get().copied } else { t.get().copy }}
                                </button>
                            </div>
                            <pre class="code" data-testid=format!("embed-{}", c.locale)>{c.snippet.clone()}</pre>
                        </div>
                    }
                }
            </For>
        </section>
    }
}

#[component]
pub fn AgentsPanel(initial: Vec<AgentProfile>) -> impl IntoView {
    let t = use_texts();
    let agents = RwSignal::new(initial);
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            if let Ok(list) = client::agents().await {
                agents.set(list);
            }
        });
    };
    let update = move |id: shared::AgentId, change: AgentUpdate| {
        leptos::task::spawn_local(async move {
            match client::update_agent(id, &change).await {
                Ok(_) => {
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    let (name, email, password, role) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("agent".to_string()),
    );
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = NewAgentRequest {
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            role: Role::parse(&role.get_untracked()).unwrap_or(Role::Agent),
            chat_permission: true,
        };
        leptos::task::spawn_local(async move {
            match client::create_agent(&req).await {
                Ok(_) => {
                    name.set(String::new());
                    email.set(String::new());
                    password.set(String::new());
                    error.set(None);
                    reload();
                }
                Err(e) => error.set(Some(e.shown())),
            }
        });
    };
    view! {
        <section class="card">
            <h2>{move || t.get().admin_agents}</h2>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="agents-error">{e}</p> })}
            <table class="table" data-testid="agent-table">
                <thead>
                    <tr>
                        <th>{move || t.get().admin_col_name}</th>
                        <th>{move || t.get().admin_col_email}</th>
                        <th>{move || t.get().admin_col_role}</th>
                        <th>{move || t.get().admin_col_chat_permission}</th>
                        <th>{move || t.get().admin_col_status}</th>
                        <th>{move || t.get().routing.agent_capacity_label}</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || agents.get() key=|a| (a.id, a.role, a.chat_permission, a.active, a.status, a.capacity) let:a>
                        {
                            let id = a.id;
                            let active = a.active;
                            let permitted = a.chat_permission;
                            let reset = RwSignal::new(String::new());
                            view! {
                                <tr data-testid="agent-row" data-email=a.email.clone()>
                                    <td>{a.name.clone()}</td>
                                    <td>{a.email.clone()}</td>
                                    <td>
                                        <select data-testid="agent-role" prop:value=a.role.as_str()
                                            aria-label={let n = a.name.clone(); move || format!("{} — {}", t.get().admin_col_role, n)}
                                            on:change:target=move |ev| update(id, AgentUpdate { role: Role::parse(&ev.target().value()), ..Default::default() })>
                                            <option value="agent">{move || t.get().role_agent}</option>
                                            <option value="admin">{move || t.get().role_admin}</option>
                                        </select>
                                    </td>
                                    <td>
                                        <input type="checkbox" data-testid="agent-chat-permission" prop:checked=permitted
                                            aria-label={let n = a.name.clone(); move || format!("{} — {}", t.get().admin_col_chat_permission, n)}
                                            on:change:target=move |ev| update(id, AgentUpdate { chat_permission: Some(ev.target().checked()), ..Default::default() })/>
                                    </td>
                                    <td>
                                        {move || {
                                            let tx = t.get();
                                            if !active { tx.deactivated } else {
                                                match a.status {
                                                    shared::AgentStatus::Online => tx.status_online,
                                                    shared::AgentStatus::Break => tx.status_break,
                                                    shared::AgentStatus::Offline => tx.status_offline,
                                                }
                                            }
                                        }}
                                    </td>
                                    <td>
                                        <input class="narrow" inputmode="numeric" data-testid="agent-capacity"
                                            prop:value=a.capacity.map(|c| c.to_string()).unwrap_or_default()
                                            placeholder=move || t.get().routing.capacity_default
                                            aria-label={let n = a.name.clone(); move || format!("{} — {}", t.get().routing.agent_capacity_label, n)}
                                            on:change:target=move |ev| {
                                                let v = ev.target().value();
                                                let cap = v.trim().parse::<i64>().ok();
                                                if cap.is_some() || v.trim().is_empty() {
                                                    update(id, AgentUpdate { capacity: Some(cap), ..Default::default() });
                                                } else {
                                                    error.set(Some(format!("capacity: `{v}`")));
                                                }
                                            }/>
                                    </td>
                                    <td class="row-actions">
                                        <form class="inline-form" on:submit=move |ev| {
                                            ev.prevent_default();
                                            update(id, AgentUpdate { password: Some(reset.get_untracked()), ..Default::default() });
                                            reset.set(String::new());
                                        }>
                                            <input type="password" autocomplete="new-password" placeholder=move || t.get().agents_reset_password
                                                aria-label={let n = a.name.clone(); move || format!("{} — {}", t.get().agents_reset_password, n)}
                                                prop:value=reset on:input:target=move |ev| reset.set(ev.target().value())/>
                                            <button type="submit" class="button small">{move || t.get().save}</button>
                                        </form>
                                        <button type="button" class="button small" data-testid="agent-active"
                                            on:click=move |_| update(id, AgentUpdate { active: Some(!active), ..Default::default() })>
                                            {move || if active { t.get().agents_deactivate } else { t.get().agents_activate }}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <form class="invite-form" on:submit=invite>
                <h3>{move || t.get().agents_invite}</h3>
                <input placeholder=move || t.get().admin_col_name aria-label=move || t.get().admin_col_name data-testid="invite-name" prop:value=name on:input:target=move |ev| name.set(ev.target().value())/>
                <input type="email" placeholder=move || t.get().admin_col_email aria-label=move || t.get().admin_col_email data-testid="invite-email" prop:value=email on:input:target=move |ev| email.set(ev.target().value())/>
                <input type="password" autocomplete="new-password" placeholder=move || t.get().agents_password aria-label=move || t.get().agents_password data-testid="invite-password" prop:value=password on:input:target=move |ev| password.set(ev.target().value())/>
                <select data-testid="invite-role" aria-label=move || t.get().admin_col_role on:change:target=move |ev| role.set(ev.target().value())>
                    <option value="agent">{move || t.get().role_agent}</option>
                    <option value="admin">{move || t.get().role_admin}</option>
                </select>
                <button type="submit" class="button primary" data-testid="invite-submit">{move || t.get().add}</button>
            </form>
        </section>
    }
}

/// The audit log (issue 7): who masked, unmasked or exported what, and when.
#[component]
pub fn AuditPanel() -> impl IntoView {
    let t = use_texts();
    let entries = RwSignal::new(Vec::<shared::AuditEntry>::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = client::audit_log(100).await {
                entries.set(list);
            }
        });
    });
    view! {
        <section class="card" data-testid="audit-panel">
            <h2>{move || t.get().audit_title}</h2>
            {move || if entries.get().is_empty() {
                view! { <p class="muted">{t.get().audit_empty}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th>{t.get().audit_when}</th><th>{t.get().audit_action}</th><th>{t.get().admin_col_name}</th><th>"chat / message"</th><th>{t.get().privacy().value}</th>
                        </tr></thead>
                        <tbody>
                            {entries.get().into_iter().map(|e| view! {
                                <tr data-testid="audit-row">
                                    <td>{e.created_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                    <td>{e.action}</td>
                                    <td>{e.agent.unwrap_or_else(|| "-".into())}</td>
                                    <td>{format!("#{} / #{}", e.chat_id.unwrap_or_default(), e.message_id.unwrap_or_default())}</td>
                                    <td class="audit-detail">{e.detail.unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

//! `/console`: the agent console. Without a session it shows the login form; with one,
//! the console frame (agent name, navigation to chat / chat history / tickets, language,
//! logout) around the selected screen.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Outlet};
use shared::{AgentProfile, Role};

use crate::api::{Login, Logout, session_agent};
use crate::chat::agent::AgentDesk;
use crate::chat::desk::{AgentChatScreen, ConsoleChatIcon};
use crate::i18n::{LangSwitch, use_texts};

#[component]
pub fn Console() -> impl IntoView {
    let t = use_texts();
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let me = Resource::new(
        move || (login.version().get(), logout.version().get()),
        |_| session_agent(),
    );
    view! {
        <Title text=move || format!("{} · {}", t.get().console_title, t.get().product)/>
        <Suspense fallback=move || view! { <p class="loading">{move || t.get().loading}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(agent)) => view! { <ConsoleFrame agent logout/> }.into_any(),
                    Ok(None) => view! { <LoginForm login/> }.into_any(),
                    Err(e) => view! { <p class="error-banner" role="alert">{e.shown()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LoginForm(login: ServerAction<Login>) -> impl IntoView {
    let t = use_texts();
    let error = move || login.value().get().and_then(|r| r.err()).map(|e| e.shown());
    // the password was right and the account has two-factor login: ask for the code
    let needs_code = move || {
        login
            .value()
            .get()
            .and_then(|r| r.err())
            .is_some_and(|e| e.is("two_factor_required") || e.is("two_factor_invalid"))
    };
    view! {
        <main class="login-page">
            <div class="login-card">
                <div class="login-brand">
                    <span class="brand-mark" aria-hidden="true">"OC"</span>
                    <span>{move || t.get().product}</span>
                </div>
                <h1>{move || t.get().login_title}</h1>
                <p class="muted">{move || t.get().login_subtitle}</p>
                <ActionForm action=login attr:class="form" attr:data-testid="login-form">
                    <label class="field">
                        <span>{move || t.get().login_email}</span>
                        <input type="email" name="email" autocomplete="username" required data-testid="login-email"/>
                    </label>
                    <label class="field">
                        <span>{move || t.get().login_password}</span>
                        <input
                            type="password"
                            name="password"
                            autocomplete="current-password"
                            required
                            data-testid="login-password"
                        />
                    </label>
                    {move || needs_code().then(|| view! {
                        <label class="field">
                            <span>{move || t.get().two_factor().login_code}</span>
                            <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code"
                                maxlength="19" required autofocus data-testid="login-code"/>
                        </label>
                    })}
                    {move || error().map(|m| view! { <p class="form-error" role="alert" data-testid="login-error">{m}</p> })}
                    <button type="submit" class="button primary" data-testid="login-submit" disabled=move || login.pending().get()>
                        {move || t.get().login_submit}
                    </button>
                </ActionForm>
                <div class="login-footer">
                    <LangSwitch/>
                </div>
            </div>
        </main>
    }
}

#[component]
fn ConsoleFrame(agent: AgentProfile, logout: ServerAction<Logout>) -> impl IntoView {
    let t = use_texts();
    let is_admin = agent.role == Role::Admin;
    let role = agent.role;
    provide_context(agent.clone());
    let desk = AgentDesk::new(agent.status);
    desk.alerts.prefs.set(agent.alerts);
    provide_context(desk);
    let agent_id = agent.id;
    let setup_first = agent.two_factor_setup_required;
    let chat_permission = agent.chat_permission && !setup_first;
    // browser only: the live list and socket, and the unseen-chat badge in the tab title
    Effect::new(move |_| {
        if chat_permission {
            desk.start(agent_id);
        }
    });
    Effect::new(move |_| {
        let unseen = desk.unseen.get().len();
        let base = format!("{} · {}", t.get().console_title, t.get().product);
        let title = if unseen > 0 {
            format!("({unseen}) {base}")
        } else {
            base
        };
        set_document_title(&title);
    });
    view! {
        <div class="console" data-testid="console">
            <header class="topbar">
                <a class="brand" href="/console">
                    <span class="brand-mark" aria-hidden="true">"OC"</span>
                    <span class="brand-service">{agent.service_name.clone()}</span>
                </a>
                <nav class="topnav" aria-label="console">
                    <A href="/console" exact=true attr:data-testid="nav-chat">{move || t.get().nav_chat}</A>
                    <A href="/console/history" attr:data-testid="nav-history">{move || t.get().nav_history}</A>
                    <A href="/console/tickets" attr:data-testid="nav-tickets">{move || t.get().nav_tickets}</A>
                    <A href="/console/canned" attr:data-testid="nav-canned">{move || t.get().canned.nav}</A>
                    <A href="/console/reports" attr:data-testid="nav-reports">{move || t.get().reports().nav}</A>
                    <A href="/console/security" attr:data-testid="nav-security">{move || t.get().two_factor().nav}</A>
                    {is_admin.then(|| view! { <a href="/admin" data-testid="nav-admin">{move || t.get().nav_admin}</a> })}
                </nav>
                <div class="topbar-right">
                    <LangSwitch/>
                    <span class="agent-chip">
                        <span class="agent-name" data-testid="agent-name">{agent.name.clone()}</span>
                        <span class="role-badge">
                            {move || if role == Role::Admin { t.get().role_admin } else { t.get().role_agent }}
                        </span>
                    </span>
                    <ActionForm action=logout>
                        <button type="submit" class="button ghost" data-testid="logout">{move || t.get().logout}</button>
                    </ActionForm>
                </div>
            </header>
            <div class="console-body">
                {if setup_first {
                    // the service requires two-factor login and this account has none:
                    // nothing else until it is set up (the API refuses the rest too)
                    view! {
                        <section class="screen security-screen">
                            <p class="error-banner" role="alert" data-testid="two-factor-required">
                                {move || t.get().two_factor().required}</p>
                            <crate::pages::two_factor::TwoFactorPanel enabled=false/>
                        </section>
                    }.into_any()
                } else {
                    view! { <Outlet/> }.into_any()
                }}
            </div>
            {chat_permission.then(|| view! { <ConsoleChatIcon desk/> })}
        </div>
    }
}

/// The chat screen (C-AG-1): the list of the agent's chats and the conversation.
#[component]
pub fn ChatScreen() -> impl IntoView {
    let t = use_texts();
    let agent = use_context::<AgentProfile>();
    let permitted = agent.as_ref().is_some_and(|a| a.chat_permission);
    let desk = use_context::<AgentDesk>();
    view! {
        <section class="chat-screen" data-testid="chat-screen">
            {if let (true, Some(desk)) = (permitted, desk) {
                view! { <AgentChatScreen desk/> }.into_any()
            } else {
                view! { <div class="empty-state"><p>{move || t.get().chat_no_permission}</p></div> }.into_any()
            }}
        </section>
    }
}

/// Sets `document.title` directly (the tab badge changes often; no re-render needed).
fn set_document_title(title: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(title);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = title;
}

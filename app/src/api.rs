//! Server functions: the browser's way into the engine. Each one is thin — find the
//! caller, call one engine method, map the error — so the UI and the REST API can never
//! disagree about a rule.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::{AgentProfile, HelpCenterInfo, ServiceOverview};

use crate::error::AppError;

/// What `/admin` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub service: ServiceOverview,
    pub agents: Vec<AgentProfile>,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! Server-side helpers of the server functions: the engine handle and what the
    //! server's edge read from the request (client address, session token).

    use engine::{Caller, Engine};
    pub use shared::request::{ClientAddr, CookiePolicy, SessionToken, session_cookie};

    use crate::error::AppError;

    pub fn engine() -> Result<Engine, AppError> {
        leptos::prelude::use_context::<Engine>()
            .ok_or_else(|| AppError::new("internal", "engine missing"))
    }

    /// The session token the server's edge read from this request's cookie.
    pub async fn session_token() -> Option<String> {
        leptos_axum::extract::<axum::Extension<SessionToken>>()
            .await
            .ok()
            .and_then(|t| t.0.0)
    }

    /// The authenticated caller of this request, from its session cookie.
    pub async fn caller() -> Result<Caller, AppError> {
        let token = session_token()
            .await
            .ok_or_else(|| AppError::from(engine::Error::Unauthenticated))?;
        Ok(engine()?.authenticate(&token).await?)
    }
}

/// The help center of a service; `None` for an unknown slug.
#[server(prefix = "/sfn", endpoint = "load_help_center")]
pub async fn load_help_center(slug: String) -> Result<Option<HelpCenterInfo>, AppError> {
    Ok(ssr::engine()?.help_center(&slug).await?)
}

/// The signed-in agent of this browser, if any.
#[server(prefix = "/sfn", endpoint = "session_agent")]
pub async fn session_agent() -> Result<Option<AgentProfile>, AppError> {
    match ssr::caller().await {
        Ok(caller) => Ok(Some(ssr::engine()?.profile(&caller).await?)),
        Err(e) if e.is("unauthenticated") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Signs in and sets the HttpOnly session cookie.
#[server(prefix = "/sfn", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    #[server(default)] code: Option<String>,
) -> Result<AgentProfile, AppError> {
    use axum::http::{HeaderValue, header::SET_COOKIE};
    let addr = leptos_axum::extract::<axum::Extension<ssr::ClientAddr>>()
        .await
        .map(|a| a.0.0)
        .unwrap_or_else(|_| "unknown".into());
    let outcome = ssr::engine()?
        .login(&email, &password, code.as_deref(), &addr)
        .await?;
    let policy = use_context::<ssr::CookiePolicy>().unwrap_or(ssr::CookiePolicy { secure: false });
    let max_age = outcome.max_age_secs();
    let cookie = ssr::session_cookie(Some(&outcome.token), max_age, policy);
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        res.append_header(SET_COOKIE, v);
    }
    Ok(outcome.agent)
}

/// Ends the session and clears the cookie.
#[server(prefix = "/sfn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use axum::http::{HeaderValue, header::SET_COOKIE};
    if let Some(token) = ssr::session_token().await {
        ssr::engine()?.logout(&token).await?;
    }
    let policy = use_context::<ssr::CookiePolicy>().unwrap_or(ssr::CookiePolicy { secure: false });
    if let (Some(res), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&ssr::session_cookie(None, 0, policy)),
    ) {
        res.append_header(SET_COOKIE, v);
    }
    Ok(())
}

/// The admin page's data; `admin_only` for agents, `unauthenticated` without a session.
#[server(prefix = "/sfn", endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<AdminView, AppError> {
    let caller = ssr::caller().await?;
    caller.require_admin()?;
    caller.require_two_factor_set_up()?;
    let engine = ssr::engine()?;
    Ok(AdminView {
        service: engine.service_overview(&caller).await?,
        agents: engine.list_agents(&caller).await?,
    })
}

//! The `sessions` table with what signing in and every authenticated request read of
//! the account behind a session.

use chrono::{DateTime, Utc};
use shared::{AgentId, Role, ServiceId};

use super::columns;
use crate::db::{self, Ex};
use crate::error::Result;

/// The account a login names.
pub(crate) struct LoginRow {
    pub(crate) agent: AgentId,
    pub(crate) password_hash: String,
    pub(crate) active: bool,
}

/// The account with this (normalized) email, if any.
pub(crate) async fn login_of(mut ex: Ex<'_>, email: &str) -> Result<Option<LoginRow>> {
    db::query("SELECT id, password_hash, active FROM agents WHERE email = ?")
        .bind(email)
        .fetch_optional(ex.ex())
        .await?
        .map(|r| {
            Ok(LoginRow {
                agent: AgentId(r.try_get("id")?),
                password_hash: r.try_get("password_hash")?,
                active: r.try_get("active")?,
            })
        })
        .transpose()
}

/// A session with the account and service switches a request is decided on.
pub(crate) struct SessionRow {
    pub(crate) agent: AgentId,
    pub(crate) service: ServiceId,
    pub(crate) role: Role,
    pub(crate) chat_permission: bool,
    pub(crate) active: bool,
    pub(crate) expires_at: DateTime<Utc>,
    pub(crate) sees_all_history: bool,
    /// The service requires two-factor login and the account has not set it up.
    pub(crate) two_factor_pending: bool,
}

/// The session with this token hash, if any.
pub(crate) async fn by_token_hash(mut ex: Ex<'_>, hash: &[u8]) -> Result<Option<SessionRow>> {
    db::query(
        "SELECT a.id, a.service_id, a.role, a.chat_permission, a.active, s.expires_at,
                v.agents_see_all_history, v.require_two_factor, a.totp_enabled_at
         FROM sessions s JOIN agents a ON a.id = s.agent_id JOIN services v ON v.id = a.service_id
         WHERE s.token_hash = ?",
    )
    .bind(hash)
    .fetch_optional(ex.ex())
    .await?
    .map(|r| {
        Ok(SessionRow {
            agent: AgentId(r.try_get("id")?),
            service: ServiceId(r.try_get("service_id")?),
            role: columns::role(r.try_get("role")?),
            chat_permission: r.try_get("chat_permission")?,
            active: r.try_get("active")?,
            expires_at: r.try_get("expires_at")?,
            sees_all_history: r.try_get("agents_see_all_history")?,
            two_factor_pending: r.try_get::<bool, _>("require_two_factor")?
                && r.try_get::<Option<DateTime<Utc>>, _>("totp_enabled_at")?
                    .is_none(),
        })
    })
    .transpose()
}

/// Opens a session (only the token's hash is stored).
pub(crate) async fn insert(
    mut ex: Ex<'_>,
    hash: &[u8],
    agent: AgentId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
    )
    .bind(hash)
    .bind(agent.0)
    .bind(now)
    .bind(expires_at)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// The account of a session.
pub(crate) async fn agent_of(mut ex: Ex<'_>, hash: &[u8]) -> Result<Option<AgentId>> {
    Ok(
        db::query_scalar::<i64>("SELECT agent_id FROM sessions WHERE token_hash = ?")
            .bind(hash)
            .fetch_optional(ex.ex())
            .await?
            .map(AgentId),
    )
}

/// Ends this session, and every expired one.
pub(crate) async fn end_with_expired(
    mut ex: Ex<'_>,
    hash: &[u8],
    now: DateTime<Utc>,
) -> Result<()> {
    db::query("DELETE FROM sessions WHERE token_hash = ? OR expires_at <= ?")
        .bind(hash)
        .bind(now)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Ends an account's sessions but the one of `keep` (a token hash; empty: all).
pub(crate) async fn end_all_but(mut ex: Ex<'_>, agent: i64, keep: &[u8]) -> Result<()> {
    db::query("DELETE FROM sessions WHERE agent_id = ? AND token_hash <> ?")
        .bind(agent)
        .bind(keep)
        .execute(ex.ex())
        .await?;
    Ok(())
}

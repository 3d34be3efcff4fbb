//! Two-factor login's columns of `agents` (the TOTP secret in force and the one being
//! set up, both sealed; the last step used) and `agent_recovery_codes` (hashes only).

use chrono::{DateTime, Utc};

use crate::db::{self, Ex};
use crate::error::Result;

/// Keeps a secret being set up (sealed) until it is confirmed.
pub(crate) async fn set_pending(
    mut ex: Ex<'_>,
    agent: i64,
    nonce: &[u8],
    sealed: &[u8],
) -> Result<()> {
    db::query("UPDATE agents SET totp_pending_nonce = ?, totp_pending = ? WHERE id = ?")
        .bind(nonce)
        .bind(sealed)
        .bind(agent)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The secret being set up comes into force, `step` already used.
pub(crate) async fn enable(
    mut ex: Ex<'_>,
    agent: i64,
    step: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "UPDATE agents SET totp_nonce = totp_pending_nonce, totp_secret = totp_pending,
           totp_pending_nonce = NULL, totp_pending = NULL, totp_enabled_at = ?, totp_last_step = ?
         WHERE id = ?",
    )
    .bind(now)
    .bind(step)
    .bind(agent)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// The account's recovery codes become these (hashes).
pub(crate) async fn replace_recovery_codes(
    mut ex: Ex<'_>,
    agent: i64,
    hashes: &[Vec<u8>],
) -> Result<()> {
    db::query("DELETE FROM agent_recovery_codes WHERE agent_id = ?")
        .bind(agent)
        .execute(ex.re())
        .await?;
    for h in hashes {
        db::query("INSERT INTO agent_recovery_codes (agent_id, code_hash) VALUES (?, ?)")
            .bind(agent)
            .bind(h.as_slice())
            .execute(ex.re())
            .await?;
    }
    Ok(())
}

/// Two-factor login off: secrets and recovery codes gone.
pub(crate) async fn disable(mut ex: Ex<'_>, agent: i64) -> Result<()> {
    db::query(
        "UPDATE agents SET totp_nonce = NULL, totp_secret = NULL, totp_enabled_at = NULL,
           totp_pending_nonce = NULL, totp_pending = NULL WHERE id = ?",
    )
    .bind(agent)
    .execute(ex.re())
    .await?;
    db::query("DELETE FROM agent_recovery_codes WHERE agent_id = ?")
        .bind(agent)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Whether the account has two-factor login on.
pub(crate) async fn enabled(mut ex: Ex<'_>, agent: i64) -> Result<bool> {
    let at: Option<DateTime<Utc>> =
        db::query_scalar("SELECT totp_enabled_at FROM agents WHERE id = ?")
            .bind(agent)
            .fetch_one(ex.ex())
            .await?;
    Ok(at.is_some())
}

/// Uses up an unused recovery code; `false` when there is none with this hash.
pub(crate) async fn use_recovery_code(
    mut ex: Ex<'_>,
    agent: i64,
    hash: &[u8],
    now: DateTime<Utc>,
) -> Result<bool> {
    let used = db::query(
        "UPDATE agent_recovery_codes SET used_at = ? WHERE agent_id = ? AND code_hash = ? AND used_at IS NULL",
    )
    .bind(now)
    .bind(agent)
    .bind(hash)
    .execute(ex.ex())
    .await?
    .rows_affected();
    Ok(used == 1)
}

/// Takes a TOTP step: wins only over an older one (each step once).
pub(crate) async fn take_step(mut ex: Ex<'_>, agent: i64, step: i64) -> Result<bool> {
    let taken =
        db::query("UPDATE agents SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?")
            .bind(step)
            .bind(agent)
            .bind(step)
            .execute(ex.ex())
            .await?
            .rows_affected();
    Ok(taken == 1)
}

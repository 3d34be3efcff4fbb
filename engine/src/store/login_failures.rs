//! The `login_failures` table (PostgreSQL, several instances): failed logins per
//! throttle key, so every instance counts the same attempts (issue 15). One instance
//! keeps them in memory instead (`crate::throttle`).

use chrono::{DateTime, Utc};

use crate::db::{self, Ex};
use crate::error::Result;

/// Takes the transaction's advisory lock of a key (PostgreSQL): check and record of
/// one key are atomic across instances.
pub(crate) async fn lock(mut ex: Ex<'_>, key: &str) -> Result<()> {
    db::query("SELECT pg_advisory_xact_lock(hashtext(?))")
        .bind(key)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// A key's failures since `since`, newest first (at most 64).
pub(crate) async fn since(
    mut ex: Ex<'_>,
    key: &str,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>> {
    Ok(db::query_scalar(
        "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 64",
    )
    .bind(key)
    .bind(since)
    .fetch_all(ex.ex())
    .await?)
}

pub(crate) async fn record(mut ex: Ex<'_>, key: &str, at: DateTime<Utc>) -> Result<()> {
    db::query("INSERT INTO login_failures (key, at) VALUES (?, ?)")
        .bind(key)
        .bind(at)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Forgets every failure before `before`.
pub(crate) async fn prune(mut ex: Ex<'_>, before: DateTime<Utc>) -> Result<()> {
    db::query("DELETE FROM login_failures WHERE at < ?")
        .bind(before)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Gives back one place a key took at `at` (PostgreSQL's `ctid`: one row of equal ones).
pub(crate) async fn release_one(mut ex: Ex<'_>, key: &str, at: DateTime<Utc>) -> Result<()> {
    db::query(
        "DELETE FROM login_failures WHERE ctid IN
           (SELECT ctid FROM login_failures WHERE key = ? AND at = ? LIMIT 1)",
    )
    .bind(key)
    .bind(at)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// Forgets every failure of these keys.
pub(crate) async fn forget(mut ex: Ex<'_>, keys: &[&str]) -> Result<()> {
    for key in keys {
        db::query("DELETE FROM login_failures WHERE key = ?")
            .bind(*key)
            .execute(ex.re())
            .await?;
    }
    Ok(())
}

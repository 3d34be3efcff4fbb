//! The cross-instance bus's statements on PostgreSQL (issue 10): `pg_notify` of a batch
//! of events on one channel, and `hub_spill` — events too large for a notification,
//! kept briefly for the other instances to read by id. Which events go where is
//! `crate::bus`'s rule.

use sqlx::PgPool;

/// Notifies `channel` with each payload, in order, in one round trip.
pub(crate) async fn notify_all(
    pool: &PgPool,
    channel: &str,
    payloads: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i",
    )
    .bind(channel)
    .bind(payloads)
    .execute(pool)
    .await?;
    Ok(())
}

/// Keeps an event's payload for the other instances; answers its id.
pub(crate) async fn spill(pool: &PgPool, payload: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("INSERT INTO hub_spill (payload) VALUES ($1) RETURNING id")
        .bind(payload)
        .fetch_one(pool)
        .await
}

/// A kept payload by its id.
pub(crate) async fn spilled(pool: &PgPool, id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT payload FROM hub_spill WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
}

/// Forgets payloads kept longer than `ttl_secs`.
pub(crate) async fn sweep(pool: &PgPool, ttl_secs: f64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM hub_spill WHERE created_at < now() - make_interval(secs => $1)")
        .bind(ttl_secs)
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets every kept payload that contains `needle` (a masked run's original text).
pub(crate) async fn forget_containing(pool: &PgPool, needle: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM hub_spill WHERE strpos(payload, $1) > 0")
        .bind(needle)
        .execute(pool)
        .await?;
    Ok(())
}

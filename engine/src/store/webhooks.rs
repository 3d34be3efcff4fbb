//! The `webhooks` table and its delivery log `webhook_outbox`: hooks with their
//! latest deliveries for the admin, and a claimed delivery with its receiver.

use chrono::{DateTime, Utc};
use shared::ServiceId;
use shared::webhook::{Webhook, WebhookDelivery};

use super::columns;
use crate::db::{self, Ex};
use crate::error::Result;

/// Times as the webhook API writes them (RFC 3339, milliseconds, `Z`).
pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A service's webhooks, oldest first, without their deliveries.
pub(crate) async fn of_service(mut ex: Ex<'_>, service: ServiceId) -> Result<Vec<Webhook>> {
    db::query(
        "SELECT id, url, secret, events, created_at FROM webhooks WHERE service_id = ? ORDER BY id",
    )
    .bind(service.0)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|h| {
        Ok(Webhook {
            id: h.try_get::<i64, _>("id")?.to_string(),
            url: h.try_get("url")?,
            secret: h.try_get("secret")?,
            events: columns::list(h.try_get("events")?),
            created_at: rfc3339(h.try_get("created_at")?),
            deliveries: Vec::new(),
        })
    })
    .collect()
}

/// A webhook's latest 20 deliveries, newest first.
pub(crate) async fn deliveries(mut ex: Ex<'_>, webhook: &str) -> Result<Vec<WebhookDelivery>> {
    let id: i64 = webhook.parse().unwrap_or_default();
    db::query(
        "SELECT id, event, state, attempts, last_status, last_error, created_at, last_at
         FROM webhook_outbox WHERE webhook_id = ? ORDER BY id DESC LIMIT 20",
    )
    .bind(id)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| {
        Ok(WebhookDelivery {
            id: r.try_get::<i64, _>("id")?.to_string(),
            event: r.try_get("event")?,
            state: r.try_get("state")?,
            attempts: r.try_get("attempts")?,
            last_status: r.try_get("last_status")?,
            last_error: r.try_get("last_error")?,
            created_at: rfc3339(r.try_get("created_at")?),
            last_at: r
                .try_get::<Option<DateTime<Utc>>, _>("last_at")?
                .map(rfc3339),
        })
    })
    .collect()
}

/// A delivery claimed for sending, with its receiver.
pub(crate) struct Claimed {
    pub(crate) event: String,
    /// The event's data (`null` when the stored text does not parse).
    pub(crate) payload: serde_json::Value,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) attempts: i64,
    pub(crate) url: String,
    pub(crate) secret: String,
}

pub(crate) async fn claimed(mut ex: Ex<'_>, id: i64) -> Result<Claimed> {
    let r = db::query(
        "SELECT o.id, o.event, o.payload, o.created_at, o.attempts, w.url, w.secret
         FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id WHERE o.id = ?",
    )
    .bind(id)
    .fetch_one(ex.ex())
    .await?;
    Ok(Claimed {
        event: r.try_get("event")?,
        payload: serde_json::from_str(r.try_get("payload")?).unwrap_or_default(),
        created_at: r.try_get("created_at")?,
        attempts: r.try_get("attempts")?,
        url: r.try_get("url")?,
        secret: r.try_get("secret")?,
    })
}

/// Writes `event` for every active webhook of the service subscribed to it.
pub(crate) async fn enqueue(
    mut ex: Ex<'_>,
    service: i64,
    event: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "INSERT INTO webhook_outbox (service_id, webhook_id, event, payload, created_at, next_at)
         SELECT service_id, id, ?, ?, ?, ? FROM webhooks
         WHERE service_id = ? AND active = ? AND events LIKE ?",
    )
    .bind(event)
    .bind(data.to_string())
    .bind(now)
    .bind(now)
    .bind(service)
    .bind(true)
    .bind(format!("%\"{event}\"%"))
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// How many webhooks a service has.
pub(crate) async fn count(mut ex: Ex<'_>, service: i64) -> Result<i64> {
    Ok(
        db::query_scalar("SELECT COUNT(*) FROM webhooks WHERE service_id = ?")
            .bind(service)
            .fetch_one(ex.ex())
            .await?,
    )
}

/// Stores an active webhook; answers its id.
pub(crate) async fn insert(
    mut ex: Ex<'_>,
    service: i64,
    url: &str,
    secret: &str,
    events: &[String],
    now: DateTime<Utc>,
) -> Result<i64> {
    Ok(db::query_scalar(
        "INSERT INTO webhooks (service_id, url, secret, events, active, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(service)
    .bind(url)
    .bind(secret)
    .bind(serde_json::to_string(events).unwrap_or_default())
    .bind(true)
    .bind(now)
    .fetch_one(ex.ex())
    .await?)
}

/// Deletes a service's webhook and its log; `false` when it has no such webhook.
pub(crate) async fn delete(mut ex: Ex<'_>, service: i64, id: i64) -> Result<bool> {
    db::query("DELETE FROM webhook_outbox WHERE webhook_id = ? AND service_id = ?")
        .bind(id)
        .bind(service)
        .execute(ex.ex())
        .await?;
    let gone = db::query("DELETE FROM webhooks WHERE id = ? AND service_id = ?")
        .bind(id)
        .bind(service)
        .execute(ex.ex())
        .await?
        .rows_affected();
    Ok(gone > 0)
}

/// Claims up to `limit` due deliveries until `until` and counts the attempt; answers
/// their ids. `skip_locked` is the dialect's clause (each row to one claimer).
pub(crate) async fn claim_due(
    mut ex: Ex<'_>,
    limit: i64,
    skip_locked: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<i64>> {
    Ok(db::query_scalar(format!(
        "UPDATE webhook_outbox SET claimed_until = ?, attempts = attempts + 1
         WHERE id IN (SELECT id FROM webhook_outbox
                      WHERE state = 'pending' AND next_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
                      ORDER BY id LIMIT {limit}{skip_locked})
           AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < ?)
         RETURNING id"
    ))
    .bind(until)
    .bind(now)
    .bind(now)
    .bind(now)
    .fetch_all(ex.ex())
    .await?)
}

/// Records a delivery attempt's outcome and when to try next.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_attempt(
    mut ex: Ex<'_>,
    id: i64,
    state: &str,
    next_at: DateTime<Utc>,
    status: Option<i64>,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "UPDATE webhook_outbox SET state = ?, next_at = ?, claimed_until = NULL,
           last_status = ?, last_error = ?, last_at = ? WHERE id = ?",
    )
    .bind(state)
    .bind(next_at)
    .bind(status)
    .bind(error)
    .bind(now)
    .bind(id)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// Deletes finished deliveries last tried before `before`.
pub(crate) async fn prune(mut ex: Ex<'_>, before: DateTime<Utc>) -> Result<()> {
    db::query("DELETE FROM webhook_outbox WHERE state <> 'pending' AND last_at < ?")
        .bind(before)
        .execute(ex.ex())
        .await?;
    Ok(())
}

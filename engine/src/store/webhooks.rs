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

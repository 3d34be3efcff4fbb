//! Webhooks (issue 21): what the admin API and screen exchange, and the events.

use serde::{Deserialize, Serialize};

/// The events a webhook may subscribe to.
pub const WEBHOOK_EVENTS: [&str; 5] = [
    "chat.started",
    "chat.assigned",
    "chat.ended",
    "chat.rated",
    "ticket.created",
];

/// Webhooks a service may have.
pub const MAX_WEBHOOKS: i64 = 20;

/// `POST /api/v1/webhooks`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewWebhook {
    /// `https://…` (or `http://`); hosts in loopback or private ranges are refused
    /// unless the operator allows them.
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::webhook_url))]
    pub url: String,
    /// Some of [`WEBHOOK_EVENTS`] (at least one).
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::webhook_events))]
    pub events: Vec<String>,
}

/// One delivery of an event (the outbox row): its state and last attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: String,
    pub event: String,
    /// `pending`, `delivered` or `failed` (gave up after the last retry).
    pub state: String,
    pub attempts: i64,
    /// The receiver's HTTP status of the last attempt.
    pub last_status: Option<i64>,
    /// Why the last attempt failed (a timeout, a refused address, …).
    pub last_error: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub last_at: Option<String>,
}

/// A webhook with its recent deliveries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    /// The HMAC-SHA256 key of `X-Signature` (admins only).
    pub secret: String,
    pub created_at: String,
    /// The latest deliveries, newest first (at most 20).
    pub deliveries: Vec<WebhookDelivery>,
}

/// The request schemas of a webhook's fields (issue 30).
#[cfg(feature = "openapi")]
mod schemas {
    use utoipa::openapi::Object;
    use utoipa::openapi::schema::{Array, ArrayBuilder, ObjectBuilder, Type};

    /// `engine::webhooks::check_url`: an http(s) address, trimmed. Whether its host is
    /// public is known only by resolving it.
    pub fn webhook_url() -> Object {
        crate::schema::http_url(true, false)
    }

    /// One or more of [`super::WEBHOOK_EVENTS`].
    pub fn webhook_events() -> Array {
        ArrayBuilder::new()
            .items(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(super::WEBHOOK_EVENTS)),
            )
            .min_items(Some(1))
            .build()
    }
}

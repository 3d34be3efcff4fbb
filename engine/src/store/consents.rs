//! `consent_texts` (C-IN-3, issue 33): the text of every version of a service's privacy
//! consent that a customer accepted, kept once per version; a chat's `consent_version`
//! names the one its customer accepted.

use chrono::{DateTime, Utc};
use shared::ServiceId;

use crate::db::{self, Ex};
use crate::error::Result;

/// Keeps a version's text unless it is kept already.
pub(crate) async fn keep(
    mut ex: Ex<'_>,
    service: ServiceId,
    version: &str,
    locale: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "INSERT INTO consent_texts (service_id, version, locale, body, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (service_id, version) DO NOTHING",
    )
    .bind(service.0)
    .bind(version)
    .bind(locale)
    .bind(text)
    .bind(now)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// A kept version: its language, text and when it was first accepted.
pub(crate) async fn text_of(
    mut ex: Ex<'_>,
    service: ServiceId,
    version: &str,
) -> Result<Option<(String, String, DateTime<Utc>)>> {
    let Some(r) = db::query(
        "SELECT locale, body, created_at FROM consent_texts WHERE service_id = ? AND version = ?",
    )
    .bind(service.0)
    .bind(version)
    .fetch_optional(ex.ex())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        r.try_get("locale")?,
        r.try_get("body")?,
        r.try_get("created_at")?,
    )))
}

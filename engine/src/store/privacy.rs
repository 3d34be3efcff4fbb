//! The erasure of personal data (issue 21): what a chat keeps about its customer
//! blanked or deleted across every table that holds it, in one batch of chats; the
//! retention's due chats. Which chats, and when, is `crate::privacy`'s rule.

use chrono::{DateTime, Utc};
use shared::privacy::Erased;
use shared::{ChatStatus, ServiceId};

use super::columns;
use crate::db::{self, Ex};
use crate::error::Result;

/// Which chats are one customer's, as stored: their (normalised) email, or the visitor
/// id the widget or the host site's user id left (`crate::privacy` reads the request
/// into one).
pub(crate) enum CustomerMatch {
    Email(String),
    Visitor(String),
}

impl CustomerMatch {
    fn push(&self, b: &mut db::Builder) {
        match self {
            CustomerMatch::Email(e) => b.push(" AND customer_email = ").push_bind(e.clone()),
            CustomerMatch::Visitor(v) => b.push(" AND visitor_id = ").push_bind(v.clone()),
        };
    }
}

/// How many of the customer's chats in the service are ended and not yet erased, and
/// how many are still open.
pub(crate) async fn customer_counts(
    mut ex: Ex<'_>,
    service: ServiceId,
    customer: &CustomerMatch,
) -> Result<(i64, i64)> {
    let mut b = db::Builder::new(
        "SELECT COALESCE(SUM(CASE WHEN status = 'ended' AND erased_at IS NULL THEN 1 ELSE 0 END), 0) AS ended,
                COALESCE(SUM(CASE WHEN status <> 'ended' THEN 1 ELSE 0 END), 0) AS open
         FROM chats WHERE service_id = ",
    );
    b.push_bind(service.0);
    customer.push(&mut b);
    let r = b.build().fetch_one(ex.ex()).await?;
    Ok((r.try_get("ended")?, r.try_get("open")?))
}

/// The customer's chats in the service with their statuses.
pub(crate) async fn customer_chats(
    mut ex: Ex<'_>,
    service: ServiceId,
    customer: &CustomerMatch,
) -> Result<Vec<(i64, ChatStatus)>> {
    let mut b = db::Builder::new("SELECT id, status FROM chats WHERE service_id = ");
    b.push_bind(service.0);
    customer.push(&mut b);
    b.build()
        .fetch_all(ex.ex())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, columns::chat_status(r.try_get("status")?))))
        .collect()
}

/// ` IN (?, ?, …)` of ids.
fn ids_in(b: &mut db::Builder, ids: &[i64]) {
    b.push(" IN (");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            b.push(", ");
        }
        b.push_bind(*id);
    }
    b.push(")");
}

/// Erases these ended chats of the service: messages' text and hints, masks, files,
/// transfer notes, their tickets' requester and text, the chats' customer columns.
pub(crate) async fn erase(
    mut tx: Ex<'_>,
    service: ServiceId,
    batch: &[i64],
    now: DateTime<Utc>,
) -> Result<Erased> {
    // `sql` + ` IN (the batch)` + `tail`
    let run = |sql: &str, tail: &str| {
        let mut b = db::Builder::new(sql.to_owned());
        ids_in(&mut b, batch);
        b.push(tail);
        b.build()
    };
    let mut e = Erased::default();
    e.messages = run(
        "UPDATE messages SET text = '', pii = NULL, client_id = NULL WHERE text <> '' AND chat_id",
        "",
    )
    .execute(tx.ex())
    .await?
    .rows_affected() as i64;
    run(
        "DELETE FROM masks WHERE message_id IN (SELECT id FROM messages WHERE chat_id",
        ")",
    )
    .execute(tx.ex())
    .await?;
    run("DELETE FROM attachment_chunks WHERE attachment_id IN (SELECT id FROM attachments WHERE chat_id", ")")
        .execute(tx.ex())
        .await?;
    e.files = run("DELETE FROM attachments WHERE chat_id", "")
        .execute(tx.ex())
        .await?
        .rows_affected() as i64;
    // a transfer's note may quote the customer
    run("UPDATE chat_handovers SET note = NULL WHERE chat_id", "")
        .execute(tx.ex())
        .await?;
    e.tickets = run("UPDATE tickets SET requester_name = NULL, requester_email = NULL, subject = '', body = '' WHERE chat_id", "")
        .execute(tx.ex())
        .await?
        .rows_affected() as i64;
    let mut b = db::Builder::new(
        "UPDATE chats SET customer_name = NULL, customer_email = NULL, customer_memo = NULL,
           customer_ip = NULL, user_agent = NULL, customer_device = NULL, visitor_id = NULL,
           rating_comment = NULL,
           channel = CASE WHEN channel = 'helpcenter' THEN channel ELSE 'widget' END,
           erased_at = ",
    );
    b.push_bind(now)
        .push(" WHERE service_id = ")
        .push_bind(service.0)
        .push(" AND status = 'ended' AND id");
    ids_in(&mut b, batch);
    e.chats = b.build().execute(tx.ex()).await?.rows_affected() as i64;
    Ok(e)
}

/// Blanks the 1:1 inquiries left under this (normalized) email; answers how many.
pub(crate) async fn erase_inquiries_of(
    mut ex: Ex<'_>,
    service: ServiceId,
    email: &str,
) -> Result<i64> {
    Ok(db::query(
        "UPDATE tickets SET requester_name = NULL, requester_email = NULL, subject = '', body = ''
         WHERE service_id = ? AND channel = 'inquiry' AND requester_email = ?",
    )
    .bind(service.0)
    .bind(email)
    .execute(ex.ex())
    .await?
    .rows_affected() as i64)
}

/// Up to `limit` ended chats of the service not yet erased that ended before `cutoff`.
pub(crate) async fn ended_before(
    mut ex: Ex<'_>,
    service: ServiceId,
    cutoff: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<i64>> {
    Ok(db::query_scalar(format!(
        "SELECT id FROM chats WHERE service_id = ? AND erased_at IS NULL AND status = 'ended'
           AND ended_at < ? ORDER BY id LIMIT {limit}"
    ))
    .bind(service.0)
    .bind(cutoff)
    .fetch_all(ex.ex())
    .await?)
}

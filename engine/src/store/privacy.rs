//! The erasure of personal data (issue 21): what a chat keeps about its customer
//! blanked or deleted across every table that holds it, in one batch of chats; the
//! retention's due chats. Which chats, and when, is `crate::privacy`'s rule.

use chrono::{DateTime, Utc};
use shared::ServiceId;
use shared::privacy::Erased;

use crate::db::{self, Ex};
use crate::error::Result;

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

//! Tickets, minimal for now: the 1:1 inquiry a customer leaves when no agent is online
//! (C-IN-2). All SQL on `tickets` lives here.

use chrono::Utc;
use shared::validate::{self, Invalid};
use shared::{InquiryRequest, TicketId};

use crate::Engine;
use crate::error::{Error, Result};

/// Longest inquiry subject and body, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 5000;

fn text(field: &'static str, s: &str, max: usize) -> Result<(), Invalid> {
    if s.trim().is_empty() {
        return Err(Invalid {
            field,
            reason: "must not be empty".into(),
        });
    }
    if s.chars().count() > max {
        return Err(Invalid {
            field,
            reason: format!("must be at most {max} characters"),
        });
    }
    Ok(())
}

/// Checks an inquiry; every field is required.
pub fn validate_inquiry(req: &InquiryRequest) -> Result<(), Invalid> {
    validate::name("name", &req.name)?;
    validate::email("email", &req.email)?;
    text("subject", &req.subject, MAX_SUBJECT_CHARS)?;
    text("body", &req.body, MAX_BODY_CHARS)?;
    Ok(())
}

impl Engine {
    /// Turns a help-center 1:1 inquiry into a ticket with channel `inquiry`.
    /// `client_addr` keys the per-address inquiry limit (issue 15).
    pub async fn create_inquiry(
        &self,
        slug: &str,
        req: InquiryRequest,
        client_addr: Option<&str>,
    ) -> Result<TicketId> {
        validate_inquiry(&req)?;
        self.limits.inquiry(client_addr)?;
        let service: i64 = db::query_scalar("SELECT id FROM services WHERE slug = ?")
            .bind(slug)
            .fetch_optional(self.db.ex())
            .await?
            .ok_or(Error::NotFound("service"))?;
        let mut tx = self.write_tx().await?;
        let id: i64 = db::query_scalar(
            "INSERT INTO tickets (service_id, channel, subject, body, requester_name, requester_email, created_at)
             VALUES (?, 'inquiry', ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(service)
        .bind(req.subject.trim())
        .bind(req.body.trim())
        .bind(req.name.trim())
        .bind(validate::normalize_email(&req.email))
        .bind(Utc::now())
        .fetch_one(tx.ex())
        .await?;
        crate::webhooks::enqueue(
            tx.ex(),
            service,
            "ticket.created",
            serde_json::json!({"ticket_id": id.to_string(), "channel": "inquiry"}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(ticket = id, service, "inquiry received");
        Ok(TicketId(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inquiries_need_every_field() {
        let ok = InquiryRequest {
            name: "홍길동".into(),
            email: "hong@example.com".into(),
            subject: "환불".into(),
            body: "환불 문의".into(),
        };
        assert!(validate_inquiry(&ok).is_ok());
        assert_eq!(
            validate_inquiry(&InquiryRequest {
                email: "nope".into(),
                ..ok.clone()
            })
            .unwrap_err()
            .field,
            "email"
        );
        assert_eq!(
            validate_inquiry(&InquiryRequest {
                subject: " ".into(),
                ..ok.clone()
            })
            .unwrap_err()
            .field,
            "subject"
        );
        assert_eq!(
            validate_inquiry(&InquiryRequest {
                body: "가".repeat(MAX_BODY_CHARS + 1),
                ..ok
            })
            .unwrap_err()
            .field,
            "body"
        );
    }
}

use crate::db::{self};
use shared::{ChatId, TicketDetail, TicketStatus, TicketSummary, TicketUpdate};

use crate::caller::Caller;

/// Filters of the ticket list.
#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    /// `chat` or `inquiry`.
    pub channel: Option<String>,
}

/// Which tickets a caller sees — the chat rule ([`crate::chats`]' `check_access`)
/// carried over to tickets (issue 15): callers who see all chats see every ticket of
/// the service; an agent limited to their own chats sees the tickets assigned to them,
/// the tickets of chats that are theirs, and unassigned 1:1 inquiries (the shared
/// inbox no chat owns). Binds: sees-all flag, agent id, agent id.
const TICKET_SCOPE: &str =
    "(? = 1 OR t.assignee_id = ? OR (t.assignee_id IS NULL AND t.chat_id IS NULL)
     OR EXISTS (SELECT 1 FROM chats c WHERE c.id = t.chat_id AND c.agent_id = ?))";

use crate::store::tickets::{TICKET_COLUMNS, TicketRow};

/// A chat ticket's subject: the customer and the start of their first message.
fn chat_ticket_subject(customer: &str, first_message: Option<&str>) -> String {
    let mut subject = format!("[채팅] {customer}");
    if let Some(f) = first_message {
        let short: String = f.chars().take(60).collect();
        subject = format!("{subject} — {}", short.replace('\n', " "));
    }
    subject
}

async fn first_customer_text(mut conn: db::Ex<'_>, chat: ChatId) -> Result<Option<String>> {
    Ok(db::query_scalar(
        "SELECT text FROM messages WHERE chat_id = ? AND author = 'customer' ORDER BY seq LIMIT 1",
    )
    .bind(chat.0)
    .fetch_optional(conn.ex())
    .await?)
}

/// Rebuilds the subject of the chat's ticket from the message as it is stored now, so a
/// mask (or unmask) reaches the copy of the first message in the subject (issue 15).
pub(crate) async fn refresh_chat_ticket_subject(mut conn: db::Ex<'_>, chat: ChatId) -> Result<()> {
    let Some(name) =
        db::query_scalar::<Option<String>>("SELECT requester_name FROM tickets WHERE chat_id = ?")
            .bind(chat.0)
            .fetch_optional(conn.ex())
            .await?
    else {
        return Ok(());
    };
    let first = first_customer_text(conn.ex(), chat).await?;
    db::query("UPDATE tickets SET subject = ? WHERE chat_id = ?")
        .bind(chat_ticket_subject(
            name.as_deref().unwrap_or_default(),
            first.as_deref(),
        ))
        .bind(chat.0)
        .execute(conn.ex())
        .await?;
    Ok(())
}

impl Engine {
    /// Turns a chat into a ticket with channel `chat` (C-AG-8), assigned to the caller.
    /// One ticket per chat: asking again returns the existing one (`false`).
    pub async fn create_ticket_from_chat(
        &self,
        caller: &Caller,
        chat: ChatId,
    ) -> Result<(TicketId, bool)> {
        let detail = self.chat(crate::Party::Agent(caller), chat).await?;
        if let Some(id) = db::query_scalar::<i64>("SELECT id FROM tickets WHERE chat_id = ?")
            .bind(chat.0)
            .fetch_optional(self.db.ex())
            .await?
        {
            return Ok((TicketId(id), false));
        }
        let first = first_customer_text(self.db.ex(), chat).await?;
        let subject = chat_ticket_subject(&detail.customer.name, first.as_deref());
        let now = Utc::now();
        let mut tx = self.write_tx().await?;
        let id: i64 = db::query_scalar(
            "INSERT INTO tickets (service_id, channel, subject, requester_name, requester_email, assignee_id, chat_id, created_at, updated_at)
             VALUES (?, 'chat', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(caller.service_id().0)
        .bind(subject)
        .bind(&detail.customer.name)
        .bind(&detail.customer.email)
        .bind(caller.agent_id().0)
        .bind(chat.0)
        .bind(now)
        .bind(now)
        .fetch_one(tx.ex())
        .await?;
        crate::webhooks::enqueue(
            tx.ex(),
            caller.service_id().0,
            "ticket.created",
            serde_json::json!({"ticket_id": id.to_string(), "channel": "chat", "chat_id": chat.0.to_string(),
                               "assignee_id": caller.agent_id().0.to_string()}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(ticket = id, chat = %chat, "ticket created from chat");
        Ok((TicketId(id), true))
    }

    /// The service's tickets, newest first (at most 500).
    pub async fn tickets(
        &self,
        caller: &Caller,
        filter: TicketFilter,
    ) -> Result<Vec<TicketSummary>> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id
             WHERE t.service_id = ? AND {TICKET_SCOPE} AND (? IS NULL OR t.status = ?) AND (? IS NULL OR t.channel = ?)
             ORDER BY t.created_at DESC, t.id DESC LIMIT 500"
        );
        let status = filter.status.map(|s| s.as_str());
        db::query(&sql)
            .bind(caller.service_id().0)
            .bind(caller.sees_all_chats())
            .bind(caller.agent_id().0)
            .bind(caller.agent_id().0)
            .bind(status)
            .bind(status)
            .bind(&filter.channel)
            .bind(&filter.channel)
            .fetch_all_as(self.db.ex())
            .await
    }

    /// One ticket; chat tickets carry the transcript.
    pub async fn ticket(&self, caller: &Caller, id: TicketId) -> Result<TicketDetail> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id
             WHERE t.id = ? AND t.service_id = ? AND {TICKET_SCOPE}"
        );
        let TicketRow {
            summary: s,
            body,
            requester_email,
        } = db::query(&sql)
            .bind(id.0)
            .bind(caller.service_id().0)
            .bind(caller.sees_all_chats())
            .bind(caller.agent_id().0)
            .bind(caller.agent_id().0)
            .fetch_optional_as(self.db.ex())
            .await?
            .ok_or(Error::NotFound("ticket"))?;
        let transcript = match s.chat_id {
            Some(chat) => Some(self.transcript(chat).await?),
            None => None,
        };
        Ok(TicketDetail {
            id: s.id,
            channel: s.channel,
            subject: s.subject,
            body,
            status: s.status,
            requester_name: s.requester_name,
            requester_email,
            assignee: s.assignee,
            chat_id: s.chat_id,
            created_at: s.created_at,
            transcript,
        })
    }

    pub async fn update_ticket(
        &self,
        caller: &Caller,
        id: TicketId,
        change: TicketUpdate,
    ) -> Result<TicketDetail> {
        // the same scope as reading: a ticket the caller cannot see is "not found"
        self.ticket(caller, id).await?;
        if let Some(status) = change.status {
            let done = db::query(
                "UPDATE tickets SET status = ?, updated_at = ? WHERE id = ? AND service_id = ?",
            )
            .bind(status.as_str())
            .bind(Utc::now())
            .bind(id.0)
            .bind(caller.service_id().0)
            .execute(self.db.ex())
            .await?;
            if done.rows_affected() == 0 {
                return Err(Error::NotFound("ticket"));
            }
        }
        self.ticket(caller, id).await
    }
}

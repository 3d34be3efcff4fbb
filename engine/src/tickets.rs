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
    pub async fn create_inquiry(&self, slug: &str, req: InquiryRequest) -> Result<TicketId> {
        validate_inquiry(&req)?;
        let service: i64 = db::query_scalar("SELECT id FROM services WHERE slug = ?")
            .bind(slug)
            .fetch_optional(self.db.ex())
            .await?
            .ok_or(Error::NotFound("service"))?;
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
        .fetch_one(self.db.ex())
        .await?;
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

use crate::db::{self, Row};
use shared::{ChatAgent, ChatId, TicketDetail, TicketStatus, TicketSummary, TicketUpdate};

use crate::auth::Caller;

/// Filters of the ticket list.
#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    /// `chat` or `inquiry`.
    pub channel: Option<String>,
}

const TICKET_COLUMNS: &str = "t.id, t.channel, t.subject, t.body, t.status, t.requester_name, t.requester_email, \
     t.assignee_id, a.name AS assignee_name, t.chat_id, t.created_at";

fn summary(r: &Row) -> TicketSummary {
    TicketSummary {
        id: TicketId(r.get("id")),
        channel: r.get("channel"),
        subject: r.get("subject"),
        status: TicketStatus::parse(r.get("status")).unwrap_or(TicketStatus::Open),
        requester_name: r.get("requester_name"),
        assignee: r.get::<Option<i64>, _>("assignee_id").map(|id| ChatAgent {
            id: shared::AgentId(id),
            name: r
                .get::<Option<String>, _>("assignee_name")
                .unwrap_or_default(),
        }),
        chat_id: r.get::<Option<i64>, _>("chat_id").map(ChatId),
        created_at: r.get("created_at"),
    }
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
        let first: Option<String> = db::query_scalar(
            "SELECT text FROM messages WHERE chat_id = ? AND author = 'customer' ORDER BY seq LIMIT 1",
        )
        .bind(chat.0)
        .fetch_optional(self.db.ex())
        .await?;
        let mut subject = format!("[채팅] {}", detail.customer.name);
        if let Some(f) = first {
            let short: String = f.chars().take(60).collect();
            subject = format!("{subject} — {}", short.replace('\n', " "));
        }
        let now = Utc::now();
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
        .fetch_one(self.db.ex())
        .await?;
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
             WHERE t.service_id = ? AND (? IS NULL OR t.status = ?) AND (? IS NULL OR t.channel = ?)
             ORDER BY t.created_at DESC, t.id DESC LIMIT 500"
        );
        let status = filter.status.map(|s| s.as_str());
        let rows = db::query(&sql)
            .bind(caller.service_id().0)
            .bind(status)
            .bind(status)
            .bind(&filter.channel)
            .bind(&filter.channel)
            .fetch_all(self.db.ex())
            .await?;
        Ok(rows.iter().map(summary).collect())
    }

    /// One ticket; chat tickets carry the transcript.
    pub async fn ticket(&self, caller: &Caller, id: TicketId) -> Result<TicketDetail> {
        let sql = format!(
            "SELECT {TICKET_COLUMNS} FROM tickets t LEFT JOIN agents a ON a.id = t.assignee_id WHERE t.id = ? AND t.service_id = ?"
        );
        let r = db::query(&sql)
            .bind(id.0)
            .bind(caller.service_id().0)
            .fetch_optional(self.db.ex())
            .await?
            .ok_or(Error::NotFound("ticket"))?;
        let s = summary(&r);
        let transcript = match s.chat_id {
            Some(chat) => Some(self.transcript(chat).await?),
            None => None,
        };
        Ok(TicketDetail {
            id: s.id,
            channel: s.channel,
            subject: s.subject,
            body: r.get("body"),
            status: s.status,
            requester_name: s.requester_name,
            requester_email: r.get("requester_email"),
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

//! Tickets: the 1:1 inquiry a customer leaves when no agent is online (C-IN-2) and the
//! ticket an agent makes of a chat (C-AG-8), who sees which (the chat rule carried
//! over) and their status. The rows are [`crate::store::tickets`].

use chrono::Utc;
use shared::validate::{self, Invalid};
use shared::{
    ChatId, InquiryRequest, TicketDetail, TicketId, TicketStatus, TicketSummary, TicketUpdate,
};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store::tickets::{self as rows, NewTicket, Scope};

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
/// inbox no chat owns).
fn scope_of(caller: &Caller) -> Scope {
    Scope {
        service: caller.service_id(),
        sees_all: caller.sees_all_chats(),
        agent: caller.agent_id(),
    }
}

/// A chat ticket's subject: the customer and the start of their first message.
fn chat_ticket_subject(customer: &str, first_message: Option<&str>) -> String {
    let mut subject = format!("[채팅] {customer}");
    if let Some(f) = first_message {
        let short: String = f.chars().take(60).collect();
        subject = format!("{subject} — {}", short.replace('\n', " "));
    }
    subject
}

/// Rebuilds the subject of the chat's ticket from the message as it is stored now, so a
/// mask (or unmask) reaches the copy of the first message in the subject (issue 15).
pub(crate) async fn refresh_chat_ticket_subject(
    mut conn: crate::db::Ex<'_>,
    chat: ChatId,
) -> Result<()> {
    let Some(name) = rows::requester_of_chat(conn.ex(), chat).await? else {
        return Ok(());
    };
    let first = crate::store::messages::first_customer_text(conn.ex(), chat).await?;
    let subject = chat_ticket_subject(name.as_deref().unwrap_or_default(), first.as_deref());
    rows::set_subject_of_chat(conn.ex(), chat, &subject).await
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
        let service = crate::store::services::id_of(self.db.ex(), slug)
            .await?
            .ok_or(Error::NotFound("service"))?;
        let mut tx = self.write_tx().await?;
        let id = rows::insert(
            tx.ex(),
            &NewTicket {
                service,
                channel: "inquiry",
                subject: req.subject.trim(),
                body: req.body.trim(),
                requester_name: Some(req.name.trim()),
                requester_email: Some(validate::normalize_email(&req.email)),
                assignee: None,
                chat: None,
                updated_at: None,
            },
            Utc::now(),
        )
        .await?;
        crate::webhooks::enqueue(
            tx.ex(),
            service.0,
            "ticket.created",
            serde_json::json!({"ticket_id": id.to_string(), "channel": "inquiry"}),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(ticket = %id, service = %service, "inquiry received");
        Ok(id)
    }

    /// Turns a chat into a ticket with channel `chat` (C-AG-8), assigned to the caller.
    /// One ticket per chat: asking again returns the existing one (`false`).
    pub async fn create_ticket_from_chat(
        &self,
        caller: &Caller,
        chat: ChatId,
    ) -> Result<(TicketId, bool)> {
        let detail = self.chat(crate::Party::Agent(caller), chat).await?;
        if let Some(id) = rows::id_of_chat(self.db.ex(), chat).await? {
            return Ok((id, false));
        }
        let first = crate::store::messages::first_customer_text(self.db.ex(), chat).await?;
        let subject = chat_ticket_subject(&detail.customer.name, first.as_deref());
        let now = Utc::now();
        let mut tx = self.write_tx().await?;
        let id = rows::insert(
            tx.ex(),
            &NewTicket {
                service: caller.service_id(),
                channel: "chat",
                subject: &subject,
                body: "",
                requester_name: Some(&detail.customer.name),
                requester_email: detail.customer.email.clone(),
                assignee: Some(caller.agent_id()),
                chat: Some(chat),
                updated_at: Some(now),
            },
            now,
        )
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
        tracing::info!(ticket = %id, chat = %chat, "ticket created from chat");
        Ok((id, true))
    }

    /// The service's tickets, newest first (at most 500).
    pub async fn tickets(
        &self,
        caller: &Caller,
        filter: TicketFilter,
    ) -> Result<Vec<TicketSummary>> {
        rows::list(
            self.db.ex(),
            &scope_of(caller),
            filter.status,
            filter.channel.as_deref(),
        )
        .await
    }

    /// One ticket; chat tickets carry the transcript.
    pub async fn ticket(&self, caller: &Caller, id: TicketId) -> Result<TicketDetail> {
        let rows::TicketRow {
            summary: s,
            body,
            requester_email,
        } = rows::one(self.db.ex(), &scope_of(caller), id)
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
        if let Some(status) = change.status
            && !rows::set_status(self.db.ex(), caller.service_id(), id, status, Utc::now()).await?
        {
            return Err(Error::NotFound("ticket"));
        }
        self.ticket(caller, id).await
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

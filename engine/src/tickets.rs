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
        let service: i64 = sqlx::query_scalar("SELECT id FROM services WHERE slug = ?")
            .bind(slug)
            .fetch_optional(&self.db)
            .await?
            .ok_or(Error::NotFound("service"))?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (service_id, channel, subject, body, requester_name, requester_email, created_at)
             VALUES (?, 'inquiry', ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(service)
        .bind(req.subject.trim())
        .bind(req.body.trim())
        .bind(req.name.trim())
        .bind(validate::normalize_email(&req.email))
        .bind(Utc::now())
        .fetch_one(&self.db)
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

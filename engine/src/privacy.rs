//! Retention and erasure of customers' personal data (issue 21; Korea's PIPA, the
//! GDPR). One rule for both, [`Engine::erase_chats`]: of an ended chat, the customer's
//! name, email, IP address, browser and device, visitor id (a signed user id included),
//! memo, rating comment and the page it started on are cleared; every message's text is
//! emptied (the full-text index follows through its triggers, with SQLite's
//! `secure-delete`), masked originals, the PII hints and transfer notes are deleted,
//! its files (bytes,
//! thumbnails, rows) are deleted, its ticket loses requester, subject and body, and
//! finished exports of the service (which may hold the text) are dropped. The chat row,
//! its times, handling type, agent, handled flag and rating stay — so reports and their
//! rollups keep every figure (no rollup is touched). An erased chat records `erased_at`.
//!
//! - **Retention**: per service, chats ended more than `retention_days` (1–3,650; off by
//!   default) ago are erased, daily in the background and on demand by an admin.
//! - **Erasure on request**: an admin finds a customer by email, visitor id or signed
//!   user id and erases all their ended chats (and the 1:1 inquiries they left under
//!   that email) in one action.
//!
//! Every run is one audit entry with its counts; an erasure's entry names the kind of
//! identifier, never the identifier itself.

use chrono::Utc;
use shared::ServiceId;
use shared::privacy::{CustomerChats, CustomerKey, Erased, RETENTION_DAYS, Retention};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store;
use crate::store::privacy::CustomerMatch;

/// Chats erased per transaction (a retention run over years of chats never holds the
/// write lock for long).
const BATCH: usize = 200;

/// The stored form of a customer key (normalised email, visitor id, `user:` + the host
/// site's user id); a blank or over-long key is 422.
fn customer_match(key: &CustomerKey) -> Result<CustomerMatch> {
    let blank = |v: &str| {
        v.trim().is_empty() || v.chars().count() > shared::privacy::MAX_CUSTOMER_KEY_CHARS
    };
    match key {
        CustomerKey::Email(e) if !blank(e) => {
            Ok(CustomerMatch::Email(shared::validate::normalize_email(e)))
        }
        CustomerKey::VisitorId(v) if !blank(v) => Ok(CustomerMatch::Visitor(v.trim().to_owned())),
        CustomerKey::UserId(u) if !blank(u) => {
            Ok(CustomerMatch::Visitor(format!("user:{}", u.trim())))
        }
        _ => Err(Error::Invalid(shared::validate::Invalid {
            field: key.kind(),
            reason: "must be 1 to 320 characters".into(),
        })),
    }
}

/// A consent text's version: `c1-` and the first 16 hex digits of its SHA-256, so the
/// same words are one version however many chats accepted them (issue 33).
pub(crate) fn consent_version(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("c1-{hex}")
}

impl Engine {
    /// A consent version customers of the service accepted (public: it is what every
    /// visitor was shown); `None` for an unknown service or version.
    pub async fn consent_record(
        &self,
        slug: &str,
        version: &str,
    ) -> Result<Option<shared::ConsentRecord>> {
        if version.len() > 64 {
            return Ok(None);
        }
        let Some(service) = store::services::id_of(self.db.ex(), slug).await? else {
            return Ok(None);
        };
        Ok(store::consents::text_of(self.db.ex(), service, version)
            .await?
            .map(|(locale, text, first)| shared::ConsentRecord {
                version: version.to_owned(),
                locale,
                text,
                first_accepted_at: first,
            }))
    }

    /// Erases these ended chats of the service (the module's rule), in batches.
    pub(crate) async fn erase_chats(&self, service: ServiceId, chats: &[i64]) -> Result<Erased> {
        let mut total = Erased::default();
        for batch in chats.chunks(BATCH) {
            let mut tx = self.write_tx().await?;
            let e = store::privacy::erase(tx.ex(), service, batch, Utc::now()).await?;
            self.drop_exports_of(tx.ex(), service).await?;
            tx.commit().await?;
            total.add(&e);
        }
        if !chats.is_empty() {
            self.scrub_log().await?;
        }
        Ok(total)
    }

    async fn audit_privacy(
        &self,
        service: ServiceId,
        agent: Option<i64>,
        action: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        store::audit::record_service(self.db.ex(), service, agent, action, &detail, Utc::now())
            .await
    }

    /// How many chats of the caller's service belong to this customer (ended, open).
    pub async fn find_customer_chats(
        &self,
        caller: &Caller,
        key: &CustomerKey,
    ) -> Result<CustomerChats> {
        caller.require_admin()?;
        let customer = customer_match(key)?;
        let (ended, open) =
            store::privacy::customer_counts(self.db.ex(), caller.service_id(), &customer).await?;
        Ok(CustomerChats { ended, open })
    }

    /// Erases every ended chat of one customer in the caller's service (admins), and
    /// the 1:1 inquiries left under their email; audited with the counts.
    pub async fn erase_customer(&self, caller: &Caller, key: &CustomerKey) -> Result<Erased> {
        caller.require_admin()?;
        let service = caller.service_id();
        let customer = customer_match(key)?;
        let mut ended = Vec::new();
        let mut open_left = 0;
        for (id, status) in store::privacy::customer_chats(self.db.ex(), service, &customer).await?
        {
            if status == shared::ChatStatus::Ended {
                ended.push(id);
            } else {
                open_left += 1;
            }
        }
        let mut done = self.erase_chats(service, &ended).await?;
        done.open_left = open_left;
        if let CustomerKey::Email(email) = key {
            let mut tx = self.write_tx().await?;
            done.tickets += store::privacy::erase_inquiries_of(
                tx.ex(),
                service,
                &shared::validate::normalize_email(email),
            )
            .await?;
            self.drop_exports_of(tx.ex(), service).await?;
            tx.commit().await?;
            self.scrub_log().await?;
        }
        self.audit_privacy(
            service,
            Some(caller.agent_id().0),
            "erase",
            serde_json::json!({"by": key.kind(), "erased": &done}),
        )
        .await?;
        tracing::info!(
            service = service.0,
            by = key.kind(),
            chats = done.chats,
            "customer data erased"
        );
        Ok(done)
    }

    /// Sets the service's retention (`None`: off); 1–3,650 days.
    pub async fn set_retention(&self, caller: &Caller, days: Option<i64>) -> Result<()> {
        caller.require_admin()?;
        if let Some(d) = days
            && !RETENTION_DAYS.contains(&d)
        {
            return Err(Error::Invalid(shared::validate::Invalid {
                field: "retention_days",
                reason: "must be 1 to 3650 days, or null for off".into(),
            }));
        }
        store::services::set_retention_days(self.db.ex(), caller.service_id(), days).await
    }

    /// The service's retention: days (`None`: off) and when it last ran.
    pub async fn retention(&self, caller: &Caller) -> Result<Retention> {
        caller.require_admin()?;
        let (retention_days, ran) =
            crate::store::services::retention(self.db.ex(), caller.service_id()).await?;
        Ok(Retention {
            retention_days,
            last_run_at: ran.map(|t| t.to_rfc3339()),
        })
    }

    /// Runs the service's retention now (an admin's "run now"; `agent` for the audit).
    pub async fn run_retention_now(&self, caller: &Caller) -> Result<Erased> {
        caller.require_admin()?;
        self.run_retention(caller.service_id(), Some(caller.agent_id().0))
            .await
    }

    /// Erases the service's chats ended more than its retention ago; audited when it
    /// is on (also when nothing was due).
    pub(crate) async fn run_retention(
        &self,
        service: ServiceId,
        agent: Option<i64>,
    ) -> Result<Erased> {
        let (days, _) = store::services::retention(self.db.ex(), service).await?;
        let Some(days) = days else {
            // a state the service or account is in, not a wrong field: 409 (issue 30)
            return Err(Error::conflict(
                shared::ErrorCode::RetentionOff,
                "retention is off for this service",
            ));
        };
        let cutoff = Utc::now() - chrono::Duration::days(days);
        let mut done = Erased::default();
        loop {
            let due = store::privacy::ended_before(self.db.ex(), service, cutoff, BATCH).await?;
            if due.is_empty() {
                break;
            }
            let e = self.erase_chats(service, &due).await?;
            done.add(&e);
            if e.chats == 0 {
                break; // (cannot happen: the rows were due; never loop on them)
            }
        }
        store::services::set_retention_ran(self.db.ex(), service, Utc::now()).await?;
        self.audit_privacy(
            service,
            agent,
            "retention",
            serde_json::json!({"days": days, "erased": &done}),
        )
        .await?;
        Ok(done)
    }
}

/// How often the background retention looks for services due a run.
const RETENTION_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Runs every service's retention once a day (a service is due when its last run is a
/// day old or it never ran; on several instances the row update decides who runs it).
pub(crate) async fn daily_retention(engine: Engine) {
    let mut every = tokio::time::interval(RETENTION_CHECK_EVERY);
    loop {
        every.tick().await;
        let day_ago = Utc::now() - chrono::Duration::days(1);
        // claim: only the instance whose update moved `retention_ran_at` runs it
        let due = store::services::retention_due(engine.db.ex(), day_ago).await;
        for service in due.unwrap_or_default() {
            let claimed =
                store::services::claim_retention(engine.db.ex(), service, day_ago, Utc::now())
                    .await
                    .unwrap_or(false);
            if !claimed {
                continue;
            }
            match engine.run_retention(service, None).await {
                Ok(e) => tracing::info!(service = %service, chats = e.chats, "retention ran"),
                Err(e) => tracing::warn!(service = %service, error = %e, "retention failed"),
            }
        }
    }
}

//! The `services` table: a service (tenant) with its settings, read whole into one
//! [`ServiceRow`] — every settings column decoded once (see [`super::columns`]) — and
//! the single-column reads the hot paths make.

use chrono::Utc;
use shared::{BusinessHours, Contract, FileRules, ServiceId, Settings};

use super::columns;
use crate::db::{self, Ex, FromRow, Row};
use crate::error::{Error, Result, is_unique_violation};

/// A service and its settings as stored.
#[derive(Clone, Debug)]
pub(crate) struct ServiceRow {
    pub(crate) id: ServiceId,
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) settings: Settings,
    /// Ended chats are erased this many days later (issue 21); `None`: kept.
    pub(crate) retention_days: Option<i64>,
}

impl ServiceRow {
    /// Chat is offered at all: contracted and switched on for the help center.
    pub(crate) fn chat_enabled(&self) -> bool {
        self.settings.contract.chat && self.settings.helpcenter_chat_enabled
    }

    /// The default language (the first of the list, which is never empty).
    pub(crate) fn default_locale(&self) -> &str {
        self.settings.locales.first().map_or("ko", String::as_str)
    }

    /// What the privacy consent is told from (issue 33).
    pub(crate) fn consent_facts(&self) -> shared::consent::ConsentFacts {
        shared::consent::ConsentFacts {
            retention_days: self.retention_days,
            files: !self.settings.files.types.is_empty(),
            wording: self.settings.consent.clone(),
        }
    }
}

const COLUMNS: &str = "id, slug, name, contract_chat, contract_security, helpcenter_chat_enabled,
    prefer_recent_agent, locales, greetings, satisfaction_messages, allowed_domains,
    require_signed_user, identity_secret, auto_mask_pii, agents_see_all_history,
    require_two_factor, agent_capacity, reroute_after_secs, recent_agent_hold_secs,
    business_hours, typing_preview, file_max_mb, file_types, appearance, retention_days, consent_wording";

impl FromRow for ServiceRow {
    fn from_row(r: &Row) -> Result<ServiceRow> {
        Ok(ServiceRow {
            id: ServiceId(r.try_get("id")?),
            slug: r.try_get("slug")?,
            name: r.try_get("name")?,
            settings: Settings {
                contract: Contract {
                    chat: r.try_get("contract_chat")?,
                    security_service: r.try_get("contract_security")?,
                },
                helpcenter_chat_enabled: r.try_get("helpcenter_chat_enabled")?,
                greetings: columns::text_map(r.try_get("greetings")?),
                satisfaction_messages: columns::text_map(r.try_get("satisfaction_messages")?),
                prefer_recent_agent: r.try_get("prefer_recent_agent")?,
                locales: columns::locales(r.try_get("locales")?),
                allowed_domains: columns::list(r.try_get("allowed_domains")?),
                require_signed_user: r.try_get("require_signed_user")?,
                auto_mask_pii: r.try_get("auto_mask_pii")?,
                agents_see_all_history: r.try_get("agents_see_all_history")?,
                require_two_factor: r.try_get("require_two_factor")?,
                identity_secret: r
                    .try_get::<Option<String>, _>("identity_secret")?
                    .unwrap_or_default(),
                routing: shared::Routing {
                    agent_capacity: r.try_get("agent_capacity")?,
                    reroute_after_secs: r.try_get("reroute_after_secs")?,
                    recent_agent_hold_secs: r.try_get("recent_agent_hold_secs")?,
                },
                hours: columns::business_hours(r.try_get("business_hours")?),
                typing_preview: r.try_get("typing_preview")?,
                files: file_rules_of(r)?,
                appearance: columns::appearance(r.try_get("appearance")?),
                consent: columns::json_map(r.try_get("consent_wording")?),
            },
            retention_days: r.try_get("retention_days")?,
        })
    }
}

/// The service with this id.
pub(crate) async fn by_id(mut ex: Ex<'_>, id: ServiceId) -> Result<ServiceRow> {
    db::query(format!("SELECT {COLUMNS} FROM services WHERE id = ?"))
        .bind(id.0)
        .fetch_optional_as(ex.ex())
        .await?
        .ok_or(Error::NotFound("service"))
}

/// The service with this slug, if there is one.
pub(crate) async fn by_slug(mut ex: Ex<'_>, slug: &str) -> Result<Option<ServiceRow>> {
    db::query(format!("SELECT {COLUMNS} FROM services WHERE slug = ?"))
        .bind(slug)
        .fetch_optional_as(ex.ex())
        .await
}

/// Whether agents see what a customer is typing (issue 19).
pub(crate) async fn typing_preview(mut ex: Ex<'_>, id: ServiceId) -> Result<bool> {
    Ok(
        db::query_scalar("SELECT typing_preview FROM services WHERE id = ?")
            .bind(id.0)
            .fetch_one(ex.ex())
            .await?,
    )
}

/// Whether chat is offered (contracted and switched on), the business hours and how
/// many agents can take chats, in one read; `None` for an unknown slug.
pub(crate) async fn availability(
    mut ex: Ex<'_>,
    slug: &str,
) -> Result<Option<(bool, BusinessHours, i64)>> {
    db::query(
        "SELECT (s.contract_chat = 1 AND s.helpcenter_chat_enabled = 1) AS enabled, s.business_hours,
                (SELECT COUNT(*) FROM agents a WHERE a.service_id = s.id AND a.status = 'online'
                   AND a.active = 1 AND a.chat_permission = 1) AS online
         FROM services s WHERE s.slug = ?",
    )
    .bind(slug)
    .fetch_optional(ex.ex())
    .await?
    .map(|r| {
        Ok((
            r.try_get("enabled")?,
            columns::business_hours(r.try_get("business_hours")?),
            r.try_get("online")?,
        ))
    })
    .transpose()
}

/// The services with chats waiting.
pub(crate) async fn with_waiting_chats(mut ex: Ex<'_>) -> Result<Vec<ServiceId>> {
    Ok(db::query_scalar::<i64>(
        "SELECT s.id FROM services s
         WHERE EXISTS (SELECT 1 FROM chats c WHERE c.service_id = s.id AND c.status = 'waiting')",
    )
    .fetch_all(ex.ex())
    .await?
    .into_iter()
    .map(ServiceId)
    .collect())
}

/// Sets the service's retention (`None`: off).
pub(crate) async fn set_retention_days(
    mut ex: Ex<'_>,
    id: ServiceId,
    days: Option<i64>,
) -> Result<()> {
    db::query("UPDATE services SET retention_days = ? WHERE id = ?")
        .bind(days)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The retention ran now.
pub(crate) async fn set_retention_ran(
    mut ex: Ex<'_>,
    id: ServiceId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    db::query("UPDATE services SET retention_ran_at = ? WHERE id = ?")
        .bind(now)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Services with retention on that last ran before `before` (or never).
pub(crate) async fn retention_due(
    mut ex: Ex<'_>,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<ServiceId>> {
    Ok(db::query_scalar::<i64>(
        "SELECT id FROM services WHERE retention_days IS NOT NULL
           AND (retention_ran_at IS NULL OR retention_ran_at < ?)",
    )
    .bind(before)
    .fetch_all(ex.ex())
    .await?
    .into_iter()
    .map(ServiceId)
    .collect())
}

/// Claims a service's daily retention run: `true` only for the instance whose update
/// moved `retention_ran_at`.
pub(crate) async fn claim_retention(
    mut ex: Ex<'_>,
    id: ServiceId,
    before: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool> {
    let done = db::query(
        "UPDATE services SET retention_ran_at = ? WHERE id = ?
           AND (retention_ran_at IS NULL OR retention_ran_at < ?)",
    )
    .bind(now)
    .bind(id.0)
    .bind(before)
    .execute(ex.ex())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the service has the security service (masking, PII hints).
pub(crate) async fn security_service(mut ex: Ex<'_>, id: ServiceId) -> Result<bool> {
    Ok(
        db::query_scalar("SELECT contract_security FROM services WHERE id = ?")
            .bind(id.0)
            .fetch_one(ex.ex())
            .await?,
    )
}

/// Whether every account of the service must use two-factor login.
pub(crate) async fn set_require_two_factor(mut ex: Ex<'_>, id: ServiceId, on: bool) -> Result<()> {
    db::query("UPDATE services SET require_two_factor = ? WHERE id = ?")
        .bind(on)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The id of the service with this slug.
pub(crate) async fn id_of(mut ex: Ex<'_>, slug: &str) -> Result<Option<ServiceId>> {
    Ok(
        db::query_scalar::<i64>("SELECT id FROM services WHERE slug = ?")
            .bind(slug)
            .fetch_optional(ex.ex())
            .await?
            .map(ServiceId),
    )
}

/// Stores a service's settings (all of them, as [`ServiceRow`] reads them back).
pub(crate) async fn save_settings(mut ex: Ex<'_>, id: ServiceId, next: &Settings) -> Result<()> {
    db::query(
            "UPDATE services SET contract_chat = ?, contract_security = ?, helpcenter_chat_enabled = ?, prefer_recent_agent = ?,
                    locales = ?, greetings = ?, satisfaction_messages = ?, allowed_domains = ?, require_signed_user = ?, auto_mask_pii = ?, agents_see_all_history = ?,
                    agent_capacity = ?, reroute_after_secs = ?, recent_agent_hold_secs = ?, business_hours = ?,
                    typing_preview = ?, file_max_mb = ?, file_types = ?, appearance = ?, consent_wording = ?
             WHERE id = ?",
        )
        .bind(next.contract.chat)
        .bind(next.contract.security_service)
        .bind(next.helpcenter_chat_enabled)
        .bind(next.prefer_recent_agent)
        .bind(serde_json::to_string(&next.locales).unwrap_or_default())
        .bind(serde_json::to_string(&next.greetings).unwrap_or_default())
        .bind(serde_json::to_string(&next.satisfaction_messages).unwrap_or_default())
        .bind(serde_json::to_string(&next.allowed_domains).unwrap_or_default())
        .bind(next.require_signed_user)
        .bind(next.auto_mask_pii)
        .bind(next.agents_see_all_history)
        .bind(next.routing.agent_capacity)
        .bind(next.routing.reroute_after_secs)
        .bind(next.routing.recent_agent_hold_secs)
        .bind(serde_json::to_string(&next.hours).unwrap_or_default())
        .bind(next.typing_preview)
        .bind(next.files.max_mb)
        .bind(serde_json::to_string(&next.files.types).unwrap_or_default())
        .bind(serde_json::to_string(&next.appearance).unwrap_or_default())
        .bind(serde_json::to_string(&next.consent).unwrap_or_default())
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// A service's business hours (read on every routing decision and report).
pub(crate) async fn business_hours(mut ex: Ex<'_>, id: ServiceId) -> Result<BusinessHours> {
    let cell: Option<String> = db::query_scalar("SELECT business_hours FROM services WHERE id = ?")
        .bind(id.0)
        .fetch_optional(ex.ex())
        .await?
        .flatten();
    Ok(columns::business_hours(cell.as_deref()))
}

/// How long a customer's recent agent is held for them (C-SET-4, issue 18).
pub(crate) async fn recent_agent_hold(mut ex: Ex<'_>, id: ServiceId) -> Result<chrono::Duration> {
    let secs: i64 = db::query_scalar("SELECT recent_agent_hold_secs FROM services WHERE id = ?")
        .bind(id.0)
        .fetch_one(ex.ex())
        .await?;
    Ok(chrono::Duration::seconds(secs))
}

/// A service's file rules (checked on every upload).
pub(crate) async fn file_rules(mut ex: Ex<'_>, id: ServiceId) -> Result<FileRules> {
    let r = db::query("SELECT file_max_mb, file_types FROM services WHERE id = ?")
        .bind(id.0)
        .fetch_optional(ex.ex())
        .await?
        .ok_or(Error::NotFound("service"))?;
    file_rules_of(&r)
}

/// The `file_max_mb` and `file_types` cells of a row that has them.
pub(crate) fn file_rules_of(r: &Row) -> Result<FileRules> {
    Ok(FileRules {
        max_mb: r.try_get("file_max_mb")?,
        types: columns::list(r.try_get("file_types")?),
    })
}

/// Every service's queue length: (slug, chats waiting).
pub(crate) async fn queue_lengths(mut ex: Ex<'_>) -> Result<Vec<(String, i64)>> {
    db::query(
        "SELECT s.slug, (SELECT COUNT(*) FROM chats c WHERE c.service_id = s.id AND c.status = 'waiting') AS n
         FROM services s ORDER BY s.slug",
    )
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("slug")?, r.try_get("n")?)))
    .collect()
}

/// A service's retention: days (`None`: off) and when it last ran.
pub(crate) async fn retention(
    mut ex: Ex<'_>,
    id: ServiceId,
) -> Result<(Option<i64>, Option<chrono::DateTime<chrono::Utc>>)> {
    let r = db::query("SELECT retention_days, retention_ran_at FROM services WHERE id = ?")
        .bind(id.0)
        .fetch_optional(ex.ex())
        .await?
        .ok_or(Error::NotFound("service"))?;
    Ok((r.try_get("retention_days")?, r.try_get("retention_ran_at")?))
}

/// Inserts a bare service row (all flags off) and returns its id.
pub(crate) async fn insert(mut conn: Ex<'_>, slug: &str, name: &str) -> Result<ServiceId> {
    let id: i64 = db::query_scalar(
        "INSERT INTO services (slug, name, created_at, identity_secret) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(slug)
    .bind(name.trim())
    .bind(Utc::now())
    .bind(crate::identity::new_secret())
    .fetch_one(conn.ex())
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::conflict(
                shared::ErrorCode::SlugTaken,
                format!("a service with slug `{slug}` already exists"),
            )
        } else {
            e.into()
        }
    })?;
    Ok(ServiceId(id))
}

/// Turns every contract and the recent-agent preference on, with these greetings and
/// satisfaction messages (the demo service's starting state).
pub(crate) async fn turn_everything_on(
    mut ex: Ex<'_>,
    id: ServiceId,
    greetings: &str,
    satisfaction: &str,
) -> Result<()> {
    db::query(
        "UPDATE services SET contract_chat = 1, contract_security = 1, helpcenter_chat_enabled = 1,
         prefer_recent_agent = 1, greetings = ?, satisfaction_messages = ? WHERE id = ?",
    )
    .bind(greetings)
    .bind(satisfaction)
    .bind(id.0)
    .execute(ex.ex())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::value::Value;

    fn row(locales: &str, greetings: &str, hours: Option<&str>) -> Row {
        let names = [
            "id",
            "slug",
            "name",
            "contract_chat",
            "contract_security",
            "helpcenter_chat_enabled",
            "prefer_recent_agent",
            "locales",
            "greetings",
            "satisfaction_messages",
            "allowed_domains",
            "require_signed_user",
            "identity_secret",
            "auto_mask_pii",
            "agents_see_all_history",
            "require_two_factor",
            "agent_capacity",
            "reroute_after_secs",
            "recent_agent_hold_secs",
            "business_hours",
            "typing_preview",
            "file_max_mb",
            "file_types",
            "appearance",
            "retention_days",
            "consent_wording",
        ];
        let t = |s: &str| Value::Text(s.to_owned());
        let values = vec![
            Value::Int(7),
            t("acme"),
            t("Acme"),
            Value::Int(1),
            Value::Int(0),
            Value::Int(1),
            Value::Int(0),
            t(locales),
            t(greetings),
            t("{}"),
            t("[]"),
            Value::Int(0),
            Value::Null(crate::db::value::Kind::Text),
            Value::Int(0),
            Value::Int(1),
            Value::Int(0),
            Value::Int(3),
            Value::Int(60),
            Value::Int(600),
            hours.map_or(Value::Null(crate::db::value::Kind::Text), t),
            Value::Int(0),
            Value::Int(10),
            t("not json"),
            t("{not an appearance"),
            Value::Int(30),
            t("[not a map"),
        ];
        Row::of(&names, values)
    }

    #[test]
    fn a_service_row_reads_whole_and_corrupt_json_cells_fall_back() {
        let s =
            ServiceRow::from_row(&row(r#"["en","ko"]"#, r#"{"ko":"안녕하세요"}"#, None)).unwrap();
        assert_eq!(s.id, ServiceId(7));
        assert!(s.chat_enabled());
        assert_eq!(s.default_locale(), "en");
        assert_eq!(s.settings.greetings["ko"], "안녕하세요");
        assert!(s.settings.files.types.is_empty());
        assert_eq!(s.settings.identity_secret, "");
        let broken = ServiceRow::from_row(&row("oops", "{", Some("[["))).unwrap();
        assert_eq!(broken.settings.locales, vec!["ko"]);
        assert_eq!(broken.default_locale(), "ko");
        assert!(broken.settings.greetings.is_empty());
        assert_eq!(broken.settings.hours, BusinessHours::default());
        assert_eq!(broken.settings.appearance, shared::Appearance::default());
        assert_eq!(broken.retention_days, Some(30));
        assert!(broken.settings.consent.is_empty());
    }
}

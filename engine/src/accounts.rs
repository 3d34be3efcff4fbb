//! Agent and admin accounts. All SQL on the `agents` table lives here; every read of a
//! service's accounts is scoped by the [`Caller`]'s service.

use crate::db::{self, Ex, FromRow, Row};
use chrono::Utc;
use shared::validate;
use shared::{AgentId, AgentProfile, AgentStatus, Role, ServiceId};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result, is_unique_violation};

/// A new account, before its password is hashed.
#[derive(Clone, Debug)]
pub(crate) struct NewAgent {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub chat_permission: bool,
}

/// Columns that make an [`AgentProfile`]; joined with `services s`.
pub(crate) const PROFILE_COLUMNS: &str = "a.id, a.name, a.email, a.role, a.chat_permission, a.status, a.active, a.capacity, \
     a.notify_desktop, a.notify_sound, a.totp_enabled_at, s.require_two_factor, \
     s.slug AS service_slug, s.name AS service_name";

impl FromRow for AgentProfile {
    fn from_row(r: &Row) -> Result<AgentProfile> {
        Ok(AgentProfile {
            id: AgentId(r.try_get("id")?),
            name: r.try_get("name")?,
            email: r.try_get("email")?,
            role: Role::parse(r.try_get("role")?).unwrap_or(Role::Agent),
            service: r.try_get("service_slug")?,
            service_name: r.try_get("service_name")?,
            chat_permission: r.try_get("chat_permission")?,
            status: AgentStatus::parse(r.try_get("status")?).unwrap_or(AgentStatus::Offline),
            active: r.try_get("active")?,
            capacity: r.try_get("capacity")?,
            alerts: shared::AlertPrefs {
                desktop: r.try_get("notify_desktop")?,
                sound: r.try_get("notify_sound")?,
            },
            two_factor: r
                .try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("totp_enabled_at")?
                .is_some(),
            two_factor_setup_required: r.try_get::<bool, _>("require_two_factor")?
                && r.try_get::<Option<chrono::DateTime<chrono::Utc>>, _>("totp_enabled_at")?
                    .is_none(),
        })
    }
}

/// Inserts an account with an already hashed password.
pub(crate) async fn insert(
    mut conn: Ex<'_>,
    service: ServiceId,
    new: &NewAgent,
    password_hash: &str,
) -> Result<AgentId> {
    validate::name("name", &new.name)?;
    validate::email("email", &new.email)?;
    let email = validate::normalize_email(&new.email);
    let now = Utc::now();
    let id: i64 = db::query_scalar(
        "INSERT INTO agents (service_id, name, email, password_hash, role, chat_permission, status_changed_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(service.0)
    .bind(new.name.trim())
    .bind(&email)
    .bind(password_hash)
    .bind(new.role.as_str())
    .bind(new.chat_permission)
    .bind(now)
    .bind(now)
    .fetch_one(conn.ex())
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::conflict(shared::ErrorCode::EmailTaken, format!("an account with email {email} already exists"))
        } else {
            e.into()
        }
    })?;
    Ok(AgentId(id))
}

/// Whether an account with this email exists anywhere.
pub(crate) async fn email_exists(mut conn: Ex<'_>, email: &str) -> Result<bool> {
    let n: i64 = db::query_scalar("SELECT COUNT(*) FROM agents WHERE email = ?")
        .bind(validate::normalize_email(email))
        .fetch_one(conn.ex())
        .await?;
    Ok(n > 0)
}

impl Engine {
    /// The caller's own profile.
    pub async fn profile(&self, caller: &Caller) -> Result<AgentProfile> {
        self.agent(caller, caller.agent_id()).await
    }

    /// One account of the caller's service; another service's id is "not found".
    pub async fn agent(&self, caller: &Caller, id: AgentId) -> Result<AgentProfile> {
        let sql = format!(
            "SELECT {PROFILE_COLUMNS} FROM agents a JOIN services s ON s.id = a.service_id
             WHERE a.id = ? AND a.service_id = ?"
        );
        db::query(&sql)
            .bind(id.0)
            .bind(caller.service_id().0)
            .fetch_optional_as(self.db.ex())
            .await?
            .ok_or(Error::NotFound("agent"))
    }

    /// The caller's own alert preferences (issue 19), kept with the account so they
    /// follow the agent to every browser.
    pub async fn set_alerts(
        &self,
        caller: &Caller,
        prefs: shared::AlertPrefs,
    ) -> Result<AgentProfile> {
        db::query("UPDATE agents SET notify_desktop = ?, notify_sound = ? WHERE id = ?")
            .bind(prefs.desktop)
            .bind(prefs.sound)
            .bind(caller.agent_id().0)
            .execute(self.db.ex())
            .await?;
        self.profile(caller).await
    }

    /// Every account of the caller's service, by name.
    pub async fn list_agents(&self, caller: &Caller) -> Result<Vec<AgentProfile>> {
        let sql = format!(
            "SELECT {PROFILE_COLUMNS} FROM agents a JOIN services s ON s.id = a.service_id
             WHERE a.service_id = ? ORDER BY a.role, a.name, a.id"
        );
        db::query(&sql)
            .bind(caller.service_id().0)
            .fetch_all_as(self.db.ex())
            .await
    }
}

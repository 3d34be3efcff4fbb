//! The `agents` table: accounts with their profile, the load and state routing reads,
//! and the insert of a new account.

use chrono::{DateTime, Utc};
use shared::validate;
use shared::{AgentId, AgentLoad, AgentProfile, AgentStatus, ChatAgent, Role, ServiceId};

use super::columns;
use crate::db::{self, Ex, FromRow, Row};
use crate::error::{Error, Result, is_unique_violation};
use crate::routing::Candidate;

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
            role: columns::role(r.try_get("role")?),
            service: r.try_get("service_slug")?,
            service_name: r.try_get("service_name")?,
            chat_permission: r.try_get("chat_permission")?,
            status: columns::agent_status(r.try_get("status")?),
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

/// One account of a service with its profile.
pub(crate) async fn profile(
    mut ex: Ex<'_>,
    service: ServiceId,
    id: AgentId,
) -> Result<AgentProfile> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS} FROM agents a JOIN services s ON s.id = a.service_id
         WHERE a.id = ? AND a.service_id = ?"
    );
    db::query(&sql)
        .bind(id.0)
        .bind(service.0)
        .fetch_optional_as(ex.ex())
        .await?
        .ok_or(Error::NotFound("agent"))
}

/// An account's profile by id alone (after signing in).
pub(crate) async fn profile_by_id(mut ex: Ex<'_>, id: AgentId) -> Result<AgentProfile> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS} FROM agents a JOIN services s ON s.id = a.service_id WHERE a.id = ?"
    );
    db::query(&sql)
        .bind(id.0)
        .fetch_optional_as(ex.ex())
        .await?
        .ok_or(Error::NotFound("agent"))
}

/// Every account of a service, by role and name.
pub(crate) async fn profiles(mut ex: Ex<'_>, service: ServiceId) -> Result<Vec<AgentProfile>> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS} FROM agents a JOIN services s ON s.id = a.service_id
         WHERE a.service_id = ? ORDER BY a.role, a.name, a.id"
    );
    db::query(&sql).bind(service.0).fetch_all_as(ex.ex()).await
}

/// An agent's counters: status, seats, the service's queue length and their open
/// chats with the unread messages in them.
#[derive(Clone, Debug)]
pub(crate) struct AgentCounters {
    pub(crate) id: AgentId,
    pub(crate) status: AgentStatus,
    pub(crate) capacity: i64,
    pub(crate) waiting: i64,
    pub(crate) open_count: i64,
    pub(crate) unread: i64,
}

impl FromRow for AgentCounters {
    fn from_row(r: &Row) -> Result<AgentCounters> {
        Ok(AgentCounters {
            id: AgentId(r.try_get("id")?),
            status: columns::agent_status(r.try_get("status")?),
            capacity: r.try_get("capacity")?,
            waiting: r.try_get("waiting")?,
            open_count: r.try_get("open_count")?,
            unread: r.try_get("unread")?,
        })
    }
}

/// Each agent's counters in one query: an indexed sum over their open chats' `unread`
/// columns (issue 16: not the whole list). The sum is cast: PostgreSQL answers
/// `SUM(bigint)` as `numeric`.
pub(crate) async fn counters(mut ex: Ex<'_>, agents: &[AgentId]) -> Result<Vec<AgentCounters>> {
    if agents.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; agents.len()].join(", ");
    let mut q = db::query(format!(
        "SELECT a.id, a.status, COALESCE(a.capacity, s.agent_capacity) AS capacity,
                (SELECT COUNT(*) FROM chats c WHERE c.service_id = a.service_id AND c.status = 'waiting') AS waiting,
                (SELECT COUNT(*) FROM chats c WHERE c.agent_id = a.id
                   AND c.status IN ('active', 'customer_ended')) AS open_count,
                (SELECT CAST(COALESCE(SUM(c.unread), 0) AS BIGINT) FROM chats c WHERE c.agent_id = a.id
                   AND c.status IN ('active', 'customer_ended')) AS unread
         FROM agents a JOIN services s ON s.id = a.service_id WHERE a.id IN ({marks})"
    ));
    for agent in agents {
        q = q.bind(agent.0);
    }
    q.fetch_all_as(ex.ex()).await
}

/// What an agent's chat screen shows beside the list.
#[derive(Clone, Debug)]
pub(crate) struct Desk {
    pub(crate) status: AgentStatus,
    pub(crate) security_service: bool,
    pub(crate) capacity: i64,
    pub(crate) waiting: i64,
}

pub(crate) async fn desk(mut ex: Ex<'_>, agent: AgentId) -> Result<Desk> {
    let r = db::query(
        "SELECT a.status, s.contract_security, COALESCE(a.capacity, s.agent_capacity) AS capacity,
                (SELECT COUNT(*) FROM chats c WHERE c.service_id = a.service_id AND c.status = 'waiting') AS waiting
         FROM agents a JOIN services s ON s.id = a.service_id WHERE a.id = ?",
    )
    .bind(agent.0)
    .fetch_optional(ex.ex())
    .await?
    .ok_or(Error::NotFound("agent"))?;
    Ok(Desk {
        status: columns::agent_status(r.try_get("status")?),
        security_service: r.try_get("contract_security")?,
        capacity: r.try_get("capacity")?,
        waiting: r.try_get("waiting")?,
    })
}

/// Every active agent of a service with status, open chats and seats (the routing
/// board), by name.
pub(crate) async fn loads(mut ex: Ex<'_>, service: ServiceId) -> Result<Vec<AgentLoad>> {
    db::query(
        "SELECT a.id, a.name, a.status, a.chat_permission, COALESCE(a.capacity, s.agent_capacity) AS capacity,
                (SELECT COUNT(*) FROM chats c WHERE c.agent_id = a.id AND c.status IN ('active', 'customer_ended')) AS open_chats
         FROM agents a JOIN services s ON s.id = a.service_id
         WHERE a.service_id = ? AND a.active = 1 ORDER BY a.name, a.id",
    )
    .bind(service.0)
    .fetch_all_as(ex.ex())
    .await
}

impl FromRow for AgentLoad {
    fn from_row(r: &Row) -> Result<AgentLoad> {
        Ok(AgentLoad {
            id: AgentId(r.try_get("id")?),
            name: r.try_get("name")?,
            status: columns::agent_status(r.try_get("status")?),
            open_chats: r.try_get("open_chats")?,
            capacity: r.try_get("capacity")?,
            chat_permission: r.try_get("chat_permission")?,
        })
    }
}

/// Whether an agent of the service can be handed a chat: online, active, allowed to
/// chat. `None` for an agent not in the service.
pub(crate) async fn can_take_chats(
    mut ex: Ex<'_>,
    service: ServiceId,
    agent: AgentId,
) -> Result<Option<bool>> {
    let r = db::query(
        "SELECT status, active, chat_permission FROM agents WHERE id = ? AND service_id = ?",
    )
    .bind(agent.0)
    .bind(service.0)
    .fetch_optional(ex.ex())
    .await?;
    r.map(|r| {
        Ok(
            columns::agent_status(r.try_get("status")?) == AgentStatus::Online
                && r.try_get::<bool, _>("active")?
                && r.try_get::<bool, _>("chat_permission")?,
        )
    })
    .transpose()
}

/// Online, active agents of a service with the chat permission, with their load and
/// capacity (their own cap, else the service's); `except` left out.
pub(crate) async fn candidates(
    mut ex: Ex<'_>,
    service: ServiceId,
    except: Option<AgentId>,
) -> Result<Vec<Candidate>> {
    db::query(
        "SELECT a.id, a.last_assigned_at, COALESCE(a.capacity, s.agent_capacity) AS capacity,
                (SELECT COUNT(*) FROM chats c WHERE c.agent_id = a.id AND c.status IN ('active', 'customer_ended')) AS open_chats
         FROM agents a JOIN services s ON s.id = a.service_id
         WHERE a.service_id = ? AND a.status = 'online' AND a.active = 1 AND a.chat_permission = 1 AND a.id != ?",
    )
    .bind(service.0)
    .bind(except.map_or(0, |a| a.0))
    .fetch_all_as(ex.ex())
    .await
}

impl FromRow for Candidate {
    fn from_row(r: &Row) -> Result<Candidate> {
        Ok(Candidate {
            agent_id: AgentId(r.try_get("id")?),
            open_chats: r.try_get("open_chats")?,
            capacity: r.try_get("capacity")?,
            last_assigned_at: r.try_get("last_assigned_at")?,
        })
    }
}

/// The names of a service's accounts (`only` one of them when given), by name.
pub(crate) async fn names(
    mut ex: Ex<'_>,
    service: ServiceId,
    only: Option<AgentId>,
) -> Result<Vec<ChatAgent>> {
    db::query(
        "SELECT id, name FROM agents WHERE service_id = ? AND (? = 0 OR id = ?) ORDER BY name, id",
    )
    .bind(service.0)
    .bind(only.is_some())
    .bind(only.map_or(0, |a| a.0))
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| {
        Ok(ChatAgent {
            id: AgentId(r.try_get("id")?),
            name: r.try_get("name")?,
        })
    })
    .collect()
}

/// Agents' names from rows of `id, name`.
pub(crate) fn id_names(rows: &[Row]) -> Result<std::collections::HashMap<AgentId, String>> {
    rows.iter()
        .map(|r| Ok((AgentId(r.try_get("id")?), r.try_get("name")?)))
        .collect()
}

/// An account's email and sealed TOTP secret (nonce, ciphertext): the one in force, or
/// (`pending`) the one being set up; `None` without one.
pub(crate) async fn sealed_totp(
    mut ex: Ex<'_>,
    agent: AgentId,
    pending: bool,
) -> Result<Option<(String, Vec<u8>, Vec<u8>)>> {
    let (nonce_col, secret_col) = if pending {
        ("totp_pending_nonce", "totp_pending")
    } else {
        ("totp_nonce", "totp_secret")
    };
    let r = db::query(format!(
        "SELECT email, {nonce_col} AS nonce, {secret_col} AS sealed FROM agents WHERE id = ?"
    ))
    .bind(agent.0)
    .fetch_one(ex.ex())
    .await?;
    let (Some(nonce), Some(sealed)) = (
        r.try_get::<Option<Vec<u8>>, _>("nonce")?,
        r.try_get::<Option<Vec<u8>>, _>("sealed")?,
    ) else {
        return Ok(None);
    };
    Ok(Some((r.try_get("email")?, nonce, sealed)))
}

/// Agents' status changes of a service before `end`, by agent and time:
/// (agent, when, status).
pub(crate) async fn status_log(
    mut ex: Ex<'_>,
    service: i64,
    end: chrono::DateTime<Utc>,
) -> Result<Vec<(i64, chrono::DateTime<Utc>, String)>> {
    db::query(
        "SELECT agent_id, status, at FROM agent_status_log WHERE service_id = ? AND at < ? ORDER BY agent_id, at, id",
    )
    .bind(service)
    .bind(end)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("agent_id")?, r.try_get("at")?, r.try_get("status")?)))
    .collect()
}

/// How many active accounts each service has in each status: (slug, status, count).
pub(crate) async fn status_counts(mut ex: Ex<'_>) -> Result<Vec<(String, String, i64)>> {
    db::query(
        "SELECT s.slug, a.status, COUNT(*) AS n FROM agents a JOIN services s ON s.id = a.service_id
         WHERE a.active = ? GROUP BY s.slug, a.status ORDER BY s.slug, a.status",
    )
    .bind(true)
    .fetch_all(ex.ex())
    .await?
    .iter()
    .map(|r| Ok((r.try_get("slug")?, r.try_get("status")?, r.try_get("n")?)))
    .collect()
}

/// Sets an agent's status, logged for the reports' time online / on a break.
pub(crate) async fn set_status(
    mut ex: Ex<'_>,
    service: ServiceId,
    agent: AgentId,
    status: AgentStatus,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    db::query(
        "UPDATE agents SET status = ?, status_changed_at = ? WHERE id = ? AND service_id = ?",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(agent.0)
    .bind(service.0)
    .execute(ex.re())
    .await?;
    db::query(
        "INSERT INTO agent_status_log (service_id, agent_id, status, at) VALUES (?, ?, ?, ?)",
    )
    .bind(service.0)
    .bind(agent.0)
    .bind(status.as_str())
    .bind(now)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// An account's settings an admin changes.
pub(crate) struct AccountChange<'a> {
    pub(crate) name: &'a str,
    pub(crate) role: Role,
    pub(crate) chat_permission: bool,
    pub(crate) active: bool,
    pub(crate) capacity: Option<i64>,
}

pub(crate) async fn update(
    mut ex: Ex<'_>,
    service: ServiceId,
    id: AgentId,
    c: &AccountChange<'_>,
) -> Result<()> {
    db::query("UPDATE agents SET name = ?, role = ?, chat_permission = ?, active = ?, capacity = ? WHERE id = ? AND service_id = ?")
        .bind(c.name)
        .bind(c.role.as_str())
        .bind(c.chat_permission)
        .bind(c.active)
        .bind(c.capacity)
        .bind(id.0)
        .bind(service.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

pub(crate) async fn set_password_hash(mut ex: Ex<'_>, id: AgentId, hash: &str) -> Result<()> {
    db::query("UPDATE agents SET password_hash = ? WHERE id = ?")
        .bind(hash)
        .bind(id.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// How many active admins a service has.
pub(crate) async fn active_admins(mut ex: Ex<'_>, service: ServiceId) -> Result<i64> {
    Ok(db::query_scalar(
        "SELECT COUNT(*) FROM agents WHERE service_id = ? AND role = 'admin' AND active = 1",
    )
    .bind(service.0)
    .fetch_one(ex.ex())
    .await?)
}

/// An account's email.
pub(crate) async fn email_of(mut ex: Ex<'_>, id: AgentId) -> Result<String> {
    Ok(db::query_scalar("SELECT email FROM agents WHERE id = ?")
        .bind(id.0)
        .fetch_one(ex.ex())
        .await?)
}

/// The agent was just given a chat (the longest-idle rule reads it).
pub(crate) async fn mark_assigned(mut ex: Ex<'_>, agent: AgentId, at: DateTime<Utc>) -> Result<()> {
    db::query("UPDATE agents SET last_assigned_at = ? WHERE id = ?")
        .bind(at)
        .bind(agent.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Stores the agent's alert preferences (issue 19).
pub(crate) async fn save_alerts(
    mut ex: Ex<'_>,
    agent: AgentId,
    prefs: &shared::AlertPrefs,
) -> Result<()> {
    db::query("UPDATE agents SET notify_desktop = ?, notify_sound = ? WHERE id = ?")
        .bind(prefs.desktop)
        .bind(prefs.sound)
        .bind(agent.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The service's active agents who are not offline.
pub(crate) async fn not_offline(mut ex: Ex<'_>, service: ServiceId) -> Result<Vec<AgentId>> {
    Ok(db::query_scalar::<i64>(
        "SELECT id FROM agents WHERE service_id = ? AND status != 'offline' AND active = 1",
    )
    .bind(service.0)
    .fetch_all(ex.ex())
    .await?
    .into_iter()
    .map(AgentId)
    .collect())
}

/// Every account's email (sign-in addresses are unique across services).
pub(crate) async fn all_emails(mut ex: Ex<'_>) -> Result<std::collections::HashSet<String>> {
    Ok(db::query_scalar::<String>("SELECT email FROM agents")
        .fetch_all(ex.ex())
        .await?
        .into_iter()
        .collect())
}

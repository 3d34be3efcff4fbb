//! The chat history's rows: the columns a history page shows (over `chats` with its
//! agent and handling type), their mapping, and the statement a filter becomes — a page
//! of rows after a keyset cursor, or a (capped) count. How a text is searched is the
//! history's rule (`crate::history` picks a [`TextSearch`]); this module spells it.

use chrono::{DateTime, Utc};
use shared::{AgentId, ChatId, HistoryFilter, HistoryRow, ServiceId};

use super::{chats, columns};
use crate::db::{self, Ex, FromRow, Row};
use crate::error::Result;

/// How the chats' messages are searched for a text (chosen by `crate::history`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextSearch {
    /// No text filter.
    None,
    /// SQLite's trigram index, and the stored messages still queued for it (0025).
    Trigram,
    /// Each candidate chat's own messages read (a short period, a short or common word).
    EachChat,
    /// Every message read once (LIKE metacharacters, which the index cannot escape).
    AllMessages,
    /// PostgreSQL: `ILIKE` served by the `pg_trgm` index on `messages.text`.
    Ilike,
}

/// A filter as the statement needs it: the tenant scope, the filter, its text strategy.
pub(crate) struct Search<'a> {
    pub(crate) service: ServiceId,
    /// `Some`: only this agent's chats (an agent who sees only their own).
    pub(crate) only_agent: Option<AgentId>,
    pub(crate) filter: &'a HistoryFilter,
    pub(crate) text: TextSearch,
}

/// `%text%` for LIKE with `\` escaping `%`, `_` and `\`.
fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// Appends the WHERE clause of a search (tenant scope first), with the keyset cursor
/// (the last row's stored `created_at` and id) when given.
///
/// The cursor is bound as plain values, never as a subquery: SQLite then walks the
/// `(service_id, created_at, id)` index from the cursor down, so every page costs the
/// same however deep it is (with a subquery each page re-scanned from the newest row,
/// which made a 100,000-chat export quadratic).
fn push_filter(
    qb: &mut db::Builder,
    backend: db::Backend,
    s: &Search<'_>,
    cursor: Option<(&db::Value, i64)>,
) {
    let f = s.filter;
    let like = backend.ilike();
    qb.push(" WHERE c.service_id = ").push_bind(s.service.0);
    if let Some(agent) = s.only_agent {
        qb.push(" AND c.agent_id = ").push_bind(agent.0);
    }
    if let Some(from) = f.from {
        qb.push(" AND c.created_at >= ").push_bind(from);
    }
    let cursor_at = cursor.and_then(|(at, _)| <DateTime<Utc> as db::Decode>::decode(at).ok());
    if let Some(to) = f.to
        // below a cursor inside the period the end is implied; leaving it out lets the
        // index range start at the cursor
        && !cursor_at.is_some_and(|at| at < to)
    {
        qb.push(" AND c.created_at < ").push_bind(to);
    }
    if let Some(handled) = f.handled {
        qb.push(" AND c.handled = ").push_bind(handled);
    }
    if let Some(agent) = f.agent {
        qb.push(" AND c.agent_id = ").push_bind(agent.0);
    }
    match f.channel {
        Some("helpcenter") => {
            qb.push(" AND c.channel = 'helpcenter'");
        }
        Some(_) => {
            qb.push(" AND c.channel != 'helpcenter'");
        }
        None => {}
    }
    if let Some(cat) = f.category {
        // the handling type at any level: itself, its children and grandchildren
        qb.push(" AND c.category_id IN (SELECT id FROM categories WHERE service_id = ")
            .push_bind(s.service.0)
            .push(" AND (id = ")
            .push_bind(cat.0)
            .push(" OR parent_id = ")
            .push_bind(cat.0)
            .push(" OR parent_id IN (SELECT id FROM categories WHERE parent_id = ")
            .push_bind(cat.0)
            .push(")))");
    }
    if let Some(customer) = &f.customer {
        let p = like_pattern(customer);
        qb.push(" AND (c.customer_name")
            .push(like)
            .push_bind(p.clone())
            .push(" ESCAPE '\\' OR c.customer_email")
            .push(like)
            .push_bind(p)
            .push(" ESCAPE '\\')");
    }
    if let Some(text) = &f.text {
        match s.text {
            TextSearch::None => {}
            TextSearch::Ilike => {
                qb.push(" AND c.id IN (SELECT chat_id FROM messages WHERE text ILIKE ")
                    .push_bind(like_pattern(text))
                    .push(" ESCAPE '\\')");
            }
            TextSearch::EachChat => {
                qb.push(" AND EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.text")
                    .push(like)
                    .push_bind(like_pattern(text))
                    .push(" ESCAPE '\\')");
            }
            TextSearch::AllMessages => {
                qb.push(" AND c.id IN (SELECT chat_id FROM messages WHERE text LIKE ")
                    .push_bind(like_pattern(text))
                    .push(" ESCAPE '\\')");
            }
            TextSearch::Trigram => {
                // no metacharacters here (the rule sends those to `AllMessages`)
                let pattern = format!("%{text}%");
                qb.push(" AND c.id IN (SELECT m.chat_id FROM messages m WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts.text LIKE ")
                    .push_bind(pattern.clone())
                    .push(" UNION ALL SELECT q.id FROM messages_fts_pending q JOIN messages qm ON qm.id = q.id WHERE qm.text LIKE ")
                    .push_bind(pattern)
                    .push("))");
            }
        }
    }
    if let Some((at, id)) = cursor {
        qb.push(" AND c.created_at <= ")
            .push_bind(at.clone())
            .push(" AND (c.created_at < ")
            .push_bind(at.clone())
            .push(" OR c.id < ")
            .push_bind(id)
            .push(")");
    }
}

/// One page of a search, newest first: at most `limit` rows after the chat `after`
/// (none when that chat is not the service's: nothing comes after an unknown cursor).
pub(crate) async fn page(
    mut ex: Ex<'_>,
    backend: db::Backend,
    s: &Search<'_>,
    limit: i64,
) -> Result<Vec<HistoryRow>> {
    // the cursor row's stored time, bound back as read (text in SQLite) so it compares
    // exactly
    let cursor = match s.filter.after {
        None => None,
        Some(after) => {
            let at: Option<db::Value> =
                db::query_scalar("SELECT created_at FROM chats WHERE id = ? AND service_id = ?")
                    .bind(after.0)
                    .bind(s.service.0)
                    .fetch_optional(ex.re())
                    .await?;
            match at {
                Some(at) => Some((at, after.0)),
                None => return Ok(Vec::new()),
            }
        }
    };
    let mut qb = db::Builder::new(format!("SELECT {HISTORY_COLUMNS}{HISTORY_FROM}"));
    push_filter(
        &mut qb,
        backend,
        s,
        cursor.as_ref().map(|(at, id)| (at, *id)),
    );
    qb.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
        .push_bind(limit);
    qb.build().fetch_all_as(ex.ex()).await
}

/// How many chats a search matches, counting at most `limit` when given.
pub(crate) async fn count(
    mut ex: Ex<'_>,
    backend: db::Backend,
    s: &Search<'_>,
    limit: Option<i64>,
) -> Result<i64> {
    let mut qb = db::Builder::new("SELECT COUNT(*) FROM (SELECT 1 FROM chats c");
    push_filter(&mut qb, backend, s, None);
    if let Some(limit) = limit {
        qb.push(" LIMIT ").push_bind(limit);
    }
    qb.push(") matching");
    Ok(qb.build_scalar::<i64>().fetch_one(ex.ex()).await?)
}

/// How many messages SQLite's trigram index lists for `text`, counting at most `cap`
/// (the probe behind "is this a common word"; the few queued rows do not change it).
pub(crate) async fn trigram_matches(mut ex: Ex<'_>, text: &str, cap: i64) -> Result<i64> {
    Ok(db::query_scalar(
        "SELECT COUNT(*) FROM (SELECT rowid FROM messages_fts WHERE messages_fts.text LIKE ? LIMIT ?) probe",
    )
    .bind(format!("%{text}%"))
    .bind(cap)
    .fetch_one(ex.ex())
    .await?)
}

/// The columns of a [`HistoryRow`].
const HISTORY_COLUMNS: &str = "c.id, c.created_at, c.customer_name, c.customer_email, c.agent_id, a.name AS agent_name,
     c.channel, c.status, c.handled, c.rating, c.customer_ended_at, c.ended_at, c.first_response_at, c.last_seq,
     k1.name AS cat1, k2.name AS cat2, k3.name AS cat3";

const HISTORY_FROM: &str = " FROM chats c
     LEFT JOIN agents a ON a.id = c.agent_id
     LEFT JOIN categories k1 ON k1.id = c.category_id
     LEFT JOIN categories k2 ON k2.id = k1.parent_id
     LEFT JOIN categories k3 ON k3.id = k2.parent_id";

impl FromRow for HistoryRow {
    fn from_row(r: &Row) -> Result<HistoryRow> {
        let id: i64 = r.try_get("id")?;
        let created_at: DateTime<Utc> = r.try_get("created_at")?;
        let ended: Option<DateTime<Utc>> =
            match r.try_get::<Option<DateTime<Utc>>, _>("ended_at")? {
                Some(t) => Some(t),
                None => r.try_get("customer_ended_at")?,
            };
        Ok(HistoryRow {
            id: ChatId(id),
            created_at,
            customer_name: columns::display_name(id, r.try_get("customer_name")?),
            customer_email: r.try_get("customer_email")?,
            agent: chats::chat_agent(r)?,
            channel: r.try_get("channel")?,
            category_path: chats::category_path(r)?,
            status: columns::chat_status(r.try_get("status")?),
            handled: r.try_get("handled")?,
            rating: r.try_get("rating")?,
            duration_secs: shared::span_secs(created_at, ended),
            first_response_secs: shared::span_secs(created_at, r.try_get("first_response_at")?),
            message_count: r.try_get("last_seq")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_escape_metacharacters() {
        assert_eq!(like_pattern("환불"), "%환불%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}

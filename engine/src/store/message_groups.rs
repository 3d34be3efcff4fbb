//! The message writer's statements over a whole group of sends (issue 16): each is one
//! statement for the group, whatever its size. `crate::chats::writer` plans the group
//! (its rules) and runs these inside its write transaction; [`super::direct`] holds the
//! same statements for the writer thread's own connection.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::{AgentId, Author, ChatId, Message};

use super::chats::{WriteTarget, last_seqs};
use super::messages::{StoredSend, message_columns, sends as stored_sends, written};
use crate::db::{self, Ex};
use crate::error::Result;

/// `?, ?, …` for `n` values.
fn marks(n: usize) -> String {
    let mut s = "?, ".repeat(n);
    s.truncate(s.len().saturating_sub(2));
    s
}

/// The chats with their services' flags (the rules of a send read them).
pub(crate) async fn targets(mut ex: Ex<'_>, chats: &[i64]) -> Result<Vec<WriteTarget>> {
    let sql = format!(
        "SELECT c.id, c.service_id, c.status, c.agent_id, c.opened_by, c.handled,
                s.contract_security, s.auto_mask_pii
         FROM chats c JOIN services s ON s.id = c.service_id WHERE c.id IN ({})",
        marks(chats.len())
    );
    let mut q = db::query(sql);
    for id in chats {
        q = q.bind(*id);
    }
    q.fetch_all_as::<WriteTarget>(ex.ex()).await
}

/// The probe for sends already stored, for `n` (chat, author, client id) keys: one probe
/// of that index per key — a lookup by chat and client id alone walked every message of
/// the chat, a cost that grew with the chat's length.
pub(crate) fn stored_before_sql(n: usize) -> String {
    let keys = vec!["(?, ?, ?)"; n].join(", ");
    format!(
        "SELECT m.id, m.chat_id, m.author, m.client_id FROM (VALUES {keys}) AS k
         JOIN messages m
           ON m.chat_id = k.column1 AND m.author = k.column2 AND m.client_id = k.column3"
    )
}

/// Sends already stored under these (chat, author, client id) keys.
pub(crate) async fn sends(
    mut ex: Ex<'_>,
    keys: &[(ChatId, Author, &str)],
) -> Result<Vec<StoredSend>> {
    let mut q = db::query(stored_before_sql(keys.len()));
    for (chat, author, client) in keys {
        q = q.bind(chat.0).bind(author.as_str()).bind(*client);
    }
    stored_sends(&q.fetch_all(ex.ex()).await?)
}

/// [`bump_seqs`]' statement for `n` chats (also the writer thread's).
pub(crate) fn bump_seqs_sql(n: usize) -> String {
    // `column1, column2, …`: both databases name the columns of a VALUES list so
    let values = vec!["(?, ?, ?)"; n].join(", ");
    format!(
        "UPDATE chats SET last_seq = last_seq + v.column2, unread = unread + v.column3
         FROM (VALUES {values}) AS v WHERE chats.id = v.column1 RETURNING id, last_seq"
    )
}

/// [`insert_messages`]' statement for `n` rows (also the writer thread's).
pub(crate) fn insert_messages_sql(n: usize) -> String {
    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; n].join(", ");
    format!(
        "INSERT INTO messages (chat_id, seq, author, agent_id, client_id, text, created_at, pii)
         VALUES {values} RETURNING id, chat_id, seq"
    )
}

/// Moves each chat's `last_seq` on by its rows and `unread` by its customer rows
/// (chat, rows, customer rows); answers the new `last_seq` of each.
pub(crate) async fn bump_seqs(
    mut ex: Ex<'_>,
    per_chat: &[(ChatId, i64, i64)],
) -> Result<HashMap<ChatId, i64>> {
    let mut q = db::query(bump_seqs_sql(per_chat.len()));
    for (chat, n, customers) in per_chat {
        q = q.bind(chat.0).bind(*n).bind(*customers);
    }
    last_seqs(&q.fetch_all(ex.ex()).await?)
}

/// A message row to insert.
pub(crate) struct NewMessage<'a> {
    pub(crate) chat: ChatId,
    pub(crate) seq: i64,
    pub(crate) author: Author,
    pub(crate) agent: Option<AgentId>,
    pub(crate) client_id: &'a str,
    pub(crate) text: &'a str,
    /// The PII hints as JSON, when there are any.
    pub(crate) pii: Option<String>,
}

/// Inserts the rows in one statement; answers (chat, seq, id) of each (in no promised
/// order).
pub(crate) async fn insert_messages(
    mut ex: Ex<'_>,
    rows: &[NewMessage<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<(ChatId, i64, i64)>> {
    let mut q = db::query(insert_messages_sql(rows.len()));
    for m in rows {
        q = q
            .bind(m.chat.0)
            .bind(m.seq)
            .bind(m.author.as_str())
            .bind(m.agent.map(|a| a.0))
            .bind(m.client_id)
            .bind(m.text)
            .bind(now)
            .bind(m.pii.clone());
    }
    written(&q.fetch_all(ex.ex()).await?)
}

/// [`mark_reply`]'s statement (also the writer thread's).
pub(crate) const MARK_REPLY: &str = "UPDATE chats SET agent_read_seq = ?, unread = ?, handled = CASE WHEN ? = 1 THEN 1 ELSE handled END,
   first_response_at = COALESCE(first_response_at, ?) WHERE id = ?";

/// An agent's reply: the chat is read up to `seq`, `unread` customer rows came after
/// it, it became handled when `newly_handled`, and its first response is now unless
/// it had one.
pub(crate) async fn mark_reply(
    mut ex: Ex<'_>,
    chat: ChatId,
    seq: i64,
    unread: i64,
    newly_handled: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    db::query(MARK_REPLY)
        .bind(seq)
        .bind(unread)
        .bind(newly_handled)
        .bind(now)
        .bind(chat.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// The names of these agents.
pub(crate) async fn agent_names(mut ex: Ex<'_>, ids: &[i64]) -> Result<HashMap<AgentId, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = db::query(format!(
        "SELECT id, name FROM agents WHERE id IN ({})",
        marks(ids.len())
    ));
    for id in ids {
        q = q.bind(*id);
    }
    super::agents::id_names(&q.fetch_all(ex.ex()).await?)
}

/// Stored messages by id (the originals of resends), in one query.
pub(crate) async fn messages_by_id(mut ex: Ex<'_>, ids: &[i64]) -> Result<HashMap<i64, Message>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.id IN ({})",
        marks(ids.len()),
        cols = message_columns(ex.backend())
    );
    let mut q = db::query(sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all_as::<Message>(ex.ex())
        .await?
        .into_iter()
        .map(|m| (m.id.0, m))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::{marks, stored_before_sql};
    use crate::db;

    /// The idempotency check probes the index by its whole key, once per send (it
    /// does not walk the chat's messages): SQLite's plan for a group of three sends.
    #[tokio::test]
    async fn idempotency_check_probes_the_whole_key() {
        let pool = db::connect("sqlite::memory:").await.unwrap();
        let mut q = db::query(format!("EXPLAIN QUERY PLAN {}", stored_before_sql(3)));
        for i in 0..3 {
            q = q.bind(i64::from(i)).bind("customer").bind(format!("c{i}"));
        }
        let plan: Vec<String> = q
            .fetch_all(pool.ex())
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String, _>(3).unwrap()) // EXPLAIN QUERY PLAN: id, parent, notused, detail
            .collect();
        assert!(
            plan.iter().any(|d| d.contains("messages_by_client_id")
                && d.contains("chat_id=? AND author=? AND client_id=?")),
            "{plan:?}"
        );
        assert!(!plan.iter().any(|d| d.starts_with("SCAN m")), "{plan:?}");
    }

    #[test]
    fn placeholder_lists() {
        assert_eq!(marks(1), "?");
        assert_eq!(marks(3), "?, ?, ?");
        assert_eq!(marks(0), "");
    }
}

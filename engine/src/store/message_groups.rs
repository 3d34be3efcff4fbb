//! The message writer's statements over a whole group of sends (issue 16): each is one
//! statement for the group, whatever its size. `crate::chats::writer` plans the group
//! (its rules) and runs these inside its write transaction; [`super::direct`] holds the
//! same statements for the writer thread's own connection.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::{AgentId, Author, ChatId, Message};

use super::chats::{WriteTarget, last_seqs};
use super::messages::{
    PgReadExtra, StoredSend, message_columns, pg_read_extra, sends as stored_sends, written,
};
use crate::db::{self, Ex, FromRow};
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
pub(crate) async fn sends(mut ex: Ex<'_>, keys: &[(i64, &str, &str)]) -> Result<Vec<StoredSend>> {
    let mut q = db::query(stored_before_sql(keys.len()));
    for (chat, author, client) in keys {
        q = q.bind(*chat).bind(*author).bind(*client);
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

// PostgreSQL's two-round-trip path (`crate::chats::writer::postgres`): one read, then
// one statement that moves the chats' counters and inserts the rows only where each chat
// is still as read.

/// [`pg_read`]'s statement: the chats with their services' flags and their agents'
/// names, and the group's sends already stored (one index probe per key).
const READ: &str = "
    SELECT c.id, c.service_id, c.status, c.agent_id, c.opened_by, c.handled,
           s.contract_security, s.auto_mask_pii, a.name AS agent_name,
           k.stored
      FROM chats c
      JOIN services s ON s.id = c.service_id
      LEFT JOIN agents a ON a.id = c.agent_id
      LEFT JOIN (
        SELECT m.chat_id, json_agg(json_build_array(m.id, m.author, m.client_id))::text AS stored
          FROM unnest($2::bigint[], $3::text[], $4::text[]) AS k(chat, author, client_id)
          JOIN messages m
            ON m.chat_id = k.chat AND m.author = k.author AND m.client_id = k.client_id
         GROUP BY m.chat_id
      ) k ON k.chat_id = c.id
     WHERE c.id = ANY($1)";

/// [`pg_write`]'s statement. Per chat (`v`): the status and agent read in step 1, the number
/// of new rows and of customer rows among them, and — when the agent replied in the
/// group — the reply's place among the chat's new rows, the agent, and the customer
/// rows after the reply (what stays unread). Per row (`r`): its place among its chat's
/// new rows and its columns.
const WRITE: &str = "
    WITH v AS (
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[],
                             $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
               AS v(chat, status, agent, n, customers, reply_at, reply_agent, unread_after)
    ), u AS (
        UPDATE chats c
           SET last_seq = c.last_seq + v.n,
               unread = CASE WHEN v.reply_at IS NULL THEN c.unread + v.customers
                             ELSE v.unread_after END,
               agent_read_seq = CASE WHEN v.reply_at IS NULL THEN c.agent_read_seq
                                     ELSE c.last_seq + v.reply_at END,
               handled = CASE WHEN v.reply_at IS NOT NULL AND c.opened_by = v.reply_agent
                              THEN 1 ELSE c.handled END,
               first_response_at = CASE WHEN v.reply_at IS NULL THEN c.first_response_at
                                        ELSE COALESCE(c.first_response_at, $16) END
          FROM v
         WHERE c.id = v.chat AND c.status = v.status
           AND c.agent_id IS NOT DISTINCT FROM v.agent
        RETURNING c.id, c.last_seq - v.n AS base
    )
    INSERT INTO messages (chat_id, seq, author, agent_id, client_id, text, created_at, pii)
    SELECT r.chat, u.base + r.ord, r.author, r.agent, r.client_id, r.text, $16, r.pii
      FROM unnest($9::bigint[], $10::bigint[], $11::text[], $12::bigint[], $13::text[],
                  $14::text[], $15::text[])
           AS r(chat, ord, author, agent, client_id, text, pii)
      JOIN u ON u.id = r.chat
    RETURNING id, chat_id, seq";

/// Reads the chats `chats` and the sends already stored under the (chat, author,
/// client id) `keys`.
pub(crate) async fn pg_read(
    pool: &sqlx::PgPool,
    chats: &[i64],
    keys: &[(i64, &str, &str)],
) -> Result<Vec<(WriteTarget, PgReadExtra)>> {
    let key_chats: Vec<i64> = keys.iter().map(|k| k.0).collect();
    let authors: Vec<&str> = keys.iter().map(|k| k.1).collect();
    let client_ids: Vec<&str> = keys.iter().map(|k| k.2).collect();
    let rows = sqlx::query(READ)
        .bind(chats)
        .bind(&key_chats)
        .bind(&authors)
        .bind(&client_ids)
        .fetch_all(pool)
        .await?;
    db::rows_of_pg(rows)?
        .iter()
        .map(|r| Ok((WriteTarget::from_row(r)?, pg_read_extra(r)?)))
        .collect()
}

/// [`pg_write`]'s per-chat arrays: the status and agent as read, the number of new
/// rows and of customer rows among them, and — when the agent replied in the group —
/// the reply's place among the chat's new rows, the agent, and the customer rows after
/// it (what stays unread).
#[derive(Default)]
pub(crate) struct PgChatColumns<'a> {
    pub(crate) chat: Vec<i64>,
    pub(crate) status: Vec<&'a str>,
    pub(crate) agent: Vec<Option<i64>>,
    pub(crate) n: Vec<i64>,
    pub(crate) customers: Vec<i64>,
    pub(crate) reply_at: Vec<Option<i64>>,
    pub(crate) reply_agent: Vec<Option<i64>>,
    pub(crate) unread_after: Vec<Option<i64>>,
}

/// [`pg_write`]'s per-row arrays: each row's place among its chat's new rows, and its
/// columns.
#[derive(Default)]
pub(crate) struct PgRowColumns<'a> {
    pub(crate) chat: Vec<i64>,
    pub(crate) ord: Vec<i64>,
    pub(crate) author: Vec<&'a str>,
    pub(crate) agent: Vec<Option<i64>>,
    pub(crate) client_id: Vec<&'a str>,
    pub(crate) text: Vec<&'a str>,
    pub(crate) pii: Vec<Option<String>>,
}

/// Moves the counters of the chats still as read and inserts their rows; answers
/// (chat, seq, id) of each row written (none for a chat that changed).
pub(crate) async fn pg_write(
    pool: &sqlx::PgPool,
    v: &PgChatColumns<'_>,
    r: &PgRowColumns<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<(ChatId, i64, i64)>> {
    let rows = sqlx::query(WRITE)
        .bind(&v.chat)
        .bind(&v.status)
        .bind(&v.agent)
        .bind(&v.n)
        .bind(&v.customers)
        .bind(&v.reply_at)
        .bind(&v.reply_agent)
        .bind(&v.unread_after)
        .bind(&r.chat)
        .bind(&r.ord)
        .bind(&r.author)
        .bind(&r.agent)
        .bind(&r.client_id)
        .bind(&r.text)
        .bind(&r.pii)
        .bind(now)
        .fetch_all(pool)
        .await?;
    written(&db::rows_of_pg(rows)?)
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

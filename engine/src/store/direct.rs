//! The message writer's statements on the SQLite writer connection driven directly
//! ([`crate::db::direct`], issue 32): the same SQL as the locked path's (targets, the
//! idempotency probe, sequence numbers, the rows, the agents' replies, the agents'
//! names), run synchronously through rusqlite on the writer thread. Rows are read by
//! name here, as everywhere in the store.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, params_from_iter, types::Value};
use shared::{AgentId, Author, ChatId, ServiceId};

use super::chats::{ChatRow, WriteTarget};
use super::columns;
use super::message_groups::{MARK_REPLY, NewMessage, bump_seqs_sql, insert_messages_sql};
use super::messages::StoredSend;

/// Errors of this path: any of them sends the group to the locked path, which reports
/// the database's own error to the senders.
pub(crate) type Result<T> = std::result::Result<T, rusqlite::Error>;

/// A time as sqlx writes `DateTime<Utc>` into SQLite (RFC 3339, as many fraction
/// digits as needed, `+00:00`), so both paths' rows compare and sort alike.
pub(crate) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

pub(crate) fn begin(c: &Connection) -> Result<()> {
    c.execute_batch("BEGIN IMMEDIATE")
}

pub(crate) fn commit(c: &Connection) -> Result<()> {
    c.execute_batch("COMMIT")
}

pub(crate) fn rollback(c: &Connection) {
    if !c.is_autocommit() {
        let _ = c.execute_batch("ROLLBACK");
    }
}

/// The chats (ids ascending) with their services' flags.
pub(crate) fn targets(c: &Connection, chats: &[i64]) -> Result<Vec<WriteTarget>> {
    let sql = format!(
        "SELECT c.id, c.service_id, c.status, c.agent_id, c.opened_by, c.handled,
                s.contract_security, s.auto_mask_pii
         FROM chats c JOIN services s ON s.id = c.service_id WHERE c.id IN ({})",
        marks(chats.len())
    );
    let mut st = c.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(chats.iter()), |r| {
        let security: bool = r.get("contract_security")?;
        let status: String = r.get("status")?;
        Ok(WriteTarget {
            row: ChatRow {
                id: ChatId(r.get("id")?),
                service_id: ServiceId(r.get("service_id")?),
                status: columns::chat_status(&status),
                agent_id: r.get::<_, Option<i64>>("agent_id")?.map(AgentId),
            },
            opened_by: r.get::<_, Option<i64>>("opened_by")?.map(AgentId),
            handled: r.get("handled")?,
            security,
            auto_mask: security && r.get::<_, bool>("auto_mask_pii")?,
        })
    })?;
    rows.collect()
}

/// Sends already stored under these (chat, author, client id) keys; `sql` is the
/// locked path's probe for `keys.len()` keys.
pub(crate) fn sends(
    c: &Connection,
    sql: &str,
    keys: &[(i64, &str, &str)],
) -> Result<Vec<StoredSend>> {
    let values: Vec<Value> = keys
        .iter()
        .flat_map(|(chat, author, client)| {
            [
                Value::Integer(*chat),
                Value::Text((*author).to_owned()),
                Value::Text((*client).to_owned()),
            ]
        })
        .collect();
    let mut st = c.prepare(sql)?;
    let rows = st.query_map(params_from_iter(values), |r| {
        let author: String = r.get("author")?;
        Ok(StoredSend {
            id: r.get("id")?,
            chat: ChatId(r.get("chat_id")?),
            author: Author::parse(&author),
            client_id: r.get("client_id")?,
        })
    })?;
    rows.collect()
}

/// Moves each chat's `last_seq` on by its rows and `unread` by its customer rows
/// (chat, rows, customer rows); answers the new `last_seq` of each.
pub(crate) fn bump_seqs(
    c: &Connection,
    per_chat: &[(ChatId, i64, i64)],
) -> Result<HashMap<ChatId, i64>> {
    let sql = bump_seqs_sql(per_chat.len());
    let args = per_chat.iter().flat_map(|(chat, n, k)| [chat.0, *n, *k]);
    let mut st = c.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(args), |r| {
        Ok((ChatId(r.get("id")?), r.get("last_seq")?))
    })?;
    rows.collect()
}

/// Inserts the rows in one statement; answers (chat, seq, id) of each.
pub(crate) fn insert_messages(
    c: &Connection,
    rows: &[NewMessage<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<(ChatId, i64, i64)>> {
    let sql = insert_messages_sql(rows.len());
    let now = time(now);
    let args: Vec<Value> = rows
        .iter()
        .flat_map(|m| {
            [
                Value::Integer(m.chat.0),
                Value::Integer(m.seq),
                Value::Text(m.author.as_str().to_owned()),
                m.agent.map_or(Value::Null, |a| Value::Integer(a.0)),
                Value::Text(m.client_id.to_owned()),
                Value::Text(m.text.to_owned()),
                Value::Text(now.clone()),
                m.pii.clone().map_or(Value::Null, Value::Text),
            ]
        })
        .collect();
    let mut st = c.prepare(&sql)?;
    let out = st.query_map(params_from_iter(args), |r| {
        Ok((ChatId(r.get("chat_id")?), r.get("seq")?, r.get("id")?))
    })?;
    out.collect()
}

/// An agent's reply: the chat is read up to `seq`, `unread` customer rows came after
/// it, and it became handled when `newly_handled`.
pub(crate) fn mark_reply(
    c: &Connection,
    chat: ChatId,
    seq: i64,
    unread: i64,
    newly_handled: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        MARK_REPLY,
        rusqlite::params![seq, unread, newly_handled, time(now), chat.0],
    )?;
    Ok(())
}

/// The names of these agents.
pub(crate) fn agent_names(c: &Connection, agents: &[i64]) -> Result<HashMap<AgentId, String>> {
    if agents.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT id, name FROM agents WHERE id IN ({})",
        marks(agents.len())
    );
    let mut st = c.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(agents.iter()), |r| {
        Ok((AgentId(r.get("id")?), r.get("name")?))
    })?;
    rows.collect()
}

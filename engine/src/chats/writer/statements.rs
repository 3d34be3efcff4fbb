//! The locked path's statements (steps 1–6 of [`super`]), each one statement for the
//! whole group, run inside the write transaction; also used by the PostgreSQL path for
//! what it reads back (resends).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::{AgentId, Author, ChatId, Message};

use super::{Planned, SendJob, Target, stored_key};
use crate::db::{self, Ex};
use crate::error::{Error, Result};
use crate::store;
use crate::store::messages::message_columns;

/// `?, ?, …` for `n` values.
fn marks(n: usize) -> String {
    let mut s = "?, ".repeat(n);
    s.truncate(s.len().saturating_sub(2));
    s
}

/// Step 1: the group's chats with their services' flags.
pub(super) async fn targets(mut tx: Ex<'_>, group: &[SendJob]) -> Result<HashMap<ChatId, Target>> {
    let mut chats: Vec<i64> = group.iter().map(|j| j.chat.0).collect();
    chats.dedup(); // sorted by chat
    let sql = format!(
        "SELECT c.id, c.service_id, c.status, c.agent_id, c.opened_by, c.handled,
                s.contract_security, s.auto_mask_pii
         FROM chats c JOIN services s ON s.id = c.service_id WHERE c.id IN ({})",
        marks(chats.len())
    );
    let mut q = db::query(sql);
    for id in &chats {
        q = q.bind(*id);
    }
    Ok(q.fetch_all_as::<Target>(tx.ex())
        .await?
        .into_iter()
        .map(|t| (t.row.id, t))
        .collect())
}

/// Step 2: sends of the group already stored, by (chat, author, client id).
pub(super) async fn stored_before<'g>(
    mut tx: Ex<'_>,
    group: &'g [SendJob],
) -> Result<HashMap<(ChatId, Author, &'g str), i64>> {
    let mut q = db::query(stored_before_sql(group.len()));
    for job in group {
        q = q
            .bind(job.chat.0)
            .bind(job.party.as_party().author().as_str())
            .bind(job.client_id.as_str());
    }
    let mut out = HashMap::new();
    for s in store::messages::sends(&q.fetch_all(tx.ex()).await?)? {
        let Some(author) = s.author else { continue };
        if let Some(key) = stored_key(group, s.chat, author, &s.client_id) {
            out.insert(key, s.id);
        }
    }
    Ok(out)
}

/// Step 2's statement for `n` sends: one probe of the (chat, author, client id) index
/// per send — a lookup by chat and client id alone walked every message of the chat, a
/// cost that grew with the chat's length.
pub(super) fn stored_before_sql(n: usize) -> String {
    let keys = vec!["(?, ?, ?)"; n].join(", ");
    format!(
        "SELECT m.id, m.chat_id, m.author, m.client_id FROM (VALUES {keys}) AS k
         JOIN messages m
           ON m.chat_id = k.column1 AND m.author = k.column2 AND m.client_id = k.column3"
    )
}

/// Per chat of the planned rows (in group order): how many rows, and how many of them
/// are the customer's (unread for the agent; an agent reply in the group resets the
/// count, see [`last_replies`]).
pub(super) fn seq_counts(planned: &[Planned]) -> Vec<(ChatId, i64, i64)> {
    let mut per_chat: Vec<(ChatId, i64, i64)> = Vec::new();
    for p in planned {
        let customer = i64::from(p.author == Author::Customer);
        match per_chat.last_mut() {
            Some((c, n, k)) if *c == p.chat => {
                *n += 1;
                *k += customer;
            }
            _ => per_chat.push((p.chat, 1, customer)),
        }
    }
    per_chat
}

/// The chat's new rows take the numbers up to its new `last_seq`, in group order.
pub(super) fn number_rows(
    planned: &mut [Planned],
    per_chat: &[(ChatId, i64, i64)],
    last: &HashMap<ChatId, i64>,
) -> Result<()> {
    for (chat, n, _) in per_chat {
        let top = *last
            .get(chat)
            .ok_or(Error::Internal("a chat's sequence was not updated".into()))?;
        let mut seq = top - n;
        for p in planned.iter_mut().filter(|p| p.chat == *chat) {
            seq += 1;
            p.seq = seq;
        }
    }
    Ok(())
}

/// Step 4: each planned row's `seq`, from one update of the chats' counters.
pub(super) async fn assign_seqs(mut tx: Ex<'_>, planned: &mut [Planned]) -> Result<()> {
    let per_chat = seq_counts(planned);
    // `column1, column2, …`: both databases name the columns of a VALUES list so
    let values = vec!["(?, ?, ?)"; per_chat.len()].join(", ");
    let sql = format!(
        "UPDATE chats SET last_seq = last_seq + v.column2, unread = unread + v.column3
         FROM (VALUES {values}) AS v WHERE chats.id = v.column1 RETURNING id, last_seq"
    );
    let mut q = db::query(sql);
    for (chat, n, customers) in &per_chat {
        q = q.bind(chat.0).bind(*n).bind(*customers);
    }
    let last: HashMap<ChatId, i64> = store::chats::last_seqs(&q.fetch_all(tx.ex()).await?)?;
    number_rows(planned, &per_chat, &last)
}

/// Step 5: the rows, in one insert; answers their ids in `planned` order.
pub(super) async fn insert_rows(
    mut tx: Ex<'_>,
    planned: &[Planned],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; planned.len()].join(", ");
    let sql = format!(
        "INSERT INTO messages (chat_id, seq, author, agent_id, client_id, text, created_at, pii)
         VALUES {values} RETURNING id, chat_id, seq"
    );
    let mut q = db::query(sql);
    for p in planned {
        let pii = (!p.pii.is_empty()).then(|| serde_json::to_string(&p.pii).unwrap_or_default());
        q = q
            .bind(p.chat.0)
            .bind(p.seq)
            .bind(p.author.as_str())
            .bind(p.agent.map(|a| a.0))
            .bind(p.client_id.as_str())
            .bind(p.text.as_str())
            .bind(now)
            .bind(pii);
    }
    // RETURNING order is not promised: match rows by (chat, seq)
    let ids: HashMap<(i64, i64), i64> = store::messages::written(&q.fetch_all(tx.ex()).await?)?
        .into_iter()
        .map(|(chat, seq, id)| ((chat.0, seq), id))
        .collect();
    planned
        .iter()
        .map(|p| {
            ids.get(&(p.chat.0, p.seq))
                .copied()
                .ok_or(Error::Internal("an inserted message has no id".into()))
        })
        .collect()
}

/// The last agent reply of each chat in the group: (chat, agent, its seq, customer
/// rows after it).
pub(super) fn last_replies(planned: &[Planned]) -> Vec<(ChatId, AgentId, i64, i64)> {
    let mut last_reply: Vec<(ChatId, AgentId, i64, i64)> = Vec::new();
    for p in planned {
        match (p.agent, last_reply.last_mut()) {
            (Some(_), Some((c, _, seq, after))) if *c == p.chat => {
                *seq = p.seq;
                *after = 0;
            }
            (Some(agent), _) => last_reply.push((p.chat, agent, p.seq, 0)),
            (None, Some((c, _, _, after))) if *c == p.chat && p.author == Author::Customer => {
                *after += 1;
            }
            (None, _) => {}
        }
    }
    last_reply
}

/// Step 6: for chats the agent answered, the agent's read marker moves to their reply
/// (what the customer wrote after it in the same group stays unread) and C-HIS-2
/// applies: handled once the agent who opened the request answers it.
pub(super) async fn mark_agent_replies(
    mut tx: Ex<'_>,
    planned: &[Planned],
    targets: &HashMap<ChatId, Target>,
    now: DateTime<Utc>,
) -> Result<()> {
    for (chat, agent, seq, unread) in last_replies(planned) {
        let Some(t) = targets.get(&chat) else {
            continue;
        };
        let newly_handled = !t.handled && t.opened_by == Some(agent);
        db::query(
            "UPDATE chats SET agent_read_seq = ?, unread = ?, handled = CASE WHEN ? = 1 THEN 1 ELSE handled END,
               first_response_at = COALESCE(first_response_at, ?) WHERE id = ?",
        )
        .bind(seq)
        .bind(unread)
        .bind(newly_handled)
        .bind(now)
        .bind(chat.0)
        .execute(tx.ex())
        .await?;
    }
    Ok(())
}

/// The agents who wrote in the group, each once.
pub(super) fn writing_agents(planned: &[Planned]) -> Vec<i64> {
    let mut agents: Vec<i64> = planned
        .iter()
        .filter_map(|p| p.agent.map(|a| a.0))
        .collect();
    agents.sort_unstable();
    agents.dedup();
    agents
}

/// The names of the agents who wrote in the group.
pub(super) async fn agent_names(
    mut tx: Ex<'_>,
    planned: &[Planned],
) -> Result<HashMap<AgentId, String>> {
    let agents = writing_agents(planned);
    if agents.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT id, name FROM agents WHERE id IN ({})",
        marks(agents.len())
    );
    let mut q = db::query(sql);
    for id in &agents {
        q = q.bind(*id);
    }
    store::agents::id_names(&q.fetch_all(tx.ex()).await?)
}

/// Stored messages by id (the originals of resends), in one query.
pub(super) async fn messages_by_id(mut tx: Ex<'_>, ids: &[i64]) -> Result<HashMap<i64, Message>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {cols} FROM messages m LEFT JOIN agents a ON a.id = m.agent_id WHERE m.id IN ({})",
        marks(ids.len()),
        cols = message_columns(tx.backend())
    );
    let mut q = db::query(sql);
    for id in ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all_as::<Message>(tx.ex())
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

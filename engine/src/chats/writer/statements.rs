//! The locked path's steps (1–6 of [`super`]): each runs one statement of
//! `store::message_groups` for the whole group inside the write transaction, with the
//! rules that shape what it writes (how many rows and unread rows per chat, the numbers
//! they take, the last agent reply of each chat); also used by the PostgreSQL path for
//! what it reads back (resends) and by the writer thread ([`super::direct`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::{AgentId, Author, ChatId, Message};

use super::{Planned, SendJob, Target, stored_key};
use crate::db::Ex;
use crate::error::{Error, Result};
use crate::store::message_groups::{self as groups, NewMessage};

/// The group's chats, once each (the group is sorted by chat) — what step 1 reads on
/// every path.
pub(super) fn group_chats(group: &[SendJob]) -> Vec<i64> {
    let mut chats: Vec<i64> = group.iter().map(|j| j.chat.0).collect();
    chats.dedup();
    chats
}

/// The group's idempotency keys, (chat, author, client id) of each send — what step 2
/// probes on every path, one index probe each (not every message of the chat).
pub(super) fn send_keys(group: &[SendJob]) -> Vec<(i64, &str, &str)> {
    group
        .iter()
        .map(|j| {
            (
                j.chat.0,
                j.party.as_party().author().as_str(),
                j.client_id.as_str(),
            )
        })
        .collect()
}

/// Step 1: the group's chats with their services' flags.
pub(super) async fn targets(tx: Ex<'_>, group: &[SendJob]) -> Result<HashMap<ChatId, Target>> {
    Ok(groups::targets(tx, &group_chats(group))
        .await?
        .into_iter()
        .map(|t| (t.row.id, t))
        .collect())
}

/// Step 2: sends of the group already stored, by (chat, author, client id).
pub(super) async fn stored_before<'g>(
    tx: Ex<'_>,
    group: &'g [SendJob],
) -> Result<HashMap<(ChatId, Author, &'g str), i64>> {
    let mut out = HashMap::new();
    for s in groups::sends(tx, &send_keys(group)).await? {
        let Some(author) = s.author else { continue };
        if let Some(key) = stored_key(group, s.chat, author, &s.client_id) {
            out.insert(key, s.id);
        }
    }
    Ok(out)
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
pub(super) async fn assign_seqs(tx: Ex<'_>, planned: &mut [Planned]) -> Result<()> {
    let per_chat = seq_counts(planned);
    let last = groups::bump_seqs(tx, &per_chat).await?;
    number_rows(planned, &per_chat, &last)
}

/// The planned rows as the store inserts them.
pub(super) fn new_messages(planned: &[Planned]) -> Vec<NewMessage<'_>> {
    planned
        .iter()
        .map(|p| NewMessage {
            chat: p.chat,
            seq: p.seq,
            author: p.author,
            agent: p.agent,
            client_id: &p.client_id,
            text: &p.text,
            pii: (!p.pii.is_empty()).then(|| serde_json::to_string(&p.pii).unwrap_or_default()),
        })
        .collect()
}

/// Step 5: the rows, in one insert; answers their ids in `planned` order.
pub(super) async fn insert_rows(
    tx: Ex<'_>,
    planned: &[Planned],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    // RETURNING order is not promised: match rows by (chat, seq)
    let ids: HashMap<(ChatId, i64), i64> = groups::insert_messages(tx, &new_messages(planned), now)
        .await?
        .into_iter()
        .map(|(chat, seq, id)| ((chat, seq), id))
        .collect();
    planned
        .iter()
        .map(|p| {
            ids.get(&(p.chat, p.seq))
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
        groups::mark_reply(tx.re(), chat, seq, unread, newly_handled, now).await?;
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
    tx: Ex<'_>,
    planned: &[Planned],
) -> Result<HashMap<AgentId, String>> {
    groups::agent_names(tx, &writing_agents(planned)).await
}

/// Stored messages by id (the originals of resends), in one query.
pub(super) async fn messages_by_id(tx: Ex<'_>, ids: &[i64]) -> Result<HashMap<i64, Message>> {
    groups::messages_by_id(tx, ids).await
}

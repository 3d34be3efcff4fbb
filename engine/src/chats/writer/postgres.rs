//! The message writer's two-round-trip path on PostgreSQL (issue 16).
//!
//! On PostgreSQL every statement is a network round trip, and the transactional path of
//! [`super`] costs seven for a group (`BEGIN`, the shared advisory lock, chats,
//! idempotency, sequence numbers, rows, `COMMIT`). Here a group costs two, whatever its
//! size, and the statements' text does not depend on the group (arrays through
//! `unnest`, so each is prepared once per connection):
//!
//! 1. **read**: the group's chats with their service's flags, their agent's name and the
//!    group's `client_id`s already stored in them (one `SELECT`, no transaction);
//! 2. the rules, in memory ([`Engine::plan`]);
//! 3. **write**: one statement, its own transaction: an `UPDATE chats` that moves each
//!    chat's `last_seq`, unread count, read marker, handled flag and first response —
//!    *only where the chat's status and agent are still what step 1 read* — and an
//!    `INSERT … SELECT` of the rows of exactly the chats that update matched.
//!
//! Why this is as safe as the locked path: every other write that changes what the
//! rules depend on (assignment, hand-over, transfer, end) updates the chat's row, so
//! the `UPDATE` here either runs before it or waits for its row lock and then re-checks
//! its `WHERE` on the new row version (PostgreSQL's read-committed re-check). A chat that
//! changed in between comes back without rows, and its sends go through the locked path,
//! which decides them again. A `client_id` stored by another instance in between breaks
//! the unique index, the statement stores nothing, and the whole group goes through the
//! locked path. Sequence numbers come from the row update, as in every other writer, so
//! they stay gapless and ordered.
//!
//! Groups with a send that is auto-masked on arrival (its mask rows need the message
//! ids) or that carries a file (linked to the message's id) take the locked path too.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::{AgentId, Author, ChatId, Message};
use sqlx::PgPool;

use super::statements::{group_chats, send_keys};
use super::{Decision, Planned, SendJob, Stored, Target, answers};
use crate::Engine;
use crate::error::{Error, Result};
use crate::store::message_groups::{self as groups, PgChatColumns, PgRowColumns};

/// What step 1 read: the chats, the names of their agents, and the group's sends
/// already stored.
struct Read<'g> {
    targets: HashMap<ChatId, Target>,
    agent_names: HashMap<ChatId, String>,
    stored: HashMap<(ChatId, Author, &'g str), i64>,
}

impl Engine {
    /// Stores what it can of the group in two round trips; `None` for a send it leaves
    /// to the locked path (its chat changed since it was read). An `Err` stores nothing.
    pub(super) async fn store_group_postgres(
        &self,
        pool: &PgPool,
        group: &[SendJob],
        now: DateTime<Utc>,
    ) -> Result<Vec<Option<Result<Stored>>>> {
        let Read {
            targets,
            agent_names,
            stored,
        } = read(pool, group).await?;
        let (decisions, mut planned) = self.plan(group, &targets, &stored);
        if planned
            .iter()
            .any(|p| p.auto.is_some() || p.attachment.is_some())
        {
            return Ok(group.iter().map(|_| None).collect());
        }

        let written = write(pool, &mut planned, &targets, now).await?;
        let messages: Vec<Message> = planned
            .iter()
            .map(|p| {
                let id = written.get(&(p.chat, p.seq)).copied().unwrap_or(0);
                // an agent writes only in a chat assigned to them (the rules)
                let name = p.agent.and_then(|_| agent_names.get(&p.chat).cloned());
                super::message_of(p, id, now, Vec::new(), name)
            })
            .collect();
        let earlier = super::messages_by_id(self.db.ex(), &super::resent(&decisions)).await?;
        // a chat none of whose rows were written changed since step 1: its sends
        // (new rows and resends of the group's own rows alike) are decided again
        let undone = |d: &Decision| match d {
            Decision::Insert(p) | Decision::SameAs(p) => {
                !written.contains_key(&(planned[*p].chat, planned[*p].seq))
            }
            _ => false,
        };
        let left: Vec<bool> = decisions.iter().map(undone).collect();
        Ok(answers(decisions, group, &targets, &messages, &earlier)
            .into_iter()
            .zip(left)
            .map(|(answer, left)| (!left).then_some(answer))
            .collect())
    }
}

/// Step 1: the chats, their agent's name, and the group's sends already stored.
async fn read<'g>(pool: &PgPool, group: &'g [SendJob]) -> Result<Read<'g>> {
    let read = groups::pg_read(pool, &group_chats(group), &send_keys(group)).await?;
    let mut targets = HashMap::with_capacity(read.len());
    let mut agent_names = HashMap::new();
    let mut stored = HashMap::new();
    for (target, extra) in read {
        let id = target.row.id;
        for (message, author, client_id) in extra.stored {
            let Some(author) = author else { continue };
            if let Some(key) = super::stored_key(group, id, author, &client_id) {
                stored.insert(key, message);
            }
        }
        if let Some(name) = extra.agent_name {
            agent_names.insert(id, name);
        }
        targets.insert(id, target);
    }
    Ok(Read {
        targets,
        agent_names,
        stored,
    })
}

/// Step 3: the chats' counters and the rows in one statement. Fills each written row's
/// `seq` and answers the ids by (chat, seq); the rows of a chat that did not match are
/// left out.
async fn write(
    pool: &PgPool,
    planned: &mut [Planned],
    targets: &HashMap<ChatId, Target>,
    now: DateTime<Utc>,
) -> Result<HashMap<(ChatId, i64), i64>> {
    if planned.is_empty() {
        return Ok(HashMap::new());
    }
    let per_chat = per_chat(planned);
    let mut v = PgChatColumns::default();
    for c in &per_chat {
        let Some(t) = targets.get(&c.chat) else {
            return Err(Error::Internal("a planned row without its chat".into()));
        };
        v.chat.push(c.chat.0);
        v.status.push(t.row.status.as_str());
        v.agent.push(t.row.agent_id.map(|a| a.0));
        v.n.push(c.rows);
        v.customers.push(c.customers);
        v.reply_at.push(c.reply.map(|r| r.at));
        v.reply_agent.push(c.reply.map(|r| r.agent.0));
        v.unread_after.push(c.reply.map(|r| r.customers_after));
    }
    // each row's place among its chat's new rows (1, 2, …), in planned order
    let mut place: HashMap<ChatId, i64> = HashMap::new();
    let mut r = PgRowColumns::default();
    for p in planned.iter() {
        let n = place.entry(p.chat).or_insert(0);
        *n += 1;
        r.chat.push(p.chat.0);
        r.ord.push(*n);
        r.author.push(p.author.as_str());
        r.agent.push(p.agent.map(|a| a.0));
        r.client_id.push(p.client_id.as_str());
        r.text.push(p.text.as_str());
        r.pii
            .push((!p.pii.is_empty()).then(|| serde_json::to_string(&p.pii).unwrap_or_default()));
    }
    let written = groups::pg_write(pool, &v, &r, now).await?;
    // the written rows of each chat, by seq: the chat's planned rows in order
    let mut by_chat: HashMap<ChatId, Vec<(i64, i64)>> = HashMap::new();
    for (chat, seq, id) in written {
        by_chat.entry(chat).or_default().push((seq, id));
    }
    let mut ids = HashMap::with_capacity(planned.len());
    for c in &per_chat {
        let Some(mut rows) = by_chat.remove(&c.chat) else {
            continue; // changed since step 1: left to the locked path
        };
        if rows.len() as i64 != c.rows {
            return Err(Error::Internal("a chat's rows were written in part".into()));
        }
        rows.sort_unstable();
        for (p, (seq, id)) in planned.iter_mut().filter(|p| p.chat == c.chat).zip(rows) {
            p.seq = seq;
            ids.insert((p.chat, seq), id);
        }
    }
    Ok(ids)
}

/// A chat's share of the group's new rows.
#[derive(Debug, PartialEq)]
struct ChatRows {
    chat: ChatId,
    rows: i64,
    customers: i64,
    reply: Option<Reply>,
}

/// The agent's last reply among a chat's new rows.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Reply {
    /// Its place among the chat's new rows (1, 2, …).
    at: i64,
    agent: AgentId,
    /// Customer rows after it (they stay unread).
    customers_after: i64,
}

/// The planned rows summed per chat (they come sorted by chat).
fn per_chat(planned: &[Planned]) -> Vec<ChatRows> {
    let mut out: Vec<ChatRows> = Vec::new();
    for p in planned {
        if out.last().is_none_or(|c| c.chat != p.chat) {
            out.push(ChatRows {
                chat: p.chat,
                rows: 0,
                customers: 0,
                reply: None,
            });
        }
        let Some(c) = out.last_mut() else { continue };
        c.rows += 1;
        match (p.agent, p.author) {
            (Some(agent), _) => {
                c.reply = Some(Reply {
                    at: c.rows,
                    agent,
                    customers_after: 0,
                })
            }
            (None, Author::Customer) => {
                c.customers += 1;
                if let Some(r) = c.reply.as_mut() {
                    r.customers_after += 1;
                }
            }
            (None, _) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(chat: i64, author: Author, agent: Option<i64>) -> Planned {
        Planned {
            chat: ChatId(chat),
            author,
            agent: agent.map(AgentId),
            client_id: String::new(),
            text: String::new(),
            pii: Vec::new(),
            auto: None,
            attachment: None,
            seq: 0,
        }
    }

    #[test]
    fn rows_are_summed_per_chat_with_the_last_reply() {
        use Author::{Agent, Customer};
        let planned = [
            row(1, Customer, None),
            row(1, Agent, Some(7)),
            row(1, Customer, None),
            row(1, Customer, None),
            row(2, Customer, None),
            row(3, Agent, Some(8)),
            row(3, Agent, Some(8)),
        ];
        assert_eq!(
            per_chat(&planned),
            vec![
                ChatRows {
                    chat: ChatId(1),
                    rows: 4,
                    customers: 3,
                    reply: Some(Reply {
                        at: 2,
                        agent: AgentId(7),
                        customers_after: 2
                    }),
                },
                ChatRows {
                    chat: ChatId(2),
                    rows: 1,
                    customers: 1,
                    reply: None,
                },
                ChatRows {
                    chat: ChatId(3),
                    rows: 2,
                    customers: 0,
                    reply: Some(Reply {
                        at: 2,
                        agent: AgentId(8),
                        customers_after: 0
                    }),
                },
            ]
        );
    }
}

//! The SQLite path of a message group without thread hand-offs (issue 32): the same
//! steps as the locked path (see [`super`]) run on the writer connection driven
//! directly on the writer thread ([`crate::db::direct`]), in one `BEGIN IMMEDIATE …
//! COMMIT` under the engine's write section.
//!
//! It takes the plain groups — text messages, nobody's auto-masking on, no resend of a
//! stored message — which is what chat traffic is; a group with a file, an auto-masked
//! customer or a resend is left to the locked path whole (it rolls back before writing
//! anything), as the PostgreSQL path leaves what it cannot do. A database error rolls
//! the group back and hands it to the locked path too, which then stores its sends one
//! by one (so one bad row fails only its own send) and reports the database's error.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use shared::{AgentId, ChatId, Message};

use super::statements::{
    group_chats, last_replies, new_messages, number_rows, send_keys, seq_counts, writing_agents,
};
use super::{SendJob, Stored, Target, answers, message_of, stored_key};
use crate::Engine;
use crate::error::Result;
use crate::store::direct;
use crate::store::message_groups::stored_before_sql;

/// What became of a group on this path.
pub(super) enum Outcome {
    /// Committed: each send's answer, in group order.
    Stored(Vec<SendJob>, Vec<Result<Stored>>),
    /// Not for this path, or rolled back after an error: the locked path takes it.
    Left(Vec<SendJob>),
}

impl Engine {
    /// Stores a group (sorted by chat) on the directly driven writer connection, or
    /// hands it back (always on PostgreSQL). An `Err` only when the writer thread is
    /// gone (the group's senders then get an error from their dropped answers).
    pub(super) async fn store_group_direct(
        &self,
        group: Vec<SendJob>,
        now: DateTime<Utc>,
    ) -> Result<Outcome> {
        // the same write section as every write transaction
        let section = self.write_lock.clone().lock_owned().await;
        let conn = match self.db.sqlite_writer().await {
            Ok(Some(conn)) => conn,
            Ok(None) => return Ok(Outcome::Left(group)),
            Err(e) => {
                tracing::debug!(error = %e, "no writer connection for the direct path");
                return Ok(Outcome::Left(group));
            }
        };
        let engine = self.clone();
        let (outcome, conn) = crate::db::direct::run(conn, move |c| match c {
            Ok(c) => engine.write_direct(c, group, now),
            Err(e) => {
                tracing::debug!(error = %e, "the writer connection could not be taken");
                Outcome::Left(group)
            }
        })
        .await?;
        drop(conn);
        drop(section);
        Ok(outcome)
    }

    /// The group's transaction, synchronously on the writer thread.
    fn write_direct(
        &self,
        c: &rusqlite::Connection,
        group: Vec<SendJob>,
        now: DateTime<Utc>,
    ) -> Outcome {
        match self.try_write_direct(c, &group, now) {
            Ok(Some(answers)) => {
                #[cfg(test)]
                STORED_GROUPS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Outcome::Stored(group, answers)
            }
            Ok(None) => {
                direct::rollback(c);
                Outcome::Left(group)
            }
            Err(e) => {
                direct::rollback(c);
                tracing::debug!(error = %e, sends = group.len(), "the direct path failed; locked path");
                Outcome::Left(group)
            }
        }
    }

    /// `Ok(None)`: a group this path leaves (nothing was written).
    fn try_write_direct(
        &self,
        c: &rusqlite::Connection,
        group: &[SendJob],
        now: DateTime<Utc>,
    ) -> direct::Result<Option<Vec<Result<Stored>>>> {
        if group.iter().any(|j| j.attachment.is_some()) {
            return Ok(None);
        }
        direct::begin(c)?;
        let targets: HashMap<ChatId, Target> = direct::targets(c, &group_chats(group))?
            .into_iter()
            .map(|t| (t.row.id, t))
            .collect();
        if targets.values().any(|t| t.auto_mask) {
            return Ok(None);
        }
        let keys = send_keys(group);
        let mut stored = HashMap::new();
        for s in direct::sends(c, &stored_before_sql(keys.len()), &keys)? {
            if let Some(key) = s
                .author
                .and_then(|a| stored_key(group, s.chat, a, &s.client_id))
            {
                stored.insert(key, s.id);
            }
        }
        if !stored.is_empty() {
            return Ok(None); // a resend of a stored message: read back on the locked path
        }
        let (decisions, mut planned) = self.plan(group, &targets, &stored);
        let mut ids = Vec::new();
        if !planned.is_empty() {
            let per_chat = seq_counts(&planned);
            let last = direct::bump_seqs(c, &per_chat)?;
            if number_rows(&mut planned, &per_chat, &last).is_err() {
                return Ok(None);
            }
            let rows = new_messages(&planned);
            let written: HashMap<(ChatId, i64), i64> = direct::insert_messages(c, &rows, now)?
                .into_iter()
                .map(|(chat, seq, id)| ((chat, seq), id))
                .collect();
            for p in &planned {
                match written.get(&(p.chat, p.seq)) {
                    Some(id) => ids.push(*id),
                    None => return Ok(None),
                }
            }
            for (chat, agent, seq, unread) in last_replies(&planned) {
                let Some(t) = targets.get(&chat) else {
                    continue;
                };
                let newly_handled = !t.handled && t.opened_by == Some(agent);
                direct::mark_reply(c, chat, seq, unread, newly_handled, now)?;
            }
        }
        let names: HashMap<AgentId, String> = direct::agent_names(c, &writing_agents(&planned))?;
        direct::commit(c)?;
        let messages: Vec<Message> = planned
            .iter()
            .zip(&ids)
            .map(|(p, id)| {
                let name = p.agent.and_then(|a| names.get(&a).cloned());
                message_of(p, *id, now, Vec::new(), name)
            })
            .collect();
        Ok(Some(answers(
            decisions,
            group,
            &targets,
            &messages,
            &HashMap::new(),
        )))
    }
}

/// Groups this path committed (tests tell it from the locked path with it).
#[cfg(test)]
pub(crate) static STORED_GROUPS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::STORED_GROUPS;
    use crate::chats::writer::SendJob;
    use crate::testing::{customer, demo_with_agent_online};
    use crate::{ChatParty, Engine, db};

    /// Sends `texts` (one per customer, in one group) and answers each send's result.
    async fn group(
        engine: &Engine,
        sends: &[(&crate::Customer, &str)],
    ) -> Vec<crate::Result<String>> {
        let mut jobs = Vec::new();
        let mut answers = Vec::new();
        for (i, (c, text)) in sends.iter().enumerate() {
            let (reply, answer) = tokio::sync::oneshot::channel();
            jobs.push(SendJob {
                party: ChatParty::Customer((*c).clone()),
                chat: c.chat_id(),
                client_id: format!("{}-{i}-{text}", c.chat_id()),
                text: (*text).to_owned(),
                attachment: None,
                reply,
            });
            answers.push(answer);
        }
        engine.write_group(jobs, true).await;
        let mut out = Vec::new();
        for a in answers {
            out.push(a.await.unwrap().map(|s| s.message.text));
        }
        out
    }

    /// Issue 32: a group on the directly driven writer connection commits; one whose
    /// statement fails mid-group (a constraint raised by a trigger on one row) is rolled
    /// back and its other sends are stored by the locked path one by one; the writer
    /// thread and the connection go on (back in autocommit, the next group direct).
    #[tokio::test]
    async fn the_writer_thread_survives_a_failing_group() {
        let dir = tempfile::tempdir().unwrap();
        let (engine, _agent) = demo_with_agent_online(dir.path()).await;
        let (a, b, c) = (
            customer(&engine, "가").await,
            customer(&engine, "나나").await,
            customer(&engine, "다다다").await,
        );

        let before = STORED_GROUPS.load(Ordering::SeqCst);
        let plain = group(
            &engine,
            &[(&a, "안녕하세요"), (&b, "문의 있어요"), (&c, "배송 문의")],
        )
        .await;
        assert!(plain.iter().all(Result::is_ok), "{plain:?}");
        assert_eq!(STORED_GROUPS.load(Ordering::SeqCst), before + 1, "direct");

        db::query(
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.text = 'boom'
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
        )
        .execute(engine.db.ex())
        .await
        .unwrap();
        let failing = group(&engine, &[(&a, "첫째"), (&b, "boom"), (&c, "셋째")]).await;
        assert_eq!(failing[0].as_deref().ok(), Some("첫째"));
        assert!(failing[1].is_err(), "{failing:?}");
        assert_eq!(failing[2].as_deref().ok(), Some("셋째"));
        assert_eq!(
            STORED_GROUPS.load(Ordering::SeqCst),
            before + 1,
            "rolled back"
        );

        // the connection is in autocommit and the thread takes the next group
        let conn = engine.db.sqlite_writer().await.unwrap().unwrap();
        let (autocommit, conn) = db::direct::run(conn, |c| c.unwrap().is_autocommit())
            .await
            .unwrap();
        drop(conn);
        assert!(autocommit);
        let after = group(&engine, &[(&a, "다시"), (&c, "또")]).await;
        assert!(after.iter().all(Result::is_ok), "{after:?}");
        assert_eq!(
            STORED_GROUPS.load(Ordering::SeqCst),
            before + 2,
            "direct again"
        );
        // every stored row is there once, in order, on both paths
        let texts: Vec<String> = db::query_scalar(
            "SELECT text FROM messages WHERE chat_id = ? AND author = 'customer' ORDER BY seq",
        )
        .bind(a.chat_id().0)
        .fetch_all(engine.db.ex())
        .await
        .unwrap();
        assert_eq!(texts, ["안녕하세요", "첫째", "다시"]);
        engine.close().await;
    }
}

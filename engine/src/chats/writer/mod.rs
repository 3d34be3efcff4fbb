//! The message writer (group commit): every send waiting is committed in one
//! transaction, and a group costs a fixed number of statements, not a number per
//! message (issue 16).
//!
//! A group of sends is stored in these steps, each one statement for the whole group:
//! 1. the chats the group writes to, with their service's security flags;
//! 2. the idempotency check (sends whose `client_id` is already stored);
//! 3. the rules, in memory: access, assignment, status; duplicates inside the group;
//! 4. the sequence numbers: one `UPDATE … FROM (VALUES …) RETURNING` over the chats;
//! 5. the rows: one multi-row `INSERT … RETURNING id`;
//! 6. (agent sends only) the chats' read markers and first-response times;
//! 7. the commit.
//!
//! The stored message is built in memory from what was written (nothing is read back)
//! and its PII hints are computed here, once, only where the security service is on, and
//! stored with it. Should the group's transaction fail on a database error, each of its
//! sends is tried again alone, so one bad send cannot fail the others.
//!
//! On PostgreSQL a group first takes [`postgres`]'s two-round-trip path (steps 1–6 in
//! one read and one statement, checked against the chats' current rows); what that
//! path leaves (a chat that changed meanwhile, a group with auto-masked sends, any
//! failure) comes here.

use std::collections::HashMap;

use chrono::{DateTime, SubsecRound, Utc};
use shared::{AgentId, Author, ChatId, Message, MessageId, PiiHint};

use crate::chats::access::{check_access, require_assigned};
use crate::error::{Error, Result};
use crate::masking::AutoMasked;
use crate::{ChatParty, Engine, Party};

mod direct;
mod postgres;
mod statements;

use statements::{
    agent_names, assign_seqs, insert_rows, mark_agent_replies, messages_by_id, stored_before,
    targets,
};

/// Most sends committed in one transaction. At saturation every group is this large,
/// so it sets how often the fixed cost of a group (its statements, thread hand-offs and
/// `fsync`) is paid: 64 → 256 took one SQLite instance from 12.4–12.5k to 15.1–15.7k
/// messages/s in one A/B run, 256 → 512 from 16.2–16.4k to 16.8–17.7k in another
/// (issue 16, BENCHMARKS.md). A group's statements stay below both databases' limits on
/// bound values (8 per row: 4,096; PostgreSQL allows 65,535).
pub(crate) const MAX_MESSAGE_GROUP: usize = 512;

/// Under steady load a small group waits this long for company before it commits (as
/// PostgreSQL's `commit_delay` does): fewer, larger commits — each costs an `fsync` and
/// a round of thread hand-offs — for at most this much more latency. A lone message on
/// an idle desk never waits (see [`BUSY_GAP`]). At 2,000 msg/s over 1,000 chats, in one
/// A/B run: 1 ms — 34 % of a core, p99 7.7–9.1 ms; 2 ms — 29–30 %, p99 8.3–10.0 ms;
/// 4 ms — 24 %, p99 10.6–18.7 ms (too close to the 20 ms goal).
const LINGER: std::time::Duration = std::time::Duration::from_millis(2);
/// "Steady load": the previous group began less than this long ago.
const BUSY_GAP: std::time::Duration = std::time::Duration::from_millis(10);
/// Groups at least this large commit at once.
const LINGER_UNDER: usize = 32;

/// One send waiting for the message writer.
pub(crate) struct SendJob {
    pub(super) party: ChatParty,
    pub(super) chat: ChatId,
    pub(super) client_id: String,
    pub(super) text: String,
    /// The uploaded file this message carries (issue 19), linked in its transaction.
    pub(super) attachment: Option<shared::Attachment>,
    pub(super) reply: tokio::sync::oneshot::Sender<Result<Stored>>,
}

/// What a send stored: the message, whether it is new (not a resend), and the chat's
/// agent at that moment (to publish to).
pub(crate) struct Stored {
    pub(super) message: Message,
    pub(super) new: bool,
    pub(super) assignee: Option<AgentId>,
}

/// The message writer: takes every send that is waiting (up to
/// [`MAX_MESSAGE_GROUP`]) and commits them together. While one group's commit waits for
/// the disk, the next group gathers, so throughput grows with load while a lone
/// message still costs one commit.
///
/// The writer survives any one failed group (issue 15): each group runs in its own
/// task, so even a panic in it only fails that group's sends (their senders get an
/// error; the transaction rolls back and the write lock is released on unwind), and
/// the next group goes on. It stops when the engine's shutdown token fires or the
/// queue closes.
pub(crate) async fn message_writer(engine: Engine, jobs: tokio::sync::mpsc::Receiver<SendJob>) {
    // and should the loop itself ever stop short (a panic outside a group), it is
    // started again on the same queue: sends are never left without a writer
    let jobs = std::sync::Arc::new(tokio::sync::Mutex::new(jobs));
    loop {
        let run = tokio::spawn(write_groups(engine.clone(), jobs.clone()));
        match run.await {
            Ok(()) => return, // the queue closed, or shutdown
            Err(e) => tracing::error!(error = %e, "the message writer stopped; restarting it"),
        }
    }
}

/// The writer's loop over the queue (see [`message_writer`]).
async fn write_groups(
    engine: Engine,
    jobs: std::sync::Arc<tokio::sync::Mutex<tokio::sync::mpsc::Receiver<SendJob>>>,
) {
    let mut jobs = jobs.lock().await;
    let shutdown = engine.shutdown.clone();
    let mut last_group: Option<std::time::Instant> = None;
    loop {
        let first = tokio::select! {
            job = jobs.recv() => match job {
                Some(job) => job,
                None => return,
            },
            // sends already queued are still written: the edge stops taking new ones
            // first, then cancels, so what is left here was acknowledged by nobody yet
            _ = shutdown.cancelled(), if jobs.is_empty() => return,
        };
        let mut group = vec![first];
        take_waiting(&mut jobs, &mut group);
        let busy = last_group.is_some_and(|at| at.elapsed() < BUSY_GAP);
        if busy && group.len() < LINGER_UNDER && !shutdown.is_cancelled() {
            tokio::time::sleep(LINGER).await;
            take_waiting(&mut jobs, &mut group);
        }
        last_group = Some(std::time::Instant::now());
        let writer = engine.clone();
        if let Err(e) = tokio::spawn(async move { writer.write_message_group(group).await }).await {
            tracing::error!(error = %e, "a message group failed; the writer goes on");
        }
    }
}

/// Adds the sends waiting in the queue to `group`, up to [`MAX_MESSAGE_GROUP`].
fn take_waiting(jobs: &mut tokio::sync::mpsc::Receiver<SendJob>, group: &mut Vec<SendJob>) {
    while group.len() < MAX_MESSAGE_GROUP {
        match jobs.try_recv() {
            Ok(job) => group.push(job),
            Err(_) => break,
        }
    }
}

/// A chat as the writer's rules see it, with its service's flags.
use crate::store::chats::WriteTarget as Target;

/// A send that passed the rules and becomes a row.
struct Planned {
    chat: ChatId,
    author: Author,
    agent: Option<AgentId>,
    client_id: String,
    text: String,
    pii: Vec<PiiHint>,
    auto: Option<AutoMasked>,
    attachment: Option<shared::Attachment>,
    seq: i64,
}

/// What the rules decided for one send of the group.
enum Decision {
    Refused(Error),
    /// Stored before (message id); read back after the group.
    Stored(i64),
    /// The same `client_id` as an earlier send of this group (its planned row).
    SameAs(usize),
    /// A new row (its place among the planned rows).
    Insert(usize),
}

impl SendJob {
    /// Answers the sender; a stored message is counted (`oc_messages_stored_total`).
    fn answer(self, result: Result<Stored>) {
        if result.is_ok() {
            metrics::counter!("oc_messages_stored_total").increment(1);
        }
        let _ = self.reply.send(result);
    }
}

impl Engine {
    /// Commits a group of sends and answers each sender.
    pub(crate) async fn write_message_group(&self, group: Vec<SendJob>) {
        self.write_group(group, crate::db::direct::enabled()).await;
    }

    /// [`Engine::write_message_group`]; `direct`: SQLite's plain groups go through
    /// [`direct`] first.
    async fn write_group(&self, mut group: Vec<SendJob>, direct: bool) {
        // chats in ascending id order (a stable sort keeps each chat's sends in order),
        // so concurrent groups on other instances take row locks in the same order
        group.sort_by_key(|job| job.chat.0);
        metrics::histogram!("oc_writer_group_size").record(group.len() as f64);
        let now = Utc::now().trunc_subsecs(6); // what both databases keep
        // PostgreSQL: two round trips for what it can ([`postgres`]); the rest, or all
        // of it should that path fail, through the locked transaction below
        if let Some(pool) = self.db.postgres() {
            match self.store_group_postgres(pool, &group, now).await {
                Ok(answers) => {
                    let mut left = Vec::new();
                    for (job, answer) in group.into_iter().zip(answers) {
                        match answer {
                            Some(answer) => {
                                job.answer(answer);
                            }
                            None => left.push(job),
                        }
                    }
                    group = left;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "the two-round-trip path failed; locked path")
                }
            }
            if group.is_empty() {
                return;
            }
        }
        // SQLite, when asked: plain groups on the directly driven writer connection
        // ([`direct`]); what it leaves, through the locked transaction below
        if self.db.backend() == crate::db::Backend::Sqlite && direct {
            match self.store_group_direct(group, now).await {
                Ok(direct::Outcome::Stored(sent, answers)) => {
                    for (job, answer) in sent.into_iter().zip(answers) {
                        job.answer(answer);
                    }
                    return;
                }
                Ok(direct::Outcome::Left(left)) => group = left,
                Err(e) => {
                    // the group went with the failed hand-off: its senders were
                    // answered with an error by the dropped channel
                    tracing::warn!(error = %e, "the SQLite writer thread failed a group");
                    return;
                }
            }
        }
        match self.store_group(&group, now).await {
            Ok(results) => {
                for (job, result) in group.into_iter().zip(results) {
                    job.answer(result);
                }
            }
            Err(e) if group.len() > 1 => {
                tracing::warn!(error = %e, sends = group.len(), "a message group failed; storing its sends one by one");
                for job in group {
                    let result = match self.store_group(std::slice::from_ref(&job), now).await {
                        Ok(mut r) => r.pop().unwrap_or(Err(Error::Internal("no answer".into()))),
                        Err(e) => Err(e),
                    };
                    job.answer(result);
                }
            }
            Err(e) => {
                // one send (or none) left: it gets the database's own error, so a full
                // disk reaches the sender as "storage unavailable", not a bare 500
                if let Some(job) = group.into_iter().next() {
                    let _ = job.reply.send(Err(e));
                }
            }
        }
    }

    /// One transaction for the group; an `Err` only for a failure of the database
    /// (then nothing of the group was stored). Refusals are per send.
    async fn store_group(
        &self,
        group: &[SendJob],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<Stored>>> {
        let mut tx = self.sends_tx().await?;
        let targets = targets(tx.ex(), group).await?;
        let stored = stored_before(tx.ex(), group).await?;
        let (decisions, mut planned) = self.plan(group, &targets, &stored);
        let mut ids = Vec::new();
        if !planned.is_empty() {
            assign_seqs(tx.ex(), &mut planned).await?;
            ids = insert_rows(tx.ex(), &planned, now).await?;
            mark_agent_replies(tx.ex(), &planned, &targets, now).await?;
            for (p, id) in planned.iter().zip(&ids) {
                if let Some(file) = p.attachment.as_ref().and_then(|a| a.id.parse().ok()) {
                    crate::store::files::link(tx.ex(), file, *id).await?;
                }
            }
        }
        let mut messages: Vec<Message> = Vec::with_capacity(planned.len());
        let names = agent_names(tx.ex(), &planned).await?;
        for (p, id) in planned.iter().zip(&ids) {
            let masks = match &p.auto {
                Some(a) => self.insert_auto_masks(tx.ex(), *id, &a.runs, now).await?,
                None => Vec::new(),
            };
            let name = p.agent.and_then(|a| names.get(&a).cloned());
            messages.push(message_of(p, *id, now, masks, name));
        }
        // resends: the stored messages, read in one query
        let earlier = messages_by_id(tx.ex(), &resent(&decisions)).await?;
        tx.commit().await?;

        Ok(answers(decisions, group, &targets, &messages, &earlier))
    }

    /// The rules, in memory: what each send of the group becomes (refused, a resend of
    /// a stored message or of an earlier send in the group, or a new row), and the new
    /// rows with their text, masks and PII hints (sequence numbers come later).
    fn plan<'g>(
        &self,
        group: &'g [SendJob],
        targets: &HashMap<ChatId, Target>,
        stored: &HashMap<(ChatId, Author, &'g str), i64>,
    ) -> (Vec<Decision>, Vec<Planned>) {
        let mut planned: Vec<Planned> = Vec::new();
        let mut decisions = Vec::with_capacity(group.len());
        let mut seen: HashMap<(ChatId, Author, &str), usize> = HashMap::new();
        for job in group {
            let party = job.party.as_party();
            let author = party.author();
            let key = (job.chat, author, job.client_id.as_str());
            let decision = match self.decide(party, targets.get(&job.chat)) {
                Err(e) => Decision::Refused(e),
                Ok(_) if stored.contains_key(&key) => Decision::Stored(stored[&key]),
                Ok(_) if seen.contains_key(&key) => Decision::SameAs(seen[&key]),
                Ok(target) if !target.row.status.accepts_message_from(author) => {
                    Decision::Refused(Error::conflict(
                        shared::ErrorCode::ChatClosed,
                        format!(
                            "this chat is {}; no more messages",
                            target.row.status.as_str()
                        ),
                    ))
                }
                Ok(target) => {
                    seen.insert(key, planned.len());
                    let auto = (author == Author::Customer && target.auto_mask)
                        .then(|| self.seal_detected(&job.text))
                        .flatten();
                    let pii = if author == Author::Customer && target.security && auto.is_none() {
                        pii_hints(&job.text)
                    } else {
                        Vec::new()
                    };
                    planned.push(Planned {
                        chat: job.chat,
                        author,
                        agent: match party {
                            Party::Agent(c) => Some(c.agent_id()),
                            Party::Customer(_) => None,
                        },
                        client_id: job.client_id.clone(),
                        text: auto
                            .as_ref()
                            .map_or_else(|| job.text.clone(), |a| a.shown.clone()),
                        pii,
                        auto,
                        attachment: job.attachment.clone(),
                        seq: 0,
                    });
                    Decision::Insert(planned.len() - 1)
                }
            };
            decisions.push(decision);
        }

        (decisions, planned)
    }

    /// Access and assignment of one send (the rules of [`check_access`] and
    /// [`require_assigned`] on the group's chat rows).
    fn decide<'t>(&self, party: Party<'_>, target: Option<&'t Target>) -> Result<&'t Target> {
        let target = target.ok_or(Error::NotFound("chat"))?;
        check_access(party, &target.row)?;
        if let Party::Agent(caller) = party {
            require_assigned(caller, &target.row)?;
        }
        Ok(target)
    }
}

/// The stored messages the group's resends point at.
fn resent(decisions: &[Decision]) -> Vec<i64> {
    decisions
        .iter()
        .filter_map(|d| match d {
            Decision::Stored(id) => Some(*id),
            _ => None,
        })
        .collect()
}

/// The idempotency key of a stored (chat, author, client id), borrowing the group's
/// client id; `None` when no send of the group has it.
fn stored_key<'g>(
    group: &'g [SendJob],
    chat: ChatId,
    author: Author,
    client_id: &str,
) -> Option<(ChatId, Author, &'g str)> {
    group
        .iter()
        .find(|j| {
            j.chat == chat && j.client_id == client_id && j.party.as_party().author() == author
        })
        .map(|j| (chat, author, j.client_id.as_str()))
}

/// The message a planned row became once written (nothing is read back).
fn message_of(
    p: &Planned,
    id: i64,
    now: DateTime<Utc>,
    masks: Vec<shared::Mask>,
    agent_name: Option<String>,
) -> Message {
    Message {
        id: MessageId(id),
        chat_id: p.chat,
        seq: p.seq,
        author: p.author,
        text: p.text.clone(),
        created_at: now,
        masks,
        client_id: Some(p.client_id.clone()),
        agent_name,
        pii: p.pii.clone(),
        internal: false,
        attachment: p.attachment.clone(),
    }
}

/// Each send's answer from the group's decisions, its new messages (in planned order)
/// and the stored messages its resends point at.
fn answers(
    decisions: Vec<Decision>,
    group: &[SendJob],
    targets: &HashMap<ChatId, Target>,
    messages: &[Message],
    earlier: &HashMap<i64, Message>,
) -> Vec<Result<Stored>> {
    let assignee = |chat: ChatId| targets.get(&chat).and_then(|t| t.row.agent_id);
    let stored = |message: &Message, new: bool, chat: ChatId| {
        Ok(Stored {
            message: message.clone(),
            new,
            assignee: assignee(chat),
        })
    };
    decisions
        .into_iter()
        .zip(group)
        .map(|(d, job)| match d {
            Decision::Refused(e) => Err(e),
            Decision::Insert(p) => stored(&messages[p], true, job.chat),
            Decision::SameAs(p) => stored(&messages[p], false, job.chat),
            Decision::Stored(id) => match earlier.get(&id) {
                Some(m) => stored(m, false, job.chat),
                None => Err(Error::Internal("a stored message vanished".into())),
            },
        })
        .collect()
}

/// The PII hints of a customer message (character offsets).
fn pii_hints(text: &str) -> Vec<PiiHint> {
    crate::pii::detect(text)
        .into_iter()
        .map(|f| PiiHint {
            start: f.start,
            end: f.end,
            kind: f.kind.as_str().to_owned(),
        })
        .collect()
}

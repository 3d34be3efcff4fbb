//! Keeping the history's trigram index up on SQLite (issue 32): stored messages wait in
//! a queue (migration 0025) and this task moves them into the index a few times a
//! second, in batches, outside the message writer's transactions. The search reads the
//! queue directly (`store::history`), so nothing waits on this task to be found.
//!
//! Why not the trigger that indexed each insert: the writer commits small groups many
//! times a second, and FTS5 writes a new index segment per transaction and merges them
//! as they pile up — measured on the bare writer (BENCHMARKS.md, *The history index in
//! batches*), that doubled its CPU and cut its ceiling by a third.

use std::time::Duration;

use crate::Engine;
use crate::db::Backend;
use crate::store;

/// How often the queue is looked at. Each pass holds the write connection for the
/// batch it indexes (at 2,000 msg/s about 500 rows), short enough to stay inside the
/// message writer's latency budget.
const EVERY: Duration = Duration::from_millis(250);
/// Most messages indexed in one transaction: a backlog (after an upgrade or a burst) is
/// worked off in slices that each hold the write lock briefly.
const BATCH: i64 = 2_000;

/// Runs until the engine stops; SQLite only (PostgreSQL indexes in the database).
pub(crate) async fn keep_index(engine: Engine) {
    if engine.db.backend() != Backend::Sqlite {
        return;
    }
    let mut every = tokio::time::interval(EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        loop {
            match engine.index_queued_messages().await {
                // a full batch: more may wait — let the writer in, then go on
                Ok(n) if n as i64 >= BATCH => tokio::task::yield_now().await,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "indexing queued messages failed");
                    break;
                }
            }
        }
    }
}

impl Engine {
    /// One batch of queued messages into the trigram index; answers how many. An empty
    /// queue is seen with a read, so an idle service never takes the write lock (the
    /// pass runs four times a second).
    pub(crate) async fn index_queued_messages(&self) -> crate::Result<u64> {
        if !store::search_index::any_queued(self.db.ex()).await? {
            return Ok(0);
        }
        let mut tx = self.db.begin_write().await?;
        let n = store::search_index::index_queued(tx.ex(), BATCH).await?;
        tx.commit().await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use shared::HistoryFilter;

    use crate::db::{self, Ex};
    use crate::testing::{customer, demo_with_agent_online};
    use crate::{Engine, Party, store};

    async fn fts_count(ex: Ex<'_>, text: &str) -> i64 {
        let mut ex = ex;
        db::query_scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts.text LIKE ?")
            .bind(format!("%{text}%"))
            .fetch_one(ex.ex())
            .await
            .unwrap()
    }

    /// FTS5's own check that the index holds exactly the tokens of `messages`' rows
    /// (an external-content table with a stray or missing row fails it).
    async fn index_is_consistent(engine: &Engine) {
        db::query("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")
            .execute(engine.db.ex())
            .await
            .expect("the trigram index matches the messages");
    }

    /// Issue 32: a stored message is queued, not indexed, until a pass; a masked text
    /// (an update) and an erased message (a delete) keep the index exact whether the
    /// row was queued or already indexed at the time; the queue empties.
    #[tokio::test]
    async fn queued_messages_reach_the_index_and_changes_keep_it_exact() {
        let dir = tempfile::tempdir().unwrap();
        let (engine, caller) = demo_with_agent_online(dir.path()).await;
        let customer = customer(&engine, "고객").await;
        let chat = customer.chat_id();
        // what masking (an update of `text`) and erasure (a delete) do to the rows
        let change = |sql: &'static str| {
            let engine = engine.clone();
            async move {
                db::query(sql)
                    .bind(chat.0)
                    .execute(engine.db.ex())
                    .await
                    .unwrap();
            }
        };
        let send = |client: &'static str, text: &'static str| {
            let engine = engine.clone();
            let customer = customer.clone();
            async move {
                engine
                    .send_message(Party::Customer(&customer), chat, client, text)
                    .await
                    .unwrap()
            }
        };
        send("a", "환불받고 싶어요 주문번호 778899").await;
        send("b", "배송 조회 부탁드려요").await;
        // found at once — from the queue, or the index if a pass already ran
        let found = |text: &'static str| {
            let engine = engine.clone();
            let caller = caller.clone();
            async move {
                let filter = HistoryFilter {
                    from: None,
                    to: None,
                    tz: chrono::FixedOffset::east_opt(9 * 3600).unwrap(),
                    handled: None,
                    agent: None,
                    category: None,
                    channel: None,
                    customer: None,
                    text: Some(text.into()),
                    after: None,
                    limit: 10,
                    lang: "ko",
                };
                engine.history(&caller, &filter).await.unwrap().chats.len()
            }
        };
        assert_eq!(found("환불받고").await, 1);

        // the first pass indexes them all
        while engine.index_queued_messages().await.unwrap() > 0 {}
        assert_eq!(
            store::search_index::queued(engine.db.ex()).await.unwrap(),
            0
        );
        assert_eq!(fts_count(engine.db.ex(), "환불받고").await, 1);
        assert_eq!(fts_count(engine.db.ex(), "778899").await, 1);
        assert_eq!(found("환불받고").await, 1);
        index_is_consistent(&engine).await;

        // an indexed row masked: its original tokens leave the index
        change("UPDATE messages SET text = REPLACE(text, '778899', '******') WHERE chat_id = ? AND text LIKE '%778899%'").await;
        assert_eq!(fts_count(engine.db.ex(), "778899").await, 0);
        assert_eq!(fts_count(engine.db.ex(), "환불받고").await, 1);
        index_is_consistent(&engine).await;

        // a queued row masked before its pass is indexed as masked
        send("c", "연락처 01012345678 입니다").await;
        change("UPDATE messages SET text = '연락처 *********** 입니다' WHERE chat_id = ? AND client_id = 'c'").await;
        // and a queued row erased before its pass never reaches the index
        send("d", "지워질 메시지 abcdef").await;
        change("DELETE FROM messages WHERE chat_id = ? AND client_id = 'd'").await;
        while engine.index_queued_messages().await.unwrap() > 0 {}
        assert_eq!(fts_count(engine.db.ex(), "01012345678").await, 0);
        assert_eq!(fts_count(engine.db.ex(), "연락처").await, 1);
        assert_eq!(fts_count(engine.db.ex(), "abcdef").await, 0);
        index_is_consistent(&engine).await;

        // an indexed row erased: gone from the index too
        change("DELETE FROM messages WHERE chat_id = ? AND client_id = 'b'").await;
        assert_eq!(fts_count(engine.db.ex(), "배송 조회").await, 0);
        index_is_consistent(&engine).await;
        engine.close().await;
    }
}

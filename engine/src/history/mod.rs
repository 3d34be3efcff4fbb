//! Chat history (C-HIS-1..4): the filtered, keyset-paginated list of a service's chats
//! ([`export`] writes everything a filter matches to Excel).
//!
//! Search over message text uses the FTS5 trigram index of migration 0007 (Korean works
//! because trigrams need no word segmentation); masked runs are stars in `messages.text`
//! and so in the index, which makes masked data unsearchable by construction.

mod export;
mod indexing;

pub(crate) use indexing::keep_index;

pub use export::EXPORT_TTL;

use crate::db::{self};
use chrono::{DateTime, Utc};
use shared::{HistoryFilter, HistoryPage, HistoryRow};

use crate::Engine;
use crate::caller::Caller;
use crate::error::Result;

use crate::store::history::{HISTORY_COLUMNS, HISTORY_FROM};

/// Periods up to this many days search text by reading their chats' messages; longer
/// ones (and no period) go through the trigram index.
const SCAN_PERIOD_DAYS: i64 = 31;

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

/// Page totals are exact up to this many chats; beyond it a page says "10,000+".
const TOTAL_CAP: i64 = 10_000;
/// The same for text searches, whose count reads messages ("1,000+").
const TEXT_TOTAL_CAP: i64 = 1_000;
/// Index matches from which a search word counts as common.
const COMMON_TEXT_MATCHES: i64 = 2_000;

/// Appends the WHERE clause of a filter (tenant scope first), with the keyset cursor
/// (the last row's stored `created_at` text and id) when given.
///
/// The cursor is bound as plain values, never as a subquery: SQLite then walks the
/// `(service_id, created_at, id)` index from the cursor down, so every page costs the
/// same however deep it is (with a subquery each page re-scanned from the newest row,
/// which made a 100,000-chat export quadratic).
fn push_filter(
    qb: &mut db::Builder,
    backend: db::Backend,
    common_text: bool,
    caller: &Caller,
    f: &HistoryFilter,
    cursor: Option<(&db::Value, i64)>,
) {
    let like = backend.ilike();
    qb.push(" WHERE c.service_id = ")
        .push_bind(caller.service_id().0);
    if !caller.sees_all_chats() {
        qb.push(" AND c.agent_id = ").push_bind(caller.agent_id().0);
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
            .push_bind(caller.service_id().0)
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
        let short_period = f.from.is_some_and(|from| {
            f.to.unwrap_or_else(Utc::now) - from <= chrono::Duration::days(SCAN_PERIOD_DAYS)
        });
        if backend == db::Backend::Postgres && !short_period {
            // the pg_trgm GIN index on messages.text serves ILIKE, escapes included
            qb.push(" AND c.id IN (SELECT chat_id FROM messages WHERE text ILIKE ")
                .push_bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        } else if short_period || common_text || text.chars().count() < 3 {
            // Within a short period (or for a word shorter than a trigram) reading the
            // period's own messages beats listing every match in the whole history. So
            // it does for a common word (see [`Engine::is_common_text`]): walking the
            // newest chats finds a page of matches long before the index's list of
            // every match would be built.
            qb.push(" AND EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = c.id AND m.text")
                .push(like)
                .push_bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        } else if text.contains(['%', '_', '\\']) {
            // LIKE metacharacters cannot be escaped inside the trigram index: scan.
            qb.push(" AND c.id IN (SELECT chat_id FROM messages WHERE text LIKE ")
                .push_bind(like_pattern(text))
                .push(" ESCAPE '\\')");
        } else {
            // the index, and the stored messages still queued for it (migration 0025)
            let pattern = format!("%{text}%");
            qb.push(" AND c.id IN (SELECT m.chat_id FROM messages m WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts.text LIKE ")
                .push_bind(pattern.clone())
                .push(" UNION ALL SELECT q.id FROM messages_fts_pending q JOIN messages qm ON qm.id = q.id WHERE qm.text LIKE ")
                .push_bind(pattern)
                .push("))");
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

impl Engine {
    /// One page of the chat history, newest first, and how many chats match in all.
    pub async fn history(&self, caller: &Caller, filter: &HistoryFilter) -> Result<HistoryPage> {
        // the text strategy is probed once for the page and its total
        let common_text = self.is_common_text(filter).await?;
        let mut chats = self
            .history_rows(caller, filter, common_text, filter.limit + 1)
            .await?;
        let next_page = if chats.len() as i64 > filter.limit {
            chats.truncate(filter.limit as usize);
            chats.last().map(|c| c.id.to_string())
        } else {
            None
        };
        let (total, total_capped) = self.history_total(caller, filter, common_text).await?;
        let security_service =
            crate::store::services::security_service(self.db.ex(), caller.service_id()).await?;
        let only = (!caller.sees_all_chats()).then(|| caller.agent_id());
        let agents = crate::store::agents::names(self.db.ex(), caller.service_id(), only).await?;
        Ok(HistoryPage {
            chats,
            next_page,
            total,
            total_capped,
            security_service,
            agents,
        })
    }

    /// One page of rows; `common_text` is [`Engine::is_common_text`] of the filter,
    /// asked once by the caller (an export asks once for all its batches).
    async fn history_rows(
        &self,
        caller: &Caller,
        filter: &HistoryFilter,
        common_text: bool,
        limit: i64,
    ) -> Result<Vec<HistoryRow>> {
        // the cursor row's stored time, bound back as read (text in SQLite) so it
        // compares exactly
        let cursor = match filter.after {
            None => None,
            Some(after) => {
                let at: Option<db::Value> = db::query_scalar(
                    "SELECT created_at FROM chats WHERE id = ? AND service_id = ?",
                )
                .bind(after.0)
                .bind(caller.service_id().0)
                .fetch_optional(self.db.ex())
                .await?;
                match at {
                    Some(at) => Some((at, after.0)),
                    // an unknown cursor: nothing comes after it
                    None => return Ok(Vec::new()),
                }
            }
        };
        let mut qb = self.filtered(
            format!("SELECT {HISTORY_COLUMNS}{HISTORY_FROM}"),
            caller,
            filter,
            common_text,
            cursor.as_ref().map(|(at, id)| (at, *id)),
        );
        qb.push(" ORDER BY c.created_at DESC, c.id DESC LIMIT ")
            .push_bind(limit);
        qb.build().fetch_all_as(self.db.ex()).await
    }

    /// Every chat the filter matches (the export's total).
    async fn history_count(&self, caller: &Caller, filter: &HistoryFilter) -> Result<i64> {
        let common_text = self.is_common_text(filter).await?;
        self.count_matches(caller, filter, common_text, None).await
    }

    /// A page's total, counted up to a cap (issue 16): beyond [`TOTAL_CAP`] matches
    /// (or [`TEXT_TOTAL_CAP`] for a text search) the exact figure is not worth a count
    /// over the whole history on every page, and the answer says `total_capped`
    /// ("10,000+").
    async fn history_total(
        &self,
        caller: &Caller,
        filter: &HistoryFilter,
        common_text: bool,
    ) -> Result<(i64, bool)> {
        let cap = if filter.text.is_some() {
            TEXT_TOTAL_CAP
        } else {
            TOTAL_CAP
        };
        let n = self
            .count_matches(caller, filter, common_text, Some(cap + 1))
            .await?;
        Ok(if n > cap { (cap, true) } else { (n, false) })
    }

    /// How many chats the filter matches, counting at most `limit` when given.
    async fn count_matches(
        &self,
        caller: &Caller,
        filter: &HistoryFilter,
        common_text: bool,
        limit: Option<i64>,
    ) -> Result<i64> {
        let mut qb = self.filtered(
            "SELECT COUNT(*) FROM (SELECT 1 FROM chats c".into(),
            caller,
            filter,
            common_text,
            None,
        );
        if let Some(limit) = limit {
            qb.push(" LIMIT ").push_bind(limit);
        }
        qb.push(") matching");
        Ok(qb.build_scalar::<i64>().fetch_one(self.db.ex()).await?)
    }

    /// `select` (ending in `FROM chats c …`) with the filter's WHERE clause.
    fn filtered(
        &self,
        select: String,
        caller: &Caller,
        filter: &HistoryFilter,
        common_text: bool,
        cursor: Option<(&db::Value, i64)>,
    ) -> db::Builder {
        let mut qb = db::Builder::new(select);
        push_filter(
            &mut qb,
            self.db.backend(),
            common_text,
            caller,
            filter,
            cursor,
        );
        qb
    }

    /// Whether a text filter over more than a short period is a common word: SQLite's
    /// trigram index lists at least [`COMMON_TEXT_MATCHES`] messages for it. Listing
    /// every match to sort them by time is what made such a search slow (1.4 s at a
    /// million chats); for a common word the newest chats are read instead.
    async fn is_common_text(&self, filter: &HistoryFilter) -> Result<bool> {
        let Some(text) = &filter.text else {
            return Ok(false);
        };
        let short_period = filter.from.is_some_and(|from| {
            filter.to.unwrap_or_else(Utc::now) - from <= chrono::Duration::days(SCAN_PERIOD_DAYS)
        });
        if self.db.backend() != db::Backend::Sqlite
            || short_period
            || text.chars().count() < 3
            || text.contains(['%', '_', '\\'])
        {
            return Ok(false);
        }
        let matches: i64 = db::query_scalar(
            "SELECT COUNT(*) FROM (SELECT rowid FROM messages_fts WHERE messages_fts.text LIKE ? LIMIT ?) probe",
        )
        .bind(format!("%{text}%"))
        .bind(COMMON_TEXT_MATCHES)
        .fetch_one(self.db.ex())
        .await?;
        Ok(matches >= COMMON_TEXT_MATCHES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_metacharacters() {
        assert_eq!(like_pattern("환불"), "%환불%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}

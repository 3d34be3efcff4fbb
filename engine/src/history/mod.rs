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

use chrono::Utc;
use shared::{HistoryFilter, HistoryPage, HistoryRow};

use crate::Engine;
use crate::caller::Caller;
use crate::db::Backend;
use crate::error::Result;
use crate::store;
use crate::store::history::{Search, TextSearch};

/// Periods up to this many days search text by reading their chats' messages; longer
/// ones (and no period) go through the trigram index.
const SCAN_PERIOD_DAYS: i64 = 31;

/// Page totals are exact up to this many chats; beyond it a page says "10,000+".
const TOTAL_CAP: i64 = 10_000;
/// The same for text searches, whose count reads messages ("1,000+").
const TEXT_TOTAL_CAP: i64 = 1_000;
/// Index matches from which a search word counts as common.
const COMMON_TEXT_MATCHES: i64 = 2_000;

/// Whether the filter's period is short enough to read its chats' messages.
fn short_period(f: &HistoryFilter) -> bool {
    f.from.is_some_and(|from| {
        f.to.unwrap_or_else(Utc::now) - from <= chrono::Duration::days(SCAN_PERIOD_DAYS)
    })
}

/// Whether a text could be a common word worth probing the index for (SQLite, a long
/// period, a word of a trigram or more without LIKE metacharacters).
fn may_be_common(backend: Backend, f: &HistoryFilter) -> bool {
    f.text.as_deref().is_some_and(|text| {
        backend == Backend::Sqlite
            && !short_period(f)
            && text.chars().count() >= 3
            && !text.contains(['%', '_', '\\'])
    })
}

/// How a filter's text is searched — the rule, on what is known before any query:
/// PostgreSQL over a long period asks its `pg_trgm` index; within a short period (or for
/// a word shorter than a trigram, or a common word — see [`Engine::is_common_text`])
/// reading the candidate chats' own messages beats listing every match in the whole
/// history; LIKE metacharacters cannot be escaped inside the trigram index, so they scan;
/// everything else goes through SQLite's trigram index.
fn text_search(backend: Backend, f: &HistoryFilter, common_text: bool) -> TextSearch {
    let Some(text) = &f.text else {
        return TextSearch::None;
    };
    let short = short_period(f);
    if backend == Backend::Postgres && !short {
        TextSearch::Ilike
    } else if short || common_text || text.chars().count() < 3 {
        TextSearch::EachChat
    } else if text.contains(['%', '_', '\\']) {
        TextSearch::AllMessages
    } else {
        TextSearch::Trigram
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
        let search = self.search(caller, filter, common_text);
        store::history::page(self.db.ex(), self.db.backend(), &search, limit).await
    }

    /// Every chat the filter matches (the export's total).
    async fn history_count(&self, caller: &Caller, filter: &HistoryFilter) -> Result<i64> {
        let common_text = self.is_common_text(filter).await?;
        let search = self.search(caller, filter, common_text);
        store::history::count(self.db.ex(), self.db.backend(), &search, None).await
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
        let search = self.search(caller, filter, common_text);
        let n =
            store::history::count(self.db.ex(), self.db.backend(), &search, Some(cap + 1)).await?;
        Ok(if n > cap { (cap, true) } else { (n, false) })
    }

    /// The caller's scope (tenant first; an agent limited to their own chats) and the
    /// filter with its text strategy.
    fn search<'a>(
        &self,
        caller: &Caller,
        filter: &'a HistoryFilter,
        common_text: bool,
    ) -> Search<'a> {
        Search {
            service: caller.service_id(),
            only_agent: (!caller.sees_all_chats()).then(|| caller.agent_id()),
            filter,
            text: text_search(self.db.backend(), filter, common_text),
        }
    }

    /// Whether a text filter over more than a short period is a common word: SQLite's
    /// trigram index lists at least [`COMMON_TEXT_MATCHES`] messages for it. Listing
    /// every match to sort them by time is what made such a search slow (1.4 s at a
    /// million chats); for a common word the newest chats are read instead.
    async fn is_common_text(&self, filter: &HistoryFilter) -> Result<bool> {
        let Some(text) = filter
            .text
            .as_deref()
            .filter(|_| may_be_common(self.db.backend(), filter))
        else {
            return Ok(false);
        };
        let matches =
            store::history::trigram_matches(self.db.ex(), text, COMMON_TEXT_MATCHES).await?;
        Ok(matches >= COMMON_TEXT_MATCHES)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, FixedOffset, Utc};
    use shared::HistoryFilter;

    use super::{Backend, TextSearch, text_search};

    fn filter(text: &str, days: Option<i64>) -> HistoryFilter {
        HistoryFilter {
            from: days.map(|d| Utc::now() - Duration::days(d)),
            to: None,
            tz: FixedOffset::east_opt(9 * 3600).unwrap(),
            handled: None,
            agent: None,
            category: None,
            channel: None,
            customer: None,
            text: (!text.is_empty()).then(|| text.to_owned()),
            after: None,
            limit: 50,
            lang: "ko",
        }
    }

    #[test]
    fn each_text_takes_its_strategy() {
        let s = Backend::Sqlite;
        assert_eq!(text_search(s, &filter("", None), false), TextSearch::None);
        assert_eq!(
            text_search(s, &filter("환불받고", None), false),
            TextSearch::Trigram
        );
        assert_eq!(
            text_search(s, &filter("환불받고", None), true),
            TextSearch::EachChat
        );
        assert_eq!(
            text_search(s, &filter("환불", None), false),
            TextSearch::EachChat
        );
        assert_eq!(
            text_search(s, &filter("환불받고", Some(7)), false),
            TextSearch::EachChat
        );
        assert_eq!(
            text_search(s, &filter("50%off", None), false),
            TextSearch::AllMessages
        );
        let p = Backend::Postgres;
        assert_eq!(
            text_search(p, &filter("환불", None), false),
            TextSearch::Ilike
        );
        assert_eq!(
            text_search(p, &filter("환불받고", Some(7)), false),
            TextSearch::EachChat
        );
    }
}

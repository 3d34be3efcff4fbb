//! Chat history (채팅 기록, C-HIS-1..4): the query parameters of
//! `GET /api/v1/chats` and `…/export.xlsx`, the rules that turn them into a filter, the
//! rows and pages it answers, and the export job's progress.
//!
//! Decisions (also in the README):
//! - `from` / `to` take an RFC 3339 instant or a bare date `YYYY-MM-DD`. A date means
//!   that whole day in the offset `tz` (`+09:00` when absent — Korea, our first users);
//!   `to` as a date includes that day. Without `from` / `to` the period is unbounded:
//!   the console pre-fills the last 7 days, the API does not guess.
//! - `q` searches message text (substring, Korean included, case-insensitive for Latin
//!   letters) over the whole history; masked runs are stars in the store and so are never
//!   found.
//! - `page` is the opaque cursor from the previous page's `next_page` (keyset, newest
//!   first): pages never skip or repeat a chat when new chats arrive meanwhile.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::chat::{ChatAgent, ChatStatus};
use crate::ids::{AgentId, CategoryId, ChatId};
use crate::validate::{Invalid, invalid};

/// Page size when `limit` is absent.
pub const DEFAULT_PAGE_SIZE: i64 = 50;
/// Largest page the API hands out.
pub const MAX_PAGE_SIZE: i64 = 200;
/// Longest text search, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Excel's limit on the characters of one cell; transcripts are cut there.
pub const XLSX_CELL_MAX_CHARS: usize = 32_767;
/// The offset bare dates are read in when the request names none (Korea).
pub const DEFAULT_TZ: &str = "+09:00";

/// The query string of `GET /api/v1/chats` and the export, as received (all optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct HistoryQuery {
    /// Start of the period: RFC 3339 instant or `YYYY-MM-DD` (inclusive).
    #[serde(default)]
    pub from: Option<String>,
    /// End of the period: RFC 3339 instant (exclusive) or `YYYY-MM-DD` (that day included).
    #[serde(default)]
    pub to: Option<String>,
    /// Offset for bare dates, `+09:00` by default.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::offset_param))]
    pub tz: Option<String>,
    /// `handled` (처리) or `unhandled` (미처리).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = schemas::handled_param))]
    pub status: Option<String>,
    /// Agent id: chats assigned to that agent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::id_param))]
    pub agent: Option<String>,
    /// Handling type id at any level: that category and everything below it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::id_param))]
    pub category: Option<String>,
    /// `helpcenter` (our help center) or `widget` (sites embedding the widget).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = schemas::channel_param))]
    pub channel: Option<String>,
    /// Part of the customer's name or email.
    #[serde(default)]
    pub customer: Option<String>,
    /// Text that occurs in a message of the chat.
    #[serde(default)]
    pub q: Option<String>,
    /// The cursor from the previous page's `next_page`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::id_param))]
    pub page: Option<String>,
    /// Page size, 1–200 (50).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = schemas::limit_param))]
    pub limit: Option<String>,
    /// Language of the export's headers and labels: `ko` (default) or `en`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::settings::schemas::language_param))]
    pub lang: Option<String>,
}

/// The validated filter.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryFilter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// The offset dates were read in; exports write times in it too.
    pub tz: FixedOffset,
    /// `Some(true)`: only handled; `Some(false)`: only unhandled.
    pub handled: Option<bool>,
    pub agent: Option<AgentId>,
    pub category: Option<CategoryId>,
    /// The channel's kind ([`parse_channel`]).
    pub channel: Option<&'static str>,
    /// Lower-cased part of a customer's name or email.
    pub customer: Option<String>,
    /// The message text to find.
    pub text: Option<String>,
    /// Only chats older than this one (newest-first keyset cursor).
    pub after: Option<ChatId>,
    pub limit: i64,
    /// `ko` or `en`.
    pub lang: &'static str,
}

pub(crate) fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Reads `+09:00`, `-05:30`, `Z` or `UTC`.
pub fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// A period bound: an instant as given, or midnight of the date in `tz` (`end_of_day`
/// moves a date to the following midnight, so the named day is included).
fn parse_bound(
    field: &'static str,
    raw: &str,
    tz: FixedOffset,
    end_of_day: bool,
) -> Result<DateTime<Utc>, Invalid> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        invalid(
            field,
            "must be a date (YYYY-MM-DD) or an RFC 3339 time (2026-11-24T09:00:00+09:00)",
        )
    })?;
    let date = if end_of_day {
        date.succ_opt()
            .ok_or_else(|| invalid(field, "date out of range"))?
    } else {
        date
    };
    let midnight = date
        .and_hms_opt(0, 0, 0)
        .ok_or_else(|| invalid(field, "date out of range"))?;
    tz.from_local_datetime(&midnight)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| invalid(field, "date out of range"))
}

pub(crate) fn parse_id(field: &'static str, raw: Option<&str>) -> Result<Option<i64>, Invalid> {
    raw.map(|s| {
        s.parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid(field, "must be an id (a positive whole number)"))
    })
    .transpose()
}

/// A channel filter: `helpcenter` (our help center) or `widget` (every site that
/// embeds the widget); the same words in history and reports.
pub(crate) fn parse_channel(raw: Option<&str>) -> Result<Option<&'static str>, Invalid> {
    match raw {
        None => Ok(None),
        Some("helpcenter") => Ok(Some("helpcenter")),
        Some("widget") => Ok(Some("widget")),
        Some(_) => Err(invalid("channel", "must be helpcenter or widget")),
    }
}

impl HistoryQuery {
    /// Checks every parameter and builds the filter; the first broken one is named.
    pub fn filter(&self) -> Result<HistoryFilter, Invalid> {
        let tz = match present(&self.tz) {
            None => parse_offset(DEFAULT_TZ).expect("default offset"),
            Some(s) => parse_offset(s)
                .ok_or_else(|| invalid("tz", "must be an offset such as +09:00 or Z"))?,
        };
        let from = present(&self.from)
            .map(|s| parse_bound("from", s, tz, false))
            .transpose()?;
        let to = present(&self.to)
            .map(|s| parse_bound("to", s, tz, true))
            .transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && f >= t
        {
            return Err(invalid("to", "the period must end after it starts"));
        }
        let handled = match present(&self.status) {
            None => None,
            Some("handled") => Some(true),
            Some("unhandled") => Some(false),
            Some(_) => return Err(invalid("status", "must be `handled` or `unhandled`")),
        };
        let text = present(&self.q).map(str::to_owned);
        if text
            .as_ref()
            .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
        {
            return Err(invalid(
                "q",
                format!("at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let customer = present(&self.customer).map(str::to_lowercase);
        if customer
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_QUERY_CHARS)
        {
            return Err(invalid(
                "customer",
                format!("at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let limit = match present(&self.limit) {
            None => DEFAULT_PAGE_SIZE,
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
                .ok_or_else(|| invalid("limit", format!("must be 1 to {MAX_PAGE_SIZE}")))?,
        };
        let lang = match present(&self.lang) {
            None | Some("ko") => "ko",
            Some("en") => "en",
            Some(_) => return Err(invalid("lang", "must be `ko` or `en`")),
        };
        Ok(HistoryFilter {
            from,
            to,
            tz,
            handled,
            agent: parse_id("agent", present(&self.agent))?.map(AgentId),
            category: parse_id("category", present(&self.category))?.map(CategoryId),
            channel: parse_channel(present(&self.channel))?,
            customer,
            text,
            after: parse_id("page", present(&self.page))?.map(ChatId),
            limit,
            lang,
        })
    }
}

/// One line of the history table (C-HIS-1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryRow {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ChatId,
    pub created_at: DateTime<Utc>,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub agent: Option<ChatAgent>,
    /// `helpcenter` or the embedding page's URL.
    pub channel: String,
    /// Handling type, root first.
    pub category_path: Vec<String>,
    pub status: ChatStatus,
    /// C-HIS-2: 처리 (true) / 미처리 (false).
    pub handled: bool,
    pub rating: Option<i64>,
    /// From start to the end (the agent's, or the customer's when only they ended).
    pub duration_secs: Option<i64>,
    /// From start to the agent's first reply.
    pub first_response_secs: Option<i64>,
    pub message_count: i64,
}

/// `GET /api/v1/chats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryPage {
    pub chats: Vec<HistoryRow>,
    /// Pass as `page` for the next (older) page; absent on the last page.
    pub next_page: Option<String>,
    /// How many chats match the filter in all pages — exactly, unless `total_capped`.
    pub total: i64,
    /// `total` is a lower bound: at least that many match (counting stops at 10,000,
    /// or 1,000 for a text search, so a page over a large history stays fast).
    #[serde(default)]
    pub total_capped: bool,
    /// For the console: whether masking is offered (the security service, C-PII-1).
    #[serde(default)]
    pub security_service: bool,
    /// For the console's agent filter: the agents whose chats the caller may see.
    #[serde(default)]
    pub agents: Vec<ChatAgent>,
}

/// Where an export job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportState {
    Running,
    Done,
    Failed,
}

/// `POST /api/v1/chats/exports` and `GET /api/v1/chats/exports/{id}`: an export's
/// progress, so the console can show a bar for large exports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportProgress {
    pub id: String,
    pub state: ExportState,
    /// Chats written so far.
    pub written: i64,
    /// Chats matching the filter when the export started.
    pub total: i64,
    /// `chat-history-YYYYMMDD-HHMM.xlsx`.
    pub file_name: String,
    /// Why it failed.
    #[serde(default)]
    pub error: Option<String>,
}

/// The export's file name for a moment in the export's offset.
pub fn export_file_name(now: DateTime<Utc>, tz: FixedOffset) -> String {
    format!(
        "chat-history-{}.xlsx",
        now.with_timezone(&tz).format("%Y%m%d-%H%M")
    )
}

/// Seconds between two moments, when both are known (never negative).
pub fn span_secs(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Option<i64> {
    end.map(|e| (e - start).num_seconds().max(0))
}

/// `1:05:09`, `4:07` — how the console and the export show durations.
pub fn format_duration(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Cuts a text to at most `max` characters, ending in `…` when cut.
pub fn cap_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The default period of the console: the 7 days ending today (in `tz`), as dates.
pub fn last_week(now: DateTime<Utc>, tz: FixedOffset) -> (NaiveDate, NaiveDate) {
    let today = now.with_timezone(&tz).date_naive();
    (today - Duration::days(6), today)
}

/// The request schemas of the history's query words (issue 30).
#[cfg(feature = "openapi")]
pub(crate) mod schemas {
    use crate::schema::{query_word, string, whitespace};
    use utoipa::openapi::Object;

    /// `status`: `handled` or `unhandled`.
    pub fn handled_param() -> Object {
        query_word(&["handled", "unhandled"])
    }

    /// `channel`: `helpcenter` or `widget` ([`super::parse_channel`]).
    pub fn channel_param() -> Object {
        query_word(&["helpcenter", "widget"])
    }

    /// A page size: 1 to [`super::MAX_PAGE_SIZE`] (200), or blank.
    pub fn limit_param() -> Object {
        let ws = whitespace();
        string(false)
            .pattern(Some(format!(
                "^[{ws}]*(0*([1-9][0-9]?|1[0-9][0-9]|200))?[{ws}]*$"
            )))
            .build()
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::schemas::{channel_param, handled_param, limit_param};
    use crate::schema::check::{corpus, pattern};
    use crate::schema::{id_param, offset_param};
    use crate::settings::schemas::language_param;

    #[test]
    fn query_words_and_ids_as_the_filters_read_them() {
        let history = |field: &str, v: &str| super::tests::q(&[(field, v)]).filter().is_ok();
        for (field, schema) in [
            ("limit", limit_param()),
            ("agent", id_param()),
            ("page", id_param()),
            ("tz", offset_param()),
            ("status", handled_param()),
            ("channel", channel_param()),
            ("lang", language_param()),
        ] {
            let re = pattern(schema);
            let mut words: Vec<String> = corpus();
            words.extend(
                [
                    "1",
                    "50",
                    "200",
                    "201",
                    "0",
                    "007",
                    "+5",
                    "-3",
                    "9223372036854775807",
                    "+09:00",
                    "-05:30",
                    "Z",
                    "utc",
                    "+14",
                    "+15",
                    "+9:60",
                    " 7 ",
                    "handled",
                    "unhandled",
                    "widget",
                    "helpcenter",
                    "ko",
                    " en ",
                    "fr",
                ]
                .map(String::from),
            );
            for w in words {
                // the schema may be stricter than the filter (a 19-digit id, `+5`),
                // never looser: what it accepts, the filter accepts
                if re.is_match(&w) {
                    assert!(history(field, &w), "{field}={w:?}");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn q(pairs: &[(&str, &str)]) -> HistoryQuery {
        let mut h = HistoryQuery::default();
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                "from" => h.from = v,
                "to" => h.to = v,
                "tz" => h.tz = v,
                "status" => h.status = v,
                "agent" => h.agent = v,
                "category" => h.category = v,
                "channel" => h.channel = v,
                "customer" => h.customer = v,
                "q" => h.q = v,
                "page" => h.page = v,
                "limit" => h.limit = v,
                "lang" => h.lang = v,
                _ => unreachable!(),
            }
        }
        h
    }

    #[test]
    fn empty_query_is_unbounded_with_defaults() {
        let f = q(&[]).filter().unwrap();
        assert_eq!((f.from, f.to, f.handled, f.limit), (None, None, None, 50));
        assert_eq!(f.tz, FixedOffset::east_opt(9 * 3600).unwrap());
        assert_eq!(f.lang, "ko");
    }

    #[test]
    fn dates_are_whole_days_in_the_offset() {
        let f = q(&[("from", "2026-11-01"), ("to", "2026-11-02")])
            .filter()
            .unwrap();
        // KST midnight is 15:00 UTC the day before
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-10-31T15:00:00+00:00");
        // `to` includes the whole of Nov 2 (KST)
        assert_eq!(f.to.unwrap().to_rfc3339(), "2026-11-02T15:00:00+00:00");
        let utc = q(&[("from", "2026-11-01"), ("tz", "Z")]).filter().unwrap();
        assert_eq!(utc.from.unwrap().to_rfc3339(), "2026-11-01T00:00:00+00:00");
        let inst = q(&[("to", "2026-11-01T12:00:00+09:00")]).filter().unwrap();
        assert_eq!(inst.to.unwrap().to_rfc3339(), "2026-11-01T03:00:00+00:00");
    }

    #[test]
    fn bad_parameters_name_their_field() {
        for (pairs, field) in [
            (vec![("from", "yesterday")], "from"),
            (vec![("to", "2026-13-01")], "to"),
            (vec![("from", "2026-11-05"), ("to", "2026-11-01")], "to"),
            (vec![("tz", "KST")], "tz"),
            (vec![("status", "done")], "status"),
            (vec![("agent", "x")], "agent"),
            (vec![("category", "-3")], "category"),
            (vec![("page", "0")], "page"),
            (vec![("limit", "0")], "limit"),
            (vec![("limit", "201")], "limit"),
            (vec![("lang", "jp")], "lang"),
        ] {
            assert_eq!(q(&pairs).filter().unwrap_err().field, field, "{pairs:?}");
        }
        let long = "가".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(q(&[("q", &long)]).filter().unwrap_err().field, "q");
    }

    #[test]
    fn values_are_trimmed_and_read() {
        let f = q(&[
            ("status", "unhandled"),
            ("agent", "7"),
            ("category", "3"),
            ("customer", "  Kim@Example.COM "),
            ("q", " 환불 "),
            ("page", "42"),
            ("limit", "10"),
            ("lang", "en"),
        ])
        .filter()
        .unwrap();
        assert_eq!(f.handled, Some(false));
        assert_eq!(f.agent, Some(AgentId(7)));
        assert_eq!(f.category, Some(CategoryId(3)));
        assert_eq!(f.customer.as_deref(), Some("kim@example.com"));
        assert_eq!(f.text.as_deref(), Some("환불"));
        assert_eq!(f.after, Some(ChatId(42)));
        assert_eq!((f.limit, f.lang), (10, "en"));
        assert_eq!(
            q(&[("status", "handled")]).filter().unwrap().handled,
            Some(true)
        );
        assert_eq!(q(&[("q", "   ")]).filter().unwrap().text, None);
    }

    #[test]
    fn offsets() {
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert_eq!(parse_offset("+9").unwrap().local_minus_utc(), 9 * 3600);
        assert_eq!(parse_offset("UTC").unwrap().local_minus_utc(), 0);
        assert!(parse_offset("+15:00").is_none());
        assert!(parse_offset("09:00").is_none());
    }

    #[test]
    fn file_name_durations_and_caps() {
        let now = DateTime::parse_from_rfc3339("2026-11-24T16:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let kst = parse_offset("+09:00").unwrap();
        assert_eq!(
            export_file_name(now, kst),
            "chat-history-20261125-0105.xlsx"
        );
        assert_eq!(format_duration(0), "0:00");
        assert_eq!(format_duration(247), "4:07");
        assert_eq!(format_duration(3909), "1:05:09");
        assert_eq!(span_secs(now, None), None);
        assert_eq!(span_secs(now, Some(now + Duration::seconds(90))), Some(90));
        assert_eq!(span_secs(now, Some(now - Duration::seconds(5))), Some(0));
        assert_eq!(cap_chars("가나다", 3), "가나다");
        let capped = cap_chars(&"가".repeat(40_000), XLSX_CELL_MAX_CHARS);
        assert_eq!(capped.chars().count(), XLSX_CELL_MAX_CHARS);
        assert!(capped.ends_with('…'));
        let (a, b) = last_week(now, kst);
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2026-11-19".into(), "2026-11-25".into())
        );
    }
}

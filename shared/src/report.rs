//! Reports (통계, issue 20, C-RP-1): the query of `GET /api/v1/reports` with its rules,
//! and the answer's shape. The definitions of the figures are the engine's
//! (`engine/src/reports/rules.rs`) and the README's *Reports*.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, invalid};

/// The longest period a report covers (two years, a leap day included).
pub const MAX_REPORT_DAYS: i64 = 731;

/// `GET /api/v1/reports?…` (every field optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ReportQuery {
    /// `today`, `7d` or `30d` (ending today, in the service's time zone); checked but
    /// unused when `from` is given. Blank or absent: `7d`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = schemas::period_param))]
    pub period: Option<String>,
    /// First day, `YYYY-MM-DD` (the service's time zone).
    #[serde(default)]
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD` (default: `from`).
    #[serde(default)]
    pub to: Option<String>,
    /// Agent id: that agent's chats.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::id_param))]
    pub agent: Option<String>,
    /// Handling type id at any level: that type and everything below it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::schema::id_param))]
    pub category: Option<String>,
    /// `helpcenter` or `widget`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::history::schemas::channel_param))]
    pub channel: Option<String>,
    /// The export's language (`ko`, default, or `en`); the JSON answer ignores it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(schema_with = crate::settings::schemas::language_param))]
    pub lang: Option<String>,
}

/// A report query, read: the days and the filters (ids still to be found in the
/// service).
#[derive(Clone, Debug, PartialEq)]
pub struct ReportFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub agent: Option<i64>,
    pub category: Option<i64>,
    pub channel: Option<&'static str>,
    /// `ko` or `en`.
    pub lang: &'static str,
}

impl ReportQuery {
    /// The query's rules, given the service's today; 422 with the parameter named.
    pub fn validate(&self, today: NaiveDate) -> Result<ReportFilter, Invalid> {
        use crate::history::{parse_channel, parse_id, present};
        let (from, to) = report_days(self, today)?;
        let channel = parse_channel(present(&self.channel))?;
        Ok(ReportFilter {
            from,
            to,
            agent: parse_id("agent", present(&self.agent))?,
            category: parse_id("category", present(&self.category))?,
            channel,
            lang: match present(&self.lang) {
                None | Some("ko") => "ko",
                Some("en") => "en",
                Some(_) => return Err(invalid("lang", "must be ko or en")),
            },
        })
    }
}

/// The days a query covers, given the service's today.
pub fn report_days(q: &ReportQuery, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Invalid> {
    let day = |field: &'static str, s: &str| {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| invalid(field, "must be a date as YYYY-MM-DD"))
    };
    // checked even when `from` makes it unused: a wrong word is never silently ignored
    let back = match crate::history::present(&q.period).unwrap_or("7d") {
        "today" => 0,
        "7d" => 6,
        "30d" => 29,
        _ => return Err(invalid("period", "must be today, 7d or 30d")),
    };
    let (from, to) = match crate::history::present(&q.from) {
        Some(f) => {
            let from = day("from", f)?;
            let to = match crate::history::present(&q.to) {
                Some(t) => day("to", t)?,
                None => from,
            };
            (from, to)
        }
        None => (today - chrono::Duration::days(back), today),
    };
    if to < from {
        return Err(invalid("to", "must not be before from"));
    }
    if (to - from).num_days() + 1 > MAX_REPORT_DAYS {
        return Err(invalid(
            "from",
            "a report covers at most two years (731 days)",
        ));
    }
    Ok((from, to))
}

/// A duration figure: how many chats have it, their mean and p50/p90 (seconds;
/// percentiles exact to their histogram bucket).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Durations {
    pub count: i64,
    pub mean_secs: Option<i64>,
    pub p50_secs: Option<i64>,
    pub p90_secs: Option<i64>,
}

/// Satisfaction: ratings given, their mean, how many of each score (1–5), and the
/// share of ended chats that were rated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Csat {
    pub count: i64,
    pub average: Option<f64>,
    pub distribution: [i64; 5],
    pub response_rate: Option<f64>,
}

/// The figures of a set of chats.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    /// Chats started.
    pub started: i64,
    /// Of them, still open (neither handled nor unhandled yet).
    pub open: i64,
    pub handled: i64,
    /// 미처리 = 포기 (C-HIS-2).
    pub unhandled: i64,
    /// Ended without ever being assigned (left the queue).
    pub abandoned_in_queue: i64,
    pub transfers: i64,
    pub reroutes: i64,
    /// Start → first assignment.
    pub wait_to_assignment: Durations,
    /// Start → first open by an agent.
    pub wait_to_open: Durations,
    /// Customer's first message (else start) → first agent reply; handled chats.
    pub first_response: Durations,
    /// Start → end; ended chats.
    pub handling: Durations,
    pub csat: Csat,
}

/// One day of a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayFigures {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub figures: Figures,
}

/// One agent's row of the per-agent table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentFigures {
    pub agent_id: String,
    pub name: String,
    pub figures: Figures,
    /// Seconds online and on a break within the period (from the status log, kept
    /// since issue 20).
    pub online_secs: i64,
    pub break_secs: i64,
}

/// One handling type's count (top types), with its path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryFigures {
    /// `null`: chats without a handling type.
    pub category_id: Option<String>,
    /// Names from the top level down (empty: no handling type).
    pub path: Vec<String>,
    /// The ids of `path`, level by level (for a drill-down by level).
    #[serde(default)]
    pub path_ids: Vec<String>,
    pub started: i64,
    pub handled: i64,
    #[serde(default)]
    pub unhandled: i64,
}

/// `GET /api/v1/reports`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub from: String,
    pub to: String,
    pub time_zone: String,
    /// The zone's offset at the end of the period (`+09:00`), for a link to history
    /// with the same days.
    #[serde(default)]
    pub utc_offset: String,
    pub totals: Figures,
    /// Every day of the period, in order (empty days included).
    pub days: Vec<DayFigures>,
    pub agents: Vec<AgentFigures>,
    pub categories: Vec<CategoryFigures>,
    /// Chat starts per weekday (Monday first) × hour (0–23).
    pub heatmap: Vec<Vec<i64>>,
    /// 1:1 inquiries left (absent agents, outside hours) in the period.
    pub inquiries: i64,
}

/// The request schema of `period` (issue 30).
#[cfg(feature = "openapi")]
mod schemas {
    /// `today`, `7d` or `30d`, or blank ([`super::report_days`]).
    pub fn period_param() -> utoipa::openapi::Object {
        crate::schema::query_word(&["today", "7d", "30d"])
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::schemas::period_param;
    use crate::schema::check::agrees;

    #[test]
    fn periods_as_the_rule_reads_them() {
        let report = |period: &str| {
            let q = crate::ReportQuery {
                period: Some(period.into()),
                ..Default::default()
            };
            let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date");
            crate::report::report_days(&q, today).is_ok()
        };
        agrees(period_param(), report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(period: Option<&str>, from: Option<&str>, to: Option<&str>) -> ReportQuery {
        ReportQuery {
            period: period.map(Into::into),
            from: from.map(Into::into),
            to: to.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn periods_and_ranges() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            report_days(&q(None, None, None), today).unwrap(),
            (d("2026-11-24"), today)
        );
        assert_eq!(
            report_days(&q(Some("today"), None, None), today).unwrap(),
            (today, today)
        );
        assert_eq!(
            report_days(&q(Some("30d"), None, None), today).unwrap().0,
            d("2026-11-01")
        );
        assert_eq!(
            report_days(&q(None, Some("2026-01-01"), Some("2026-01-31")), today).unwrap(),
            (d("2026-01-01"), d("2026-01-31"))
        );
        assert_eq!(
            report_days(&q(None, Some("2026-01-05"), None), today)
                .unwrap()
                .1,
            d("2026-01-05")
        );
        assert_eq!(
            report_days(&q(Some("1y"), None, None), today)
                .unwrap_err()
                .field,
            "period"
        );
        assert_eq!(
            report_days(&q(None, Some("05/01/2026"), None), today)
                .unwrap_err()
                .field,
            "from"
        );
        assert_eq!(
            report_days(&q(None, Some("2026-02-01"), Some("2026-01-01")), today)
                .unwrap_err()
                .field,
            "to"
        );
        assert_eq!(
            report_days(&q(None, Some("2024-01-01"), Some("2026-01-01")), today)
                .unwrap_err()
                .field,
            "from"
        );
        assert!(report_days(&q(None, Some("2024-01-01"), Some("2025-12-31")), today).is_ok());
        // issue 30: blank is the default, and a wrong word is refused even beside `from`
        assert_eq!(
            report_days(&q(Some(" "), None, None), today).unwrap(),
            (d("2026-11-24"), today)
        );
        assert_eq!(
            report_days(&q(Some("1y"), Some("2026-01-01"), None), today)
                .unwrap_err()
                .field,
            "period"
        );
    }
}

//! Routing settings of a service (issue 18): how many chats an agent holds at once,
//! when an unanswered chat moves on, how long a waiting chat is kept for the customer's
//! recent agent, and the business hours. Validation is here so the admin screen and
//! the server refuse the same values; the time-zone arithmetic is the engine's.

use chrono::{Datelike, NaiveDate, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, invalid};

/// The capacity a new service starts with.
pub const DEFAULT_CAPACITY: i64 = 3;
/// Capacities an admin may set, for the service or one agent.
pub const CAPACITY_RANGE: std::ops::RangeInclusive<i64> = 1..=50;
/// Re-routing times an admin may set (seconds), when re-routing is on.
pub const REROUTE_RANGE: std::ops::RangeInclusive<i64> = 30..=3600;
/// Recent-agent hold times an admin may set (seconds; 0 = no hold).
pub const HOLD_RANGE: std::ops::RangeInclusive<i64> = 0..=1800;
/// Holidays a service may list.
pub const MAX_HOLIDAYS: usize = 366;
/// Open ranges per weekday.
pub const MAX_SPANS_PER_DAY: usize = 6;

/// How chats are spread over agents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Routing {
    /// The most chats an agent holds at once (active and customer-ended count), unless
    /// the agent has their own cap; 1–50.
    pub agent_capacity: i64,
    /// Seconds after which a chat its agent has not answered moves to the next free
    /// agent (or back to the queue's head); `None` = off (the default); 30–3600.
    #[serde(default)]
    pub reroute_after_secs: Option<i64>,
    /// Seconds a waiting chat is kept for the customer's recent agent while that agent
    /// is full (with "prefer the recent agent" on); 0–1800.
    #[serde(default = "default_hold")]
    pub recent_agent_hold_secs: i64,
}

fn default_hold() -> i64 {
    120
}

impl Default for Routing {
    fn default() -> Routing {
        Routing {
            agent_capacity: DEFAULT_CAPACITY,
            reroute_after_secs: None,
            recent_agent_hold_secs: default_hold(),
        }
    }
}

impl Routing {
    pub fn validate(&self) -> Result<(), Invalid> {
        capacity("routing.agent_capacity", self.agent_capacity)?;
        if let Some(s) = self.reroute_after_secs
            && !REROUTE_RANGE.contains(&s)
        {
            return Err(invalid(
                "routing.reroute_after_secs",
                "must be 30 to 3600 seconds, or null for off",
            ));
        }
        if !HOLD_RANGE.contains(&self.recent_agent_hold_secs) {
            return Err(invalid(
                "routing.recent_agent_hold_secs",
                "must be 0 to 1800 seconds",
            ));
        }
        Ok(())
    }
}

/// A capacity (service default or one agent's): 1–50.
pub fn capacity(field: &'static str, cap: i64) -> Result<(), Invalid> {
    if CAPACITY_RANGE.contains(&cap) {
        Ok(())
    } else {
        Err(invalid(field, "must be 1 to 50 chats"))
    }
}

/// An open range of a day, `HH:MM` to `HH:MM` in the service's time zone (`24:00`
/// ends at midnight).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    pub start: String,
    pub end: String,
}

impl Span {
    pub fn new(start: &str, end: &str) -> Span {
        Span {
            start: start.into(),
            end: end.into(),
        }
    }

    /// Start and end as minutes since midnight (`None` when either is not a time).
    pub fn minutes(&self) -> Option<(u32, u32)> {
        Some((minute_of_day(&self.start)?, minute_of_day(&self.end)?))
    }
}

/// `HH:MM` (00:00–24:00) as minutes since midnight.
pub fn minute_of_day(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// The open ranges of each weekday; an empty day is closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Week {
    #[serde(default)]
    pub mon: Vec<Span>,
    #[serde(default)]
    pub tue: Vec<Span>,
    #[serde(default)]
    pub wed: Vec<Span>,
    #[serde(default)]
    pub thu: Vec<Span>,
    #[serde(default)]
    pub fri: Vec<Span>,
    #[serde(default)]
    pub sat: Vec<Span>,
    #[serde(default)]
    pub sun: Vec<Span>,
}

impl Week {
    /// Monday to Friday, the same ranges; the weekend closed.
    pub fn weekdays(spans: &[Span]) -> Week {
        Week {
            mon: spans.to_vec(),
            tue: spans.to_vec(),
            wed: spans.to_vec(),
            thu: spans.to_vec(),
            fri: spans.to_vec(),
            ..Week::default()
        }
    }

    pub fn day(&self, day: Weekday) -> &[Span] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    fn days_mut(&mut self) -> [(&'static str, &mut Vec<Span>); 7] {
        [
            ("hours.weekly.mon", &mut self.mon),
            ("hours.weekly.tue", &mut self.tue),
            ("hours.weekly.wed", &mut self.wed),
            ("hours.weekly.thu", &mut self.thu),
            ("hours.weekly.fri", &mut self.fri),
            ("hours.weekly.sat", &mut self.sat),
            ("hours.weekly.sun", &mut self.sun),
        ]
    }
}

/// A service's business hours. Off by default: chat then follows only whether agents
/// are online, as before issue 18.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessHours {
    pub enabled: bool,
    /// IANA name, e.g. `Asia/Seoul` (the default) or `Europe/Berlin`.
    pub time_zone: String,
    #[serde(default)]
    pub weekly: Week,
    /// Closed all day, in the service's time zone (`YYYY-MM-DD`).
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// Online agents still take chats outside the hours.
    #[serde(default)]
    pub chat_outside_hours: bool,
}

impl Default for BusinessHours {
    fn default() -> BusinessHours {
        BusinessHours {
            enabled: false,
            time_zone: "Asia/Seoul".into(),
            weekly: Week::weekdays(&[Span::new("09:00", "18:00")]),
            holidays: Vec::new(),
            chat_outside_hours: false,
        }
    }
}

impl BusinessHours {
    /// Checks every range (a time, the end after the start, no overlap within a day,
    /// at most [`MAX_SPANS_PER_DAY`]) and returns the hours in normal form: each day's
    /// ranges by start, holidays sorted without repeats. The time zone's name is
    /// checked by the engine (the zone database lives there).
    pub fn normalized(&self) -> Result<BusinessHours, Invalid> {
        let mut next = self.clone();
        if next.time_zone.trim().is_empty() || next.time_zone.len() > 64 {
            return Err(invalid("hours.time_zone", "must be an IANA time zone name"));
        }
        for (field, spans) in next.weekly.days_mut() {
            if spans.len() > MAX_SPANS_PER_DAY {
                return Err(invalid(field, "at most 6 ranges a day"));
            }
            let mut mins = Vec::with_capacity(spans.len());
            for span in spans.iter() {
                let (start, end) = span.minutes().ok_or_else(|| {
                    invalid(
                        field,
                        format!("`{}`–`{}` is not HH:MM–HH:MM", span.start, span.end),
                    )
                })?;
                if end <= start {
                    return Err(invalid(
                        field,
                        format!(
                            "the range ends ({}) before it starts ({})",
                            span.end, span.start
                        ),
                    ));
                }
                mins.push((start, end));
            }
            let mut order: Vec<usize> = (0..spans.len()).collect();
            order.sort_by_key(|&i| mins[i]);
            for pair in order.windows(2) {
                let (a, b) = (&spans[pair[0]], &spans[pair[1]]);
                if mins[pair[1]].0 < mins[pair[0]].1 {
                    return Err(invalid(
                        field,
                        format!("{}–{} overlaps {}–{}", a.start, a.end, b.start, b.end),
                    ));
                }
            }
            *spans = order.into_iter().map(|i| spans[i].clone()).collect();
        }
        next.holidays.sort_unstable();
        next.holidays.dedup();
        if next.holidays.len() > MAX_HOLIDAYS {
            return Err(invalid("hours.holidays", "at most 366 holidays"));
        }
        Ok(next)
    }

    /// Whether the hours are open at a local date and time of the service's zone.
    pub fn open_at_local(&self, local: chrono::NaiveDateTime) -> bool {
        if !self.enabled {
            return true;
        }
        let date = local.date();
        if self.holidays.binary_search(&date).is_ok() {
            return false;
        }
        let minute = local.time().num_seconds_from_midnight() / 60;
        self.weekly
            .day(date.weekday())
            .iter()
            .filter_map(Span::minutes)
            .any(|(start, end)| start <= minute && minute < end)
    }
}

/// A day's ranges as an admin types them: `09:00-12:00, 13:00-18:00` (an en dash works
/// too; empty = closed). The times are checked by [`BusinessHours::normalized`].
pub fn parse_spans(text: &str) -> Vec<Span> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(['-', '–', '~']) {
            Some((a, b)) => Span::new(a.trim(), b.trim()),
            None => Span::new(p, ""),
        })
        .collect()
}

/// A day's ranges as [`parse_spans`] reads them.
pub fn spans_text(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| format!("{}-{}", s.start, s.end))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn on() -> BusinessHours {
        BusinessHours {
            enabled: true,
            ..BusinessHours::default()
        }
    }

    #[test]
    fn times_are_hh_mm_up_to_midnight() {
        assert_eq!(minute_of_day("09:30"), Some(570));
        assert_eq!(minute_of_day("24:00"), Some(1440));
        assert_eq!(minute_of_day("24:01"), None);
        assert_eq!(minute_of_day("9:30"), None);
        assert_eq!(minute_of_day("09:60"), None);
        assert_eq!(minute_of_day("ab:cd"), None);
        assert_eq!(minute_of_day(""), None);
    }

    #[test]
    fn open_inside_the_ranges_of_the_day_only() {
        let h = on();
        assert!(
            h.open_at_local(local("2026-11-30 09:00")),
            "Monday 09:00 opens"
        );
        assert!(h.open_at_local(local("2026-11-30 17:59")));
        assert!(
            !h.open_at_local(local("2026-11-30 18:00")),
            "the end is exclusive"
        );
        assert!(!h.open_at_local(local("2026-11-30 08:59")));
        assert!(
            !h.open_at_local(local("2026-11-29 12:00")),
            "Sunday is closed"
        );
        let off = BusinessHours::default();
        assert!(
            off.open_at_local(local("2026-11-29 03:00")),
            "hours off: always open"
        );
    }

    #[test]
    fn holidays_close_the_whole_day() {
        let mut h = on();
        h.holidays = vec!["2026-12-25".parse().unwrap()];
        assert!(!h.open_at_local(local("2026-12-25 10:00")));
        assert!(h.open_at_local(local("2026-12-24 10:00")));
    }

    #[test]
    fn ranges_are_checked_and_sorted_with_the_day_named() {
        let mut h = on();
        h.weekly.tue = vec![Span::new("13:00", "18:00"), Span::new("09:00", "12:00")];
        let n = h.normalized().unwrap();
        assert_eq!(
            n.weekly.tue[0],
            Span::new("09:00", "12:00"),
            "sorted by start"
        );
        h.weekly.wed = vec![Span::new("18:00", "09:00")];
        let e = h.normalized().unwrap_err();
        assert_eq!(e.field, "hours.weekly.wed");
        assert!(e.reason.contains("before it starts"), "{}", e.reason);
        h.weekly.wed = vec![Span::new("09:00", "12:00"), Span::new("11:00", "13:00")];
        let e = h.normalized().unwrap_err();
        assert_eq!(e.field, "hours.weekly.wed");
        assert!(e.reason.contains("overlaps"), "{}", e.reason);
        h.weekly.wed = vec![Span::new("09:00", "12:00"), Span::new("12:00", "24:00")];
        assert!(h.normalized().is_ok(), "touching ranges do not overlap");
        h.weekly.fri = vec![Span::new("9", "18:00")];
        assert_eq!(h.normalized().unwrap_err().field, "hours.weekly.fri");
    }

    #[test]
    fn typed_ranges_read_back() {
        let spans = parse_spans(" 09:00-12:00, 13:00 – 18:00 ,");
        assert_eq!(
            spans,
            vec![Span::new("09:00", "12:00"), Span::new("13:00", "18:00")]
        );
        assert_eq!(spans_text(&spans), "09:00-12:00, 13:00-18:00");
        assert!(parse_spans("  ").is_empty(), "empty = closed");
        let mut h = BusinessHours::default();
        h.weekly.mon = parse_spans("nine");
        assert_eq!(
            h.normalized().unwrap_err().field,
            "hours.weekly.mon",
            "a non-range is refused"
        );
    }

    #[test]
    fn holidays_are_deduplicated() {
        let mut h = on();
        let d = |s: &str| -> NaiveDate { s.parse().unwrap() };
        h.holidays = vec![d("2026-12-25"), d("2026-01-01"), d("2026-12-25")];
        assert_eq!(
            h.normalized().unwrap().holidays,
            vec![d("2026-01-01"), d("2026-12-25")]
        );
    }

    #[test]
    fn routing_limits_name_their_field() {
        let mut r = Routing::default();
        assert!(r.validate().is_ok());
        r.agent_capacity = 0;
        assert_eq!(r.validate().unwrap_err().field, "routing.agent_capacity");
        r.agent_capacity = 51;
        assert!(r.validate().is_err());
        r.agent_capacity = 50;
        r.reroute_after_secs = Some(10);
        assert_eq!(
            r.validate().unwrap_err().field,
            "routing.reroute_after_secs"
        );
        r.reroute_after_secs = Some(120);
        r.recent_agent_hold_secs = -1;
        assert_eq!(
            r.validate().unwrap_err().field,
            "routing.recent_agent_hold_secs"
        );
    }
}

//! A report's period as the rollups read it: its whole calendar months (one row per
//! month and key in `report_months` / `report_week_hours`) and the days before and after
//! them (`report_days`, the facts) — so a two-year report reads about two dozen month
//! rows per key and at most two months of day rows.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// A stretch of a period, and the rollup it is read from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Stretch {
    /// Days `from..=to` (`report_days`).
    Days(NaiveDate, NaiveDate),
    /// Whole calendar months `YYYY-MM..=YYYY-MM` (`report_months`).
    Months(String, String),
}

impl Stretch {
    pub(super) fn table(&self) -> &'static str {
        match self {
            Stretch::Days(..) => "report_days",
            Stretch::Months(..) => "report_months",
        }
    }
}

/// A period as its whole calendar months and the days before and after them, so a long
/// period reads a row per month and key instead of one per day and key.
pub(super) fn stretches(from: NaiveDate, to: NaiveDate) -> Vec<Stretch> {
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let next_month = |d: NaiveDate| {
        let first = month_start(d);
        first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first)
    };
    let first_whole = if from.day() == 1 {
        from
    } else {
        next_month(from)
    };
    // the last day of the last whole month
    let last_whole = if (to + chrono::Duration::days(1)).day() == 1 {
        to
    } else {
        month_start(to) - chrono::Duration::days(1)
    };
    if first_whole > last_whole {
        return vec![Stretch::Days(from, to)];
    }
    let mut out = vec![Stretch::Months(
        first_whole.format("%Y-%m").to_string(),
        last_whole.format("%Y-%m").to_string(),
    )];
    if from < first_whole {
        out.push(Stretch::Days(from, first_whole - chrono::Duration::days(1)));
    }
    if last_whole < to {
        out.push(Stretch::Days(last_whole + chrono::Duration::days(1), to));
    }
    out
}

/// Midnight of `day` in `zone`, as an instant (the earliest, around a DST change).
pub(super) fn local_midnight(day: NaiveDate, zone: chrono_tz::Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    zone.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_its_whole_months_and_the_days_around_them() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let days = |a: &str, b: &str| Stretch::Days(d(a), d(b));
        let months = |a: &str, b: &str| Stretch::Months(a.into(), b.into());
        assert_eq!(
            stretches(d("2026-11-24"), d("2026-11-30")),
            [days("2026-11-24", "2026-11-30")],
            "no whole month"
        );
        assert_eq!(
            stretches(d("2026-11-01"), d("2026-11-30")),
            [months("2026-11", "2026-11")]
        );
        assert_eq!(
            stretches(d("2025-12-02"), d("2026-11-30")),
            [
                months("2026-01", "2026-11"),
                days("2025-12-02", "2025-12-31")
            ]
        );
        assert_eq!(
            stretches(d("2024-12-15"), d("2026-12-14")),
            [
                months("2025-01", "2026-11"),
                days("2024-12-15", "2024-12-31"),
                days("2026-12-01", "2026-12-14")
            ]
        );
        assert_eq!(
            stretches(d("2026-02-01"), d("2026-02-28")),
            [months("2026-02", "2026-02")],
            "February ends on the 28th"
        );
        assert_eq!(
            stretches(d("2026-01-31"), d("2026-03-01")),
            [
                months("2026-02", "2026-02"),
                days("2026-01-31", "2026-01-31"),
                days("2026-03-01", "2026-03-01")
            ]
        );
        assert_eq!(
            stretches(d("2026-01-15"), d("2026-02-14")),
            [days("2026-01-15", "2026-02-14")]
        );
    }

    #[test]
    fn midnights_are_the_zones() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            local_midnight(d, chrono_tz::Asia::Seoul).to_rfc3339(),
            "2026-11-30T15:00:00+00:00"
        );
    }
}

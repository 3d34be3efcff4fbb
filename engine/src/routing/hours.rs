//! Business hours in the service's time zone (issue 18): the IANA zone database
//! (`chrono-tz`) turns "now" into the service's local date and time, and
//! [`shared::BusinessHours::open_at_local`] answers from the weekly ranges and holidays.
//! Zones with daylight-saving time follow their local clock (09:00 stays 09:00 on the
//! wall across the change); Korea has none.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use shared::BusinessHours;
use shared::validate::Invalid;

/// The zone of a name, or the field error an admin sees.
pub fn zone(name: &str) -> Result<Tz, Invalid> {
    name.parse::<Tz>().map_err(|_| Invalid {
        field: "hours.time_zone",
        reason: format!("`{name}` is not an IANA time zone (e.g. Asia/Seoul)"),
    })
}

/// Whether chat is inside the service's hours at `now` (always, with hours off). A
/// stored zone that no longer parses counts as Seoul's (saving checks it, so only a
/// zone database that dropped a name could get here).
pub fn open_at(hours: &BusinessHours, now: DateTime<Utc>) -> bool {
    if !hours.enabled {
        return true;
    }
    let tz = zone(&hours.time_zone).unwrap_or(chrono_tz::Asia::Seoul);
    hours.open_at_local(now.with_timezone(&tz).naive_local())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use shared::{Span, Week};

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    fn nine_to_six(zone: &str) -> BusinessHours {
        BusinessHours {
            enabled: true,
            time_zone: zone.into(),
            weekly: Week::weekdays(&[Span::new("09:00", "18:00")]),
            holidays: vec![],
            chat_outside_hours: false,
        }
    }

    #[test]
    fn seoul_has_no_daylight_saving() {
        let h = nine_to_six("Asia/Seoul");
        // Monday 2026-11-30: 00:00 UTC is 09:00 KST
        assert!(open_at(&h, utc(2026, 11, 30, 0, 0)));
        assert!(!open_at(&h, utc(2026, 11, 29, 23, 59)), "08:59 KST");
        assert!(!open_at(&h, utc(2026, 11, 30, 9, 0)), "18:00 KST closes");
        // the same in July (no summer time in Korea)
        assert!(open_at(&h, utc(2026, 7, 6, 0, 0)));
        assert!(!open_at(&h, utc(2026, 7, 5, 23, 59)));
    }

    #[test]
    fn a_daylight_saving_zone_follows_its_wall_clock() {
        let h = nine_to_six("Europe/Berlin");
        // 07:30 UTC is 08:30 in winter (CET, Friday 27 March 2026) — closed —
        // and 09:30 in summer (CEST, Monday 30 March, after the change on the 29th)
        assert!(!open_at(&h, utc(2026, 3, 27, 7, 30)));
        assert!(open_at(&h, utc(2026, 3, 30, 7, 30)));
        // 16:30 UTC: 17:30 CET open, 18:30 CEST closed
        assert!(open_at(&h, utc(2026, 3, 27, 16, 30)));
        assert!(!open_at(&h, utc(2026, 3, 30, 16, 30)));
    }

    #[test]
    fn holidays_are_local_dates() {
        let mut h = nine_to_six("Asia/Seoul");
        h.holidays = vec!["2026-12-25".parse().unwrap()];
        // 2026-12-25 01:00 UTC = 10:00 KST on the holiday
        assert!(!open_at(&h, utc(2026, 12, 25, 1, 0)));
        // 2026-12-24 01:00 UTC = 10:00 KST the day before
        assert!(open_at(&h, utc(2026, 12, 24, 1, 0)));
    }

    #[test]
    fn zones_are_checked_by_name() {
        assert!(zone("Asia/Seoul").is_ok());
        assert!(zone("America/New_York").is_ok());
        let e = zone("Mars/Olympus").unwrap_err();
        assert_eq!(e.field, "hours.time_zone");
    }
}

//! The report rollups' tables (issue 20): `report_days`, `report_months`,
//! `report_day_totals` (the [`GRAINS`] of measures), `report_hours`,
//! `report_week_hours`, and `report_facts` (what each ended chat added, so it can be
//! taken out again); the rebuild's claim and record. The measures' columns are spelled
//! here once ([`measure_columns`], [`measures`]); which chat adds what, and when, is
//! `crate::reports`' rule. A report's reads of these tables are in
//! [`super::report_reads`].

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use shared::ServiceId;

use crate::db::{self, Ex};
use crate::error::Result;
use crate::reports::rules::{self, BUCKETS, Facts};

/// Where a chat's facts are summed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Place {
    pub(crate) service: i64,
    /// `YYYY-MM-DD` of the start, in the service's time zone.
    pub(crate) day: String,
    /// Hour of the start (0–23), same zone.
    pub(crate) hour: i64,
    /// 0: no agent.
    pub(crate) agent: i64,
    /// 0: no handling type.
    pub(crate) category: i64,
    /// `helpcenter` or `widget`.
    pub(crate) channel: String,
}

/// A table of the measures summed under some of a [`Place`]'s keys. Every grain is
/// kept in the same statement shape (an upsert adding the measures), so a chat's share
/// goes into each of them alike and a rebuild fills them alike.
pub(crate) struct Grain {
    pub(crate) table: &'static str,
    /// Key columns after `service_id`.
    keys: &'static [&'static str],
}

/// A key value of a grain's row.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeyValue {
    Text(String),
    Id(i64),
}

impl Grain {
    /// The values of this grain's keys for a chat's place.
    pub(crate) fn key_of(&self, place: &Place) -> Vec<KeyValue> {
        self.keys
            .iter()
            .map(|k| match *k {
                "day" => KeyValue::Text(place.day.clone()),
                // `YYYY-MM`
                "month" => KeyValue::Text(place.day.chars().take(7).collect()),
                "agent_id" => KeyValue::Id(place.agent),
                "category_id" => KeyValue::Id(place.category),
                _ => KeyValue::Text(place.channel.clone()),
            })
            .collect()
    }

    /// `INSERT … VALUES (…) × rows ON CONFLICT … DO UPDATE` adding the measures.
    fn upsert(&self, rows: usize) -> String {
        let cols = measure_columns();
        let keys = format!("service_id, {}", self.keys.join(", "));
        let row = format!(
            "({})",
            vec!["?"; 1 + self.keys.len() + cols.len()].join(", ")
        );
        let sets: Vec<String> = cols
            .iter()
            .map(|c| format!("{c} = {}.{c} + excluded.{c}", self.table))
            .collect();
        format!(
            "INSERT INTO {} ({keys}, {}) VALUES {} ON CONFLICT ({keys}) DO UPDATE SET {}",
            self.table,
            cols.join(", "),
            vec![row.as_str(); rows].join(", "),
            sets.join(", ")
        )
    }
}

/// The measure rollups: per day × agent × handling type × channel (the finest; a
/// period's edges and filtered day charts), per calendar month with the same keys (the
/// whole months of a long period), and per day × channel (an unfiltered day chart).
pub(crate) const GRAINS: [Grain; 3] = [
    Grain {
        table: "report_days",
        keys: &["day", "agent_id", "category_id", "channel_kind"],
    },
    Grain {
        table: "report_months",
        keys: &["month", "agent_id", "category_id", "channel_kind"],
    },
    Grain {
        table: "report_day_totals",
        keys: &["day", "channel_kind"],
    },
];

fn bind_key(q: db::Query, key: &[KeyValue]) -> db::Query {
    key.iter().fold(q, |q, k| match k {
        KeyValue::Text(s) => q.bind(s.as_str()),
        KeyValue::Id(i) => q.bind(*i),
    })
}

impl Place {
    /// `(YYYY-MM, weekday 0 = Monday)` of the start: the month × weekday keys of
    /// `report_week_hours`.
    fn month_weekday(&self) -> (String, i64) {
        let weekday = chrono::NaiveDate::parse_from_str(&self.day, "%Y-%m-%d")
            .map_or(0, |d| i64::from(d.weekday().num_days_from_monday()));
        (self.day.chars().take(7).collect(), weekday)
    }
}

/// `report_week_hours`' upsert of `rows` rows adding their starts.
fn week_hours_upsert(rows: usize) -> String {
    format!(
        "INSERT INTO report_week_hours (service_id, month, weekday, hour, agent_id, category_id, channel_kind, chats)
         VALUES {} ON CONFLICT (service_id, month, weekday, hour, agent_id, category_id, channel_kind)
         DO UPDATE SET chats = report_week_hours.chats + excluded.chats",
        vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; rows].join(", ")
    )
}

/// A `report_week_hours` row's keys after the service.
pub(crate) type WeekHourKey = (String, i64, i64, i64, i64, String);

pub(crate) fn week_hour_key(place: &Place) -> WeekHourKey {
    let (month, weekday) = place.month_weekday();
    (
        month,
        weekday,
        place.hour,
        place.agent,
        place.category,
        place.channel.clone(),
    )
}

fn bind_week_hour(q: db::Query, service: i64, k: &WeekHourKey, n: i64) -> db::Query {
    q.bind(service)
        .bind(k.0.as_str())
        .bind(k.1)
        .bind(k.2)
        .bind(k.3)
        .bind(k.4)
        .bind(k.5.as_str())
        .bind(n)
}

/// The measures of `report_days`, in column order.
pub(crate) const METRICS: [&str; 4] = ["wait_assign", "wait_open", "first_response", "handling"];
const COUNTS: [&str; 14] = [
    "chats",
    "ended",
    "handled",
    "unhandled",
    "abandoned",
    "transfers",
    "reroutes",
    "rated",
    "rating_sum",
    "r1",
    "r2",
    "r3",
    "r4",
    "r5",
];

/// Every measure column of `report_days`.
pub(crate) fn measure_columns() -> Vec<String> {
    let mut cols: Vec<String> = COUNTS.iter().map(|c| (*c).to_owned()).collect();
    for m in METRICS {
        cols.push(format!("{m}_n"));
        cols.push(format!("{m}_sum"));
        for b in 0..BUCKETS {
            cols.push(format!("{m}_b{b}"));
        }
    }
    cols
}

/// One chat's facts as the values of [`measure_columns`].
pub(crate) fn measures(f: &Facts) -> Vec<i64> {
    let i = i64::from;
    let mut v = vec![
        1,
        i(f.ended),
        i(f.handled),
        i(f.unhandled),
        i(f.abandoned),
        f.transfers,
        f.reroutes,
        i(f.rating.is_some()),
        f.rating.unwrap_or(0),
    ];
    for r in 1..=5 {
        v.push(i(f.rating == Some(r)));
    }
    for d in [f.wait_assign, f.wait_open, f.first_response, f.handling] {
        v.push(i(d.is_some()));
        v.push(d.unwrap_or(0));
        let mut hist = [0i64; BUCKETS];
        if let Some(s) = d {
            hist[rules::bucket(s)] = 1;
        }
        v.extend(hist);
    }
    v
}

/// Adds (`sign` 1) or takes out (-1) one chat's facts at its place.
pub(crate) async fn add(mut conn: Ex<'_>, sign: i64, place: &Place, facts: &Facts) -> Result<()> {
    let values: Vec<i64> = measures(facts).into_iter().map(|v| v * sign).collect();
    for grain in &GRAINS {
        let key = grain.key_of(place);
        let mut q = bind_key(db::query(grain.upsert(1)).bind(place.service), &key);
        for v in &values {
            q = q.bind(*v);
        }
        q.execute(conn.ex()).await?;
    }
    db::query(
        "INSERT INTO report_hours (service_id, day, hour, chats) VALUES (?, ?, ?, ?)
         ON CONFLICT (service_id, day, hour) DO UPDATE SET chats = report_hours.chats + excluded.chats",
    )
    .bind(place.service)
    .bind(place.day.as_str())
    .bind(place.hour)
    .bind(sign)
    .execute(conn.ex())
    .await?;
    bind_week_hour(
        db::query(week_hours_upsert(1)),
        place.service,
        &week_hour_key(place),
        sign,
    )
    .execute(conn.ex())
    .await?;
    Ok(())
}

/// What a chat added before, as stored.
#[derive(Serialize, Deserialize)]
struct Stored {
    place: Place,
    facts: Facts,
}

/// What the chat added to the rollups, as stored; `None` when it added nothing (or the
/// stored row is unreadable: nothing can be taken out then).
pub(crate) async fn facts_of(mut ex: Ex<'_>, chat: i64) -> Result<Option<(Place, Facts)>> {
    let json: Option<String> = db::query_scalar("SELECT facts FROM report_facts WHERE chat_id = ?")
        .bind(chat)
        .fetch_optional(ex.ex())
        .await?;
    Ok(json
        .and_then(|j| serde_json::from_str::<Stored>(&j).ok())
        .map(|s| (s.place, s.facts)))
}

/// Forgets what the chat added (its `report_facts` row).
pub(crate) async fn forget_facts(mut ex: Ex<'_>, chat: i64) -> Result<()> {
    db::query("DELETE FROM report_facts WHERE chat_id = ?")
        .bind(chat)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Records what each chat added (`report_facts`), unless a row for it exists already;
/// answers the chats whose row this call inserted (a rebuild sums only those: a chat
/// ended meanwhile by its own transaction is counted there).
pub(crate) async fn record_facts(mut ex: Ex<'_>, rows: &[(i64, Place, Facts)]) -> Result<Vec<i64>> {
    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; rows.len()].join(", ");
    let mut q = db::query_scalar::<i64>(format!(
        "INSERT INTO report_facts (chat_id, service_id, day, hour, agent_id, category_id, channel_kind, facts)
         VALUES {values} ON CONFLICT (chat_id) DO NOTHING RETURNING chat_id"
    ));
    for (chat, place, facts) in rows {
        let stored = Stored {
            place: place.clone(),
            facts: facts.clone(),
        };
        q = q
            .bind(*chat)
            .bind(place.service)
            .bind(place.day.as_str())
            .bind(place.hour)
            .bind(place.agent)
            .bind(place.category)
            .bind(place.channel.as_str())
            .bind(serde_json::to_string(&stored).unwrap_or_default());
    }
    Ok(q.fetch_all(ex.ex()).await?)
}

/// Takes the service's rebuild claim (free, or taken before `stale_before`: a rebuild
/// that died); `false` while another holds it.
pub(crate) async fn claim_rebuild(
    mut ex: Ex<'_>,
    service: ServiceId,
    now: DateTime<Utc>,
    stale_before: DateTime<Utc>,
) -> Result<bool> {
    let taken = db::query(
        "INSERT INTO report_rebuilds (service_id, started_at) VALUES (?, ?)
         ON CONFLICT (service_id) DO UPDATE SET started_at = excluded.started_at
         WHERE report_rebuilds.started_at < ?",
    )
    .bind(service.0)
    .bind(now)
    .bind(stale_before)
    .execute(ex.ex())
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// Gives the service's rebuild claim back.
pub(crate) async fn release_rebuild(mut ex: Ex<'_>, service: ServiceId) -> Result<()> {
    db::query("DELETE FROM report_rebuilds WHERE service_id = ?")
        .bind(service.0)
        .execute(ex.ex())
        .await?;
    Ok(())
}

/// Empties every rollup of the service, and what its chats added.
pub(crate) async fn clear(mut ex: Ex<'_>, service: ServiceId) -> Result<()> {
    let tables =
        GRAINS
            .iter()
            .map(|g| g.table)
            .chain(["report_hours", "report_week_hours", "report_facts"]);
    for table in tables {
        db::query(format!("DELETE FROM {table} WHERE service_id = ?"))
            .bind(service.0)
            .execute(ex.re())
            .await?;
    }
    Ok(())
}

/// Adds summed measures to a grain's rows (one statement; at most 40 rows keep SQLite
/// under its 32,766 bound values at 91 per row).
pub(crate) async fn add_to_grain(
    mut ex: Ex<'_>,
    grain: &Grain,
    service: ServiceId,
    rows: &[(&Vec<KeyValue>, &Vec<i64>)],
) -> Result<()> {
    let mut q = db::query(grain.upsert(rows.len()));
    for (key, values) in rows {
        q = bind_key(q.bind(service.0), key);
        for v in values.iter() {
            q = q.bind(*v);
        }
    }
    q.execute(ex.ex()).await?;
    Ok(())
}

/// Adds chat starts to `report_week_hours` rows (one statement).
pub(crate) async fn add_week_hours(
    mut ex: Ex<'_>,
    service: ServiceId,
    rows: &[(&WeekHourKey, &i64)],
) -> Result<()> {
    let mut q = db::query(week_hours_upsert(rows.len()));
    for (key, n) in rows {
        q = bind_week_hour(q, service.0, key, **n);
    }
    q.execute(ex.ex()).await?;
    Ok(())
}

/// Adds chat starts to `report_hours` rows (day, hour) (one statement).
pub(crate) async fn add_hours(
    mut ex: Ex<'_>,
    service: ServiceId,
    rows: &[(&(String, i64), &i64)],
) -> Result<()> {
    let mut q = db::query(format!(
        "INSERT INTO report_hours (service_id, day, hour, chats) VALUES {}
         ON CONFLICT (service_id, day, hour) DO UPDATE SET chats = report_hours.chats + excluded.chats",
        vec!["(?, ?, ?, ?)"; rows.len()].join(", ")
    ));
    for ((day, hour), n) in rows {
        q = q.bind(service.0).bind(day.as_str()).bind(*hour).bind(**n);
    }
    q.execute(ex.ex()).await?;
    Ok(())
}

/// The service's rollups are built (as of `at`).
pub(crate) async fn mark_built(
    mut ex: Ex<'_>,
    service: ServiceId,
    at: DateTime<Utc>,
) -> Result<()> {
    db::query(
        "INSERT INTO report_builds (service_id, built_at) VALUES (?, ?)
         ON CONFLICT (service_id) DO UPDATE SET built_at = excluded.built_at",
    )
    .bind(service.0)
    .bind(at)
    .execute(ex.ex())
    .await?;
    Ok(())
}

/// The services whose rollups were never built.
pub(crate) async fn never_built(mut ex: Ex<'_>) -> Result<Vec<ServiceId>> {
    Ok(db::query_scalar::<i64>(
        "SELECT id FROM services WHERE id NOT IN (SELECT service_id FROM report_builds) ORDER BY id",
    )
    .fetch_all(ex.ex())
    .await?
    .into_iter()
    .map(ServiceId)
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_chat_fills_one_bucket_per_duration() {
        let f = Facts {
            ended: true,
            handled: true,
            wait_assign: Some(3),
            first_response: Some(40),
            handling: Some(600),
            rating: Some(4),
            transfers: 1,
            ..Default::default()
        };
        let cols = measure_columns();
        let v = measures(&f);
        assert_eq!(cols.len(), v.len());
        let get = |c: &str| v[cols.iter().position(|x| x == c).unwrap()];
        assert_eq!((get("chats"), get("handled"), get("unhandled")), (1, 1, 0));
        assert_eq!(
            (get("rated"), get("rating_sum"), get("r4"), get("r5")),
            (1, 4, 1, 0)
        );
        assert_eq!(
            (
                get("wait_assign_n"),
                get("wait_assign_sum"),
                get("wait_assign_b0")
            ),
            (1, 3, 1)
        );
        assert_eq!((get("wait_open_n"), get("wait_open_sum")), (0, 0));
        assert_eq!(get("first_response_b4"), 1, "40 s is in [30, 45)");
        assert_eq!(get("handling_b11"), 1, "600 s is in [600, 1200)");
        assert_eq!(get("transfers"), 1);
    }
}

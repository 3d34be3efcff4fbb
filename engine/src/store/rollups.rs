//! The report rollups' tables (issue 20): `report_days`, `report_months`,
//! `report_day_totals` (the [`GRAINS`] of measures), `report_hours`,
//! `report_week_hours`, and `report_facts` (what each ended chat added, so it can be
//! taken out again); the rebuild's claim and record. The measures' columns are spelled
//! here once ([`measure_columns`], [`measures`]); which chat adds what, and when, is
//! `crate::reports`' rule.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shared::ServiceId;

use super::reports::{ChatTimeline, TIMELINE_COLUMNS};
use crate::db::{self, Ex};
use crate::error::Result;
use crate::reports::period::Stretch;
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

/// One chat's timeline with its service's hours; `None` for an unknown chat.
pub(crate) async fn timeline(mut ex: Ex<'_>, chat: i64) -> Result<Option<ChatTimeline>> {
    db::query(format!(
        "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id WHERE c.id = ?"
    ))
    .bind(chat)
    .fetch_optional_as::<ChatTimeline>(ex.ex())
    .await
}

/// Up to `limit` ended chats of the service after the chat `after`, in id order.
pub(crate) async fn ended_after(
    mut ex: Ex<'_>,
    service: ServiceId,
    after: i64,
    limit: usize,
) -> Result<Vec<ChatTimeline>> {
    db::query(format!(
        "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id
         WHERE c.service_id = ? AND c.status = 'ended' AND c.id > ? ORDER BY c.id LIMIT {limit}"
    ))
    .bind(service.0)
    .bind(after)
    .fetch_all_as::<ChatTimeline>(ex.ex())
    .await
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

/// The rollup keys a report is narrowed to (validated by `crate::reports`).
pub(crate) struct Filter {
    pub(crate) agent: Option<i64>,
    pub(crate) categories: Option<Vec<i64>>,
    pub(crate) channel: Option<&'static str>,
}

/// How a report's rollups are read: the stretch of the period, the rollup keys it is
/// narrowed to, and whether the category index serves it (narrowed to handling types
/// only — see `Backend::index_hint`).
pub(crate) struct Slice<'a> {
    pub(crate) service: i64,
    pub(crate) stretch: &'a Stretch,
    pub(crate) filter: &'a Filter,
    pub(crate) by_category_index: bool,
}

impl Slice<'_> {
    /// ` AND …` of the stretch and the filters (agent, handling types, channel) over a
    /// table with the rollup keys.
    fn push_where(&self, b: &mut db::Builder) {
        let (col, first, last) = match self.stretch {
            Stretch::Days(f, t) => ("day", f.to_string(), t.to_string()),
            Stretch::Months(f, t) => ("month", f.clone(), t.clone()),
        };
        b.push(" WHERE service_id = ")
            .push_bind(self.service)
            .push(&format!(" AND {col} >= "))
            .push_bind(first)
            .push(&format!(" AND {col} <= "))
            .push_bind(last);
        let f = self.filter;
        if let Some(a) = f.agent {
            b.push(" AND agent_id = ").push_bind(a);
        }
        if let Some(cats) = &f.categories {
            b.push(" AND category_id IN (");
            for (i, c) in cats.iter().enumerate() {
                if i > 0 {
                    b.push(", ");
                }
                b.push_bind(*c);
            }
            b.push(")");
        }
        if let Some(ch) = f.channel {
            b.push(" AND channel_kind = ").push_bind(ch);
        }
    }

    fn hint(&self, backend: db::Backend, index: &str) -> String {
        if self.by_category_index {
            backend.index_hint(index)
        } else {
            String::new()
        }
    }
}

/// Which rollup key a report groups its sums by.
#[derive(Clone, Copy)]
pub(crate) enum GroupBy {
    Day,
    Agent,
    Category,
}

/// The measures of `table` (a grain's: `report_days`, `report_months` or
/// `report_day_totals`) over a slice, summed per `by` key.
pub(crate) async fn grouped_sums<K>(
    mut ex: Ex<'_>,
    backend: db::Backend,
    table: &str,
    by: GroupBy,
    slice: &Slice<'_>,
) -> Result<Vec<(K, Vec<i64>)>>
where
    K: for<'r> db::Decode<'r>,
{
    let col = match by {
        GroupBy::Day => "day",
        GroupBy::Agent => "agent_id",
        GroupBy::Category => "category_id",
    };
    let index = if table == "report_days" {
        slice.hint(backend, "report_days_by_category")
    } else {
        String::new()
    };
    // PostgreSQL sums BIGINTs as NUMERIC: cast back
    let cols = measure_columns();
    let sums = cols
        .iter()
        .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut b = db::Builder::new(format!("SELECT {col} AS k, {sums} FROM {table}{index}"));
    slice.push_where(&mut b);
    b.push(&format!(" GROUP BY {col}"));
    b.build()
        .fetch_all(ex.ex())
        .await?
        .iter()
        .map(|r| {
            let values = (0..cols.len())
                .map(|i| {
                    r.try_get::<Option<i64>, _>(i + 1)
                        .map(Option::unwrap_or_default)
                })
                .collect::<std::result::Result<Vec<i64>, _>>()?;
            Ok((r.try_get("k")?, values))
        })
        .collect()
}

/// `(w, hour, chats)` rows of a heatmap read.
async fn heat<W>(mut ex: Ex<'_>, counts: db::Query) -> Result<Vec<(W, i64, i64)>>
where
    W: for<'r> db::Decode<'r>,
{
    counts
        .fetch_all(ex.ex())
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get("w")?,
                r.try_get("hour")?,
                r.try_get::<Option<i64>, _>("n")?.unwrap_or(0),
            ))
        })
        .collect()
}

/// Chat starts per day and hour of the whole service (`report_hours`), days
/// `from..=to`: `(day, hour, chats)`.
pub(crate) async fn starts_by_day_hour(
    ex: Ex<'_>,
    service: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    let mut b = db::Builder::new(
        "SELECT day AS w, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_hours WHERE service_id = ",
    );
    b.push_bind(service)
        .push(" AND day >= ")
        .push_bind(from.to_string())
        .push(" AND day <= ")
        .push_bind(to.to_string())
        .push(" GROUP BY day, hour");
    heat(ex, b.build()).await
}

/// Chat starts per weekday (0 = Monday) and hour over a slice of whole months
/// (`report_week_hours`): `(weekday, hour, chats)`.
pub(crate) async fn starts_by_weekday_hour(
    ex: Ex<'_>,
    backend: db::Backend,
    slice: &Slice<'_>,
) -> Result<Vec<(i64, i64, i64)>> {
    let hint = if slice.filter.agent.is_some() {
        String::new()
    } else if slice.filter.categories.is_some() {
        backend.index_hint("report_week_hours_by_category")
    } else {
        backend.index_hint("report_week_hours_by_channel")
    };
    let mut b = db::Builder::new(format!(
        "SELECT weekday AS w, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_week_hours{hint}"
    ));
    slice.push_where(&mut b);
    b.push(" GROUP BY weekday, hour");
    heat(ex, b.build()).await
}

/// Chat starts per day and hour over a slice of days, from the ended chats' facts:
/// `(day, hour, chats)`.
pub(crate) async fn ended_by_day_hour(
    ex: Ex<'_>,
    backend: db::Backend,
    slice: &Slice<'_>,
) -> Result<Vec<(String, i64, i64)>> {
    let mut b = db::Builder::new(format!(
        "SELECT day AS w, hour, COUNT(*) AS n FROM report_facts{}",
        slice.hint(backend, "report_facts_by_category")
    ));
    slice.push_where(&mut b);
    b.push(" GROUP BY day, hour");
    heat(ex, b.build()).await
}

/// The service's chats started in `[start, end)` that have not ended (not in the
/// rollups yet) — few, through a partial index.
pub(crate) async fn open_between(
    mut ex: Ex<'_>,
    service: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<ChatTimeline>> {
    db::query(format!(
        "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id
         WHERE c.service_id = ? AND c.status != 'ended' AND c.created_at >= ? AND c.created_at < ?"
    ))
    .bind(service)
    .bind(start)
    .bind(end)
    .fetch_all_as::<ChatTimeline>(ex.ex())
    .await
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

//! The report rollups (issue 20): what each ended chat adds, kept in step with the
//! chat inside the transaction that changes it.
//!
//! [`refresh_chat`] is the one way in: it takes out what the chat added before (its
//! `report_facts` row, if any), reads the chat again and, if it is ended, puts its facts
//! back in — so ending a chat, a late rating and a changed handling type all keep the
//! sums exact, and calling it twice changes nothing. [`rebuild`] recomputes every
//! rollup of a service from the chats (the `online-contact reports rebuild` command,
//! and after data was loaded behind the engine's back).

use crate::store::reports::ChatTimeline;
use std::collections::HashMap;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::rules::{self, BUCKETS, Facts, Timeline};
use crate::Engine;
use crate::db::{self, Ex};
use crate::error::Result;

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
enum KeyValue {
    Text(String),
    Id(i64),
}

impl Grain {
    /// The values of this grain's keys for a chat's place.
    fn key_of(&self, place: &Place) -> Vec<KeyValue> {
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
type WeekHourKey = (String, i64, i64, i64, i64, String);

fn week_hour_key(place: &Place) -> WeekHourKey {
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

/// Chats read per query when rebuilding.
const REBUILD_PAGE: usize = 5_000;

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

/// The channel's kind: our help center, or a site that embeds the widget.
pub(crate) fn channel_kind(channel: &str) -> &'static str {
    if channel == "helpcenter" {
        "helpcenter"
    } else {
        "widget"
    }
}

/// A chat's start in the service's zone: (`YYYY-MM-DD`, hour).
pub(crate) fn local_day(at: DateTime<Utc>, zone: chrono_tz::Tz) -> (String, i64) {
    let local = at.with_timezone(&zone);
    (
        format!(
            "{:04}-{:02}-{:02}",
            local.year(),
            local.month(),
            local.day()
        ),
        i64::from(local.hour()),
    )
}

/// The service's report zone: its business-hours zone (Seoul when unreadable).
pub(crate) fn zone_of(hours: &shared::BusinessHours) -> chrono_tz::Tz {
    crate::routing::hours::zone(&hours.time_zone).unwrap_or(chrono_tz::Asia::Seoul)
}

pub(crate) use crate::store::reports::TIMELINE_COLUMNS;

/// A chat's stored timeline as the rules read it, with its place; `ended` says
/// whether its facts are final. `zone`: the service's, when the caller read it once
/// for many rows (else the row's own business hours').
pub(crate) fn timeline_of(
    r: &ChatTimeline,
    zone: Option<chrono_tz::Tz>,
) -> Result<(Place, Timeline, bool)> {
    let zone = zone.unwrap_or_else(|| zone_of(&r.business_hours));
    let (day, hour) = local_day(r.timeline.created_at, zone);
    let place = Place {
        service: r.service_id,
        day,
        hour,
        agent: r.agent_id.unwrap_or(0),
        category: r.category_id.unwrap_or(0),
        channel: channel_kind(&r.channel).to_owned(),
    };
    Ok((place, r.timeline.clone(), r.ended))
}

/// Adds (`sign` 1) or takes out (-1) one chat's facts at its place.
async fn apply(mut conn: Ex<'_>, sign: i64, place: &Place, facts: &Facts) -> Result<()> {
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

/// Brings one chat's share of the rollups in step with the chat (see the module's
/// doc); runs inside the caller's transaction.
pub(crate) async fn refresh_chat(mut conn: Ex<'_>, chat: i64) -> Result<()> {
    let before: Option<String> =
        db::query_scalar("SELECT facts FROM report_facts WHERE chat_id = ?")
            .bind(chat)
            .fetch_optional(conn.ex())
            .await?;
    if let Some(json) = before {
        if let Ok(s) = serde_json::from_str::<Stored>(&json) {
            apply(conn.re(), -1, &s.place, &s.facts).await?;
        }
        db::query("DELETE FROM report_facts WHERE chat_id = ?")
            .bind(chat)
            .execute(conn.ex())
            .await?;
    }
    let sql = format!(
        "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id WHERE c.id = ?"
    );
    let Some(r) = db::query(sql)
        .bind(chat)
        .fetch_optional_as::<ChatTimeline>(conn.ex())
        .await?
    else {
        return Ok(());
    };
    let (place, timeline, ended) = timeline_of(&r, None)?;
    if !ended {
        return Ok(());
    }
    let facts = rules::facts(&timeline);
    apply(conn.re(), 1, &place, &facts).await?;
    let stored = Stored {
        place: place.clone(),
        facts: facts.clone(),
    };
    db::query(
        "INSERT INTO report_facts (chat_id, service_id, day, hour, agent_id, category_id, channel_kind, facts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(chat)
    .bind(place.service)
    .bind(place.day.as_str())
    .bind(place.hour)
    .bind(place.agent)
    .bind(place.category)
    .bind(place.channel.as_str())
    .bind(serde_json::to_string(&stored).unwrap_or_default())
    .execute(conn.ex())
    .await?;
    Ok(())
}

impl Engine {
    /// [`Engine::rebuild_reports`] for the service with this slug.
    pub async fn rebuild_reports_of(&self, slug: &str) -> Result<u64> {
        let id: i64 = db::query_scalar("SELECT id FROM services WHERE slug = ?")
            .bind(slug)
            .fetch_optional(self.db.ex())
            .await?
            .ok_or(crate::error::Error::NotFound("service"))?;
        self.rebuild_reports(shared::ServiceId(id)).await
    }

    /// Recomputes every rollup of a service from its chats; answers how many ended chats
    /// it summed. Made for a million chats: the chats are read in pages of
    /// [`REBUILD_PAGE`] (one query each, no per-chat statements), each page's facts are
    /// written with multi-row inserts, and the sums are kept in memory and written once
    /// at the end (one row per day × agent × handling type × channel).
    ///
    /// Safe beside live traffic: a chat's facts row is inserted only if none exists
    /// (`ON CONFLICT DO NOTHING … RETURNING`), and only the chats whose row this pass
    /// inserted are summed here — a chat ended (and counted) by its own transaction
    /// meanwhile is left to that count — and the sums are *added* to whatever the live
    /// transactions added since the rollups were cleared.
    pub async fn rebuild_reports(&self, service: shared::ServiceId) -> Result<u64> {
        // one rebuild per service at a time, whatever process runs it: two interleaved
        // would clear each other's work
        while !self.claim_rebuild(service.0).await? {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let done = self.rebuild_claimed(service).await;
        db::query("DELETE FROM report_rebuilds WHERE service_id = ?")
            .bind(service.0)
            .execute(self.db.ex())
            .await?;
        done
    }

    /// Takes the service's rebuild claim (free, or older than ten minutes: a rebuild
    /// that died); `false` while another holds it.
    async fn claim_rebuild(&self, service: i64) -> Result<bool> {
        let now = Utc::now();
        let mut tx = self.write_tx().await?;
        let taken = db::query(
            "INSERT INTO report_rebuilds (service_id, started_at) VALUES (?, ?)
             ON CONFLICT (service_id) DO UPDATE SET started_at = excluded.started_at
             WHERE report_rebuilds.started_at < ?",
        )
        .bind(service)
        .bind(now)
        .bind(now - chrono::Duration::minutes(10))
        .execute(tx.ex())
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(taken == 1)
    }

    async fn rebuild_claimed(&self, service: shared::ServiceId) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        let tables = GRAINS.iter().map(|g| g.table).chain([
            "report_hours",
            "report_week_hours",
            "report_facts",
        ]);
        for table in tables {
            db::query(format!("DELETE FROM {table} WHERE service_id = ?"))
                .bind(service.0)
                .execute(tx.ex())
                .await?;
        }
        tx.commit().await?;
        // per grain: key → summed measures
        let mut sums: Vec<HashMap<Vec<KeyValue>, Vec<i64>>> =
            GRAINS.iter().map(|_| HashMap::new()).collect();
        let mut hours: HashMap<(String, i64), i64> = HashMap::new();
        let mut week_hours: HashMap<WeekHourKey, i64> = HashMap::new();
        let mut after = 0i64;
        let mut summed = 0u64;
        // the zone once, not a JSON parse per chat
        let business_hours = crate::store::services::business_hours(self.db.ex(), service).await?;
        let zone = Some(zone_of(&business_hours));
        let sql = format!(
            "SELECT {TIMELINE_COLUMNS} FROM chats c JOIN services s ON s.id = c.service_id
             WHERE c.service_id = ? AND c.status = 'ended' AND c.id > ? ORDER BY c.id LIMIT {REBUILD_PAGE}"
        );
        loop {
            let rows = db::query(sql.clone())
                .bind(service.0)
                .bind(after)
                .fetch_all_as::<ChatTimeline>(self.db.ex())
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            let mut page = Vec::with_capacity(rows.len());
            for r in &rows {
                let (place, timeline, _) = timeline_of(r, zone)?;
                page.push((r.id, place, rules::facts(&timeline)));
            }
            let mut tx = self.write_tx().await?;
            let mut inserted = std::collections::HashSet::new();
            for part in page.chunks(200) {
                let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; part.len()].join(", ");
                let mut q = db::query_scalar::<i64>(format!(
                    "INSERT INTO report_facts (chat_id, service_id, day, hour, agent_id, category_id, channel_kind, facts)
                     VALUES {values} ON CONFLICT (chat_id) DO NOTHING RETURNING chat_id"
                ));
                for (id, place, facts) in part {
                    let stored = Stored {
                        place: place.clone(),
                        facts: facts.clone(),
                    };
                    q = q
                        .bind(*id)
                        .bind(place.service)
                        .bind(place.day.as_str())
                        .bind(place.hour)
                        .bind(place.agent)
                        .bind(place.category)
                        .bind(place.channel.as_str())
                        .bind(serde_json::to_string(&stored).unwrap_or_default());
                }
                inserted.extend(q.fetch_all(tx.ex()).await?);
            }
            tx.commit().await?;
            for (_, place, facts) in page.iter().filter(|(id, ..)| inserted.contains(id)) {
                let v = measures(facts);
                for (grain, sums) in GRAINS.iter().zip(sums.iter_mut()) {
                    let row = sums
                        .entry(grain.key_of(place))
                        .or_insert_with(|| vec![0; v.len()]);
                    for (a, b) in row.iter_mut().zip(&v) {
                        *a += b;
                    }
                }
                *hours.entry((place.day.clone(), place.hour)).or_insert(0) += 1;
                *week_hours.entry(week_hour_key(place)).or_insert(0) += 1;
                summed += 1;
            }
        }
        self.write_sums(service.0, &sums, &hours, &week_hours)
            .await?;
        db::query(
            "INSERT INTO report_builds (service_id, built_at) VALUES (?, ?)
             ON CONFLICT (service_id) DO UPDATE SET built_at = excluded.built_at",
        )
        .bind(service.0)
        .bind(Utc::now())
        .execute(self.db.ex())
        .await?;
        Ok(summed)
    }

    /// Adds a rebuild's sums to the rollups, 100 rows per statement.
    async fn write_sums(
        &self,
        service: i64,
        sums: &[HashMap<Vec<KeyValue>, Vec<i64>>],
        hours: &HashMap<(String, i64), i64>,
        week_hours: &HashMap<WeekHourKey, i64>,
    ) -> Result<()> {
        let all: Vec<_> = week_hours.iter().collect();
        for part in all.chunks(500) {
            let mut q = db::query(week_hours_upsert(part.len()));
            for (key, n) in part {
                q = bind_week_hour(q, service, key, **n);
            }
            let mut tx = self.write_tx().await?;
            q.execute(tx.ex()).await?;
            tx.commit().await?;
        }
        for (grain, rows) in GRAINS.iter().zip(sums) {
            let all: Vec<_> = rows.iter().collect();
            // (40 rows × 91 values stays under SQLite's 32,766 bound parameters)
            for part in all.chunks(40) {
                let mut q = db::query(grain.upsert(part.len()));
                for (key, values) in part {
                    q = bind_key(q.bind(service), key);
                    for v in values.iter() {
                        q = q.bind(*v);
                    }
                }
                let mut tx = self.write_tx().await?;
                q.execute(tx.ex()).await?;
                tx.commit().await?;
            }
        }
        let all: Vec<_> = hours.iter().collect();
        for part in all.chunks(500) {
            let mut q = db::query(format!(
                "INSERT INTO report_hours (service_id, day, hour, chats) VALUES {}
                 ON CONFLICT (service_id, day, hour) DO UPDATE SET chats = report_hours.chats + excluded.chats",
                vec!["(?, ?, ?, ?)"; part.len()].join(", ")
            ));
            for ((day, hour), n) in part {
                q = q.bind(service).bind(day.as_str()).bind(*hour).bind(**n);
            }
            let mut tx = self.write_tx().await?;
            q.execute(tx.ex()).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

/// At start-up, in the background: builds the rollups of every service that has none
/// yet (all of them right after the upgrade that brought reports), so the figures cover
/// the chats ended before it. Safe beside live traffic: chats ending meanwhile are added
/// by their own transactions, and [`refresh_chat`] never counts a chat twice.
pub(crate) async fn build_missing(engine: Engine) {
    let missing: Result<Vec<i64>> = db::query_scalar(
        "SELECT id FROM services WHERE id NOT IN (SELECT service_id FROM report_builds) ORDER BY id",
    )
    .fetch_all(engine.db.ex())
    .await
    .map_err(Into::into);
    for service in missing.unwrap_or_default() {
        match engine.rebuild_reports(shared::ServiceId(service)).await {
            Ok(n) => tracing::info!(service, chats = n, "report rollups built"),
            Err(e) => tracing::warn!(service, error = %e, "building report rollups failed"),
        }
    }
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

    #[test]
    fn days_are_the_services_days() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T16:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            local_day(at, chrono_tz::Asia::Seoul),
            ("2026-12-01".to_owned(), 1)
        );
        assert_eq!(local_day(at, chrono_tz::UTC), ("2026-11-30".to_owned(), 16));
        assert_eq!(channel_kind("helpcenter"), "helpcenter");
        assert_eq!(channel_kind("https://shop.example.com/cart"), "widget");
    }
}

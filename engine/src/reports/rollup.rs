//! The report rollups (issue 20): what each ended chat adds, kept in step with the
//! chat inside the transaction that changes it.
//!
//! [`refresh_chat`] is the one way in: it takes out what the chat added before (its
//! `report_facts` row, if any), reads the chat again and, if it is ended, puts its facts
//! back in — so ending a chat, a late rating and a changed handling type all keep the
//! sums exact, and calling it twice changes nothing. [`rebuild`] recomputes every
//! rollup of a service from the chats (the `online-contact reports rebuild` command,
//! and after data was loaded behind the engine's back).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Timelike, Utc};
use shared::ServiceId;

use super::rules::{self, Timeline};
use crate::Engine;
use crate::db::Ex;
use crate::error::Result;
use crate::store;
use crate::store::reports::ChatTimeline;
use crate::store::rollups::{GRAINS, KeyValue, Place, WeekHourKey, measures, week_hour_key};

/// Chats read per query when rebuilding.
const REBUILD_PAGE: usize = 5_000;

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

/// Brings one chat's share of the rollups in step with the chat (see the module's
/// doc); runs inside the caller's transaction.
pub(crate) async fn refresh_chat(mut conn: Ex<'_>, chat: i64) -> Result<()> {
    if let Some((place, facts)) = store::rollups::facts_of(conn.re(), chat).await? {
        store::rollups::add(conn.re(), -1, &place, &facts).await?;
    }
    store::rollups::forget_facts(conn.re(), chat).await?;
    let Some(r) = store::reports::timeline(conn.re(), chat).await? else {
        return Ok(());
    };
    let (place, timeline, ended) = timeline_of(&r, None)?;
    if !ended {
        return Ok(());
    }
    let facts = rules::facts(&timeline);
    store::rollups::add(conn.re(), 1, &place, &facts).await?;
    store::rollups::record_facts(conn.re(), &[(chat, place, facts)]).await?;
    Ok(())
}

impl Engine {
    /// [`Engine::rebuild_reports`] for the service with this slug.
    pub async fn rebuild_reports_of(&self, slug: &str) -> Result<u64> {
        let id = store::services::id_of(self.db.ex(), slug)
            .await?
            .ok_or(crate::error::Error::NotFound("service"))?;
        self.rebuild_reports(id).await
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
    pub async fn rebuild_reports(&self, service: ServiceId) -> Result<u64> {
        // one rebuild per service at a time, whatever process runs it: two interleaved
        // would clear each other's work
        while !self.claim_rebuild(service).await? {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        let done = self.rebuild_claimed(service).await;
        store::rollups::release_rebuild(self.db.ex(), service).await?;
        done
    }

    /// Takes the service's rebuild claim (free, or older than ten minutes: a rebuild
    /// that died); `false` while another holds it.
    async fn claim_rebuild(&self, service: ServiceId) -> Result<bool> {
        let now = Utc::now();
        let mut tx = self.write_tx().await?;
        let taken = store::rollups::claim_rebuild(
            tx.ex(),
            service,
            now,
            now - chrono::Duration::minutes(10),
        )
        .await?;
        tx.commit().await?;
        Ok(taken)
    }

    async fn rebuild_claimed(&self, service: ServiceId) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        store::rollups::clear(tx.ex(), service).await?;
        tx.commit().await?;
        // per grain: key → summed measures
        let mut sums: Vec<HashMap<Vec<KeyValue>, Vec<i64>>> =
            GRAINS.iter().map(|_| HashMap::new()).collect();
        let mut hours: HashMap<(String, i64), i64> = HashMap::new();
        let mut week_hours: HashMap<WeekHourKey, i64> = HashMap::new();
        let mut after = 0i64;
        let mut summed = 0u64;
        // the zone once, not a JSON parse per chat
        let business_hours = store::services::business_hours(self.db.ex(), service).await?;
        let zone = Some(zone_of(&business_hours));
        loop {
            let rows =
                store::reports::ended_after(self.db.ex(), service, after, REBUILD_PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            let mut page = Vec::with_capacity(rows.len());
            for r in &rows {
                let (place, timeline, _) = timeline_of(r, zone)?;
                page.push((r.id, place, rules::facts(&timeline)));
            }
            let mut tx = self.write_tx().await?;
            let mut inserted = HashSet::new();
            for part in page.chunks(200) {
                inserted.extend(store::rollups::record_facts(tx.ex(), part).await?);
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
        self.write_sums(service, &sums, &hours, &week_hours).await?;
        store::rollups::mark_built(self.db.ex(), service, Utc::now()).await?;
        Ok(summed)
    }

    /// Adds a rebuild's sums to the rollups, a few hundred rows per transaction (40 per
    /// statement for the grains: their 91 values a row stay under SQLite's limit).
    async fn write_sums(
        &self,
        service: ServiceId,
        sums: &[HashMap<Vec<KeyValue>, Vec<i64>>],
        hours: &HashMap<(String, i64), i64>,
        week_hours: &HashMap<WeekHourKey, i64>,
    ) -> Result<()> {
        let all: Vec<_> = week_hours.iter().collect();
        for part in all.chunks(500) {
            let mut tx = self.write_tx().await?;
            store::rollups::add_week_hours(tx.ex(), service, part).await?;
            tx.commit().await?;
        }
        for (grain, rows) in GRAINS.iter().zip(sums) {
            let all: Vec<_> = rows.iter().collect();
            for part in all.chunks(40) {
                let mut tx = self.write_tx().await?;
                store::rollups::add_to_grain(tx.ex(), grain, service, part).await?;
                tx.commit().await?;
            }
        }
        let all: Vec<_> = hours.iter().collect();
        for part in all.chunks(500) {
            let mut tx = self.write_tx().await?;
            store::rollups::add_hours(tx.ex(), service, part).await?;
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
    let missing = store::rollups::never_built(engine.db.ex()).await;
    for service in missing.unwrap_or_default() {
        match engine.rebuild_reports(service).await {
            Ok(n) => tracing::info!(service = service.0, chats = n, "report rollups built"),
            Err(e) => {
                tracing::warn!(service = service.0, error = %e, "building report rollups failed")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

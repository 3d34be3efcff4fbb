//! One report's reads of the rollups (issue 20): the grouped sums per day, agent and
//! handling type over the period's whole months and edge days, the weekday × hour
//! heatmap, and the period's open chats summed live by the same rules — into a
//! [`Tally`] that `query` turns into the report.

use crate::store;
use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::period::{Stretch, stretches};
use super::rollup;
use super::rules;
use super::sums::Sums;
use crate::db;
use crate::error::Result;
use crate::store::report_reads::Filter;
use crate::store::report_reads::{GroupBy, Slice};
use crate::store::rollups::measures;

/// What a report sums: the measures per day, per agent and per handling type, and the
/// chat starts per weekday × hour.
pub(super) struct Tally {
    pub(super) by_day: BTreeMap<String, Sums>,
    pub(super) by_agent: BTreeMap<i64, Sums>,
    pub(super) by_category: BTreeMap<i64, Sums>,
    pub(super) heat: Vec<Vec<i64>>,
}

impl Tally {
    fn add_heat(&mut self, weekday: usize, hour: i64, n: i64) {
        if let (Some(row), Some(h)) = (
            self.heat.get_mut(weekday),
            usize::try_from(hour).ok().filter(|h| *h < 24),
        ) {
            row[h] += n;
        }
    }
}

/// Monday-first weekday (0–6) of a `YYYY-MM-DD` day.
fn weekday_of(day: &str) -> Option<usize> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|d| d.weekday().num_days_from_monday() as usize)
}

/// One report's reads of the rollups: a few grouped sums, whatever the period (three
/// grouped sums rather than one pass grouped by day × agent × type, which answered every
/// rollup row through the driver and was slower: BENCHMARKS.md, *Reports*).
pub(super) struct Reading<'a> {
    pool: &'a db::Pool,
    service: i64,
    f: Filter,
    from: NaiveDate,
    to: NaiveDate,
}

impl<'a> Reading<'a> {
    pub(super) fn new(
        pool: &'a db::Pool,
        service: i64,
        f: Filter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Self {
        Reading {
            pool,
            service,
            f,
            from,
            to,
        }
    }

    /// The rollups over `stretch` with the report's filters. Narrowed to handling types
    /// only, day rows and facts are read through their category index.
    fn slice<'s>(&'s self, stretch: &'s Stretch) -> Slice<'s> {
        Slice {
            service: self.service,
            stretch,
            filter: &self.f,
            by_category_index: self.f.agent.is_none() && self.f.categories.is_some(),
        }
    }

    async fn grouped<K>(
        &self,
        by: GroupBy,
        table: &str,
        stretch: &Stretch,
        into: &mut BTreeMap<K, Sums>,
    ) -> Result<()>
    where
        K: Ord + for<'r> db::Decode<'r>,
    {
        let slice = self.slice(stretch);
        let rows = store::report_reads::grouped_sums::<K>(
            self.pool.ex(),
            self.pool.backend(),
            table,
            by,
            &slice,
        )
        .await?;
        for (k, values) in rows {
            into.entry(k).or_insert_with(Sums::zero).add(&values);
        }
        Ok(())
    }

    /// Everything the rollups hold for the period.
    pub(super) async fn rollups(&self) -> Result<Tally> {
        let mut tally = Tally {
            by_day: BTreeMap::new(),
            by_agent: BTreeMap::new(),
            by_category: BTreeMap::new(),
            heat: vec![vec![0i64; 24]; 7],
        };
        // the days: without an agent or handling type, from the per-day totals (a row
        // per day and channel); narrowed, from the finest rollup through its index
        let whole = Stretch::Days(self.from, self.to);
        let day_table = if self.f.agent.is_none() && self.f.categories.is_none() {
            "report_day_totals"
        } else {
            "report_days"
        };
        self.grouped(GroupBy::Day, day_table, &whole, &mut tally.by_day)
            .await?;
        // per agent and per type: the whole months, then the edge days
        for stretch in stretches(self.from, self.to) {
            self.grouped(
                GroupBy::Agent,
                stretch.table(),
                &stretch,
                &mut tally.by_agent,
            )
            .await?;
            self.grouped(
                GroupBy::Category,
                stretch.table(),
                &stretch,
                &mut tally.by_category,
            )
            .await?;
        }
        self.heatmap(&mut tally).await?;
        Ok(tally)
    }

    /// Chat starts per weekday and hour: unfiltered from the day × hour counts; narrowed,
    /// from the month × weekday × hour rollup with the keys for the whole months and
    /// from the facts for the edge days.
    async fn heatmap(&self, tally: &mut Tally) -> Result<()> {
        let f = &self.f;
        if f.agent.is_none() && f.categories.is_none() && f.channel.is_none() {
            let cells = store::report_reads::starts_by_day_hour(
                self.pool.ex(),
                self.service,
                self.from,
                self.to,
            )
            .await?;
            for (day, hour, n) in cells {
                if let Some(w) = weekday_of(&day) {
                    tally.add_heat(w, hour, n);
                }
            }
            return Ok(());
        }
        for stretch in stretches(self.from, self.to) {
            let slice = self.slice(&stretch);
            let backend = self.pool.backend();
            let cells: Vec<(Option<usize>, i64, i64)> = match stretch {
                Stretch::Months(..) => {
                    store::report_reads::starts_by_weekday_hour(self.pool.ex(), backend, &slice)
                        .await?
                        .into_iter()
                        .map(|(w, h, n)| (usize::try_from(w).ok(), h, n))
                        .collect()
                }
                Stretch::Days(..) => {
                    store::report_reads::ended_by_day_hour(self.pool.ex(), backend, &slice)
                        .await?
                        .into_iter()
                        .map(|(day, h, n)| (weekday_of(&day), h, n))
                        .collect()
                }
            };
            for (weekday, hour, n) in cells {
                if let Some(w) = weekday {
                    tally.add_heat(w, hour, n);
                }
            }
        }
        Ok(())
    }

    /// The period's chats that are still open (not in the rollups yet), read live and
    /// summed by the same rules.
    pub(super) async fn add_open(
        &self,
        tally: &mut Tally,
        zone: chrono_tz::Tz,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<()> {
        let f = &self.f;
        for r in store::reports::open_between(self.pool.ex(), self.service, start, end).await? {
            let (place, timeline, _) = rollup::timeline_of(&r, Some(zone))?;
            let keep = f.agent.is_none_or(|a| a == place.agent)
                && f.categories
                    .as_ref()
                    .is_none_or(|c| c.contains(&place.category))
                && f.channel.is_none_or(|ch| ch == place.channel);
            if !keep {
                continue;
            }
            let v = measures(&rules::facts(&timeline));
            tally
                .by_day
                .entry(place.day.clone())
                .or_insert_with(Sums::zero)
                .add(&v);
            tally
                .by_agent
                .entry(place.agent)
                .or_insert_with(Sums::zero)
                .add(&v);
            tally
                .by_category
                .entry(place.category)
                .or_insert_with(Sums::zero)
                .add(&v);
            if let Some(w) = weekday_of(&place.day) {
                tally.add_heat(w, place.hour, 1);
            }
        }
        Ok(())
    }
}

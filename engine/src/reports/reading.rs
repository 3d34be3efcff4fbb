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
use super::sums::{Filter, Sums};
use crate::db;
use crate::error::Result;
use crate::store::rollups::{measure_columns, measures};

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
    backend: db::Backend,
    /// `CAST(SUM(col) AS BIGINT), …` of every measure (PostgreSQL sums BIGINTs as
    /// NUMERIC: cast back).
    sums: String,
}

impl<'a> Reading<'a> {
    pub(super) fn new(
        pool: &'a db::Pool,
        service: i64,
        f: Filter,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Self {
        let sums = measure_columns()
            .iter()
            .map(|c| format!("CAST(SUM({c}) AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ");
        Reading {
            backend: pool.backend(),
            pool,
            service,
            f,
            from,
            to,
            sums,
        }
    }

    /// Narrowed to handling types only, day rows and facts are read through their
    /// category index (see `Backend::index_hint`).
    fn hint(&self, index: &str) -> String {
        if self.f.agent.is_none() && self.f.categories.is_some() {
            self.backend.index_hint(index)
        } else {
            String::new()
        }
    }

    /// The measures of `table` over `stretch`, narrowed by the filters, grouped by `by`.
    async fn grouped<K>(
        &self,
        by: &str,
        table: &str,
        stretch: &Stretch,
        into: &mut BTreeMap<K, Sums>,
    ) -> Result<()>
    where
        K: Ord + for<'r> db::Decode<'r>,
    {
        let index = if table == "report_days" {
            self.hint("report_days_by_category")
        } else {
            String::new()
        };
        let mut b = db::Builder::new(format!(
            "SELECT {by} AS k, {} FROM {table}{index} WHERE service_id = ",
            self.sums
        ));
        b.push_bind(self.service);
        stretch.sql(&mut b);
        self.f.sql(&mut b);
        b.push(&format!(" GROUP BY {by}"));
        let width = measure_columns().len();
        for (k, values) in store::reports::keyed_sums::<K>(self.pool.ex(), b.build(), width).await?
        {
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
        self.grouped("day", day_table, &whole, &mut tally.by_day)
            .await?;
        // per agent and per type: the whole months, then the edge days
        for stretch in stretches(self.from, self.to) {
            self.grouped("agent_id", stretch.table(), &stretch, &mut tally.by_agent)
                .await?;
            self.grouped(
                "category_id",
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
            let mut b = db::Builder::new(
                "SELECT day AS w, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_hours WHERE service_id = ",
            );
            b.push_bind(self.service);
            Stretch::Days(self.from, self.to).sql(&mut b);
            b.push(" GROUP BY day, hour");
            for (day, hour, n) in store::reports::heat::<String>(self.pool.ex(), b.build()).await? {
                if let Some(w) = weekday_of(&day) {
                    tally.add_heat(w, hour, n);
                }
            }
            return Ok(());
        }
        for stretch in stretches(self.from, self.to) {
            let (sql, by) = match &stretch {
                Stretch::Months(..) => {
                    let hint = if f.agent.is_some() {
                        String::new()
                    } else if f.categories.is_some() {
                        self.backend.index_hint("report_week_hours_by_category")
                    } else {
                        self.backend.index_hint("report_week_hours_by_channel")
                    };
                    (
                        format!(
                            "SELECT weekday AS w, hour, CAST(SUM(chats) AS BIGINT) AS n FROM report_week_hours{hint} WHERE service_id = "
                        ),
                        " GROUP BY weekday, hour",
                    )
                }
                Stretch::Days(..) => (
                    format!(
                        "SELECT day AS w, hour, COUNT(*) AS n FROM report_facts{} WHERE service_id = ",
                        self.hint("report_facts_by_category")
                    ),
                    " GROUP BY day, hour",
                ),
            };
            let mut b = db::Builder::new(sql);
            b.push_bind(self.service);
            stretch.sql(&mut b);
            f.sql(&mut b);
            b.push(by);
            let cells: Vec<(Option<usize>, i64, i64)> = match stretch {
                Stretch::Months(..) => store::reports::heat::<i64>(self.pool.ex(), b.build())
                    .await?
                    .into_iter()
                    .map(|(w, h, n)| (usize::try_from(w).ok(), h, n))
                    .collect(),
                Stretch::Days(..) => store::reports::heat::<String>(self.pool.ex(), b.build())
                    .await?
                    .into_iter()
                    .map(|(day, h, n)| (weekday_of(&day), h, n))
                    .collect(),
            };
            for (weekday, hour, n) in cells {
                if let Some(w) = weekday {
                    tally.add_heat(w, hour, n);
                }
            }
        }
        Ok(())
    }

    /// The period's chats that are still open (not in the rollups yet), read live — few,
    /// through a partial index — and summed by the same rules.
    pub(super) async fn add_open(
        &self,
        tally: &mut Tally,
        zone: chrono_tz::Tz,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<()> {
        let f = &self.f;
        let mut b = db::Builder::new(format!(
            "SELECT {} FROM chats c JOIN services s ON s.id = c.service_id
             WHERE c.service_id = ",
            store::reports::TIMELINE_COLUMNS
        ));
        b.push_bind(self.service)
            .push(" AND c.status != 'ended' AND c.created_at >= ")
            .push_bind(start)
            .push(" AND c.created_at < ")
            .push_bind(end);
        for r in b
            .build()
            .fetch_all_as::<crate::store::reports::ChatTimeline>(self.pool.ex())
            .await?
        {
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

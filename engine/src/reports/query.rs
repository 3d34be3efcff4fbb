//! `GET /reports` (issue 20): the figures of a period from the rollups — a few grouped
//! sums whatever the period: the days from `report_day_totals` (or, narrowed to an
//! agent or handling type, from `report_days` through their indexes), the per-agent and
//! per-type tables from the period's whole months in `report_months` and its edge days
//! in `report_days`, the heatmap from `report_hours` (narrowed: the facts' indexes) —
//! plus the chats of the period that are still open, read live (few, through a partial
//! index) and summed by the same rules.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use shared::CategoryId;
use shared::report::{AgentFigures, CategoryFigures, DayFigures, Report, ReportQuery};

use super::period::local_midnight;
use super::reading::{Reading, Tally};
use super::rollup;
use super::sums::Sums;
use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};
use crate::store;
use crate::store::report_reads::Filter;
use crate::store::rollups::measure_columns;

fn bad(field: &'static str, reason: &str) -> Error {
    Error::Invalid(shared::validate::Invalid {
        field,
        reason: reason.to_owned(),
    })
}

impl Engine {
    /// The report of the caller's service (agents limited to their own chats see their
    /// own figures only, as in history).
    pub async fn report(&self, caller: &Caller, q: &ReportQuery) -> Result<Report> {
        let service = caller.service_id().0;
        let hours =
            crate::store::services::business_hours(self.db.ex(), caller.service_id()).await?;
        let zone = rollup::zone_of(&hours);
        let today = Utc::now().with_timezone(&zone).date_naive();
        let asked = q.validate(today)?;
        let (from, to) = (asked.from, asked.to);
        let names: HashMap<i64, String> =
            crate::store::agents::names(self.db.ex(), caller.service_id(), None)
                .await?
                .into_iter()
                .map(|a| (a.id.0, a.name))
                .collect();
        let mut agent = match asked.agent {
            Some(id) if !names.contains_key(&id) => {
                return Err(bad("agent", "is not an agent of this service"));
            }
            a => a,
        };
        if !caller.sees_all_chats() {
            agent = Some(caller.agent_id().0);
        }
        let tree = crate::store::categories::tree(self.db.ex(), service).await?;
        let categories = match asked.category {
            None => None,
            Some(id) if tree.get(CategoryId(id)).is_some() => Some(
                tree.below(CategoryId(id))
                    .into_iter()
                    .map(|c| c.0)
                    .collect(),
            ),
            Some(_) => return Err(bad("category", "is not a handling type of this service")),
        };
        let channel = asked.channel;
        let f = Filter {
            agent,
            categories,
            channel,
        };
        let start = local_midnight(from, zone);
        let end = local_midnight(to + chrono::Duration::days(1), zone);
        let read = Reading::new(&self.db, service, f, from, to);
        let mut tally = read.rollups().await?;
        read.add_open(&mut tally, zone, start, end).await?;
        let Tally {
            by_day,
            by_agent,
            by_category,
            heat,
        } = tally;
        let cols = measure_columns();
        let mut totals = Sums::zero();
        for s in by_day.values() {
            totals.add(s.values());
        }
        let mut days = Vec::new();
        let mut d = from;
        while d <= to {
            let key = d.to_string();
            days.push(DayFigures {
                figures: by_day
                    .get(&key)
                    .map(|s| s.figures(&cols))
                    .unwrap_or_default(),
                day: key,
            });
            d += chrono::Duration::days(1);
        }
        let (online, breaks) = self.status_time(service, start, end).await?;
        // a key whose chats all moved elsewhere (a changed handling type) keeps a row of
        // zeros in the rollup: it is no row of the report
        let counted = |s: &Sums| s.get(&cols, "chats") > 0;
        let agents = by_agent
            .iter()
            .filter(|(id, s)| **id != 0 && counted(s))
            .map(|(id, s)| AgentFigures {
                agent_id: id.to_string(),
                name: names.get(id).cloned().unwrap_or_default(),
                figures: s.figures(&cols),
                online_secs: online.get(id).copied().unwrap_or(0),
                break_secs: breaks.get(id).copied().unwrap_or(0),
            })
            .collect();
        let mut categories: Vec<CategoryFigures> = by_category
            .iter()
            .filter(|(_, s)| counted(s))
            .map(|(id, s)| {
                let (path_ids, path) = tree
                    .path(CategoryId(*id))
                    .into_iter()
                    .map(|(c, name)| (c.to_string(), name))
                    .unzip();
                CategoryFigures {
                    category_id: (*id != 0).then(|| id.to_string()),
                    path,
                    path_ids,
                    started: s.get(&cols, "chats"),
                    handled: s.get(&cols, "handled"),
                    unhandled: s.get(&cols, "unhandled"),
                }
            })
            .collect();
        categories.sort_by(|a, b| b.started.cmp(&a.started).then(a.path.cmp(&b.path)));
        let inquiries =
            store::tickets::inquiries_between(self.db.ex(), service, start, end).await?;
        Ok(Report {
            from: from.to_string(),
            to: to.to_string(),
            time_zone: zone.name().to_owned(),
            utc_offset: {
                use chrono::Offset;
                let secs = end.with_timezone(&zone).offset().fix().local_minus_utc();
                let sign = if secs < 0 { '-' } else { '+' };
                format!(
                    "{sign}{:02}:{:02}",
                    secs.abs() / 3600,
                    secs.abs() % 3600 / 60
                )
            },
            totals: totals.figures(&cols),
            days,
            agents,
            categories,
            heatmap: heat,
            inquiries,
        })
    }

    /// Seconds each agent spent online and on a break between `start` and `end`, from
    /// the status log (the status before `start` carries in).
    async fn status_time(
        &self,
        service: i64,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<(HashMap<i64, i64>, HashMap<i64, i64>)> {
        let mut log: BTreeMap<i64, Vec<(DateTime<Utc>, String)>> = BTreeMap::new();
        for (agent, at, status) in
            crate::store::agents::status_log(self.db.ex(), service, end).await?
        {
            log.entry(agent).or_default().push((at, status));
        }
        let now = Utc::now().min(end);
        let (mut online, mut breaks) = (HashMap::new(), HashMap::new());
        for (agent, changes) in log {
            for (i, (at, status)) in changes.iter().enumerate() {
                let until = changes.get(i + 1).map_or(now, |(t, _)| *t);
                let (a, b) = ((*at).max(start), until.min(end));
                if b <= a {
                    continue;
                }
                let secs = (b - a).num_seconds();
                match status.as_str() {
                    "online" => *online.entry(agent).or_insert(0) += secs,
                    "break" => *breaks.entry(agent).or_insert(0) += secs,
                    _ => {}
                }
            }
        }
        Ok((online, breaks))
    }
}

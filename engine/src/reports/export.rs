//! A report as an `.xlsx` workbook (issue 20, C-RP-1): one sheet per table of the
//! report — summary, days, agents, handling types, satisfaction, weekday × hour — with
//! native Excel charts over the sheets' own cells (so they follow an edit), durations
//! as Excel times (`[h]:mm:ss`) and days as Excel dates. Headers in Korean or English.
//! Small (at most 731 day rows), so it is written in memory.

use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormat3ColorScale, ExcelDateTime, Format, Workbook, Worksheet,
    XlsxError,
};
use shared::i18n::{Locale, ReportTexts};
use shared::report::{Durations, Report, ReportQuery};

use crate::Engine;
use crate::caller::Caller;
use crate::error::{Error, Result};

/// A day's seconds as an Excel time (a fraction of a day).
fn time(secs: i64) -> f64 {
    secs as f64 / 86_400.0
}

struct Formats {
    bold: Format,
    time: Format,
    date: Format,
    share: Format,
    score: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            bold: Format::new().set_bold(),
            time: Format::new().set_num_format("[h]:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            share: Format::new().set_num_format("0.0%"),
            score: Format::new().set_num_format("0.00"),
        }
    }
}

/// Writes a row of headers at `row`.
fn headers(sheet: &mut Worksheet, row: u32, names: &[&str], f: &Formats) -> Result<(), XlsxError> {
    for (col, h) in names.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, *h, &f.bold)?;
    }
    Ok(())
}

/// A duration cell (blank when the figure has no samples).
fn duration(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    secs: Option<i64>,
    f: &Formats,
) -> Result<(), XlsxError> {
    if let Some(s) = secs {
        sheet.write_number_with_format(row, col, time(s), &f.time)?;
    }
    Ok(())
}

/// A chart of series in columns `cols` of `sheet` over rows `1..=rows`, categories
/// in column `cat`.
fn chart(kind: ChartType, title: &str, sheet: &str, rows: u32, cat: u16, cols: &[u16]) -> Chart {
    let mut chart = Chart::new(kind);
    chart.title().set_name(title);
    for col in cols {
        chart
            .add_series()
            .set_categories((sheet, 1, cat, rows.max(1), cat))
            .set_values((sheet, 1, *col, rows.max(1), *col))
            .set_name((sheet, 0, *col));
    }
    chart.set_width(720).set_height(320);
    chart
}

/// The whole workbook of a report.
pub(crate) fn workbook(r: &Report, t: &ReportTexts) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    let dur = |d: &Durations| (d.p50_secs, d.p90_secs);

    // summary: one figure per row
    {
        let sheet = book.add_worksheet();
        sheet.set_name(t.summary)?;
        sheet.set_column_width(0, 34)?.set_column_width(1, 18)?;
        headers(sheet, 0, &[t.figure, t.value], &f)?;
        let g = &r.totals;
        let mut row = 1;
        let mut text = |sheet: &mut Worksheet, name: &str, v: &str| -> Result<(), XlsxError> {
            sheet.write_string(row, 0, name)?;
            sheet.write_string(row, 1, v)?;
            row += 1;
            Ok(())
        };
        text(sheet, t.period, &format!("{} ~ {}", r.from, r.to))?;
        text(sheet, t.time_zone, &r.time_zone)?;
        for (name, v) in [
            (t.started, g.started),
            (t.handled, g.handled),
            (t.unhandled, g.unhandled),
            (t.open, g.open),
            (t.abandoned, g.abandoned_in_queue),
            (t.transfers, g.transfers),
            (t.reroutes, g.reroutes),
            (t.inquiries, r.inquiries),
            (t.ratings, g.csat.count),
        ] {
            sheet.write_string(row, 0, name)?;
            sheet.write_number(row, 1, v as f64)?;
            row += 1;
        }
        for (name, d) in [
            (t.wait, &g.wait_to_assignment),
            (t.wait_open, &g.wait_to_open),
            (t.first_response, &g.first_response),
            (t.handling, &g.handling),
        ] {
            for (suffix, v) in [
                ("p50", d.p50_secs),
                ("p90", d.p90_secs),
                (t.mean, d.mean_secs),
            ] {
                sheet.write_string(row, 0, format!("{name} ({suffix})"))?;
                duration(sheet, row, 1, v, &f)?;
                row += 1;
            }
        }
        sheet.write_string(row, 0, t.csat)?;
        if let Some(a) = g.csat.average {
            sheet.write_number_with_format(row, 1, a, &f.score)?;
        }
        row += 1;
        sheet.write_string(row, 0, t.response_rate)?;
        if let Some(rate) = g.csat.response_rate {
            sheet.write_number_with_format(row, 1, rate, &f.share)?;
        }
    }

    // days, with the stacked chats chart and the trends
    {
        let sheet = book.add_worksheet();
        sheet.set_name(t.per_day)?;
        let name = t.per_day;
        headers(
            sheet,
            0,
            &[
                t.day,
                t.handled,
                t.unhandled,
                t.open,
                t.started,
                &format!("{} p50", t.first_response),
                &format!("{} p90", t.first_response),
                &format!("{} p50", t.wait),
                &format!("{} p90", t.wait),
                &format!("{} p50", t.handling),
                t.csat,
                t.ratings,
            ],
            &f,
        )?;
        sheet.set_column_width(0, 12)?;
        sheet.set_column_range_width(1, 11, 15)?;
        for (i, d) in r.days.iter().enumerate() {
            let row = i as u32 + 1;
            let g = &d.figures;
            match chrono::NaiveDate::parse_from_str(&d.day, "%Y-%m-%d") {
                Ok(day) => {
                    use chrono::Datelike;
                    let date = ExcelDateTime::from_ymd(
                        day.year() as u16,
                        day.month() as u8,
                        day.day() as u8,
                    )?;
                    sheet.write_datetime_with_format(row, 0, &date, &f.date)?;
                }
                Err(_) => {
                    sheet.write_string(row, 0, &d.day)?;
                }
            }
            for (col, v) in [
                (1, g.handled),
                (2, g.unhandled),
                (3, g.open),
                (4, g.started),
            ] {
                sheet.write_number(row, col, v as f64)?;
            }
            let (fr50, fr90) = dur(&g.first_response);
            let (w50, w90) = dur(&g.wait_to_assignment);
            for (col, v) in [
                (5, fr50),
                (6, fr90),
                (7, w50),
                (8, w90),
                (9, g.handling.p50_secs),
            ] {
                duration(sheet, row, col, v, &f)?;
            }
            if let Some(a) = g.csat.average {
                sheet.write_number_with_format(row, 10, a, &f.score)?;
            }
            sheet.write_number(row, 11, g.csat.count as f64)?;
        }
        let rows = r.days.len() as u32;
        sheet.set_freeze_panes(1, 1)?;
        let mut bars = chart(
            ChartType::ColumnStacked,
            t.per_day,
            name,
            rows,
            0,
            &[1, 2, 3],
        );
        bars.x_axis().set_num_format("mm-dd");
        sheet.insert_chart(1, 13, &bars)?;
        for (at, title, cols) in [
            (18, t.trend_first_response, [5, 6]),
            (35, t.trend_wait, [7, 8]),
        ] {
            let mut trend = chart(ChartType::Line, title, name, rows, 0, &cols);
            trend.x_axis().set_num_format("mm-dd");
            trend.y_axis().set_num_format("[h]:mm:ss");
            sheet.insert_chart(at, 13, &trend)?;
        }
    }

    // agents
    {
        let sheet = book.add_worksheet();
        sheet.set_name(t.agents)?;
        headers(
            sheet,
            0,
            &[
                t.agent,
                t.started,
                t.handled,
                t.unhandled,
                t.handled_share,
                &format!("{} p50", t.first_response),
                &format!("{} p50", t.handling),
                t.csat,
                t.ratings,
                t.online,
                t.on_break,
            ],
            &f,
        )?;
        sheet.set_column_width(0, 18)?;
        sheet.set_column_range_width(1, 10, 14)?;
        for (i, a) in r.agents.iter().enumerate() {
            let row = i as u32 + 1;
            let g = &a.figures;
            sheet.write_string(row, 0, &a.name)?;
            for (col, v) in [(1, g.started), (2, g.handled), (3, g.unhandled)] {
                sheet.write_number(row, col, v as f64)?;
            }
            let ended = g.handled + g.unhandled;
            if ended > 0 {
                sheet.write_number_with_format(
                    row,
                    4,
                    g.handled as f64 / ended as f64,
                    &f.share,
                )?;
            }
            duration(sheet, row, 5, g.first_response.p50_secs, &f)?;
            duration(sheet, row, 6, g.handling.p50_secs, &f)?;
            if let Some(avg) = g.csat.average {
                sheet.write_number_with_format(row, 7, avg, &f.score)?;
            }
            sheet.write_number(row, 8, g.csat.count as f64)?;
            duration(sheet, row, 9, Some(a.online_secs), &f)?;
            duration(sheet, row, 10, Some(a.break_secs), &f)?;
        }
        if !r.agents.is_empty() {
            let bars = chart(
                ChartType::Bar,
                t.agents,
                t.agents,
                r.agents.len() as u32,
                0,
                &[2, 3],
            );
            sheet.insert_chart(1, 12, &bars)?;
        }
    }

    // handling types, most chats first, a column per level
    {
        let sheet = book.add_worksheet();
        sheet.set_name(t.top_types)?;
        headers(
            sheet,
            0,
            &[t.category, "1", "2", "3", t.started, t.handled, t.unhandled],
            &f,
        )?;
        sheet.set_column_width(0, 36)?;
        sheet.set_column_range_width(1, 3, 16)?;
        for (i, c) in r.categories.iter().enumerate() {
            let row = i as u32 + 1;
            let path = if c.path.is_empty() {
                t.no_type.to_owned()
            } else {
                c.path.join(" > ")
            };
            sheet.write_string(row, 0, path)?;
            for (level, name) in c.path.iter().take(3).enumerate() {
                sheet.write_string(row, 1 + level as u16, name)?;
            }
            for (col, v) in [(4, c.started), (5, c.handled), (6, c.unhandled)] {
                sheet.write_number(row, col, v as f64)?;
            }
        }
        if !r.categories.is_empty() {
            let shown = r.categories.len().min(10) as u32;
            let bars = chart(ChartType::Bar, t.top_types, t.top_types, shown, 0, &[4]);
            sheet.insert_chart(1, 8, &bars)?;
        }
    }

    // satisfaction scores
    {
        let sheet = book.add_worksheet();
        sheet.set_name(t.csat_distribution)?;
        headers(sheet, 0, &[t.score, t.count], &f)?;
        for (i, n) in r.totals.csat.distribution.iter().enumerate() {
            sheet.write_number(i as u32 + 1, 0, (i + 1) as f64)?;
            sheet.write_number(i as u32 + 1, 1, *n as f64)?;
        }
        let bars = chart(
            ChartType::Column,
            t.csat_distribution,
            t.csat_distribution,
            5,
            0,
            &[1],
        );
        sheet.insert_chart(1, 3, &bars)?;
    }

    // weekday × hour starts, shaded like the screen's heatmap
    {
        let sheet = book.add_worksheet();
        sheet.set_name(t.heatmap)?;
        sheet.write_string_with_format(0, 0, t.day, &f.bold)?;
        for h in 0..24u16 {
            sheet.write_number_with_format(0, h + 1, h as f64, &f.bold)?;
        }
        for (d, row) in r.heatmap.iter().enumerate() {
            let at = d as u32 + 1;
            sheet.write_string_with_format(
                at,
                0,
                t.weekdays.get(d).copied().unwrap_or(""),
                &f.bold,
            )?;
            for (h, n) in row.iter().enumerate() {
                sheet.write_number(at, h as u16 + 1, *n as f64)?;
            }
        }
        sheet.add_conditional_format(1, 1, 7, 24, &ConditionalFormat3ColorScale::new())?;
    }
    book.save_to_buffer()
}

impl Engine {
    /// The caller's report (the same figures as [`Engine::report`]) as an `.xlsx`
    /// workbook, and its file name (`report-FROM-TO.xlsx`).
    pub async fn report_xlsx(&self, caller: &Caller, q: &ReportQuery) -> Result<(Vec<u8>, String)> {
        let report = self.report(caller, q).await?;
        let texts = Locale::parse(q.lang.as_deref().unwrap_or("ko"))
            .unwrap_or(Locale::Ko)
            .texts()
            .reports();
        let name = format!("report-{}-{}.xlsx", report.from, report.to);
        let bytes = tokio::task::spawn_blocking(move || workbook(&report, texts))
            .await
            .map_err(|e| Error::Internal(format!("report export: {e}")))?
            .map_err(|e| Error::Internal(format!("report export: {e}")))?;
        Ok((bytes, name))
    }
}

//! What a customer reads while nobody can talk yet (issue 18): their place in the
//! queue with the estimated wait (live from `queue.updated` frames), and the service's
//! business hours in the absent notice when chat is closed outside them.

use leptos::prelude::*;
use shared::i18n::fill;
use shared::{BusinessHours, QueuePlace};

use crate::i18n::use_texts;

/// The queue banner of a waiting chat: "대기 순서: 2번째" and the estimate ("예상 대기
/// 시간: 약 3분", "곧 연결됩니다" under a minute, "잠시만 기다려 주세요" without one).
#[component]
pub fn QueueBanner(place: Signal<Option<QueuePlace>>) -> impl IntoView {
    let t = use_texts();
    let estimate = move || {
        let r = t.get().routing;
        match place.get().and_then(|p| p.estimated_wait_secs) {
            None => r.queue_no_estimate.to_owned(),
            Some(s) if s < 60 => r.queue_soon.to_owned(),
            Some(s) => fill(r.queue_estimate, "m", (s + 59) / 60),
        }
    };
    view! {
        <div class="chat-banner queue-banner" role="status" data-testid="queue-banner">
            <strong>{move || t.get().routing.queue_title}</strong>
            {move || place.get().map(|p| view! {
                <span data-testid="queue-position">{fill(t.get().routing.queue_position, "n", p.position)}</span>
            })}
            <span data-testid="queue-estimate">{estimate}</span>
        </div>
    }
}

/// "HH:MM–HH:MM, …" of one day, or the closed word.
fn day_text(spans: &[shared::Span], closed: &str) -> String {
    if spans.is_empty() {
        return closed.to_owned();
    }
    spans
        .iter()
        .map(|s| format!("{}–{}", s.start, s.end))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The service's weekly hours (Monday first) and its time zone, for the absent notice.
#[component]
pub fn HoursTable(hours: BusinessHours) -> impl IntoView {
    let t = use_texts();
    let w = &hours.weekly;
    let days = [&w.mon, &w.tue, &w.wed, &w.thu, &w.fri, &w.sat, &w.sun].map(|d| d.clone());
    view! {
        <div class="hours" data-testid="hours-table">
            <strong>{move || t.get().routing.hours_title}</strong>
            <span class="muted">{format!(" ({})", hours.time_zone)}</span>
            <dl class="hours-days">
                {days.into_iter().enumerate().map(|(i, spans)| view! {
                    <dt>{move || t.get().routing.weekdays[i]}</dt>
                    <dd>{move || day_text(&spans, t.get().routing.closed_day)}</dd>
                }).collect_view()}
            </dl>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::Span;

    #[test]
    fn a_day_reads_as_its_ranges() {
        assert_eq!(day_text(&[], "휴무"), "휴무");
        assert_eq!(
            day_text(
                &[Span::new("09:00", "12:00"), Span::new("13:00", "18:00")],
                "휴무"
            ),
            "09:00–12:00, 13:00–18:00"
        );
    }
}

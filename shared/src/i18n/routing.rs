//! Texts of routing (issue 18): the waiting customer's queue, the business hours, the
//! console's capacity and transfer, and the admin's routing settings and board. Kept
//! apart from the main table so it does not grow without end; `{n}`-style holes are
//! filled with [`fill`].

/// Replaces `{key}` in a text with a value.
pub fn fill(text: &str, key: &str, value: impl std::fmt::Display) -> String {
    text.replace(&format!("{{{key}}}"), &value.to_string())
}

#[derive(Debug)]
pub struct RoutingTexts {
    // the customer's window
    /// `{n}`: the customer's position (1 = next).
    pub queue_position: &'static str,
    /// `{m}`: minutes, rounded up.
    pub queue_estimate: &'static str,
    pub queue_soon: &'static str,
    pub queue_no_estimate: &'static str,
    pub queue_title: &'static str,
    pub agent_changed: &'static str,
    pub hours_title: &'static str,
    pub outside_hours: &'static str,
    pub closed_day: &'static str,
    /// Monday first.
    pub weekdays: [&'static str; 7],
    // the console
    /// `{n}` chats waiting.
    pub queue_length: &'static str,
    pub transfer: &'static str,
    pub transfer_title: &'static str,
    pub transfer_to: &'static str,
    pub transfer_to_queue: &'static str,
    pub transfer_note: &'static str,
    pub transfer_submit: &'static str,
    pub transfer_cancel: &'static str,
    pub transfer_full: &'static str,
    pub rerouted_away: &'static str,
    pub handovers_title: &'static str,
    pub handover_transfer: &'static str,
    pub handover_reroute: &'static str,
    pub handover_offline: &'static str,
    pub handover_supervisor: &'static str,
    pub the_queue: &'static str,
    pub note_label: &'static str,
    // admin
    pub routing_title: &'static str,
    pub capacity_label: &'static str,
    pub agent_capacity_label: &'static str,
    pub capacity_default: &'static str,
    pub reroute_label: &'static str,
    pub hold_label: &'static str,
    pub hours_enabled: &'static str,
    pub time_zone_label: &'static str,
    /// `{day}`: a weekday name.
    pub day_hours_label: &'static str,
    pub day_hours_hint: &'static str,
    pub holidays_label: &'static str,
    pub chat_outside_hours: &'static str,
    pub board_title: &'static str,
    pub board_agent: &'static str,
    pub board_status: &'static str,
    pub board_load: &'static str,
    pub board_queue: &'static str,
    pub board_queue_empty: &'static str,
    pub board_waiting_since: &'static str,
    pub board_set_status: &'static str,
    pub board_open: &'static str,
    pub board_closed: &'static str,
}

pub static KO: RoutingTexts = RoutingTexts {
    queue_position: "대기 순서: {n}번째",
    queue_estimate: "예상 대기 시간: 약 {m}분",
    queue_soon: "곧 연결됩니다",
    queue_no_estimate: "잠시만 기다려 주세요",
    queue_title: "상담원 연결 대기 중",
    agent_changed: "상담원이 변경되었습니다",
    hours_title: "상담 가능 시간",
    outside_hours: "지금은 채팅 상담 시간이 아닙니다.",
    closed_day: "휴무",
    weekdays: ["월", "화", "수", "목", "금", "토", "일"],
    queue_length: "대기 {n}",
    transfer: "이관",
    transfer_title: "채팅 이관",
    transfer_to: "받을 상담원",
    transfer_to_queue: "대기열 (누구나)",
    transfer_note: "전달 메모 (선택)",
    transfer_submit: "이관하기",
    transfer_cancel: "취소",
    transfer_full: "가득 참",
    rerouted_away: "응답하지 않은 채팅이 다른 상담원에게 넘어갔습니다.",
    handovers_title: "이관 기록",
    handover_transfer: "이관",
    handover_reroute: "무응답 재배정",
    handover_offline: "오프라인 자동 이관",
    handover_supervisor: "관리자 상태 변경",
    the_queue: "대기열",
    note_label: "메모",
    routing_title: "배정",
    capacity_label: "상담원당 동시 채팅 수 (기본값, 1–50)",
    agent_capacity_label: "동시 채팅 수",
    capacity_default: "기본값",
    reroute_label: "무응답 재배정 시간 (초, 30–3600, 비우면 사용 안 함)",
    hold_label: "최근 상담원 우선 대기 시간 (초, 0–1800)",
    hours_enabled: "상담 시간 사용",
    time_zone_label: "시간대 (IANA, 예: Asia/Seoul)",
    day_hours_label: "{day}요일 상담 시간",
    day_hours_hint: "예: 09:00-12:00, 13:00-18:00 (비우면 휴무)",
    holidays_label: "휴일 (YYYY-MM-DD, 줄마다 하나)",
    chat_outside_hours: "상담 시간 외에도 온라인 상담원이 채팅 받기",
    board_title: "상담원 현황",
    board_agent: "상담원",
    board_status: "상태",
    board_load: "대화중 / 최대",
    board_queue: "대기열",
    board_queue_empty: "대기 중인 고객이 없습니다.",
    board_waiting_since: "대기 시작",
    board_set_status: "상태 변경",
    board_open: "상담 시간 중",
    board_closed: "상담 시간 외",
};

pub static EN: RoutingTexts = RoutingTexts {
    queue_position: "You are number {n} in line",
    queue_estimate: "Estimated wait: about {m} min",
    queue_soon: "You will be connected shortly",
    queue_no_estimate: "Please wait a moment",
    queue_title: "Waiting for an agent",
    agent_changed: "Your agent has changed",
    hours_title: "Chat hours",
    outside_hours: "We are outside our chat hours right now.",
    closed_day: "Closed",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    queue_length: "Waiting {n}",
    transfer: "Transfer",
    transfer_title: "Transfer chat",
    transfer_to: "To agent",
    transfer_to_queue: "The queue (anyone)",
    transfer_note: "Note for the receiver (optional)",
    transfer_submit: "Transfer",
    transfer_cancel: "Cancel",
    transfer_full: "full",
    rerouted_away: "A chat you did not answer in time moved to another agent.",
    handovers_title: "Hand-overs",
    handover_transfer: "Transfer",
    handover_reroute: "Re-routed (no answer)",
    handover_offline: "Handed over (offline)",
    handover_supervisor: "Status set by an admin",
    the_queue: "the queue",
    note_label: "Note",
    routing_title: "Routing",
    capacity_label: "Chats per agent at once (default, 1–50)",
    agent_capacity_label: "Chats at once",
    capacity_default: "Default",
    reroute_label: "Re-route unanswered chats after (seconds, 30–3600; empty = off)",
    hold_label: "Hold for the customer's recent agent (seconds, 0–1800)",
    hours_enabled: "Use business hours",
    time_zone_label: "Time zone (IANA, e.g. Asia/Seoul)",
    day_hours_label: "{day} hours",
    day_hours_hint: "e.g. 09:00-12:00, 13:00-18:00 (empty = closed)",
    holidays_label: "Holidays (YYYY-MM-DD, one per line)",
    chat_outside_hours: "Online agents take chats outside the hours",
    board_title: "Agents now",
    board_agent: "Agent",
    board_status: "Status",
    board_load: "In chat / max",
    board_queue: "Queue",
    board_queue_empty: "Nobody is waiting.",
    board_waiting_since: "Waiting since",
    board_set_status: "Set status",
    board_open: "Inside chat hours",
    board_closed: "Outside chat hours",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_filled() {
        assert_eq!(fill(KO.queue_position, "n", 2), "대기 순서: 2번째");
        assert_eq!(
            fill(&fill(EN.day_hours_label, "day", "Mon"), "x", 3),
            "Mon hours"
        );
    }
}

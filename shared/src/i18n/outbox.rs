//! Texts of the message outbox (issue 31): what a person sees of messages the network
//! has not carried yet.

#[derive(Debug)]
pub struct OutboxTexts {
    /// A message not acknowledged yet, while it is being sent.
    pub sending: &'static str,
    /// A message the network did not carry yet; it is tried again by itself.
    pub waiting: &'static str,
    /// Sends every waiting message now.
    pub retry_now: &'static str,
    /// The banner while the network is away (a live region announces it).
    pub offline: &'static str,
    /// A message the server refused: it is not sent, with the reason after it.
    pub not_sent: &'static str,
    /// Removes a refused message from the window.
    pub discard: &'static str,
}

pub static KO: OutboxTexts = OutboxTexts {
    sending: "전송 중…",
    waiting: "아직 보내지 못했습니다 · 자동으로 다시 보냅니다",
    retry_now: "지금 다시 보내기",
    offline: "연결이 끊겼습니다. 다시 연결되면 보냅니다.",
    not_sent: "보내지 못했습니다",
    discard: "지우기",
};

pub static EN: OutboxTexts = OutboxTexts {
    sending: "Sending…",
    waiting: "Not sent yet · will retry by itself",
    retry_now: "Retry now",
    offline: "You are offline. Messages will be sent when the connection is back.",
    not_sent: "Not sent",
    discard: "Remove",
};

//! Texts of what the sides signal besides messages (issue 19): typing and 읽음.

#[derive(Debug)]
pub struct SignalTexts {
    /// The customer's window while the agent types.
    pub agent_typing: &'static str,
    /// The console while the customer types.
    pub customer_typing: &'static str,
    /// The chat list's tag for a customer typing.
    pub typing_tag: &'static str,
    /// Beside a message the other side has read.
    pub read: &'static str,
    /// The admin's switch for the typing preview.
    pub typing_preview_label: &'static str,
}

pub static KO: SignalTexts = SignalTexts {
    agent_typing: "상담원이 입력 중…",
    customer_typing: "고객이 입력 중…",
    typing_tag: "입력 중",
    read: "읽음",
    typing_preview_label: "고객이 입력 중인 내용을 상담원에게 미리 보여주기 (저장하지 않음)",
};

pub static EN: SignalTexts = SignalTexts {
    agent_typing: "The agent is typing…",
    customer_typing: "The customer is typing…",
    typing_tag: "typing",
    read: "Read",
    typing_preview_label: "Show agents what a customer is typing before it is sent (never stored)",
};

//! Texts of the console's alerts and keyboard shortcuts (issue 19).

#[derive(Debug)]
pub struct DeskTexts {
    pub desktop_alerts: &'static str,
    pub sound_alerts: &'static str,
    pub alerts_explain: &'static str,
    pub alerts_blocked: &'static str,
    pub new_chat: &'static str,
    pub new_message: &'static str,
    pub shortcuts_title: &'static str,
    pub shortcuts_open: &'static str,
    /// (keys, what they do), in the order the overlay lists them.
    pub shortcuts: [(&'static str, &'static str); 6],
    pub close: &'static str,
    pub end_confirm: &'static str,
}

pub static KO: DeskTexts = DeskTexts {
    desktop_alerts: "데스크톱 알림",
    sound_alerts: "알림음",
    alerts_explain: "다른 탭을 보고 있어도 새 채팅과 고객 메시지를 알려 드립니다. 켜면 브라우저가 알림 권한을 묻습니다.",
    alerts_blocked: "브라우저가 알림을 막고 있습니다. 주소창의 사이트 설정에서 알림을 허용해 주세요.",
    new_chat: "새 채팅",
    new_message: "새 고객 메시지",
    shortcuts_title: "단축키",
    shortcuts_open: "단축키 보기 (?)",
    shortcuts: [
        ("Alt + ↓", "다음 채팅 (읽지 않은 채팅 먼저)"),
        ("Alt + ↑", "이전 채팅"),
        ("Alt + I", "메시지 입력창으로"),
        ("Alt + /", "상용구 열기"),
        ("Alt + E", "대화 종료 (확인 후)"),
        ("?", "이 도움말"),
    ],
    close: "닫기",
    end_confirm: "이 대화를 종료할까요?",
};

pub static EN: DeskTexts = DeskTexts {
    desktop_alerts: "Desktop notifications",
    sound_alerts: "Sound",
    alerts_explain: "Hear of new chats and customer messages while you look at another tab. Turning it on makes the browser ask for permission.",
    alerts_blocked: "The browser blocks notifications. Allow them in the site settings next to the address bar.",
    new_chat: "New chat",
    new_message: "New customer message",
    shortcuts_title: "Keyboard shortcuts",
    shortcuts_open: "Keyboard shortcuts (?)",
    shortcuts: [
        ("Alt + ↓", "Next chat (unread first)"),
        ("Alt + ↑", "Previous chat"),
        ("Alt + I", "Focus the message box"),
        ("Alt + /", "Open canned replies"),
        ("Alt + E", "End the chat (after confirming)"),
        ("?", "This help"),
    ],
    close: "Close",
    end_confirm: "End this chat?",
};

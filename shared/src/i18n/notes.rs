//! Texts of internal notes (내부 메모, issue 19).

#[derive(Debug)]
pub struct NoteTexts {
    /// The label on a note, in the console, history, tickets and the export.
    pub label: &'static str,
    /// The switch beside the message box.
    pub mode: &'static str,
    /// The send button while writing a note.
    pub send: &'static str,
}

pub static KO: NoteTexts = NoteTexts {
    label: "내부 메모",
    mode: "내부 메모 쓰기 (고객에게 보이지 않음)",
    send: "메모 남기기",
};

pub static EN: NoteTexts = NoteTexts {
    label: "Internal note",
    mode: "Write an internal note (the customer never sees it)",
    send: "Add note",
};

//! Texts of canned replies (상용구, issue 19): the `/` list and the management screen.

#[derive(Debug)]
pub struct CannedTexts {
    pub nav: &'static str,
    pub title: &'static str,
    pub list_label: &'static str,
    pub none_found: &'static str,
    pub hint: &'static str,
    pub field_title: &'static str,
    pub field_shortcut: &'static str,
    /// `{lang}`: the language's own name.
    pub field_text: &'static str,
    pub field_service_wide: &'static str,
    pub placeholders_help: &'static str,
    pub add: &'static str,
    pub edit: &'static str,
    pub delete: &'static str,
    pub cancel: &'static str,
    pub mine: &'static str,
    pub service: &'static str,
    pub empty: &'static str,
}

pub static KO: CannedTexts = CannedTexts {
    nav: "상용구",
    title: "상용구",
    list_label: "상용구 목록",
    none_found: "맞는 상용구가 없습니다.",
    hint: "메시지 입력창에서 /를 입력하면 상용구를 찾을 수 있습니다 (↑↓ 선택, Enter 넣기, Esc 닫기).",
    field_title: "제목",
    field_shortcut: "단축어 (선택, 공백 없이)",
    field_text: "내용 ({lang})",
    field_service_wide: "서비스 전체 상용구 (관리자)",
    placeholders_help: "자리표시자: {customer_name} 고객 이름, {agent_name} 상담원 이름, {service_name} 서비스 이름",
    add: "상용구 추가",
    edit: "수정",
    delete: "삭제",
    cancel: "취소",
    mine: "내 상용구",
    service: "서비스 공용",
    empty: "아직 상용구가 없습니다.",
};

pub static EN: CannedTexts = CannedTexts {
    nav: "Canned replies",
    title: "Canned replies",
    list_label: "Canned replies",
    none_found: "No canned reply matches.",
    hint: "Type / in the message box to find a canned reply (↑↓ to choose, Enter to insert, Esc to close).",
    field_title: "Title",
    field_shortcut: "Shortcut (optional, no spaces)",
    field_text: "Text ({lang})",
    field_service_wide: "For the whole service (admins)",
    placeholders_help: "Placeholders: {customer_name}, {agent_name}, {service_name}",
    add: "Add canned reply",
    edit: "Edit",
    delete: "Delete",
    cancel: "Cancel",
    mine: "Mine",
    service: "Service-wide",
    empty: "No canned replies yet.",
};

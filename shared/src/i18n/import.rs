//! Texts of the admin's Excel import panel (issue 21).

#[derive(Debug)]
pub struct ImportTexts {
    pub title: &'static str,
    pub hint: &'static str,
    pub template: &'static str,
    pub file: &'static str,
    pub preview: &'static str,
    pub import: &'static str,
    pub cancel: &'static str,
    pub summary: &'static str,
    pub row: &'static str,
    pub error: &'static str,
    pub ok: &'static str,
    pub path: &'static str,
    pub creates: &'static str,
    pub done: &'static str,
    pub password: &'static str,
    pub categories_created: &'static str,
    /// A row's error in the console's words, by code (`shared::import::ROW_ERRORS`).
    pub row_errors: [(&'static str, &'static str); 9],
}

impl ImportTexts {
    /// The words of a row error's code (the server's own wording for an unknown one).
    pub fn row_error<'a>(
        &self,
        code: Option<&str>,
        fallback: &'a str,
    ) -> std::borrow::Cow<'a, str> {
        match code.and_then(|c| self.row_errors.iter().find(|(k, _)| *k == c)) {
            Some((_, text)) => std::borrow::Cow::Borrowed(text),
            None => std::borrow::Cow::Borrowed(fallback),
        }
    }
}

pub static KO: ImportTexts = ImportTexts {
    title: "엑셀로 가져오기",
    hint: "상담원(이름, 이메일, 역할, 채팅 권한)과 처리유형(한 행에 한 경로, 단계마다 한 열)을 엑셀 파일에서 한 번에 등록합니다. 미리 보기에서 오류가 없어야 가져올 수 있고, 가져오기는 전부 되거나 전혀 되지 않습니다.",
    template: "양식 내려받기",
    file: "엑셀 파일 (.xlsx)",
    preview: "미리 보기",
    import: "가져오기",
    cancel: "취소",
    summary: "상담원 {agents}명, 처리유형 {categories}개를 새로 만듭니다. 오류 {errors}건.",
    row: "행",
    error: "오류",
    ok: "정상",
    path: "경로",
    creates: "새로 만들 단계",
    done: "가져왔습니다. 아래 비밀번호는 다시 보여 주지 않으니 각 상담원에게 전해 주세요.",
    password: "비밀번호",
    categories_created: "새로 만든 처리유형: {n}개",
    row_errors: [
        ("name_invalid", "이름이 비었거나 너무 깁니다"),
        ("email_invalid", "이메일 주소가 올바르지 않습니다"),
        ("email_taken", "이미 있는 계정의 이메일입니다"),
        ("email_twice", "파일 안에 같은 이메일이 두 번 있습니다"),
        (
            "role_unknown",
            "역할은 admin(관리자) 또는 agent(상담원)여야 합니다",
        ),
        ("permission_unknown", "채팅 권한은 Y 또는 N이어야 합니다"),
        (
            "level_fourth",
            "4단계가 있습니다: 처리유형은 3단계까지입니다",
        ),
        ("level_gap", "경로 중간의 단계가 비어 있습니다"),
        ("type_name_invalid", "처리유형 이름이 너무 깁니다"),
    ],
};

pub static EN: ImportTexts = ImportTexts {
    title: "Import from Excel",
    hint: "Adds agents (name, email, role, chat permission) and handling types (one path per row, a column per level) from a workbook. The preview must show no errors; the import is all or nothing.",
    template: "Download the template",
    file: "Workbook (.xlsx)",
    preview: "Preview",
    import: "Import",
    cancel: "Cancel",
    summary: "Creates {agents} agents and {categories} handling types. {errors} errors.",
    row: "Row",
    error: "Error",
    ok: "OK",
    path: "Path",
    creates: "New levels",
    done: "Imported. The passwords below are not shown again: pass them on to each agent.",
    password: "Password",
    categories_created: "Handling types created: {n}",
    row_errors: [
        ("name_invalid", "the name is empty or too long"),
        ("email_invalid", "the email address is not valid"),
        ("email_taken", "an account with this email exists already"),
        ("email_twice", "the email is in the file twice"),
        ("role_unknown", "the role must be admin or agent"),
        ("permission_unknown", "the chat permission must be Y or N"),
        (
            "level_fourth",
            "a fourth level: handling types have at most three",
        ),
        ("level_gap", "an empty level in the middle of the path"),
        ("type_name_invalid", "a handling type's name is too long"),
    ],
};

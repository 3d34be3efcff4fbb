//! Texts of the widget appearance panel (issue 33): colour, corner, launcher label,
//! welcome lines, and the live preview.

#[derive(Debug)]
pub struct AppearanceTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub color: &'static str,
    pub color_hint: &'static str,
    /// `{ratio}`: white text's contrast on the colour.
    pub too_pale: &'static str,
    pub not_a_color: &'static str,
    pub position: &'static str,
    pub right: &'static str,
    pub left: &'static str,
    /// `{lang}`: the language's name.
    pub label: &'static str,
    pub welcome_title: &'static str,
    pub welcome_subtitle: &'static str,
    pub preview: &'static str,
    pub preview_host: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
}

pub static KO: AppearanceTexts = AppearanceTexts {
    title: "위젯 모양",
    intro: "고객 사이트의 채팅 버튼과 채팅 창, 헬프센터에 서비스의 색과 문구를 입힙니다. 저장하면 다음 페이지 로드부터 바로 적용됩니다.",
    color: "브랜드 색",
    color_hint: "흰 글자가 잘 읽히는 색이어야 합니다 (명도 대비 4.5:1 이상).",
    too_pale: "흰 글자의 명도 대비가 {ratio}:1입니다. 4.5:1 이상이 되도록 더 진한 색을 고르세요.",
    not_a_color: "#2456e8처럼 # 뒤에 여섯 자리 16진수로 적어 주세요.",
    position: "버튼 위치",
    right: "오른쪽 아래",
    left: "왼쪽 아래",
    label: "버튼 문구 ({lang})",
    welcome_title: "채팅 창 제목 ({lang})",
    welcome_subtitle: "채팅 창 부제 ({lang})",
    preview: "미리 보기",
    preview_host: "고객 사이트",
    save: "위젯 모양 저장",
    saved: "저장했습니다.",
};

pub static EN: AppearanceTexts = AppearanceTexts {
    title: "Widget appearance",
    intro: "Put your service's colour and words on the chat button and window on your sites, and on the help center. Saved changes show on the next page load.",
    color: "Brand colour",
    color_hint: "White text must read well on it (contrast 4.5:1 or more).",
    too_pale: "White text on it has a contrast of {ratio}:1. Pick a darker colour that reaches 4.5:1.",
    not_a_color: "Write it as # and six hex digits, like #2456e8.",
    position: "Button position",
    right: "Bottom right",
    left: "Bottom left",
    label: "Button label ({lang})",
    welcome_title: "Chat window title ({lang})",
    welcome_subtitle: "Chat window subtitle ({lang})",
    preview: "Preview",
    preview_host: "Your site",
    save: "Save widget appearance",
    saved: "Saved.",
};

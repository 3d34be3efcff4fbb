//! UI texts in Korean (default) and English.
//!
//! Decision: a plain struct of `&'static str` per language instead of leptos_i18n. The
//! compiler checks that every language has every text, nothing is loaded at run time, the
//! strings are shared by the server render and the browser bundle, and the wasm carries
//! no translation runtime. Components never hold literal UI strings; they read `Texts`.

use serde::{Deserialize, Serialize};

/// A UI language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    Ko,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ko, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Ko => "ko",
            Locale::En => "en",
        }
    }

    /// Parses a language code (`ko`, `en`, `en-US`, …); unknown codes give `None`.
    pub fn parse(s: &str) -> Option<Locale> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ko" => Some(Locale::Ko),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language's own name, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Ko => "한국어",
            Locale::En => "English",
        }
    }

    /// Reads the locale cookie out of a `Cookie:` header value.
    pub fn from_cookie_header(header: &str) -> Option<Locale> {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == crate::LOCALE_COOKIE)
            .and_then(|(_, v)| Locale::parse(v))
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::Ko => &KO,
            Locale::En => &EN,
        }
    }
}

/// A help-center article as the landing page lists it.
#[derive(Debug)]
pub struct Article {
    pub title: &'static str,
    pub summary: &'static str,
}

/// Every text the UI shows, for one language.
#[derive(Debug)]
pub struct Texts {
    pub product: &'static str,
    pub language: &'static str,
    // help center
    pub hc_title_suffix: &'static str,
    pub hc_hero_title: &'static str,
    pub hc_hero_subtitle: &'static str,
    pub hc_search_placeholder: &'static str,
    pub hc_search_label: &'static str,
    pub hc_popular: &'static str,
    pub hc_no_results: &'static str,
    pub hc_contact_title: &'static str,
    pub hc_contact_body: &'static str,
    pub hc_chat_hours: &'static str,
    pub hc_footer: &'static str,
    pub hc_articles: &'static [Article],
    pub hc_topics: &'static [&'static str],
    pub hc_topics_title: &'static str,
    // errors
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub not_found_service: &'static str,
    pub forbidden_title: &'static str,
    pub forbidden_admin_body: &'static str,
    pub go_home: &'static str,
    pub go_console: &'static str,
    pub loading: &'static str,
    // console
    pub console_title: &'static str,
    pub login_title: &'static str,
    pub login_subtitle: &'static str,
    pub login_email: &'static str,
    pub login_password: &'static str,
    pub login_submit: &'static str,
    pub logout: &'static str,
    pub nav_chat: &'static str,
    pub nav_history: &'static str,
    pub nav_tickets: &'static str,
    pub nav_admin: &'static str,
    pub role_admin: &'static str,
    pub role_agent: &'static str,
    pub status_online: &'static str,
    pub status_break: &'static str,
    pub status_offline: &'static str,
    pub in_conversation: &'static str,
    pub chat_empty_title: &'static str,
    pub chat_empty_body: &'static str,
    pub chat_no_permission: &'static str,
    pub history_empty: &'static str,
    pub tickets_empty: &'static str,
    // admin
    pub admin_title: &'static str,
    pub admin_contract: &'static str,
    pub admin_contract_chat: &'static str,
    pub admin_contract_security: &'static str,
    pub admin_hc_chat: &'static str,
    pub admin_languages: &'static str,
    pub admin_agents: &'static str,
    pub admin_col_name: &'static str,
    pub admin_col_email: &'static str,
    pub admin_col_role: &'static str,
    pub admin_col_chat_permission: &'static str,
    pub admin_col_status: &'static str,
    pub admin_need_login: &'static str,
    pub on: &'static str,
    pub off: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub deactivated: &'static str,
    pub chat_open_label: &'static str,
    pub chat_title: &'static str,
    pub close: &'static str,
    pub absent_title: &'static str,
    pub absent_body: &'static str,
    pub inquiry_button: &'static str,
    pub inquiry_title: &'static str,
    pub inquiry_name: &'static str,
    pub inquiry_email: &'static str,
    pub inquiry_subject: &'static str,
    pub inquiry_body: &'static str,
    pub inquiry_submit: &'static str,
    pub inquiry_sent: &'static str,
    pub consent_title: &'static str,
    pub consent_body: &'static str,
    pub consent_accept: &'static str,
    pub message_placeholder: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub send_failed: &'static str,
    pub end_chat: &'static str,
    pub chat_ended: &'static str,
    pub new_chat: &'static str,
    pub reconnecting: &'static str,
    pub waiting_agent: &'static str,
    pub transcript_label: &'static str,
    pub agent_status_label: &'static str,
    pub chat_list_label: &'static str,
    pub customer_ended_badge: &'static str,
    pub customer_ended_note: &'static str,
    pub select_chat: &'static str,
    pub customer_info: &'static str,
    pub consult_info: &'static str,
    pub channel_label: &'static str,
    pub channel_helpcenter: &'static str,
    pub ip_label: &'static str,
    pub started_label: &'static str,
    pub new_chat_badge: &'static str,
}

pub static KO: Texts = Texts {
    product: "Online Contact",
    language: "언어",
    hc_title_suffix: "고객센터",
    hc_hero_title: "무엇을 도와드릴까요?",
    hc_hero_subtitle: "자주 묻는 질문에서 답을 찾거나, 상담원과 바로 채팅하세요.",
    hc_search_placeholder: "궁금한 내용을 검색하세요 (예: 환불, 배송)",
    hc_search_label: "도움말 검색",
    hc_popular: "자주 묻는 질문",
    hc_no_results: "검색 결과가 없습니다. 다른 단어로 검색하거나 1:1 문의를 남겨 주세요.",
    hc_contact_title: "원하는 답을 찾지 못하셨나요?",
    hc_contact_body: "오른쪽 아래 채팅 아이콘을 눌러 상담원과 대화하거나, 상담원이 부재중이면 1:1 문의를 남겨 주세요.",
    hc_chat_hours: "채팅 상담: 평일 09:00 – 18:00 (주말·공휴일 제외)",
    hc_footer: "Online Contact로 운영되는 고객센터입니다.",
    hc_articles: &[
        Article {
            title: "채팅 상담은 어떻게 시작하나요?",
            summary: "화면 오른쪽 아래의 채팅 아이콘을 누르고 개인정보 수집에 동의하면 상담원과 대화를 시작할 수 있습니다.",
        },
        Article {
            title: "상담원이 부재중일 때는 어떻게 하나요?",
            summary: "부재중 안내 창의 ‘문의하기’ 버튼으로 1:1 문의를 남기면 답변을 이메일로 받아보실 수 있습니다.",
        },
        Article {
            title: "주문을 취소하거나 환불받고 싶어요",
            summary: "배송 전 주문은 마이페이지에서 바로 취소할 수 있고, 환불은 결제 수단에 따라 3~5 영업일이 걸립니다.",
        },
        Article {
            title: "배송 조회는 어디에서 하나요?",
            summary: "마이페이지 → 주문 내역에서 송장 번호를 눌러 배송 상태를 확인하세요.",
        },
        Article {
            title: "비밀번호를 잊어버렸어요",
            summary: "로그인 화면의 ‘비밀번호 찾기’에서 가입한 이메일로 재설정 링크를 받을 수 있습니다.",
        },
        Article {
            title: "채팅 내용에 개인정보가 남나요?",
            summary: "상담원이 개인정보를 마스킹하면 화면과 저장소 모두에서 별표(*)로 바뀌고 원문은 암호화되어 보관됩니다.",
        },
    ],
    hc_topics_title: "주제별 도움말",
    hc_topics: &["주문·결제", "배송", "취소·환불", "회원 정보", "이벤트·쿠폰"],
    not_found_title: "페이지를 찾을 수 없습니다",
    not_found_body: "주소가 바뀌었거나 삭제된 페이지입니다. 주소를 다시 확인해 주세요.",
    not_found_service: "이 주소의 고객센터가 없습니다.",
    forbidden_title: "접근 권한이 없습니다",
    forbidden_admin_body: "관리자 설정은 관리자만 볼 수 있습니다. 권한이 필요하면 서비스 관리자에게 문의하세요.",
    go_home: "처음으로",
    go_console: "상담 콘솔로 이동",
    loading: "불러오는 중…",
    console_title: "상담 콘솔",
    login_title: "상담원 로그인",
    login_subtitle: "Online Contact 상담 콘솔에 로그인하세요.",
    login_email: "이메일",
    login_password: "비밀번호",
    login_submit: "로그인",
    logout: "로그아웃",
    nav_chat: "채팅",
    nav_history: "채팅 기록",
    nav_tickets: "티켓",
    nav_admin: "관리자 설정",
    role_admin: "관리자",
    role_agent: "상담원",
    status_online: "온라인",
    status_break: "휴식",
    status_offline: "오프라인",
    in_conversation: "대화중",
    chat_empty_title: "진행 중인 채팅이 없습니다",
    chat_empty_body: "새 채팅이 접수되면 이곳에 고객이 표시됩니다.",
    chat_no_permission: "채팅 권한이 없는 계정입니다. 관리자에게 채팅 권한을 요청하세요.",
    history_empty: "아직 채팅 기록이 없습니다.",
    tickets_empty: "아직 티켓이 없습니다.",
    admin_title: "관리자 설정",
    admin_contract: "계약 현황",
    admin_contract_chat: "채팅",
    admin_contract_security: "보안 서비스",
    admin_hc_chat: "헬프센터 채팅",
    admin_languages: "헬프센터 언어",
    admin_agents: "상담원",
    admin_col_name: "이름",
    admin_col_email: "이메일",
    admin_col_role: "역할",
    admin_col_chat_permission: "채팅 권한",
    admin_col_status: "상태",
    admin_need_login: "관리자 설정을 보려면 먼저 로그인하세요.",
    on: "사용",
    off: "사용 안 함",
    yes: "있음",
    no: "없음",
    deactivated: "비활성",
    chat_open_label: "채팅 상담 열기",
    chat_title: "채팅 상담",
    close: "닫기",
    absent_title: "상담원 부재중",
    absent_body: "지금은 채팅 상담이 가능한 상담원이 없습니다. 1:1 문의를 남겨 주시면 이메일로 답변드리겠습니다.",
    inquiry_button: "문의하기",
    inquiry_title: "1:1 문의",
    inquiry_name: "이름",
    inquiry_email: "이메일",
    inquiry_subject: "제목",
    inquiry_body: "문의 내용",
    inquiry_submit: "문의 보내기",
    inquiry_sent: "문의가 접수되었습니다. 답변은 이메일로 보내 드립니다.",
    consent_title: "개인정보 수집·이용 동의",
    consent_body: "상담을 위해 이름, 이메일, 접속 IP, 기기 정보와 대화 내용을 수집하며, 상담 종료 후 3년간 보관한 뒤 파기합니다. 동의하지 않으면 채팅 상담을 이용할 수 없습니다.",
    consent_accept: "동의하고 상담 시작",
    message_placeholder: "메시지를 입력하세요 (Enter 전송, Shift+Enter 줄바꿈)",
    send: "전송",
    sending: "전송 중…",
    send_failed: "전송 실패",
    end_chat: "대화 종료",
    chat_ended: "대화가 종료되었습니다.",
    new_chat: "새 상담 시작",
    reconnecting: "연결이 끊어져 다시 연결하는 중…",
    waiting_agent: "상담원 연결을 기다리는 중입니다…",
    transcript_label: "대화 내용",
    agent_status_label: "상태",
    chat_list_label: "대화 목록",
    customer_ended_badge: "고객 종료",
    customer_ended_note: "고객이 대화를 종료했습니다. 정보를 정리한 뒤 대화 종료를 눌러 주세요.",
    select_chat: "왼쪽 목록에서 고객을 선택하세요.",
    customer_info: "고객정보",
    consult_info: "상담정보",
    channel_label: "채널",
    channel_helpcenter: "헬프센터",
    ip_label: "IP 주소",
    started_label: "시작",
    new_chat_badge: "새 채팅",
};

pub static EN: Texts = Texts {
    product: "Online Contact",
    language: "Language",
    hc_title_suffix: "Help Center",
    hc_hero_title: "How can we help?",
    hc_hero_subtitle: "Find answers in our FAQ, or chat with an agent right away.",
    hc_search_placeholder: "Search for answers (e.g. refund, delivery)",
    hc_search_label: "Search help",
    hc_popular: "Frequently asked questions",
    hc_no_results: "No results. Try other words, or leave us a 1:1 inquiry.",
    hc_contact_title: "Didn't find what you need?",
    hc_contact_body: "Press the chat icon at the bottom right to talk to an agent, or leave a 1:1 inquiry when nobody is available.",
    hc_chat_hours: "Chat support: weekdays 09:00 – 18:00 (KST, except holidays)",
    hc_footer: "This help center runs on Online Contact.",
    hc_articles: &[
        Article {
            title: "How do I start a chat?",
            summary: "Press the chat icon at the bottom right and accept the privacy notice to start talking to an agent.",
        },
        Article {
            title: "What if no agent is available?",
            summary: "Use the Contact us button in the absence notice to leave a 1:1 inquiry; we answer by email.",
        },
        Article {
            title: "I want to cancel an order or get a refund",
            summary: "Orders not yet shipped can be cancelled in My Page; refunds take 3–5 business days depending on the payment method.",
        },
        Article {
            title: "Where can I track my delivery?",
            summary: "Go to My Page → Orders and click the tracking number to see where your parcel is.",
        },
        Article {
            title: "I forgot my password",
            summary: "Use Forgot password on the sign-in screen to get a reset link at your registered email.",
        },
        Article {
            title: "Is my personal data kept in the chat?",
            summary: "When an agent masks personal data it becomes stars (*) on screen and in storage; the original is kept only encrypted.",
        },
    ],
    hc_topics_title: "Browse by topic",
    hc_topics: &[
        "Orders & payment",
        "Delivery",
        "Cancellation & refunds",
        "Account",
        "Events & coupons",
    ],
    not_found_title: "Page not found",
    not_found_body: "The address may have changed or the page was removed. Please check the address.",
    not_found_service: "There is no help center at this address.",
    forbidden_title: "Access denied",
    forbidden_admin_body: "Only admins can open the admin settings. Ask your service admin if you need access.",
    go_home: "Go home",
    go_console: "Go to the console",
    loading: "Loading…",
    console_title: "Agent console",
    login_title: "Agent sign-in",
    login_subtitle: "Sign in to the Online Contact agent console.",
    login_email: "Email",
    login_password: "Password",
    login_submit: "Sign in",
    logout: "Sign out",
    nav_chat: "Chat",
    nav_history: "Chat history",
    nav_tickets: "Tickets",
    nav_admin: "Admin settings",
    role_admin: "Admin",
    role_agent: "Agent",
    status_online: "Online",
    status_break: "Break",
    status_offline: "Offline",
    in_conversation: "In conversation",
    chat_empty_title: "No open chats",
    chat_empty_body: "New chats appear here as customers start them.",
    chat_no_permission: "This account has no chat permission. Ask an admin to grant it.",
    history_empty: "No chat history yet.",
    tickets_empty: "No tickets yet.",
    admin_title: "Admin settings",
    admin_contract: "Contract",
    admin_contract_chat: "Chat",
    admin_contract_security: "Security service",
    admin_hc_chat: "Help-center chat",
    admin_languages: "Help-center languages",
    admin_agents: "Agents",
    admin_col_name: "Name",
    admin_col_email: "Email",
    admin_col_role: "Role",
    admin_col_chat_permission: "Chat permission",
    admin_col_status: "Status",
    admin_need_login: "Sign in first to open the admin settings.",
    on: "On",
    off: "Off",
    yes: "Yes",
    no: "No",
    deactivated: "Deactivated",
    chat_open_label: "Open chat",
    chat_title: "Chat",
    close: "Close",
    absent_title: "No agents available",
    absent_body: "No agent can chat right now. Leave a 1:1 inquiry and we will answer by email.",
    inquiry_button: "Contact us",
    inquiry_title: "1:1 inquiry",
    inquiry_name: "Name",
    inquiry_email: "Email",
    inquiry_subject: "Subject",
    inquiry_body: "Message",
    inquiry_submit: "Send inquiry",
    inquiry_sent: "Your inquiry was received. We will answer by email.",
    consent_title: "Privacy notice",
    consent_body: "To help you we collect your name, email, IP address, device and the conversation, kept for 3 years after the chat and then deleted. Chat is not available without this consent.",
    consent_accept: "Agree and start chatting",
    message_placeholder: "Type a message (Enter sends, Shift+Enter adds a line)",
    send: "Send",
    sending: "Sending…",
    send_failed: "Not sent",
    end_chat: "End conversation",
    chat_ended: "This conversation has ended.",
    new_chat: "Start a new chat",
    reconnecting: "Connection lost, reconnecting…",
    waiting_agent: "Waiting for an agent…",
    transcript_label: "Conversation",
    agent_status_label: "Status",
    chat_list_label: "Chats",
    customer_ended_badge: "Customer left",
    customer_ended_note: "The customer ended the chat. Finish your notes, then end the conversation.",
    select_chat: "Pick a customer from the list.",
    customer_info: "Customer",
    consult_info: "Consultation",
    channel_label: "Channel",
    channel_helpcenter: "Help center",
    ip_label: "IP address",
    started_label: "Started",
    new_chat_badge: "New chat",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_codes() {
        assert_eq!(Locale::parse("en-US"), Some(Locale::En));
        assert_eq!(Locale::parse("KO"), Some(Locale::Ko));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::default(), Locale::Ko);
    }

    #[test]
    fn cookie_header() {
        assert_eq!(
            Locale::from_cookie_header("a=1; oc_lang=en; b=2"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_cookie_header("a=1"), None);
    }

    #[test]
    fn both_languages_list_the_same_number_of_articles() {
        assert_eq!(KO.hc_articles.len(), EN.hc_articles.len());
        assert_eq!(KO.hc_topics.len(), EN.hc_topics.len());
    }
}

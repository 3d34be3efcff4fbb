//! UI texts in Korean (default) and English.
//!
//! Decision: a plain struct of `&'static str` per language instead of leptos_i18n. The
//! compiler checks that every language has every text, nothing is loaded at run time, the
//! strings are shared by the server render and the browser bundle, and the wasm carries
//! no translation runtime. Components never hold literal UI strings; they read `Texts`.

use serde::{Deserialize, Serialize};

mod appearance;
mod canned;
mod desk;
mod errors;
mod files;
mod import;
mod notes;
mod outbox;
mod privacy;
mod reports;
mod routing;
mod signals;
mod two_factor;
mod webhooks;
pub use appearance::AppearanceTexts;
pub use canned::CannedTexts;
pub use desk::DeskTexts;
pub use files::FileTexts;
pub use import::ImportTexts;
pub use notes::NoteTexts;
pub use outbox::OutboxTexts;
pub use privacy::PrivacyTexts;
pub use reports::ReportTexts;
pub use routing::{RoutingTexts, fill};
pub use signals::SignalTexts;
pub use two_factor::TwoFactorTexts;
pub use webhooks::WebhookTexts;

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

    /// The browser's preferred language we have, from an `Accept-Language` header (or
    /// `navigator.languages` joined by commas): by weight, then order; `q=0` refuses.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut tags: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = match it.find_map(|p| p.trim().strip_prefix("q=")) {
                    None => 1.0,
                    Some(q) => q.trim().parse::<f32>().ok()?,
                };
                (q > 0.0 && !tag.is_empty()).then_some((q, i, tag))
            })
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        tags.iter().find_map(|(_, _, tag)| Locale::parse(tag))
    }

    /// This language if the service offers it, else the service's default (its first
    /// language) — C-SET-3's rule for what a customer sees.
    pub fn fit(self, offered: &[String]) -> Locale {
        if offered.iter().any(|l| l == self.code()) {
            return self;
        }
        offered
            .iter()
            .find_map(|l| Locale::parse(l))
            .unwrap_or(self)
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
    /// Which language this table is (the console-only tables are reached through it).
    pub locale: Locale,
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
    /// The contact box when the service keeps no business hours.
    pub hc_hours_any_time: &'static str,
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
    pub history_filter_from: &'static str,
    pub history_filter_to: &'static str,
    pub history_filter_status: &'static str,
    pub history_handled: &'static str,
    pub history_unhandled: &'static str,
    pub history_filter_agent: &'static str,
    pub history_filter_category: &'static str,
    pub history_filter_customer: &'static str,
    pub history_filter_text: &'static str,
    pub history_search: &'static str,
    pub history_reset: &'static str,
    pub history_export: &'static str,
    pub history_exporting: &'static str,
    pub history_export_done: &'static str,
    pub history_export_failed: &'static str,
    pub history_total_suffix: &'static str,
    pub history_more: &'static str,
    pub history_pick_chat: &'static str,
    pub history_close: &'static str,
    pub history_col_id: &'static str,
    pub history_col_date: &'static str,
    pub history_col_customer: &'static str,
    pub history_col_email: &'static str,
    pub history_col_agent: &'static str,
    pub history_col_channel: &'static str,
    pub history_col_category: &'static str,
    pub history_col_status: &'static str,
    pub history_col_rating: &'static str,
    pub history_col_duration: &'static str,
    pub history_col_first_response: &'static str,
    pub history_col_messages: &'static str,
    pub history_col_transcript: &'static str,
    pub author_customer: &'static str,
    pub author_agent: &'static str,
    pub author_system: &'static str,
    pub history_scope_label: &'static str,
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
    /// A limit of issue 15 refused the customer's request (429).
    pub too_many_requests: &'static str,
    /// The visitor already has the most open chats allowed.
    pub too_many_open_chats: &'static str,
    /// What the UI shows for a refused request, by the API's error code (issue 16: the
    /// UI never shows the server's English wording; issue 32: every code has words, the
    /// compiler checks it). A code this build does not know shows `error_generic`.
    pub error: fn(crate::ErrorCode) -> &'static str,
    pub error_generic: &'static str,
    /// A customer who gave no name, before their number: 고객 12 / Customer 12.
    pub customer_fallback: &'static str,
    pub inquiry_sent: &'static str,
    pub consent_title: &'static str,
    /// The consent's four parts (issue 33): labels, and the texts the notice is built
    /// from (`shared::consent`). `{days}`: the service's retention.
    pub consent_items_label: &'static str,
    pub consent_items: &'static str,
    pub consent_items_files: &'static str,
    pub consent_purpose_label: &'static str,
    pub consent_purpose: &'static str,
    pub consent_retention_label: &'static str,
    pub consent_retention_days: &'static str,
    pub consent_retention_kept: &'static str,
    pub consent_refusal_label: &'static str,
    pub consent_refusal: &'static str,
    pub consent_accept: &'static str,
    pub message_placeholder: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub send_failed: &'static str,
    pub end_chat: &'static str,
    pub chat_ended: &'static str,
    pub new_chat: &'static str,
    pub reconnecting: &'static str,
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
    pub memo_label: &'static str,
    pub device_label: &'static str,
    pub category_label: &'static str,
    pub category_none: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub unsaved: &'static str,
    pub create_ticket: &'static str,
    pub open_ticket: &'static str,
    pub confirm_unsaved_end: &'static str,
    pub confirm_ok: &'static str,
    pub cancel: &'static str,
    pub tickets_title: &'static str,
    pub ticket_col_id: &'static str,
    pub ticket_col_channel: &'static str,
    pub ticket_col_subject: &'static str,
    pub ticket_col_status: &'static str,
    pub ticket_col_assignee: &'static str,
    pub ticket_col_created: &'static str,
    pub ticket_channel_chat: &'static str,
    pub ticket_channel_inquiry: &'static str,
    pub ticket_status_open: &'static str,
    pub ticket_status_pending: &'static str,
    pub ticket_status_closed: &'static str,
    pub filter_all: &'static str,
    pub ticket_tab_info: &'static str,
    pub ticket_tab_transcript: &'static str,
    pub ticket_requester: &'static str,
    pub ticket_body: &'static str,
    pub back_to_list: &'static str,
    pub admin_categories: &'static str,
    pub admin_categories_help: &'static str,
    pub category_add_top: &'static str,
    pub category_add_child: &'static str,
    pub category_new_name: &'static str,
    pub category_rename: &'static str,
    pub category_up: &'static str,
    pub category_down: &'static str,
    pub category_disable: &'static str,
    pub category_enable: &'static str,
    pub category_delete: &'static str,
    pub category_disabled: &'static str,
    pub add: &'static str,
    pub rating_prompt: &'static str,
    pub settings_title: &'static str,
    pub settings_contract_help: &'static str,
    pub settings_hc_needs_contract: &'static str,
    pub settings_prefer_recent: &'static str,
    pub settings_greeting: &'static str,
    pub settings_satisfaction: &'static str,
    pub settings_saved: &'static str,
    pub embed_title: &'static str,
    pub embed_help: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub agents_invite: &'static str,
    pub agents_password: &'static str,
    pub agents_reset_password: &'static str,
    pub agents_deactivate: &'static str,
    pub agents_activate: &'static str,
    pub rate: &'static str,
    pub rating_title: &'static str,
    pub rating_comment: &'static str,
    pub rating_submit: &'static str,
    pub rating_thanks: &'static str,
    pub rating_label: &'static str,
    pub rating_request: &'static str,
    pub rating_requested: &'static str,
    pub widget_title: &'static str,
    pub allowed_domains_label: &'static str,
    pub require_signed_user: &'static str,
    pub identity_secret_label: &'static str,
    pub mask_button: &'static str,
    pub mask_select_first: &'static str,
    pub mask_one_message: &'static str,
    pub unmask_confirm: &'static str,
    pub pii_hint: &'static str,
    pub audit_title: &'static str,
    pub audit_action: &'static str,
    pub audit_when: &'static str,
    pub auto_mask_label: &'static str,
    pub audit_empty: &'static str,
    /// Capacity, the queue, transfer and business hours (issue 18).
    pub routing: &'static RoutingTexts,
    /// Typing and read receipts (issue 19).
    pub signals: &'static SignalTexts,
    /// Canned replies (issue 19).
    pub canned: &'static CannedTexts,
    /// Internal notes (issue 19).
    pub notes: &'static NoteTexts,
    /// The console's alerts and shortcuts (issue 19).
    pub desk: &'static DeskTexts,
    /// Files and images (issue 19).
    pub files: &'static FileTexts,
    /// The message outbox (issue 31).
    pub outbox: &'static OutboxTexts,
}

impl Texts {
    // The agents' and admins' screens' words live in tables of their own, reached by
    // these methods: the customers' bundle never calls them, so its build leaves those
    // tables out (in `Texts` they were kept in every bundle: BENCHMARKS.md, *What issues
    // 20 and 21 cost the bundles*).

    /// The reports screen (issue 20).
    pub fn reports(&self) -> &'static ReportTexts {
        match self.locale {
            Locale::Ko => &reports::KO,
            Locale::En => &reports::EN,
        }
    }

    /// The personal-data panel (issue 21).
    pub fn privacy(&self) -> &'static PrivacyTexts {
        match self.locale {
            Locale::Ko => &privacy::KO,
            Locale::En => &privacy::EN,
        }
    }

    /// The webhooks panel (issue 21).
    pub fn webhooks(&self) -> &'static WebhookTexts {
        match self.locale {
            Locale::Ko => &webhooks::KO,
            Locale::En => &webhooks::EN,
        }
    }

    /// The widget appearance panel (issue 33).
    pub fn appearance(&self) -> &'static AppearanceTexts {
        match self.locale {
            Locale::Ko => &appearance::KO,
            Locale::En => &appearance::EN,
        }
    }

    /// Two-factor login (issue 21).
    pub fn two_factor(&self) -> &'static TwoFactorTexts {
        match self.locale {
            Locale::Ko => &two_factor::KO,
            Locale::En => &two_factor::EN,
        }
    }

    /// The Excel import panel (issue 21).
    pub fn import(&self) -> &'static ImportTexts {
        match self.locale {
            Locale::Ko => &import::KO,
            Locale::En => &import::EN,
        }
    }

    /// The text for a refused request's error code (`too_many_*` limits share one).
    pub fn error_text(&self, code: &str) -> &'static str {
        match crate::ErrorCode::parse(code) {
            Some(crate::ErrorCode::TooManyOpenChats) => self.too_many_open_chats,
            Some(c) if c.is_rate_limit() => self.too_many_requests,
            Some(c) => (self.error)(c),
            None => self.error_generic,
        }
    }

    /// A customer's shown name: theirs, or 고객 12 / Customer 12 when they gave none
    /// (the API answers [`crate::default_customer_name`] then, which is recognised).
    pub fn customer_name(&self, name: &str, id: impl std::fmt::Display) -> String {
        let id = id.to_string();
        if name.trim().is_empty() || name == crate::default_customer_name(&id) {
            format!("{} {id}", self.customer_fallback)
        } else {
            name.to_owned()
        }
    }
}

pub static KO: Texts = Texts {
    locale: Locale::Ko,
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
    hc_hours_any_time: "상담원이 접속해 있으면 언제든 채팅으로 상담할 수 있습니다.",
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
    history_empty: "조건에 맞는 채팅 기록이 없습니다.",
    history_filter_from: "시작일",
    history_filter_to: "종료일",
    history_filter_status: "상태",
    history_handled: "처리",
    history_unhandled: "미처리",
    history_filter_agent: "상담원",
    history_filter_category: "처리유형",
    history_filter_customer: "고객 (이름·이메일)",
    history_filter_text: "대화 내용",
    history_search: "검색",
    history_reset: "초기화",
    history_export: "데이터 추출",
    history_exporting: "추출 중",
    history_export_done: "추출 완료 — 다운로드가 시작됩니다",
    history_export_failed: "추출 실패",
    history_total_suffix: "건",
    history_more: "더 보기",
    history_pick_chat: "목록에서 채팅을 선택하면 상세 정보가 여기에 표시됩니다.",
    history_close: "닫기",
    history_col_id: "채팅 ID",
    history_col_date: "시작 시각",
    history_col_customer: "고객",
    history_col_email: "이메일",
    history_col_agent: "상담원",
    history_col_channel: "채널",
    history_col_category: "처리유형",
    history_col_status: "상태",
    history_col_rating: "평점",
    history_col_duration: "상담 시간",
    history_col_first_response: "첫 응답 시간",
    history_col_messages: "메시지 수",
    history_col_transcript: "대화 내역",
    author_customer: "고객",
    author_agent: "상담원",
    author_system: "시스템",
    history_scope_label: "상담원이 채팅 기록에서 모든 채팅을 봅니다 (끄면 자신의 채팅만)",
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
    too_many_requests: "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.",
    too_many_open_chats: "이미 진행 중인 상담이 있습니다. 진행 중인 상담 창에서 계속해 주세요.",
    error: errors::ko,
    error_generic: "요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.",
    customer_fallback: "고객",
    inquiry_sent: "문의가 접수되었습니다. 답변은 이메일로 보내 드립니다.",
    consent_title: "개인정보 수집·이용 동의",
    consent_items_label: "수집 항목",
    consent_items: "이름, 이메일, 접속 IP, 기기 정보, 대화 내용",
    consent_items_files: "첨부 파일",
    consent_purpose_label: "이용 목적",
    consent_purpose: "상담 요청에 답하고 상담 이력을 관리하기 위해 이용합니다.",
    consent_retention_label: "보관 기간",
    consent_retention_days: "상담이 끝난 뒤 {days}일 동안 보관하고 파기합니다.",
    consent_retention_kept: "삭제될 때까지 보관하며, 삭제를 요청하면 지체 없이 파기합니다.",
    consent_refusal_label: "동의 거부",
    consent_refusal: "동의하지 않을 수 있으며, 동의하지 않으면 채팅 상담을 이용할 수 없습니다.",
    consent_accept: "동의하고 상담 시작",
    message_placeholder: "메시지를 입력하세요 (Enter 전송, Shift+Enter 줄바꿈)",
    send: "전송",
    sending: "전송 중…",
    send_failed: "전송 실패",
    end_chat: "대화 종료",
    chat_ended: "대화가 종료되었습니다.",
    new_chat: "새 상담 시작",
    reconnecting: "연결이 끊어져 다시 연결하는 중…",
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
    memo_label: "메모",
    device_label: "디바이스",
    category_label: "처리유형",
    category_none: "선택 안 함",
    save: "저장",
    saved: "저장되었습니다",
    unsaved: "저장하지 않은 변경 사항",
    create_ticket: "티켓 만들기",
    open_ticket: "티켓 열기",
    confirm_unsaved_end: "저장하지 않은 고객정보·상담정보가 있습니다. 저장하지 않고 대화를 종료하면 변경 내용이 사라집니다. 종료할까요?",
    confirm_ok: "확인",
    cancel: "취소",
    tickets_title: "티켓",
    ticket_col_id: "번호",
    ticket_col_channel: "채널",
    ticket_col_subject: "제목",
    ticket_col_status: "상태",
    ticket_col_assignee: "담당자",
    ticket_col_created: "생성일",
    ticket_channel_chat: "채팅",
    ticket_channel_inquiry: "1:1 문의",
    ticket_status_open: "열림",
    ticket_status_pending: "보류",
    ticket_status_closed: "종료",
    filter_all: "전체",
    ticket_tab_info: "티켓 정보",
    ticket_tab_transcript: "채팅내역",
    ticket_requester: "요청자",
    ticket_body: "내용",
    back_to_list: "목록으로",
    admin_categories: "카테고리 관리",
    admin_categories_help: "채팅 상담의 처리유형을 1~3단계로 관리합니다. 사용 중인 카테고리를 삭제하면 사용 중지됩니다.",
    category_add_top: "최상위 카테고리 추가",
    category_add_child: "하위 추가",
    category_new_name: "새 카테고리 이름",
    category_rename: "이름 변경",
    category_up: "위로",
    category_down: "아래로",
    category_disable: "사용 중지",
    category_enable: "사용",
    category_delete: "삭제",
    category_disabled: "사용 중지됨",
    add: "추가",
    rating_prompt: "상담은 만족스러우셨나요? 상담을 평가해 주세요.",
    settings_title: "기본 설정",
    settings_contract_help: "계약 현황: 채팅을 끄면 모든 채팅 아이콘이 사라지고 새 채팅을 받지 않습니다. 기존 기록은 유지됩니다.",
    settings_hc_needs_contract: "계약의 채팅이 꺼져 있어 헬프센터 채팅을 켤 수 없습니다.",
    settings_prefer_recent: "최근 채팅기록이 있는 상담원에게 우선 할당",
    settings_greeting: "인사말",
    settings_satisfaction: "만족도 안내 메시지",
    settings_saved: "설정이 저장되었습니다.",
    embed_title: "채팅화면 삽입 코드",
    embed_help: "사이트의 </body> 태그 바로 앞에 붙여 넣으면 채팅 위젯이 추가됩니다.",
    copy: "복사",
    copied: "복사됨",
    agents_invite: "상담원 추가",
    agents_password: "비밀번호",
    agents_reset_password: "비밀번호 재설정",
    agents_deactivate: "비활성화",
    agents_activate: "활성화",
    rate: "평가",
    rating_title: "상담은 만족스러우셨나요?",
    rating_comment: "의견 (선택)",
    rating_submit: "평가 보내기",
    rating_thanks: "평가해 주셔서 감사합니다.",
    rating_label: "만족도",
    rating_request: "평가 요청",
    rating_requested: "평가 요청을 보냈습니다.",
    widget_title: "위젯",
    allowed_domains_label: "허용 도메인 (줄마다 하나, 비우면 모든 사이트)",
    require_signed_user: "로그인한 사용자만 채팅",
    identity_secret_label: "사용자 인증 키 (data-user-hash = HMAC-SHA256(사용자 ID, 키))",
    mask_button: "개인정보 마스킹",
    mask_select_first: "마스킹할 부분을 한 메시지 안에서 드래그해 선택하세요.",
    mask_one_message: "여러 메시지에 걸친 선택은 마스킹할 수 없습니다. 한 메시지 안에서 선택하세요.",
    unmask_confirm: "마스킹을 해제할까요? 원문이 모든 화면과 데이터베이스에 복원됩니다.",
    pii_hint: "개인정보로 보입니다. 눌러서 마스킹",
    audit_title: "감사 로그",
    audit_action: "작업",
    audit_when: "시각",
    auto_mask_label: "감지된 개인정보 자동 마스킹 (보안 서비스 필요)",
    audit_empty: "기록이 없습니다.",
    routing: &routing::KO,
    signals: &signals::KO,
    canned: &canned::KO,
    notes: &notes::KO,
    files: &files::KO,
    outbox: &outbox::KO,
    desk: &desk::KO,
};

pub static EN: Texts = Texts {
    locale: Locale::En,
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
    hc_hours_any_time: "Chat with us whenever an agent is online.",
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
    history_empty: "No chats match these conditions.",
    history_filter_from: "From",
    history_filter_to: "To",
    history_filter_status: "Status",
    history_handled: "Handled",
    history_unhandled: "Unhandled",
    history_filter_agent: "Agent",
    history_filter_category: "Handling type",
    history_filter_customer: "Customer (name or email)",
    history_filter_text: "Message text",
    history_search: "Search",
    history_reset: "Reset",
    history_export: "Export",
    history_exporting: "Exporting",
    history_export_done: "Export ready — the download starts",
    history_export_failed: "Export failed",
    history_total_suffix: "chats",
    history_more: "Load more",
    history_pick_chat: "Pick a chat in the list to see it here.",
    history_close: "Close",
    history_col_id: "Chat ID",
    history_col_date: "Started",
    history_col_customer: "Customer",
    history_col_email: "Email",
    history_col_agent: "Agent",
    history_col_channel: "Channel",
    history_col_category: "Handling type",
    history_col_status: "Status",
    history_col_rating: "Rating",
    history_col_duration: "Duration",
    history_col_first_response: "First response",
    history_col_messages: "Messages",
    history_col_transcript: "Transcript",
    author_customer: "Customer",
    author_agent: "Agent",
    author_system: "System",
    history_scope_label: "Agents see every chat in history (off: only their own)",
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
    too_many_requests: "Too many requests. Please wait a moment and try again.",
    too_many_open_chats: "You already have a chat open. Please continue there.",
    error: errors::en,
    error_generic: "The request could not be completed. Please try again.",
    customer_fallback: "Customer",
    inquiry_sent: "Your inquiry was received. We will answer by email.",
    consent_title: "Privacy notice",
    consent_items_label: "What we collect",
    consent_items: "name, email, IP address, device, the conversation",
    consent_items_files: "attached files",
    consent_purpose_label: "Why",
    consent_purpose: "To answer your request and keep a record of the conversation.",
    consent_retention_label: "How long",
    consent_retention_days: "Kept for {days} days after the chat ends, then deleted.",
    consent_retention_kept: "Kept until it is deleted; on your request it is deleted without delay.",
    consent_refusal_label: "Your choice",
    consent_refusal: "You may refuse; chat is not available without this consent.",
    consent_accept: "Agree and start chatting",
    message_placeholder: "Type a message (Enter sends, Shift+Enter adds a line)",
    send: "Send",
    sending: "Sending…",
    send_failed: "Not sent",
    end_chat: "End conversation",
    chat_ended: "This conversation has ended.",
    new_chat: "Start a new chat",
    reconnecting: "Connection lost, reconnecting…",
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
    memo_label: "Memo",
    device_label: "Device",
    category_label: "Handling type",
    category_none: "None",
    save: "Save",
    saved: "Saved",
    unsaved: "Unsaved changes",
    create_ticket: "Create ticket",
    open_ticket: "Open ticket",
    confirm_unsaved_end: "Customer or consult info has unsaved changes. Ending now discards them. End the conversation?",
    confirm_ok: "OK",
    cancel: "Cancel",
    tickets_title: "Tickets",
    ticket_col_id: "No.",
    ticket_col_channel: "Channel",
    ticket_col_subject: "Subject",
    ticket_col_status: "Status",
    ticket_col_assignee: "Assignee",
    ticket_col_created: "Created",
    ticket_channel_chat: "Chat",
    ticket_channel_inquiry: "Inquiry",
    ticket_status_open: "Open",
    ticket_status_pending: "Pending",
    ticket_status_closed: "Closed",
    filter_all: "All",
    ticket_tab_info: "Ticket",
    ticket_tab_transcript: "Chat history",
    ticket_requester: "Requester",
    ticket_body: "Description",
    back_to_list: "Back to list",
    admin_categories: "Categories",
    admin_categories_help: "Handling types for chats, 1 to 3 levels. Deleting a category in use disables it instead.",
    category_add_top: "Add top-level category",
    category_add_child: "Add sub-category",
    category_new_name: "New category name",
    category_rename: "Rename",
    category_up: "Move up",
    category_down: "Move down",
    category_disable: "Disable",
    category_enable: "Enable",
    category_delete: "Delete",
    category_disabled: "Disabled",
    add: "Add",
    rating_prompt: "How was this chat? Please rate it.",
    settings_title: "Settings",
    settings_contract_help: "Contract: with chat off, every chat icon disappears and no new chat starts. History is kept.",
    settings_hc_needs_contract: "Help-center chat needs the contract's chat to be on.",
    settings_prefer_recent: "Prefer the agent who last chatted with the customer",
    settings_greeting: "Greeting",
    settings_satisfaction: "Satisfaction message",
    settings_saved: "Settings saved.",
    embed_title: "Embed code",
    embed_help: "Paste before </body> of your site to add the chat widget.",
    copy: "Copy",
    copied: "Copied",
    agents_invite: "Add agent",
    agents_password: "Password",
    agents_reset_password: "Reset password",
    agents_deactivate: "Deactivate",
    agents_activate: "Activate",
    rate: "Rate",
    rating_title: "How was this chat?",
    rating_comment: "Comment (optional)",
    rating_submit: "Send rating",
    rating_thanks: "Thank you for your rating.",
    rating_label: "Rating",
    rating_request: "Ask for rating",
    rating_requested: "Rating request sent.",
    widget_title: "Widget",
    allowed_domains_label: "Allowed domains (one per line; empty = any site)",
    require_signed_user: "Signed-in users only",
    identity_secret_label: "Identity secret (data-user-hash = HMAC-SHA256(user id, secret))",
    mask_button: "Mask PII",
    mask_select_first: "Drag-select the part to mask inside one message.",
    mask_one_message: "A selection across messages cannot be masked; select inside one message.",
    unmask_confirm: "Remove this mask? The original comes back on every screen and in the database.",
    pii_hint: "Looks like personal data — click to mask",
    audit_title: "Audit log",
    audit_action: "Action",
    audit_when: "When",
    auto_mask_label: "Mask detected personal data on arrival (needs the security service)",
    audit_empty: "No entries yet.",
    routing: &routing::EN,
    signals: &signals::EN,
    canned: &canned::EN,
    notes: &notes::EN,
    files: &files::EN,
    outbox: &outbox::EN,
    desk: &desk::EN,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_we_have_wins_by_weight() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,ko;q=0.8"),
            Some(Locale::En)
        );
        assert_eq!(
            Locale::from_accept_language("fr-FR,fr;q=0.9,ko;q=0.8,en;q=0.5"),
            Some(Locale::Ko)
        );
        assert_eq!(
            Locale::from_accept_language("ko;q=0.2, en;q=0.7"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("en;q=0, ko"), Some(Locale::Ko));
        assert_eq!(Locale::from_accept_language("de, fr"), None);
        assert_eq!(Locale::from_accept_language("en;q=abc"), None);
        assert_eq!(Locale::from_accept_language(""), None);
        let ko_only = ["ko".to_owned()];
        assert_eq!(Locale::En.fit(&ko_only), Locale::Ko);
        assert_eq!(Locale::En.fit(&["ko".into(), "en".into()]), Locale::En);
        assert_eq!(Locale::En.fit(&[]), Locale::En);
    }

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
    fn every_error_code_has_a_text_in_both_languages() {
        // the matches are exhaustive; each text is there and is the language's own
        for code in crate::ErrorCode::ALL {
            let (ko, en) = ((KO.error)(*code), (EN.error)(*code));
            assert!(!ko.is_empty() && !en.is_empty(), "{code}");
            assert_ne!(ko, en, "{code}");
            assert_ne!(KO.error_text(code.as_str()), KO.error_generic, "{code}");
        }
        assert_eq!(
            KO.error_text("chat_closed"),
            "종료된 상담에는 메시지를 보낼 수 없습니다."
        );
        assert_eq!(EN.error_text("too_many_messages"), EN.too_many_requests);
        assert_eq!(KO.error_text("no_such_code"), KO.error_generic);
        assert_eq!(KO.customer_name(" ", 12), "고객 12");
        assert_eq!(EN.customer_name("", 12), "Customer 12");
        assert_eq!(EN.customer_name("김민지", 12), "김민지");
    }

    #[test]
    fn every_import_row_error_has_words_in_both_languages() {
        for code in crate::import::ROW_ERRORS {
            for t in [&KO, &EN] {
                assert_ne!(t.import().row_error(Some(code), "-"), "-", "{code}");
            }
        }
    }

    #[test]
    fn both_languages_list_the_same_number_of_articles() {
        assert_eq!(KO.hc_articles.len(), EN.hc_articles.len());
        assert_eq!(KO.hc_topics.len(), EN.hc_topics.len());
    }
}

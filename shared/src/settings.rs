//! Service settings (C-SET-1..4) and satisfaction ratings (C-END-1/2): the API shapes
//! and the pure rules over them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Contract, Role};
use crate::validate::Invalid;

/// Languages a help center may offer.
pub const SUPPORTED_LOCALES: [&str; 2] = ["ko", "en"];
/// Longest greeting or satisfaction message.
pub const MAX_SETTING_TEXT_CHARS: usize = 1000;
/// How long after the agent ends a chat the customer may still rate it.
pub const RATING_WINDOW_HOURS: i64 = 24;

/// `GET /api/v1/settings`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    pub contract: Contract,
    pub helpcenter_chat_enabled: bool,
    /// Greeting per language code (C-SET-3).
    pub greetings: BTreeMap<String, String>,
    /// Satisfaction guidance message per language code (C-SET-3).
    pub satisfaction_messages: BTreeMap<String, String>,
    /// C-SET-4.
    pub prefer_recent_agent: bool,
    /// The help center's languages; the first is the default.
    pub locales: Vec<String>,
    /// Host names where the widget may run (`shop.example.com`, `*.example.com`);
    /// empty means anywhere.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// Only customers signed in on the host site may chat through the widget.
    #[serde(default)]
    pub require_signed_user: bool,
    /// Mask detected personal data in customer messages as they arrive (needs the
    /// security service).
    #[serde(default)]
    pub auto_mask_pii: bool,
    /// Agents see every chat of the service in chat history (true, the default) or only
    /// the chats assigned to them. Admins always see all.
    #[serde(default = "yes")]
    pub agents_see_all_history: bool,
    /// Every account must use two-factor login (issue 21). Read here; changed with
    /// `PUT /api/v1/settings/two-factor`.
    #[serde(default)]
    pub require_two_factor: bool,
    /// The key for `data-user-hash` = HMAC-SHA256(user id, key), hex. Read-only.
    #[serde(default)]
    pub identity_secret: String,
    /// Capacity, re-routing and the recent-agent hold (issue 18).
    #[serde(default)]
    pub routing: crate::Routing,
    /// Business hours (issue 18).
    #[serde(default)]
    pub hours: crate::BusinessHours,
    /// Agents see what a customer is typing before it is sent (issue 19; off by
    /// default — see the README for why).
    #[serde(default)]
    pub typing_preview: bool,
    /// Files and images in chats: largest size and allowed kinds (issue 19).
    #[serde(default)]
    pub files: crate::FileRules,
    /// How the widget looks on the service's sites (issue 33).
    #[serde(default)]
    pub appearance: crate::Appearance,
    /// The admins' own privacy-consent wording per language (issue 33); none: the
    /// notice is generated from these settings.
    #[serde(default)]
    pub consent: BTreeMap<String, crate::consent::ConsentWording>,
}

/// Whether a host name is allowed by a service's list (empty list: any).
pub fn domain_allowed(allowed: &[String], host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    allowed.is_empty()
        || allowed
            .iter()
            .any(|pattern| match pattern.strip_prefix("*.") {
                Some(base) => host == base || host.ends_with(&format!(".{base}")),
                None => host == *pattern,
            })
}

fn valid_domain_pattern(p: &str) -> bool {
    let body = p.strip_prefix("*.").unwrap_or(p);
    !body.is_empty()
        && body.len() <= 253
        && body.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// `PUT /api/v1/settings`: any subset; only the given fields change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingsUpdate {
    #[serde(default)]
    pub contract: Option<ContractUpdate>,
    #[serde(default)]
    pub helpcenter_chat_enabled: Option<bool>,
    #[serde(default)]
    pub greetings: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub satisfaction_messages: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub prefer_recent_agent: Option<bool>,
    #[serde(default)]
    pub locales: Option<Vec<String>>,
    #[serde(default)]
    pub allowed_domains: Option<Vec<String>>,
    #[serde(default)]
    pub require_signed_user: Option<bool>,
    #[serde(default)]
    pub auto_mask_pii: Option<bool>,
    #[serde(default)]
    pub agents_see_all_history: Option<bool>,
    /// Replaces the routing settings (checked with [`crate::Routing::validate`]).
    #[serde(default)]
    pub routing: Option<crate::Routing>,
    /// Replaces the business hours (checked with
    /// [`crate::BusinessHours::normalized`] and the time zone's name).
    #[serde(default)]
    pub hours: Option<crate::BusinessHours>,
    #[serde(default)]
    pub typing_preview: Option<bool>,
    /// Replaces the file rules (checked with [`crate::FileRules::validate`]).
    #[serde(default)]
    pub files: Option<crate::FileRules>,
    /// Replaces the widget's appearance (checked with
    /// [`crate::Appearance::normalized`]: a colour white text reads on, texts within
    /// their limits).
    #[serde(default)]
    pub appearance: Option<crate::Appearance>,
    /// Replaces the consent wordings (checked with
    /// [`crate::consent::normalized_wordings`]; `{}` goes back to the generated notice).
    #[serde(default)]
    pub consent: Option<BTreeMap<String, crate::consent::ConsentWording>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractUpdate {
    #[serde(default)]
    pub chat: Option<bool>,
    #[serde(default)]
    pub security_service: Option<bool>,
}

/// Why a settings change is refused (422 with this code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsRule {
    pub code: crate::ErrorCode,
    pub message: String,
}

impl Settings {
    /// Applies a change, enforcing the rules: help-center chat only with the contract's
    /// chat flag (C-SET-2; switching the contract's chat off switches it off too),
    /// languages from [`SUPPORTED_LOCALES`] without repeats and at least one, texts only
    /// for supported languages and within [`MAX_SETTING_TEXT_CHARS`].
    pub fn apply(&self, change: &SettingsUpdate) -> Result<Settings, SettingsRule> {
        let mut next = self.clone();
        if let Some(c) = &change.contract {
            if let Some(chat) = c.chat {
                next.contract.chat = chat;
                if !chat {
                    next.helpcenter_chat_enabled = false;
                }
            }
            if let Some(sec) = c.security_service {
                next.contract.security_service = sec;
            }
        }
        if let Some(on) = change.helpcenter_chat_enabled {
            if on && !next.contract.chat {
                return Err(SettingsRule {
                    code: crate::ErrorCode::ContractChatOff,
                    message:
                        "help-center chat can be turned on only while the contract's chat is on"
                            .into(),
                });
            }
            next.helpcenter_chat_enabled = on;
        }
        if let Some(locales) = &change.locales {
            let mut seen = Vec::new();
            for l in locales {
                if !SUPPORTED_LOCALES.contains(&l.as_str()) {
                    return Err(SettingsRule {
                        code: crate::ErrorCode::UnsupportedLocale,
                        message: format!("`{l}` is not a supported language (ko, en)"),
                    });
                }
                if seen.contains(l) {
                    return Err(SettingsRule {
                        code: crate::ErrorCode::DuplicateLocale,
                        message: format!("`{l}` is listed twice"),
                    });
                }
                seen.push(l.clone());
            }
            if seen.is_empty() {
                return Err(SettingsRule {
                    code: crate::ErrorCode::NoLocale,
                    message: "the help center needs at least one language".into(),
                });
            }
            next.locales = seen;
        }
        for (field, map, target) in [
            ("greetings", &change.greetings, &mut next.greetings),
            (
                "satisfaction_messages",
                &change.satisfaction_messages,
                &mut next.satisfaction_messages,
            ),
        ] {
            if let Some(map) = map {
                for (lang, text) in map {
                    if !SUPPORTED_LOCALES.contains(&lang.as_str()) {
                        return Err(SettingsRule {
                            code: crate::ErrorCode::UnsupportedLocale,
                            message: format!("{field}: `{lang}` is not a supported language"),
                        });
                    }
                    if text.chars().count() > MAX_SETTING_TEXT_CHARS {
                        return Err(SettingsRule {
                            code: crate::ErrorCode::TextTooLong,
                            message: format!(
                                "{field}.{lang}: at most {MAX_SETTING_TEXT_CHARS} characters"
                            ),
                        });
                    }
                    target.insert(lang.clone(), text.trim().to_owned());
                }
            }
        }
        if let Some(p) = change.prefer_recent_agent {
            next.prefer_recent_agent = p;
        }
        if let Some(domains) = &change.allowed_domains {
            let mut clean = Vec::new();
            for d in domains
                .iter()
                .map(|d| d.trim().to_ascii_lowercase())
                .filter(|d| !d.is_empty())
            {
                if !valid_domain_pattern(&d) {
                    return Err(SettingsRule {
                        code: crate::ErrorCode::InvalidDomain,
                        message: format!(
                            "`{d}` is not a host name (e.g. shop.example.com or *.example.com)"
                        ),
                    });
                }
                if !clean.contains(&d) {
                    clean.push(d);
                }
            }
            next.allowed_domains = clean;
        }
        if let Some(r) = change.require_signed_user {
            next.require_signed_user = r;
        }
        if let Some(a) = change.auto_mask_pii {
            next.auto_mask_pii = a;
        }
        if let Some(a) = change.agents_see_all_history {
            next.agents_see_all_history = a;
        }
        if let Some(r) = &change.routing {
            next.routing = r.clone();
        }
        if let Some(h) = &change.hours {
            next.hours = h.clone();
        }
        if let Some(p) = change.typing_preview {
            next.typing_preview = p;
        }
        if let Some(f) = &change.files {
            next.files = f.clone().normalized();
        }
        if let Some(a) = &change.appearance {
            next.appearance = a.clone();
        }
        if let Some(c) = &change.consent {
            next.consent = c.clone();
        }
        Ok(next)
    }

    /// The message for a customer's language: theirs, else the default language's,
    /// else none (C-SET-3).
    pub fn pick<'a>(
        map: &'a BTreeMap<String, String>,
        locale: &str,
        default: &str,
    ) -> Option<&'a str> {
        map.get(locale)
            .filter(|s| !s.trim().is_empty())
            .or_else(|| map.get(default).filter(|s| !s.trim().is_empty()))
            .map(String::as_str)
    }
}

/// `GET /api/v1/settings/embed-code?locale=ko`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedCode {
    pub locale: String,
    /// Paste before `</body>`.
    pub snippet: String,
}

/// The embed snippet for a service and language (C-SET-5). The service is also in the
/// URL so the loader arrives with its service's switches in one request.
pub fn embed_snippet(origin: &str, slug: &str, locale: &str) -> String {
    format!(
        "<!-- Online Contact chat -->\n<script src=\"{origin}/widget.js?service={slug}\" data-service=\"{slug}\" data-locale=\"{locale}\" async></script>"
    )
}

/// `POST /api/v1/agents` (admins).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAgentRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 256))]
    pub password: String,
    pub role: Role,
    #[serde(default = "yes")]
    pub chat_permission: bool,
}

fn yes() -> bool {
    true
}

/// `PUT /api/v1/agents/{id}` (admins): any subset.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentUpdate {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_or_null))]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub chat_permission: Option<bool>,
    #[serde(default)]
    pub active: Option<bool>,
    /// A new password (reset).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::password_or_null))]
    pub password: Option<String>,
    /// The agent's own cap (1–50); `null` = back to the service's; absent = unchanged.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<i64>, minimum = 1, maximum = 50)
    )]
    pub capacity: Option<Option<i64>>,
}

/// A field that may be absent (`None`), `null` (`Some(None)`) or a value.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// `POST /api/v1/chats/{id}/rating` (customer).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingRequest {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub score: i64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub comment: Option<String>,
}

/// A chat's rating.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    pub score: i64,
    pub comment: Option<String>,
}

/// Longest rating comment.
pub const MAX_RATING_COMMENT_CHARS: usize = 1000;

impl RatingRequest {
    pub fn validate(&self) -> Result<(), Invalid> {
        if !(1..=5).contains(&self.score) {
            return Err(Invalid {
                field: "score",
                reason: "must be 1 to 5".into(),
            });
        }
        if self
            .comment
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_RATING_COMMENT_CHARS)
        {
            return Err(Invalid {
                field: "comment",
                reason: format!("must be at most {MAX_RATING_COMMENT_CHARS} characters"),
            });
        }
        Ok(())
    }
}

/// The request schemas of this module's words (issue 30).
#[cfg(feature = "openapi")]
pub mod schemas {
    use utoipa::openapi::Object;

    /// `lang` / `locale` of an answer: one of [`super::SUPPORTED_LOCALES`], or blank.
    pub fn language_param() -> Object {
        crate::schema::query_word(&super::SUPPORTED_LOCALES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Settings {
        Settings {
            contract: Contract {
                chat: true,
                security_service: false,
            },
            helpcenter_chat_enabled: true,
            greetings: BTreeMap::from([("ko".into(), "안녕하세요".into())]),
            satisfaction_messages: BTreeMap::new(),
            prefer_recent_agent: false,
            locales: vec!["ko".into(), "en".into()],
            allowed_domains: vec![],
            require_signed_user: false,
            auto_mask_pii: false,
            agents_see_all_history: true,
            require_two_factor: false,
            identity_secret: String::new(),
            routing: crate::Routing::default(),
            hours: crate::BusinessHours::default(),
            typing_preview: false,
            files: crate::FileRules::default(),
            appearance: crate::Appearance::default(),
            consent: BTreeMap::new(),
        }
    }

    #[test]
    fn allowed_domains() {
        assert!(domain_allowed(&[], "anything.test"));
        let list = vec!["shop.example.com".to_string(), "*.acme.co.kr".to_string()];
        assert!(domain_allowed(&list, "shop.example.com"));
        assert!(domain_allowed(&list, "SHOP.example.com."));
        assert!(!domain_allowed(&list, "evil-shop.example.com"));
        assert!(domain_allowed(&list, "acme.co.kr"));
        assert!(domain_allowed(&list, "www.acme.co.kr"));
        assert!(!domain_allowed(&list, "notacme.co.kr"));
        let s = base()
            .apply(&SettingsUpdate {
                allowed_domains: Some(vec![" Shop.Example.com ".into(), "".into()]),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(s.allowed_domains, ["shop.example.com"]);
        for bad in ["http://x.com", "a b.com", "*.", "x..com"] {
            let e = base()
                .apply(&SettingsUpdate {
                    allowed_domains: Some(vec![bad.into()]),
                    ..Default::default()
                })
                .unwrap_err();
            assert_eq!(e.code.as_str(), "invalid_domain", "{bad}");
        }
    }

    #[test]
    fn helpcenter_chat_needs_the_contract_flag() {
        let off = base()
            .apply(&SettingsUpdate {
                contract: Some(ContractUpdate {
                    chat: Some(false),
                    ..Default::default()
                }),
                ..Default::default()
            })
            .unwrap();
        assert!(!off.contract.chat);
        assert!(
            !off.helpcenter_chat_enabled,
            "contract off switches help-center chat off"
        );
        let err = off
            .apply(&SettingsUpdate {
                helpcenter_chat_enabled: Some(true),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(err.code.as_str(), "contract_chat_off");
        // both in one change is fine
        let both = off
            .apply(&SettingsUpdate {
                contract: Some(ContractUpdate {
                    chat: Some(true),
                    ..Default::default()
                }),
                helpcenter_chat_enabled: Some(true),
                ..Default::default()
            })
            .unwrap();
        assert!(both.helpcenter_chat_enabled);
    }

    #[test]
    fn only_given_fields_change() {
        let s = base()
            .apply(&SettingsUpdate {
                prefer_recent_agent: Some(true),
                ..Default::default()
            })
            .unwrap();
        assert!(s.prefer_recent_agent);
        assert_eq!(s.greetings, base().greetings);
        let s = base()
            .apply(&SettingsUpdate {
                greetings: Some(BTreeMap::from([("en".into(), " Hi ".into())])),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(s.greetings.get("en").unwrap(), "Hi");
        assert_eq!(
            s.greetings.get("ko").unwrap(),
            "안녕하세요",
            "other languages kept"
        );
    }

    #[test]
    fn locale_rules() {
        let err = |l: Vec<&str>| {
            base()
                .apply(&SettingsUpdate {
                    locales: Some(l.into_iter().map(String::from).collect()),
                    ..Default::default()
                })
                .unwrap_err()
                .code
                .as_str()
        };
        assert_eq!(err(vec!["ko", "fr"]), "unsupported_locale");
        assert_eq!(err(vec!["ko", "ko"]), "duplicate_locale");
        assert_eq!(err(vec![]), "no_locale");
        let long = "가".repeat(MAX_SETTING_TEXT_CHARS + 1);
        let e = base()
            .apply(&SettingsUpdate {
                greetings: Some(BTreeMap::from([("ko".into(), long)])),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.code.as_str(), "text_too_long");
    }

    #[test]
    fn message_falls_back_to_the_default_language() {
        let m = BTreeMap::from([("ko".into(), "안녕".into()), ("en".into(), " ".into())]);
        assert_eq!(Settings::pick(&m, "en", "ko"), Some("안녕"));
        assert_eq!(Settings::pick(&m, "ko", "ko"), Some("안녕"));
        assert_eq!(Settings::pick(&BTreeMap::new(), "ko", "ko"), None);
    }

    #[test]
    fn ratings() {
        assert!(
            RatingRequest {
                score: 4,
                comment: None
            }
            .validate()
            .is_ok()
        );
        assert!(
            RatingRequest {
                score: 0,
                comment: None
            }
            .validate()
            .is_err()
        );
        assert!(
            RatingRequest {
                score: 6,
                comment: None
            }
            .validate()
            .is_err()
        );
        assert!(
            RatingRequest {
                score: 5,
                comment: Some("x".repeat(1001))
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn snippet_loads_the_widget() {
        let s = embed_snippet("https://oc.example", "demo", "en");
        assert!(s.contains(r#"src="https://oc.example/widget.js?service=demo""#));
        assert!(s.contains(r#"data-service="demo""#) && s.contains(r#"data-locale="en""#));
    }
}

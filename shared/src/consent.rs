//! The privacy consent a customer accepts before chatting (C-IN-3, issue 33), told from
//! the service's own settings rather than a fixed claim: the items actually collected
//! (attached files only where the service takes files), the purpose, how long the chat
//! is kept (the service's retention days, or until it is erased), and the right to
//! refuse with its consequence — the four parts Korea's PIPA asks a consent to state.
//!
//! The same function builds the notice in the browser (what the customer reads) and on
//! the server (what is recorded with the chat: the text of every version is kept, and
//! the chat stores which one was accepted).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Texts, fill};
use crate::validate::{Invalid, invalid};

/// Longest part of an admin's own wording (characters).
pub const MAX_CONSENT_PART_CHARS: usize = 500;

/// A service's own wording of the consent in one language (`consent` in `GET|PUT
/// /settings`): all four parts are required, so an edited notice still states what PIPA
/// asks for. Without one, the notice is generated from the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentWording {
    pub items: String,
    pub purpose: String,
    pub retention: String,
    pub refusal: String,
}

/// Checks and tidies admins' wordings: supported languages only, every part present
/// (trimmed, 1 to [`MAX_CONSENT_PART_CHARS`] characters, line breaks allowed, no other
/// control characters). A language left wholly blank is dropped (generated again).
pub fn normalized_wordings(
    wordings: &BTreeMap<String, ConsentWording>,
) -> Result<BTreeMap<String, ConsentWording>, Invalid> {
    let mut out = BTreeMap::new();
    for (lang, w) in wordings {
        if !crate::SUPPORTED_LOCALES.contains(&lang.as_str()) {
            return Err(invalid(
                "consent",
                format!("`{lang}` is not a supported language"),
            ));
        }
        let parts = [
            ("items", &w.items),
            ("purpose", &w.purpose),
            ("retention", &w.retention),
            ("refusal", &w.refusal),
        ];
        if parts.iter().all(|(_, p)| p.trim().is_empty()) {
            continue;
        }
        let mut tidy = Vec::with_capacity(4);
        for (name, part) in parts {
            let p = part.trim();
            if p.is_empty() {
                return Err(invalid(
                    "consent",
                    format!(
                        "{lang}: the {name} part is required (items, purpose, retention, refusal)"
                    ),
                ));
            }
            if p.chars().count() > MAX_CONSENT_PART_CHARS
                || p.chars().any(|c| c.is_control() && c != '\n')
            {
                return Err(invalid(
                    "consent",
                    format!(
                        "{lang}: the {name} part must be at most {MAX_CONSENT_PART_CHARS} characters without control characters"
                    ),
                ));
            }
            tidy.push(p.to_owned());
        }
        let [items, purpose, retention, refusal]: [String; 4] = tidy.try_into().unwrap_or_default();
        out.insert(
            lang.clone(),
            ConsentWording {
                items,
                purpose,
                retention,
                refusal,
            },
        );
    }
    Ok(out)
}

/// What the notice is built from (`consent` in `GET /services/{slug}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentFacts {
    /// Chats are erased this many days after they end; `null`: kept until erased.
    #[serde(default)]
    pub retention_days: Option<i64>,
    /// The service takes files in chats (so they are collected).
    #[serde(default)]
    pub files: bool,
    /// The admins' own wording per language, used instead of the generated notice.
    #[serde(default)]
    pub wording: BTreeMap<String, ConsentWording>,
}

/// The notice's four parts in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentNotice {
    pub items: String,
    pub purpose: String,
    pub retention: String,
    pub refusal: String,
}

impl ConsentFacts {
    /// The notice in the language of `t`.
    pub fn notice(&self, t: &Texts) -> ConsentNotice {
        if let Some(w) = self.wording.get(t.locale.code()) {
            return ConsentNotice {
                items: w.items.clone(),
                purpose: w.purpose.clone(),
                retention: w.retention.clone(),
                refusal: w.refusal.clone(),
            };
        }
        let items = if self.files {
            format!("{}, {}", t.consent_items, t.consent_items_files)
        } else {
            t.consent_items.to_owned()
        };
        let retention = match self.retention_days {
            Some(days) => fill(t.consent_retention_days, "days", days),
            None => t.consent_retention_kept.to_owned(),
        };
        ConsentNotice {
            items,
            purpose: t.consent_purpose.to_owned(),
            retention,
            refusal: t.consent_refusal.to_owned(),
        }
    }
}

impl ConsentNotice {
    /// The notice as one text, its parts labelled (what is kept with the chats).
    pub fn text(&self, t: &Texts) -> String {
        format!(
            "{}: {}\n{}: {}\n{}: {}\n{}: {}",
            t.consent_items_label,
            self.items,
            t.consent_purpose_label,
            self.purpose,
            t.consent_retention_label,
            self.retention,
            t.consent_refusal_label,
            self.refusal
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn the_notice_tells_what_the_service_does() {
        let ko = Locale::Ko.texts();
        let kept = ConsentFacts::default().notice(ko);
        assert!(
            !kept.items.contains(ko.consent_items_files),
            "no files: not collected"
        );
        assert_eq!(kept.retention, ko.consent_retention_kept);
        let month = ConsentFacts {
            retention_days: Some(30),
            files: true,
            ..ConsentFacts::default()
        }
        .notice(ko);
        assert!(month.items.ends_with(ko.consent_items_files));
        assert!(month.retention.contains("30"), "{}", month.retention);
        assert!(!month.text(ko).contains("3년"), "never the old fixed claim");
        let text = month.text(ko);
        for label in [
            ko.consent_items_label,
            ko.consent_purpose_label,
            ko.consent_retention_label,
            ko.consent_refusal_label,
        ] {
            assert!(text.contains(label), "all four parts: {text}");
        }
        let en = ConsentFacts {
            retention_days: Some(365),
            files: false,
            ..ConsentFacts::default()
        }
        .notice(Locale::En.texts());
        assert!(en.retention.contains("365"));
    }

    #[test]
    fn an_admins_wording_needs_all_four_parts() {
        let w = |items: &str, refusal: &str| ConsentWording {
            items: items.into(),
            purpose: "상담 응대".into(),
            retention: "1년 보관 후 파기".into(),
            refusal: refusal.into(),
        };
        let e = normalized_wordings(&[("ko".into(), w("이름, 이메일", " "))].into()).unwrap_err();
        assert!(e.reason.contains("refusal"), "{}", e.reason);
        assert!(normalized_wordings(&[("fr".into(), w("a", "b"))].into()).is_err());
        let blank = ConsentWording::default();
        assert!(
            normalized_wordings(&[("en".into(), blank)].into())
                .unwrap()
                .is_empty()
        );
        let ok =
            normalized_wordings(&[("ko".into(), w(" 이름, 이메일 ", "거부할 수 있습니다"))].into())
                .unwrap();
        assert_eq!(ok["ko"].items, "이름, 이메일");
        let facts = ConsentFacts {
            wording: ok,
            ..ConsentFacts::default()
        };
        let ko = facts.notice(crate::i18n::Locale::Ko.texts());
        assert_eq!(ko.retention, "1년 보관 후 파기", "the admin's words");
        let en = facts.notice(crate::i18n::Locale::En.texts());
        assert_eq!(
            en.retention,
            crate::i18n::Locale::En.texts().consent_retention_kept,
            "generated where none"
        );
    }
}

//! The privacy consent a customer accepts before chatting (C-IN-3, issue 33), told from
//! the service's own settings rather than a fixed claim: the items actually collected
//! (attached files only where the service takes files), the purpose, how long the chat
//! is kept (the service's retention days, or until it is erased), and the right to
//! refuse with its consequence — the four parts Korea's PIPA asks a consent to state.
//!
//! The same function builds the notice in the browser (what the customer reads) and on
//! the server (what is recorded with the chat: the text of every version is kept, and
//! the chat stores which one was accepted).

use serde::{Deserialize, Serialize};

use crate::i18n::{Texts, fill};

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
        }
        .notice(Locale::En.texts());
        assert!(en.retention.contains("365"));
    }
}

//! Canned replies (상용구, issue 19): service-wide ones admins keep and personal ones
//! each agent keeps, with a title, an optional shortcut and a text per language. The
//! rules are pure so the console's `/` list and the server agree: what a query
//! matches, which language variant a customer gets, and how placeholders are filled.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, invalid};

/// Longest title (characters).
pub const MAX_CANNED_TITLE_CHARS: usize = 100;
/// Longest shortcut (characters).
pub const MAX_SHORTCUT_CHARS: usize = 30;
/// Canned replies one owner (the service, or one agent) may keep.
pub const MAX_CANNED_PER_OWNER: i64 = 500;

/// The placeholders a text may hold.
pub const PLACEHOLDERS: [&str; 3] = ["{customer_name}", "{agent_name}", "{service_name}"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedReply {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: crate::CannedId,
    pub title: String,
    #[serde(default)]
    pub shortcut: Option<String>,
    /// The text per language code; the service's first language is the fallback.
    pub texts: BTreeMap<String, String>,
    /// The agent's own (true) or the service's (false).
    pub personal: bool,
}

/// `POST /api/v1/canned-replies` and `PUT /api/v1/canned-replies/{id}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedReplyInput {
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::canned_title))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::canned_shortcut))]
    pub shortcut: Option<String>,
    /// `ko` and/or `en`; at least one not blank, each within the message limit.
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::canned_texts))]
    pub texts: BTreeMap<String, String>,
    /// A personal reply (any agent) or a service-wide one (admins); fixed at creation.
    #[serde(default)]
    pub personal: bool,
}

impl CannedReplyInput {
    /// Checks and tidies the input: a title, an optional shortcut without spaces, at
    /// least one text, only supported languages, texts within the message limit.
    pub fn normalized(&self) -> Result<CannedReplyInput, Invalid> {
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MAX_CANNED_TITLE_CHARS {
            return Err(invalid("title", "must be 1 to 100 characters"));
        }
        let shortcut = match self
            .shortcut
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => {
                let s = s.trim_start_matches('/');
                if s.is_empty()
                    || s.chars().count() > MAX_SHORTCUT_CHARS
                    || s.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(invalid("shortcut", "1 to 30 characters without spaces"));
                }
                Some(s.to_owned())
            }
        };
        let mut texts = BTreeMap::new();
        for (lang, text) in &self.texts {
            if !crate::SUPPORTED_LOCALES.contains(&lang.as_str()) {
                return Err(invalid(
                    "texts",
                    format!("`{lang}` is not a supported language"),
                ));
            }
            if text.trim().is_empty() {
                continue;
            }
            crate::validate_message(text).map_err(|e| invalid("texts", e.reason))?;
            texts.insert(lang.clone(), text.clone());
        }
        if texts.is_empty() {
            return Err(invalid("texts", "needs a text in at least one language"));
        }
        Ok(CannedReplyInput {
            title: title.to_owned(),
            shortcut,
            texts,
            personal: self.personal,
        })
    }
}

impl CannedReply {
    /// The variant for a customer's language, else the service's default language,
    /// else any.
    pub fn text_for(&self, locale: &str, default_locale: &str) -> &str {
        self.texts
            .get(locale)
            .or_else(|| self.texts.get(default_locale))
            .or_else(|| self.texts.values().next())
            .map_or("", String::as_str)
    }

    /// Whether a `/` query picks this reply: by shortcut, title or any text,
    /// case-insensitively (Korean and Latin alike); an empty query picks all.
    pub fn matches(&self, query: &str) -> bool {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return true;
        }
        let hit = |s: &str| s.to_lowercase().contains(&q);
        self.shortcut.as_deref().is_some_and(hit)
            || hit(&self.title)
            || self.texts.values().any(|t| hit(t))
    }
}

/// The `/` list: matching replies, exact shortcut first, then shortcut prefixes, then
/// the rest, each group by title.
pub fn search<'a>(replies: &'a [CannedReply], query: &str) -> Vec<&'a CannedReply> {
    let q = query.trim().to_lowercase();
    let mut hits: Vec<&CannedReply> = replies.iter().filter(|r| r.matches(&q)).collect();
    let rank = |r: &CannedReply| match r.shortcut.as_deref().map(str::to_lowercase) {
        Some(s) if !q.is_empty() && s == q => 0,
        Some(s) if !q.is_empty() && s.starts_with(&q) => 1,
        _ => 2,
    };
    hits.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.title.cmp(&b.title)));
    hits
}

/// Fills `{customer_name}`, `{agent_name}` and `{service_name}`; other braces stay.
pub fn fill_placeholders(text: &str, customer: &str, agent: &str, service: &str) -> String {
    text.replace(PLACEHOLDERS[0], customer)
        .replace(PLACEHOLDERS[1], agent)
        .replace(PLACEHOLDERS[2], service)
}

/// The request schemas of a canned reply's fields (issue 30).
#[cfg(feature = "openapi")]
mod schemas {
    use crate::schema::{self, CONTROL, string, whitespace};
    use utoipa::openapi::Object;
    use utoipa::openapi::schema::{
        AdditionalProperties, AllOfBuilder, AnyOfBuilder, ObjectBuilder, Schema, Type,
    };

    /// Trimmed, 1 to [`super::MAX_CANNED_TITLE_CHARS`].
    pub fn canned_title() -> Object {
        schema::trimmed(super::MAX_CANNED_TITLE_CHARS)
    }

    /// Blank (none), or after trimming and dropping leading `/`s, 1 to
    /// [`super::MAX_SHORTCUT_CHARS`] characters without whitespace or control
    /// characters.
    pub fn canned_shortcut() -> Object {
        let ws = whitespace();
        string(true)
            .pattern(Some(format!(
                "^[{ws}]*(/*[^{ws}{CONTROL}/][^{ws}{CONTROL}]{{0,{}}})?[{ws}]*$",
                super::MAX_SHORTCUT_CHARS - 1
            )))
            .build()
    }

    /// Texts by language: only [`crate::SUPPORTED_LOCALES`] as keys, each at most the
    /// message limit, at least one not blank (a blank one is dropped).
    pub fn canned_texts() -> Schema {
        let all = crate::SUPPORTED_LOCALES.iter().fold(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false))),
            |o, lang| {
                o.property(
                    *lang,
                    string(false).max_length(Some(crate::MAX_MESSAGE_CHARS)),
                )
            },
        );
        let one = crate::SUPPORTED_LOCALES
            .iter()
            .fold(AnyOfBuilder::new(), |any, lang| {
                any.item(
                    ObjectBuilder::new()
                        .property(*lang, crate::chat::schemas::message_text())
                        .required(*lang),
                )
            });
        Schema::AllOf(AllOfBuilder::new().item(all).item(one).build())
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::schemas::{canned_shortcut, canned_title};
    use crate::schema::check::agrees;

    #[test]
    fn canned_titles_and_shortcuts_as_the_rule_reads_them() {
        let input = |title: &str, shortcut: &str| crate::CannedReplyInput {
            title: title.into(),
            shortcut: Some(shortcut.into()),
            texts: [("ko".to_owned(), "안녕하세요".to_owned())].into(),
            personal: true,
        };
        agrees(canned_title(), |s| input(s, "").normalized().is_ok());
        agrees(canned_shortcut(), |s| input("인사", s).normalized().is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(title: &str, shortcut: Option<&str>, ko: &str, en: Option<&str>) -> CannedReply {
        let mut texts = BTreeMap::from([("ko".to_owned(), ko.to_owned())]);
        if let Some(en) = en {
            texts.insert("en".into(), en.into());
        }
        CannedReply {
            id: crate::CannedId(1),
            title: title.into(),
            shortcut: shortcut.map(Into::into),
            texts,
            personal: false,
        }
    }

    #[test]
    fn queries_match_shortcut_title_and_text_in_korean_and_latin() {
        let r = reply(
            "환불 안내",
            Some("refund"),
            "{customer_name}님, 환불은 3~5일 걸립니다.",
            Some("Refunds take 3-5 days."),
        );
        assert!(r.matches(""));
        assert!(r.matches("REF"));
        assert!(r.matches("환불"));
        assert!(r.matches("3~5일"));
        assert!(r.matches("days"));
        assert!(!r.matches("배송"));
    }

    #[test]
    fn exact_and_prefix_shortcuts_come_first() {
        let list = [
            reply("가나다", Some("hi2"), "x", None),
            reply("인사", Some("hi"), "안녕하세요", None),
            reply("hi 모음", None, "y", None),
        ];
        let titles: Vec<_> = search(&list, "hi")
            .iter()
            .map(|r| r.title.clone())
            .collect();
        assert_eq!(titles, ["인사", "가나다", "hi 모음"]);
        assert_eq!(search(&list, "없음").len(), 0);
    }

    #[test]
    fn the_customers_language_then_the_default() {
        let r = reply("t", None, "안녕하세요", Some("Hello"));
        assert_eq!(r.text_for("en", "ko"), "Hello");
        assert_eq!(r.text_for("ja", "ko"), "안녕하세요");
        let only_en = CannedReply {
            texts: BTreeMap::from([("en".to_owned(), "Hi".to_owned())]),
            ..r
        };
        assert_eq!(only_en.text_for("ko", "ko"), "Hi", "any text before none");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill_placeholders(
                "{customer_name}님, {agent_name}입니다. {service_name} {other}",
                "홍길동",
                "김상담",
                "데모 쇼핑"
            ),
            "홍길동님, 김상담입니다. 데모 쇼핑 {other}"
        );
    }

    #[test]
    fn inputs_are_checked_with_the_field_named() {
        let ok = CannedReplyInput {
            title: " 인사 ".into(),
            shortcut: Some("/hi".into()),
            texts: BTreeMap::from([
                ("ko".into(), "안녕하세요".into()),
                ("en".into(), "  ".into()),
            ]),
            personal: true,
        };
        let n = ok.normalized().unwrap();
        assert_eq!(n.title, "인사");
        assert_eq!(
            n.shortcut.as_deref(),
            Some("hi"),
            "a leading slash is dropped"
        );
        assert_eq!(n.texts.len(), 1, "blank variants are dropped");
        let bad = |f: fn(&mut CannedReplyInput)| {
            let mut i = ok.clone();
            f(&mut i);
            i.normalized().unwrap_err().field
        };
        assert_eq!(bad(|i| i.title = " ".into()), "title");
        assert_eq!(bad(|i| i.shortcut = Some("a b".into())), "shortcut");
        assert_eq!(bad(|i| i.texts = BTreeMap::new()), "texts");
        assert_eq!(
            bad(|i| {
                i.texts.insert("fr".into(), "x".into());
            }),
            "texts"
        );
        assert_eq!(
            bad(|i| {
                i.texts.insert("ko".into(), "가".repeat(5000));
            }),
            "texts"
        );
    }
}

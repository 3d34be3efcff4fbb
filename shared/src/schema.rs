//! The request schemas' share of the rules in [`crate::validate`] and its neighbours
//! (issue 30): the OpenAPI document tells a client what the server accepts, so a
//! schema-valid request is never refused for its shape. The rules trim with
//! `str::trim` and refuse `char::is_control`; JSON Schema's `\s` (ECMA-262) and
//! Python's (what schemathesis runs) each mean another set, so the patterns here spell
//! out the very characters the rules use, built from the lists below.
//!
//! Each function is a `schema_with` target (utoipa takes a path to a function without
//! arguments), named after the field kind it describes.

use utoipa::openapi::Object;
use utoipa::openapi::schema::{
    AdditionalProperties, AllOfBuilder, AnyOfBuilder, Array, ArrayBuilder, ObjectBuilder, Schema,
    SchemaType, Type,
};

use crate::validate::{MAX_EMAIL_CHARS, MAX_NAME_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

/// Every character `char::is_whitespace` holds for (Unicode White_Space) — what
/// `str::trim` removes. A unit test checks the list against the standard library.
pub const WHITESPACE: [char; 25] = [
    '\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}',
    '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
];

/// `char::is_control` (category Cc) as the inside of a regex class.
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

/// [`WHITESPACE`] as the inside of a regex class (`\uXXXX` escapes, understood alike
/// by ECMA-262 and Python).
fn whitespace() -> String {
    WHITESPACE
        .iter()
        .map(|c| format!("\\u{:04x}", *c as u32))
        .collect()
}

fn string(nullable: bool) -> ObjectBuilder {
    let ty = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new().schema_type(ty)
}

/// Not blank (one character `str::trim` keeps), at most `max` characters in all — the
/// rule of message texts and inquiry fields, which count the untrimmed text.
fn text(max: usize, nullable: bool) -> Object {
    string(nullable)
        .pattern(Some(format!("[^{}]", whitespace())))
        .max_length(Some(max))
        .build()
}

/// The display-name rule ([`crate::validate::name`] and the category name): after
/// trimming, 1 to `max` characters and none a control character.
fn name_pattern(max: usize) -> String {
    let ws = whitespace();
    let edge = format!("[^{ws}{CONTROL}]");
    format!(
        "^[{ws}]*{edge}([^{CONTROL}]{{0,{}}}{edge})?[{ws}]*$",
        max.saturating_sub(2)
    )
}

/// [`crate::validate::email`] as a pattern: one `@`, a local part, two or more dotted
/// labels not starting or ending with `-`, no whitespace or control character inside.
fn email_pattern() -> String {
    let ws = whitespace();
    let no = format!("@{ws}{CONTROL}");
    let label = format!("[^{no}.-]([^{no}.]*[^{no}.-])?");
    format!("^[{ws}]*[^{no}]+@{label}(\\.{label})+[{ws}]*$")
}

/// A person's or service's display name (required).
pub fn name() -> Object {
    string(false)
        .pattern(Some(name_pattern(MAX_NAME_CHARS)))
        .build()
}

/// A display name that may be left out or `null` (unchanged).
pub fn name_or_null() -> Object {
    string(true)
        .pattern(Some(name_pattern(MAX_NAME_CHARS)))
        .build()
}

/// A name the customer may leave blank (the start of a chat): blank, or a name.
pub fn blank_or_name() -> Object {
    string(true)
        .pattern(Some(format!(
            "^[{}]*$|{}",
            whitespace(),
            name_pattern(MAX_NAME_CHARS)
        )))
        .build()
}

/// A handling type's name ([`crate::MAX_CATEGORY_NAME_CHARS`]).
pub fn category_name() -> Object {
    string(false)
        .pattern(Some(name_pattern(crate::MAX_CATEGORY_NAME_CHARS)))
        .build()
}

/// A handling type's new name, or `null` (unchanged).
pub fn category_name_or_null() -> Object {
    string(true)
        .pattern(Some(name_pattern(crate::MAX_CATEGORY_NAME_CHARS)))
        .build()
}

/// An email address (required).
pub fn email() -> Object {
    string(false)
        .pattern(Some(email_pattern()))
        .max_length(Some(MAX_EMAIL_CHARS))
        .build()
}

/// An email the customer may leave blank.
pub fn blank_or_email() -> Object {
    string(true)
        .pattern(Some(format!("^[{}]*$|{}", whitespace(), email_pattern())))
        .max_length(Some(MAX_EMAIL_CHARS))
        .build()
}

/// A new password, or `null` (unchanged).
pub fn password_or_null() -> Object {
    string(true)
        .min_length(Some(MIN_PASSWORD_CHARS))
        .max_length(Some(MAX_PASSWORD_CHARS))
        .build()
}

/// A chat message's text ([`crate::validate_message`]).
pub fn message_text() -> Object {
    text(crate::MAX_MESSAGE_CHARS, false)
}

/// An inquiry's subject (`engine::tickets`: 200 characters).
pub fn inquiry_subject() -> Object {
    text(200, false)
}

/// An inquiry's body (`engine::tickets`: 5,000 characters).
pub fn inquiry_body() -> Object {
    text(5000, false)
}

/// A canned reply's title: trimmed, 1 to [`crate::canned::MAX_CANNED_TITLE_CHARS`].
pub fn canned_title() -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!(
            "^[{ws}]*[^{ws}]([\\s\\S]{{0,{}}}[^{ws}])?[{ws}]*$",
            crate::canned::MAX_CANNED_TITLE_CHARS - 2
        )))
        .build()
}

/// A canned reply's shortcut: blank (none), or after trimming and dropping leading
/// `/`s, 1 to [`crate::canned::MAX_SHORTCUT_CHARS`] characters without whitespace
/// or control characters.
pub fn canned_shortcut() -> Object {
    let ws = whitespace();
    string(true)
        .pattern(Some(format!(
            "^[{ws}]*(/*[^{ws}{CONTROL}/][^{ws}{CONTROL}]{{0,{}}})?[{ws}]*$",
            crate::canned::MAX_SHORTCUT_CHARS - 1
        )))
        .build()
}

/// A page address as the chat's start reads it (`engine::chats::intake`, WHATWG
/// rules): `http(s)://`, a host name whose last label starts with a letter (one that
/// ends in a number is read as an IPv4 address), an optional port, visible ASCII
/// after it; at most 2,000 characters.
pub fn page_url_or_null() -> Object {
    string(true)
        .pattern(Some(
            r"^https?://([a-zA-Z0-9-]+\.)*[a-zA-Z][a-zA-Z0-9-]*(:[0-9]{1,4})?([/?#][!-~]*)?$"
                .to_owned(),
        ))
        .max_length(Some(2000))
        .build()
}

/// An id as the API's ids are read (`shared::ids`: a string of digits, trimmed,
/// that fits 64 bits), or `null`. One that names nothing answers 404.
pub fn id_or_null() -> Object {
    let ws = whitespace();
    string(true)
        .pattern(Some(format!("^[{ws}]*[+-]?[0-9]{{1,18}}[{ws}]*$")))
        .build()
}

/// A canned reply's texts by language: only [`crate::SUPPORTED_LOCALES`] as keys, each
/// at most the message limit, at least one not blank (a blank one is dropped).
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
                    .property(*lang, message_text())
                    .required(*lang),
            )
        });
    Schema::AllOf(AllOfBuilder::new().item(all).item(one).build())
}

/// A webhook's address (`engine::webhooks::check_url`): as [`page_url_or_null`],
/// trimmed, without credentials. Whether it is public is known only by resolving it.
pub fn webhook_url() -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!(
            r"^[{ws}]*https?://([a-zA-Z0-9-]+\.)*[a-zA-Z][a-zA-Z0-9-]*(:[0-9]{{1,4}})?([/?#][!-~]*)?[{ws}]*$"
        )))
        .max_length(Some(2000))
        .build()
}

/// A webhook's events: one or more of [`crate::webhook::WEBHOOK_EVENTS`].
pub fn webhook_events() -> Array {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(crate::webhook::WEBHOOK_EVENTS)),
        )
        .min_items(Some(1))
        .build()
}

/// The customer's consent to the privacy notice: a chat starts only with `true`.
pub fn consent() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([true]))
        .build()
}

/// A query word from a closed set, blank meaning "not given" (the query's values are
/// trimmed).
fn query_word(words: &[&str]) -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!("^[{ws}]*({})?[{ws}]*$", words.join("|"))))
        .build()
}

/// `period`: `today`, `7d` or `30d`.
pub fn period_param() -> Object {
    query_word(&["today", "7d", "30d"])
}

/// `lang` / `locale` of an answer: `ko` or `en`.
pub fn language_param() -> Object {
    query_word(&crate::SUPPORTED_LOCALES)
}

/// `status` of the history: `handled` or `unhandled`.
pub fn handled_param() -> Object {
    query_word(&["handled", "unhandled"])
}

/// `channel`: `helpcenter` or `widget`.
pub fn channel_param() -> Object {
    query_word(&["helpcenter", "widget"])
}

/// An id filter (agent, handling type): a positive whole number that fits 64 bits,
/// or blank.
pub fn id_param() -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!("^[{ws}]*(0*[1-9][0-9]{{0,17}})?[{ws}]*$")))
        .build()
}

/// A page size: 1 to [`crate::MAX_PAGE_SIZE`], or blank.
pub fn limit_param() -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!(
            "^[{ws}]*(0*([1-9][0-9]?|1[0-9][0-9]|200))?[{ws}]*$"
        )))
        .build()
}

/// `tz`: `Z`, `UTC` or an offset `±HH[:MM]` up to 14 hours, or blank.
pub fn offset_param() -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!(
            "^[{ws}]*([zZ]|[uU][tT][cC]|[+-](0?[0-9]|1[0-4])(:[0-5]?[0-9])?)?[{ws}]*$"
        )))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whitespace_list_is_what_trim_removes() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(
                WHITESPACE.contains(&c),
                c.is_whitespace(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// The pattern of a schema, compiled as a whole-string search like JSON Schema's.
    fn pattern(o: Object) -> regex::Regex {
        regex::Regex::new(o.pattern.as_deref().expect("a pattern")).expect("a valid regex")
    }

    /// Short strings over the characters the rules treat differently (letters, Korean,
    /// every kind of whitespace, control characters, format characters, `@ . - /`),
    /// from a fixed seed; plus the lengths around each limit.
    fn corpus() -> Vec<String> {
        let palette = [
            'a', 'Z', '7', '가', ' ', '\t', '\n', '\r', '\u{b}', '\u{85}', '\u{a0}', '\u{2007}',
            '\u{3000}', '\u{0}', '\u{7}', '\u{1c}', '\u{1f}', '\u{7f}', '\u{9f}', '\u{feff}',
            '\u{200b}', '@', '.', '-', '/', '+', ':',
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut out: Vec<String> = (0..40_000)
            .map(|_| {
                let len = (next() % 9) as usize;
                (0..len)
                    .map(|_| palette[(next() % palette.len() as u64) as usize])
                    .collect()
            })
            .collect();
        for n in [
            29, 30, 31, 49, 50, 51, 99, 100, 101, 199, 200, 201, 4000, 4001,
        ] {
            out.push("가".repeat(n));
            out.push(format!(" {} ", "가".repeat(n)));
            out.push(format!("a{}a", " ".repeat(n.saturating_sub(2))));
        }
        out.extend(
            [
                "agent1@demo.test",
                " a@b.co ",
                "a@-b.co",
                "a@b-.co",
                "a@b..co",
                "a b@c.de",
            ]
            .map(String::from),
        );
        out
    }

    /// Every corpus string is accepted by the schema exactly when the rule accepts it.
    fn agrees(schema: Object, rule: impl Fn(&str) -> bool) {
        let re = pattern(schema.clone());
        for s in corpus() {
            let by_schema = re.is_match(&s)
                && schema.max_length.is_none_or(|m| s.chars().count() <= m)
                && schema.min_length.is_none_or(|m| s.chars().count() >= m);
            assert_eq!(by_schema, rule(&s), "{s:?}");
        }
    }

    #[test]
    fn names_as_the_rule_reads_them() {
        agrees(name(), |s| crate::validate::name("name", s).is_ok());
        agrees(blank_or_name(), |s| {
            s.trim().is_empty() || crate::validate::name("name", s).is_ok()
        });
    }

    #[test]
    fn category_names_as_the_rule_reads_them() {
        // engine::categories::check_name: trimmed, 1–50, no control character
        agrees(category_name(), |s| {
            let t = s.trim();
            !t.is_empty()
                && t.chars().count() <= crate::MAX_CATEGORY_NAME_CHARS
                && !t.chars().any(char::is_control)
        });
    }

    #[test]
    fn emails_as_the_rule_reads_them() {
        agrees(email(), |s| crate::validate::email("email", s).is_ok());
        agrees(blank_or_email(), |s| {
            s.trim().is_empty() || crate::validate::email("email", s).is_ok()
        });
    }

    #[test]
    fn message_texts_as_the_rule_reads_them() {
        agrees(message_text(), |s| crate::validate_message(s).is_ok());
    }

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

    #[test]
    fn query_words_and_ids_as_the_filters_read_them() {
        let history = |field: &str, v: &str| {
            let mut q = crate::HistoryQuery::default();
            let v = Some(v.to_owned());
            match field {
                "limit" => q.limit = v,
                "agent" => q.agent = v,
                "page" => q.page = v,
                "tz" => q.tz = v,
                "status" => q.status = v,
                "channel" => q.channel = v,
                _ => q.lang = v,
            }
            q.filter().is_ok()
        };
        for (field, schema) in [
            ("limit", limit_param()),
            ("agent", id_param()),
            ("page", id_param()),
            ("tz", offset_param()),
            ("status", handled_param()),
            ("channel", channel_param()),
            ("lang", language_param()),
        ] {
            let re = pattern(schema);
            let mut words: Vec<String> = corpus();
            words.extend(
                [
                    "1",
                    "50",
                    "200",
                    "201",
                    "0",
                    "007",
                    "+5",
                    "-3",
                    "9223372036854775807",
                    "+09:00",
                    "-05:30",
                    "Z",
                    "utc",
                    "+14",
                    "+15",
                    "+9:60",
                    " 7 ",
                    "handled",
                    "unhandled",
                    "widget",
                    "helpcenter",
                    "ko",
                    " en ",
                    "fr",
                ]
                .map(String::from),
            );
            for w in words {
                // the schema may be stricter than the filter (a 19-digit id, `+5`),
                // never looser: what it accepts, the filter accepts
                if re.is_match(&w) {
                    assert!(history(field, &w), "{field}={w:?}");
                }
            }
        }
        let report = |period: &str| {
            let q = crate::ReportQuery {
                period: Some(period.into()),
                ..Default::default()
            };
            let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date");
            crate::report::report_days(&q, today).is_ok()
        };
        agrees(period_param(), report);
    }
}

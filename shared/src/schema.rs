//! The vocabulary of the request schemas (issue 30): the OpenAPI document tells a
//! client what the server accepts, so a schema-valid request is never refused for its
//! shape. The rules trim with `str::trim` and refuse `char::is_control`; JSON Schema's
//! `\s` (ECMA-262) and Python's (what schemathesis runs) each mean another set, so the
//! patterns here spell out the very characters the rules use.
//!
//! This module knows only the general rules of [`crate::validate`]; each domain module
//! builds its fields' schemas from these pieces next to its own limits (`schema_with`
//! takes a function without arguments, so those are small functions there), and tests
//! each against its rule with [`check`].

use utoipa::openapi::Object;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};

use crate::validate::{MAX_EMAIL_CHARS, MAX_NAME_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

/// Every character `char::is_whitespace` holds for (Unicode White_Space) — what
/// `str::trim` removes. A unit test checks the list against the standard library.
pub const WHITESPACE: [char; 25] = [
    '\t', '\n', '\u{b}', '\u{c}', '\r', ' ', '\u{85}', '\u{a0}', '\u{1680}', '\u{2000}',
    '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200a}', '\u{2028}', '\u{2029}', '\u{202f}', '\u{205f}', '\u{3000}',
];

/// `char::is_control` (category Cc) as the inside of a regex class.
pub const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";

/// [`WHITESPACE`] as the inside of a regex class (`\uXXXX` escapes, understood alike
/// by ECMA-262 and Python).
pub fn whitespace() -> String {
    WHITESPACE
        .iter()
        .map(|c| format!("\\u{:04x}", *c as u32))
        .collect()
}

/// A string schema, `null` allowed when `nullable`.
pub fn string(nullable: bool) -> ObjectBuilder {
    let ty = if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    };
    ObjectBuilder::new().schema_type(ty)
}

/// Not blank (one character `str::trim` keeps), at most `max` characters in all — the
/// rule of texts that count the untrimmed text (messages, inquiries).
pub fn non_blank(max: usize, nullable: bool) -> Object {
    string(nullable)
        .pattern(Some(format!("[^{}]", whitespace())))
        .max_length(Some(max))
        .build()
}

/// Trimmed, 1 to `max` characters, anything else allowed (a canned reply's title).
pub fn trimmed(max: usize) -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!(
            "^[{ws}]*[^{ws}]([\\s\\S]{{0,{}}}[^{ws}])?[{ws}]*$",
            max.saturating_sub(2)
        )))
        .build()
}

/// The display-name rule ([`crate::validate::name`], a handling type's name): after
/// trimming, 1 to `max` characters and none a control character.
fn display_name_pattern(max: usize) -> String {
    let ws = whitespace();
    let edge = format!("[^{ws}{CONTROL}]");
    format!(
        "^[{ws}]*{edge}([^{CONTROL}]{{0,{}}}{edge})?[{ws}]*$",
        max.saturating_sub(2)
    )
}

/// A display name of at most `max` characters.
pub fn display_name(max: usize, nullable: bool) -> Object {
    string(nullable)
        .pattern(Some(display_name_pattern(max)))
        .build()
}

/// [`crate::validate::email`] as a pattern: one `@`, a local part, two or more dotted
/// labels not starting or ending with `-`, no whitespace or control character inside.
fn email_pattern() -> String {
    let ws = whitespace();
    let no = format!("@{ws}{CONTROL}");
    let label = format!("[^{no}.-]([^{no}.]*[^{no}.-])?");
    format!("^[{ws}]*[^{no}]+@{label}(\\.{label})+[{ws}]*$")
}

/// An http(s) address as the `url` crate reads one with a host (WHATWG rules):
/// `http(s)://`, a host name whose last label starts with a letter (one that ends in a
/// number is read as an IPv4 address), an optional port, visible ASCII after it; at
/// most 2,000 characters; `trimmed`: whitespace around it allowed.
pub fn http_url(trimmed: bool, nullable: bool) -> Object {
    let ws = if trimmed {
        format!("[{}]*", whitespace())
    } else {
        String::new()
    };
    string(nullable)
        .pattern(Some(format!(
            r"^{ws}https?://([a-zA-Z0-9-]+\.)*[a-zA-Z][a-zA-Z0-9-]*(:[0-9]{{1,4}})?([/?#][!-~]*)?{ws}$"
        )))
        .max_length(Some(2000))
        .build()
}

/// `true`, and only `true` (a consent).
pub fn only_true() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Boolean)
        .enum_values(Some([true]))
        .build()
}

/// A query word from a closed set, blank meaning "not given" (the query's values are
/// trimmed).
pub fn query_word(words: &[&str]) -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!("^[{ws}]*({})?[{ws}]*$", words.join("|"))))
        .build()
}

/// A person's display name (required).
pub fn name() -> Object {
    display_name(MAX_NAME_CHARS, false)
}

/// A display name that may be left out or `null` (unchanged).
pub fn name_or_null() -> Object {
    display_name(MAX_NAME_CHARS, true)
}

/// A name the customer may leave blank: blank, or a name.
pub fn blank_or_name() -> Object {
    string(true)
        .pattern(Some(format!(
            "^[{}]*$|{}",
            whitespace(),
            display_name_pattern(MAX_NAME_CHARS)
        )))
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

/// An id as the API's ids are read (`shared::ids`: a string of digits, trimmed,
/// that fits 64 bits), or `null`. One that names nothing answers 404.
pub fn id_or_null() -> Object {
    let ws = whitespace();
    string(true)
        .pattern(Some(format!("^[{ws}]*[+-]?[0-9]{{1,18}}[{ws}]*$")))
        .build()
}

/// An id filter of a query (agent, handling type, a page cursor): a positive whole
/// number that fits 64 bits, or blank.
pub fn id_param() -> Object {
    let ws = whitespace();
    string(false)
        .pattern(Some(format!("^[{ws}]*(0*[1-9][0-9]{{0,17}})?[{ws}]*$")))
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

/// What the domain modules' tests use to hold a schema against its rule.
#[cfg(test)]
pub(crate) mod check {
    use utoipa::openapi::Object;

    /// The pattern of a schema, compiled as a whole-string search like JSON Schema's.
    pub fn pattern(o: Object) -> regex::Regex {
        regex::Regex::new(o.pattern.as_deref().expect("a pattern")).expect("a valid regex")
    }

    /// Short strings over the characters the rules treat differently (letters, Korean,
    /// every kind of whitespace, control characters, format characters, `@ . - /`),
    /// from a fixed seed; plus the lengths around each limit.
    pub fn corpus() -> Vec<String> {
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
    pub fn agrees(schema: Object, rule: impl Fn(&str) -> bool) {
        let re = pattern(schema.clone());
        for s in corpus() {
            let by_schema = re.is_match(&s)
                && schema.max_length.is_none_or(|m| s.chars().count() <= m)
                && schema.min_length.is_none_or(|m| s.chars().count() >= m);
            assert_eq!(by_schema, rule(&s), "{s:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check::agrees;
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

    #[test]
    fn names_as_the_rule_reads_them() {
        agrees(name(), |s| crate::validate::name("name", s).is_ok());
        agrees(blank_or_name(), |s| {
            s.trim().is_empty() || crate::validate::name("name", s).is_ok()
        });
    }

    #[test]
    fn emails_as_the_rule_reads_them() {
        agrees(email(), |s| crate::validate::email("email", s).is_ok());
        agrees(blank_or_email(), |s| {
            s.trim().is_empty() || crate::validate::email("email", s).is_ok()
        });
    }
}

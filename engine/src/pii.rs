//! Likely-PII detectors for incoming messages (issue 7): Korean mobile and landline
//! numbers, email addresses, resident registration numbers, and card numbers that pass
//! the Luhn check. They return character ranges the agent can mask with one click (or
//! that a service masks automatically).

use std::sync::OnceLock;

use regex::Regex;

/// What a detected run looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PiiKind {
    Mobile,
    Landline,
    Email,
    ResidentNumber,
    Card,
}

impl PiiKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Mobile => "mobile",
            PiiKind::Landline => "landline",
            PiiKind::Email => "email",
            PiiKind::ResidentNumber => "resident_number",
            PiiKind::Card => "card",
        }
    }
}

/// A detected run: character offsets (end exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
}

fn patterns() -> &'static [(PiiKind, Regex)] {
    static P: OnceLock<Vec<(PiiKind, Regex)>> = OnceLock::new();
    P.get_or_init(|| {
        let r = |s: &str| Regex::new(s).expect("valid pattern");
        vec![
            (
                PiiKind::Email,
                r(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
            ),
            (
                PiiKind::ResidentNumber,
                r(r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[- ]?[1-8]\d{6}"),
            ),
            (PiiKind::Card, r(r"\d(?:[ -]?\d){12,18}")),
            (PiiKind::Mobile, r(r"01[016789][-. ]?\d{3,4}[-. ]?\d{4}")),
            (
                PiiKind::Landline,
                r(r"0(?:2|[3-6][1-5])[-. )]?\d{3,4}[-. ]?\d{4}"),
            ),
        ]
    })
}

fn luhn(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                *d
            }
        })
        .sum();
    sum % 10 == 0
}

/// Finds likely PII in `text`; runs do not overlap (earlier kinds in the list win).
pub fn detect(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let to_char = |byte: usize| text[..byte].chars().count();
    let mut found: Vec<Found> = Vec::new();
    for (kind, re) in patterns() {
        for m in re.find_iter(text) {
            // numbers must stand alone: no digit right before or after
            let digit_at =
                |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
            if *kind != PiiKind::Email
                && (digit_at(m.start().checked_sub(1)) || digit_at(Some(m.end())))
            {
                continue;
            }
            if *kind == PiiKind::Card {
                let digits: Vec<u32> = m.as_str().chars().filter_map(|c| c.to_digit(10)).collect();
                if !(13..=19).contains(&digits.len()) || !luhn(&digits) {
                    continue;
                }
            }
            let (start, end) = (to_char(m.start()), to_char(m.end()));
            if found.iter().any(|f| f.start < end && start < f.end) {
                continue;
            }
            found.push(Found {
                start,
                end,
                kind: *kind,
            });
        }
    }
    found.sort_by_key(|f| f.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, &'static str)> {
        detect(text)
            .into_iter()
            .map(|f| {
                (
                    text.chars().skip(f.start).take(f.end - f.start).collect(),
                    f.kind.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn korean_numbers_emails_and_ids() {
        assert_eq!(
            kinds("제 번호는 010-1234-5678 이에요"),
            vec![("010-1234-5678".into(), "mobile")]
        );
        assert_eq!(
            kinds("01012345678로 연락"),
            vec![("01012345678".into(), "mobile")]
        );
        assert_eq!(
            kinds("사무실 02-123-4567, 부산 051-987-6543"),
            vec![
                ("02-123-4567".into(), "landline"),
                ("051-987-6543".into(), "landline")
            ]
        );
        assert_eq!(
            kinds("메일 kim.cs@example.co.kr 로"),
            vec![("kim.cs@example.co.kr".into(), "email")]
        );
        assert_eq!(
            kinds("주민번호 900101-1234567 입니다"),
            vec![("900101-1234567".into(), "resident_number")]
        );
    }

    #[test]
    fn cards_need_luhn() {
        assert_eq!(
            kinds("카드 4111 1111 1111 1111 결제"),
            vec![("4111 1111 1111 1111".into(), "card")]
        );
        assert!(
            kinds("주문번호 4111 1111 1111 1112").is_empty(),
            "fails Luhn"
        );
    }

    #[test]
    fn offsets_are_characters_with_emoji() {
        let text = "😀😀 010-1234-5678";
        let f = detect(text);
        assert_eq!((f[0].start, f[0].end), (3, 16));
    }

    #[test]
    fn plain_text_and_embedded_digits_are_left_alone() {
        assert!(kinds("안녕하세요, 배송 문의입니다").is_empty());
        assert!(
            kinds("주문 123010-1234-56789").is_empty(),
            "part of a longer number"
        );
        assert!(kinds("2026년 11월 24일").is_empty());
    }
}

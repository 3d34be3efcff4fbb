//! Issue #15: every parser of untrusted input in `shared` survives arbitrary input —
//! history filters, offsets, mask ranges, WebSocket frames, validation rules. A seeded
//! generator produces strings from awkward pieces (multi-byte characters, controls,
//! separators, digits); each call must return, never panic. Deterministic, so a
//! failure reproduces.

use shared::mask::{Run, check_range, merge, restore, slice, star_out};
use shared::{ClientMsg, HistoryQuery, validate};

/// xorshift64*: small, seeded, good enough to spread the cases.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn text(&mut self) -> String {
        const PIECES: &[&str] = &[
            "0",
            "9",
            "a",
            "Z",
            "-",
            "+",
            ":",
            "/",
            "@",
            "\\",
            ".",
            " ",
            "\u{0}",
            "\n",
            "가",
            "é",
            "😀",
            "\u{202e}",
            "\"",
            "{",
            "}",
            "[",
            "]",
            ",",
            "T",
            "Z",
            "2026-11-29",
            "+09:00",
            "99",
            "%",
            "?",
            "#",
            "=",
            "&",
            "\u{feff}",
            "ﬀ",
        ];
        let len = self.below(24);
        (0..len).map(|_| PIECES[self.below(PIECES.len())]).collect()
    }

    fn maybe(&mut self) -> Option<String> {
        (self.below(3) > 0).then(|| self.text())
    }
}

#[test]
fn history_filters_never_panic() {
    let mut g = Gen(0x5eed_1234_abcd_0001);
    for _ in 0..20_000 {
        let q = HistoryQuery {
            from: g.maybe(),
            to: g.maybe(),
            tz: g.maybe(),
            status: g.maybe(),
            agent: g.maybe(),
            category: g.maybe(),
            customer: g.maybe(),
            q: g.maybe(),
            ..Default::default()
        };
        let _ = q.filter();
        let _ = shared::parse_offset(&g.text());
    }
}

#[test]
fn mask_ranges_never_panic_and_stay_inside_the_text() {
    let mut g = Gen(0x5eed_1234_abcd_0002);
    for _ in 0..20_000 {
        let text = g.text();
        let len = text.chars().count();
        let (start, end) = (g.below(len + 3), g.below(len + 3));
        if let Ok(run) = check_range(len, start, end) {
            assert!(run.end <= len && run.start < run.end);
            let shown = star_out(&text, run);
            assert_eq!(shown.chars().count(), len);
            let original = slice(&text, run);
            assert_eq!(restore(&shown, run.start, &original), text);
            let others: Vec<Run> = (0..g.below(4))
                .filter_map(|_| check_range(len, g.below(len + 1), g.below(len + 1)).ok())
                .collect();
            let (union, _) = merge(&others, run);
            assert!(union.start <= run.start && union.end >= run.end && union.end <= len);
        }
    }
}

#[test]
fn websocket_frames_and_validation_never_panic() {
    let mut g = Gen(0x5eed_1234_abcd_0003);
    let shapes = [
        |t: &str| {
            format!(
                "{{\"type\":\"message.send\",\"chat_id\":\"{t}\",\"client_id\":\"{t}\",\"text\":\"{t}\"}}"
            )
        },
        |t: &str| format!("{{\"type\":\"resume\",\"chat_id\":\"1\",\"after_seq\":{t}}}"),
        |t: &str| format!("{{\"type\":\"read\",\"chat_id\":{t},\"seq\":1}}"),
        |t: &str| t.to_owned(),
    ];
    for _ in 0..20_000 {
        let t = g.text();
        let frame = shapes[g.below(shapes.len())](&t);
        let _ = serde_json::from_str::<ClientMsg>(&frame);
        let _ = shared::validate_message(&t);
        let _ = shared::validate_client_id(&t);
        let _ = validate::email("email", &t);
        let _ = validate::name("name", &t);
        let _ = validate::normalize_email(&t);
    }
}

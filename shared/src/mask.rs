//! PII masking rules (C-PII-2/3), pure: offsets are Unicode scalar values (`char`s) of
//! the message text, end exclusive; a masked run is shown as one `*` per character;
//! a new mask that overlaps or touches existing ones merges with them into one run.

use crate::validate::Invalid;

/// A masked run, by character offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub start: usize,
    pub end: usize,
}

/// Checks a requested range against a text of `len` characters.
pub fn check_range(len: usize, start: usize, end: usize) -> Result<Run, Invalid> {
    if start >= end {
        return Err(Invalid {
            field: "start",
            reason: "the selection is empty (start must be before end)".into(),
        });
    }
    if end > len {
        return Err(Invalid {
            field: "end",
            reason: format!("is past the end of the message ({len} characters)"),
        });
    }
    Ok(Run { start, end })
}

/// The run a new mask becomes after merging with the existing runs it overlaps or
/// touches, and the indexes of those absorbed runs.
pub fn merge(existing: &[Run], new: Run) -> (Run, Vec<usize>) {
    let mut run = new;
    let mut absorbed = Vec::new();
    // repeat until stable: absorbing one run can make the union reach another
    loop {
        let mut grew = false;
        for (i, r) in existing.iter().enumerate() {
            if !absorbed.contains(&i) && r.start <= run.end && run.start <= r.end {
                run = Run {
                    start: run.start.min(r.start),
                    end: run.end.max(r.end),
                };
                absorbed.push(i);
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    absorbed.sort_unstable();
    (run, absorbed)
}

/// The characters `start..end` of `text`.
pub fn slice(text: &str, run: Run) -> String {
    text.chars()
        .skip(run.start)
        .take(run.end - run.start)
        .collect()
}

/// `text` with `start..end` replaced by one `*` per character.
pub fn star_out(text: &str, run: Run) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if (run.start..run.end).contains(&i) {
                '*'
            } else {
                c
            }
        })
        .collect()
}

/// `text` with the characters from `start` replaced by `original` (same length).
pub fn restore(text: &str, start: usize, original: &str) -> String {
    let orig: Vec<char> = original.chars().collect();
    text.chars()
        .enumerate()
        .map(|(i, c)| {
            if i >= start && i < start + orig.len() {
                orig[i - start]
            } else {
                c
            }
        })
        .collect()
}

/// The original characters of `union`, rebuilt from the shown text (for parts that were
/// not masked) and the decrypted originals of the absorbed runs.
pub fn reconstruct(shown: &str, union: Run, absorbed: &[(Run, String)]) -> String {
    let mut plain = shown.to_owned();
    for (run, original) in absorbed {
        plain = restore(&plain, run.start, original);
    }
    slice(&plain, union)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_characters_for_korean_and_emoji() {
        let text = "전화 010-1234-5678 😀 감사";
        let run = check_range(text.chars().count(), 3, 16).unwrap();
        assert_eq!(slice(text, run), "010-1234-5678");
        assert_eq!(star_out(text, run), "전화 ************* 😀 감사");
        let emoji = Run { start: 17, end: 18 };
        assert_eq!(slice(text, emoji), "😀");
        assert_eq!(star_out(text, emoji), "전화 010-1234-5678 * 감사");
        assert_eq!(restore(&star_out(text, run), 3, "010-1234-5678"), text);
    }

    #[test]
    fn ranges_are_checked() {
        assert!(check_range(5, 0, 5).is_ok());
        assert_eq!(check_range(5, 2, 2).unwrap_err().field, "start");
        assert_eq!(check_range(5, 3, 1).unwrap_err().field, "start");
        assert_eq!(check_range(5, 0, 6).unwrap_err().field, "end");
    }

    #[test]
    fn overlapping_and_touching_runs_merge() {
        let existing = [
            Run { start: 2, end: 4 },
            Run { start: 10, end: 12 },
            Run { start: 20, end: 22 },
        ];
        assert_eq!(
            merge(&existing, Run { start: 6, end: 8 }),
            (Run { start: 6, end: 8 }, vec![])
        );
        assert_eq!(
            merge(&existing, Run { start: 3, end: 6 }),
            (Run { start: 2, end: 6 }, vec![0])
        );
        assert_eq!(
            merge(&existing, Run { start: 4, end: 10 }),
            (Run { start: 2, end: 12 }, vec![0, 1]),
            "touching both"
        );
        assert_eq!(
            merge(&existing, Run { start: 0, end: 30 }),
            (Run { start: 0, end: 30 }, vec![0, 1, 2])
        );
    }

    #[test]
    fn merged_original_is_rebuilt() {
        let original = "카드 1234 5678 9012 3456 입니다";
        let a = Run { start: 3, end: 7 };
        let shown = star_out(original, a);
        let (union, absorbed) = merge(&[a], Run { start: 5, end: 12 });
        assert_eq!(absorbed, vec![0]);
        let plain = reconstruct(&shown, union, &[(a, slice(original, a))]);
        assert_eq!(plain, "1234 5678");
        assert_eq!(
            star_out(&shown, union),
            star_out(original, Run { start: 3, end: 12 })
        );
    }
}

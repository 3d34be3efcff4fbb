//! What one socket has delivered of each chat, so delivery per chat is gap-free and
//! exactly-once (issue 15).
//!
//! A socket remembers, per chat, the span of seqs `(lo, hi]` that went out on it (or
//! that the client said it has, through `resume`). A live message right after the span
//! goes out and extends it; one inside it is a repeat and is dropped; one beyond
//! `hi + 1` means the socket missed something (it subscribed after, or lagged), so the
//! gap is filled from the store first — messages are persisted before they are
//! published, so the store always has them. A `resume` below the span sends what lies
//! under it and skips what already went out, so nothing below a gap is ever discarded.
//!
//! Pure bookkeeping: the socket task asks and acts, the rules unit-test alone.

use std::collections::HashMap;

use shared::ChatId;

/// Seqs `(lo, hi]` of one chat that this socket's client has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Span {
    pub lo: i64,
    pub hi: i64,
}

/// What to do with a live message.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Live {
    /// Send it (the span grew).
    Send,
    /// Already delivered: drop it.
    Repeat,
    /// Messages after `after` are missing: send the store's messages from there
    /// (the live one among them) instead.
    Fill { after: i64 },
}

#[derive(Default)]
pub(super) struct Delivered(HashMap<ChatId, Span>);

impl Delivered {
    /// A live message `seq` of `chat`. The first message of a chat the socket knows
    /// nothing of starts its span.
    pub fn live(&mut self, chat: ChatId, seq: i64) -> Live {
        match self.0.get_mut(&chat) {
            None => {
                self.0.insert(
                    chat,
                    Span {
                        lo: seq - 1,
                        hi: seq,
                    },
                );
                Live::Send
            }
            Some(s) if seq <= s.hi => Live::Repeat,
            Some(s) if seq == s.hi + 1 => {
                s.hi = seq;
                Live::Send
            }
            Some(s) => Live::Fill { after: s.hi },
        }
    }

    /// Whether a stored message (read for a resume or a fill) still has to go out.
    pub fn owes(&self, chat: ChatId, seq: i64) -> bool {
        self.0
            .get(&chat)
            .is_none_or(|s| !(seq > s.lo && seq <= s.hi))
    }

    /// Everything in `(after, last]` has now gone out, or the client had it.
    pub fn covered(&mut self, chat: ChatId, after: i64, last: i64) {
        let span = self.0.entry(chat).or_insert(Span {
            lo: after,
            hi: after,
        });
        span.lo = span.lo.min(after);
        span.hi = span.hi.max(last).max(after);
    }

    /// An acknowledgement of the client's own (repeated) send: it goes out whatever
    /// the span says; the span grows only when it is the next seq.
    pub fn acked(&mut self, chat: ChatId, seq: i64) {
        if let Some(s) = self.0.get_mut(&chat)
            && seq == s.hi + 1
        {
            s.hi = seq;
        }
    }

    /// The highest seq delivered of `chat`, if any.
    pub fn last(&self, chat: ChatId) -> Option<i64> {
        self.0.get(&chat).map(|s| s.hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: ChatId = ChatId(1);

    /// Runs a resume from `after` against a store holding 1..=`top`: what goes out.
    fn resume(d: &mut Delivered, after: i64, top: i64) -> Vec<i64> {
        let out: Vec<i64> = (after + 1..=top).filter(|s| d.owes(C, *s)).collect();
        d.covered(C, after, top.max(after));
        out
    }

    #[test]
    fn live_messages_in_order_go_out_once() {
        let mut d = Delivered::default();
        assert_eq!(d.live(C, 5), Live::Send);
        assert_eq!(d.live(C, 6), Live::Send);
        assert_eq!(d.live(C, 6), Live::Repeat);
        assert_eq!(d.live(C, 3), Live::Repeat);
        assert_eq!(d.last(C), Some(6));
    }

    #[test]
    fn a_gap_is_filled_from_the_store_before_the_live_message() {
        let mut d = Delivered::default();
        assert_eq!(d.live(C, 1), Live::Send);
        assert_eq!(d.live(C, 4), Live::Fill { after: 1 });
        assert_eq!(resume(&mut d, 1, 4), vec![2, 3, 4]);
        assert_eq!(d.live(C, 4), Live::Repeat, "the live copy after the fill");
        assert_eq!(d.live(C, 5), Live::Send);
    }

    #[test]
    fn a_live_message_before_the_resume_does_not_hide_the_gap_below_it() {
        // the client has 10; 11 was sent while it was away; 12 arrives live first
        let mut d = Delivered::default();
        assert_eq!(d.live(C, 12), Live::Send);
        assert_eq!(
            resume(&mut d, 10, 12),
            vec![11],
            "11 still goes out, 12 not again"
        );
        assert_eq!(d.live(C, 13), Live::Send);
    }

    #[test]
    fn a_resume_above_what_went_out_trusts_the_client() {
        let mut d = Delivered::default();
        assert_eq!(resume(&mut d, 0, 3), vec![1, 2, 3]);
        assert_eq!(resume(&mut d, 7, 9), vec![8, 9]);
        assert_eq!(d.live(C, 9), Live::Repeat);
        assert_eq!(d.live(C, 10), Live::Send);
    }

    #[test]
    fn acknowledgements_extend_only_in_order() {
        let mut d = Delivered::default();
        d.covered(C, 0, 2);
        d.acked(C, 3);
        assert_eq!(d.last(C), Some(3));
        d.acked(C, 1);
        d.acked(C, 9);
        assert_eq!(d.last(C), Some(3));
        assert_eq!(d.live(C, 5), Live::Fill { after: 3 });
    }
}

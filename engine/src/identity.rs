//! Signed host-site users (issue 6): the host's back end computes
//! `data-user-hash = hex(HMAC-SHA256(key = identity secret, message = user id))`; we
//! recompute it and compare in constant time, so a forged id is refused.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A new identity secret for a service: 256 random bits, hex.
pub(crate) fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash a host site sends for `user_id` (public so tests and tools can make one).
pub fn user_hash(secret: &str, user_id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(user_id.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `hash` proves `user_id` under `secret` (constant-time).
pub(crate) fn verify(secret: &str, user_id: &str, hash: &str) -> bool {
    let Some(raw) = decode_hex(hash.trim()) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(user_id.as_bytes());
    mac.verify_slice(&raw).is_ok()
}

/// 64 hex digits to 32 bytes; anything else (other lengths, non-ASCII) is `None`.
/// Works on bytes, so no input can split a character (issue 15: a non-ASCII hash of 64
/// bytes once panicked at a string slice).
fn decode_hex(s: &str) -> Option<Vec<u8>> {
    fn digit(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_any_string_never_panics() {
        // every pair of awkward pieces, repeated past 64 bytes and cut at each char
        // boundary around 64: only 64 hex digits decode, nothing panics
        let pieces = ["0", "f", "F", "g", "가", "é", "\u{0}", "😀", " ", "-"];
        for a in pieces {
            for b in pieces {
                let s = format!("{a}{b}").repeat(40);
                for (cut, _) in s.char_indices().filter(|(i, _)| (60..=68).contains(i)) {
                    let hex = s[..cut].bytes().all(|c| c.is_ascii_hexdigit());
                    assert_eq!(decode_hex(&s[..cut]).is_some(), hex && cut == 64);
                }
            }
        }
        assert_eq!(decode_hex(&"0f".repeat(32)), Some(vec![15; 32]));
    }

    #[test]
    fn hashes_verify_and_forgeries_do_not() {
        let secret = new_secret();
        assert_eq!(secret.len(), 64);
        let h = user_hash(&secret, "user-42");
        assert!(verify(&secret, "user-42", &h));
        assert!(
            verify(&secret, "user-42", &h.to_uppercase()),
            "hex case does not matter"
        );
        assert!(!verify(&secret, "user-43", &h), "another user");
        assert!(!verify(&new_secret(), "user-42", &h), "another secret");
        assert!(!verify(&secret, "user-42", "forged"));
        // 64 bytes that are not 64 hex digits: refused, never a panic
        assert!(!verify(&secret, "user-42", &"가".repeat(21)));
        assert!(!verify(
            &secret,
            "user-42",
            &format!("aa{}", "é".repeat(31))
        ));
        assert!(!verify(&secret, "user-42", &"+f".repeat(32)));
        // known vector (RFC 4231 style check with a simple key)
        assert_eq!(
            user_hash("key", "The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}

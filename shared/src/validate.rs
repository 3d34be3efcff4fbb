//! Validation rules for what people type. Pure functions: the server enforces them, the
//! browser uses the same ones to show the error next to the field before sending.

use thiserror::Error;

/// Longest name we accept for people and services (characters).
pub const MAX_NAME_CHARS: usize = 100;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// Shortest password an admin may set.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password we hash (argon2 is fine with more; this bounds the work per request).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a value was refused; `field` names the input so the UI can put the message there.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: &'static str,
    pub reason: String,
}

/// An [`Invalid`] for `field` (the rule modules of this crate share it).
pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid {
        field,
        reason: reason.into(),
    }
}

/// A service slug: 2–40 of `a-z 0-9 -`, not starting or ending with `-`.
pub fn slug(field: &'static str, s: &str) -> Result<(), Invalid> {
    let n = s.chars().count();
    if !(2..=40).contains(&n) {
        return Err(invalid(field, "must be 2 to 40 characters"));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(invalid(field, "may contain only a-z, 0-9 and -"));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(invalid(field, "must not start or end with -"));
    }
    Ok(())
}

/// A display name: not blank, at most [`MAX_NAME_CHARS`], no control characters.
pub fn name(field: &'static str, s: &str) -> Result<(), Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if t.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(())
}

/// An email address: one `@`, a non-empty local part, a dotted domain, no spaces.
/// Deliberately simple (the only real check is sending mail), but it catches typos.
pub fn email(field: &'static str, s: &str) -> Result<(), Invalid> {
    let s = s.trim();
    if s.chars().count() > MAX_EMAIL_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {MAX_EMAIL_CHARS} characters"),
        ));
    }
    let bad = || invalid(field, "is not a valid email address");
    let (local, domain) = s.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(bad());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return Err(bad());
    }
    Ok(())
}

/// A new password: [`MIN_PASSWORD_CHARS`]..=[`MAX_PASSWORD_CHARS`] characters.
pub fn password(field: &'static str, s: &str) -> Result<(), Invalid> {
    let n = s.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(invalid(
            field,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(invalid(
            field,
            format!("must be at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Emails are compared and stored lower-cased and trimmed.
pub fn normalize_email(s: &str) -> String {
    s.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(slug("slug", "demo").is_ok());
        assert!(slug("slug", "acme-2").is_ok());
        assert!(slug("slug", "a").is_err());
        assert!(slug("slug", "Demo").is_err());
        assert!(slug("slug", "-demo").is_err());
        assert!(slug("slug", "de mo").is_err());
        assert!(slug("slug", "데모").is_err());
    }

    #[test]
    fn names_count_characters_not_bytes() {
        assert!(name("name", "김상담").is_ok());
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"가".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(name("name", &"가".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert!(name("name", "a\u{0007}b").is_err());
    }

    #[test]
    fn emails() {
        assert!(email("email", "agent1@demo.test").is_ok());
        assert!(email("email", " agent1@demo.test ").is_ok());
        for bad in [
            "",
            "agent",
            "@demo.test",
            "a@",
            "a@demo",
            "a@@demo.test",
            "a b@demo.test",
            "a@.test",
            "a@demo..test",
        ] {
            assert!(email("email", bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(normalize_email(" Agent1@Demo.TEST "), "agent1@demo.test");
    }

    #[test]
    fn passwords() {
        assert!(password("password", "demo-password").is_ok());
        assert!(password("password", "short").is_err());
        assert_eq!(password("password", "short").unwrap_err().field, "password");
    }
}

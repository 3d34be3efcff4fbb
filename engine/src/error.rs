//! The engine's one error type. Edges map it to HTTP statuses and messages; nothing
//! here knows about HTTP.

use shared::ErrorCode;
use std::time::Duration;

use shared::validate::Invalid;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The thing does not exist *for this caller* (another service's ids land here too).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// No valid session or token.
    #[error("authentication required")]
    Unauthenticated,
    /// Wrong email or password (never says which).
    #[error("wrong email or password")]
    InvalidCredentials,
    /// The account exists but was deactivated by an admin.
    #[error("this account is deactivated")]
    AccountDeactivated,
    /// Too many failed logins; try again after the given time.
    #[error("too many failed sign-in attempts; try again in {} seconds", retry_after.as_secs().max(1))]
    Throttled { retry_after: Duration },
    /// Too many requests of one kind from one client (anonymous limits); try again
    /// after the given time. `code` names the limit (`too_many_chats`, …).
    #[error("{message}")]
    Limited {
        code: ErrorCode,
        message: String,
        retry_after: Duration,
    },
    /// The server is at its bound for expensive work (password hashing); try again soon.
    #[error("the server is busy; try again in {} seconds", retry_after.as_secs().max(1))]
    Busy { retry_after: Duration },
    /// The password was right but the account's second factor is missing (`code`
    /// `two_factor_required`) or wrong (`two_factor_invalid`): 401 (issue 21).
    #[error("{message}")]
    SecondFactor { code: ErrorCode, message: String },
    /// Authenticated but not allowed (e.g. an agent on an admin endpoint).
    #[error("{message}")]
    Forbidden { code: ErrorCode, message: String },
    /// Input broke a rule; says which field and why.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Well-formed input that breaks a rule of the product (`consent_required`, …): 422.
    #[error("{message}")]
    Rule { code: ErrorCode, message: String },
    /// The request clashes with what exists (a taken slug or email).
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// An upload over the service's size limit (413); the message names the limit.
    #[error("{message}")]
    TooLarge { code: ErrorCode, message: String },
    /// An upload whose content is not a kind the service allows (415).
    #[error("{message}")]
    Unsupported { code: ErrorCode, message: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Why the database cannot store anything now, when that is what this error is
    /// (issue 30): SQLite's full disk, I/O error, read-only or unopenable file, and
    /// PostgreSQL's disk full, out of resources or I/O error. The edges answer these
    /// with 503 `storage_unavailable` instead of a bare 500: nothing is wrong with the
    /// request, and it may be sent again once the operator has made room.
    pub fn storage_failure(&self) -> Option<&'static str> {
        let Error::Database(sqlx::Error::Database(db)) = self else {
            return None;
        };
        let code = db.code()?;
        if let Ok(n) = code.parse::<i64>() {
            // SQLite: the primary result code is the low byte of the extended one
            return match n & 0xff {
                13 => Some("the disk holding the database is full"),
                10 => Some("the database file could not be read or written (I/O error)"),
                8 => Some("the database file is read-only"),
                14 => Some("the database file cannot be opened"),
                _ => None,
            };
        }
        match code.as_ref() {
            "53100" => Some("the disk holding the database is full"),
            "53000" | "53200" => Some("the database server is out of resources"),
            "58030" => Some("the database server had an I/O error"),
            _ => None,
        }
    }

    /// A second factor that is not right, or was used already (401).
    pub(crate) fn second_factor_invalid() -> Error {
        Error::SecondFactor {
            code: ErrorCode::TwoFactorInvalid,
            message: "the code is not right (or was used already)".into(),
        }
    }

    pub(crate) fn forbidden(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Forbidden {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn rule(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Rule {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn conflict(code: ErrorCode, message: impl Into<String>) -> Error {
        Error::Conflict {
            code,
            message: message.into(),
        }
    }
}

/// True when a sqlx error is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

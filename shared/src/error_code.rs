//! The error codes of the API and the UI (issue 32): one closed set, serialised as the
//! snake_case strings the API has always answered (`{"error": "chat_closed", …}`), so
//! nothing on the wire changes. The server builds every error from one of these, and
//! each language's texts match on all of them ([`crate::i18n`]), so the compiler checks
//! that every code a person can meet has words in Korean and English. Codes the browser
//! makes itself (`network`, `timeout`, …) are here too: they are shown the same way.

/// Defines [`ErrorCode`] with its wire strings in one list.
macro_rules! error_codes {
    ($($variant:ident => $wire:literal,)*) => {
        /// A machine-readable error code (see the module).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order of the list.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as the API writes it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }

            /// The code of a wire string; `None` for one this build does not know (a
            /// newer server's): the UI shows its generic text then.
            pub fn parse(s: &str) -> Option<ErrorCode> {
                match s {
                    $($wire => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    InvalidDomain => "invalid_domain",
    TextTooLong => "text_too_long",
    AccountDeactivated => "account_deactivated",
    AdminOnly => "admin_only",
    AgentInactive => "agent_inactive",
    AgentUnavailable => "agent_unavailable",
    AgentsAbsent => "agents_absent",
    BadRequest => "bad_request",
    BadResponse => "bad_response",
    BodyTooLarge => "body_too_large",
    BrokenImage => "broken_image",
    BrowserOnly => "browser_only",
    Busy => "busy",
    CategoryTooDeep => "category_too_deep",
    ChatClosed => "chat_closed",
    ChatNotActive => "chat_not_active",
    ClientIdTaken => "client_id_taken",
    ConsentRequired => "consent_required",
    ContractChatOff => "contract_chat_off",
    CustomersOnly => "customers_only",
    DomainNotAllowed => "domain_not_allowed",
    DuplicateLocale => "duplicate_locale",
    EmailTaken => "email_taken",
    EmptyFile => "empty_file",
    ExportFailed => "export_failed",
    ExportRunning => "export_running",
    FileMasked => "file_masked",
    FileTooLarge => "file_too_large",
    FileTypeNotAllowed => "file_type_not_allowed",
    FilesOff => "files_off",
    ForeignOrigin => "foreign_origin",
    Http => "http",
    IdentityInvalid => "identity_invalid",
    IdentityRequired => "identity_required",
    ImportHasErrors => "import_has_errors",
    Internal => "internal",
    InvalidCredentials => "invalid_credentials",
    InvalidFields => "invalid_fields",
    InvalidFrame => "invalid_frame",
    InvalidInput => "invalid_input",
    InvalidJson => "invalid_json",
    InvalidQuery => "invalid_query",
    JsonRequired => "json_required",
    LastAdmin => "last_admin",
    MethodNotAllowed => "method_not_allowed",
    Network => "network",
    NoChatPermission => "no_chat_permission",
    NoLocale => "no_locale",
    NoSuchEndpoint => "no_such_endpoint",
    NotAssigned => "not_assigned",
    NotFound => "not_found",
    OutsideHours => "outside_hours",
    PublicUrlRequired => "public_url_required",
    RatingClosed => "rating_closed",
    RequestFailed => "request_failed",
    RetentionOff => "retention_off",
    SameAgent => "same_agent",
    SecurityServiceOff => "security_service_off",
    Serialize => "serialize",
    SlugTaken => "slug_taken",
    StorageUnavailable => "storage_unavailable",
    TextFramesOnly => "text_frames_only",
    Timeout => "timeout",
    TooManyAttempts => "too_many_attempts",
    TooManyCannedReplies => "too_many_canned_replies",
    TooManyChats => "too_many_chats",
    TooManyInquiries => "too_many_inquiries",
    TooManyMessages => "too_many_messages",
    TooManyOpenChats => "too_many_open_chats",
    TooManySockets => "too_many_sockets",
    TooManyUploads => "too_many_uploads",
    TooManyWebhooks => "too_many_webhooks",
    TwoFactorInvalid => "two_factor_invalid",
    TwoFactorNotStarted => "two_factor_not_started",
    TwoFactorRequired => "two_factor_required",
    TwoFactorSetupRequired => "two_factor_setup_required",
    Unauthenticated => "unauthenticated",
    UnsupportedLocale => "unsupported_locale",
    UploadBroken => "upload_broken",
    UploadStalled => "upload_stalled",
    WebhookAddressRefused => "webhook_address_refused",
    WebsocketRequired => "websocket_required",
}

impl ErrorCode {
    /// A limit of issue 15 (`too_many_*` but the login's throttle): they share a text.
    pub fn is_rate_limit(self) -> bool {
        self.as_str().starts_with("too_many_")
            && !matches!(
                self,
                ErrorCode::TooManyAttempts | ErrorCode::TooManyOpenChats
            )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ErrorCode::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code `{s}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_is_snake_case() {
        for c in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
            assert!(
                c.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *c);
        }
        assert_eq!(ErrorCode::parse("no_such_code"), None);
        assert!(ErrorCode::TooManyChats.is_rate_limit());
        assert!(!ErrorCode::TooManyAttempts.is_rate_limit());
    }
}

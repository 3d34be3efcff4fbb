//! Two-factor login (TOTP, RFC 6238; issue 21): what the API and the console exchange.

use serde::{Deserialize, Serialize};

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;

/// `POST /api/v1/account/two-factor/setup`: a new secret to add to an authenticator
/// app (not in force until confirmed with a code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorSetup {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_url: String,
    /// The QR code as an SVG image.
    pub qr_svg: String,
}

/// A code from the authenticator app (6 digits) or a recovery code (`xxxx-xxxx`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TwoFactorCode {
    pub code: String,
}

/// `POST /api/v1/account/two-factor/enable`: the one-time recovery codes (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

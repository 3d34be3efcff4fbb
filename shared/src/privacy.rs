//! Retention and erasure of customers' personal data (issue 21): what the admin API and
//! screen exchange. The rule itself is the engine's (`engine/src/privacy.rs`).

use serde::{Deserialize, Serialize};

/// The shortest and longest retention a service may set (days).
pub const RETENTION_DAYS: std::ops::RangeInclusive<i64> = 1..=3650;

/// The longest email, visitor id or user id an erasure is asked by.
pub const MAX_CUSTOMER_KEY_CHARS: usize = 320;

/// How a customer is identified for an erasure: `{"email": …}`, `{"visitor_id": …}` or
/// `{"user_id": …}` (a host site's signed user id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKey {
    Email(String),
    VisitorId(String),
    UserId(String),
}

/// Written by hand (issue 30): the derived schema let each variant carry any other
/// property, of any type, so a schema-valid body could be `{"email": …, "x": NaN}` —
/// which is no JSON. Each variant is exactly one key, as serde reads it.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for CustomerKey {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Type};
        let variant = |key: &str| {
            ObjectBuilder::new()
                .property(
                    key,
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(MAX_CUSTOMER_KEY_CHARS)),
                )
                .required(key)
                .additional_properties(Some(AdditionalProperties::FreeForm(false)))
                .build()
        };
        utoipa::openapi::schema::Schema::OneOf(
            OneOfBuilder::new()
                .item(variant("email"))
                .item(variant("visitor_id"))
                .item(variant("user_id"))
                .build(),
        )
        .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for CustomerKey {}

impl CustomerKey {
    /// `email`, `visitor_id` or `user_id` (what the audit records, never the value).
    pub fn kind(&self) -> &'static str {
        match self {
            CustomerKey::Email(_) => "email",
            CustomerKey::VisitorId(_) => "visitor_id",
            CustomerKey::UserId(_) => "user_id",
        }
    }
}

/// A customer's chats found for an erasure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerChats {
    /// Ended chats not erased yet (what an erasure erases).
    pub ended: i64,
    /// Chats still open (left by an erasure).
    pub open: i64,
}

/// What an erasure or a retention run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Erased {
    pub chats: i64,
    pub messages: i64,
    pub files: i64,
    pub tickets: i64,
    /// The customer's chats still open (an erasure leaves them).
    #[serde(default)]
    pub open_left: i64,
}

impl Erased {
    pub fn add(&mut self, o: &Erased) {
        self.chats += o.chats;
        self.messages += o.messages;
        self.files += o.files;
        self.tickets += o.tickets;
        self.open_left += o.open_left;
    }
}

/// `GET/PUT /api/v1/privacy/retention`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Retention {
    /// Anonymise chats ended more than this many days ago (1–3,650); `null`: off.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3650))]
    pub retention_days: Option<i64>,
    /// When it last ran (RFC 3339); read only.
    #[serde(default)]
    pub last_run_at: Option<String>,
}

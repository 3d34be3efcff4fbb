//! Chats and messages (the WebSocket frames are in [`crate::frames`]), plus the pure rules
//! of a chat's life: which status may follow which, who may write when, and the limits
//! on what people send.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ChatId, MessageId, TicketId};
use crate::validate::Invalid;

/// Longest message text, in characters (Unicode scalar values).
pub const MAX_MESSAGE_CHARS: usize = 4000;
/// Longest `client_id` a client may attach to a message.
pub const MAX_CLIENT_ID_CHARS: usize = 64;
/// The version of the privacy-consent text a customer accepts (C-IN-3); stored with the
/// chat so we can show later which wording was agreed to.
pub const CONSENT_VERSION: &str = "privacy-consent-2026-11";

/// Where a chat is in its life (API.md: `waiting|active|customer_ended|ended`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChatStatus {
    /// No online agent holds it (its agent went offline); goes to the next agent online.
    Waiting,
    /// Assigned; customer and agent talk.
    Active,
    /// The customer ended it; the agent may still edit info and make a ticket (C-END-3).
    CustomerEnded,
    /// The agent ended it; it lives on in chat history only.
    Ended,
}

impl ChatStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChatStatus::Waiting => "waiting",
            ChatStatus::Active => "active",
            ChatStatus::CustomerEnded => "customer_ended",
            ChatStatus::Ended => "ended",
        }
    }

    pub fn parse(s: &str) -> Option<ChatStatus> {
        match s {
            "waiting" => Some(ChatStatus::Waiting),
            "active" => Some(ChatStatus::Active),
            "customer_ended" => Some(ChatStatus::CustomerEnded),
            "ended" => Some(ChatStatus::Ended),
            _ => None,
        }
    }

    /// Still on the agent's chat screen (counts towards 대화중).
    pub fn is_open_for_agent(self) -> bool {
        matches!(self, ChatStatus::Active | ChatStatus::CustomerEnded)
    }

    /// The status after `who` ends the chat, or `None` when ending is not possible now.
    pub fn after_end(self, who: Author) -> Option<ChatStatus> {
        match (self, who) {
            (ChatStatus::Active, Author::Customer) => Some(ChatStatus::CustomerEnded),
            // nobody will pick up a chat its customer left while it waited
            (ChatStatus::Waiting, Author::Customer) => Some(ChatStatus::Ended),
            (
                ChatStatus::Active | ChatStatus::CustomerEnded | ChatStatus::Waiting,
                Author::Agent,
            ) => Some(ChatStatus::Ended),
            _ => None,
        }
    }

    /// Whether `who` may post a message in this status.
    pub fn accepts_message_from(self, who: Author) -> bool {
        match who {
            Author::Customer => matches!(self, ChatStatus::Waiting | ChatStatus::Active),
            Author::Agent => self == ChatStatus::Active,
            Author::System => self != ChatStatus::Ended,
        }
    }
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Customer,
    Agent,
    /// The service itself: greeting, notices.
    System,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Customer => "customer",
            Author::Agent => "agent",
            Author::System => "system",
        }
    }

    pub fn parse(s: &str) -> Option<Author> {
        match s {
            "customer" => Some(Author::Customer),
            "agent" => Some(Author::Agent),
            "system" => Some(Author::System),
            _ => None,
        }
    }
}

/// A masked run of a message (issue 7); offsets in Unicode scalar values, end exclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mask {
    pub id: String,
    pub start: usize,
    pub end: usize,
}

/// A chat message as every screen shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: MessageId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub chat_id: ChatId,
    /// Position in the chat, 1, 2, 3, … without gaps (a customer does not see the seqs
    /// of internal notes).
    pub seq: i64,
    pub author: Author,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub masks: Vec<Mask>,
    /// The sender's idempotency key, echoed so the sender can match its pending copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Display name of the agent who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// Runs that look like personal data (customer messages), for one-click masking.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pii: Vec<PiiHint>,
    /// An internal note (issue 19): agents only, never sent to the customer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub internal: bool,
    /// A file or image (issue 19); `text` is then the file's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<crate::Attachment>,
}

/// A run of a message that looks like personal data (phone, email, resident number,
/// card), by character offsets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PiiHint {
    pub start: usize,
    pub end: usize,
    pub kind: String,
}

/// `POST /api/v1/chats/{id}/messages/{message_id}/masks`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaskRequest {
    pub start: usize,
    pub end: usize,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: String,
    /// `mask`, `unmask` or `export`.
    pub action: String,
    pub agent: Option<String>,
    pub chat_id: Option<String>,
    pub message_id: Option<String>,
    /// For exports: the filter and the number of rows (JSON).
    #[serde(default)]
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The customer as a chat knows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatCustomer {
    /// Given name, or a generated "고객 N" when the customer gave none.
    pub name: String,
    pub email: Option<String>,
    pub memo: Option<String>,
    pub ip: Option<String>,
    pub device: Option<String>,
}

/// Consult info (C-AG-6).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatConsult {
    /// `helpcenter`, or the URL of the page that embedded the widget.
    pub channel: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub category_id: Option<crate::ids::CategoryId>,
    /// Names from the root to the chosen category.
    pub category_path: Vec<String>,
}

/// The agent assigned to a chat, as others see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatAgent {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: AgentId,
    pub name: String,
}

/// `GET /api/v1/chats/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatDetail {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ChatId,
    pub status: ChatStatus,
    /// C-HIS-2: an agent opened the request and then replied.
    pub handled: bool,
    pub customer: ChatCustomer,
    pub consult: ChatConsult,
    pub agent: Option<ChatAgent>,
    /// Satisfaction score 1–5 (C-END-1/2), and the customer's comment.
    pub rating: Option<i64>,
    #[serde(default)]
    pub rating_comment: Option<String>,
    pub locale: String,
    pub created_at: DateTime<Utc>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Highest message seq so far.
    pub last_seq: i64,
    /// Every change of hands so far, in order (issue 18).
    #[serde(default)]
    pub handovers: Vec<crate::Handover>,
    /// How far the agent has read (issue 19).
    #[serde(default)]
    pub agent_read_seq: i64,
    /// How far the customer has read: the agent's messages up to it show 읽음.
    #[serde(default)]
    pub customer_read_seq: i64,
    /// The service's file rules (issue 19), so the window can refuse a file too large
    /// or of a kind not taken before sending it, and name the limit.
    #[serde(default)]
    pub files: crate::FileRules,
}

/// What a customer sees of their own chat (issue 15): the state of the conversation,
/// never what agents keep about it (memo, handling type, IP, device, handled flag).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerChatView {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ChatId,
    pub status: ChatStatus,
    /// The name of the agent who has the chat, if any.
    pub agent_name: Option<String>,
    pub rating: Option<i64>,
    #[serde(default)]
    pub rating_comment: Option<String>,
    pub locale: String,
    pub created_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub last_seq: i64,
    /// Where the customer stands while the chat waits (issue 18).
    #[serde(default)]
    pub queue: Option<crate::QueuePlace>,
    /// How far the agent has read: the customer's messages up to it show 읽음.
    #[serde(default)]
    pub agent_read_seq: i64,
    /// The service's file rules (issue 19).
    #[serde(default)]
    pub files: crate::FileRules,
}

impl From<&ChatDetail> for CustomerChatView {
    fn from(d: &ChatDetail) -> CustomerChatView {
        CustomerChatView {
            id: d.id,
            status: d.status,
            agent_name: d.agent.as_ref().map(|a| a.name.clone()),
            rating: d.rating,
            rating_comment: d.rating_comment.clone(),
            locale: d.locale.clone(),
            created_at: d.created_at,
            ended_at: d.ended_at,
            last_seq: d.last_seq,
            queue: None,
            agent_read_seq: d.agent_read_seq,
            files: d.files.clone(),
        }
    }
}

/// A chat as its reader may see it: agents the whole [`ChatDetail`], the customer
/// their [`CustomerChatView`]. On the wire it is just the one object (untagged).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ChatView {
    Agent(Box<ChatDetail>),
    Customer(CustomerChatView),
}

/// Written by hand (issue 30): the derived `oneOf` is false for every agent's view,
/// which also fits the customer's (it has all of its required fields, and a schema
/// allows more) — so `anyOf`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ChatView {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::Ref;
        use utoipa::openapi::schema::{AnyOfBuilder, Schema};
        Schema::AnyOf(
            AnyOfBuilder::new()
                .item(Ref::from_schema_name("ChatDetail"))
                .item(Ref::from_schema_name("CustomerChatView"))
                .description(Some(
                    "A chat as its reader may see it: agents the whole ChatDetail, the customer their CustomerChatView.",
                ))
                .build(),
        )
        .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ChatView {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push(("ChatDetail".into(), ChatDetail::schema()));
        ChatDetail::schemas(schemas);
        schemas.push(("CustomerChatView".into(), CustomerChatView::schema()));
        CustomerChatView::schemas(schemas);
    }
}

impl ChatView {
    pub fn id(&self) -> ChatId {
        match self {
            ChatView::Agent(d) => d.id,
            ChatView::Customer(c) => c.id,
        }
    }

    pub fn status(&self) -> ChatStatus {
        match self {
            ChatView::Agent(d) => d.status,
            ChatView::Customer(c) => c.status,
        }
    }
}

/// A line of the agent's chat list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentChatItem {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: ChatId,
    pub customer: ChatCustomerName,
    pub status: ChatStatus,
    /// Customer messages the agent has not read yet.
    pub unread: i64,
    pub assigned_at: Option<DateTime<Utc>>,
    /// Whether the agent has opened (clicked) this request.
    pub opened: bool,
    pub last_message: Option<String>,
    pub last_seq: i64,
    pub channel: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatCustomerName {
    pub name: String,
}

/// `GET /api/v1/agent/chats`: the 대화중 list and count (C-AG-3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentChats {
    /// The service's security-service flag: whether the mask PII button shows (C-PII-1).
    #[serde(default)]
    pub security_service: bool,
    pub open_count: i64,
    pub status: crate::AgentStatus,
    pub chats: Vec<AgentChatItem>,
    /// The most chats the agent holds at once (`대화중 3 / 3`, issue 18).
    #[serde(default)]
    pub capacity: i64,
    /// Chats of the service waiting in the queue.
    #[serde(default)]
    pub waiting: i64,
}

/// `GET /api/v1/services/{slug}/chat/availability`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    pub chat_enabled: bool,
    pub agents_online: i64,
    /// Inside the service's business hours now (always, with hours off).
    #[serde(default = "yes")]
    pub open: bool,
    /// Whether a chat can start now: agents online and inside the hours (or online
    /// agents take chats outside them). When false the window offers the 1:1 inquiry.
    #[serde(default)]
    pub accepting: bool,
    /// The hours, when the service uses them (shown in the absent notice).
    #[serde(default)]
    pub hours: Option<crate::BusinessHours>,
}

fn yes() -> bool {
    true
}

/// `POST /api/v1/services/{slug}/chats`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartChatRequest {
    /// The privacy notice accepted: a chat starts only with `true`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::consent, required = true))]
    pub consent: bool,
    /// 1 to 128 visible ASCII characters (the widget's own id of the browser).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[!-~]{1,128}$"))]
    pub visitor_id: Option<String>,
    /// Blank, or a name.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::blank_or_name))]
    pub name: Option<String>,
    /// Blank, or an email address.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::blank_or_email))]
    pub email: Option<String>,
    /// The customer's language; one the service does not offer falls back to its first.
    pub locale: Option<String>,
    /// The page the chat starts on.
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::page_url_or_null))]
    pub channel_url: Option<String>,
    /// A signed-in user of the host site (widget `data-user-id`)…
    #[serde(default)]
    pub user_id: Option<String>,
    /// …and its proof: hex HMAC-SHA256(user_id, the service's identity secret).
    #[serde(default)]
    pub user_hash: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartChatResponse {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub chat_id: ChatId,
    /// The customer's bearer token for this chat (messages, end, WebSocket).
    pub customer_token: String,
    /// The version of the privacy consent the customer accepted (issue 33); its text:
    /// `GET /services/{slug}/consents/{version}`.
    #[serde(default)]
    pub consent_version: String,
}

/// `GET /api/v1/services/{slug}/consents/{version}`: a privacy consent as a customer
/// accepted it (issue 33).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    pub version: String,
    pub locale: String,
    /// The four parts, labelled, one per line.
    pub text: String,
    /// When a customer first accepted this version.
    pub first_accepted_at: DateTime<Utc>,
}

/// `POST /api/v1/services/{slug}/inquiries` (C-IN-2).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryRequest {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name, required = true))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email, required = true))]
    pub email: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = schemas::inquiry_subject, required = true)
    )]
    pub subject: String,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(schema_with = schemas::inquiry_body, required = true)
    )]
    pub body: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryResponse {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ticket_id: TicketId,
}

/// `POST /api/v1/chats/{id}/messages`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMessageRequest {
    /// The sender's idempotency key: 1 to 64 visible ASCII characters.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[!-~]{1,64}$"))]
    pub client_id: String,
    /// Not blank, at most 4,000 characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = schemas::message_text))]
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageEnvelope {
    pub message: Message,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageList {
    pub messages: Vec<Message>,
}

/// `PUT /api/v1/agent/status`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusRequest {
    pub status: crate::AgentStatus,
}

/// Longest memo an agent may keep about a customer.
pub const MAX_MEMO_CHARS: usize = 2000;

/// `PUT /api/v1/chats/{id}/info` — the Save button (C-AG-7). Empty strings clear a field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatInfoUpdate {
    #[serde(default)]
    pub customer: CustomerInfoUpdate,
    #[serde(default)]
    pub consult: ConsultInfoUpdate,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerInfoUpdate {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::blank_or_name))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::blank_or_email))]
    pub email: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub memo: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultInfoUpdate {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::id_or_null))]
    #[serde(default)]
    pub category_id: Option<crate::ids::CategoryId>,
}

impl ChatInfoUpdate {
    /// Field checks (the category's existence is the store's to check).
    pub fn validate(&self) -> Result<(), Invalid> {
        if let Some(n) = self
            .customer
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
        {
            crate::validate::name("name", n)?;
        }
        if let Some(e) = self
            .customer
            .email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
        {
            crate::validate::email("email", e)?;
        }
        if let Some(m) = &self.customer.memo
            && m.chars().count() > MAX_MEMO_CHARS
        {
            return Err(Invalid {
                field: "memo",
                reason: format!("must be at most {MAX_MEMO_CHARS} characters"),
            });
        }
        Ok(())
    }
}

/// Checks a message before it is stored: not blank, at most [`MAX_MESSAGE_CHARS`].
pub fn validate_message(text: &str) -> Result<(), Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid {
            field: "text",
            reason: "must not be empty".into(),
        });
    }
    let n = text.chars().count();
    if n > MAX_MESSAGE_CHARS {
        return Err(Invalid {
            field: "text",
            reason: format!("is {n} characters; the limit is {MAX_MESSAGE_CHARS}"),
        });
    }
    Ok(())
}

/// Checks a client id: 1..=[`MAX_CLIENT_ID_CHARS`] visible ASCII characters.
pub fn validate_client_id(id: &str) -> Result<(), Invalid> {
    let ok = !id.is_empty()
        && id.len() <= MAX_CLIENT_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(Invalid {
            field: "client_id",
            reason: format!("must be 1 to {MAX_CLIENT_ID_CHARS} visible ASCII characters"),
        })
    }
}

/// The request schemas of this module's fields (issue 30), from [`crate::schema`]'s
/// pieces and this module's limits.
#[cfg(feature = "openapi")]
pub(crate) mod schemas {
    use crate::schema;
    use utoipa::openapi::Object;

    /// A chat message's text ([`super::validate_message`]).
    pub fn message_text() -> Object {
        schema::non_blank(super::MAX_MESSAGE_CHARS, false)
    }

    /// An inquiry's subject (`engine::tickets`: 200 characters).
    pub fn inquiry_subject() -> Object {
        schema::non_blank(200, false)
    }

    /// An inquiry's body (`engine::tickets`: 5,000 characters).
    pub fn inquiry_body() -> Object {
        schema::non_blank(5000, false)
    }

    /// The page a chat starts on (`engine::chats::intake`).
    pub fn page_url_or_null() -> Object {
        schema::http_url(false, true)
    }

    /// The customer's consent to the privacy notice: a chat starts only with `true`.
    pub fn consent() -> Object {
        schema::only_true()
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use crate::schema::check::agrees;

    #[test]
    fn message_texts_as_the_rule_reads_them() {
        agrees(super::schemas::message_text(), |s| {
            crate::validate_message(s).is_ok()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_state_machine() {
        use Author::*;
        use ChatStatus::*;
        assert_eq!(Active.after_end(Customer), Some(CustomerEnded));
        assert_eq!(CustomerEnded.after_end(Agent), Some(Ended));
        assert_eq!(Active.after_end(Agent), Some(Ended));
        assert_eq!(Waiting.after_end(Customer), Some(Ended));
        assert_eq!(
            CustomerEnded.after_end(Customer),
            None,
            "ending twice is refused"
        );
        assert_eq!(Ended.after_end(Agent), None);
        assert!(Active.accepts_message_from(Customer));
        assert!(
            Waiting.accepts_message_from(Customer),
            "a waiting customer can still write"
        );
        assert!(!Waiting.accepts_message_from(Agent));
        assert!(!CustomerEnded.accepts_message_from(Customer));
        assert!(!CustomerEnded.accepts_message_from(Agent));
        assert!(Active.is_open_for_agent() && CustomerEnded.is_open_for_agent());
        assert!(!Ended.is_open_for_agent() && !Waiting.is_open_for_agent());
        for s in [Waiting, Active, CustomerEnded, Ended] {
            assert_eq!(ChatStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn message_limits_count_characters() {
        assert!(validate_message("안녕하세요").is_ok());
        assert!(validate_message("  \n ").is_err());
        assert!(validate_message(&"가".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert!(validate_message(&"😀".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert!(validate_client_id("c-1").is_ok());
        assert!(validate_client_id("").is_err());
        assert!(validate_client_id("has space").is_err());
        assert!(validate_client_id(&"x".repeat(65)).is_err());
    }
}

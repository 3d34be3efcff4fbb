//! Types and rules shared by the browser bundle and the server.
//!
//! Everything here compiles for `wasm32-unknown-unknown` and for the host, has no I/O and
//! no async: ids, roles and statuses, the JSON shapes of the public API, validation rules
//! and the UI texts in Korean and English.

pub mod appearance;
pub mod canned;
pub mod category;
pub mod chat;
pub mod consent;
pub mod error_code;
pub mod file;
pub mod frames;
pub mod history;
pub mod i18n;
pub mod ids;
pub mod import;
pub mod mask;
pub mod model;
pub mod privacy;
pub mod queue;
pub mod report;
pub mod request;
pub mod routing;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod settings;
pub mod ticket;
pub mod transfer;
pub mod two_factor;
pub mod validate;
pub mod webhook;

pub use appearance::{Appearance, Corner};
pub use canned::{CannedReply, CannedReplyInput};
pub use category::*;
pub use chat::*;
pub use error_code::ErrorCode;
pub use file::{Attachment, FileKind, FileRules};
pub use frames::*;
pub use history::*;
pub use ids::*;
pub use model::*;
pub use queue::{AgentLoad, QueuePlace, QueuedChat, RoutingBoard};
pub use report::{Report, ReportQuery};
pub use routing::{BusinessHours, Routing, Span, Week};
pub use settings::*;
pub use ticket::*;
pub use transfer::{Handover, HandoverKind, TransferRequest};

/// The name the API gives a customer who gave none: `고객 12` for chat 12 (the UI shows
/// its own language's form, see [`i18n::Texts::customer_name`]).
pub fn default_customer_name(id: impl std::fmt::Display) -> String {
    format!("고객 {id}")
}

/// Name of the HttpOnly cookie that carries the browser session of an agent or admin.
pub const SESSION_COOKIE: &str = "oc_session";
/// Name of the (script-readable) cookie that remembers the chosen UI language.
pub const LOCALE_COOKIE: &str = "oc_lang";

//! How a stored cell becomes a typed value, with the one fallback policy each kind of
//! cell has. A row written by an older version or edited by hand must never stop a
//! page or the message writer, so a cell that does not parse falls back — always to
//! the same value for the same kind of cell:
//!
//! - a chat status that is not one of today's names reads as `ended` (the state in
//!   which nothing more is written to the chat, so a bad row cannot receive messages);
//! - a language list that is not a JSON array of strings reads as `["ko"]` (the
//!   product's default language); an empty list reads the same;
//! - a per-language text map, a string list (allowed domains, file types) or business
//!   hours that do not parse read as empty / the default (no greeting, no limit list,
//!   open always — the same as a service that never set them).

use std::collections::BTreeMap;

use shared::{AgentStatus, Author, BusinessHours, ChatStatus, HandoverKind, Role, TicketStatus};

/// A chat's `status` cell.
pub(crate) fn chat_status(cell: &str) -> ChatStatus {
    ChatStatus::parse(cell).unwrap_or(ChatStatus::Ended)
}

/// An agent's `status` cell; an unknown one reads as `offline` (no chats routed).
pub(crate) fn agent_status(cell: &str) -> AgentStatus {
    AgentStatus::parse(cell).unwrap_or(AgentStatus::Offline)
}

/// An account's `role` cell; an unknown one reads as `agent` (the fewer rights).
pub(crate) fn role(cell: &str) -> Role {
    Role::parse(cell).unwrap_or(Role::Agent)
}

/// A hand-over's `kind` cell; an unknown one reads as a transfer.
pub(crate) fn handover_kind(cell: &str) -> HandoverKind {
    HandoverKind::parse(cell).unwrap_or(HandoverKind::Transfer)
}

/// A ticket's `status` cell; an unknown one reads as open (kept in the inbox, where
/// someone will look at it).
pub(crate) fn ticket_status(cell: &str) -> TicketStatus {
    TicketStatus::parse(cell).unwrap_or(TicketStatus::Open)
}

/// A message's `author` cell; an unknown one reads as `system` (shown to no one as a
/// person's words).
pub(crate) fn author(cell: &str) -> Author {
    Author::parse(cell).unwrap_or(Author::System)
}

/// The customer's shown name: the `customer_name` cell, or "고객 #id" when blank.
pub(crate) fn display_name(id: i64, name: Option<String>) -> String {
    name.filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| shared::default_customer_name(id))
}

/// A service's `locales` cell: its languages, the first the default.
pub(crate) fn locales(cell: &str) -> Vec<String> {
    match serde_json::from_str::<Vec<String>>(cell) {
        Ok(list) if !list.is_empty() => list,
        _ => vec!["ko".to_owned()],
    }
}

/// A text per language code (greetings, satisfaction messages).
pub(crate) fn text_map(cell: &str) -> BTreeMap<String, String> {
    serde_json::from_str(cell).unwrap_or_default()
}

/// A JSON array (allowed domains, file types).
pub(crate) fn list<T: serde::de::DeserializeOwned>(cell: &str) -> Vec<T> {
    serde_json::from_str(cell).unwrap_or_default()
}

/// A service's `business_hours` cell (absent for services that never set hours).
pub(crate) fn business_hours(cell: Option<&str>) -> BusinessHours {
    cell.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// A JSON object of `K → V` (a service's consent wordings); absent or corrupt reads as
/// none.
pub(crate) fn json_map<V: serde::de::DeserializeOwned>(
    cell: Option<&str>,
) -> std::collections::BTreeMap<String, V> {
    cell.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// A service's widget appearance (issue 33); absent or corrupt reads as the default look.
pub(crate) fn appearance(cell: Option<&str>) -> shared::Appearance {
    cell.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

/// A JSON array of `T` (masks, PII spans) aggregated or stored as text; absent or
/// corrupt reads as none.
pub(crate) fn json_list<T: serde::de::DeserializeOwned>(cell: Option<&str>) -> Vec<T> {
    cell.and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_or_corrupt_cell_falls_back_the_same_way_everywhere() {
        assert_eq!(chat_status("active"), ChatStatus::Active);
        assert_eq!(chat_status("archived-in-2019"), ChatStatus::Ended);
        assert_eq!(chat_status(""), ChatStatus::Ended);
        assert_eq!(agent_status("online"), AgentStatus::Online);
        assert_eq!(agent_status("lunch"), AgentStatus::Offline);
        assert_eq!(author("customer"), Author::Customer);
        assert_eq!(author("robot"), Author::System);
    }

    #[test]
    fn locales_are_a_non_empty_list_or_korean() {
        assert_eq!(locales(r#"["en","ko"]"#), vec!["en", "ko"]);
        assert_eq!(locales("[]"), vec!["ko"]);
        assert_eq!(locales("{not json"), vec!["ko"]);
        assert_eq!(locales(r#"[1,2]"#), vec!["ko"]);
    }

    #[test]
    fn corrupt_json_columns_read_as_unset() {
        assert!(text_map("{\"ko\":").is_empty());
        assert_eq!(text_map(r#"{"ko":"안녕하세요"}"#)["ko"], "안녕하세요");
        assert!(list::<String>("null").is_empty());
        assert_eq!(list::<String>(r#"["a.com"]"#), vec!["a.com"]);
        assert_eq!(business_hours(Some("{broken")), BusinessHours::default());
        assert_eq!(business_hours(None), BusinessHours::default());
        assert!(json_list::<shared::Mask>(Some("[{")).is_empty());
        assert!(json_list::<shared::Mask>(None).is_empty());
    }
}

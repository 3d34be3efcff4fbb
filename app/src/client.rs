//! The UI's one typed client of the public REST API (issue 16): every call a screen
//! makes is a function here on the `shared` request and answer types, so no component
//! builds a URL or picks a method. The transport is [`crate::net`] (gloo-net `fetch`).
//!
//! One path per operation: the UI **sends and reads over REST** (a send's answer is
//! the stored message or an error with its HTTP status, which the composer shows at
//! the message) and **receives live over the WebSocket**, whose only frames from the
//! UI are `resume` (catch up after a reconnect). The socket's `message.send` stays for
//! API clients that want one connection.
//!
//! Agents and admins are authenticated by their session cookie; customers by the
//! chat token they got when the chat started (`token` arguments).

use serde::Serialize;
use shared::{
    AgentChats, AgentId, AgentProfile, AgentUpdate, AuditEntry, Availability, CannedId,
    CannedReply, CannedReplyInput, Category, CategoryDeleted, CategoryId, CategoryUpdate,
    ChatDetail, ChatId, ChatInfoUpdate, CustomerChatView, EmbedCode, ExportProgress, HistoryPage,
    HistoryQuery, InquiryRequest, InquiryResponse, Message, MessageEnvelope, MessageId,
    MessageList, NewAgentRequest, NewCategory, Rating, RatingRequest, RoutingBoard,
    SendMessageRequest, Settings, SettingsUpdate, StartChatRequest, StartChatResponse,
    StatusRequest, TicketCreated, TicketDetail, TicketId, TicketList, TicketUpdate,
    TransferRequest,
};

use crate::error::AppError;
use crate::net::{get_json, send_json};

type Answer<T> = Result<T, AppError>;

const API: &str = "/api/v1";

/// Percent-encodes a query value (UTF-8, RFC 3986 unreserved characters kept).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A query string of the set, non-blank values, in the given order.
fn query(pairs: &[(&str, Option<&str>)]) -> String {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            let v = v.map(str::trim).filter(|v| !v.is_empty())?;
            Some(format!("{k}={}", encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The query string of `GET /chats` and of the export for a history filter.
pub fn history_query_string(q: &HistoryQuery) -> String {
    query(&[
        ("tz", q.tz.as_deref()),
        ("lang", q.lang.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
        ("status", q.status.as_deref()),
        ("agent", q.agent.as_deref()),
        ("category", q.category.as_deref()),
        ("channel", q.channel.as_deref()),
        ("customer", q.customer.as_deref()),
        ("q", q.q.as_deref()),
        ("page", q.page.as_deref()),
        ("limit", q.limit.as_deref()),
    ])
}

async fn post<T: serde::de::DeserializeOwned, B: Serialize>(
    url: &str,
    token: Option<&str>,
    body: &B,
) -> Answer<T> {
    send_json("POST", url, token, body).await
}

async fn put<T: serde::de::DeserializeOwned, B: Serialize>(url: &str, body: &B) -> Answer<T> {
    send_json("PUT", url, None, body).await
}

async fn delete<T: serde::de::DeserializeOwned>(url: &str) -> Answer<T> {
    send_json("DELETE", url, None, &()).await
}

// ---------------------------------------------------------------------------------------
// A chat, from either side

/// Messages of a chat after `after` (seq), oldest first (a page of at most 500).
pub async fn messages(chat: ChatId, after: i64, token: Option<&str>) -> Answer<Vec<Message>> {
    let list: MessageList =
        get_json(&format!("{API}/chats/{chat}/messages?after={after}"), token).await?;
    Ok(list.messages)
}

/// Sends a message (idempotent per `client_id`); answers the stored message.
pub async fn send_message(
    chat: ChatId,
    body: &SendMessageRequest,
    token: Option<&str>,
) -> Answer<Message> {
    let env: MessageEnvelope = post(&format!("{API}/chats/{chat}/messages"), token, body).await?;
    Ok(env.message)
}

/// Sends a file into a chat (issue 19; `token`: a customer's, `None` for an agent);
/// answers the message carrying it.
pub async fn upload_file(
    chat: ChatId,
    token: Option<&str>,
    file: &crate::net::PickedFile,
    client_id: &str,
) -> Answer<Message> {
    let url = format!(
        "{API}/chats/{chat}/files?{}",
        query(&[("name", Some(&file.name)), ("client_id", Some(client_id))])
    );
    let env: MessageEnvelope = crate::net::send_file(&url, token, file).await?;
    Ok(env.message)
}

/// Where a file is read: shown inline (images) or, with `download`, always saved.
pub fn file_url(id: &str, download: bool) -> String {
    let id = encode(id);
    if download {
        format!("{API}/files/{id}?download=1")
    } else {
        format!("{API}/files/{id}")
    }
}

/// Where an image's thumbnail is read.
pub fn thumbnail_url(id: &str) -> String {
    format!("{API}/files/{}/thumbnail", encode(id))
}

/// Hides (`hide`) or restores the file of a message; answers the message.
pub async fn mask_file(chat: ChatId, message: MessageId, hide: bool) -> Answer<Message> {
    let url = format!("{API}/chats/{chat}/messages/{message}/file-mask");
    let env: MessageEnvelope = if hide {
        post(&url, None, &()).await?
    } else {
        delete(&url).await?
    };
    Ok(env.message)
}

// ---------------------------------------------------------------------------------------
// Customers

pub async fn availability(slug: &str) -> Answer<Availability> {
    get_json(
        &format!("{API}/services/{}/chat/availability", encode(slug)),
        None,
    )
    .await
}

pub async fn start_chat(slug: &str, req: &StartChatRequest) -> Answer<StartChatResponse> {
    post(&format!("{API}/services/{}/chats", encode(slug)), None, req).await
}

pub async fn leave_inquiry(slug: &str, req: &InquiryRequest) -> Answer<InquiryResponse> {
    post(
        &format!("{API}/services/{}/inquiries", encode(slug)),
        None,
        req,
    )
    .await
}

/// The customer's view of their chat.
pub async fn customer_chat(chat: ChatId, token: &str) -> Answer<CustomerChatView> {
    get_json(&format!("{API}/chats/{chat}"), Some(token)).await
}

pub async fn customer_end_chat(chat: ChatId, token: &str) -> Answer<CustomerChatView> {
    post(&format!("{API}/chats/{chat}/end"), Some(token), &()).await
}

pub async fn rate_chat(chat: ChatId, token: &str, req: &RatingRequest) -> Answer<Rating> {
    post(&format!("{API}/chats/{chat}/rating"), Some(token), req).await
}

/// The live socket's address for a customer's chat token.
pub fn customer_socket_url(origin: &str, token: &str) -> String {
    format!("{origin}{API}/ws?token={}", encode(token))
}

// ---------------------------------------------------------------------------------------
// Agents: the chat desk

/// The live socket's address for the signed-in agent (session cookie).
pub fn agent_socket_url(origin: &str) -> String {
    format!("{origin}{API}/ws")
}

pub async fn agent_chats() -> Answer<AgentChats> {
    get_json(&format!("{API}/agent/chats"), None).await
}

pub async fn set_agent_status(req: &StatusRequest) -> Answer<StatusRequest> {
    put(&format!("{API}/agent/status"), req).await
}

pub async fn chat_detail(chat: ChatId) -> Answer<ChatDetail> {
    get_json(&format!("{API}/chats/{chat}"), None).await
}

pub async fn open_chat(chat: ChatId) -> Answer<ChatDetail> {
    post(&format!("{API}/chats/{chat}/open"), None, &()).await
}

pub async fn end_chat(chat: ChatId) -> Answer<ChatDetail> {
    post(&format!("{API}/chats/{chat}/end"), None, &()).await
}

/// The agent has read the chat up to `seq`.
pub async fn mark_read(chat: ChatId, seq: i64) -> Answer<()> {
    let _: serde_json::Value = post(
        &format!("{API}/chats/{chat}/read"),
        None,
        &serde_json::json!({ "seq": seq }),
    )
    .await?;
    Ok(())
}

/// An internal note in a chat (agents only, issue 19).
pub async fn add_note(chat: ChatId, body: &SendMessageRequest) -> Answer<MessageEnvelope> {
    post(&format!("{API}/chats/{chat}/notes"), None, body).await
}

/// The customer has read their chat up to `seq` (issue 19).
pub async fn customer_read(chat: ChatId, token: &str, seq: i64) -> Answer<()> {
    post(
        &format!("{API}/chats/{chat}/read"),
        Some(token),
        &serde_json::json!({ "seq": seq }),
    )
    .await
}

/// The caller is typing (the server lets one through every 2 s); a customer passes
/// their token.
pub async fn typing(chat: ChatId, token: Option<&str>, preview: Option<&str>) -> Answer<()> {
    post(
        &format!("{API}/chats/{chat}/typing"),
        token,
        &serde_json::json!({ "preview": preview }),
    )
    .await
}

pub async fn request_rating(chat: ChatId) -> Answer<()> {
    let _: serde_json::Value =
        post(&format!("{API}/chats/{chat}/rating-request"), None, &()).await?;
    Ok(())
}

pub async fn save_chat_info(chat: ChatId, update: &ChatInfoUpdate) -> Answer<ChatDetail> {
    put(&format!("{API}/chats/{chat}/info"), update).await
}

pub async fn make_ticket(chat: ChatId) -> Answer<TicketCreated> {
    post(&format!("{API}/chats/{chat}/ticket"), None, &()).await
}

/// Masks the run `start..end` (characters) of a message; answers the message.
pub async fn mask(chat: ChatId, message: MessageId, start: usize, end: usize) -> Answer<Message> {
    let env: MessageEnvelope = post(
        &format!("{API}/chats/{chat}/messages/{message}/masks"),
        None,
        &shared::MaskRequest { start, end },
    )
    .await?;
    Ok(env.message)
}

/// Restores a masked run; answers the message.
pub async fn unmask(chat: ChatId, message: MessageId, mask: &str) -> Answer<Message> {
    let env: MessageEnvelope = delete(&format!(
        "{API}/chats/{chat}/messages/{message}/masks/{}",
        encode(mask)
    ))
    .await?;
    Ok(env.message)
}

// ---------------------------------------------------------------------------------------
// History and export

fn report_query_string(q: &shared::ReportQuery) -> String {
    query(&[
        ("period", q.period.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
        ("agent", q.agent.as_deref()),
        ("category", q.category.as_deref()),
        ("channel", q.channel.as_deref()),
        ("lang", q.lang.as_deref()),
    ])
}

/// The report of a period (issue 20).
pub async fn report(q: &shared::ReportQuery) -> Answer<shared::Report> {
    get_json(&format!("{API}/reports?{}", report_query_string(q)), None).await
}

/// The console's reports screen showing this report (its address bar after a change of
/// period or filter; issue 32). `lang` is the screen's own and is left out.
pub fn reports_link(q: &shared::ReportQuery) -> String {
    let q = shared::ReportQuery {
        lang: None,
        ..q.clone()
    };
    format!("/console/reports?{}", report_query_string(&q))
}

/// The same report as an `.xlsx` workbook (the browser downloads it).
pub fn report_export_url(q: &shared::ReportQuery) -> String {
    format!("{API}/reports/export.xlsx?{}", report_query_string(q))
}

/// The console's history screen with a filter already set: a report's drill-down
/// (issue 20) — the same days, agent, handling type and channel as the report's number.
pub fn history_link(q: &HistoryQuery) -> String {
    format!("/console/history?{}", history_query_string(q))
}

pub async fn history(q: &HistoryQuery) -> Answer<HistoryPage> {
    get_json(&format!("{API}/chats?{}", history_query_string(q)), None).await
}

pub async fn start_export(q: &HistoryQuery) -> Answer<ExportProgress> {
    post(
        &format!("{API}/chats/exports?{}", history_query_string(q)),
        None,
        &(),
    )
    .await
}

pub async fn export_progress(id: &str) -> Answer<ExportProgress> {
    get_json(&format!("{API}/chats/exports/{}", encode(id)), None).await
}

/// Where the finished export downloads from (the browser navigates there).
pub fn export_file_url(id: &str) -> String {
    format!("{API}/chats/exports/{}/file", encode(id))
}

// ---------------------------------------------------------------------------------------
// Handling types, settings, accounts, audit

pub async fn categories() -> Answer<Vec<Category>> {
    get_json(&format!("{API}/categories"), None).await
}

pub async fn create_category(new: &NewCategory) -> Answer<Category> {
    post(&format!("{API}/categories"), None, new).await
}

pub async fn update_category(id: CategoryId, change: &CategoryUpdate) -> Answer<Category> {
    put(&format!("{API}/categories/{id}"), change).await
}

pub async fn delete_category(id: CategoryId) -> Answer<CategoryDeleted> {
    delete(&format!("{API}/categories/{id}")).await
}

pub async fn settings() -> Answer<Settings> {
    get_json(&format!("{API}/settings"), None).await
}

pub async fn save_settings(change: &SettingsUpdate) -> Answer<Settings> {
    put(&format!("{API}/settings"), change).await
}

pub async fn embed_code(locale: &str) -> Answer<EmbedCode> {
    get_json(
        &format!(
            "{API}/settings/embed-code?{}",
            query(&[("locale", Some(locale))])
        ),
        None,
    )
    .await
}

pub async fn agents() -> Answer<Vec<AgentProfile>> {
    get_json(&format!("{API}/agents"), None).await
}

pub async fn create_agent(req: &NewAgentRequest) -> Answer<AgentProfile> {
    post(&format!("{API}/agents"), None, req).await
}

/// The signed-in agent's alert preferences (issue 19).
pub async fn set_alerts(prefs: &shared::AlertPrefs) -> Answer<AgentProfile> {
    put(&format!("{API}/agent/alerts"), prefs).await
}

pub async fn update_agent(id: AgentId, change: &AgentUpdate) -> Answer<AgentProfile> {
    put(&format!("{API}/agents/{id}"), change).await
}

// ---------------------------------------------------------------------------------------
// Canned replies (issue 19)

pub async fn canned_replies() -> Answer<Vec<CannedReply>> {
    get_json(&format!("{API}/canned-replies"), None).await
}

pub async fn create_canned_reply(input: &CannedReplyInput) -> Answer<CannedReply> {
    post(&format!("{API}/canned-replies"), None, input).await
}

pub async fn update_canned_reply(id: CannedId, input: &CannedReplyInput) -> Answer<CannedReply> {
    put(&format!("{API}/canned-replies/{id}"), input).await
}

pub async fn delete_canned_reply(id: CannedId) -> Answer<()> {
    delete(&format!("{API}/canned-replies/{id}")).await
}

// ---------------------------------------------------------------------------------------
// Routing (issue 18)

/// Hands a chat to another agent, or with no agent back to the queue.
pub async fn transfer_chat(chat: ChatId, req: &TransferRequest) -> Answer<ChatDetail> {
    post(&format!("{API}/chats/{chat}/transfer"), None, req).await
}

/// Every agent's status and load, and the queue.
pub async fn routing_board() -> Answer<RoutingBoard> {
    get_json(&format!("{API}/routing/board"), None).await
}

/// An admin sets another agent's status.
pub async fn set_status_of(agent: AgentId, req: &StatusRequest) -> Answer<StatusRequest> {
    put(&format!("{API}/agents/{agent}/status"), req).await
}

pub async fn two_factor_setup() -> Answer<shared::two_factor::TwoFactorSetup> {
    post(&format!("{API}/account/two-factor/setup"), None, &()).await
}

pub async fn two_factor_enable(code: &str) -> Answer<shared::two_factor::RecoveryCodes> {
    let body = shared::two_factor::TwoFactorCode {
        code: code.to_owned(),
    };
    post(&format!("{API}/account/two-factor/enable"), None, &body).await
}

pub async fn two_factor_disable(code: &str) -> Answer<serde_json::Value> {
    let body = shared::two_factor::TwoFactorCode {
        code: code.to_owned(),
    };
    post(&format!("{API}/account/two-factor/disable"), None, &body).await
}

pub async fn require_two_factor(required: bool) -> Answer<serde_json::Value> {
    put(
        &format!("{API}/settings/two-factor"),
        &serde_json::json!({ "required": required }),
    )
    .await
}

/// Where the import template downloads from.
pub fn import_template_url() -> String {
    format!("{API}/import/template.xlsx")
}

pub async fn import_preview(
    file: &crate::net::PickedFile,
) -> Answer<shared::import::ImportPreview> {
    crate::net::send_file(&format!("{API}/import/preview"), None, file).await
}

pub async fn import_workbook(file: &crate::net::PickedFile) -> Answer<shared::import::ImportDone> {
    crate::net::send_file(&format!("{API}/import"), None, file).await
}

pub async fn webhooks() -> Answer<Vec<shared::webhook::Webhook>> {
    get_json(&format!("{API}/webhooks"), None).await
}

pub async fn add_webhook(new: &shared::webhook::NewWebhook) -> Answer<shared::webhook::Webhook> {
    post(&format!("{API}/webhooks"), None, new).await
}

pub async fn delete_webhook(id: &str) -> Answer<serde_json::Value> {
    delete(&format!("{API}/webhooks/{}", encode(id))).await
}

pub async fn retention() -> Answer<shared::privacy::Retention> {
    get_json(&format!("{API}/privacy/retention"), None).await
}

pub async fn save_retention(r: &shared::privacy::Retention) -> Answer<shared::privacy::Retention> {
    put(&format!("{API}/privacy/retention"), r).await
}

pub async fn run_retention() -> Answer<shared::privacy::Erased> {
    post(&format!("{API}/privacy/retention/run"), None, &()).await
}

pub async fn find_customer(
    key: &shared::privacy::CustomerKey,
) -> Answer<shared::privacy::CustomerChats> {
    post(&format!("{API}/privacy/customers/find"), None, key).await
}

pub async fn erase_customer(key: &shared::privacy::CustomerKey) -> Answer<shared::privacy::Erased> {
    post(&format!("{API}/privacy/customers/erase"), None, key).await
}

pub async fn audit_log(limit: u32) -> Answer<Vec<AuditEntry>> {
    get_json(&format!("{API}/audit?limit={limit}"), None).await
}

// ---------------------------------------------------------------------------------------
// Tickets

/// The console's ticket list filtered by status and channel (empty: any).
pub fn tickets_link(status: &str, channel: &str) -> String {
    format!(
        "/console/tickets?{}",
        query(&[("status", Some(status)), ("channel", Some(channel))])
    )
}

/// The console's page of one ticket.
pub fn ticket_link(id: shared::TicketId) -> String {
    format!("/console/tickets/{id}")
}

/// Tickets filtered by status and channel (empty: any).
pub async fn tickets(status: &str, channel: &str) -> Answer<TicketList> {
    get_json(
        &format!(
            "{API}/tickets?{}",
            query(&[("status", Some(status)), ("channel", Some(channel))])
        ),
        None,
    )
    .await
}

pub async fn ticket(id: TicketId) -> Answer<TicketDetail> {
    get_json(&format!("{API}/tickets/{id}"), None).await
}

pub async fn update_ticket(id: TicketId, change: &TicketUpdate) -> Answer<TicketDetail> {
    put(&format!("{API}/tickets/{id}"), change).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_queries_carry_only_set_values_encoded() {
        let q = HistoryQuery {
            from: Some("2026-11-18".into()),
            to: Some("2026-11-24".into()),
            tz: Some("+09:00".into()),
            status: Some("handled".into()),
            q: Some(" 환불 요청 ".into()),
            customer: Some("  ".into()),
            lang: Some("ko".into()),
            ..HistoryQuery::default()
        };
        assert_eq!(
            history_query_string(&q),
            "tz=%2B09%3A00&lang=ko&from=2026-11-18&to=2026-11-24&status=handled&q=%ED%99%98%EB%B6%88%20%EC%9A%94%EC%B2%AD"
        );
        assert_eq!(history_query_string(&HistoryQuery::default()), "");
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(export_file_url("a/b"), "/api/v1/chats/exports/a%2Fb/file");
        assert_eq!(
            customer_socket_url("ws://x", "t+1"),
            "ws://x/api/v1/ws?token=t%2B1"
        );
    }
}

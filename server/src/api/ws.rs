//! `GET /api/v1/ws`: the real-time socket of agents and customers.
//!
//! One task per socket runs a `select!` over the client's frames, the hub topic of the
//! caller (agent: everything about their chats; customer: their chat), and a ping timer.
//! Every frame a client sends is handled through the same engine calls as REST. When
//! the hub reports the socket lagged, the task resyncs from the store by `seq` instead
//! of dropping anything. Small buffers (4 KiB read) keep idle sockets cheap.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use engine::{Engine, Topic};
use serde::Deserialize;
use shared::{ChatId, ClientMsg, ServerMsg};
use tokio::sync::broadcast::error::RecvError;

use super::ApiError;
use super::chats::ChatParty;
use super::extract::request_token;
use crate::AppState;

/// Ping interval; a socket silent for three intervals is closed.
const PING_EVERY: Duration = Duration::from_secs(25);

#[derive(Deserialize)]
pub struct WsQuery {
    token: Option<String>,
}

pub async fn upgrade(
    State(state): State<AppState>,
    Query(q): Query<WsQuery>,
    parts: Parts,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let token = q.token.or_else(|| request_token(&parts)).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "pass ?token=<token> or the session cookie",
        )
    })?;
    // Authenticate before looking at the upgrade, so a bad token is 401 either way.
    let party = ChatParty::from_token(&state, &token).await?;
    let ws = ws
        .map_err(|r| ApiError::new(StatusCode::BAD_REQUEST, "websocket_required", r.body_text()))?;
    let engine = state.engine.clone();
    let grace = state.presence_grace;
    Ok(ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| async move {
            if let ChatParty::Agent(c) = &party {
                engine.agent_connected(c);
            }
            let agent = match &party {
                ChatParty::Agent(c) => Some(c.clone()),
                ChatParty::Customer(_) => None,
            };
            session(engine.clone(), party, socket).await;
            if let Some(c) = agent {
                engine.agent_disconnected(c, grace);
            }
        }))
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> bool {
    match serde_json::to_string(msg) {
        Ok(text) => socket.send(WsMessage::Text(text.into())).await.is_ok(),
        Err(_) => true,
    }
}

fn error_frame(e: ApiError, client_id: Option<String>, chat_id: Option<ChatId>) -> ServerMsg {
    ServerMsg::Error {
        code: e.code.to_owned(),
        message: e.message,
        client_id,
        chat_id,
    }
}

/// Per-socket state: the highest seq delivered per chat, so replays never double.
#[derive(Default)]
struct Delivered(HashMap<ChatId, i64>);

impl Delivered {
    /// Whether a message event should go out (and records it).
    fn admit(&mut self, msg: &ServerMsg) -> bool {
        if let ServerMsg::MessageCreated { chat_id, message } = msg {
            let last = self.0.entry(*chat_id).or_insert(0);
            if message.seq <= *last {
                return false;
            }
            *last = message.seq;
        }
        true
    }
}

async fn session(engine: Engine, party: ChatParty, mut socket: WebSocket) {
    let topic = match &party {
        ChatParty::Agent(c) => Topic::Agent(c.agent_id()),
        ChatParty::Customer(c) => Topic::Chat(c.chat_id()),
    };
    let mut events = engine.hub().subscribe(topic);
    let mut delivered = Delivered::default();
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut last_heard = Instant::now();

    if let ChatParty::Agent(c) = &party
        && let Ok(list) = engine.agent_chats(c).await
    {
        let unread = list.chats.iter().map(|c| c.unread).sum();
        if !send(
            &mut socket,
            &ServerMsg::AgentCounters {
                open_count: list.open_count,
                unread,
                status: list.status,
            },
        )
        .await
        {
            return;
        }
    }

    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let frame = match incoming {
                    Some(Ok(f)) => f,
                    _ => break,
                };
                last_heard = Instant::now();
                let replies = match frame {
                    WsMessage::Text(text) => handle_frame(&engine, &party, &mut delivered, text.as_str()).await,
                    WsMessage::Binary(_) => vec![error_frame(
                        ApiError::new(StatusCode::BAD_REQUEST, "text_frames_only", "send JSON text frames"), None, None)],
                    WsMessage::Close(_) => break,
                    WsMessage::Ping(_) | WsMessage::Pong(_) => Vec::new(),
                };
                for r in replies {
                    if !send(&mut socket, &r).await {
                        return;
                    }
                }
            }
            event = events.recv() => {
                match event {
                    Ok(msg) => {
                        if delivered.admit(&msg) && !send(&mut socket, &msg).await {
                            return;
                        }
                    }
                    Err(RecvError::Lagged(skipped)) => {
                        tracing::warn!(?topic, skipped, "socket lagged; resyncing from the store");
                        for msg in resync(&engine, &party, &mut delivered).await {
                            if !send(&mut socket, &msg).await {
                                return;
                            }
                        }
                    }
                    Err(RecvError::Closed) => break,
                }
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > PING_EVERY * 3 {
                    tracing::info!(?topic, "socket silent too long; closing");
                    break;
                }
                if socket.send(WsMessage::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = socket.send(WsMessage::Close(None)).await;
}

/// Everything after `after_seq` in one chat, as frames.
async fn replay(
    engine: &Engine,
    party: &ChatParty,
    delivered: &mut Delivered,
    chat: ChatId,
    after: i64,
) -> Result<Vec<ServerMsg>, ApiError> {
    let mut out = Vec::new();
    let mut after = after;
    loop {
        let page = engine.messages(party.as_party(), chat, after).await?;
        let Some(last) = page.last().map(|m| m.seq) else {
            break;
        };
        for m in page {
            let msg = ServerMsg::MessageCreated {
                chat_id: chat,
                message: m,
            };
            if delivered.admit(&msg) {
                out.push(msg);
            }
        }
        after = last;
    }
    Ok(out)
}

/// After a lag: the agent's list and counters afresh, and every chat's missed messages.
async fn resync(engine: &Engine, party: &ChatParty, delivered: &mut Delivered) -> Vec<ServerMsg> {
    let mut out = Vec::new();
    let chats: Vec<(ChatId, i64)> = match party {
        ChatParty::Customer(c) => vec![(
            c.chat_id(),
            delivered.0.get(&c.chat_id()).copied().unwrap_or(0),
        )],
        ChatParty::Agent(c) => match engine.agent_chats(c).await {
            Ok(list) => {
                let unread = list.chats.iter().map(|c| c.unread).sum();
                let ids = list
                    .chats
                    .iter()
                    .map(|i| (i.id, delivered.0.get(&i.id).copied().unwrap_or(i.last_seq)))
                    .collect();
                out.extend(
                    list.chats
                        .into_iter()
                        .map(|chat| ServerMsg::ChatAssigned { chat }),
                );
                out.push(ServerMsg::AgentCounters {
                    open_count: list.open_count,
                    unread,
                    status: list.status,
                });
                ids
            }
            Err(_) => Vec::new(),
        },
    };
    for (chat, after) in chats {
        if let Ok(frames) = replay(engine, party, delivered, chat, after).await {
            out.extend(frames);
        }
    }
    out
}

async fn handle_frame(
    engine: &Engine,
    party: &ChatParty,
    delivered: &mut Delivered,
    text: &str,
) -> Vec<ServerMsg> {
    let msg: ClientMsg = match serde_json::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            return vec![error_frame(
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_frame",
                    format!("not a client frame: {e}"),
                ),
                None,
                None,
            )];
        }
    };
    match msg {
        ClientMsg::Ping => vec![ServerMsg::Pong],
        ClientMsg::Send {
            chat_id,
            client_id,
            text,
        } => {
            match engine
                .send_message(party.as_party(), chat_id, &client_id, &text)
                .await
            {
                // A new message comes back through the hub; a resend is acknowledged here.
                Ok((message, false)) => {
                    let msg = ServerMsg::MessageCreated { chat_id, message };
                    delivered.admit(&msg);
                    vec![msg]
                }
                Ok((_, true)) => Vec::new(),
                Err(e) => vec![error_frame(e.into(), Some(client_id), Some(chat_id))],
            }
        }
        ClientMsg::Resume { chat_id, after_seq } => {
            // The client says what it has; trust it for this chat from here on.
            delivered.0.insert(chat_id, after_seq.max(0));
            match replay(engine, party, delivered, chat_id, after_seq).await {
                Ok(mut frames) => {
                    let last_seq = delivered.0.get(&chat_id).copied().unwrap_or(after_seq);
                    frames.push(ServerMsg::Resumed { chat_id, last_seq });
                    frames
                }
                Err(e) => vec![error_frame(e, None, Some(chat_id))],
            }
        }
        ClientMsg::Read { chat_id, seq } => match party {
            ChatParty::Agent(caller) => match engine.mark_read(caller, chat_id, seq).await {
                Ok(()) => Vec::new(),
                Err(e) => vec![error_frame(e.into(), None, Some(chat_id))],
            },
            ChatParty::Customer(_) => Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::{Author, Message, MessageId};

    fn created(seq: i64) -> ServerMsg {
        ServerMsg::MessageCreated {
            chat_id: ChatId(1),
            message: Message {
                id: MessageId(seq),
                chat_id: ChatId(1),
                seq,
                author: Author::Customer,
                text: "x".into(),
                created_at: chrono::Utc::now(),
                masks: vec![],
                client_id: None,
                agent_name: None,
                pii: vec![],
            },
        }
    }

    #[test]
    fn a_replayed_or_repeated_message_goes_out_once() {
        let mut d = Delivered::default();
        assert!(d.admit(&created(1)));
        assert!(d.admit(&created(2)));
        assert!(
            !d.admit(&created(2)),
            "live event after a replay of the same seq"
        );
        assert!(!d.admit(&created(1)));
        assert!(d.admit(&created(3)));
        assert!(d.admit(&ServerMsg::Pong), "other frames always pass");
    }
}

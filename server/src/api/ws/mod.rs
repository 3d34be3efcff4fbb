//! `GET /api/v1/ws`: the real-time socket of agents and customers.
//!
//! One task per socket runs a `select!` over the client's frames, the hub topic of the
//! caller (agent: everything about their chats; customer: their chat), and a ping timer.
//! Every frame a client sends is handled through the same engine calls as REST. When
//! the hub reports the socket lagged, the task resyncs from the store by `seq` instead
//! of dropping anything. Small buffers (4 KiB read) keep idle sockets cheap.

use std::sync::Arc;
use std::time::{Duration, Instant};

mod delivery;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use engine::{Engine, Event, Topic};
use serde::Deserialize;
use shared::{ChatId, ClientMsg, ServerMsg};
use tokio::sync::broadcast::error::RecvError;

use delivery::{Delivered, Live};

use super::ApiError;
use super::chats::ChatParty;
use super::extract::{TokenSource, request_token_from};
use crate::AppState;

/// How often a socket's silence is looked at (issue 31).
const CHECK_EVERY: Duration = Duration::from_secs(5);
/// A socket that said nothing for this long gets a WebSocket ping (answered with a pong
/// by every client; our pages also send their own `ping` every 10 s).
const PING_AFTER: Duration = Duration::from_secs(10);
/// A socket silent this long is taken as dead — a network gone without a FIN or RST —
/// and closed, freeing its task and subscription: found within 30 s.
const SILENT_LIMIT: Duration = Duration::from_secs(25);

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
    let (token, source) = match q.token {
        Some(t) => (t, TokenSource::Bearer),
        None => request_token_from(&parts.headers).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                shared::ErrorCode::Unauthenticated,
                "pass ?token=<token> or the session cookie",
            )
        })?,
    };
    // A cookie rides along on a cross-site upgrade too: only our own pages may use it
    // (cross-site WebSocket hijacking). Tokens in the query stay origin-free.
    if source == TokenSource::Cookie && !crate::origin::same_origin(&state, &parts.headers) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            shared::ErrorCode::ForeignOrigin,
            "a cookie-authenticated socket must come from this site's own pages",
        ));
    }
    // Authenticate before looking at the upgrade, so a bad token is 401 either way.
    let party = state.engine.authenticate_party(&token).await?;
    if let ChatParty::Customer(c) = &party {
        state.engine.customer_socket_opened(c)?;
    }
    let opened = SocketSlot {
        engine: state.engine.clone(),
        customer: match &party {
            ChatParty::Customer(c) => Some(c.clone()),
            ChatParty::Agent(_) => None,
        },
    };
    let ws = ws.map_err(|r| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            shared::ErrorCode::WebsocketRequired,
            r.body_text(),
        )
    })?;
    let slot = opened;
    let engine = state.engine.clone();
    let grace = state.presence_grace;
    let stopping = state.stopping.clone();
    let running = state.sockets.token();
    Ok(ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(64 * 1024)
        .on_upgrade(move |socket| async move {
            let _slot = slot;
            let _running = running;
            let _open = crate::metrics::OpenSocket::new(match &party {
                ChatParty::Agent(_) => "agent",
                ChatParty::Customer(_) => "customer",
            });
            if let ChatParty::Agent(c) = &party {
                engine.agent_connected(c);
            }
            let agent = match &party {
                ChatParty::Agent(c) => Some(c.clone()),
                ChatParty::Customer(_) => None,
            };
            session(engine.clone(), party, token, socket, stopping).await;
            if let Some(c) = agent {
                engine.agent_disconnected(c, grace);
            }
        }))
}

/// A customer's place among the sockets of their token; given back when dropped (the
/// socket closed, or the upgrade never happened).
struct SocketSlot {
    engine: Engine,
    customer: Option<engine::Customer>,
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        if let Some(c) = &self.customer {
            self.engine.customer_socket_closed(c);
        }
    }
}

/// A frame on its way to one socket: an event shared with other sockets (its JSON is
/// made once for all of them), or one of this socket's own answers.
enum Frame {
    Shared(Arc<Event>),
    Own(ServerMsg),
}

impl From<ServerMsg> for Frame {
    fn from(msg: ServerMsg) -> Frame {
        Frame::Own(msg)
    }
}

/// This socket's own answers as frames.
fn own(msgs: Vec<ServerMsg>) -> Vec<Frame> {
    msgs.into_iter().map(Frame::Own).collect()
}

async fn send(socket: &mut WebSocket, frame: &Frame) -> bool {
    let text: Option<Arc<str>> = match frame {
        Frame::Shared(e) => e.json(),
        Frame::Own(msg) => serde_json::to_string(msg).ok().map(Arc::from),
    };
    match text {
        Some(text) => within_limit(socket.send(WsMessage::Text(text.as_ref().into()))).await,
        None => true,
    }
}

/// A write to the socket, given up after [`SILENT_LIMIT`]: to a peer gone without a
/// FIN, writes block once the kernel's buffer is full, and a blocked write would keep
/// the task from ever noticing the silence (issue 31).
async fn within_limit<E>(write: impl std::future::Future<Output = Result<(), E>>) -> bool {
    matches!(tokio::time::timeout(SILENT_LIMIT, write).await, Ok(Ok(())))
}

fn error_frame(e: ApiError, client_id: Option<String>, chat_id: Option<ChatId>) -> ServerMsg {
    ServerMsg::Error {
        code: e.code.as_str().to_owned(),
        message: e.message,
        client_id,
        chat_id,
    }
}

/// How long a customer socket holds live messages back waiting for the client's first
/// `resume`: our widget sends it as soon as the socket opens, and the resume's replay
/// from the store then delivers everything in order. A client that never resumes gets
/// the held messages (from the store, in order) when this passes.
const RESUME_HOLD: Duration = Duration::from_secs(2);

/// A socket's frames out, with its delivery state (see [`delivery`]).
struct Outbox {
    engine: Engine,
    party: ChatParty,
    delivered: Delivered,
    /// Customer sockets until their first `resume` (or [`RESUME_HOLD`]): the first live
    /// message held back, if any (chat, seq).
    holding: Option<Option<(ChatId, i64)>>,
}

impl Outbox {
    /// A live event from the hub: what to send for it.
    async fn live(&mut self, event: &Arc<Event>) -> Vec<Frame> {
        let ServerMsg::MessageCreated { chat_id, message } = &***event else {
            return vec![Frame::Shared(event.clone())];
        };
        if let Some(held) = &mut self.holding {
            held.get_or_insert((*chat_id, message.seq));
            return Vec::new();
        }
        match self.delivered.live(*chat_id, message.seq) {
            Live::Send => vec![Frame::Shared(event.clone())],
            Live::Repeat => Vec::new(),
            Live::Fill { after } => own(self.replay(*chat_id, after).await.unwrap_or_default()),
        }
    }

    /// The hold ended without a resume: what was held goes out, from the store.
    async fn release_hold(&mut self) -> Vec<Frame> {
        match self.holding.take().flatten() {
            Some((chat, first)) => own(self.replay(chat, first - 1).await.unwrap_or_default()),
            None => Vec::new(),
        }
    }

    /// Every stored message of `chat` after `after` that this socket still owes, in seq
    /// order; afterwards everything from `after` on counts as delivered.
    async fn replay(&mut self, chat: ChatId, after: i64) -> Result<Vec<ServerMsg>, ApiError> {
        let mut out = Vec::new();
        let mut cursor = after.max(0);
        loop {
            let page = self
                .engine
                .messages(self.party.as_party(), chat, cursor)
                .await?;
            let Some(last) = page.last().map(|m| m.seq) else {
                break;
            };
            out.extend(
                page.into_iter()
                    .filter(|m| self.delivered.owes(chat, m.seq))
                    .map(|message| ServerMsg::MessageCreated {
                        chat_id: chat,
                        message,
                    }),
            );
            cursor = last;
        }
        self.delivered.covered(chat, after.max(0), cursor);
        Ok(out)
    }

    /// After a lag: the agent's list and counters afresh, and every chat's missed
    /// messages.
    async fn resync(&mut self) -> Vec<ServerMsg> {
        let mut out = Vec::new();
        let chats: Vec<(ChatId, i64)> = match &self.party {
            ChatParty::Customer(c) => {
                vec![(c.chat_id(), self.delivered.last(c.chat_id()).unwrap_or(0))]
            }
            ChatParty::Agent(c) => match self.engine.agent_chats(c).await {
                Ok(list) => {
                    let unread = list.chats.iter().map(|c| c.unread).sum();
                    let ids = list
                        .chats
                        .iter()
                        .map(|i| (i.id, self.delivered.last(i.id).unwrap_or(i.last_seq)))
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
                        capacity: list.capacity,
                        waiting: list.waiting,
                    });
                    ids
                }
                Err(_) => Vec::new(),
            },
        };
        for (chat, after) in chats {
            if let Ok(frames) = self.replay(chat, after).await {
                out.extend(frames);
            }
        }
        out
    }
}

async fn session(
    engine: Engine,
    party: ChatParty,
    token: String,
    mut socket: WebSocket,
    stopping: tokio_util::sync::CancellationToken,
) {
    let topic = match &party {
        ChatParty::Agent(c) => Topic::Agent(c.agent_id()),
        ChatParty::Customer(c) => Topic::Chat(c.chat_id()),
    };
    let mut events = engine.hub().subscribe(topic);
    let holding = matches!(party, ChatParty::Customer(_)).then_some(None);
    let mut out = Outbox {
        engine: engine.clone(),
        party,
        delivered: Delivered::default(),
        holding,
    };
    let hold_ends = tokio::time::sleep(RESUME_HOLD);
    tokio::pin!(hold_ends);
    let mut ping = tokio::time::interval(CHECK_EVERY);
    let mut last_heard = Instant::now();

    if let ChatParty::Agent(c) = &out.party
        && let Ok(list) = engine.agent_chats(c).await
    {
        let unread = list.chats.iter().map(|c| c.unread).sum();
        if !send(
            &mut socket,
            &Frame::Own(ServerMsg::AgentCounters {
                open_count: list.open_count,
                unread,
                status: list.status,
                capacity: list.capacity,
                waiting: list.waiting,
            }),
        )
        .await
        {
            return;
        }
    }

    // a waiting customer hears their place in the queue at once (issue 18)
    if let ChatParty::Customer(c) = &out.party
        && let Ok(Some(place)) = engine.queue_place(c.chat_id()).await
        && !send(
            &mut socket,
            &Frame::Own(ServerMsg::QueueUpdated {
                chat_id: c.chat_id(),
                place,
            }),
        )
        .await
    {
        return;
    }

    loop {
        let frames = tokio::select! {
            incoming = socket.recv() => {
                let frame = match incoming {
                    Some(Ok(f)) => f,
                    _ => break,
                };
                last_heard = Instant::now();
                match frame {
                    WsMessage::Text(text) => own(handle_frame(&mut out, text.as_str()).await),
                    WsMessage::Binary(_) => vec![Frame::Own(error_frame(
                        ApiError::new(StatusCode::BAD_REQUEST, shared::ErrorCode::TextFramesOnly, "send JSON text frames"), None, None))],
                    WsMessage::Close(_) => break,
                    WsMessage::Ping(_) | WsMessage::Pong(_) => Vec::new(),
                }
            }
            event = events.recv() => match event {
                Ok(msg) if matches!(**msg, ServerMsg::SessionChanged) => {
                    // logout, reset, deactivation or a role change: is this socket's
                    // session still what it was?
                    if let ChatParty::Agent(c) = &out.party
                        && !engine.session_still_valid(&token, c).await
                    {
                        tracing::info!(?topic, "session ended or changed; closing its socket");
                        close_with(&mut socket, SESSION_ENDED, "session ended").await;
                        return;
                    }
                    Vec::new()
                }
                Ok(msg) => out.live(&msg).await,
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(?topic, skipped, "socket lagged; resyncing from the store");
                    own(out.resync().await)
                }
                Err(RecvError::Closed) => break,
            },
            _ = &mut hold_ends, if out.holding.is_some() => out.release_hold().await,
            () = stopping.cancelled() => {
                // 1012 "service restart": the client reconnects (to another instance)
                close_with(&mut socket, SERVER_RESTARTING, "server restarting").await;
                return;
            }
            _ = ping.tick() => {
                let quiet = last_heard.elapsed();
                if quiet > SILENT_LIMIT {
                    tracing::info!(?topic, "socket silent too long; closing");
                    break;
                }
                if quiet >= PING_AFTER
                    && !within_limit(socket.send(WsMessage::Ping(Vec::new().into()))).await
                {
                    break;
                }
                Vec::new()
            }
        };
        for f in frames {
            if !send(&mut socket, &f).await {
                return;
            }
        }
    }
    within_limit(socket.send(WsMessage::Close(None))).await;
}

/// Sends the client a close frame with `code` (it may already be gone).
async fn close_with(socket: &mut WebSocket, code: u16, reason: &'static str) {
    within_limit(socket.send(WsMessage::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))))
    .await;
}

/// The close code of a socket closed by shutdown (RFC 6455 "service restart").
const SERVER_RESTARTING: u16 = 1012;

/// The close code of a socket whose session ended (logout, reset, deactivation) or
/// whose rights changed: the console signs in again or reconnects with the new rights.
const SESSION_ENDED: u16 = 4001;

async fn handle_frame(out: &mut Outbox, text: &str) -> Vec<ServerMsg> {
    let msg: ClientMsg = match serde_json::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            return vec![error_frame(
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    shared::ErrorCode::InvalidFrame,
                    format!("not a client frame: {e}"),
                ),
                None,
                None,
            )];
        }
    };
    let engine = out.engine.clone();
    match msg {
        ClientMsg::Ping => vec![ServerMsg::Pong],
        ClientMsg::Send {
            chat_id,
            client_id,
            text,
        } => {
            match engine
                .send_message(out.party.as_party(), chat_id, &client_id, &text)
                .await
            {
                // A new message comes back through the hub; a resend is acknowledged here.
                Ok(engine::Sent::Repeat(message)) => {
                    out.delivered.acked(chat_id, message.seq);
                    vec![ServerMsg::MessageCreated { chat_id, message }]
                }
                Ok(engine::Sent::New(_)) => Vec::new(),
                Err(e) => vec![error_frame(e.into(), Some(client_id), Some(chat_id))],
            }
        }
        ClientMsg::Resume { chat_id, after_seq } => {
            // the replay from the store covers whatever was held back
            out.holding = None;
            match out.replay(chat_id, after_seq).await {
                Ok(mut frames) => {
                    let last_seq = out.delivered.last(chat_id).unwrap_or(after_seq);
                    frames.push(ServerMsg::Resumed { chat_id, last_seq });
                    frames
                }
                Err(e) => vec![error_frame(e, None, Some(chat_id))],
            }
        }
        ClientMsg::Read { chat_id, seq } => {
            match engine
                .mark_read_by(out.party.as_party(), chat_id, seq)
                .await
            {
                Ok(()) => Vec::new(),
                Err(e) => vec![error_frame(e.into(), None, Some(chat_id))],
            }
        }
        // typing is a hint: a frame for another chat, a closed chat or over the
        // throttle is dropped without an answer (issue 19)
        ClientMsg::Typing { chat_id, preview } => {
            let _ = engine
                .typing(out.party.as_party(), chat_id, preview.as_deref())
                .await;
            Vec::new()
        }
    }
}

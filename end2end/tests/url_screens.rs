//! Issue #32 in the browser: the history, reports and tickets screens keep their filters
//! in the URL. A search or a change of filter navigates, so back and forward show the
//! earlier view again and a copied link opens the same view in another browser; and a
//! slow answer to an earlier search never replaces the answer to a newer one (the
//! earlier request is held back 2.5 s by a wrapper around the page's `fetch`).

use std::time::{Duration, Instant};

use end2end::{Browser, Server};
use serde_json::json;

/// Starts two customer chats through the public API and answers the first as the
/// signed-in agent (whose page runs this), so one chat is 처리 and one 미처리.
const TWO_CHATS: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const start = async (name, text) => {
    const r = await fetch('/api/v1/services/demo/chats', {method: 'POST',
      headers: {'content-type': 'application/json'}, body: JSON.stringify({consent: true, name})});
    const c = await r.json();
    await fetch(`/api/v1/chats/${c.chat_id}/messages`, {method: 'POST',
      headers: {'content-type': 'application/json', 'authorization': `Bearer ${c.customer_token}`},
      body: JSON.stringify({client_id: name, text})});
    return c.chat_id;
  };
  const answered = await start('김하늘', '주소를 바꾸고 싶어요');
  await start('박서준', '쿠폰이 적용되지 않아요');
  await new Promise(r => setTimeout(r, 500));
  // opened and answered by its agent: 처리 (handled)
  await fetch(`/api/v1/chats/${answered}/open`, {method: 'POST', credentials: 'same-origin'});
  const a = await fetch(`/api/v1/chats/${answered}/messages`, {method: 'POST',
    headers: {'content-type': 'application/json'}, credentials: 'same-origin',
    body: JSON.stringify({client_id: 'agent-reply-1', text: '네, 바꿔 드렸습니다'})});
  done(a.status);
})();
"#;

/// Holds back every request whose URL contains `window.__slow` by 2.5 s (the answer
/// arrives late, as from a slow network or a slow query); later requests pass.
const SLOW_FETCH: &str = r#"
window.__slow = arguments[0];
if (!window.__wrapped) {
  window.__wrapped = true;
  const original = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    const answer = original.call(this, input, init);
    if (window.__slow && url.includes(window.__slow)) {
      return answer.then(r => new Promise(res => setTimeout(() => res(r), 2500)));
    }
    return answer;
  };
}
"#;

async fn url_of(b: &Browser) -> String {
    b.client.current_url().await.unwrap().to_string()
}

/// Waits (up to 15 s) until the page's URL contains `needle` (or, `present` false, does
/// not).
async fn wait_url(b: &Browser, needle: &str, present: bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = url_of(b).await;
        if url.contains(needle) == present {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "URL `{url}` never {} `{needle}`",
            if present { "showed" } else { "lost" }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits (up to 15 s) until every history row has the status `tag` (and there is one).
async fn wait_all_rows(b: &Browser, tag: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let tags = b.texts(r#"[data-testid="history-status-tag"]"#).await;
        if !tags.is_empty() && tags.iter().all(|t| t == tag) {
            return chat_ids(b).await;
        }
        assert!(
            Instant::now() < deadline,
            "rows never all `{tag}`: {tags:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn chat_ids(b: &Browser) -> Vec<String> {
    let mut ids = Vec::new();
    for row in b
        .client
        .find_all(fantoccini::Locator::Css(r#"[data-testid="history-row"]"#))
        .await
        .unwrap()
    {
        ids.push(row.attr("data-chat-id").await.unwrap().unwrap_or_default());
    }
    ids
}

/// The value of the select `css` once it is on the page (a screen re-rendering after
/// back or forward may be without it for a moment).
async fn select_value(b: &Browser, css: &str) -> String {
    b.find(css).await;
    b.client
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.value : null",
            vec![json!(css)],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn choose(b: &Browser, css: &str, value: &str) {
    b.find(css).await.select_by_value(value).await.unwrap();
}

#[tokio::test]
async fn filters_live_in_the_url_and_a_stale_answer_never_wins() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let status = agent.client.execute_async(TWO_CHATS, vec![]).await.unwrap();
    assert_eq!(status, json!(201), "the agent's reply was stored");

    // 채팅 기록: the handled search is slow, the unhandled one after it fast
    agent.click_centered(r#"[data-testid="nav-history"]"#).await;
    agent.find(r#"[data-testid="history-row"]"#).await;
    agent
        .client
        .execute(SLOW_FETCH, vec![json!("status=handled")])
        .await
        .unwrap();
    choose(&agent, r#"[data-testid="history-status"]"#, "handled").await;
    agent
        .click_centered(r#"[data-testid="history-search"]"#)
        .await;
    wait_url(&agent, "status=handled", true).await;
    choose(&agent, r#"[data-testid="history-status"]"#, "unhandled").await;
    agent
        .click_centered(r#"[data-testid="history-search"]"#)
        .await;
    wait_url(&agent, "status=unhandled", true).await;
    let unhandled = wait_all_rows(&agent, "미처리").await;
    // the slow handled answer arrives meanwhile and is dropped
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(wait_all_rows(&agent, "미처리").await, unhandled);
    assert_eq!(
        select_value(&agent, r#"[data-testid="history-status"]"#).await,
        "unhandled"
    );
    agent.screenshot("url-history-unhandled").await;

    // back: the handled view again, form and rows; forward: the unhandled one
    agent
        .client
        .execute(SLOW_FETCH, vec![json!(null)])
        .await
        .unwrap();
    agent.client.back().await.unwrap();
    wait_url(&agent, "status=unhandled", false).await;
    wait_url(&agent, "status=handled", true).await;
    let handled = wait_all_rows(&agent, "처리").await;
    assert_eq!(
        select_value(&agent, r#"[data-testid="history-status"]"#).await,
        "handled"
    );
    assert!(handled.iter().all(|id| !unhandled.contains(id)));
    agent.client.forward().await.unwrap();
    wait_url(&agent, "status=unhandled", true).await;
    assert_eq!(wait_all_rows(&agent, "미처리").await, unhandled);

    // a copied link: another browser (another session) sees the same chats
    let link = url_of(&agent).await;
    let colleague = Browser::start().await;
    colleague.login(&server, "agent1@demo.test").await;
    colleague.client.goto(&link).await.unwrap();
    colleague.wait_hydrated().await;
    assert_eq!(wait_all_rows(&colleague, "미처리").await, unhandled);
    assert_eq!(
        select_value(&colleague, r#"[data-testid="history-status"]"#).await,
        "unhandled"
    );
    colleague.close().await;

    // 통계: a filter is in the URL, back undoes it
    agent
        .client
        .goto(&server.url("/console/reports"))
        .await
        .unwrap();
    agent.wait_hydrated().await;
    agent.find(r#"[data-testid="tile-started"]"#).await;
    choose(&agent, r#"[data-testid="report-channel"]"#, "widget").await;
    wait_url(&agent, "channel=widget", true).await;
    agent.find(r#"[data-testid="tile-started"]"#).await;
    choose(&agent, r#"[data-testid="report-period"]"#, "30d").await;
    wait_url(&agent, "period=30d", true).await;
    assert!(url_of(&agent).await.contains("channel=widget"));
    agent.client.back().await.unwrap();
    wait_url(&agent, "period=30d", false).await;
    assert_eq!(
        select_value(&agent, r#"[data-testid="report-period"]"#).await,
        "7d"
    );
    assert_eq!(
        select_value(&agent, r#"[data-testid="report-channel"]"#).await,
        "widget"
    );
    agent.client.back().await.unwrap();
    wait_url(&agent, "channel=widget", false).await;
    assert_eq!(
        select_value(&agent, r#"[data-testid="report-channel"]"#).await,
        ""
    );

    // 티켓: the status filter is in the URL too
    agent
        .client
        .goto(&server.url("/console/tickets"))
        .await
        .unwrap();
    agent.wait_hydrated().await;
    agent.find(r#"[data-testid="tickets-screen"]"#).await;
    choose(&agent, r#"[data-testid="ticket-filter-status"]"#, "closed").await;
    wait_url(&agent, "status=closed", true).await;
    agent.client.back().await.unwrap();
    wait_url(&agent, "status=closed", false).await;
    assert_eq!(
        select_value(&agent, r#"[data-testid="ticket-filter-status"]"#).await,
        ""
    );
    agent.client.forward().await.unwrap();
    wait_url(&agent, "status=closed", true).await;
    assert_eq!(
        select_value(&agent, r#"[data-testid="ticket-filter-status"]"#).await,
        "closed"
    );
    agent.close().await;
}

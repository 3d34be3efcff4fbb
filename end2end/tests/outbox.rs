//! Issue 31 in two real browsers: nothing typed is lost on a flaky network. A customer
//! and an agent lose the network (Chromium's offline mode) or one endpoint (blocked by
//! the DevTools protocol) while they type, reload with messages pending, live through a
//! server restart, and come back: every message arrives exactly once, in order, and
//! nothing is left "sending"; a connection that silently stops is replaced.

use std::time::Duration;

use end2end::{Browser, Proxy, Server};

const CUSTOMER_TEXTS: &str =
    r#"[data-testid="message"][data-author="customer"] .bubble-text:not([hidden])"#;
const AGENT_TEXTS: &str = r#"[data-testid="message"][data-author="agent"] .bubble-text"#;
const PENDING: &str = r#"[data-testid="message-pending"]"#;

/// Waits (up to 30 s: the outbox's timer may be at its 16 s step) until `css` shows
/// exactly `want`, in order.
async fn wait_texts(b: &Browser, css: &str, want: &[&str]) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let got = b.texts(css).await;
        if got == want {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "`{css}`: expected {want:?}, got {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_customer_offline_for_seconds_loses_nothing() {
    let mut server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let customer = Browser::start().await;
    customer
        .start_help_center_chat(&server, Some("주문 문의드려요"))
        .await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent.wait_text(CUSTOMER_TEXTS, "주문 문의드려요").await;

    // the phone loses its network while the customer types five more
    customer.set_offline(true).await;
    let typed = ["하나", "둘", "셋", "넷", "다섯"];
    for text in typed {
        customer.send_message(text).await;
    }
    customer.wait_count(PENDING, 5).await;
    customer
        .wait_text(r#"[data-testid="offline-banner"]"#, "연결이 끊겼습니다")
        .await;
    customer
        .find(r#"[data-testid="message-pending"][data-state="waiting"]"#)
        .await;
    customer.find(r#"[data-testid="message-retry"]"#).await;
    customer.screenshot("customer-offline-outbox").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    customer.set_offline(false).await;

    // back: all five, once each, in the order typed — on both sides
    let mut want = vec!["주문 문의드려요"];
    want.extend(typed);
    wait_texts(&agent, CUSTOMER_TEXTS, &want).await;
    wait_texts(&customer, CUSTOMER_TEXTS, &want).await;
    customer.wait_count(PENDING, 0).await;
    customer
        .wait_count(r#"[data-testid="offline-banner"] .chat-banner"#, 0)
        .await;

    // offline again, and the server restarts meanwhile (SIGTERM, then up again)
    customer.set_offline(true).await;
    customer.send_message("재시작 중 하나").await;
    customer.send_message("재시작 중 둘").await;
    customer.wait_count(PENDING, 2).await;
    server.restart();
    customer.set_offline(false).await;
    want.extend(["재시작 중 하나", "재시작 중 둘"]);
    wait_texts(&agent, CUSTOMER_TEXTS, &want).await;
    wait_texts(&customer, CUSTOMER_TEXTS, &want).await;
    customer.wait_count(PENDING, 0).await;
    agent.close().await;
    customer.close().await;
}

#[tokio::test]
async fn pending_messages_survive_a_reload_and_an_agent_offline_loses_nothing() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let customer = Browser::start().await;
    customer
        .start_help_center_chat(&server, Some("환불 문의"))
        .await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent.wait_text(CUSTOMER_TEXTS, "환불 문의").await;

    // sending is down (the page still loads); two messages and a file wait, then the
    // page reloads
    customer
        .block_urls(&["*/api/v1/chats/*/messages", "*/api/v1/chats/*/files*"])
        .await;
    customer.send_message("주문번호는 1234").await;
    customer.send_message("카드 결제였어요").await;
    customer.wait_count(PENDING, 2).await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("영수증.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% receipt\ntrailer << >>\n%%EOF\n").unwrap();
    customer
        .client
        .find(fantoccini::Locator::Css(r#"[data-testid="attach-input"]"#))
        .await
        .unwrap()
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    customer
        .wait_text(r#"[data-testid="file-sending"]"#, "영수증.pdf")
        .await;
    customer
        .find(r#"[data-testid="message-pending"][data-state="waiting"]"#)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(agent.texts(CUSTOMER_TEXTS).await, ["환불 문의"]);
    assert!(agent.texts(r#"[data-testid="file-card"]"#).await.is_empty());
    customer.find(r#"[data-testid="file-sending"]"#).await;
    customer.client.refresh().await.unwrap();
    customer.wait_hydrated().await;
    customer.block_urls(&[]).await;
    let want = ["환불 문의", "주문번호는 1234", "카드 결제였어요"];
    wait_texts(&agent, CUSTOMER_TEXTS, &want).await;
    wait_texts(&customer, CUSTOMER_TEXTS, &want).await;
    customer.wait_count(PENDING, 0).await;
    // the file too, kept in IndexedDB across the reload, once
    agent
        .wait_text(r#"[data-testid="file-card"]"#, "영수증.pdf")
        .await;
    agent.wait_count(r#"[data-testid="file-card"]"#, 1).await;
    customer
        .wait_count(r#"[data-testid="file-sending"]"#, 0)
        .await;

    // the agent's console: three replies typed offline arrive once, in order
    agent.set_offline(true).await;
    let replies = ["확인해 볼게요", "잠시만요", "환불 접수했습니다"];
    for text in replies {
        agent.send_message(text).await;
    }
    agent.wait_count(PENDING, 3).await;
    agent
        .wait_text(r#"[data-testid="offline-banner"]"#, "연결이 끊겼습니다")
        .await;
    agent.screenshot("console-offline-outbox").await;
    // a status change that cannot reach the server says so and changes nothing
    agent
        .find(r#"[data-testid="agent-status"]"#)
        .await
        .select_by_value("break")
        .await
        .unwrap();
    agent
        .wait_text(r#"[data-testid="desk-error"]"#, "서버에 연결할 수 없습니다")
        .await;
    let shown = agent
        .find(r#"[data-testid="agent-status"]"#)
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(shown.as_deref(), Some("online"));
    tokio::time::sleep(Duration::from_secs(2)).await;
    agent.set_offline(false).await;
    wait_texts(&customer, AGENT_TEXTS, &replies).await;
    wait_texts(&agent, AGENT_TEXTS, &replies).await;
    agent.wait_count(PENDING, 0).await;

    // the agent ends the chat while the customer's last message waits: it is marked
    // not sent, with the reason, and can be removed
    customer.set_offline(true).await;
    customer.send_message("마지막으로 하나만요").await;
    customer.wait_count(PENDING, 1).await;
    agent.click_centered(r#"[data-testid="end-chat"]"#).await;
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 0)
        .await;
    customer.set_offline(false).await;
    customer
        .wait_text(
            r#"[data-testid="message-pending"][data-state="refused"]"#,
            "보내지 못했습니다",
        )
        .await;
    customer.screenshot("customer-message-refused").await;
    customer
        .click_centered(r#"[data-testid="message-discard"]"#)
        .await;
    customer.wait_count(PENDING, 0).await;
    assert!(
        !agent
            .texts(CUSTOMER_TEXTS)
            .await
            .iter()
            .any(|t| t.contains("마지막"))
    );
    agent.close().await;
    customer.close().await;
}

#[tokio::test]
async fn a_socket_that_silently_stops_is_replaced_on_both_sides() {
    let server = Server::start_demo();
    let proxy = Proxy::start(&server);
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    // the customer reaches the server through the proxy
    let customer = Browser::start().await;
    customer.client.goto(&proxy.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    customer
        .click_centered(r#"[data-testid="chat-icon"]"#)
        .await;
    customer
        .click_centered(r#"[data-testid="consent-accept"]"#)
        .await;
    customer.send_message("여보세요").await;
    customer.wait_text(CUSTOMER_TEXTS, "여보세요").await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent.wait_text(CUSTOMER_TEXTS, "여보세요").await;

    // the network under every open connection vanishes without a word
    let frozen = proxy.freeze();
    agent.send_message("들리세요?").await;
    // the page's heartbeat finds its socket dead, connects anew and resumes
    let deadline = frozen + Duration::from_secs(45);
    while !customer
        .texts(AGENT_TEXTS)
        .await
        .iter()
        .any(|t| t == "들리세요?")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the customer's page never replaced its silent socket"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    eprintln!(
        "the customer's page got the agent's message {:.1} s after the freeze",
        frozen.elapsed().as_secs_f64()
    );
    customer.send_message("네 들려요").await;
    wait_texts(&agent, CUSTOMER_TEXTS, &["여보세요", "네 들려요"]).await;
    customer.wait_count(PENDING, 0).await;

    // and the server closed the stale socket by itself
    while proxy.server_closed_frozen().is_empty() {
        assert!(
            std::time::Instant::now() < frozen + Duration::from_secs(45),
            "the server kept the silent socket open"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let closed = proxy.server_closed_frozen()[0];
    eprintln!(
        "the server closed the silent socket {:.1} s after the freeze",
        (closed - frozen).as_secs_f64()
    );
    agent.close().await;
    customer.close().await;
}

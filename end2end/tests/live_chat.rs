//! Issue #3 in two real browsers at once: a customer in the help center and an agent in
//! the console (C-IN-1..3, C-AG-1..3, C-END-3).

use end2end::{Browser, Locator, Server};

async fn class_of(b: &Browser, css: &str) -> String {
    b.find(css)
        .await
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default()
}

#[tokio::test]
async fn customer_and_agent_chat_end_to_end() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    let customer = Browser::start().await;

    agent.login(&server, "agent1@demo.test").await;
    // C-AG-1: the chat icon at the bottom right opens the chat screen from anywhere
    agent
        .find(r#"[data-testid="nav-tickets"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent.find(r#"[data-testid="tickets-screen"]"#).await;
    agent.open_chat_screen().await;
    agent
        .find(r#"[data-testid="agent-status"]"#)
        .await
        .select_by_value("online")
        .await
        .unwrap();
    agent.wait_text(r#"[data-testid="open-count"]"#, "0").await;
    // the status took effect on the server
    customer
        .client
        .goto(&server.url("/api/v1/services/demo/chat/availability"))
        .await
        .unwrap();
    for _ in 0..50 {
        let body = customer
            .client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if body.contains("\"agents_online\":1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        customer.client.refresh().await.unwrap();
    }

    // customer: icon → consent → greeting → message
    customer.client.goto(&server.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    customer
        .find(r#"[data-testid="chat-icon"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer
        .find(r#"[data-testid="consent-accept"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="system"]"#,
            "데모 쇼핑",
        )
        .await;
    customer
        .send_message("배송이 아직 안 왔어요 <b>확인</b>")
        .await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "배송이 아직 안 왔어요 <b>확인</b>",
        )
        .await;

    // agent: the icon blinks, the counter is 1, the tab title has a badge — all live
    agent.wait_text(r#"[data-testid="open-count"]"#, "1").await;
    agent.find(r#"[data-testid="chat-list-item"]"#).await;
    assert!(
        class_of(&agent, r#"[data-testid="chat-icon"]"#)
            .await
            .contains("blink"),
        "icon blinks for a new chat"
    );
    let title = agent.client.title().await.unwrap();
    assert!(title.starts_with("(1)"), "tab title badge: {title}");
    agent.screenshot("agent-new-chat").await;

    // the agent opens it, sees the message (as text, not HTML), replies
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "<b>확인</b>",
        )
        .await;
    assert!(
        !class_of(&agent, r#"[data-testid="chat-icon"]"#)
            .await
            .contains("blink"),
        "seen: no more blinking"
    );
    agent
        .wait_text(r#"[data-testid="customer-ip"]"#, "127.0.0.1")
        .await;
    let input = agent.find(r#"[data-testid="message-input"]"#).await;
    input.send_keys("확인해 보겠습니다").await.unwrap();
    input.send_keys("\u{E007}").await.unwrap(); // Enter sends
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "확인해 보겠습니다",
        )
        .await;

    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "확인해 보겠습니다",
        )
        .await;
    customer.screenshot("customer-chat").await;
    agent.screenshot("agent-chat").await;

    // the chat survives a reload on the customer's side
    customer.client.refresh().await.unwrap();
    customer.wait_hydrated().await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "확인해 보겠습니다",
        )
        .await;
    customer.send_message("새로고침 후에도 됩니다").await;
    agent.wait_text(".chat-log", "새로고침 후에도 됩니다").await;

    // the customer ends; the agent sees it and still has the chat; then the agent ends
    customer
        .find(r#"[data-testid="end-chat"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.find(r#"[data-testid="chat-ended"]"#).await;
    agent.find(r#"[data-testid="customer-ended"]"#).await;
    agent.find(r#"[data-testid="customer-ended-note"]"#).await;
    agent.wait_text(r#"[data-testid="open-count"]"#, "1").await;
    agent
        .find(r#"[data-testid="end-chat"]"#)
        .await
        .click()
        .await
        .unwrap();
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 0)
        .await;
    agent.wait_text(r#"[data-testid="open-count"]"#, "0").await;

    agent.close().await;
    customer.close().await;
}

#[tokio::test]
async fn nobody_online_leads_to_an_inquiry() {
    let server = Server::start_demo();
    let customer = Browser::start().await;
    customer.client.goto(&server.url("/hc/demo")).await.unwrap();
    customer.wait_hydrated().await;
    customer
        .find(r#"[data-testid="chat-icon"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.find(r#"[data-testid="absent-popup"]"#).await;
    customer.screenshot("customer-absent").await;
    customer
        .find(r#"[data-testid="inquiry-button"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.find(r#"[data-testid="inquiry-form"]"#).await;
    customer
        .find(r#"[data-testid="inquiry-name"]"#)
        .await
        .send_keys("홍길동")
        .await
        .unwrap();
    customer
        .find(r#"[data-testid="inquiry-email"]"#)
        .await
        .send_keys("not-an-email")
        .await
        .unwrap();
    customer
        .find(r#"[data-testid="inquiry-subject"]"#)
        .await
        .send_keys("환불 문의")
        .await
        .unwrap();
    customer
        .find(r#"[data-testid="inquiry-body"]"#)
        .await
        .send_keys("주문 취소 후 환불이 안 됐어요")
        .await
        .unwrap();
    // the browser's own email check may stop the submit first; either way nothing is sent
    customer
        .find(r#"[data-testid="inquiry-submit"]"#)
        .await
        .click()
        .await
        .unwrap();
    assert!(
        customer
            .client
            .find(Locator::Css(r#"[data-testid="inquiry-sent"]"#))
            .await
            .is_err()
    );
    let email = customer.find(r#"[data-testid="inquiry-email"]"#).await;
    email.clear().await.unwrap();
    email.send_keys("hong@example.com").await.unwrap();
    customer
        .find(r#"[data-testid="inquiry-submit"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.find(r#"[data-testid="inquiry-sent"]"#).await;
    customer.close().await;
}

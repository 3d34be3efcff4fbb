//! Issue #5 in the browser: an admin's greeting reaches the next customer; turning chat
//! off removes the icon; the agent asks for a rating and sees the customer's 4 stars.

use end2end::{Browser, Locator, Server};

#[tokio::test]
async fn greeting_rating_and_chat_off() {
    let server = Server::start_demo();
    let admin = Browser::start().await;
    let agent = Browser::start().await;
    let customer = Browser::start().await;

    admin.login(&server, "admin@demo.test").await;
    admin.client.goto(&server.url("/admin")).await.unwrap();
    admin.wait_hydrated().await;
    let greeting = admin.find(r#"[data-testid="greeting-ko"]"#).await;
    admin
        .wait_text(r#"[data-testid="embed-ko"]"#, "/widget.js")
        .await;
    greeting.clear().await.unwrap();
    greeting
        .send_keys("반갑습니다! 새 인사말로 바뀌었어요.")
        .await
        .unwrap();
    admin
        .find(r#"[data-testid="save-settings"]"#)
        .await
        .click()
        .await
        .unwrap();
    admin.find(r#"[data-testid="settings-saved"]"#).await;
    admin.screenshot("admin-settings").await;

    agent.login(&server, "agent1@demo.test").await;
    agent.go_online().await;
    customer.start_help_center_chat(&server, None).await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="system"]"#,
            "새 인사말로 바뀌었어요",
        )
        .await;

    // the agent asks for a rating; the form opens on the customer's side by itself
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent
        .find(r#"[data-testid="rate-request"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.find(r#"[data-testid="rating-form"]"#).await;
    customer.wait_text(".chat-log", "평가해 주세요").await;
    customer
        .find(r#"[data-testid="rating-star-4"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.screenshot("customer-rating").await;
    customer
        .find(r#"[data-testid="rating-submit"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.find(r#"[data-testid="rating-thanks"]"#).await;
    agent
        .wait_text(r#"[data-testid="consult-rating"]"#, "4/5")
        .await;
    agent.screenshot("agent-rating").await;

    // the customer's own 평가 button opens the form at once, too
    customer
        .find(r#"[data-testid="rate-button"]"#)
        .await
        .click()
        .await
        .unwrap();
    customer.find(r#"[data-testid="rating-form"]"#).await;

    // chat off in the contract: the icon is gone for new visitors
    admin
        .click_centered(r#"[data-testid="setting-contract-chat"]"#)
        .await;
    admin.find(r#"[data-testid="hc-chat-reason"]"#).await;
    let fresh = Browser::start().await;
    fresh.client.goto(&server.url("/hc/demo")).await.unwrap();
    fresh.wait_hydrated().await;
    assert!(
        fresh
            .client
            .find(Locator::Css(r#"[data-testid="chat-icon"]"#))
            .await
            .is_err(),
        "no chat icon with chat off"
    );
    fresh.close().await;

    admin.close().await;
    agent.close().await;
    customer.close().await;
}

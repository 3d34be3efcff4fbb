//! Issue 19 in the browser: an agent keeps a canned reply on the 상용구 screen, then in
//! a live chat types `/` and its shortcut, picks it with Enter, and the customer
//! receives it in their language with the placeholders filled.

use end2end::{Browser, Server};

#[tokio::test]
async fn a_canned_reply_is_inserted_with_slash_and_its_placeholders_filled() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.login(&server, "agent1@demo.test").await;
    agent.click_centered(r#"[data-testid="nav-canned"]"#).await;
    agent.find(r#"[data-testid="canned-screen"]"#).await;
    agent.wait_hydrated().await;
    for (css, text) in [
        (r#"[data-testid="canned-title"]"#, "첫 인사"),
        (r#"[data-testid="canned-shortcut"]"#, "hello"),
        (
            r#"[data-testid="canned-text-ko"]"#,
            "{customer_name}님 안녕하세요, {agent_name}입니다. {service_name}에 문의해 주셔서 감사합니다.",
        ),
        (
            r#"[data-testid="canned-text-en"]"#,
            "Hello {customer_name}, this is {agent_name}.",
        ),
    ] {
        agent.find(css).await.send_keys(text).await.unwrap();
    }
    agent.click_centered(r#"[data-testid="canned-save"]"#).await;
    agent.wait_count(r#"[data-testid="canned-row"]"#, 1).await;
    agent.screenshot("canned-replies").await;

    agent.open_chat_screen().await;
    agent.go_online().await;
    let customer = Browser::start().await;
    customer
        .start_help_center_chat(&server, Some("문의드립니다"))
        .await;
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    let input = agent.find(r#"[data-testid="message-input"]"#).await;
    input.send_keys("/hel").await.unwrap();
    agent
        .wait_text(r#"[data-testid="canned-item"]"#, "첫 인사")
        .await;
    agent.screenshot("canned-slash-list").await;
    input.send_keys("\u{E007}").await.unwrap(); // Enter picks it (and does not send)
    agent.wait_count(r#"[data-testid="canned-list"]"#, 0).await;
    let draft = input.prop("value").await.unwrap().unwrap_or_default();
    assert!(
        draft.starts_with("고객 1님 안녕하세요, 김상담입니다. 데모 쇼핑"),
        "{draft}"
    );
    input.send_keys("\u{E007}").await.unwrap(); // now Enter sends
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "김상담입니다. 데모 쇼핑에 문의해 주셔서 감사합니다.",
        )
        .await;
    agent.close().await;
    customer.close().await;
}

//! Issue 19 in two browsers: the typing indicator appears on the other side and goes
//! away after a few seconds of silence, and 읽음 appears on the customer's message once
//! the agent opened the chat (and on the agent's once the customer's window read it).

use end2end::{Browser, Server};

#[tokio::test]
async fn typing_appears_and_fades_and_read_marks_follow_reading() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    let customer = Browser::start().await;
    customer
        .start_help_center_chat(&server, Some("주문한 상품이 아직 안 왔어요"))
        .await;

    // the agent opens the chat: the customer's message shows 읽음
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="customer"] [data-testid="read-mark"]"#,
            "읽음",
        )
        .await;

    // the customer types (without sending): the agent sees it, then it fades
    customer
        .find(r#"[data-testid="message-input"]"#)
        .await
        .send_keys("주문번호는")
        .await
        .unwrap();
    agent
        .wait_text(r#"[data-testid="typing-indicator"]"#, "고객이 입력 중")
        .await;
    agent.screenshot("console-customer-typing").await;
    agent
        .wait_count(r#"[data-testid="typing-indicator"]"#, 0)
        .await;

    // the agent types: the customer sees it
    agent
        .find(r#"[data-testid="message-input"]"#)
        .await
        .send_keys("확인해")
        .await
        .unwrap();
    customer
        .wait_text(r#"[data-testid="typing-indicator"]"#, "상담원이 입력 중")
        .await;
    customer.screenshot("customer-agent-typing").await;
    agent
        .find(r#"[data-testid="message-input"]"#)
        .await
        .send_keys(" 드릴게요\n")
        .await
        .unwrap();
    // the reply ends the indicator at once, and the customer's window reads it
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "확인해 드릴게요",
        )
        .await;
    customer
        .wait_count(r#"[data-testid="typing-indicator"]"#, 0)
        .await;
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="agent"] [data-testid="read-mark"]"#,
            "읽음",
        )
        .await;
    agent.close().await;
    customer.close().await;
}

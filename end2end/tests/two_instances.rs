//! Issue #10 in two real browsers: the customer's help center is served by instance A,
//! the agent's console by instance B, both on one PostgreSQL database. What each person
//! sees must not depend on which instance they reached: the agent's icon blinks and the
//! counter moves for a chat started on A, and messages appear both ways. (Masking
//! across instances is proven by `server/tests/instances.rs`.)
//!
//! Needs PostgreSQL (`scripts/test-all.sh` starts it); without one answering it says so
//! and returns.

use end2end::{Browser, Server, fresh_postgres_database};

#[tokio::test]
async fn customer_on_instance_a_and_agent_on_instance_b() {
    let Some(url) = fresh_postgres_database("oct_e2e_two_instances") else {
        eprintln!("no PostgreSQL on OC_TEST_PG_URL: two-instance browser test skipped");
        return;
    };
    let a = Server::start_instance(&url);
    let b = Server::start_instance(&url);
    let agent = Browser::start().await;
    let customer = Browser::start().await;

    agent.login(&b, "agent1@demo.test").await;
    agent.open_chat_screen().await;
    agent.go_online().await;
    agent.wait_text(r#"[data-testid="open-count"]"#, "0").await;

    customer
        .start_help_center_chat(&a, Some("다른 인스턴스에서 인사드려요"))
        .await;

    // the agent on B: the icon blinks, the counter moves, the message is there
    agent.wait_text(r#"[data-testid="open-count"]"#, "1").await;
    agent.find(r#"[data-testid="chat-list-item"]"#).await;
    let mut blinking = false;
    for _ in 0..50 {
        let class = agent
            .find(r#"[data-testid="chat-icon"]"#)
            .await
            .attr("class")
            .await
            .unwrap()
            .unwrap_or_default();
        if class.contains("blink") {
            blinking = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        blinking,
        "the chat icon blinks for a chat started on the other instance"
    );
    agent
        .click_with_text(r#"[data-testid="chat-list-item"]"#, "")
        .await;
    agent
        .wait_text(
            r#"[data-testid="message"][data-author="customer"]"#,
            "다른 인스턴스에서 인사드려요",
        )
        .await;

    // the agent answers on B; the customer on A sees it
    agent.send_message("네, B에서 답변드립니다").await;
    customer
        .wait_text(
            r#"[data-testid="message"][data-author="agent"]"#,
            "네, B에서 답변드립니다",
        )
        .await;

    // the customer writes again on A; the agent sees it on B
    customer
        .send_message("제 번호는 010-1234-5678 입니다")
        .await;
    agent
        .wait_count(r#"[data-testid="message"][data-author="customer"]"#, 2)
        .await;
    agent.wait_text(r#"[role="log"]"#, "010-1234-5678").await;
    agent.screenshot("two-instances-agent").await;
    customer.screenshot("two-instances-customer").await;
    agent.close().await;
    customer.close().await;
}

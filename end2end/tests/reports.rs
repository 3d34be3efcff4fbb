//! Issue 20 in the browser: after a few chats, the admin opens 통계, sees the figures
//! and the charts, clicks today's bar and lands on the chat history filtered to that
//! day, with the same number of chats.

use end2end::{Browser, Server};
use fantoccini::Locator;

#[tokio::test]
async fn a_day_of_the_report_opens_the_same_chats_in_history() {
    let server = Server::start_demo();
    let agent = Browser::start().await;
    agent.agent_online(&server, "agent1@demo.test").await;
    for first in ["배송 문의", "환불 문의"] {
        let customer = Browser::start().await;
        customer.start_help_center_chat(&server, Some(first)).await;
        customer.close().await;
    }
    agent
        .wait_count(r#"[data-testid="chat-list-item"]"#, 2)
        .await;

    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    admin.click_centered(r#"[data-testid="nav-reports"]"#).await;
    admin
        .wait_text(r#"[data-testid="tile-started"]"#, "2")
        .await;
    admin
        .wait_count(r#"[data-testid="report-days-chart"]"#, 1)
        .await;
    admin
        .wait_count(r#"[data-testid="report-heatmap"]"#, 1)
        .await;
    admin.screenshot("console-reports").await;
    // the admin narrows it to the agent who took both chats: the same two
    admin
        .find(r#"[data-testid="report-agent"]"#)
        .await
        .select_by_label("김상담")
        .await
        .unwrap();
    admin
        .wait_text(r#"[data-testid="tile-started"]"#, "2")
        .await;

    // today's bar (the last one) carries the day's count and opens that day in history
    let bars = admin
        .client
        .find_all(Locator::Css(r#"[data-testid="report-day-bar"]"#))
        .await
        .unwrap();
    let today = bars.last().unwrap();
    let count = today.attr("data-count").await.unwrap().unwrap();
    assert_eq!(count, "2");
    let href = today.attr("data-href").await.unwrap().unwrap();
    assert!(
        href.contains("/console/history?from=") && href.contains("agent="),
        "{href}"
    );
    admin
        .click_centered(r#"[data-testid="report-day-bar"]:last-of-type"#)
        .await;
    admin.wait_count(r#"[data-testid="history-row"]"#, 2).await;
    admin
        .wait_text(r#"[data-testid="history-total"]"#, "2")
        .await;
    agent.close().await;
    admin.close().await;
}

//! Issue 20 in the browser: after a few chats, the admin opens 통계, sees the figures
//! and the charts (days, trends, heatmap), downloads the workbook, clicks today's bar
//! and lands on the chat history filtered to that day, with the same number of chats;
//! back on the report, the agent's row opens the same chats too.

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
    admin
        .wait_count(r#"[data-testid="report-trend-first-response"]"#, 1)
        .await;
    admin
        .wait_count(r#"[data-testid="report-trend-wait"]"#, 1)
        .await;
    admin.screenshot("console-reports").await;
    admin
        .client
        .execute(
            "document.querySelector('[data-testid=\"report-types-chart\"]').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    admin.screenshot("console-reports-types").await;
    // the export answers a workbook to the signed-in admin (the session cookie)
    let answer = admin
        .client
        .execute(
            "return fetch(document.querySelector('[data-testid=\"report-export\"]').href)
                .then(r => r.status + ' ' + r.headers.get('content-type'))",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        answer.as_str().unwrap(),
        "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
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
        href.starts_with("/console/history?") && href.contains("from=") && href.contains("agent="),
        "{href}"
    );
    admin
        .click_centered(r#"[data-testid="report-day-bar"]:last-of-type"#)
        .await;
    admin.wait_count(r#"[data-testid="history-row"]"#, 2).await;
    admin
        .wait_text(r#"[data-testid="history-total"]"#, "2")
        .await;
    // back on the report, the agent's row opens the same two chats
    admin.client.back().await.unwrap();
    admin
        .click_centered(r#"[data-testid="report-agent-link"]"#)
        .await;
    admin
        .wait_text(r#"[data-testid="history-total"]"#, "2")
        .await;
    assert!(
        admin
            .client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("agent="),
        "the agent's link carries the agent"
    );
    agent.close().await;
    admin.close().await;
}

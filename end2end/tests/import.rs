//! Issue 21 in the browser: an admin picks a workbook in 엑셀로 가져오기, the preview
//! shows the row that cannot be imported and refuses to import; cancel; a clean workbook
//! imports and shows the new accounts' passwords once.

use end2end::{Browser, Server};

/// A workbook of agents (name, email) written to a temp file; its path.
fn workbook(dir: &std::path::Path, name: &str, agents: &[(&str, &str)]) -> String {
    let mut b = rust_xlsxwriter::Workbook::new();
    let s = b.add_worksheet();
    s.set_name("상담원").unwrap();
    for (c, h) in ["이름", "이메일", "역할", "채팅 권한"].iter().enumerate() {
        s.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (n, e)) in agents.iter().enumerate() {
        s.write_string(r as u32 + 1, 0, *n).unwrap();
        s.write_string(r as u32 + 1, 1, *e).unwrap();
        s.write_string(r as u32 + 1, 2, "agent").unwrap();
        s.write_string(r as u32 + 1, 3, "Y").unwrap();
    }
    let path = dir.join(name);
    b.save(&path).unwrap();
    path.to_string_lossy().into_owned()
}

#[tokio::test]
async fn an_admin_previews_cancels_and_imports_a_workbook() {
    let server = Server::start_demo();
    let dir = tempfile::tempdir().unwrap();
    let bad = workbook(
        dir.path(),
        "bad.xlsx",
        &[
            ("박상담", "park@example.com"),
            ("김상담", "agent1@demo.test"),
        ],
    );
    let good = workbook(dir.path(), "good.xlsx", &[("박상담", "park@example.com")]);
    let admin = Browser::start().await;
    admin.login(&server, "admin@demo.test").await;
    admin.client.goto(&server.url("/admin")).await.unwrap();
    admin.wait_hydrated().await;

    admin
        .find(r#"[data-testid="import-file"]"#)
        .await
        .send_keys(&bad)
        .await
        .unwrap();
    admin
        .click_centered(r#"[data-testid="import-preview"]"#)
        .await;
    admin
        .wait_text(r#"[data-testid="import-summary"]"#, "오류 1건")
        .await;
    admin
        .wait_text(
            r#"[data-testid="import-agents"] tr.row-error"#,
            "agent1@demo.test",
        )
        .await;
    // (the reason in the console's own words)
    admin
        .wait_text(
            r#"[data-testid="import-agents"] tr.row-error"#,
            "이미 있는 계정",
        )
        .await;
    let disabled = admin
        .find(r#"[data-testid="import-run"]"#)
        .await
        .attr("disabled")
        .await
        .unwrap();
    assert!(
        disabled.is_some(),
        "a preview with errors cannot be imported"
    );
    admin.screenshot("admin-import-preview").await;
    admin
        .click_centered(r#"[data-testid="import-cancel"]"#)
        .await;
    admin
        .wait_count(r#"[data-testid="import-summary"]"#, 0)
        .await;

    admin
        .find(r#"[data-testid="import-file"]"#)
        .await
        .send_keys(&good)
        .await
        .unwrap();
    admin
        .click_centered(r#"[data-testid="import-preview"]"#)
        .await;
    admin
        .wait_text(r#"[data-testid="import-summary"]"#, "오류 0건")
        .await;
    admin.click_centered(r#"[data-testid="import-run"]"#).await;
    admin
        .wait_text(r#"[data-testid="import-done"]"#, "park@example.com")
        .await;
    admin.close().await;
}

//! Issue 20 (C-RP-1): the report's figures equal a direct count of the chats, stay
//! exact through late ratings and changed handling types, equal the rollups rebuilt
//! from scratch, open the same chats in history (channel, handling type, agent), export
//! as a workbook with native charts, and bad queries are 422 naming the parameter.

mod common;

use chrono::Datelike;
use common::{DEMO_PASSWORD, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn find_id(cats: &Value, name: &str) -> String {
    cats.as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no category {name}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn rebuild(s: &TestServer) {
    use clap::Parser;
    let cli = server::config::Cli::try_parse_from([
        "online-contact",
        "reports",
        "rebuild",
        "--database-url",
        &s.db_url,
        "--service",
        "demo",
    ])
    .unwrap();
    server::run(cli).await.unwrap();
}

/// All chat starts of a report's heatmap.
fn heat_sum(r: &Value) -> i64 {
    r["heatmap"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row.as_array().unwrap().iter().map(|v| v.as_i64().unwrap()))
        .sum()
}

/// A report's figures to compare with another's: everything but the agents' time online,
/// which runs on between two reports.
fn figures(r: &Value) -> Value {
    let agents: Vec<&Value> = r["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["figures"])
        .collect();
    json!([
        r["totals"],
        r["days"],
        r["categories"],
        r["heatmap"],
        agents
    ])
}

async fn report(s: &TestServer, token: &str, query: &str) -> Value {
    let (status, v) = s
        .get(&format!("/api/v1/reports?{query}"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {v}");
    v
}

#[tokio::test]
async fn figures_equal_a_count_and_a_rebuild() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (_, cats) = s.get("/api/v1/categories", Some(&agent)).await;
    let card = find_id(&cats, "카드 결제");
    let top = find_id(&cats, "주문·결제");
    s.set_capacity(1).await;

    // A: answered, typed as 카드 결제, rated 5 — handled
    let (a, a_token) = s
        .start_chat(json!({"consent": true, "first_message": "결제가 안 돼요"}))
        .await;
    s.post(&format!("/api/v1/chats/{a}/open"), Some(&agent), json!({}))
        .await;
    let (st, _) = s.send_message(&a, &agent, "a1", "확인해 드릴게요").await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = s
        .put(
            &format!("/api/v1/chats/{a}/info"),
            Some(&agent),
            json!({"customer": {}, "consult": {"category_id": card}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    s.end_chat(&a, &agent).await;
    // B: ended by the agent with no reply — unhandled; rated 2 after the end
    let (b, b_token) = s.start_chat(json!({"consent": true})).await;
    // C: waits (the one seat is B's), the customer leaves the queue — abandoned
    let (c, c_token) = s.start_chat(json!({"consent": true})).await;
    let (_, detail) = s.get(&format!("/api/v1/chats/{c}"), Some(&c_token)).await;
    assert_eq!(detail["status"], "waiting", "{detail}");
    s.end_chat(&c, &c_token).await;
    s.end_chat(&b, &agent).await;
    for (chat, token, score) in [(&a, &a_token, 5), (&b, &b_token, 2)] {
        let (st, v) = s
            .post(
                &format!("/api/v1/chats/{chat}/rating"),
                Some(token),
                json!({"score": score}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
    }
    // D: still open
    let (_d, _) = s.start_chat(json!({"consent": true})).await;

    let r = report(&s, &admin, "period=today").await;
    let t = &r["totals"];
    assert_eq!(t["started"], 4, "{t}");
    assert_eq!(t["open"], 1);
    assert_eq!(t["handled"], 1);
    assert_eq!(t["unhandled"], 2, "B and C (미처리 = 포기)");
    assert_eq!(t["abandoned_in_queue"], 1);
    assert_eq!(t["first_response"]["count"], 1);
    assert_eq!(t["handling"]["count"], 3);
    assert_eq!(t["wait_to_assignment"]["count"], 3, "A, B, D were assigned");
    assert_eq!(t["csat"]["count"], 2);
    assert_eq!(t["csat"]["average"], 3.5);
    assert_eq!(t["csat"]["distribution"], json!([0, 1, 0, 0, 1]));
    assert_eq!(t["csat"]["response_rate"], 0.667);
    assert_eq!(r["days"].as_array().unwrap().len(), 1);
    let heat = heat_sum(&r);
    assert_eq!(heat, 4);
    // the same chats read through the month rollup (a whole calendar month) and
    // through the edge days around it (from the 2nd of last month to the 1st of next)
    let today = chrono::NaiveDate::parse_from_str(r["to"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let first = today.with_day(1).unwrap();
    let next = first.checked_add_months(chrono::Months::new(1)).unwrap();
    let whole_month = report(
        &s,
        &admin,
        &format!("from={first}&to={}", next - chrono::Duration::days(1)),
    )
    .await;
    let around = report(
        &s,
        &admin,
        &format!("from={}&to={next}", first - chrono::Duration::days(30)),
    )
    .await;
    for other in [&whole_month, &around] {
        assert_eq!(other["totals"], r["totals"]);
        assert_eq!(other["categories"], r["categories"]);
        assert_eq!(other["heatmap"], r["heatmap"]);
        assert_eq!(
            other["agents"][0]["figures"], r["agents"][0]["figures"],
            "per agent, from the months and the edge days"
        );
    }

    // the same as a direct count of the chats
    let count = |sql: &'static str| common::count_rows(&s.db_url, sql);
    assert_eq!(
        t["handled"],
        count("SELECT COUNT(*) FROM chats WHERE status = 'ended' AND handled = 1").await
    );
    assert_eq!(
        t["unhandled"],
        count("SELECT COUNT(*) FROM chats WHERE status = 'ended' AND handled = 0").await
    );
    assert_eq!(t["started"], count("SELECT COUNT(*) FROM chats").await);

    // by handling type, at any level, and by agent
    let typed = report(&s, &admin, &format!("period=today&category={top}")).await;
    assert_eq!(typed["totals"]["started"], 1);
    assert_eq!(typed["totals"]["handled"], 1);
    let typed_heat = heat_sum(&typed);
    assert_eq!(
        typed_heat, 1,
        "a filtered heatmap counts only the filtered chats"
    );
    // narrowed, through the month × weekday × hour rollup and the edge days' facts
    for range in [
        format!("from={first}&to={}", next - chrono::Duration::days(1)),
        format!("from={}&to={next}", first - chrono::Duration::days(30)),
    ] {
        let other = report(&s, &admin, &format!("{range}&category={top}")).await;
        assert_eq!(other["heatmap"], typed["heatmap"], "{range}");
        assert_eq!(other["totals"], typed["totals"], "{range}");
        assert_eq!(other["categories"], typed["categories"], "{range}");
    }
    let cat = &typed["categories"][0];
    assert_eq!(cat["path"], json!(["주문·결제", "결제 오류", "카드 결제"]));
    let me: Value = s.get("/api/v1/agent/me", Some(&agent)).await.1;
    let mine = report(
        &s,
        &admin,
        &format!("period=today&agent={}", me["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(mine["totals"]["started"], 3, "A, B and D are agent 1's");
    let row = &r["agents"][0];
    assert_eq!(row["name"], me["name"]);
    assert!(row["online_secs"].as_i64().unwrap() >= 0);

    // a changed handling type moves the chat; the rollup stays equal to a rebuild
    let (st, _) = s
        .put(
            &format!("/api/v1/chats/{a}/info"),
            Some(&admin),
            json!({"customer": {}, "consult": {"category_id": null}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let typed = report(&s, &admin, &format!("period=today&category={top}")).await;
    assert_eq!(typed["totals"]["started"], 0);
    let before = figures(&report(&s, &admin, "period=30d").await);
    rebuild(&s).await;
    let after = figures(&report(&s, &admin, "period=30d").await);
    assert!(
        before == after,
        "the kept rollups differ from the rebuilt ones:\n{before}\n{after}"
    );
}

#[tokio::test]
async fn bad_queries_name_the_parameter() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    for (q, field) in [
        ("period=1y", "period"),
        ("from=2026-02-01&to=2026-01-01", "to"),
        ("from=2023-01-01&to=2026-01-01", "from"),
        ("from=01/02/2026", "from"),
        ("agent=999999", "agent"),
        ("category=abc", "category"),
        ("channel=phone", "channel"),
        ("lang=fr", "lang"),
    ] {
        let (st, v) = s.get(&format!("/api/v1/reports?{q}"), Some(&admin)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {v}");
        assert!(
            v["message"].as_str().unwrap().starts_with(field),
            "{q}: {v}"
        );
    }
    let (st, _) = s.get("/api/v1/reports", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // broken encoding is read as a bad date; a query that cannot be read at all is 400
    // in the API's error shape (every endpoint with a query)
    let (st, v) = s.get("/api/v1/reports?from=%FF", Some(&admin)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (st, v) = s
        .get("/api/v1/chats/1/messages?after=abc", Some(&admin))
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"], "invalid_query", "{v}");
    // a service with no chats: an empty report, every day there
    let r = report(&s, &admin, "period=30d").await;
    assert_eq!(r["totals"]["started"], 0);
    assert_eq!(r["days"].as_array().unwrap().len(), 30);
    assert_eq!(r["time_zone"], "Asia/Seoul");
}

/// Chats ended before the upgrade that brought reports are counted: a service without
/// built rollups is rebuilt in the background when a server starts.
#[tokio::test]
async fn rollups_missing_after_an_upgrade_are_built_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("oc.db");
    let s = TestServer::start_on(&path, true).await;
    let agent = s.online_agent("agent1@demo.test").await;
    for _ in 0..3 {
        let (chat, _) = s.start_chat(json!({"consent": true})).await;
        s.end_chat(&chat, &agent).await;
    }
    let db_url = s.db_url.clone();
    s.stop().await;
    // as the database was before migration 0017 ran: chats, no rollups
    for table in [
        "report_days",
        "report_hours",
        "report_facts",
        "report_builds",
    ] {
        common::exec(&db_url, &format!("DELETE FROM {table}"), &[]).await;
    }
    let s = TestServer::start_on(&path, true).await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let r = report(&s, &admin, "period=today").await;
        if r["totals"]["started"] == 3 {
            assert_eq!(r["totals"]["unhandled"], 3);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never rebuilt: {}",
            r["totals"]
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// How many chats history finds with a report's drill-down filter (the days in the
/// report's offset, as the screen's links carry them).
async fn history_total(s: &TestServer, token: &str, r: &Value, extra: &str) -> i64 {
    let tz = r["utc_offset"].as_str().unwrap().replace('+', "%2B");
    let (st, v) = s
        .get(
            &format!(
                "/api/v1/chats?from={}&to={}&tz={tz}{extra}",
                r["from"].as_str().unwrap(),
                r["to"].as_str().unwrap()
            ),
            Some(token),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{extra}: {v}");
    v["total"].as_i64().unwrap()
}

#[tokio::test]
async fn drill_downs_and_the_workbook_match_the_report() {
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (_, cats) = s.get("/api/v1/categories", Some(&agent)).await;
    let card = find_id(&cats, "카드 결제");
    let top = find_id(&cats, "주문·결제");
    // three chats from the help center (one typed 카드 결제), two from a shop's widget;
    // all answered and ended
    for (i, page) in [
        None,
        None,
        None,
        Some("https://shop.example.com/p/1"),
        Some("https://shop.example.com/p/2"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = json!({"consent": true, "first_message": "문의"});
        if let Some(p) = page {
            body["channel_url"] = json!(p);
        }
        let (chat, _) = s.start_chat(body).await;
        s.post(
            &format!("/api/v1/chats/{chat}/open"),
            Some(&agent),
            json!({}),
        )
        .await;
        let (st, _) = s.send_message(&chat, &agent, &format!("r{i}"), "네").await;
        assert_eq!(st, StatusCode::CREATED);
        if i == 0 {
            let (st, _) = s
                .put(
                    &format!("/api/v1/chats/{chat}/info"),
                    Some(&agent),
                    json!({"customer": {}, "consult": {"category_id": card}}),
                )
                .await;
            assert_eq!(st, StatusCode::OK);
        }
        s.end_chat(&chat, &agent).await;
    }

    // every drill-down finds in history the chats the report counted
    let all = report(&s, &admin, "period=today").await;
    assert_eq!(all["totals"]["started"], 5);
    assert_eq!(history_total(&s, &admin, &all, "").await, 5);
    for (channel, n) in [("widget", 2), ("helpcenter", 3)] {
        let r = report(&s, &admin, &format!("period=today&channel={channel}")).await;
        assert_eq!(r["totals"]["started"], n, "{channel}");
        assert_eq!(
            history_total(&s, &admin, &r, &format!("&channel={channel}")).await,
            n,
            "{channel}"
        );
    }
    let typed = report(&s, &admin, &format!("period=today&category={top}")).await;
    assert_eq!(typed["totals"]["started"], 1);
    let path_ids = typed["categories"][0]["path_ids"].as_array().unwrap();
    assert_eq!(path_ids.len(), 3, "{typed}");
    assert_eq!(path_ids[0], top.as_str());
    assert_eq!(path_ids[2], card.as_str());
    assert_eq!(
        history_total(&s, &admin, &typed, &format!("&category={top}")).await,
        1
    );
    let row = &all["agents"][0];
    let id = row["agent_id"].as_str().unwrap();
    assert_eq!(
        history_total(&s, &admin, &all, &format!("&agent={id}")).await,
        row["figures"]["started"].as_i64().unwrap()
    );
    let (st, v) = s.get("/api/v1/chats?channel=phone", Some(&admin)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // the workbook: a sheet per table, the same numbers, native charts
    let resp = s
        .http
        .get(s.url("/api/v1/reports/export.xlsx?period=today&lang=en"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let bytes = resp.bytes().await.unwrap().to_vec();
    // (zip entries' names are stored uncompressed: the charts are parts of the file)
    let has = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    for part in ["xl/charts/chart1.xml", "xl/charts/chart5.xml"] {
        assert!(has(part), "no {part}");
    }
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "Summary",
            "Chats per day",
            "By agent",
            "Top handling types",
            "Satisfaction scores",
            "Chat starts by weekday × hour"
        ]
    );
    let days = book.worksheet_range("Chats per day").unwrap();
    let num = |d: &Data| match d {
        Data::Float(f) => *f as i64,
        Data::Int(i) => *i,
        other => panic!("not a number: {other:?}"),
    };
    assert_eq!(days.get((0, 1)), Some(&Data::String("Handled".into())));
    assert_eq!(num(days.get((1, 1)).unwrap()), 5, "handled today");
    assert_eq!(num(days.get((1, 4)).unwrap()), 5, "started today");
    assert!(
        matches!(days.get((1, 0)), Some(Data::DateTime(_))),
        "a date"
    );
    let agents = book.worksheet_range("By agent").unwrap();
    assert_eq!(
        agents.get((1, 0)),
        Some(&Data::String(row["name"].as_str().unwrap().into()))
    );
    let types = book.worksheet_range("Top handling types").unwrap();
    let typed_row = (1..types.height())
        .find(|r| types.get((*r, 3)) == Some(&Data::String("카드 결제".into())))
        .expect("카드 결제 in the third level's column");
    assert_eq!(num(types.get((typed_row, 4)).unwrap()), 1);
    let heat = book
        .worksheet_range("Chat starts by weekday × hour")
        .unwrap();
    let starts: i64 = (1..8)
        .flat_map(|r| (1..25).map(move |c| (r, c)))
        .map(|(r, c)| heat.get((r, c)).map_or(0, num))
        .sum();
    assert_eq!(starts, 5);
    // Korean by default
    let resp = s
        .http
        .get(s.url("/api/v1/reports/export.xlsx?period=7d"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let bytes = resp.bytes().await.unwrap().to_vec();
    let book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names()[1], "일별 채팅");
}

/// A small xorshift generator (the seed is printed, and taken from `OC_TEST_SEED` to
/// replay a failure).
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        let seed = std::env::var("OC_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        println!("OC_TEST_SEED={seed}");
        Dice(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 32) % n
    }
}

/// Random chats over the last 75 days (started, moved back in time, then answered or
/// not, ended by either side or left open, rated or not, typed or not, from the help
/// center or a widget): every report — whole months, edge days, narrowed by agent,
/// handling type or channel — equals a scan of the same chats by the history API, and
/// the kept rollups equal a rebuild.
#[tokio::test]
async fn random_chats_equal_a_scan_and_a_rebuild() {
    use common::Arg;
    let mut dice = Dice::new();
    let s = TestServer::demo().await;
    let admin = s.login("admin@demo.test", DEMO_PASSWORD).await;
    s.set_capacity(50).await;
    let agent = s.online_agent("agent1@demo.test").await;
    let (_, cats) = s.get("/api/v1/categories", Some(&agent)).await;
    let cat_ids: Vec<String> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let now = chrono::Utc::now();
    for i in 0..30 {
        let mut body = json!({"consent": true, "first_message": "문의"});
        if dice.below(3) == 0 {
            body["channel_url"] = json!("https://shop.example.com/p");
        }
        let (chat, customer) = s.start_chat(body).await;
        let back = chrono::Duration::hours(dice.below(75 * 24) as i64);
        common::exec(
            &s.db_url,
            "UPDATE chats SET created_at = ? WHERE id = ?",
            &[Arg::Time(now - back), Arg::Int(chat.parse().unwrap())],
        )
        .await;
        if dice.below(2) == 0 {
            let cat = &cat_ids[dice.below(cat_ids.len() as u64) as usize];
            s.put(
                &format!("/api/v1/chats/{chat}/info"),
                Some(&agent),
                json!({"customer": {}, "consult": {"category_id": cat}}),
            )
            .await;
        }
        match dice.below(4) {
            // answered and ended by the agent
            0 | 1 => {
                s.post(
                    &format!("/api/v1/chats/{chat}/open"),
                    Some(&agent),
                    json!({}),
                )
                .await;
                s.send_message(&chat, &agent, &format!("r{i}"), "네").await;
                let (st, v) = s.end_chat(&chat, &agent).await;
                assert_eq!(st, StatusCode::OK, "{v}");
            }
            // ended by the customer before any reply
            2 => {
                let (st, v) = s.end_chat(&chat, &customer).await;
                assert_eq!(st, StatusCode::OK, "{v}");
            }
            // left open
            _ => continue,
        }
        if dice.below(2) == 0 {
            s.post(
                &format!("/api/v1/chats/{chat}/rating"),
                Some(&customer),
                json!({"score": 1 + dice.below(5)}),
            )
            .await;
        }
    }

    let ended = common::count_rows(
        &s.db_url,
        "SELECT COUNT(*) FROM chats WHERE status = 'ended'",
    )
    .await;
    println!("{ended} of 30 chats ended");
    let r = report(&s, &admin, "period=30d").await;
    let today = chrono::NaiveDate::parse_from_str(r["to"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let me = r["agents"][0]["agent_id"].as_str().map(str::to_owned);
    let mut filters = vec![
        String::new(),
        "&channel=widget".to_owned(),
        "&channel=helpcenter".to_owned(),
    ];
    if let Some(me) = &me {
        filters.push(format!("&agent={me}"));
    }
    for _ in 0..3 {
        filters.push(format!(
            "&category={}",
            cat_ids[dice.below(cat_ids.len() as u64) as usize]
        ));
    }
    for _ in 0..6 {
        let a = today - chrono::Duration::days(dice.below(80) as i64);
        let b = a + chrono::Duration::days(dice.below(80) as i64);
        let range = format!("from={a}&to={}", b.min(today));
        let extra = &filters[dice.below(filters.len() as u64) as usize];
        let r = report(&s, &admin, &format!("{range}{extra}")).await;
        let t = &r["totals"];
        let started = t["started"].as_i64().unwrap();
        assert_eq!(
            started,
            history_total(&s, &admin, &r, extra).await,
            "{range}{extra}: started"
        );
        assert_eq!(
            t["handled"].as_i64().unwrap(),
            history_total(&s, &admin, &r, &format!("{extra}&status=handled")).await,
            "{range}{extra}: handled"
        );
        assert_eq!(
            t["unhandled"].as_i64().unwrap() + t["open"].as_i64().unwrap(),
            history_total(&s, &admin, &r, &format!("{extra}&status=unhandled")).await,
            "{range}{extra}: unhandled and still open (history's 미처리)"
        );
        let by_day: i64 = r["days"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["figures"]["started"].as_i64().unwrap())
            .sum();
        assert_eq!(by_day, started, "{range}{extra}: days");
        assert_eq!(heat_sum(&r), started, "{range}{extra}: heatmap");
        let by_type: i64 = r["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["started"].as_i64().unwrap())
            .sum();
        assert_eq!(by_type, started, "{range}{extra}: types");
    }
    let range = format!("from={}&to={today}", today - chrono::Duration::days(90));
    let before = figures(&report(&s, &admin, &range).await);
    rebuild(&s).await;
    let after = figures(&report(&s, &admin, &range).await);
    assert!(before == after, "kept ≠ rebuilt:\n{before}\n{after}");
}

//! The demo service of API.md (`serve --demo`): created when missing, never changed when
//! present, so a second start is a no-op.

use crate::db::Ex;
use crate::store;
use chrono::Utc;
use shared::Role;

use crate::Engine;
use crate::accounts::{self, NewAgent};
use crate::error::Result;

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo-password";

const GREETINGS: &str = r#"{"ko":"안녕하세요, 데모 쇼핑 고객센터입니다. 무엇을 도와드릴까요?","en":"Hello, this is Demo Shop support. How can we help you today?"}"#;
const SATISFACTION: &str = r#"{"ko":"상담은 만족스러우셨나요? 아래에서 상담을 평가해 주세요.","en":"How did we do? Please rate this chat below."}"#;

/// The demo's handling-type tree: (level-1, [(level-2, [level-3…])]).
const CATEGORIES: &[(&str, &[(&str, &[&str])])] = &[
    (
        "주문·결제",
        &[
            ("결제 오류", &["카드 결제", "계좌 이체"]),
            ("주문 변경", &[]),
        ],
    ),
    ("배송", &[("배송 조회", &[]), ("배송 지연", &[])]),
    (
        "취소·환불",
        &[("환불 문의", &["부분 환불"]), ("주문 취소", &[])],
    ),
    ("기타", &[]),
];

/// What the seed did, for the start-up log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoOutcome {
    pub service_created: bool,
    pub accounts_created: usize,
}

impl Engine {
    /// Makes sure the demo service and its accounts exist; changes nothing that exists.
    pub async fn seed_demo(&self) -> Result<DemoOutcome> {
        let mut out = DemoOutcome::default();
        let hash = crate::password::hash(DEMO_PASSWORD.to_owned()).await?;
        let mut tx = self.db.begin().await?;
        let existing = store::services::id_of(tx.ex(), DEMO_SLUG).await?;
        let service_id = match existing {
            Some(id) => id,
            None => {
                let id = store::services::insert(tx.ex(), DEMO_SLUG, "데모 쇼핑").await?;
                store::services::turn_everything_on(tx.ex(), id, GREETINGS, SATISFACTION).await?;
                insert_categories(tx.ex(), id).await?;
                out.service_created = true;
                id
            }
        };
        let accounts = [
            ("관리자", "admin@demo.test", Role::Admin),
            ("김상담", "agent1@demo.test", Role::Agent),
            ("이상담", "agent2@demo.test", Role::Agent),
        ];
        for (name, email, role) in accounts {
            if !accounts::email_exists(tx.ex(), email).await? {
                let new = NewAgent {
                    name: name.into(),
                    email: email.into(),
                    role,
                    chat_permission: true,
                };
                accounts::insert(tx.ex(), service_id, &new, &hash).await?;
                out.accounts_created += 1;
            }
        }
        tx.commit().await?;
        Ok(out)
    }
}

async fn insert_categories(mut conn: Ex<'_>, service: shared::ServiceId) -> Result<()> {
    async fn add(
        conn: Ex<'_>,
        service: shared::ServiceId,
        parent: Option<i64>,
        name: &str,
        position: usize,
    ) -> Result<i64> {
        let parent = parent.map(shared::CategoryId);
        let id =
            store::categories::insert(conn, service.0, parent, name, position as i64, Utc::now())
                .await?;
        Ok(id.0)
    }
    for (i, (l1, children)) in CATEGORIES.iter().enumerate() {
        let p1 = add(conn.ex(), service, None, l1, i).await?;
        for (j, (l2, leaves)) in children.iter().enumerate() {
            let p2 = add(conn.ex(), service, Some(p1), l2, j).await?;
            for (k, l3) in leaves.iter().enumerate() {
                add(conn.ex(), service, Some(p2), l3, k).await?;
            }
        }
    }
    Ok(())
}

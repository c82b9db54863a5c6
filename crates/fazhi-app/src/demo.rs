//! The deterministic demo: a fictional province → city → two districts, each
//! district with its health bureau (卫生健康局) and supervision institute
//! (卫生监督所), and an account for every role. Later capabilities add data.

use crate::accounts::{self, CreateAgency, CreateUser};
use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::role::Role;
use fazhi_store::agencies;

/// The one password of every demo account (printed by `fazhi demo`).
pub const DEMO_PASSWORD: &str = "fazhi-demo-2026";

pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub agency: &'static str,
}

/// Agencies: (name, kind, region code, parent name).
const AGENCIES: &[(&str, &str, &str, Option<&str>)] = &[
    ("示范省卫生健康委员会", "health_commission", "990000", None),
    (
        "示范市卫生健康委员会",
        "health_commission",
        "990100",
        Some("示范省卫生健康委员会"),
    ),
    (
        "示范市东湖区卫生健康局",
        "health_commission",
        "990102",
        Some("示范市卫生健康委员会"),
    ),
    (
        "示范市东湖区卫生监督所",
        "supervision_institute",
        "990102",
        Some("示范市东湖区卫生健康局"),
    ),
    (
        "示范市西山区卫生健康局",
        "health_commission",
        "990103",
        Some("示范市卫生健康委员会"),
    ),
    (
        "示范市西山区卫生监督所",
        "supervision_institute",
        "990103",
        Some("示范市西山区卫生健康局"),
    ),
];

pub const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        display_name: "系统管理员",
        role: Role::SystemAdmin,
        agency: "示范省卫生健康委员会",
    },
    DemoAccount {
        username: "city.head",
        display_name: "钱市长",
        role: Role::AgencyHead,
        agency: "示范市卫生健康委员会",
    },
    DemoAccount {
        username: "dh.admin",
        display_name: "东湖管理员",
        role: Role::SystemAdmin,
        agency: "示范市东湖区卫生健康局",
    },
    DemoAccount {
        username: "dh.head",
        display_name: "赵局长",
        role: Role::AgencyHead,
        agency: "示范市东湖区卫生健康局",
    },
    DemoAccount {
        username: "dh.section",
        display_name: "孙科长",
        role: Role::SectionHead,
        agency: "示范市东湖区卫生监督所",
    },
    DemoAccount {
        username: "dh.officer1",
        display_name: "李执法",
        role: Role::Officer,
        agency: "示范市东湖区卫生监督所",
    },
    DemoAccount {
        username: "dh.officer2",
        display_name: "周执法",
        role: Role::Officer,
        agency: "示范市东湖区卫生监督所",
    },
    DemoAccount {
        username: "dh.reviewer",
        display_name: "吴审核",
        role: Role::LegalReviewer,
        agency: "示范市东湖区卫生健康局",
    },
    DemoAccount {
        username: "dh.adviser",
        display_name: "郑律师",
        role: Role::LegalAdviser,
        agency: "示范市东湖区卫生健康局",
    },
    DemoAccount {
        username: "dh.readonly",
        display_name: "王观察",
        role: Role::ReadOnly,
        agency: "示范市东湖区卫生健康局",
    },
    DemoAccount {
        username: "xs.admin",
        display_name: "西山管理员",
        role: Role::SystemAdmin,
        agency: "示范市西山区卫生健康局",
    },
    DemoAccount {
        username: "xs.officer1",
        display_name: "陈执法",
        role: Role::Officer,
        agency: "示范市西山区卫生监督所",
    },
];

/// Seed the demo unless the database already has agencies. Returns whether it seeded.
pub async fn seed(app: &App) -> Result<bool, AppError> {
    if agencies::count(&app.db).await? > 0 {
        return Ok(false);
    }
    let mut ids: Vec<(&str, i64)> = Vec::new();
    for (name, kind, region, parent) in AGENCIES {
        let parent_id = match parent {
            Some(p) => Some(
                ids.iter()
                    .find(|(n, _)| n == p)
                    .map(|(_, id)| *id)
                    .ok_or_else(|| AppError::Internal(format!("demo parent {p} missing")))?,
            ),
            None => None,
        };
        let input = CreateAgency {
            parent_id,
            name: (*name).to_owned(),
            kind: (*kind).to_owned(),
            region_code: (*region).to_owned(),
        };
        let created = accounts::create_agency(app, None, &input).await?;
        ids.push((name, created.id));
    }
    for account in ACCOUNTS {
        let agency_id = ids
            .iter()
            .find(|(n, _)| *n == account.agency)
            .map(|(_, id)| *id)
            .ok_or_else(|| AppError::Internal(format!("demo agency {} missing", account.agency)))?;
        let input = CreateUser {
            username: account.username.to_owned(),
            display_name: account.display_name.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role: account.role.code().to_owned(),
            agency_id,
        };
        accounts::create_user(app, None, &input).await?;
    }
    let mut tx = app.db.begin().await?;
    let root = ids.first().map(|(_, id)| *id);
    app.log(
        &mut tx,
        None,
        root,
        EventKind::DemoSeeded,
        "demo:foundation".to_owned(),
        serde_json::json!({ "agencies": AGENCIES.len(), "accounts": ACCOUNTS.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

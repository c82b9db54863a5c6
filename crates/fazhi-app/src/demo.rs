//! The deterministic demo: a fictional province → city → two districts, each
//! district with its health bureau (卫生健康局) and supervision institute
//! (卫生监督所), and an account for every role. Later capabilities add data.

use crate::accounts::{self, CreateAgency, CreateUser};
use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::authz::Actor;
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

/// Seed the whole demo (agencies, accounts, registries) unless the database
/// already has agencies. Returns whether it seeded.
pub async fn seed(app: &App) -> Result<bool, AppError> {
    seed_at_scale(app, Scale::District, &|_, _| {}).await
}

/// How much registry data the demo loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Two districts: ~2,000 entities and 60 officers (fast; the default).
    District,
    /// A province's volume: 500,000 entities and 10,000 officers, loaded
    /// through the same validated import as real files.
    Province,
}

impl Scale {
    /// (entities, officers) per district of the demo tree (two districts).
    fn per_district(self) -> [(usize, usize); 2] {
        match self {
            Scale::District => [(1200, 40), (800, 20)],
            Scale::Province => [(250_000, 5_000), (250_000, 5_000)],
        }
    }
}

/// Seed accounts and registries at `scale` if the database is empty.
/// `progress(step, of)` counts the imports done.
pub async fn seed_at_scale(
    app: &App,
    scale: Scale,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<bool, AppError> {
    if !seed_accounts(app).await? {
        return Ok(false);
    }
    seed_registries_at(app, scale, progress).await?;
    Ok(true)
}

/// Only the agency tree and the accounts (fast; what most tests need).
pub async fn seed_accounts(app: &App) -> Result<bool, AppError> {
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
        let user = accounts::create_user(app, None, &input).await?;
        if account.role == Role::LegalReviewer {
            // 第五十八条第二款: the demo reviewer holds the qualification (a demo number).
            accounts::set_legal_qualification(app, None, user.id, "A20199900001", false).await?;
        }
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

/// A small deterministic generator (LCG, Knuth's MMIX constants): demo data
/// must be the same on every machine, and the domain crate's rules forbid
/// ambient randomness anyway.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let n = u64::try_from(items.len()).unwrap_or(1).max(1);
        items[usize::try_from(self.next() % n).unwrap_or(0)]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "金桥", "锦绣", "华康", "仁和", "博爱", "康宁", "明德", "惠民", "安泰", "福瑞", "新桥", "东升",
    "春晖", "百川", "嘉禾", "长青", "瑞丰", "永安", "恒信", "同济", "清源", "德馨", "和美", "益民",
    "正阳", "瑞华", "天成", "世纪", "蓝天", "阳光",
];

/// (domain, kinds of establishment) for generated entity names.
const KINDS: &[(&str, &[&str])] = &[
    (
        "医疗卫生",
        &["诊所", "口腔门诊部", "中医诊所", "社区卫生服务站", "医院"],
    ),
    (
        "公共场所卫生",
        &["宾馆", "游泳馆", "美容美发店", "足浴店", "健身中心", "酒店"],
    ),
    ("生活饮用水卫生", &["供水站", "二次供水管理处", "水厂"]),
    ("学校卫生", &["小学", "中学", "幼儿园", "职业学校"]),
    (
        "职业卫生",
        &["机械有限公司", "化工有限公司", "家具厂", "印刷有限公司"],
    ),
    ("放射卫生", &["影像诊断中心", "口腔医院", "体检中心"]),
    ("消毒产品", &["消毒用品有限公司", "卫生用品厂"]),
    ("传染病防治", &["医学检验所", "门诊部"]),
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "霞", "平",
    "刚", "桂英", "建华", "晓东",
];

/// Entities CSV (import layout) for one district.
pub fn demo_entities_csv(district: &str, region_code: &str, rows: usize, seed: u64) -> String {
    let mut rng = Lcg(seed);
    let mut out = String::from(
        "统一社会信用代码,单位名称,法定代表人,地址,行政区划代码,专业,风险等级,信用等级,经营状态,许可证号,许可项目,许可有效期至\n",
    );
    for i in 0..rows {
        let (domain, kinds) = KINDS[i % KINDS.len()];
        let name = format!(
            "示范市{district}{}{}{}",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(kinds)
        );
        // GB 32100: 9 (工商) 1 (企业), region, 9-character organisation code, check character.
        let prefix = format!(
            "91{region_code}MA{:07}",
            seed % 97 * 100_000 + u64::try_from(i).unwrap_or(0)
        );
        let check = fazhi_domain::ident::Uscc::check_character(&prefix).unwrap_or('0');
        let person = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
        let road = rng.pick(WORDS);
        let number = rng.below(300) + 1;
        let risk = ["低", "中", "中", "高"][usize::try_from(rng.below(4)).unwrap_or(0)];
        let credit =
            ["A", "A", "B", "B", "B", "C", "D"][usize::try_from(rng.below(7)).unwrap_or(0)];
        let status = if rng.below(40) == 0 {
            "停业"
        } else {
            "在营"
        };
        let (permit_no, permit_item, permit_to) = match domain {
            "公共场所卫生" => (
                format!("{district}卫公字〔{}〕第{:04}号", 2022 + rng.below(4), i),
                "公共场所卫生许可",
                format!("{}-12-31", 2026 + rng.below(4)),
            ),
            "医疗卫生" | "放射卫生" => (
                format!("PDY{:08}", i),
                "医疗机构执业许可",
                format!("{}-06-30", 2026 + rng.below(5)),
            ),
            _ => (String::new(), "", String::new()),
        };
        out.push_str(&format!(
            "{prefix}{check},{name},{person},示范市{district}{road}路{number}号,{region_code},{domain},{risk},{credit},{status},{permit_no},{permit_item},{permit_to}\n"
        ));
    }
    out
}

/// Officers CSV for one supervision body: most credentials valid, a few
/// expiring within 30 days of `today`, a few expired, a few with last year's
/// annual review missing.
pub fn demo_officers_csv(
    prefix: &str,
    area: &str,
    rows: usize,
    today: jiff::civil::Date,
    seed: u64,
) -> String {
    let mut rng = Lcg(seed);
    let domains = [
        "医疗卫生；传染病防治",
        "公共场所卫生；生活饮用水卫生",
        "学校卫生；传染病防治",
        "职业卫生；放射卫生",
        "消毒产品；公共场所卫生",
    ];
    let mut out = String::from(
        "工号,姓名,岗位,执法领域,执法证号,发证机关,执法区域,有效期起,有效期止,年审年度,培训学时\n",
    );
    for i in 0..rows {
        let name = format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN));
        let post = rng.pick(&["监督员", "科员", "副科长", "科长"]);
        let domain = domains[i % domains.len()];
        let shift = |days: i64| {
            today
                .checked_add(jiff::Span::new().days(days))
                .unwrap_or(today)
        };
        let (from, to, review) = match i % 20 {
            0 => (shift(-1080), shift(12), today.year() - 1), // expiring
            1 => (shift(-1200), shift(-20), today.year() - 1), // expired
            2 => (shift(-700), shift(400), today.year() - 2), // review overdue
            _ => (
                // Issued long enough ago to cover the demo's two years of cases.
                shift(-800 - i64::try_from(rng.below(600)).unwrap_or(0)),
                shift(300 + i64::try_from(rng.below(900)).unwrap_or(0)),
                today.year() - 1,
            ),
        };
        let hours = 20 + rng.below(60);
        out.push_str(&format!(
            "{prefix}-{:04},{name},{post},{domain},99{:010},示范省人民政府,{area},{from},{to},{review},{hours}\n",
            i + 1,
            seed * 1000 + u64::try_from(i).unwrap_or(0)
        ));
    }
    out
}

/// The registries of the demo: ~2,000 entities and 60 officers across the two
/// districts, and the 东湖 bureau's power list.
pub async fn seed_registries(app: &App) -> Result<(), AppError> {
    seed_registries_at(app, Scale::District, &|_, _| {}).await
}

fn demo_import_failed(e: crate::registry::ImportFailure) -> AppError {
    match e {
        crate::registry::ImportFailure::Rejected(rows) => {
            AppError::Internal(format!("demo data rejected: {rows:?}"))
        }
        crate::registry::ImportFailure::App(e) => e,
    }
}

async fn seed_registries_at(
    app: &App,
    scale: Scale,
    steps: &(dyn Fn(usize, usize) + Sync),
) -> Result<(), AppError> {
    const STEPS: usize = 9;
    let today = crate::registry::today_cst(app);
    let quiet = |_: usize, _: usize| {};
    let [(dh_entities, dh_officers), (xs_entities, xs_officers)] = scale.per_district();
    let bureau_admin = fazhi_store::users::credentials_by_username(&app.db, "dh.admin")
        .await?
        .ok_or_else(|| AppError::Internal("demo user dh.admin missing".into()))?
        .user;
    let mut done = 0;
    for (kind, csv) in [
        (crate::registry::ImportKind::Powers, DEMO_POWERS_CSV),
        (crate::registry::ImportKind::Discretion, DEMO_DISCRETION_CSV),
        (crate::registry::ImportKind::NoPenalty, DEMO_NO_PENALTY_CSV),
        (
            crate::registry::ImportKind::SpotChecks,
            DEMO_SPOT_CHECKS_CSV,
        ),
    ] {
        crate::registry::import(
            app,
            &crate::auth::actor_of(&bureau_admin),
            kind,
            "demo.csv",
            csv.as_bytes(),
            &quiet,
        )
        .await
        .map_err(|e| match e {
            crate::registry::ImportFailure::Rejected(rows) => {
                AppError::Internal(format!("demo data rejected: {rows:?}"))
            }
            crate::registry::ImportFailure::App(e) => e,
        })?;
        done += 1;
        steps(done, STEPS);
    }
    let plan = [
        (
            "dh.section",
            "东湖区",
            "990102",
            dh_entities,
            dh_officers,
            "DH",
            11u64,
        ),
        (
            "xs.admin",
            "西山区",
            "990103",
            xs_entities,
            xs_officers,
            "XS",
            23,
        ),
    ];
    let mut first_dh_uscc = String::new();
    for (username, district, region, entities, officers, prefix, seed) in plan {
        let user = fazhi_store::users::credentials_by_username(&app.db, username)
            .await?
            .ok_or_else(|| AppError::Internal(format!("demo user {username} missing")))?
            .user;
        let actor = crate::auth::actor_of(&user);
        let entities_csv = demo_entities_csv(district, region, entities, seed);
        if prefix == "DH" {
            first_dh_uscc = entities_csv
                .lines()
                .nth(1)
                .and_then(|l| l.split(',').next())
                .unwrap_or_default()
                .to_owned();
        }
        for (kind, csv) in [
            (crate::registry::ImportKind::Entities, entities_csv),
            (
                crate::registry::ImportKind::Officers,
                demo_officers_csv(prefix, &format!("示范市{district}"), officers, today, seed),
            ),
        ] {
            crate::registry::import(app, &actor, kind, "demo.csv", csv.as_bytes(), &quiet)
                .await
                .map_err(demo_import_failed)?;
            done += 1;
            steps(done, STEPS);
        }
    }
    // Recusals of the 东湖 supervision body: one organisation, one person.
    let section = fazhi_store::users::credentials_by_username(&app.db, "dh.section")
        .await?
        .ok_or_else(|| AppError::Internal("demo user dh.section missing".into()))?
        .user;
    let recusals = format!(
        "工号,统一社会信用代码,自然人姓名,回避理由\nDH-0004,{first_dh_uscc},,配偶在该单位任职\nDH-0005,,王某某,近亲属（案件当事人之兄）\n"
    );
    crate::registry::import(
        app,
        &crate::auth::actor_of(&section),
        crate::registry::ImportKind::Recusals,
        "demo.csv",
        recusals.as_bytes(),
        &quiet,
    )
    .await
    .map_err(demo_import_failed)?;
    crate::demo_cases::link_officers(app).await?;
    crate::demo_cases::seed_cases(app, DEMO_CASES).await?;
    crate::demo_cases::seed_draws(app).await?;
    crate::demo_cases::seed_inspections(app).await?;
    seed_requests(app, DEMO_REQUESTS).await?;
    steps(STEPS, STEPS);
    Ok(())
}

/// Complaints, reports and disclosure requests the demo files over its two years.
pub const DEMO_REQUESTS: usize = 42;

/// `count` requests over the two years before today, filed and handled through
/// the real use cases, each step at its own date: most concluded (some late,
/// some declined, some corrected, consulted or extended), the recent ones open.
pub async fn seed_requests(app: &App, count: usize) -> Result<usize, AppError> {
    use crate::demo_cases::{actor, on, plus};
    use crate::requests::{StepInput, SubmitInput, file, get, step};
    use fazhi_domain::request::{Answer, Kind};
    let today = crate::registry::today_cst(app);
    let officer = actor(app, "dh.officer1").await?;
    let section = actor(app, "dh.section").await?;
    let head = actor(app, "dh.head").await?;
    let xs = actor(app, "xs.officer1").await?;
    let subjects = [
        ("美容店使用未经消毒的工具", "示范市东湖区某美容店"),
        ("游泳馆池水浑浊有异味", "示范市东湖区某游泳馆"),
        ("诊所无证行医", "示范市东湖区某诊所"),
        ("宾馆床上用品未更换", "示范市东湖区某宾馆"),
        ("二次供水水箱未清洗", "示范市东湖区某小区物业"),
    ];
    let infos = [
        "2024年度公共场所卫生监督抽查结果",
        "某医疗机构的执业登记信息",
        "辖区生活饮用水水质监测报告",
        "本局2024年行政处罚案件数量统计",
    ];
    let mut filed = 0;
    for i in 0..count {
        let received = plus(today, -700 + (i as i64) * 700 / count.max(1) as i64);
        let kind = [Kind::Complaint, Kind::Report, Kind::Disclosure][i % 3];
        // Every seventh complaint goes to 西山 so scopes differ.
        let staff = if kind != Kind::Disclosure && i % 7 == 3 {
            &xs
        } else if kind == Kind::Disclosure {
            &head
        } else {
            &officer
        };
        let (subject, content, concerning) = if kind == Kind::Disclosure {
            let info = infos[i % infos.len()];
            (
                format!("申请公开{info}"),
                format!("请提供{info}（电子版）。"),
                String::new(),
            )
        } else {
            let (s, c) = subjects[i % subjects.len()];
            (s.to_owned(), format!("{s}，请依法查处。"), c.to_owned())
        };
        let anonymous = kind == Kind::Report && i % 2 == 0;
        let input = SubmitInput {
            kind: kind.code().to_owned(),
            agency_id: staff.agency_id.to_string(),
            subject,
            content,
            concerning,
            name: if anonymous {
                String::new()
            } else {
                format!("{}某", ["张", "王", "李", "刘", "陈"][i % 5])
            },
            phone: if anonymous {
                String::new()
            } else {
                format!("1380013{:04}", i)
            },
            ..Default::default()
        };
        let id = file(&on(app, received), &input).await?.id;
        filed += 1;
        let act = |who: &Actor, days: i64, fields: StepInput| {
            let at = on(app, plus(received, days));
            let who = who.clone();
            async move {
                if plus(received, days) > today {
                    return Ok::<bool, AppError>(false);
                }
                let version = get(&at, &who, id).await?.version;
                let input = StepInput {
                    version: version.to_string(),
                    ..fields
                };
                match step(&at, &who, id, &input).await {
                    Ok(()) => Ok(true),
                    // A step the law refuses on that date (e.g. a period that
                    // runs into a year without a holiday schedule yet) is left
                    // out: the demo shows what the rules allow.
                    Err(AppError::Refused { .. }) => Ok(false),
                    Err(e) => Err(e),
                }
            }
        };
        let cmd = |c: &str, text: &str| StepInput {
            command: c.to_owned(),
            text: text.to_owned(),
            ..Default::default()
        };
        let concluded = if kind == Kind::Disclosure {
            act(
                staff,
                1,
                StepInput {
                    user_id: staff.user_id.to_string(),
                    ..cmd("assign", "")
                },
            )
            .await?;
            if i % 4 == 2 {
                act(
                    staff,
                    2,
                    StepInput {
                        days: "15".into(),
                        ..cmd("request_correction", "请明确所需信息的时间范围")
                    },
                )
                .await?;
                act(staff, 6, cmd("corrected", "")).await?;
            }
            if i % 5 == 2 {
                act(staff, 8, cmd("start_consultation", "第三方企业")).await?;
                act(staff, 16, cmd("end_consultation", "")).await?;
            }
            let late = i % 9 == 5;
            if late {
                act(
                    &head,
                    20,
                    StepInput {
                        days: "15".into(),
                        ..cmd("extend", "需调取历年档案")
                    },
                )
                .await?;
            }
            let answer = Answer::STATUTORY[i % Answer::STATUTORY.len()];
            act(
                staff,
                if late {
                    40
                } else if i % 11 == 8 {
                    // Answered after the 20 working days: the statistics show it late.
                    35
                } else {
                    18
                },
                StepInput {
                    answer: answer.code().to_owned(),
                    ..cmd("reply", "答复见附件。")
                },
            )
            .await?
        } else if i % 8 == 4 {
            act(
                staff,
                5,
                cmd("not_accept", "不属于卫生健康部门职责，已告知向有关部门反映"),
            )
            .await?
        } else {
            let accepted = act(staff, 3, cmd("accept", "")).await?;
            let outcome = [
                "substantiated",
                "partly_substantiated",
                "unsubstantiated",
                "referred",
            ][i % 4];
            // Every fifth one takes longer than the 60 days.
            let days = if i % 5 == 1 { 75 } else { 20 + (i as i64 % 30) };
            // Half of those got the head's 30 more days in time; the rest are late.
            // The agency's head approves the extension (本机关负责人).
            if accepted && i % 10 == 1 && staff.agency_id == section.agency_id {
                act(
                    &head,
                    50,
                    StepInput {
                        days: "30".into(),
                        ..cmd("extend", "情况复杂，需联合调查")
                    },
                )
                .await?;
            }
            accepted
                && act(
                    staff,
                    days,
                    StepInput {
                        outcome: outcome.to_owned(),
                        ..cmd("conclude", "经现场核查，已依法处理。")
                    },
                )
                .await?
        };
        if concluded && i % 4 != 3 {
            let status = crate::requests::get(app, staff, id).await?;
            if let Some(c) = &status.request.conclusion {
                let at = on(app, plus(c.on, 2).min(today));
                let s = fazhi_store::requests::get(&at.db, id)
                    .await?
                    .ok_or_else(|| AppError::Internal("demo request vanished".into()))?;
                let level = [
                    "satisfied",
                    "satisfied",
                    "basically",
                    "dissatisfied",
                    "satisfied",
                ][i % 5];
                crate::requests::demo_feedback(&at, &s, level).await?;
            }
        }
    }
    Ok(filed)
}

/// Penalty cases the demo makes over its two years.
pub const DEMO_CASES: usize = 120;

/// A realistic part of a district health bureau's power list, with real legal bases.
pub const DEMO_POWERS_CSV: &str = "事项编码,权力类型,事项名称,实施依据,承办机构,调整类型,调整理由,文号
XK-001,行政许可,医疗机构执业登记,《医疗机构管理条例》第十五条,示范市东湖区卫生健康局,新增,权责清单编制,示东卫发〔2024〕3号
XK-002,行政许可,公共场所卫生许可,《公共场所卫生管理条例》第八条,示范市东湖区卫生健康局,新增,权责清单编制,示东卫发〔2024〕3号
XK-003,行政许可,饮用水供水单位卫生许可,《中华人民共和国传染病防治法》第二十九条,示范市东湖区卫生健康局,新增,权责清单编制,示东卫发〔2024〕3号
XK-004,行政许可,放射诊疗许可,《放射诊疗管理规定》第四条,示范市东湖区卫生健康局,新增,权责清单编制,示东卫发〔2024〕3号
XK-005,行政许可,母婴保健技术服务执业许可,《中华人民共和国母婴保健法》第三十二条,示范市东湖区卫生健康局,新增,权责清单编制,示东卫发〔2024〕3号
CF-001,行政处罚,对未取得《医疗机构执业许可证》擅自执业的处罚,《医疗机构管理条例》第四十三条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
CF-002,行政处罚,对使用非卫生技术人员从事医疗卫生技术工作的处罚,《医疗机构管理条例》第四十七条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
CF-003,行政处罚,对公共场所经营者未取得卫生许可证擅自营业的处罚,《公共场所卫生管理条例》第十四条；《公共场所卫生管理条例实施细则》第三十五条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
CF-004,行政处罚,对公共场所从业人员未取得有效健康合格证明从事服务工作的处罚,《公共场所卫生管理条例实施细则》第三十八条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
CF-005,行政处罚,对供水单位供应的饮用水不符合国家卫生标准的处罚,《中华人民共和国传染病防治法》第七十三条；《生活饮用水卫生监督管理办法》第二十六条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
CF-006,行政处罚,对用人单位未按规定组织职业健康检查的处罚,《中华人民共和国职业病防治法》第七十一条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
CF-007,行政处罚,对医疗机构未按规定报告传染病疫情的处罚,《中华人民共和国传染病防治法》第六十九条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
CF-008,行政处罚,对消毒产品生产经营单位生产经营不符合规定的消毒产品的处罚,《消毒管理办法》第四十七条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
JC-001,行政检查,对医疗机构执业活动的监督检查,《医疗机构管理条例》第四十条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
JC-002,行政检查,对公共场所卫生的监督检查,《公共场所卫生管理条例》第十条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
QZ-001,行政强制,对被传染病病原体污染的公共饮用水源等的控制措施,《中华人民共和国传染病防治法》第五十五条,示范市东湖区卫生监督所,新增,权责清单编制,示东卫发〔2024〕3号
QR-001,行政确认,医师执业注册,《中华人民共和国医师法》第十三条,示范市东湖区卫生健康局,新增,权责清单编制,示东卫发〔2024〕3号
";

/// Demo discretion bands for common penalty powers (example values, not an official benchmark).
pub const DEMO_DISCRETION_CSV: &str = "事项编码,情节,罚款下限（元）,罚款上限（元）,其他处罚,情节描述,依据
CF-003,轻微,0,0,警告,首次发现、营业时间短、及时改正且未造成危害后果（示例）,《公共场所卫生管理条例实施细则》第三十五条
CF-003,一般,500,2000,警告,未取得卫生许可证擅自营业（示例）,《公共场所卫生管理条例实施细则》第三十五条
CF-003,较重,2000,5000,警告,擅自营业超过三个月或者经责令改正后仍未改正（示例）,《公共场所卫生管理条例实施细则》第三十五条
CF-003,严重,5000,30000,,擅自营业曾受过卫生计生行政部门处罚或者造成危害后果（示例）,《公共场所卫生管理条例实施细则》第三十五条
CF-004,一般,500,2000,警告,安排未获得有效健康合格证明的从业人员1至2名（示例）,《公共场所卫生管理条例实施细则》第三十八条
CF-004,较重,2000,5000,警告,安排未获得有效健康合格证明的从业人员3名以上（示例）,《公共场所卫生管理条例实施细则》第三十八条
CF-006,一般,50000,100000,警告,未按规定组织职业健康检查，涉及劳动者10人以下（示例）,《中华人民共和国职业病防治法》第七十一条
CF-006,较重,100000,150000,警告,涉及劳动者10人以上30人以下（示例）,《中华人民共和国职业病防治法》第七十一条
CF-006,严重,150000,200000,责令停止产生职业病危害的作业,涉及劳动者30人以上或者造成严重后果（示例）,《中华人民共和国职业病防治法》第七十一条
";

/// Demo 不予处罚清单 items (examples modelled on published provincial lists).
pub const DEMO_NO_PENALTY_CSV: &str = "权力编码,清单类型,违法行为,适用条件,依据,生效日期
CF-004,首违不罚,公共场所从业人员未取得有效健康合格证明从事服务工作,首次被发现；涉及从业人员1名；责令改正后及时改正；未造成危害后果（示例）,《中华人民共和国行政处罚法》第三十三条第一款,2024-01-01
CF-003,轻微不罚,公共场所经营者卫生许可证过期未及时延续,过期不超过30日；已申请延续；未造成危害后果（示例）,《中华人民共和国行政处罚法》第三十三条第一款,2024-01-01
CF-007,无过错不罚,医疗机构未按规定报告传染病疫情,当事人有证据足以证明没有主观过错（示例）,《中华人民共和国行政处罚法》第三十三条第二款,2024-01-01
";

/// Demo 随机抽查事项清单 items.
pub const DEMO_SPOT_CHECKS_CSV: &str = "事项编码,抽查事项,专业,检查依据,检查对象,检查内容,检查方式
SC-YL-01,医疗机构依法执业情况抽查,医疗卫生,《医疗机构管理条例》第四十条,医疗机构,执业许可、人员资质、诊疗科目、医疗文书,现场检查、查阅资料
SC-GG-01,公共场所卫生监督抽查,公共场所卫生,《公共场所卫生管理条例》第十条,住宿、游泳、沐浴、美容美发场所,卫生许可证、从业人员健康证明、卫生检测,现场检查、采样检测
SC-YS-01,生活饮用水卫生监督抽查,生活饮用水卫生,《生活饮用水卫生监督管理办法》第十六条,集中式供水单位、二次供水单位,卫生许可、水质检测、从业人员健康,现场检查、采样检测
SC-XX-01,学校卫生监督抽查,学校卫生,《学校卫生工作条例》第二十八条,中小学校,教学环境、传染病防控、饮用水,现场检查、查阅资料
SC-ZY-01,职业卫生监督抽查,职业卫生,《中华人民共和国职业病防治法》第六十二条,存在职业病危害的用人单位,职业病危害项目申报、职业健康检查,现场检查、查阅资料
SC-FS-01,放射卫生监督抽查,放射卫生,《放射诊疗管理规定》第三十五条,放射诊疗机构,放射诊疗许可、个人剂量监测、防护设施,现场检查、检测
";

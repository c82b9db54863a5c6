//! Registry lists, exports and the officers' certified rate.

use super::*;

/// Rows per page on registry lists.
pub const REGISTRY_PAGE_ROWS: i64 = 50;

pub async fn list_entities(
    app: &App,
    actor: &Actor,
    search: &str,
    domain: Option<SupervisionDomain>,
    page: i64,
) -> Result<(Vec<registry::EntityListed>, i64), AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let offset = (page.max(1) - 1) * REGISTRY_PAGE_ROWS;
    Ok(registry::list_entities(
        &app.db,
        &actor.agency_path,
        search.trim(),
        domain.map(|d| d.code()),
        offset,
        REGISTRY_PAGE_ROWS,
    )
    .await?)
}

pub async fn list_officers(
    app: &App,
    actor: &Actor,
    search: &str,
    page: i64,
) -> Result<(Vec<registry::OfficerListed>, i64), AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let offset = (page.max(1) - 1) * REGISTRY_PAGE_ROWS;
    Ok(registry::list_officers(
        &app.db,
        &actor.agency_path,
        search.trim(),
        offset,
        REGISTRY_PAGE_ROWS,
    )
    .await?)
}

/// Beijing-time civil date of now (credential status is decided per day).
pub fn today_cst(app: &App) -> jiff::civil::Date {
    let offset = jiff::tz::Offset::constant(8);
    jiff::Timestamp::from_microsecond(app.now_us())
        .map(|ts| ts.to_zoned(jiff::tz::TimeZone::fixed(offset)).date())
        .unwrap_or(jiff::civil::Date::ZERO)
}

/// 持证率 and average training hours of the officers in scope.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OfficerStats {
    pub officers: usize,
    /// Officers whose newest credential lets them enforce today.
    pub certified: usize,
    pub average_training_hours: f64,
}

impl OfficerStats {
    pub fn certified_rate(&self) -> f64 {
        if self.officers == 0 {
            0.0
        } else {
            self.certified as f64 / self.officers as f64
        }
    }
}

pub fn credential_status_of(
    valid_from: Option<&str>,
    valid_to: Option<&str>,
    last_review_year: Option<i64>,
    today: jiff::civil::Date,
) -> Option<fazhi_domain::registry::CredentialStatus> {
    let from = parse_date(valid_from?)?;
    let to = parse_date(valid_to?)?;
    let review = last_review_year.and_then(|y| i16::try_from(y).ok());
    Some(fazhi_domain::registry::credential_status(
        from, to, review, today,
    ))
}

pub async fn officer_stats(app: &App, actor: &Actor) -> Result<OfficerStats, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let today = today_cst(app);
    let rows = registry::credential_summary(&app.db, &actor.agency_path).await?;
    let certified = rows
        .iter()
        .filter(|(from, to, review, _)| {
            credential_status_of(from.as_deref(), to.as_deref(), *review, today)
                .is_some_and(|s| s.may_enforce())
        })
        .count();
    let hours: i64 = rows.iter().map(|r| r.3.unwrap_or(0)).sum();
    Ok(OfficerStats {
        officers: rows.len(),
        certified,
        average_training_hours: if rows.is_empty() {
            0.0
        } else {
            hours as f64 / rows.len() as f64
        },
    })
}

/// Rows exported at most in one file.
pub const EXPORT_ROWS_MAX: i64 = 1_000_000;

pub(super) fn sheet(
    name: &'static str,
    header: &[&'static str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Sheet, AppError> {
    Ok(Sheet {
        name,
        header: header.to_vec(),
        rows: rows.collect(),
    })
}

pub(super) fn domain_names(codes: &str) -> String {
    codes
        .split(',')
        .filter_map(SupervisionDomain::parse)
        .map(|d| d.name_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// The filtered entity list as CSV with the import's column names (so the
/// file can be edited and imported again).
pub async fn export_entities(
    app: &App,
    actor: &Actor,
    search: &str,
    domain: Option<SupervisionDomain>,
) -> Result<Sheet, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) = registry::list_entities(
        &app.db,
        &actor.agency_path,
        search.trim(),
        domain.map(|d| d.code()),
        0,
        EXPORT_ROWS_MAX,
    )
    .await?;
    sheet(
        "单位",
        &[
            "统一社会信用代码",
            "单位名称",
            "法定代表人",
            "地址",
            "行政区划代码",
            "专业",
            "风险等级",
            "信用等级",
            "经营状态",
            "所属机构",
        ],
        rows.into_iter().map(|e| {
            vec![
                e.uscc,
                e.name,
                e.legal_rep,
                e.address,
                e.region_code,
                domain_names(&e.domains),
                RiskLevel::parse(&e.risk_level)
                    .map_or(e.risk_level.clone(), |r| r.name_zh().to_owned()),
                e.credit_grade,
                EntityStatus::parse(&e.status).map_or(e.status.clone(), |s| s.name_zh().to_owned()),
                e.agency_name,
            ]
        }),
    )
}

pub async fn export_officers(app: &App, actor: &Actor, search: &str) -> Result<Sheet, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) = registry::list_officers(
        &app.db,
        &actor.agency_path,
        search.trim(),
        0,
        EXPORT_ROWS_MAX,
    )
    .await?;
    let today = today_cst(app);
    sheet(
        "执法人员",
        &[
            "工号",
            "姓名",
            "岗位",
            "执法领域",
            "执法证号",
            "发证机关",
            "执法区域",
            "有效期起",
            "有效期止",
            "年审年度",
            "培训学时",
            "证件状态",
            "所属机构",
        ],
        rows.into_iter().map(|o| {
            let status = credential_status_of(
                o.valid_from.as_deref(),
                o.valid_to.as_deref(),
                o.last_review_year,
                today,
            )
            .map_or("无证", |s| s.name_zh());
            vec![
                o.staff_no,
                o.name,
                o.posts,
                domain_names(&o.domains),
                o.credential_number.unwrap_or_default(),
                o.issuing_body.unwrap_or_default(),
                o.area.unwrap_or_default(),
                o.valid_from.unwrap_or_default(),
                o.valid_to.unwrap_or_default(),
                o.last_review_year
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                o.training_hours.map(|h| h.to_string()).unwrap_or_default(),
                status.to_owned(),
                o.agency_name,
            ]
        }),
    )
}

/// Published power items of the scope by kind (what the annual report quotes).
pub async fn power_counts(
    app: &App,
    actor: &Actor,
) -> Result<Vec<(fazhi_domain::registry::PowerKind, i64)>, AppError> {
    use fazhi_domain::registry::PowerKind;
    authorize(actor, Action::ViewRegistry, None)?;
    let items = registry::list_powers(&app.db, &actor.agency_path, "").await?;
    Ok(PowerKind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                items
                    .iter()
                    .filter(|p| p.kind == k.code() && p.status == "published")
                    .count() as i64,
            )
        })
        .collect())
}

pub async fn list_powers(
    app: &App,
    actor: &Actor,
    search: &str,
) -> Result<Vec<registry::PowerListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_powers(&app.db, &actor.agency_path, search.trim()).await?)
}

pub async fn list_discretion(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::DiscretionListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_discretion(&app.db, &actor.agency_path).await?)
}

pub async fn list_spot_checks(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::SpotCheckRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_spot_checks(&app.db, &actor.agency_path).await?)
}

pub async fn list_recusals(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::RecusalRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_recusals(&app.db, &actor.agency_path).await?)
}

pub(super) fn yuan_text(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, (fen % 100).abs())
    }
}

/// The power list (all statuses) as a sheet with the import's column names.
pub async fn export_powers(app: &App, actor: &Actor, search: &str) -> Result<Sheet, AppError> {
    use fazhi_domain::registry::PowerKind;
    let rows = list_powers(app, actor, search).await?;
    sheet(
        "权责清单",
        &[
            "事项编码",
            "权力类型",
            "事项名称",
            "实施依据",
            "承办机构",
            "状态",
            "版本",
            "最近文号",
            "所属机构",
        ],
        rows.into_iter().map(|p| {
            vec![
                p.code,
                PowerKind::parse(&p.kind).map_or(p.kind.clone(), |k| k.name_zh().to_owned()),
                p.name,
                p.legal_basis,
                p.unit,
                power_status_name(&p.status).to_owned(),
                p.version.to_string(),
                p.last_document,
                p.agency_name,
            ]
        }),
    )
}

pub async fn export_discretion(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    use fazhi_domain::registry::Circumstance;
    let rows = list_discretion(app, actor).await?;
    sheet(
        "裁量基准",
        &[
            "事项编码",
            "情节",
            "罚款下限（元）",
            "罚款上限（元）",
            "其他处罚",
            "情节描述",
            "依据",
            "版本",
            "所属机构",
        ],
        rows.into_iter().map(|d| {
            vec![
                d.power_code,
                Circumstance::parse(&d.circumstance)
                    .map_or(d.circumstance.clone(), |c| c.name_zh().to_owned()),
                yuan_text(d.fine_min_fen),
                yuan_text(d.fine_max_fen),
                d.other_penalties,
                d.description,
                d.citation,
                d.version.to_string(),
                d.agency_name,
            ]
        }),
    )
}

pub async fn list_no_penalty(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::NoPenaltyRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_no_penalty(&app.db, &actor.agency_path).await?)
}

pub async fn export_no_penalty(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    let rows = list_no_penalty(app, actor).await?;
    let agencies = scope::Agencies::load(app, actor).await?;
    sheet(
        "不予处罚清单",
        &[
            "权力编码",
            "清单类型",
            "违法行为",
            "适用条件",
            "依据",
            "生效日期",
            "所属机构",
        ],
        rows.into_iter().map(|n| {
            vec![
                n.power_code,
                no_penalty_kind_name(&n.kind).to_owned(),
                n.conduct,
                n.conditions,
                n.basis,
                n.effective_from,
                agencies.name_of(n.agency_id),
            ]
        }),
    )
}

pub async fn export_spot_checks(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    let rows = list_spot_checks(app, actor).await?;
    let agencies = scope::Agencies::load(app, actor).await?;
    sheet(
        "随机抽查事项清单",
        &[
            "事项编码",
            "抽查事项",
            "专业",
            "检查依据",
            "检查对象",
            "检查内容",
            "检查方式",
            "所属机构",
        ],
        rows.into_iter().map(|s| {
            vec![
                s.code,
                s.name,
                domain_names(&s.domain),
                s.basis,
                s.object,
                s.content,
                s.method,
                agencies.name_of(s.agency_id),
            ]
        }),
    )
}

pub async fn export_recusals(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    let rows = list_recusals(app, actor).await?;
    let agencies = scope::Agencies::load(app, actor).await?;
    sheet(
        "回避关系",
        &[
            "工号",
            "统一社会信用代码",
            "自然人姓名",
            "回避理由",
            "所属机构",
        ],
        rows.into_iter().map(|r| {
            let (uscc, person) = match r.party_key.split_once(':') {
                Some(("uscc", v)) => (v.to_owned(), String::new()),
                Some(("person", v)) => (String::new(), v.to_owned()),
                _ => (r.party_key.clone(), String::new()),
            };
            vec![
                r.staff_no,
                uscc,
                person,
                r.reason,
                agencies.name_of(r.agency_id),
            ]
        }),
    )
}

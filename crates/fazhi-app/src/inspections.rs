//! 双随机: plans, and draws in two logged steps — commit (the pools and
//! parameters are frozen and their hash logged) and draw (with randomness
//! that did not exist at commit time: a public lottery value entered with its
//! source, or the root of the first signed checkpoint after the commit).

use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::draw::{self, Params, Pool, Record};
use fazhi_domain::registry::SupervisionDomain;
use fazhi_store::inspections::{self as store, DrawRow, NewPlan, PlanRow};
use std::collections::{BTreeMap, HashMap};

const PLAN_NOUN: (&str, &str) = ("抽查计划", "inspection plan");
const DRAW_NOUN: (&str, &str) = ("抽取", "draw");

/// Plan levels (国抽/省抽/市抽/县抽).
pub const LEVELS: [(&str, &str); 4] = [
    ("national", "国家双随机抽查"),
    ("provincial", "省级双随机抽查"),
    ("city", "市级双随机抽查"),
    ("county", "县级双随机抽查"),
];

/// The plan form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct PlanInput {
    pub year: String,
    pub level: String,
    pub name: String,
    pub item_code: String,
    pub quota: String,
    /// Sampling weight per credit grade, in percent.
    pub rate_a: String,
    pub rate_b: String,
    pub rate_c: String,
    pub rate_d: String,
    #[serde(default)]
    pub exclude_days: String,
    #[serde(default)]
    pub officers_per_entity: String,
    #[serde(default)]
    pub workload_cap: String,
    #[serde(default)]
    pub same_region: Option<String>,
    pub due_on: String,
    /// Partner departments of a joint plan (部门联合抽查), in words.
    #[serde(default)]
    pub partners: String,
    /// Visits per entity per year (empty = the rule's default).
    #[serde(default)]
    pub yearly_cap: String,
}

fn number(field: &'static str, text: &str, default: u32, max: u32) -> Result<u32, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(default);
    }
    match t.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(AppError::invalid(
            field,
            format!("“{t}”须为 0 到 {max} 之间的整数"),
            format!("'{t}' must be a whole number from 0 to {max}"),
        )),
    }
}

/// Make a plan for the actor's agency, carrying out one spot-check item.
pub async fn create_plan(app: &App, actor: &Actor, input: &PlanInput) -> Result<i64, AppError> {
    authorize(actor, Action::PlanInspections, None)?;
    let year = number("year", &input.year, 0, 2100)?;
    if year < 2015 {
        return Err(AppError::invalid(
            "year",
            "请填写计划年度",
            "give the plan year",
        ));
    }
    let level = LEVELS
        .iter()
        .find(|(c, _)| *c == input.level)
        .ok_or_else(|| AppError::invalid("level", "请选择计划层级", "choose the plan level"))?
        .0;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid(
            "name",
            "计划名称必填，且不超过 100 个字符",
            "the name is required, at most 100 characters",
        ));
    }
    // The item must be on a spot-check list that binds this agency (its own or an ancestor's).
    let items = fazhi_store::registry::list_spot_checks(&app.db, &AgencyPath::whole_tree()).await?;
    let agencies: HashMap<i64, fazhi_store::agencies::Agency> =
        fazhi_store::agencies::list_all(&app.db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    let item = items
        .into_iter()
        .find(|i| {
            i.code == input.item_code.trim()
                && agencies.get(&i.agency_id).is_some_and(|a| a.path.covers(&actor.agency_path))
        })
        .ok_or_else(|| {
            AppError::invalid(
                "item_code",
                "抽查事项须在本机关或上级机关的随机抽查事项清单中（“双随机、一公开”只能抽查清单内事项）",
                "the item must be on this agency's or a superior's spot-check list",
            )
        })?;
    let params = Params {
        quota: number("quota", &input.quota, 0, 1_000_000)?,
        rates_bp: [
            ("A", &input.rate_a),
            ("B", &input.rate_b),
            ("C", &input.rate_c),
            ("D", &input.rate_d),
        ]
        .into_iter()
        .map(|(g, v)| Ok((g.to_owned(), number("rate", v, 5, 100)? * 100)))
        .collect::<Result<BTreeMap<_, _>, AppError>>()?,
        exclude_inspected_within_days: number("exclude_days", &input.exclude_days, 0, 3650)?,
        officers_per_entity: number("officers_per_entity", &input.officers_per_entity, 2, 10)?,
        workload_cap: number("workload_cap", &input.workload_cap, 30, 100_000)?,
        same_region: input
            .same_region
            .as_deref()
            .is_some_and(|v| matches!(v, "on" | "true" | "1")),
    };
    if params.quota == 0 {
        return Err(AppError::invalid(
            "quota",
            "抽取户数须大于 0",
            "the quota must be above zero",
        ));
    }
    // Two officers or more inspect (the rule's minimum, with its article).
    let jurisdiction = crate::cases::jurisdiction_of(app, actor.agency_id).await?;
    let rule = app
        .law
        .rules
        .get(
            "insp_two_certified_officers",
            &jurisdiction,
            crate::registry::today_cst(app),
        )
        .map_err(|e| AppError::Internal(format!("rule: {e}")))?;
    let min_officers = rule
        .param_i64("min_officers")
        .map_err(|e| AppError::Internal(format!("rule: {e}")))?;
    if i64::from(params.officers_per_entity) < min_officers {
        return Err(AppError::invalid(
            "officers_per_entity",
            format!(
                "每户执法人员不得少于 {min_officers} 名（{}）",
                rule.citation
            ),
            format!(
                "at least {min_officers} officers per entity ({})",
                rule.citation
            ),
        ));
    }
    let due = crate::law::parse_date("due_on", &input.due_on)?;
    let partners = input.partners.trim();
    if partners.chars().count() > 200 {
        return Err(AppError::invalid(
            "partners",
            "联合抽查部门不超过 200 个字符",
            "partners: at most 200 characters",
        ));
    }
    let yearly_cap = number("yearly_cap", &input.yearly_cap, 0, 365)?;
    let params_json =
        serde_json::to_string(&params).map_err(|e| AppError::Internal(format!("params: {e}")))?;
    let mut tx = app.db.begin().await?;
    let id = store::insert_plan(
        &mut tx,
        &NewPlan {
            agency_id: actor.agency_id,
            year: i64::from(year),
            level,
            name,
            item_code: &item.code,
            domains: &item.domain,
            params_json: &params_json,
            due_on: &due.to_string(),
            partners,
            yearly_cap: i64::from(yearly_cap),
        },
        app.now_us(),
    )
    .await?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        EventKind::InspectionPlanCreated,
        format!("inspection_plan:{id}"),
        serde_json::json!({ "year": year, "level": level, "name": name, "item_code": item.code, "params": params,
            "partners": partners, "yearly_cap": yearly_cap }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list_plans(app: &App, actor: &Actor) -> Result<Vec<PlanRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(store::list_plans(&app.db, &actor.agency_path).await?)
}

/// A plan the actor may see, with its draws.
pub async fn plan(app: &App, actor: &Actor, id: i64) -> Result<(PlanRow, Vec<DrawRow>), AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let plan = store::get_plan(&app.db, id)
        .await?
        .ok_or(AppError::NotFound {
            zh: PLAN_NOUN.0,
            en: PLAN_NOUN.1,
        })?;
    let path = AgencyPath::parse(&plan.agency_path)
        .ok_or_else(|| AppError::Internal("bad path".into()))?;
    // Visible below the agency that made it (its supervision body carries it out) and above.
    if !actor.agency_path.covers(&path) && !path.covers(&actor.agency_path) {
        return Err(AppError::NotFound {
            zh: PLAN_NOUN.0,
            en: PLAN_NOUN.1,
        });
    }
    let draws = store::draws_of_plan(&app.db, id).await?;
    Ok((plan, draws))
}

/// Freeze the pools of a plan and log their hash. Returns the draw id.
pub async fn commit(app: &App, actor: &Actor, plan_id: i64) -> Result<i64, AppError> {
    authorize(actor, Action::PlanInspections, None)?;
    let (plan, draws) = plan(app, actor, plan_id).await?;
    if draws.iter().any(|d| d.state == "committed") {
        return Err(AppError::Conflict {
            zh: "本计划已有锁定待抽取的候选池，请先完成抽取".into(),
            en: "this plan already has a committed pool awaiting its draw".into(),
        });
    }
    let path = AgencyPath::parse(&plan.agency_path)
        .ok_or_else(|| AppError::Internal("bad path".into()))?;
    let params: Params = serde_json::from_str(&plan.params_json)
        .map_err(|e| AppError::Internal(format!("params: {e}")))?;
    let pool = build_pool(app, actor, &path, &plan, params).await?;
    if pool.entities.is_empty() {
        return Err(AppError::invalid(
            "plan",
            "本计划范围内没有在营的检查对象",
            "no operating entity falls under this plan",
        ));
    }
    let commitment = pool.commitment();
    let pool_json =
        serde_json::to_string(&pool).map_err(|e| AppError::Internal(format!("pool: {e}")))?;
    let mut tx = app.db.begin().await?;
    let id = store::insert_draw(&mut tx, plan_id, &commitment, &pool_json, app.now_us()).await?;
    let event = app
        .log(
            &mut tx,
            Some(actor.user_id),
            Some(actor.agency_id),
            EventKind::DrawCommitted,
            format!("draw:{id}"),
            serde_json::json!({ "plan": plan_id, "algorithm": draw::ALGORITHM, "commitment": commitment,
                "entities": pool.entities.len(), "officers": pool.officers.len() }),
        )
        .await?;
    store::set_committed_event(&mut tx, id, event.id).await?;
    tx.commit().await?;
    Ok(id)
}

/// The candidate pools of a plan: operating entities of the plan's agency
/// tree in its domains, and officers with their credential status today.
async fn build_pool(
    app: &App,
    actor: &Actor,
    path: &AgencyPath,
    plan: &PlanRow,
    params: Params,
) -> Result<Pool, AppError> {
    let domains: Vec<&str> = plan.domains.split(',').filter(|d| !d.is_empty()).collect();
    let today = crate::registry::today_cst(app);
    // The last inspection of each entity: months since (the plan may exclude
    // recent ones) and its officers (not sent again).
    let last: HashMap<i64, (Option<u32>, Vec<i64>)> = store::last_inspections(&app.db, path)
        .await?
        .into_iter()
        .map(|v| {
            let days = v
                .done_on
                .parse::<jiff::civil::Date>()
                .ok()
                .and_then(|d| u32::try_from((today - d).get_days()).ok());
            let officers = v
                .officer_ids
                .split(',')
                .filter_map(|s| s.parse().ok())
                .collect();
            (v.entity_id, (days, officers))
        })
        .collect();
    // Entities at the yearly cap (国办发〔2024〕54号) stay out of the pool.
    let year_start = format!("{:04}-01-01", plan.year);
    let visits: Vec<fazhi_domain::inspection::Visit> =
        store::visits_since(&app.db, path, &year_start)
            .await?
            .iter()
            .filter_map(crate::inspection_tasks::visit_of)
            .filter(|v| i64::from(v.on.year()) == plan.year)
            .collect();
    let cap = crate::inspection_tasks::yearly_cap(app, actor, plan).await?;
    let mut per_entity: HashMap<i64, std::collections::BTreeSet<i64>> = HashMap::new();
    for v in &visits {
        per_entity.entry(v.entity_id).or_default().insert(v.visit);
    }
    let mut entities = Vec::new();
    for e in store::pool_entities(&app.db, path).await? {
        if e.status != "operating" {
            continue;
        }
        let Some(domain) = e.domains.split(',').find(|d| domains.contains(d)) else {
            continue;
        };
        if let Some(cap) = cap
            && per_entity
                .get(&e.id)
                .is_some_and(|v| v.len() >= cap as usize)
        {
            continue;
        }
        let (days, last_officers) = last.get(&e.id).cloned().unwrap_or_default();
        entities.push(draw::Entity {
            id: e.id,
            domain: domain.to_owned(),
            region: e.region_code.clone(),
            grade: e.credit_grade.clone(),
            days_since_inspection: days,
            last_officers,
        });
    }
    let (officers, _) = fazhi_store::registry::list_officers(
        &app.db,
        path,
        "",
        0,
        fazhi_store::registry::ROWS_PER_QUERY_MAX,
    )
    .await?;
    let agencies: HashMap<i64, String> = fazhi_store::agencies::list_all(&app.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.region_code))
        .collect();
    // Recusals name entities by USCC.
    let (listed, _) = fazhi_store::registry::list_entities(
        &app.db,
        path,
        "",
        None,
        0,
        fazhi_store::registry::ROWS_PER_QUERY_MAX,
    )
    .await?;
    let by_uscc: HashMap<String, i64> = listed.into_iter().map(|e| (e.uscc, e.id)).collect();
    let recusals = fazhi_store::registry::list_recusals(&app.db, &AgencyPath::whole_tree()).await?;
    let pool_officers = officers
        .into_iter()
        .map(|o| draw::Officer {
            id: o.id,
            domains: o
                .domains
                .split(',')
                .filter(|d| SupervisionDomain::parse(d).is_some())
                .map(str::to_owned)
                .collect(),
            region: agencies.get(&o.agency_id).cloned().unwrap_or_default(),
            credential_valid: crate::registry::credential_status_of(
                o.valid_from.as_deref(),
                o.valid_to.as_deref(),
                o.last_review_year,
                today,
            )
            .is_some_and(|s| s.may_enforce()),
            recused: recusals
                .iter()
                .filter(|r| r.staff_no == o.staff_no)
                .filter_map(|r| {
                    r.party_key
                        .strip_prefix("uscc:")
                        .and_then(|u| by_uscc.get(u).copied())
                })
                .collect(),
        })
        .collect();
    Ok(Pool {
        algorithm: draw::ALGORITHM.to_owned(),
        params,
        entities,
        officers: pool_officers,
    })
}

/// Draw a committed pool. With `randomness` empty, the root of the first
/// signed checkpoint that covers the commit is used (made now if needed).
pub async fn run(
    app: &App,
    actor: &Actor,
    draw_id: i64,
    randomness: &str,
    source: &str,
) -> Result<Record, AppError> {
    authorize(actor, Action::PlanInspections, None)?;
    let row = store::get_draw(&app.db, draw_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: DRAW_NOUN.0,
            en: DRAW_NOUN.1,
        })?;
    plan(app, actor, row.plan_id).await?;
    if row.state != "committed" {
        return Err(AppError::Conflict {
            zh: "该候选池已经抽取过".into(),
            en: "this pool was drawn already".into(),
        });
    }
    let (randomness, source) = if randomness.trim().is_empty() {
        let covering = crate::transparency::checkpoints(app, 1000)
            .await?
            .into_iter()
            .map(|c| c.checkpoint)
            .filter(|c| c.size >= row.committed_event)
            .min_by_key(|c| c.size);
        let cp = match covering {
            Some(c) => c,
            None => {
                crate::transparency::make_checkpoint(app, true).await?;
                crate::transparency::checkpoints(app, 1)
                    .await?
                    .into_iter()
                    .map(|c| c.checkpoint)
                    .next()
                    .ok_or_else(|| {
                        AppError::invalid(
                            "randomness",
                            "请填写随机数（没有签名检查点可用）",
                            "enter the randomness (no signed checkpoint available)",
                        )
                    })?
            }
        };
        (
            hex::encode(&cp.root),
            format!(
                "执法全过程记录签名检查点（树大小 {}）的根哈希 / root of signed checkpoint size {}",
                cp.size, cp.size
            ),
        )
    } else {
        if source.trim().is_empty() {
            return Err(AppError::invalid(
                "source",
                "请注明随机数来源（如福利彩票开奖期号）",
                "name the source of the randomness",
            ));
        }
        (randomness.trim().to_owned(), source.trim().to_owned())
    };
    let pool: Pool = serde_json::from_str(&row.pool_json)
        .map_err(|e| AppError::Internal(format!("pool: {e}")))?;
    let record = draw::draw(pool, &randomness, &source).map_err(|e| {
        let text = e.to_string();
        let mut parts = text.splitn(2, " / ");
        AppError::Refused {
            rule_id: "draw_constraints",
            citation: "国办发〔2015〕58号；《行政处罚法》第四十二条、第四十三条".to_owned(),
            zh: parts.next().unwrap_or_default().to_owned(),
            en: parts.next().unwrap_or_default().to_owned(),
        }
    })?;
    if record.commitment != row.commitment {
        return Err(AppError::Internal(
            "stored pool does not match its commitment".into(),
        ));
    }
    let record_json =
        serde_json::to_string(&record).map_err(|e| AppError::Internal(format!("record: {e}")))?;
    let plan_row = store::get_plan(&app.db, row.plan_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: PLAN_NOUN.0,
            en: PLAN_NOUN.1,
        })?;
    let owners = store::entity_agencies(
        &app.db,
        &record
            .outcome
            .assignments
            .iter()
            .map(|a| a.entity)
            .collect::<Vec<_>>(),
    )
    .await?;
    let basis = format!("{}（抽查事项 {}）", plan_row.name, plan_row.item_code);
    let mut tx = app.db.begin().await?;
    // One task per drawn entity, for the agency responsible for it.
    let mut tasks = 0usize;
    for a in &record.outcome.assignments {
        let code = crate::random_token(crate::inspection_tasks::CODE_BYTES)?;
        store::insert_task(
            &mut tx,
            &store::NewTask {
                agency_id: owners.get(&a.entity).copied().unwrap_or(plan_row.agency_id),
                plan_id: plan_row.id,
                draw_id,
                entity_id: a.entity,
                source: "random",
                basis: &basis,
                officer_ids: &a.officers,
                due_on: &plan_row.due_on,
                recheck_of: 0,
                code: &code,
            },
            app.now_us(),
        )
        .await?;
        tasks += 1;
    }
    let event = app
        .log(
            &mut tx,
            Some(actor.user_id),
            Some(actor.agency_id),
            EventKind::DrawDrawn,
            format!("draw:{draw_id}"),
            serde_json::json!({ "commitment": record.commitment, "randomness": record.randomness, "source": record.randomness_source,
                "drawn": record.outcome.assignments.len(), "tasks": tasks,
                "outcome_sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(serde_json::to_vec(&record.outcome).unwrap_or_default())) }),
        )
        .await?;
    if !store::set_drawn(
        &mut tx,
        draw_id,
        &record.randomness,
        &record.randomness_source,
        &record_json,
        event.id,
        app.now_us(),
    )
    .await?
    {
        return Err(AppError::Conflict {
            zh: "该候选池已经抽取过".into(),
            en: "this pool was drawn already".into(),
        });
    }
    tx.commit().await?;
    Ok(record)
}

/// The published record of a drawn pool (public: ids, parameters and hashes only).
pub async fn record(app: &App, draw_id: i64) -> Result<Record, AppError> {
    let row = store::get_draw(&app.db, draw_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: DRAW_NOUN.0,
            en: DRAW_NOUN.1,
        })?;
    if row.state != "drawn" {
        return Err(AppError::NotFound {
            zh: "已公布的抽取记录",
            en: "published draw record",
        });
    }
    serde_json::from_str(&row.record_json).map_err(|e| AppError::Internal(format!("record: {e}")))
}

/// The plan a draw belongs to.
pub async fn plan_of_draw(app: &App, draw_id: i64) -> Result<i64, AppError> {
    Ok(store::get_draw(&app.db, draw_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: DRAW_NOUN.0,
            en: DRAW_NOUN.1,
        })?
        .plan_id)
}

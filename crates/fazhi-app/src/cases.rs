//! Penalty case use cases: parse the form at the edge, load the facts the
//! step needs (officers' credentials, recusals, the discretion band), let the
//! domain's case machine decide, then write the case with its one event in
//! one transaction — refused if someone else moved the case first.

use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::case::{
    self, Band, Case, Command, Ctx, EvidenceType, HandlerFacts, Outcome, Party, PartyKind,
    ServiceMethod, Source, Stage,
};
use fazhi_domain::money::Money;
use fazhi_domain::registry::{Circumstance, SupervisionDomain};
use fazhi_domain::role::Role;
use fazhi_store::cases::{self as store, CaseFilter, CaseListed, Projection};
use jiff::civil::Date;

/// Rows per page of case lists.
pub const CASE_PAGE_ROWS: i64 = 50;

const CASE_NOUN: (&str, &str) = ("案件", "case");

/// A case as stored, with where it belongs and its version.
#[derive(Debug, Clone)]
pub struct CaseView {
    pub id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub agency_path: AgencyPath,
    pub agency_region: String,
    pub version: i64,
    pub case: Case,
}

fn today(app: &App) -> Date {
    crate::registry::today_cst(app)
}

/// Province code of an agency's region (`990102` → `990000`): the
/// jurisdiction of provincial rule versions.
pub fn province_of(region_code: &str) -> String {
    let digits: String = region_code.chars().take(2).collect();
    format!("{digits:0<2}0000")
}

/// The short name of an agency in document numbers: the first character of
/// its last district/county/city name (示范市东湖区卫生监督所 → 东).
pub fn doc_abbreviation(agency_name: &str) -> String {
    let chars: Vec<char> = agency_name.chars().collect();
    let ends: Vec<usize> = chars
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, '区' | '县' | '市' | '省' | '旗'))
        .map(|(i, _)| i)
        .collect();
    let start = match ends.len() {
        0 => 0,
        1 => 0,
        n => ends[n - 2] + 1,
    };
    chars.get(start).map_or_else(String::new, |c| c.to_string())
}

fn decode(stored: store::StoredCase) -> Result<CaseView, AppError> {
    let case: Case = serde_json::from_str(&stored.state_json)
        .map_err(|e| AppError::Internal(format!("case {} is unreadable: {e}", stored.id)))?;
    let agency_path = AgencyPath::parse(&stored.agency_path)
        .ok_or_else(|| AppError::Internal(format!("bad agency path {}", stored.agency_path)))?;
    Ok(CaseView {
        id: stored.id,
        agency_id: stored.agency_id,
        agency_name: stored.agency_name,
        agency_path,
        agency_region: stored.agency_region,
        version: stored.version,
        case,
    })
}

fn party_key(p: &Party) -> String {
    match p.kind {
        PartyKind::Organisation => format!("uscc:{}", p.id_number),
        PartyKind::Citizen => format!("person:{}", p.id_number),
    }
}

pub(crate) fn projection(c: &Case) -> Projection {
    let (next_rule, next_due) = c
        .next_due()
        .map_or((String::new(), String::new()), |(r, d)| {
            (r.to_owned(), d.to_string())
        });
    let opt = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    Projection {
        procedure: match c.procedure {
            case::Procedure::Summary => "summary".into(),
            case::Procedure::Ordinary => "ordinary".into(),
        },
        stage: c.stage.code().to_owned(),
        party_name: c.party.name.clone(),
        party_kind: match c.party.kind {
            PartyKind::Citizen => "citizen".into(),
            PartyKind::Organisation => "organisation".into(),
        },
        party_key: party_key(&c.party),
        power_code: c.power_code.clone(),
        domain: c.domain.code().to_owned(),
        summary: c.summary.clone(),
        decision_number: c
            .decision
            .as_ref()
            .map(|d| d.number.clone())
            .unwrap_or_default(),
        fine_fen: c.fine().fen(),
        opened_on: c.opened_on.to_string(),
        filed_on: opt(c.filed_on),
        decided_on: opt(c.decision.as_ref().map(|d| d.on)),
        closed_on: opt(c.closed_on),
        next_due: next_due.clone(),
        next_due_rule: if next_due.is_empty() {
            String::new()
        } else {
            next_rule
        },
        handlers: format!(
            ",{},",
            c.handlers
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
        flag_count: c.flags.len() as i64,
    }
}

/// A case the actor may see.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<CaseView, AppError> {
    authorize(actor, Action::ViewCases, None)?;
    let stored = store::get(&app.db, id).await?.ok_or(AppError::NotFound {
        zh: CASE_NOUN.0,
        en: CASE_NOUN.1,
    })?;
    let view = decode(stored)?;
    if !actor.agency_path.covers(&view.agency_path) {
        // Outside the scope a case does not exist.
        return Err(AppError::NotFound {
            zh: CASE_NOUN.0,
            en: CASE_NOUN.1,
        });
    }
    Ok(view)
}

/// The action-log events of a case, oldest first (its timeline).
pub async fn timeline(
    app: &App,
    actor: &Actor,
    id: i64,
) -> Result<Vec<fazhi_domain::action_log::Event>, AppError> {
    get(app, actor, id).await?;
    Ok(fazhi_store::events::for_subject(&app.db, &format!("case:{id}")).await?)
}

/// Which list a workbench tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Cases the actor handles that are not finished.
    Mine,
    /// Cases awaiting legal review (for reviewers).
    Review,
    /// Steps awaiting a head: filing, decision, transfer approval, closing.
    Approval,
    /// Every case of the scope.
    All,
}

impl Queue {
    pub fn parse(code: &str) -> Option<Queue> {
        match code {
            "mine" => Some(Queue::Mine),
            "review" => Some(Queue::Review),
            "approval" => Some(Queue::Approval),
            "all" | "" => Some(Queue::All),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Queue::Mine => "mine",
            Queue::Review => "review",
            Queue::Approval => "approval",
            Queue::All => "all",
        }
    }
}

const OPEN_STAGES: [&str; 12] = [
    "intake",
    "investigation",
    "proposed",
    "review",
    "notice",
    "hearing",
    "decided",
    "served",
    "execution",
    "enforcement",
    "transfer",
    "summary",
];

pub async fn list(
    app: &App,
    actor: &Actor,
    queue: Queue,
    search: &str,
    stage: Option<Stage>,
    page: i64,
) -> Result<(Vec<CaseListed>, i64), AppError> {
    authorize(actor, Action::ViewCases, None)?;
    let one_stage = stage.map(|s| [s.code()]);
    let stages: &[&str] = match (&one_stage, queue) {
        (Some(s), _) => s,
        (None, Queue::Mine) => &OPEN_STAGES,
        (None, Queue::Review) => &["review"],
        (None, Queue::Approval) => &["intake", "proposed", "transfer", "closing"],
        (None, Queue::All) => &[],
    };
    let filter = CaseFilter {
        handler: (queue == Queue::Mine).then_some(actor.user_id),
        stages,
        search: search.trim(),
        opened_from: "",
        opened_until: "",
    };
    let offset = (page.max(1) - 1).saturating_mul(CASE_PAGE_ROWS);
    Ok(store::list(&app.db, &actor.agency_path, &filter, offset, CASE_PAGE_ROWS).await?)
}

pub async fn stage_counts(app: &App, actor: &Actor) -> Result<Vec<(String, i64)>, AppError> {
    authorize(actor, Action::ViewCases, None)?;
    Ok(store::stage_counts(&app.db, &actor.agency_path).await?)
}

/// Accounts of the scope that are linked to an officer record (possible handlers).
pub async fn possible_handlers(
    app: &App,
    actor: &Actor,
) -> Result<Vec<store::HandlerRow>, AppError> {
    authorize(actor, Action::ViewCases, None)?;
    Ok(store::accounts_in_scope(&app.db, &actor.agency_path)
        .await?
        .into_iter()
        .filter(|h| h.staff_no.is_some())
        .collect())
}

/// Names of every account in the actor's scope (for timelines and documents).
pub async fn account_names(app: &App, actor: &Actor) -> Result<Vec<(i64, String)>, AppError> {
    authorize(actor, Action::ViewCases, None)?;
    Ok(store::accounts_in_scope(&app.db, &actor.agency_path)
        .await?
        .into_iter()
        .map(|a| match a.staff_no {
            Some(s) => (a.user_id, format!("{}（{s}）", a.display_name)),
            None => (a.user_id, a.display_name),
        })
        .collect())
}

/// Penalty powers that apply to the actor's agency (for the case form).
pub async fn penalty_powers(app: &App, actor: &Actor) -> Result<Vec<(String, String)>, AppError> {
    authorize(actor, Action::ViewCases, None)?;
    Ok(fazhi_store::registry::penalty_powers_for(&app.db, &actor.agency_path).await?)
}

/// Facts about the accounts named as handlers: credential, domains, recusal.
async fn handler_facts(
    app: &App,
    ids: &[i64],
    party: &Party,
    on: Date,
) -> Result<Vec<HandlerFacts>, AppError> {
    let root = AgencyPath::whole_tree();
    let accounts = store::accounts(&app.db, ids).await?;
    if accounts.len() != ids.len() {
        return Err(AppError::invalid(
            "handlers",
            "办案人员中有不存在的账号",
            "a handler account does not exist",
        ));
    }
    let recusals = fazhi_store::registry::list_recusals(&app.db, &root).await?;
    let party_keys = match party.kind {
        PartyKind::Organisation => vec![format!("uscc:{}", party.id_number)],
        PartyKind::Citizen => vec![
            format!("person:{}", party.name),
            format!("person:{}", party.id_number),
        ],
    };
    let mut out = Vec::new();
    for a in accounts {
        let officer = match &a.staff_no {
            Some(s) => fazhi_store::registry::get_officer(&app.db, &root, s).await?,
            None => None,
        };
        let credential = officer.as_ref().and_then(|o| {
            crate::registry::credential_status_of(
                o.valid_from.as_deref(),
                o.valid_to.as_deref(),
                o.last_review_year,
                on,
            )
        });
        let domains = officer
            .as_ref()
            .map(|o| {
                o.domains
                    .split(',')
                    .filter_map(SupervisionDomain::parse)
                    .collect()
            })
            .unwrap_or_default();
        let recused = a.staff_no.as_ref().is_some_and(|s| {
            recusals
                .iter()
                .any(|r| &r.staff_no == s && party_keys.contains(&r.party_key))
        });
        out.push(HandlerFacts {
            user_id: a.user_id,
            name: a.display_name,
            staff_no: a.staff_no,
            credential,
            domains,
            recused,
        });
    }
    Ok(out)
}

/// The form that opens an ordinary case (案件受理). Text as typed; parsed here.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct OpenInput {
    pub source: String,
    pub party_kind: String,
    pub party_name: String,
    pub party_id: String,
    #[serde(default)]
    pub party_address: String,
    pub domain: String,
    pub power_code: String,
    pub summary: String,
    /// `YYYY-MM-DD`
    pub act_date: String,
    #[serde(default)]
    pub life_health_harm: Option<String>,
    /// The inspection whose finding is the case source (监督检查发现), if any.
    #[serde(default)]
    pub task_id: String,
}

use crate::law::parse_date;

fn parse_money(field: &'static str, text: &str) -> Result<Money, AppError> {
    if text.trim().is_empty() {
        return Ok(Money::ZERO);
    }
    Money::parse(text).map_err(|e| {
        AppError::invalid(
            field,
            format!("金额“{text}”无效：{e}"),
            format!("amount '{text}' is invalid: {e}"),
        )
    })
}

fn checked(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| matches!(s, "on" | "true" | "1" | "yes"))
}

fn parse_party(kind: &str, name: &str, id: &str, address: &str) -> Result<Party, AppError> {
    let kind = match kind {
        "organisation" => PartyKind::Organisation,
        "citizen" => PartyKind::Citizen,
        _ => {
            return Err(AppError::invalid(
                "party_kind",
                "当事人类型须为单位或个人",
                "party kind must be organisation or citizen",
            ));
        }
    };
    Ok(Party {
        kind,
        name: name.trim().to_owned(),
        id_number: id.trim().to_ascii_uppercase(),
        address: address.trim().to_owned(),
    })
}

fn parse_domain(text: &str) -> Result<SupervisionDomain, AppError> {
    SupervisionDomain::parse(text.trim()).ok_or_else(|| {
        AppError::invalid(
            "domain",
            format!("未知专业“{text}”"),
            format!("unknown domain '{text}'"),
        )
    })
}

/// The context the domain decides in: today, who acts, the rules, the
/// calendar and the province whose rule versions apply.
pub(crate) fn ctx<'a>(
    app: &'a App,
    actor: &Actor,
    cal: &'a fazhi_domain::calendar::Calendar,
    jurisdiction: &'a str,
) -> Ctx<'a> {
    Ctx {
        today: today(app),
        actor: actor.user_id,
        role: actor.role,
        rules: &app.law.rules,
        calendar: cal,
        jurisdiction,
    }
}

/// The province code whose rule versions apply to an agency.
pub(crate) async fn jurisdiction_of(app: &App, agency_id: i64) -> Result<String, AppError> {
    Ok(province_of(&region_of(app, agency_id).await?))
}

async fn region_of(app: &App, agency_id: i64) -> Result<String, AppError> {
    Ok(fazhi_store::agencies::get(&app.db, agency_id)
        .await?
        .map(|a| a.region_code)
        .unwrap_or_default())
}

/// Open an ordinary case at the actor's agency. Returns its id.
pub async fn open(app: &App, actor: &Actor, input: &OpenInput) -> Result<i64, AppError> {
    authorize(actor, Action::HandleCases, None)?;
    let task = match input.task_id.trim() {
        "" => None,
        t => {
            let id = t.parse::<i64>().map_err(|_| {
                AppError::invalid("task_id", "检查任务编号无效", "bad inspection task id")
            })?;
            Some(crate::inspection_tasks::check_case_source(app, actor, id).await?)
        }
    };
    let source = Source::parse(&input.source)
        .ok_or_else(|| AppError::invalid("source", "请选择案源", "choose the case source"))?;
    if task.is_some() && source != Source::Inspection {
        return Err(AppError::invalid(
            "source",
            "由检查发现的问题立案，案源应为“监督检查发现”",
            "a case from an inspection finding has the source 'inspection'",
        ));
    }
    let party = parse_party(
        &input.party_kind,
        &input.party_name,
        &input.party_id,
        &input.party_address,
    )?;
    let domain = parse_domain(&input.domain)?;
    let act_date = parse_date("act_date", &input.act_date)?;
    let power_code = checked_power(app, actor, &input.power_code).await?;
    let (illegal_practice, prior_penalties) = repeat_facts(app, actor, &party, &power_code).await?;
    let cmd = Command::Open {
        source,
        party,
        domain,
        power_code: power_code.clone(),
        summary: input.summary.trim().to_owned(),
        act_date,
        life_health_harm: checked(&input.life_health_harm),
        illegal_practice,
        prior_penalties,
    };
    let cal = crate::law::calendar_for(app, Some(&actor.agency_path)).await?;
    let jurisdiction = jurisdiction_of(app, actor.agency_id).await?;
    let case = case::apply(None, &cmd, &ctx(app, actor, &cal, &jurisdiction))?;
    write_new(app, actor, &case, &cmd, task.map(|t| t.id)).await
}

/// The power code of a new case: one of the published penalty powers that
/// apply to the actor's agency (its own or an ancestor's power list), else a
/// bilingual error naming the field.
async fn checked_power(app: &App, actor: &Actor, code: &str) -> Result<String, AppError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(AppError::invalid(
            "power_code",
            "请选择处罚所依据的职权事项",
            "choose the penalty power the case is brought under",
        ));
    }
    let powers = fazhi_store::registry::penalty_powers_for(&app.db, &actor.agency_path).await?;
    if !powers.iter().any(|(c, _)| c == code) {
        return Err(AppError::invalid(
            "power_code",
            format!("职权编码“{code}”不在本机关适用的行政处罚权力清单中"),
            format!("power code '{code}' is not in the penalty power list of this agency"),
        ));
    }
    Ok(code.to_owned())
}

/// Whether the power is one of illegal medical practice (its name says
/// 擅自执业 or 非法行医), and how many penalty decisions the party already
/// has under such powers — the facts of the criminal-transfer check.
async fn repeat_facts(
    app: &App,
    actor: &Actor,
    party: &Party,
    power_code: &str,
) -> Result<(bool, u32), AppError> {
    let illegal: Vec<String> =
        fazhi_store::registry::penalty_powers_for(&app.db, &actor.agency_path)
            .await?
            .into_iter()
            .filter(|(_, name)| name.contains("擅自执业") || name.contains("非法行医"))
            .map(|(code, _)| code)
            .collect();
    if !illegal.iter().any(|c| c == power_code) {
        return Ok((false, 0));
    }
    let prior = store::decided_for_party(&app.db, &party_key(party))
        .await?
        .into_iter()
        .filter(|c| !c.decision_number.is_empty() && illegal.contains(&c.power_code))
        .count();
    Ok((true, u32::try_from(prior).unwrap_or(u32::MAX)))
}

async fn write_new(
    app: &App,
    actor: &Actor,
    case: &Case,
    cmd: &Command,
    task: Option<i64>,
) -> Result<i64, AppError> {
    let json =
        serde_json::to_string(case).map_err(|e| AppError::Internal(format!("case json: {e}")))?;
    let mut tx = app.db.begin().await?;
    let id = store::insert(
        &mut tx,
        actor.agency_id,
        &projection(case),
        &json,
        app.now_us(),
    )
    .await?;
    if let Some(task) = task
        && !fazhi_store::inspections::link_case(&mut tx, task, id, app.now_us()).await?
    {
        return Err(AppError::Conflict {
            zh: "该检查已立案".into(),
            en: "this inspection opened a case already".into(),
        });
    }
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        EventKind::CaseOpened,
        format!("case:{id}"),
        serde_json::json!({ "command": cmd.code(), "procedure": case.procedure, "stage": case.stage.code(),
            "party": case.party.name, "power_code": case.power_code, "decision_number": case.decision.as_ref().map(|d| d.number.clone()),
            "inspection_task": task }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The on-the-spot (summary procedure) form.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct SummaryInput {
    pub party_kind: String,
    pub party_name: String,
    pub party_id: String,
    #[serde(default)]
    pub party_address: String,
    pub domain: String,
    pub power_code: String,
    pub summary: String,
    pub legal_basis: String,
    /// The other officer present (user id); the actor is the first.
    pub second_officer: String,
    /// Fine in yuan (empty for a warning only).
    #[serde(default)]
    pub fine: String,
    #[serde(default)]
    pub warning: Option<String>,
    #[serde(default)]
    pub collected_on_spot: Option<String>,
    /// Why it was collected on the spot: `small_fine` (default), `hard_to_enforce`, `remote_on_request`.
    #[serde(default)]
    pub collection_ground: String,
}

/// Record an on-the-spot decision; its number is taken from the agency's register.
pub async fn open_summary(app: &App, actor: &Actor, input: &SummaryInput) -> Result<i64, AppError> {
    authorize(actor, Action::HandleCases, None)?;
    let party = parse_party(
        &input.party_kind,
        &input.party_name,
        &input.party_id,
        &input.party_address,
    )?;
    let power_code = checked_power(app, actor, &input.power_code).await?;
    let second: i64 = input.second_officer.trim().parse().map_err(|_| {
        AppError::invalid(
            "second_officer",
            "请选择在场的另一名执法人员",
            "choose the other officer present",
        )
    })?;
    let on = today(app);
    let handlers = handler_facts(app, &[actor.user_id, second], &party, on).await?;
    let cal = crate::law::calendar_for(app, Some(&actor.agency_path)).await?;
    let region = region_of(app, actor.agency_id).await?;
    let jurisdiction = province_of(&region);
    let agency_name = fazhi_store::agencies::get(&app.db, actor.agency_id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let mut tx = app.db.begin().await?;
    let n = store::next_number(&mut tx, actor.agency_id, i64::from(on.year()), "当罚").await?;
    let number = format!(
        "{}卫当罚〔{}〕{}号",
        doc_abbreviation(&agency_name),
        on.year(),
        n
    );
    let cmd = Command::OpenSummary {
        party,
        domain: parse_domain(&input.domain)?,
        power_code,
        summary: input.summary.trim().to_owned(),
        handlers,
        number,
        fine: parse_money("fine", &input.fine)?,
        warning: checked(&input.warning),
        collected_on_spot: checked(&input.collected_on_spot),
        collection_ground: match input.collection_ground.trim() {
            "" => None,
            g => Some(case::CollectionGround::parse(g).ok_or_else(|| {
                AppError::invalid(
                    "collection_ground",
                    "当场收缴事由须为：一百元以下罚款、事后难以执行、边远地区经当事人提出（《行政处罚法》第六十八条、第六十九条）",
                    "the ground of collecting on the spot: small_fine, hard_to_enforce or remote_on_request (Arts. 68-69)",
                )
            })?),
        },
        legal_basis: input.legal_basis.trim().to_owned(),
    };
    let case = case::apply(None, &cmd, &ctx(app, actor, &cal, &jurisdiction))?;
    let json =
        serde_json::to_string(&case).map_err(|e| AppError::Internal(format!("case json: {e}")))?;
    let id = store::insert(
        &mut tx,
        actor.agency_id,
        &projection(&case),
        &json,
        app.now_us(),
    )
    .await?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        EventKind::CaseOpened,
        format!("case:{id}"),
        serde_json::json!({ "command": cmd.code(), "procedure": case.procedure, "stage": case.stage.code(),
            "party": case.party.name, "decision_number": case.decision.as_ref().map(|d| d.number.clone()),
            "fine_fen": case.fine().fen() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A case step as a flat form (every field optional; the command says which are used).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct StepInput {
    /// The command code (`file`, `add_evidence`, `propose_outcome`, …).
    pub command: String,
    /// The case version the form was shown with.
    pub version: i64,
    #[serde(default)]
    pub handlers: Vec<String>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub evidence_kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub officers: Vec<String>,
    #[serde(default)]
    pub items: String,
    #[serde(default)]
    pub index: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub facts: String,
    #[serde(default)]
    pub legal_basis: String,
    /// Yuan.
    #[serde(default)]
    pub fine: String,
    #[serde(default)]
    pub confiscation: String,
    #[serde(default)]
    pub other_penalties: String,
    #[serde(default)]
    pub heavy_penalty: Option<String>,
    #[serde(default)]
    pub circumstance: String,
    #[serde(default)]
    pub out_of_band_reason: String,
    #[serde(default)]
    pub education_record: String,
    #[serde(default)]
    pub major: Option<String>,
    #[serde(default)]
    pub passed: String,
    /// Checklist items that passed, by code (see `REVIEW_CHECKLIST`).
    #[serde(default)]
    pub checklist: Vec<String>,
    #[serde(default)]
    pub opinion: String,
    /// One participant per line.
    #[serde(default)]
    pub participants: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub conclusion: String,
    /// A date (`YYYY-MM-DD`): served on, requested on, hearing date, paid on, deferred until.
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub adopted: Option<String>,
    #[serde(default)]
    pub chair: String,
    #[serde(default)]
    pub record: String,
    #[serde(default)]
    pub report: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub reason_code: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub receipt: String,
    #[serde(default)]
    pub electronic_consent: Option<String>,
    /// `record_payment`: collected on the spot in a remote area (第六十九条).
    #[serde(default)]
    pub collected_on_spot: Option<String>,
    /// Yuan.
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub accepted: String,
    /// The decision is to be published (双公示).
    #[serde(default)]
    pub publish: Option<String>,
    /// `changed`, `revoked`, `unlawful` or `void`.
    #[serde(default)]
    pub alteration: String,
    /// `reconsideration` or `litigation`.
    #[serde(default)]
    pub remedy_kind: String,
}

fn ids(field: &'static str, values: &[String]) -> Result<Vec<i64>, AppError> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                AppError::invalid(
                    field,
                    format!("“{v}”不是有效的人员编号"),
                    format!("'{v}' is not a person id"),
                )
            })
        })
        .collect()
}

/// Turn the form into the domain command, loading the facts it needs.
async fn command_of(
    app: &App,
    actor: &Actor,
    view: &CaseView,
    input: &StepInput,
    on: Date,
) -> Result<Command, AppError> {
    let c = &view.case;
    let yes_no = |field: &'static str, v: &str| match v {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" => Ok(false),
        _ => Err(AppError::invalid(
            field,
            "请选择“是”或“否”",
            "choose yes or no",
        )),
    };
    Ok(match input.command.as_str() {
        "file" => {
            let handler_ids = ids("handlers", &input.handlers)?;
            Command::File {
                handlers: handler_facts(app, &handler_ids, &c.party, on).await?,
            }
        }
        "decline_filing" => Command::DeclineFiling {
            reason: input.reason.clone(),
        },
        "add_evidence"
            if !input.sha256.trim().is_empty()
                && !crate::evidence::readable_hash(
                    app,
                    actor,
                    &input.sha256.trim().to_ascii_lowercase(),
                )
                .await? =>
        {
            return Err(AppError::invalid(
                "sha256",
                "证据库中没有您可查阅的这个 SHA-256 的附件：请先把附件（执法记录仪视频、照片、扫描件）上传到本案，再登记证据",
                "no attachment with this SHA-256 that you may read in the evidence store: upload it to this case first, then add the evidence",
            ));
        }
        "add_evidence" => Command::AddEvidence {
            kind: EvidenceType::parse(&input.evidence_kind).ok_or_else(|| {
                AppError::invalid(
                    "evidence_kind",
                    "请选择法定证据种类（《行政处罚法》第四十六条）",
                    "choose a statutory evidence type (Art. 46)",
                )
            })?,
            title: input.title.clone(),
            sha256: Some(input.sha256.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()),
            officers: ids("officers", &input.officers)?,
        },
        "preserve" => Command::Preserve {
            items: input.items.clone(),
        },
        "handle_preservation" => Command::HandlePreservation {
            index: input.index.trim().parse().map_err(|_| {
                AppError::invalid(
                    "index",
                    "请选择要处理的保存记录",
                    "choose the preservation to handle",
                )
            })?,
        },
        "propose_outcome" => {
            let outcome = Outcome::parse(&input.outcome).ok_or_else(|| {
                AppError::invalid("outcome", "请选择处理意见", "choose the proposed outcome")
            })?;
            let circumstance = match input.circumstance.trim() {
                "" => None,
                t => Some(Circumstance::parse(t).ok_or_else(|| {
                    AppError::invalid(
                        "circumstance",
                        "情节须为 轻微/一般/较重/严重",
                        "circumstance must be minor, ordinary, serious or grave",
                    )
                })?),
            };
            let band = match circumstance {
                Some(ci) => fazhi_store::registry::discretion_band(
                    &app.db,
                    &view.agency_path,
                    &c.power_code,
                    ci.code(),
                )
                .await?
                .map(|d| Band {
                    power_code: d.power_code,
                    circumstance: ci,
                    min: Money::from_fen(d.fine_min_fen),
                    max: Money::from_fen(d.fine_max_fen),
                    version: d.version,
                    description: d.description,
                    citation: d.citation,
                }),
                None => None,
            };
            Command::ProposeOutcome {
                outcome,
                facts: input.facts.clone(),
                legal_basis: input.legal_basis.clone(),
                fine: parse_money("fine", &input.fine)?,
                confiscation: parse_money("confiscation", &input.confiscation)?,
                other_penalties: input.other_penalties.clone(),
                heavy_penalty: checked(&input.heavy_penalty),
                circumstance,
                band,
                out_of_band_reason: Some(input.out_of_band_reason.clone())
                    .filter(|s| !s.trim().is_empty()),
                education_record: Some(input.education_record.clone())
                    .filter(|s| !s.trim().is_empty()),
                major: checked(&input.major),
            }
        }
        "submit_for_review" => Command::SubmitForReview,
        "record_review" => Command::RecordReview {
            passed: yes_no("passed", &input.passed)?,
            checklist: case::REVIEW_CHECKLIST
                .iter()
                .map(|(code, _)| input.checklist.iter().any(|c| c == code))
                .collect(),
            opinion: input.opinion.clone(),
            reviewer_qualified: false,
        },
        "record_discussion" => Command::RecordDiscussion {
            participants: input
                .participants
                .lines()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            minutes: input.minutes.clone(),
            conclusion: input.conclusion.clone(),
        },
        "send_notice" => Command::SendNotice {
            served_on: parse_date("date", &input.date)?,
        },
        "record_statement" => Command::RecordStatement {
            text: input.text.clone(),
            answer: input.answer.clone(),
            adopted: checked(&input.adopted),
        },
        "waive_rights" => Command::WaiveRights,
        "request_hearing" => Command::RequestHearing {
            on: parse_date("date", &input.date)?,
        },
        "schedule_hearing" => Command::ScheduleHearing {
            date: parse_date("date", &input.date)?,
            chair: input.chair.trim().parse().map_err(|_| {
                AppError::invalid("chair", "请选择听证主持人", "choose the hearing chair")
            })?,
        },
        "record_hearing" => Command::RecordHearing {
            record: input.record.clone(),
            report: input.report.clone(),
        },
        "extend_decision_deadline" => Command::ExtendDecisionDeadline {
            days: input.days.trim().parse().map_err(|_| {
                AppError::invalid("days", "请填写延长天数", "give the number of days")
            })?,
            reason_code: input.reason_code.clone(),
            // Set from the actor's place in the agency tree in `act`.
            approver_superior: false,
        },
        "decide" => Command::Decide {
            publish: checked(&input.publish),
            // Numbered from the agency's register in the write transaction.
            number: String::new(),
            fine: if input.fine.trim().is_empty() {
                c.proposal.as_ref().map_or(Money::ZERO, |p| p.fine)
            } else {
                parse_money("fine", &input.fine)?
            },
        },
        "serve" => Command::Serve {
            method: ServiceMethod::parse(&input.method).ok_or_else(|| {
                AppError::invalid("method", "请选择送达方式", "choose the service method")
            })?,
            on: parse_date("date", &input.date)?,
            receipt: input.receipt.clone(),
            electronic_consent: checked(&input.electronic_consent),
        },
        "record_payment" => Command::RecordPayment {
            on: parse_date("date", &input.date)?,
            amount: parse_money("amount", &input.amount)?,
            collected_on_spot: checked(&input.collected_on_spot),
        },
        "approve_deferral" => Command::ApproveDeferral {
            until: parse_date("date", &input.date)?,
        },
        "send_demand" => Command::SendDemand,
        "apply_to_court" => Command::ApplyToCourt,
        "record_court_result" => Command::RecordCourtResult {
            result: input.result.clone(),
        },
        "approve_transfer" => Command::ApproveTransfer,
        "record_transferred" => Command::RecordTransferred,
        "record_police_feedback" => Command::RecordPoliceFeedback {
            accepted: yes_no("accepted", &input.accepted)?,
        },
        "file_summary" => Command::FileSummary,
        "record_published" => Command::RecordPublished,
        "alter_decision" => Command::AlterDecision {
            kind: fazhi_domain::case::AlterationKind::parse(&input.alteration).ok_or_else(
                || {
                    AppError::invalid(
                        "alteration",
                        "请选择：变更、撤销、确认违法或确认无效",
                        "choose changed, revoked, unlawful or void",
                    )
                },
            )?,
            reason: input.reason.clone(),
        },
        "record_withdrawn" => Command::RecordWithdrawn,
        "record_remedy" => Command::RecordRemedy {
            kind: fazhi_domain::case::RemedyKind::parse(&input.remedy_kind).ok_or_else(|| {
                AppError::invalid(
                    "remedy_kind",
                    "请选择行政复议或行政诉讼",
                    "choose reconsideration or litigation",
                )
            })?,
            on: parse_date("date", &input.date)?,
        },
        "record_remedy_concluded" => Command::RecordRemedyConcluded {
            on: parse_date("date", &input.date)?,
            result: input.result.clone(),
        },
        "close" => Command::Close {
            report: input.reason.clone(),
        },
        "archive" => Command::Archive,
        other => {
            return Err(AppError::invalid(
                "command",
                format!("未知的办案步骤“{other}”"),
                format!("unknown case step '{other}'"),
            ));
        }
    })
}

/// Take one step on a case. Refused (and nothing written) when the law
/// forbids it, when the form's version is stale, or outside the scope.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    input: &StepInput,
) -> Result<CaseView, AppError> {
    authorize(actor, Action::HandleCases, None)?;
    let view = get(app, actor, id).await?;
    if view.version != input.version {
        return Err(stale());
    }
    let on = today(app);
    let mut cmd = command_of(app, actor, &view, input, on).await?;
    if let Command::ExtendDecisionDeadline {
        approver_superior, ..
    } = &mut cmd
    {
        // An agency above the case's agency (hp_decision_deadline before 2025-06-01).
        *approver_superior =
            actor.agency_path != view.agency_path && actor.agency_path.covers(&view.agency_path);
    }
    if let Command::RecordReview {
        reviewer_qualified, ..
    } = &mut cmd
    {
        // 第五十八条第二款: what the reviewer's account records.
        *reviewer_qualified = fazhi_store::users::get(&app.db, actor.user_id)
            .await?
            .is_some_and(|u| !u.legal_qualification.is_empty() || u.legal_review_before_2021);
    }
    let cal = crate::law::calendar_for(app, Some(&view.agency_path)).await?;
    let jurisdiction = province_of(&view.agency_region);
    let context = ctx(app, actor, &cal, &jurisdiction);
    let mut tx = app.db.begin().await?;
    let penalty = view
        .case
        .proposal
        .as_ref()
        .is_some_and(|p| p.outcome == Outcome::Penalty);
    if let Command::Decide { fine, publish, .. } = cmd
        && penalty
    {
        // Check first, number after: a refused decision must not use up a number.
        case::apply(
            Some(&view.case),
            &Command::Decide {
                number: "—".into(),
                fine,
                publish,
            },
            &context,
        )?;
        let n = store::next_number(&mut tx, view.agency_id, i64::from(on.year()), "罚").await?;
        let number = format!(
            "{}卫罚〔{}〕{}号",
            doc_abbreviation(&view.agency_name),
            on.year(),
            n
        );
        cmd = Command::Decide {
            number,
            fine,
            publish,
        };
    }
    let next = case::apply(Some(&view.case), &cmd, &context)?;
    let json =
        serde_json::to_string(&next).map_err(|e| AppError::Internal(format!("case json: {e}")))?;
    if !store::update(
        &mut tx,
        id,
        view.version,
        &projection(&next),
        &json,
        app.now_us(),
    )
    .await?
    {
        return Err(stale());
    }
    crate::notices::sync_case(app, &mut tx, &context, &view, &next).await?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(view.agency_id),
        EventKind::CaseStep,
        format!("case:{id}"),
        serde_json::json!({
            "command": cmd.code(), "from": view.case.stage.code(), "to": next.stage.code(), "version": view.version + 1,
            "detail": step_detail(&cmd),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(CaseView {
        version: view.version + 1,
        case: next,
        ..view
    })
}

/// What the event records of a step, beyond its code: the values that
/// matter for review later, never a party's identifiers.
fn step_detail(cmd: &Command) -> serde_json::Value {
    match cmd {
        Command::File { handlers } => {
            serde_json::json!({ "handlers": handlers.iter().map(|h| h.user_id).collect::<Vec<_>>() })
        }
        Command::AddEvidence {
            kind,
            title,
            sha256,
            ..
        } => serde_json::json!({ "kind": kind.code(), "title": title, "sha256": sha256 }),
        Command::ProposeOutcome {
            outcome,
            fine,
            circumstance,
            band,
            out_of_band_reason,
            ..
        } => serde_json::json!({
            "outcome": outcome.code(), "fine_fen": fine.fen(), "circumstance": circumstance.map(|c| c.code()),
            "band_version": band.as_ref().map(|b| b.version), "out_of_band_reason": out_of_band_reason }),
        Command::RecordReview {
            passed, opinion, ..
        } => serde_json::json!({ "passed": passed, "opinion": opinion }),
        Command::AlterDecision { kind, reason } => {
            serde_json::json!({ "kind": kind.code(), "reason": reason })
        }
        Command::Decide { number, fine, .. } => {
            serde_json::json!({ "number": number, "fine_fen": fine.fen() })
        }
        Command::Serve { method, on, .. } => {
            serde_json::json!({ "method": method.code(), "on": on })
        }
        Command::RecordPayment {
            on,
            amount,
            collected_on_spot,
        } => {
            serde_json::json!({ "on": on, "amount_fen": amount.fen(), "collected_on_spot": collected_on_spot })
        }
        Command::ExtendDecisionDeadline {
            days, reason_code, ..
        } => {
            serde_json::json!({ "days": days, "reason_code": reason_code })
        }
        _ => serde_json::Value::Null,
    }
}

fn stale() -> AppError {
    AppError::Conflict {
        zh: "案件已被他人推进（版本已变化），本次操作未保存；请刷新后再办理".into(),
        en: "someone else moved the case on (its version changed); nothing was saved — reload and try again".into(),
    }
}

/// Link an account to an officer record (staff number), for case handling.
/// `actor` is `None` for the operator at the console (`fazhi user link-officer`).
pub async fn link_officer(
    app: &App,
    actor: Option<&Actor>,
    user_id: i64,
    staff_no: &str,
) -> Result<(), AppError> {
    if let Some(a) = actor {
        authorize(a, Action::ManageUsers, None)?;
    }
    let staff_no = staff_no.trim();
    let officer =
        fazhi_store::registry::get_officer(&app.db, &AgencyPath::whole_tree(), staff_no).await?;
    if officer.is_none() {
        return Err(AppError::invalid(
            "staff_no",
            format!("执法人员名录中没有工号“{staff_no}”：请先导入执法人员"),
            format!("no officer with staff number '{staff_no}': import the officers first"),
        ));
    }
    if fazhi_store::users::get(&app.db, user_id).await?.is_none() {
        return Err(AppError::NotFound {
            zh: "用户",
            en: "user",
        });
    }
    let mut tx = app.db.begin().await?;
    store::link_officer(&mut tx, user_id, staff_no).await?;
    app.log(
        &mut tx,
        actor.map(|a| a.user_id),
        actor.map(|a| a.agency_id),
        EventKind::UserOfficerLinked,
        format!("user:{user_id}"),
        serde_json::json!({ "staff_no": staff_no }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a role may take part in case steps at all (for showing forms).
pub fn acts_on_cases(role: Role) -> bool {
    fazhi_domain::authz::role_allows(role, Action::HandleCases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_numbers_use_the_first_character_of_the_district() {
        assert_eq!(doc_abbreviation("示范市东湖区卫生监督所"), "东");
        assert_eq!(doc_abbreviation("示范市卫生健康委员会"), "示");
        assert_eq!(doc_abbreviation("示范省卫生健康委员会"), "示");
        assert_eq!(doc_abbreviation("某某县卫生健康局"), "某");
    }

    #[test]
    fn the_province_of_a_region_code_is_its_first_two_digits() {
        assert_eq!(province_of("410105"), "410000");
        assert_eq!(province_of("990102"), "990000");
    }
}

//! The case page itself: its view model, flags, progress, deadlines,
//! timeline, and the handlers that show it and take a step.

use super::*;

pub struct TimelineRow {
    pub id: i64,
    pub time: String,
    pub what: String,
    pub who: String,
    /// A live inclusion check against the latest signed checkpoint:
    /// `None` while the event is newer than every checkpoint.
    pub verified: Option<bool>,
}

pub struct Deadline {
    pub label: String,
    pub due: String,
    pub class: &'static str,
    pub rule: String,
    /// 暂定: computed on the provisional calendar (no holiday schedule loaded).
    pub provisional: bool,
    /// The rule version that set it is marked M (to be confirmed).
    pub unconfirmed: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage {
    pub t: Tr,
    pub nav: Nav,
    pub id: i64,
    pub title: String,
    pub number: String,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub procedure: &'static str,
    pub facts: Vec<(String, String)>,
    pub progress: Vec<(&'static str, &'static str)>,
    pub deadlines: Vec<Deadline>,
    pub flags: Vec<String>,
    pub forms: Vec<StepForm>,
    pub version: i64,
    pub csrf: String,
    pub error: Option<String>,
    pub evidence: Vec<(String, String, String)>,
    pub documents: Vec<(&'static str, &'static str)>,
    pub timeline: Vec<TimelineRow>,
}

pub(super) fn flag_text(tr: Tr, f: &Flag) -> String {
    match f {
        Flag::LimitationNear { ends } => format!(
            "{} {ends}",
            tr.pick("追责时效临近，届满日", "limitation period ends")
        ),
        Flag::OutOfBand => tr
            .pick(
                "罚款超出裁量基准幅度（已书面说明理由）",
                "fine outside the benchmark band (reason given)",
            )
            .to_owned(),
        Flag::DecisionLate { due } => format!(
            "{} {due}",
            tr.pick("超期作出决定，办案期限为", "decided late; due")
        ),
        Flag::ServiceLate { due } => format!(
            "{} {due}",
            tr.pick("超期送达，送达期限为", "served late; due")
        ),
        Flag::PreservationLate { due } => format!(
            "{} {due}",
            tr.pick(
                "先行登记保存超期处理，期限为",
                "preservation handled late; due"
            )
        ),
        Flag::CalendarMissing { rule_id } => format!(
            "{}（{rule_id}）",
            tr.pick(
                "期限所在年度的节假日安排尚未导入，期限待定",
                "the holiday calendar of the deadline's year is not loaded; deadline pending"
            )
        ),
        Flag::ProvisionalDeadline {
            rule_id,
            due,
            years,
        } => format!(
            "{} {due}（{rule_id}，{}）：{}",
            tr.get("deadline.provisional"),
            years
                .iter()
                .map(i16::to_string)
                .collect::<Vec<_>>()
                .join("、"),
            tr.get("deadline.provisional_why")
        ),
        Flag::DeadlineMoved { rule_id, from, to } => format!(
            "{}（{rule_id}）：{from} → {to}",
            tr.pick(
                "节假日安排导入后期限已重新计算",
                "deadline recomputed after the holiday schedule was imported"
            )
        ),
        Flag::TransferCheck { reason } => reason.clone(),
        Flag::CourtApplicationLate { due } => format!(
            "{} {due}",
            tr.pick(
                "申请法院强制执行超过三个月期限，期限为",
                "court enforcement sought after its 3-month window; due"
            )
        ),
        Flag::TransferLate { approved } => format!(
            "{} {approved}",
            tr.pick(
                "批准移送后超过二十四小时才移送，批准日",
                "transferred more than 24 hours after approval on"
            )
        ),
        Flag::WithdrawalLate { due } => format!(
            "{} {due}",
            tr.pick("超期撤回公示，期限为", "notice withdrawn late; due")
        ),
    }
}

pub(super) fn progress(c: &Case) -> Vec<(&'static str, &'static str)> {
    let order: &[(Stage, &str)] = match c.procedure {
        fazhi_domain::case::Procedure::Summary => &[
            (Stage::Summary, "当场处罚"),
            (Stage::Execution, "执行"),
            (Stage::Closing, "结案"),
            (Stage::Archived, "归档"),
        ],
        fazhi_domain::case::Procedure::Ordinary => &[
            (Stage::Intake, "受理"),
            (Stage::Investigation, "立案调查"),
            (Stage::Proposed, "处理意见"),
            (Stage::Review, "法制审核"),
            (Stage::Notice, "事先告知"),
            (Stage::Decided, "决定"),
            (Stage::Served, "送达"),
            (Stage::Execution, "执行"),
            (Stage::Closing, "结案"),
            (Stage::Archived, "归档"),
        ],
    };
    let rank = |s: Stage| match s {
        Stage::Intake | Stage::NotFiled => 0,
        Stage::Investigation => 1,
        Stage::Proposed | Stage::Transfer => 2,
        Stage::Review => 3,
        Stage::Notice | Stage::Hearing => 4,
        Stage::Decided | Stage::Summary => 5,
        Stage::Served => 6,
        Stage::Execution | Stage::Enforcement => 7,
        Stage::Closing | Stage::Closed => 8,
        Stage::Archived => 9,
    };
    let now = rank(c.stage);
    order
        .iter()
        .map(|(s, name)| {
            let r = rank(*s);
            (
                *name,
                if r < now {
                    "done"
                } else if r == now {
                    "now"
                } else {
                    "todo"
                },
            )
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct CaseQuery {
    #[serde(default)]
    done: String,
}

pub(super) async fn render_case(
    state: &AppState,
    user: &PageUser,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = user.tr;
    let actor = user.auth.actor();
    let view = match cases::get(&state.app, &actor, id).await {
        Ok(v) => v,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    let events = cases::timeline(&state.app, &actor, id)
        .await
        .unwrap_or_default();
    let handlers: Vec<(i64, String)> = match cases::possible_handlers(&state.app, &actor).await {
        Ok(h) => h
            .into_iter()
            .map(|h| {
                (
                    h.user_id,
                    format!("{}（{}）", h.display_name, h.staff_no.unwrap_or_default()),
                )
            })
            .collect(),
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    // Reviewers and heads above the case's agency are named too.
    let names = cases::account_names(&state.app, &actor)
        .await
        .unwrap_or_default();
    let today = fazhi_app::registry::today_cst(&state.app);
    let mut page = case_view(tr, &view, &actor, &handlers, &events, today, user, error);
    // A deadline set by a rule still to be confirmed (M) says so.
    let jurisdiction = fazhi_app::cases::province_of(&view.agency_region);
    let rules = &state.app.law.rules;
    let on = view.case.filed_on.unwrap_or(view.case.opened_on);
    for d in &mut page.deadlines {
        d.unconfirmed = rules
            .get(&d.rule, &jurisdiction, on)
            .is_ok_and(|r| r.confidence == fazhi_domain::rules::Confidence::M);
    }
    for (row, e) in page.timeline.iter_mut().zip(events.iter().rev()) {
        if let Some(id) = e.actor_user_id
            && let Some((_, n)) = names.iter().find(|(u, _)| *u == id)
        {
            row.who = n.clone();
        }
        // The proof is computed from the stored tree and verified here, per event.
        row.verified = fazhi_app::transparency::inclusion(&state.app, row.id, None)
            .await
            .ok()
            .map(|p| p.verified);
    }
    render(&page, status, tr)
}

#[allow(clippy::too_many_arguments)] // the page gathers everything it shows in one place
pub(super) fn case_view(
    tr: Tr,
    view: &CaseView,
    actor: &fazhi_domain::authz::Actor,
    handlers: &[(i64, String)],
    events: &[fazhi_domain::action_log::Event],
    today: jiff::civil::Date,
    user: &PageUser,
    error: Option<String>,
) -> CasePage {
    let c = &view.case;
    let name_of = |id: i64| {
        handlers
            .iter()
            .find(|(h, _)| *h == id)
            .map_or_else(|| format!("#{id}"), |(_, n)| n.clone())
    };
    let mut facts = vec![
        (
            tr.pick("当事人", "Party").to_owned(),
            format!(
                "{}（{}）",
                c.party.name,
                if c.party.kind == PartyKind::Organisation {
                    c.party.id_number.clone()
                } else {
                    fazhi_domain::ident::IdCardNumber::parse(&c.party.id_number)
                        .map(|i| i.masked())
                        .unwrap_or_default()
                }
            ),
        ),
        (tr.pick("案由", "Matter").to_owned(), c.summary.clone()),
        (
            tr.pick("权力事项", "Power").to_owned(),
            c.power_code.clone(),
        ),
        (
            tr.pick("专业", "Domain").to_owned(),
            tr.pick(c.domain.name_zh(), c.domain.code()).to_owned(),
        ),
        (
            tr.pick("案源", "Source").to_owned(),
            c.source.name_zh().to_owned(),
        ),
        (
            tr.pick("违法行为日期", "Act date").to_owned(),
            c.act_date.to_string(),
        ),
        (
            tr.pick("承办机构", "Agency").to_owned(),
            view.agency_name.clone(),
        ),
    ];
    if !c.handlers.is_empty() {
        facts.push((
            tr.pick("办案人员", "Handlers").to_owned(),
            c.handlers
                .iter()
                .map(|h| name_of(*h))
                .collect::<Vec<_>>()
                .join("、"),
        ));
    }
    if let Some(p) = &c.proposal {
        facts.push((
            tr.pick("处理意见", "Proposal").to_owned(),
            format!(
                "{}；{}",
                p.outcome.name_zh(),
                if p.fine.fen() > 0 {
                    format!("罚款 {}", p.fine)
                } else {
                    p.other_penalties.clone()
                }
            ),
        ));
        if let Some(b) = &p.band {
            facts.push((
                tr.pick("裁量基准", "Benchmark").to_owned(),
                format!(
                    "{} {} – {}（第 {} 版，{}）",
                    b.circumstance.name_zh(),
                    b.min,
                    b.max,
                    b.version,
                    b.citation
                ),
            ));
        }
    }
    facts.push((
        tr.pick("法制审核", "Legal review").to_owned(),
        match (c.review_required, c.review_state) {
            (_, ReviewState::Passed) => tr.pick("已通过", "passed").to_owned(),
            (_, ReviewState::Pending) => tr.pick("审核中", "pending").to_owned(),
            (_, ReviewState::Returned) => tr.pick("已退回补正", "returned").to_owned(),
            (true, ReviewState::NotRequested) => tr
                .pick("须审核，尚未提请", "required, not yet requested")
                .to_owned(),
            (false, ReviewState::NotRequested) => tr.pick("非必须", "not required").to_owned(),
        },
    ));
    if let Some(d) = &c.decision {
        facts.push((
            tr.pick("决定", "Decision").to_owned(),
            format!(
                "{} {}（{}）",
                d.number,
                if d.fine.fen() > 0 {
                    format!("罚款 {}", d.fine)
                } else {
                    d.other_penalties.clone()
                },
                d.on
            ),
        ));
    }
    if c.fine().fen() > 0 {
        facts.push((
            tr.pick("已缴", "Paid").to_owned(),
            format!("{} / {}", c.paid(), c.fine()),
        ));
    }
    let mut deadlines = Vec::new();
    let mut push = |label: &str, due: Option<jiff::civil::Date>, rule: &str, open: bool| {
        if let Some(d) = due {
            let s = d.to_string();
            let provisional = c.flags.iter().any(|f| {
                matches!(f, Flag::ProvisionalDeadline { rule_id, due, .. } if rule_id == rule && *due == d)
            });
            deadlines.push(Deadline {
                label: label.to_owned(),
                class: if open { due_class(&s, today) } else { "ok" },
                due: s,
                rule: rule.to_owned(),
                provisional,
                unconfirmed: false,
            });
        }
    };
    let deciding = matches!(
        c.stage,
        Stage::Investigation | Stage::Proposed | Stage::Review | Stage::Notice | Stage::Hearing
    );
    push(
        tr.pick("追责时效", "Limitation"),
        c.limitation_ends.filter(|_| c.filed_on.is_none()),
        "ap_limitation",
        c.stage == Stage::Intake,
    );
    push(
        tr.pick("作出决定", "Decision due"),
        c.decision_due,
        "hp_decision_deadline",
        deciding,
    );
    for p in &c.preservations {
        push(
            tr.pick("先行登记保存处理", "Preservation decision"),
            p.due,
            "ap_evidence_preservation",
            p.handled_on.is_none(),
        );
    }
    if let Some(n) = &c.notice {
        push(
            tr.pick("陈述申辩期", "Statement period"),
            n.statement_until,
            "ap_statement_period",
            c.stage == Stage::Notice,
        );
        push(
            tr.pick("听证申请期", "Hearing request period"),
            n.hearing_request_until,
            "ap_hearing_request",
            c.stage == Stage::Notice,
        );
    }
    push(
        tr.pick("送达", "Service due"),
        c.service_due,
        "ap_service",
        c.stage == Stage::Decided,
    );
    push(
        tr.pick("缴款", "Payment due"),
        c.deferral_until.or(c.payment_due),
        "ap_payment_deadline",
        c.stage == Stage::Execution,
    );
    push(
        tr.pick("当场处罚备案", "Summary filing"),
        c.summary_filing_due,
        "ap_summary_filing",
        c.stage == Stage::Summary,
    );
    push(
        tr.pick("申请强制执行", "Court enforcement by"),
        c.court_application_due,
        "ac_court_application",
        matches!(c.stage, Stage::Execution | Stage::Enforcement)
            && c.court_application_on.is_none(),
    );
    if let Some(p) = &c.publication {
        push(
            tr.pick("公示", "Publication"),
            p.due,
            "pub_permit_penalty_7wd",
            p.published_on.is_none() && c.alteration.is_none(),
        );
        push(
            tr.pick("撤回公示", "Withdrawal"),
            p.withdrawal_due,
            "pub_withdraw_3d",
            p.withdrawn_on.is_none(),
        );
    }
    if let Some(a) = &c.alteration {
        facts.push((
            tr.pick("决定变动", "Decision altered").to_owned(),
            format!("{}：{}（{}）", a.kind.name_zh(), a.reason, a.on),
        ));
    }
    let number = c
        .decision
        .as_ref()
        .map_or_else(|| format!("#{}", view.id), |d| d.number.clone());
    let documents = documents_of(c);
    CasePage {
        t: tr,
        nav: Nav::new(tr, Some(&user.auth), "/cases"),
        id: view.id,
        title: format!("{} · {}", c.party.name, c.summary),
        number,
        stage: stage_name(tr, c.stage),
        stage_code: c.stage.code(),
        procedure: tr.pick(
            c.procedure.name_zh(),
            if c.procedure == fazhi_domain::case::Procedure::Summary {
                "summary procedure"
            } else {
                "ordinary procedure"
            },
        ),
        facts,
        progress: progress(c),
        deadlines,
        flags: c.flags.iter().map(|f| flag_text(tr, f)).collect(),
        forms: if cases::acts_on_cases(actor.role) {
            forms_for(
                tr,
                c,
                actor.role,
                actor.user_id,
                handlers,
                &today.to_string(),
            )
        } else {
            Vec::new()
        },
        version: view.version,
        csrf: user.auth.csrf_token.clone().unwrap_or_default(),
        error,
        evidence: c
            .evidence
            .iter()
            .map(|e| {
                (
                    e.kind.name_zh().to_owned(),
                    e.title.clone(),
                    e.sha256.clone().unwrap_or_default(),
                )
            })
            .collect(),
        documents: documents
            .into_iter()
            .map(|d| (d.code(), d.title()))
            .collect(),
        timeline: events
            .iter()
            .rev()
            .map(|e| {
                let payload: serde_json::Value =
                    serde_json::from_str(&e.payload_json).unwrap_or_default();
                let command = payload["command"].as_str().unwrap_or_default();
                let what = match (EventKind::parse(&e.kind), command) {
                    (Some(EventKind::CaseOpened), _) => {
                        tr.pick("案件受理/当场处罚", "opened").to_owned()
                    }
                    (_, code) => step_name(code).to_owned(),
                };
                TimelineRow {
                    id: e.id,
                    time: format_instant_cst(e.at_us),
                    what,
                    who: e.actor_user_id.map(&name_of).unwrap_or_default(),
                    verified: None,
                }
            })
            .collect(),
    }
}

pub(super) fn step_name(code: &str) -> &'static str {
    match code {
        "file" => "立案",
        "decline_filing" => "不予立案",
        "add_evidence" => "调查取证",
        "preserve" => "先行登记保存",
        "handle_preservation" => "先行登记保存处理",
        "propose_outcome" => "提出处理意见",
        "submit_for_review" => "提请法制审核",
        "record_review" => "法制审核意见",
        "record_discussion" => "集体讨论",
        "send_notice" => "送达事先告知书",
        "record_statement" => "陈述申辩",
        "waive_rights" => "放弃陈述申辩",
        "request_hearing" => "申请听证",
        "schedule_hearing" => "听证通知",
        "record_hearing" => "听证",
        "extend_decision_deadline" => "延长办案期限",
        "decide" => "作出决定",
        "serve" => "送达决定书",
        "record_payment" => "缴纳罚款",
        "approve_deferral" => "批准延期缴纳",
        "send_demand" => "催告",
        "apply_to_court" => "申请强制执行",
        "record_court_result" => "法院执行结果",
        "approve_transfer" => "批准移送",
        "record_transferred" => "移送公安机关",
        "record_police_feedback" => "公安机关受理反馈",
        "file_summary" => "当场处罚备案",
        "close" => "结案",
        "archive" => "归档",
        _ => "办案步骤",
    }
}

pub(super) async fn case_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Query(q): Query<CaseQuery>,
) -> Response {
    let _ = q.done;
    render_case(&state, &user, id, None, StatusCode::OK).await
}

pub(super) async fn take_step(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: String,
) -> Response {
    let tr = user.tr;
    // Authorization first: a refused role learns nothing about the case.
    if let Err(e) = authorize(&user.auth.actor(), Action::HandleCases, None) {
        return PageError::new(e.into(), tr.lang).into_response();
    }
    // Repeated fields (handlers, officers, checklist) need a parser that keeps them all.
    let input = match parse_step_form(&body) {
        Ok(i) => i,
        Err(e) => return PageError::new(e, tr.lang).into_response(),
    };
    match cases::act(&state.app, &user.auth.actor(), id, &input).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Refused { .. })) => {
            render_case(
                &state,
                &user,
                id,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e @ AppError::Conflict { .. }) => {
            render_case(
                &state,
                &user,
                id,
                Some(tr.pick(&e.message_zh(), &e.message_en()).to_owned()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => PageError::new(e, tr.lang).into_response(),
    }
}

/// A urlencoded step form into [`StepInput`], keeping repeated fields.
pub fn parse_step_form(body: &str) -> Result<StepInput, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body)
        .map_err(|_| AppError::invalid("form", "表单无法解析", "the form cannot be read"))?;
    let mut map = serde_json::Map::new();
    for (k, v) in pairs {
        if k == "csrf" {
            continue;
        }
        if matches!(k.as_str(), "handlers" | "officers" | "checklist") {
            let entry = map
                .entry(k)
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
            if let serde_json::Value::Array(a) = entry {
                a.push(serde_json::Value::String(v));
            }
        } else if k == "version" {
            let n: i64 = v
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("version", "版本号无效", "bad version"))?;
            map.insert(k, serde_json::Value::from(n));
        } else {
            map.insert(k, serde_json::Value::String(v));
        }
    }
    serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
        AppError::invalid(
            "form",
            format!("表单字段不完整：{e}"),
            format!("the form is incomplete: {e}"),
        )
    })
}

//! Public notices of decisions (双公示): the back office's side (register a
//! permit decision, publish, withdraw, record credit repair and the party's
//! reply, the expiry sweep) and the public's side (list, search, detail).
//!
//! A penalty notice mirrors its case: [`sync_case`] runs inside every case
//! step's transaction, so the decision that marks a case for publication
//! creates the notice, and publishing or withdrawing it is the case's own
//! step (`record_published`, `record_withdrawn`) — the case step's event is
//! the event of both. A permit notice has no case and logs its own events.
//!
//! Everything the public reads passes through [`crate::public`]'s one
//! redaction point, with the party's name as a known person when the party
//! is a citizen; the search index only ever sees the redacted text.

use crate::cases::{self, StepInput};
use crate::public::{self, Table};
use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::case::{Case, Ctx, PartyKind};
use fazhi_domain::notice::{self, Command, Notice, NoticeKind, NoticeState};
use fazhi_domain::redact::redact_text;
use fazhi_domain::registry::SupervisionDomain;
use fazhi_domain::role::Role;
pub use fazhi_store::notices::NoticeRow;
use fazhi_store::notices::{self as store, Lifecycle, NewNotice, PublicFilter};
use jiff::civil::Date;

/// Rows per page of the public list and the back-office list.
pub const PAGE_ROWS: i64 = 20;
/// Notices the expiry sweep takes down per transaction.
const SWEEP_BATCH: i64 = 500;

/// A notice as the back office sees it.
#[derive(Debug, Clone)]
pub struct NoticeView {
    pub row: NoticeRow,
    pub notice: Notice,
    pub overdue: bool,
    pub published_late: bool,
    pub withdrawn_late: bool,
    /// On the public site today.
    pub public: bool,
    /// Re-timings of the publicity period (filled on the notice's own page).
    pub retimings: Vec<Retiming>,
}

fn date_text(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn life_of(n: &Notice) -> Lifecycle {
    Lifecycle {
        state: n.state.code().to_owned(),
        due_on: date_text(n.due),
        published_on: date_text(n.published_on),
        shortest_until: date_text(n.shortest_until),
        until_on: date_text(n.until),
        withdrawal_due: date_text(n.withdrawal_due),
        taken_down_on: date_text(n.taken_down_on),
        reason: n.reason.clone(),
        reply: n.reply.clone(),
    }
}

fn notice_of(row: &NoticeRow) -> Result<Notice, AppError> {
    let bad = |what: &str| AppError::Internal(format!("notice {}: bad {what}", row.id));
    let date = |s: &str| -> Result<Option<Date>, AppError> {
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse::<Date>().map(Some).map_err(|_| bad("date"))
        }
    };
    Ok(Notice {
        kind: NoticeKind::parse(&row.kind).ok_or_else(|| bad("kind"))?,
        state: NoticeState::parse(&row.state).ok_or_else(|| bad("state"))?,
        decided_on: date(&row.decided_on)?.ok_or_else(|| bad("decision date"))?,
        due: date(&row.due_on)?,
        published_on: date(&row.published_on)?,
        shortest_until: date(&row.shortest_until)?,
        until: date(&row.until_on)?,
        withdrawal_due: date(&row.withdrawal_due)?,
        taken_down_on: date(&row.taken_down_on)?,
        reason: row.reason.clone(),
        reply: row.reply.clone(),
    })
}

fn view(row: NoticeRow, today: Date) -> Result<NoticeView, AppError> {
    let notice = notice_of(&row)?;
    Ok(NoticeView {
        overdue: notice.overdue(today),
        published_late: notice.published_late(),
        withdrawn_late: notice::withdrawn_late(&notice),
        public: notice.is_public(today),
        notice,
        row,
        retimings: Vec::new(),
    })
}

/// The text the search index reads: the public fields, already redacted, so
/// that a citizen's name can never be found by searching for it.
fn search_text(n: &NewNotice<'_>, agency_name: &str) -> String {
    let people: Vec<&str> = if n.party_kind == "citizen" {
        vec![n.party_name]
    } else {
        vec![]
    };
    let text = [
        n.number,
        n.title,
        n.party_name,
        n.party_code,
        n.facts,
        n.basis,
        n.content,
        agency_name,
    ]
    .join(" ");
    fazhi_text::search_tokens(&redact_text(&text, &people).text)
}

/// What a penalty decision imposes, in words: 罚款 5,000 元；没收违法所得 …；警告.
fn penalty_content(case: &Case) -> String {
    let Some(d) = case.decision.as_ref() else {
        return String::new();
    };
    let mut parts = Vec::new();
    if d.fine.fen() > 0 {
        parts.push(format!("罚款人民币 {} 元", d.fine.format()));
    }
    if d.confiscation.fen() > 0 {
        parts.push(format!("没收违法所得 {} 元", d.confiscation.format()));
    }
    if !d.other_penalties.trim().is_empty() {
        parts.push(d.other_penalties.trim().to_owned());
    }
    parts.join("；")
}

/// The publicity class of a case's penalty decision (on the decision date).
fn class_of(ctx: &Ctx<'_>, case: &Case) -> Result<notice::PenaltyClass, AppError> {
    let Some(d) = case.decision.as_ref() else {
        return Err(AppError::Internal(
            "a penalty notice without a decision".into(),
        ));
    };
    Ok(notice::classify(
        ctx,
        d.on,
        case.procedure == fazhi_domain::case::Procedure::Summary,
        d.fine,
        d.confiscation,
        &d.other_penalties,
    )?)
}

/// Keep a case's notice in step with the case, inside the case step's
/// transaction: a decision marked for publication creates the notice; the
/// case's `record_published` publishes it; a change, revocation or
/// annulment withdraws it (a pending one silently, a published one with the
/// public statement of why).
pub(crate) async fn sync_case(
    app: &App,
    tx: &mut fazhi_store::Tx,
    ctx: &Ctx<'_>,
    view: &cases::CaseView,
    case: &Case,
) -> Result<(), AppError> {
    let (case_id, agency_id, agency_path, agency_name) = (
        view.id,
        view.agency_id,
        &view.agency_path,
        view.agency_name.as_str(),
    );
    let (Some(publication), Some(decision)) = (case.publication.as_ref(), case.decision.as_ref())
    else {
        return Ok(());
    };
    let now = app.now_us();
    let existing = store::of_case(tx, case_id).await?;
    let Some(row) = existing else {
        let class = class_of(ctx, case)?;
        let period = notice::penalty_period(ctx, class, decision.on)?;
        let mut n = Notice::new(ctx, NoticeKind::Penalty, decision.on, Some(period));
        // The case fixed the due date when it decided; keep the one it shows.
        n.due = publication.due.or(n.due);
        let basis =
            fazhi_store::registry::power_for(&app.db, agency_path, &case.power_code, "penalty")
                .await?
                .map(|(name, basis)| format!("{name}（{basis}）"))
                .unwrap_or_else(|| case.power_code.clone());
        let (party_kind, party_code) = match case.party.kind {
            PartyKind::Organisation => ("organisation", case.party.id_number.as_str()),
            // A citizen's ID number never reaches the notice.
            PartyKind::Citizen => ("citizen", ""),
        };
        let content = penalty_content(case);
        let year = i64::from(decision.on.year());
        let decided_on = decision.on.to_string();
        let new = NewNotice {
            agency_id,
            kind: NoticeKind::Penalty.code(),
            case_id,
            number: &decision.number,
            decided_on: &decided_on,
            year,
            domain: case.domain.code(),
            party_name: &case.party.name,
            party_kind,
            party_code,
            title: &case.summary,
            facts: &case.summary,
            basis: &basis,
            content: &content,
            search_tokens: "",
        };
        let tokens = search_text(&new, agency_name);
        let new = NewNotice {
            search_tokens: &tokens,
            ..new
        };
        store::insert(tx, &new, &life_of(&n), now).await?;
        return Ok(());
    };
    let current = notice_of(&row)?;
    let mut next = current.clone();
    if publication.published_on.is_some() && next.state == NoticeState::Pending {
        next = notice::apply(&next, &Command::Publish, ctx)?;
    }
    if let Some(alteration) = case.alteration.as_ref() {
        let reason = format!(
            "原决定已{}：{}",
            alteration.kind.name_zh(),
            alteration.reason.trim()
        );
        let withdraw = Command::Withdraw {
            altered_on: alteration.on,
            reason,
        };
        // A pending notice goes as soon as the decision is altered; a
        // published one when the case records the withdrawal.
        let due_now = match next.state {
            NoticeState::Pending => true,
            NoticeState::Published => publication.withdrawn_on.is_some(),
            NoticeState::Expired | NoticeState::Repaired | NoticeState::Withdrawn => false,
        };
        if due_now {
            next = notice::apply(&next, &withdraw, ctx)?;
        }
    }
    if next != current
        && !store::update_lifecycle(tx, row.id, row.version, &life_of(&next), now).await?
    {
        return Err(stale());
    }
    Ok(())
}

fn stale() -> AppError {
    AppError::Conflict {
        zh: "公示已被他人处理（版本已变化），本次操作未保存；请刷新后重试".into(),
        en: "someone else changed the notice (its version changed); nothing was saved — reload and try again".into(),
    }
}

/// A permit decision to publish (行政许可决定公示), entered by the office
/// that made it: the licensing item must be on the agency's power list.
#[derive(Debug, Clone, Default)]
pub struct PermitInput {
    pub power_code: String,
    pub number: String,
    pub decided_on: String,
    pub party_name: String,
    /// `organisation` or `citizen`.
    pub party_kind: String,
    /// USCC (organisations only).
    pub party_code: String,
    pub domain: String,
    pub content: String,
}

fn required(field: &'static str, zh: &str, value: &str) -> Result<String, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::invalid(
            field,
            format!("请填写“{zh}”"),
            format!("'{field}' is required"),
        ));
    }
    Ok(v.to_owned())
}

/// Register a permit decision for publication. Returns the notice id.
pub async fn register_permit(
    app: &App,
    actor: &Actor,
    input: &PermitInput,
) -> Result<i64, AppError> {
    authorize(actor, Action::ManageNotices, None)?;
    let number = required("number", "许可决定文号", &input.number)?;
    let party = required("party_name", "被许可人", &input.party_name)?;
    let content = required("content", "许可内容", &input.content)?;
    let code = required("power_code", "许可事项", &input.power_code)?;
    let decided_on = crate::law::parse_date("decided_on", &input.decided_on)?;
    let today = crate::registry::today_cst(app);
    if decided_on > today {
        return Err(AppError::invalid(
            "decided_on",
            "许可决定日期不能晚于今天",
            "the decision date cannot be after today",
        ));
    }
    let domain = SupervisionDomain::parse(input.domain.trim()).ok_or_else(|| {
        AppError::invalid("domain", "请选择监管领域", "choose a supervision domain")
    })?;
    let (party_kind, party_code) = match input.party_kind.as_str() {
        "organisation" => {
            let uscc = required("party_code", "统一社会信用代码", &input.party_code)?;
            fazhi_domain::ident::Uscc::parse(&uscc).map_err(|e| {
                AppError::invalid(
                    "party_code",
                    format!("统一社会信用代码有误：{e}"),
                    format!("the unified social credit code is wrong: {e}"),
                )
            })?;
            ("organisation", uscc)
        }
        "citizen" => ("citizen", String::new()),
        _ => {
            return Err(AppError::invalid(
                "party_kind",
                "请选择被许可人类型（单位或个人）",
                "choose whether the permit holder is an organisation or a citizen",
            ));
        }
    };
    let (power_name, basis) =
        fazhi_store::registry::power_for(&app.db, &actor.agency_path, &code, "permit")
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "power_code",
                    format!("“{code}”不是本机关权责清单中的行政许可事项（《行政许可法》第三十条）"),
                    format!("'{code}' is not a licensing item on the agency's power list (Administrative Licensing Law art. 30)"),
                )
            })?;
    let agency = fazhi_store::agencies::get(&app.db, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "机构",
            en: "agency",
        })?;
    let jurisdiction = cases::province_of(&agency.region_code);
    let cal = crate::law::calendar_for(app, Some(&actor.agency_path)).await?;
    let ctx = cases::ctx(app, actor, &cal, &jurisdiction);
    let n = Notice::new(&ctx, NoticeKind::Permit, decided_on, None);
    let decided = decided_on.to_string();
    let basis = format!("{power_name}（{basis}）");
    let title = format!("{party}{power_name}");
    let new = NewNotice {
        agency_id: actor.agency_id,
        kind: NoticeKind::Permit.code(),
        case_id: 0,
        number: &number,
        decided_on: &decided,
        year: i64::from(decided_on.year()),
        domain: domain.code(),
        party_name: &party,
        party_kind,
        party_code: &party_code,
        title: &title,
        facts: "",
        basis: &basis,
        content: &content,
        search_tokens: "",
    };
    let tokens = search_text(&new, &agency.name);
    let new = NewNotice {
        search_tokens: &tokens,
        ..new
    };
    let mut tx = app.db.begin().await?;
    let id = store::insert(&mut tx, &new, &life_of(&n), app.now_us()).await?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        EventKind::NoticeCreated,
        format!("notice:{id}"),
        serde_json::json!({ "kind": "permit", "number": number, "decided_on": decided, "due": date_text(n.due) }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn load(app: &App, actor: &Actor, id: i64) -> Result<NoticeRow, AppError> {
    // The role first: a refused role learns nothing, not even whether the id exists.
    authorize(actor, Action::ManageNotices, None)?;
    let row = store::get(&app.db, id).await?.ok_or(AppError::NotFound {
        zh: "公示",
        en: "notice",
    })?;
    let path = AgencyPath::parse(&row.agency_path)
        .ok_or_else(|| AppError::Internal(format!("notice {}: bad agency path", row.id)))?;
    authorize(actor, Action::ManageNotices, Some(&path))?;
    Ok(row)
}

/// One notice for the back office.
pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<NoticeView, AppError> {
    let row = load(app, actor, id).await?;
    let mut v = view(row, crate::registry::today_cst(app))?;
    v.retimings = retimings(app, id).await?;
    Ok(v)
}

/// Notices of the actor's scope, pending (by due date) first; `state` filters.
pub async fn list(app: &App, actor: &Actor, state: &str) -> Result<Vec<NoticeView>, AppError> {
    authorize(actor, Action::ManageNotices, None)?;
    let state = NoticeState::parse(state).map(|s| s.code()).unwrap_or("");
    let today = crate::registry::today_cst(app);
    store::in_scope(&app.db, actor.agency_path.as_str(), state, 500)
        .await?
        .into_iter()
        .map(|r| view(r, today))
        .collect()
}

/// Counts by state in the actor's scope.
pub async fn counts(app: &App, actor: &Actor) -> Result<Vec<(String, i64)>, AppError> {
    authorize(actor, Action::ManageNotices, None)?;
    Ok(store::state_counts(&app.db, actor.agency_path.as_str()).await?)
}

/// A step on a notice from the back office.
#[derive(Debug, Clone, Default)]
pub struct NoticeStep {
    /// `publish`, `withdraw`, `repair` or `reply`.
    pub command: String,
    pub version: i64,
    /// The withdrawal reason, repair note or reply text.
    pub text: String,
}

/// Take a step. A penalty notice is published and withdrawn through its
/// case (so case and notice never disagree); everything else is the
/// notice's own step with its own event. Credit repair is the heads'.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: i64,
    step: &NoticeStep,
) -> Result<NoticeView, AppError> {
    let row = load(app, actor, id).await?;
    if row.version != step.version {
        return Err(stale());
    }
    let kind = NoticeKind::parse(&row.kind);
    let case = if kind == Some(NoticeKind::Penalty)
        && matches!(step.command.as_str(), "publish" | "withdraw")
    {
        Some(cases::get(app, actor, row.case_id).await?)
    } else {
        None
    };
    // An archived case file is read-only (《行政处罚法》第四十七条): a notice
    // published after archiving is the notice's own step, late and logged.
    if let Some(case) = case.filter(|c| c.case.stage != fazhi_domain::case::Stage::Archived) {
        let input = StepInput {
            command: if step.command == "publish" {
                "record_published".into()
            } else {
                "record_withdrawn".into()
            },
            version: case.version,
            ..StepInput::default()
        };
        cases::act(app, actor, row.case_id, &input).await?;
        return get(app, actor, id).await;
    }
    let current = notice_of(&row)?;
    let today = crate::registry::today_cst(app);
    let cmd = match step.command.as_str() {
        "publish" => Command::Publish,
        "withdraw" => Command::Withdraw {
            altered_on: today,
            reason: step.text.clone(),
        },
        "repair" => {
            authorize(actor, Action::RepairCredit, None)?;
            Command::Repair {
                note: step.text.clone(),
            }
        }
        "reply" => Command::Reply {
            text: step.text.clone(),
        },
        other => {
            return Err(AppError::invalid(
                "command",
                format!("未知的公示操作“{other}”"),
                format!("unknown notice step '{other}'"),
            ));
        }
    };
    let path = AgencyPath::parse(&row.agency_path)
        .ok_or_else(|| AppError::Internal(format!("notice {}: bad agency path", row.id)))?;
    let jurisdiction = cases::jurisdiction_of(app, row.agency_id).await?;
    let cal = crate::law::calendar_for(app, Some(&path)).await?;
    let ctx = cases::ctx(app, actor, &cal, &jurisdiction);
    let next = notice::apply(&current, &cmd, &ctx)?;
    let mut tx = app.db.begin().await?;
    if !store::update_lifecycle(&mut tx, id, row.version, &life_of(&next), app.now_us()).await? {
        return Err(stale());
    }
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(row.agency_id),
        EventKind::NoticeStep,
        format!("notice:{id}"),
        serde_json::json!({
            "command": cmd.code(), "from": current.state.code(), "to": next.state.code(),
            "version": row.version + 1,
        }),
    )
    .await?;
    tx.commit().await?;
    get(app, actor, id).await
}

/// Take down every published notice whose period has ended (run at start
/// and periodically by the server). The public list already hides them by
/// date; the sweep records the take-down in the notice and in the log, one
/// event per notice. Returns how many came down.
pub async fn sweep_expired(app: &App) -> Result<usize, AppError> {
    let today = crate::registry::today_cst(app);
    let mut done = 0;
    loop {
        let rows = store::expired(&app.db, &today.to_string(), SWEEP_BATCH).await?;
        if rows.is_empty() {
            return Ok(done);
        }
        let mut tx = app.db.begin().await?;
        for row in &rows {
            let current = notice_of(row)?;
            let path = AgencyPath::parse(&row.agency_path)
                .ok_or_else(|| AppError::Internal(format!("notice {}: bad agency path", row.id)))?;
            let cal = crate::law::calendar_for(app, Some(&path)).await?;
            let jurisdiction = cases::jurisdiction_of(app, row.agency_id).await?;
            let ctx = Ctx {
                today,
                actor: 0,
                role: Role::SystemAdmin,
                rules: &app.law.rules,
                calendar: &cal,
                jurisdiction: &jurisdiction,
            };
            let next = notice::apply(&current, &Command::Expire, &ctx)?;
            if !store::update_lifecycle(&mut tx, row.id, row.version, &life_of(&next), app.now_us())
                .await?
            {
                // Changed meanwhile: the next sweep looks at it again.
                continue;
            }
            app.log(
                &mut tx,
                None,
                Some(row.agency_id),
                EventKind::NoticeStep,
                format!("notice:{}", row.id),
                serde_json::json!({
                    "command": "expire", "from": "published", "to": "expired",
                    "until": row.until_on, "version": row.version + 1,
                }),
            )
            .await?;
            done += 1;
        }
        tx.commit().await?;
    }
}

/// One re-timing of a notice's publicity period, as the notice page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retiming {
    /// The day it was re-timed (China Standard Time).
    pub on: String,
    pub rule_id: String,
    pub shortest_from: String,
    pub shortest_to: String,
    pub until_from: String,
    pub until_to: String,
}

/// The re-timings logged for notice `id`, oldest first.
async fn retimings(app: &App, id: i64) -> Result<Vec<Retiming>, AppError> {
    let events = fazhi_store::events::for_subject(&app.db, &format!("notice:{id}")).await?;
    Ok(events
        .into_iter()
        .filter_map(|e| {
            let p: serde_json::Value = serde_json::from_str(&e.payload_json).ok()?;
            (p["command"] == "retime").then(|| {
                let text = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
                Retiming {
                    on: jiff::Timestamp::from_microsecond(e.at_us)
                        .map(|ts| {
                            ts.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(8)))
                                .date()
                                .to_string()
                        })
                        .unwrap_or_default(),
                    rule_id: text("rule"),
                    shortest_from: text("shortest_from"),
                    shortest_to: text("shortest_to"),
                    until_from: text("until_from"),
                    until_to: text("until_to"),
                }
            })
        })
        .collect())
}

/// Put right the publicity periods of penalty notices still pending or up:
/// each gets the period of the credit rule in force on its decision date
/// (`cred_publicity_period_2026` from 2026-04-01, 《信用修复管理办法》),
/// where that shortens it — a notice set for 3 years under the 2023 rule
/// after that rule ended comes down after 1 year, a warning-only decision is
/// taken down by the next sweep. One event per notice changed, in the same
/// transaction as its change; run at start and by `fazhi notices retime`.
/// Returns how many notices changed.
pub async fn retime_periods(app: &App) -> Result<usize, AppError> {
    let today = crate::registry::today_cst(app);
    let mut after = 0;
    let mut done = 0;
    loop {
        let rows = store::open_penalties(&app.db, after, SWEEP_BATCH).await?;
        let Some(last) = rows.last() else {
            return Ok(done);
        };
        after = last.id;
        let mut tx = app.db.begin().await?;
        for row in &rows {
            let Some(stored) = fazhi_store::cases::get(&app.db, row.case_id).await? else {
                continue;
            };
            let case: Case = serde_json::from_str(&stored.state_json)
                .map_err(|e| AppError::Internal(format!("case {}: {e}", row.case_id)))?;
            let current = notice_of(row)?;
            let path = AgencyPath::parse(&row.agency_path)
                .ok_or_else(|| AppError::Internal(format!("notice {}: bad agency path", row.id)))?;
            let cal = crate::law::calendar_for(app, Some(&path)).await?;
            let jurisdiction = cases::jurisdiction_of(app, row.agency_id).await?;
            let ctx = Ctx {
                today,
                actor: 0,
                role: Role::SystemAdmin,
                rules: &app.law.rules,
                calendar: &cal,
                jurisdiction: &jurisdiction,
            };
            let class = class_of(&ctx, &case)?;
            let right = notice::penalty_period(&ctx, class, current.decided_on)?;
            let Some((shortest, until)) = notice::retimed(&current, right) else {
                continue;
            };
            let next = Notice {
                shortest_until: Some(shortest),
                until: Some(until),
                ..current.clone()
            };
            if !store::update_lifecycle(&mut tx, row.id, row.version, &life_of(&next), app.now_us())
                .await?
            {
                // Changed meanwhile: the next run looks at it again.
                continue;
            }
            app.log(
                &mut tx,
                None,
                Some(row.agency_id),
                EventKind::NoticeStep,
                format!("notice:{}", row.id),
                serde_json::json!({
                    "command": "retime", "rule": right.rule_id, "class": format!("{class:?}"),
                    "shortest_from": row.shortest_until, "shortest_to": shortest.to_string(),
                    "until_from": row.until_on, "until_to": until.to_string(),
                    "version": row.version + 1,
                }),
            )
            .await?;
            done += 1;
        }
        tx.commit().await?;
    }
}

/// What the public asks the notice list for.
#[derive(Debug, Clone, Default)]
pub struct PublicQuery {
    pub q: String,
    pub year: i64,
    pub agency_id: i64,
    pub domain: String,
    pub kind: String,
    pub before_id: i64,
}

/// One page of the public list: the redacted table (dataset
/// [`public::NOTICES`]), the notice ids of its rows, and the `before` of the
/// next page when there is one.
pub struct PublicPage {
    pub table: Table,
    pub ids: Vec<i64>,
    pub next_before: Option<i64>,
}

/// The public list: notices on the public site today and withdrawal
/// statements, newest first, filtered and searched.
pub async fn public_page(app: &App, q: &PublicQuery) -> Result<PublicPage, AppError> {
    let text = if q.q.trim().is_empty() {
        None
    } else {
        let built = match app.db.backend() {
            fazhi_store::Backend::Sqlite => fazhi_text::fts5_match(&q.q),
            fazhi_store::Backend::Postgres => fazhi_text::tsquery(&q.q),
        };
        // A query with no searchable term (only punctuation) finds nothing
        // rather than everything.
        let Some(built) = built else {
            return Ok(PublicPage {
                table: public::notices_table(&[]),
                ids: Vec::new(),
                next_before: None,
            });
        };
        Some(built)
    };
    let filter = PublicFilter {
        year: q.year,
        agency_id: q.agency_id,
        domain: SupervisionDomain::parse(&q.domain)
            .map(|d| d.code().to_owned())
            .unwrap_or_default(),
        kind: NoticeKind::parse(&q.kind)
            .map(|k| k.code().to_owned())
            .unwrap_or_default(),
        text,
        before_id: q.before_id.max(0),
    };
    let today = crate::registry::today_cst(app).to_string();
    let mut rows = store::public_page(&app.db, &filter, &today, PAGE_ROWS + 1).await?;
    let next_before = if rows.len() > PAGE_ROWS as usize {
        rows.truncate(PAGE_ROWS as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    let ids = rows.iter().map(|r| r.id).collect();
    Ok(PublicPage {
        table: public::notices_table(&rows),
        ids,
        next_before,
    })
}

/// One notice for the public, or `None` when it is not public (pending,
/// taken down, or withdrawn before it was ever published): a notice that
/// is not public does not exist for the public.
pub async fn public_get(app: &App, id: i64) -> Result<Option<Table>, AppError> {
    let Some(row) = store::get(&app.db, id).await? else {
        return Ok(None);
    };
    let n = notice_of(&row)?;
    let today = crate::registry::today_cst(app);
    if !(n.is_public(today) || n.shows_withdrawal()) {
        return Ok(None);
    }
    Ok(Some(public::notices_table(std::slice::from_ref(&row))))
}

/// Years with public notices, newest first.
pub async fn public_years(app: &App) -> Result<Vec<i64>, AppError> {
    Ok(store::years(&app.db).await?)
}

/// Every notice the public may see today, newest first (the open-data export).
pub async fn public_all(app: &App) -> Result<Table, AppError> {
    let today = crate::registry::today_cst(app).to_string();
    let rows = store::public_page(&app.db, &PublicFilter::default(), &today, i64::MAX).await?;
    Ok(public::notices_table(&rows))
}

/// Agencies for the public filter: `(id, name)` in tree order.
pub async fn public_agencies(app: &App) -> Result<Vec<(i64, String)>, AppError> {
    Ok(fazhi_store::agencies::list_all(&app.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

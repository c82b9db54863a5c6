//! The public's requests: complaints and reports (投诉举报) and disclosure
//! requests (依申请公开). The public submits without an account and follows
//! its request with the tracking number (the bearer secret: only its hash is
//! stored); staff take the steps of `fazhi_domain::request` in their scope.
//!
//! Personal data: the requester's name and contacts are stored beside the
//! request, shown to staff of the agency's scope only, and never written to
//! the action log or shown on a public page.

use crate::registry::today_cst as today;
use crate::throttle::Limit;
use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::ident::PhoneNumber;
use fazhi_domain::request::{
    self, Answer, Command, Ctx, Kind, Link, Outcome, Request, Result_, Satisfaction, State,
    Submission, Tally,
};
use fazhi_store::requests::{self as store, Projection, Requester, StoredRequest};
use serde::Serialize;

pub use fazhi_store::requests::{RequestFilter, RequestListed};

const NOUN: (&str, &str) = ("诉求", "request");
/// Entropy of a tracking number: 80 bits as 20 hex characters; the first four
/// are shown to staff as a hint, so 64 unguessable bits remain.
pub const TRACKING_BYTES: usize = 10;
const HINT_HEX: usize = 4;
pub const SUBJECT_CHARS_MAX: usize = 100;
pub const CONTENT_CHARS_MAX: usize = 4000;
pub const NAME_CHARS_MAX: usize = 50;
pub const ADDRESS_CHARS_MAX: usize = 200;
pub const EMAIL_CHARS_MAX: usize = 100;
pub const TEXT_CHARS_MAX: usize = 4000;
pub const COMMENT_CHARS_MAX: usize = 500;
pub const LIST_ROWS_MAX: i64 = 500;

fn not_found() -> AppError {
    AppError::NotFound {
        zh: NOUN.0,
        en: NOUN.1,
    }
}

fn tracking_not_found() -> AppError {
    AppError::NotFound {
        zh: "查询码",
        en: "tracking number",
    }
}

fn bounded(
    field: &'static str,
    label: (&str, &str),
    text: &str,
    max: usize,
    required: bool,
) -> Result<String, AppError> {
    let t = text.trim();
    if required && t.is_empty() {
        return Err(AppError::invalid(
            field,
            format!("请填写{}", label.0),
            format!("enter the {}", label.1),
        ));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{}不超过 {max} 个字符", label.0),
            format!("the {} is at most {max} characters", label.1),
        ));
    }
    Ok(t.to_owned())
}

/// What the public form sends (strings from the edge).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SubmitInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub agency_id: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub concerning: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    /// A field people do not see and bots fill in: a filled one is refused.
    #[serde(default)]
    pub website: String,
}

/// A filed request: its tracking number, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    pub id: i64,
    pub tracking: String,
    pub kind: Kind,
    pub due_on: Option<String>,
    /// 暂定: the due date was computed on the provisional calendar.
    pub due_provisional: bool,
}

/// The agencies a requester may address (the public agency list).
pub async fn agencies(app: &App) -> Result<Vec<(i64, String)>, AppError> {
    Ok(fazhi_store::agencies::list_all(&app.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

/// Normalise a tracking number as typed (spaces, case, a missing dash).
pub fn normalize_tracking(text: &str) -> Option<String> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if !t.is_ascii() || t.len() != 2 + TRACKING_BYTES * 2 {
        return None;
    }
    let (prefix, hex) = t.split_at(2);
    let prefix = prefix.to_ascii_uppercase();
    let known = Kind::ALL.iter().any(|k| k.prefix() == prefix);
    (known && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| format!("{prefix}-{}", hex.to_ascii_lowercase()))
}

pub(crate) fn projection(r: &Request) -> Projection {
    let c = r.conclusion.as_ref();
    Projection {
        kind: r.kind.code().to_owned(),
        state: r.state.code().to_owned(),
        subject: r.subject.clone(),
        received_on: r.received_on.to_string(),
        due_on: r.due.as_ref().map(|d| d.on.to_string()).unwrap_or_default(),
        due_rule: r
            .due
            .as_ref()
            .map(|d| d.rule_id.clone())
            .unwrap_or_default(),
        concluded_on: c.map(|c| c.on.to_string()).unwrap_or_default(),
        result: c.map(|c| c.result.code().to_owned()).unwrap_or_default(),
        on_time: c.is_some_and(|c| c.on_time),
        assignee: r.assignee.unwrap_or(0),
        satisfaction: r
            .feedback
            .as_ref()
            .map(|f| f.level.code().to_owned())
            .unwrap_or_default(),
    }
}

/// The agency's calendar and province for the request machine.
async fn law_of(
    app: &App,
    agency_id: i64,
    path: &AgencyPath,
) -> Result<(fazhi_domain::calendar::Calendar, String), AppError> {
    let cal = crate::law::calendar_for(app, Some(path)).await?;
    let jurisdiction = crate::cases::jurisdiction_of(app, agency_id).await?;
    Ok((cal, jurisdiction))
}

fn validate(input: &SubmitInput) -> Result<(Submission, Requester), AppError> {
    let kind = Kind::parse(input.kind.trim()).ok_or_else(|| {
        AppError::invalid(
            "kind",
            "请选择类型（投诉、举报或政府信息公开申请）",
            "choose the kind (complaint, report or disclosure request)",
        )
    })?;
    let subject = bounded(
        "subject",
        ("事项标题", "subject"),
        &input.subject,
        SUBJECT_CHARS_MAX,
        true,
    )?;
    let content_label = if kind.is_disclosure() {
        (
            "所需信息的名称、文号或便于查询的特征描述",
            "description of the information sought",
        )
    } else {
        ("具体事实和诉求", "facts and what you ask for")
    };
    let content = bounded(
        "content",
        content_label,
        &input.content,
        CONTENT_CHARS_MAX,
        true,
    )?;
    let concerning = bounded(
        "concerning",
        ("被投诉举报的单位或个人", "party concerned"),
        &input.concerning,
        ADDRESS_CHARS_MAX,
        false,
    )?;
    // A report may be anonymous (举报可以匿名); a complaint and a disclosure
    // request need the requester's name and a way to reach them (第29条).
    let anonymous = kind == Kind::Report && input.name.trim().is_empty();
    let name = bounded(
        "name",
        ("姓名或名称", "name"),
        &input.name,
        NAME_CHARS_MAX,
        !anonymous,
    )?;
    let phone = if anonymous && input.phone.trim().is_empty() {
        String::new()
    } else {
        PhoneNumber::parse(&input.phone)
            .map_err(|e| {
                let msg = e.to_string();
                let (zh, en) = msg.split_once(" / ").unwrap_or((&msg, &msg));
                AppError::invalid("phone", format!("联系电话：{zh}"), format!("phone: {en}"))
            })?
            .as_str()
            .to_owned()
    };
    let email = bounded(
        "email",
        ("电子邮箱", "email"),
        &input.email,
        EMAIL_CHARS_MAX,
        false,
    )?;
    if !email.is_empty()
        && !email
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.'))
    {
        return Err(AppError::invalid(
            "email",
            "电子邮箱格式不正确",
            "the email address is not valid",
        ));
    }
    let address = bounded(
        "address",
        ("通信地址", "postal address"),
        &input.address,
        ADDRESS_CHARS_MAX,
        false,
    )?;
    Ok((
        Submission {
            kind,
            subject,
            content,
            concerning,
        },
        Requester {
            requester_name: name,
            requester_phone: phone,
            requester_email: email,
            requester_address: address,
        },
    ))
}

/// Filed requests allowed per client within `SUBMIT_WINDOW_S`.
pub const SUBMITS_PER_CLIENT_MAX: usize = 5;
/// Filed requests allowed from everyone together within `SUBMIT_WINDOW_S`:
/// each starts a statutory clock, so a flood from many addresses is bounded too.
pub const SUBMITS_TOTAL_MAX: usize = 200;
pub const SUBMIT_WINDOW_S: i64 = 15 * 60;

/// The limits one public submission counts against: its client's (when the
/// edge names one) and everyone's.
fn submit_limits(client: &str) -> Vec<Limit> {
    let mut limits = vec![Limit::new(
        "request-submit:*",
        SUBMITS_TOTAL_MAX,
        SUBMIT_WINDOW_S,
    )];
    if !client.is_empty() {
        limits.push(Limit::new(
            format!("request-submit:{client}"),
            SUBMITS_PER_CLIENT_MAX,
            SUBMIT_WINDOW_S,
        ));
    }
    limits
}

/// File a request from the public form. `client` is the throttling key of the
/// sender (its address, empty if unknown): at most a few filed requests per
/// client and window, and a bound for everyone together. The attempt is
/// reserved before anything is written, so concurrent submissions cannot
/// overrun the limit; a refused (invalid) one gives its place back.
pub async fn submit(app: &App, input: &SubmitInput, client: &str) -> Result<Submitted, AppError> {
    let now_s = app.now_us() / 1_000_000;
    let reservation = app
        .throttle
        .reserve(&submit_limits(client), now_s)
        .map_err(|retry_after_s| AppError::Conflict {
            zh: format!("提交过于频繁，请 {retry_after_s} 秒后再试"),
            en: format!("too many submissions, retry in {retry_after_s} s"),
        })?;
    if !input.website.trim().is_empty() {
        // The honeypot: a robot's submission keeps its place counted.
        return Err(AppError::invalid(
            "website",
            "请勿填写此栏",
            "leave this field empty",
        ));
    }
    match file(app, input).await {
        Ok(out) => Ok(out),
        Err(e) => {
            app.throttle.release(reservation);
            Err(e)
        }
    }
}

/// Validate and write a request (the demo files through here too).
pub(crate) async fn file(app: &App, input: &SubmitInput) -> Result<Submitted, AppError> {
    let (sub, who) = validate(input)?;
    let agency_id: i64 = input
        .agency_id
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("agency_id", "请选择受理机关", "choose the agency"))?;
    let agency = fazhi_store::agencies::get(&app.db, agency_id)
        .await?
        .ok_or_else(|| AppError::invalid("agency_id", "请选择受理机关", "choose the agency"))?;
    let (cal, jurisdiction) = law_of(app, agency.id, &agency.path).await?;
    let rules = &app.law.rules;
    let req = request::receive(
        &sub,
        &Ctx {
            today: today(app),
            actor: None,
            rules,
            calendar: &cal,
            jurisdiction: &jurisdiction,
        },
    );
    let tracking = format!(
        "{}-{}",
        sub.kind.prefix(),
        crate::random_token(TRACKING_BYTES)?
    );
    let hint = format!("{}…", &tracking[..3 + HINT_HEX]);
    let json = serde_json::to_string(&req).map_err(|e| AppError::Internal(e.to_string()))?;
    let p = projection(&req);
    let mut tx = app.db.begin().await?;
    let id = store::insert(
        &mut tx,
        agency.id,
        (&crate::token_hash(&tracking), &hint),
        &who,
        &p,
        &json,
        app.now_us(),
    )
    .await?;
    // No personal data and no free text in the log: kind, dates, the rule.
    app.log(
        &mut tx,
        None,
        Some(agency.id),
        EventKind::RequestSubmitted,
        format!("request:{id}"),
        serde_json::json!({
            "kind": p.kind,
            "received_on": p.received_on,
            "due_on": p.due_on,
            "due_rule": p.due_rule,
            "anonymous": who.requester_name.is_empty(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Submitted {
        id,
        tracking,
        kind: sub.kind,
        due_provisional: req.due.as_ref().is_some_and(|d| d.provisional),
        due_on: req.due.map(|d| d.on.to_string()),
    })
}

fn parse_stored(s: &StoredRequest) -> Result<Request, AppError> {
    serde_json::from_str(&s.state_json)
        .map_err(|e| AppError::Internal(format!("request {}: {e}", s.id)))
}

fn path_of(s: &StoredRequest) -> Result<AgencyPath, AppError> {
    AgencyPath::parse(&s.agency_path).ok_or_else(|| AppError::Internal("bad path".into()))
}

/// What the tracking page shows: the state and the agency's answers, no
/// internal notes, no staff names, no third parties, no personal data.
#[derive(Debug, Clone, Serialize)]
pub struct PublicStatus {
    pub tracking: String,
    pub kind: Kind,
    pub agency_name: String,
    pub subject: String,
    pub received_on: String,
    pub state: State,
    pub due_on: Option<String>,
    /// 暂定: computed on the provisional calendar (no holiday schedule loaded yet).
    pub due_provisional: bool,
    /// The date before a holiday-schedule import moved it.
    pub due_changed_from: Option<String>,
    pub due_citation: Option<String>,
    /// What the applicant was asked to correct (while a correction is due).
    pub correction_note: Option<String>,
    pub extended_days: Option<u32>,
    pub concluded_on: Option<String>,
    pub result_zh: Option<&'static str>,
    pub result_en: Option<&'static str>,
    pub reply: Option<String>,
    pub feedback: Option<Satisfaction>,
}

async fn by_tracking(app: &App, tracking: &str) -> Result<(String, StoredRequest), AppError> {
    let t = normalize_tracking(tracking).ok_or_else(tracking_not_found)?;
    let s = store::by_tracking(&app.db, &crate::token_hash(&t))
        .await?
        .ok_or_else(tracking_not_found)?;
    Ok((t, s))
}

/// Misses allowed per client when looking up tracking numbers.
pub const TRACK_MISSES_MAX: usize = 5;
pub const TRACK_WINDOW_S: i64 = 15 * 60;

/// The limit on guessing tracking numbers from one client.
fn track_limits(client: &str) -> Vec<Limit> {
    if client.is_empty() {
        return Vec::new();
    }
    vec![Limit::new(
        format!("request-track:{client}"),
        TRACK_MISSES_MAX,
        TRACK_WINDOW_S,
    )]
}

/// The status page of a tracking number. Unknown and malformed numbers give
/// the same answer; repeated misses from one client are throttled (each
/// lookup is reserved first, so concurrent guesses count at once).
pub async fn track(app: &App, tracking: &str, client: &str) -> Result<PublicStatus, AppError> {
    let now_s = app.now_us() / 1_000_000;
    let reservation = app
        .throttle
        .reserve(&track_limits(client), now_s)
        .map_err(|retry_after_s| AppError::Throttled { retry_after_s })?;
    let (t, s) = match by_tracking(app, tracking).await {
        Ok(found) => {
            app.throttle.release(reservation);
            found
        }
        // A miss keeps its reservation.
        Err(e) => return Err(e),
    };
    let r = parse_stored(&s)?;
    let rules = &app.law.rules;
    let citation = |id: &str| {
        rules
            .get(id, fazhi_domain::rules::NATIONAL, r.received_on)
            .map(|x| x.citation.clone())
            .ok()
    };
    let c = r.conclusion.as_ref();
    let (zh, en) = match c.map(|c| &c.result) {
        Some(Result_::Answer(a)) => (Some(a.name_zh()), Some(a.name_en())),
        Some(Result_::Outcome(o)) => (Some(o.name_zh()), Some(o.name_en())),
        None => (None, None),
    };
    Ok(PublicStatus {
        tracking: t,
        kind: r.kind,
        agency_name: s.agency_name,
        subject: r.subject.clone(),
        received_on: r.received_on.to_string(),
        state: r.state,
        due_on: r.due.as_ref().map(|d| d.on.to_string()),
        due_provisional: r.due.as_ref().is_some_and(|d| d.provisional),
        due_changed_from: r
            .due
            .as_ref()
            .and_then(|d| d.changed_from)
            .map(|d| d.to_string()),
        due_citation: r.due.as_ref().and_then(|d| citation(&d.rule_id)),
        correction_note: r
            .correction
            .as_ref()
            .filter(|_| r.state == State::CorrectionRequested)
            .map(|c| c.note.clone()),
        extended_days: r.extension.as_ref().map(|e| e.days),
        concluded_on: c.map(|c| c.on.to_string()),
        result_zh: zh,
        result_en: en,
        reply: c.map(|c| c.reply.clone()),
        feedback: r.feedback.as_ref().map(|f| f.level),
    })
}

/// The requester's satisfaction, once, after conclusion.
pub async fn feedback(
    app: &App,
    tracking: &str,
    level: &str,
    comment: &str,
) -> Result<(), AppError> {
    let (_, s) = by_tracking(app, tracking).await?;
    let level = Satisfaction::parse(level.trim()).ok_or_else(|| {
        AppError::invalid(
            "level",
            "请选择满意、基本满意或不满意",
            "choose satisfied, basically satisfied or dissatisfied",
        )
    })?;
    let comment = bounded(
        "comment",
        ("意见", "comment"),
        comment,
        COMMENT_CHARS_MAX,
        false,
    )?;
    let cmd = Command::Feedback { level, comment };
    write_step(app, None, &s, s.version, &cmd).await
}

/// Feedback on a stored request without its tracking number (the demo only:
/// the tracking number is shown once and not kept).
pub(crate) async fn demo_feedback(
    app: &App,
    s: &StoredRequest,
    level: &str,
) -> Result<(), AppError> {
    let level = Satisfaction::parse(level).ok_or_else(|| AppError::Internal("bad level".into()))?;
    let cmd = Command::Feedback {
        level,
        comment: String::new(),
    };
    write_step(app, None, s, s.version, &cmd).await
}

/// Apply `cmd` to the stored request and write it with its one event.
async fn write_step(
    app: &App,
    actor: Option<&Actor>,
    s: &StoredRequest,
    version: i64,
    cmd: &Command,
) -> Result<(), AppError> {
    let r = parse_stored(s)?;
    let path = path_of(s)?;
    let (cal, jurisdiction) = law_of(app, s.agency_id, &path).await?;
    let rules = &app.law.rules;
    let next = request::apply(
        &r,
        cmd,
        &Ctx {
            today: today(app),
            actor: actor.map(|a| (a.user_id, a.role)),
            rules,
            calendar: &cal,
            jurisdiction: &jurisdiction,
        },
    )?;
    let json = serde_json::to_string(&next).map_err(|e| AppError::Internal(e.to_string()))?;
    let p = projection(&next);
    let mut tx = app.db.begin().await?;
    if !store::update(&mut tx, s.id, version, &p, &json, app.now_us()).await? {
        return Err(AppError::Conflict {
            zh: "该诉求已被他人更新，请刷新后重试".into(),
            en: "someone else changed this request; reload and retry".into(),
        });
    }
    // Codes and dates only: replies, notes and comments stay with the record.
    let (kind, payload) = match cmd {
        Command::Feedback { level, .. } => (
            EventKind::RequestFeedback,
            serde_json::json!({ "level": level.code() }),
        ),
        _ => (
            EventKind::RequestStep,
            serde_json::json!({
                "command": cmd.code(),
                "state": p.state,
                "due_on": p.due_on,
                "due_rule": p.due_rule,
                "result": p.result,
                "assignee": p.assignee,
                "extension_days": next.extension.as_ref().map(|e| e.days),
                "link": next.link,
            }),
        ),
    };
    app.log(
        &mut tx,
        actor.map(|a| a.user_id),
        Some(s.agency_id),
        kind,
        format!("request:{}", s.id),
        payload,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A request as staff see it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestView {
    pub id: i64,
    pub version: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub tracking_hint: String,
    pub requester: Requester,
    pub request: Request,
    pub due_citation: Option<String>,
    pub assignee_name: Option<String>,
    /// Commands the request's state offers, filtered by what the actor may do.
    pub available: Vec<&'static str>,
    /// Staff of the agency who may be assigned (id, name).
    pub assignable: Vec<(i64, String)>,
}

async fn stored_in_scope(
    app: &App,
    actor: &Actor,
    action: Action,
    id: i64,
) -> Result<StoredRequest, AppError> {
    authorize(actor, action, None)?;
    let s = store::get(&app.db, id).await?.ok_or_else(not_found)?;
    authorize(actor, action, Some(&path_of(&s)?))?;
    Ok(s)
}

pub async fn get(app: &App, actor: &Actor, id: i64) -> Result<RequestView, AppError> {
    let s = stored_in_scope(app, actor, Action::ViewRequests, id).await?;
    let r = parse_stored(&s)?;
    let handles = fazhi_domain::authz::role_allows(actor.role, Action::HandleRequests);
    let staff = fazhi_store::users::list_in_scope(&app.db, &path_of(&s)?).await?;
    let assignable: Vec<(i64, String)> = staff
        .iter()
        .filter(|u| u.active && u.agency_id == s.agency_id)
        .filter(|u| fazhi_domain::authz::role_allows(u.role, Action::HandleRequests))
        .map(|u| (u.id, u.display_name.clone()))
        .collect();
    let assignee_name = match r.assignee {
        Some(uid) => fazhi_store::users::get(&app.db, uid)
            .await?
            .map(|u| u.display_name),
        None => None,
    };
    let rules = &app.law.rules;
    Ok(RequestView {
        id: s.id,
        version: s.version,
        agency_id: s.agency_id,
        agency_name: s.agency_name.clone(),
        tracking_hint: s.tracking_hint.clone(),
        requester: s.requester.clone(),
        due_citation: r.due.as_ref().and_then(|d| {
            rules
                .get(&d.rule_id, fazhi_domain::rules::NATIONAL, r.received_on)
                .map(|x| x.citation.clone())
                .ok()
        }),
        assignee_name,
        available: if handles {
            request::available(&r)
        } else {
            Vec::new()
        },
        assignable,
        request: r,
    })
}

/// A step form's fields (strings from the edge).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StepInput {
    #[serde(default)]
    pub command: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub link_kind: String,
    #[serde(default)]
    pub link_id: String,
    /// The day the consulted third party received the letter (YYYY-MM-DD; empty: today).
    #[serde(default)]
    pub received_on: String,
}

/// The step's text: required for the steps whose text the law asks for (a
/// reason, what to correct, the reply) or that are nothing but text (a note).
fn text_field(input: &StepInput, label: (&str, &str)) -> Result<String, AppError> {
    bounded("text", label, &input.text, TEXT_CHARS_MAX, true)
}

/// Parse the step form into a command, checking that an assignee or a link
/// target exists in the request's scope.
async fn command_of(
    app: &App,
    actor: &Actor,
    s: &StoredRequest,
    input: &StepInput,
) -> Result<Command, AppError> {
    let id_of = |field: &'static str, v: &str| {
        v.trim()
            .parse::<i64>()
            .map_err(|_| AppError::invalid(field, "编号无效", "not a valid number"))
    };
    // A link target must be a record the actor may see (its scope).
    Ok(match input.command.trim() {
        "assign" => {
            let uid = id_of("user_id", &input.user_id)?;
            let ok = fazhi_store::users::get(&app.db, uid)
                .await?
                .is_some_and(|u| {
                    u.active
                        && u.agency_id == s.agency_id
                        && fazhi_domain::authz::role_allows(u.role, Action::HandleRequests)
                });
            if !ok {
                return Err(AppError::invalid(
                    "user_id",
                    "承办人须为本机关可办理诉求的在职人员",
                    "the assignee must be an active staff member of this agency who handles requests",
                ));
            }
            Command::Assign { user_id: uid }
        }
        "accept" => Command::Accept,
        "not_accept" => Command::NotAccept {
            reason: text_field(input, ("不予受理理由", "reason for not accepting"))?,
        },
        "request_correction" => Command::RequestCorrection {
            note: text_field(input, ("需补正的内容", "what to correct"))?,
            days: input.days.trim().parse().map_err(|_| {
                AppError::invalid(
                    "days",
                    "请填写合理的补正期限（天数，《政府信息公开条例》第三十条）",
                    "enter a reasonable period for the correction in days (OGI Regulation art. 30)",
                )
            })?,
        },
        "corrected" => Command::Corrected,
        "start_consultation" => Command::StartConsultation {
            party: text_field(input, ("征求意见对象", "consulted party"))?,
            received_on: match input.received_on.trim() {
                "" => None,
                t => Some(crate::law::parse_date("received_on", t)?),
            },
        },
        "end_consultation" => Command::EndConsultation,
        "extend" => Command::Extend {
            days: input.days.trim().parse().map_err(|_| {
                AppError::invalid("days", "请填写延长的天数", "enter the days of extension")
            })?,
            reason: text_field(input, ("延长理由", "reason for the extension"))?,
        },
        "reply" => Command::Reply {
            answer: Answer::parse(input.answer.trim()).ok_or_else(|| {
                AppError::invalid(
                    "answer",
                    "请选择答复类型（《政府信息公开条例》第三十六条）",
                    "choose the answer type (OGI Regulation art. 36)",
                )
            })?,
            text: text_field(input, ("答复内容", "reply"))?,
        },
        "conclude" => Command::Conclude {
            outcome: Outcome::parse(input.outcome.trim()).ok_or_else(|| {
                AppError::invalid("outcome", "请选择办理结果", "choose the outcome")
            })?,
            text: text_field(input, ("答复内容", "reply"))?,
        },
        "link" => {
            let target = id_of("link_id", &input.link_id)?;
            let link = match input.link_kind.trim() {
                "inspection" => {
                    let t = fazhi_store::inspections::get_task(&app.db, target)
                        .await?
                        .ok_or_else(|| {
                            AppError::invalid(
                                "link_id",
                                "检查任务不存在",
                                "no such inspection task",
                            )
                        })?;
                    let tp = AgencyPath::parse(&t.agency_path)
                        .ok_or_else(|| AppError::Internal("bad path".into()))?;
                    authorize(actor, Action::ViewRegistry, Some(&tp))?;
                    Link::Inspection(t.id)
                }
                "case" => {
                    let c = fazhi_store::cases::get(&app.db, target)
                        .await?
                        .ok_or_else(|| {
                            AppError::invalid("link_id", "案件不存在", "no such case")
                        })?;
                    let cp = AgencyPath::parse(&c.agency_path)
                        .ok_or_else(|| AppError::Internal("bad path".into()))?;
                    authorize(actor, Action::ViewCases, Some(&cp))?;
                    Link::Case(c.id)
                }
                _ => {
                    return Err(AppError::invalid(
                        "link_kind",
                        "请选择关联检查任务或案件",
                        "choose an inspection task or a case",
                    ));
                }
            };
            Command::Link { link }
        }
        "note" => Command::Note {
            text: text_field(input, ("备注", "note"))?,
        },
        _ => {
            return Err(AppError::invalid(
                "command",
                "未知的办理步骤",
                "unknown step",
            ));
        }
    })
}

/// Take one back-office step on a request of the actor's scope.
pub async fn step(app: &App, actor: &Actor, id: i64, input: &StepInput) -> Result<(), AppError> {
    let s = stored_in_scope(app, actor, Action::HandleRequests, id).await?;
    let version: i64 = input.version.trim().parse().map_err(|_| {
        AppError::invalid(
            "version",
            "表单版本无效，请刷新",
            "bad form version; reload",
        )
    })?;
    let cmd = command_of(app, actor, &s, input).await?;
    write_step(app, Some(actor), &s, version, &cmd).await
}

/// The list of the actor's scope.
pub async fn list(
    app: &App,
    actor: &Actor,
    filter: &RequestFilter<'_>,
) -> Result<Vec<RequestListed>, AppError> {
    authorize(actor, Action::ViewRequests, None)?;
    Ok(store::list(&app.db, &actor.agency_path, filter, LIST_ROWS_MAX).await?)
}

/// Statistics of a scope and year.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub year: i16,
    pub complaints: Tally,
    pub disclosure: Tally,
}

/// The requests of a scope, parsed (statistics and indicators count these).
pub(crate) async fn requests_in_scope(
    app: &App,
    scope: &AgencyPath,
) -> Result<Vec<Request>, AppError> {
    Ok(store::states_in_scope(&app.db, scope)
        .await?
        .iter()
        .filter_map(|j| serde_json::from_str(j).ok())
        .collect())
}

pub async fn stats(app: &App, actor: &Actor, year: i16) -> Result<Stats, AppError> {
    authorize(actor, Action::ViewRequests, None)?;
    let period = fazhi_domain::indicators::Period::year(year)
        .ok_or_else(|| AppError::invalid("year", "年度无效", "bad year"))?;
    let all = requests_in_scope(app, &actor.agency_path).await?;
    let as_of = today(app).min(period.to);
    Ok(Stats {
        year,
        complaints: request::tally(
            all.iter().filter(|r| !r.kind.is_disclosure()),
            period.from,
            period.to,
            as_of,
        ),
        disclosure: request::tally(
            all.iter().filter(|r| r.kind.is_disclosure()),
            period.from,
            period.to,
            as_of,
        ),
    })
}

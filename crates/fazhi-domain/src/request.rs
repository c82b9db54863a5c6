//! 群众诉求 — the public's requests: complaints and reports (投诉举报) and
//! government-information disclosure requests (依申请公开).
//!
//! A request changes only through [`apply`]: the (state, command) pairs are
//! matched exhaustively, and every statutory gate names its rule id. The due
//! date is recomputed by [`deadline_of`] after every step from the request's
//! own facts, so a correction, a third-party consultation or an extension
//! shows up in the date the clerk sees:
//!
//! - disclosure: 20 working days from receipt, restarted by a corrected
//!   request, third-party consultation days excluded, plus at most the rule's
//!   `extension_max` with the disclosure office head's approval
//!   (ogi_reply_20_plus_20, ogi_clarify_7wd, 《政府信息公开条例》第30–33条);
//! - complaints and reports: tell the requester within 15 days how it will be
//!   handled (cmp_petition_intake_15d); a complaint (a petition matter,
//!   《信访工作条例》第三十一条第六项) is concluded within 60 days of acceptance,
//!   plus at most `extension_max` days with the agency's own head's approval
//!   (cmp_petition_conclude_60d); an accepted report of a violation goes into
//!   the enforcement procedure, whose own clocks apply.
//!
//! The requester's personal data is not part of this type: it is stored
//! beside it and never enters the action log or a public page.

use crate::calendar::Calendar;
use crate::case::Refusal;
use crate::deadline::{self, Extension, Pause};
use crate::role::Role;
use crate::rules::RuleRegistry;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub const RULE_INTAKE: &str = "cmp_petition_intake_15d";
pub const RULE_CONCLUDE: &str = "cmp_petition_conclude_60d";
pub const RULE_REPLY: &str = "ogi_reply_20_plus_20";
pub const RULE_CLARIFY: &str = "ogi_clarify_7wd";
pub const RULE_THIRD_PARTY: &str = "ogi_third_party_15wd";
pub const RULE_ANSWER_TYPES: &str = "ogi_answer_types";
pub const RULE_NOT_A_REQUEST: &str = "ogi_not_a_request";
pub const RULE_DISGUISED: &str = "cmp_ogi_disguised";

/// What the public asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 投诉: the requester's own rights were affected.
    Complaint,
    /// 举报: a violation the requester reports (may be anonymous).
    Report,
    /// 政府信息公开申请.
    Disclosure,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Complaint, Kind::Report, Kind::Disclosure];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Complaint => "complaint",
            Kind::Report => "report",
            Kind::Disclosure => "disclosure",
        }
    }
    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Kind::Complaint => "投诉",
            Kind::Report => "举报",
            Kind::Disclosure => "政府信息公开申请",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Kind::Complaint => "complaint",
            Kind::Report => "report",
            Kind::Disclosure => "disclosure request",
        }
    }
    /// The short human prefix of the tracking number.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Complaint | Kind::Report => "TS",
            Kind::Disclosure => "GK",
        }
    }
    pub fn is_disclosure(self) -> bool {
        self == Kind::Disclosure
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 已收到: waiting for intake (complaints) or the reply (disclosure).
    Received,
    /// 已受理 (complaints and reports).
    Accepted,
    /// 待补正: the applicant was asked to correct the request; the clock stops.
    CorrectionRequested,
    /// 征求第三方意见中: the clock stands still.
    Consulting,
    /// 已办结 / 已答复.
    Concluded,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Received,
        State::Accepted,
        State::CorrectionRequested,
        State::Consulting,
        State::Concluded,
    ];
    pub fn code(self) -> &'static str {
        match self {
            State::Received => "received",
            State::Accepted => "accepted",
            State::CorrectionRequested => "correction_requested",
            State::Consulting => "consulting",
            State::Concluded => "concluded",
        }
    }
    pub fn parse(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            State::Received => "已收到",
            State::Accepted => "已受理",
            State::CorrectionRequested => "待申请人补正",
            State::Consulting => "征求第三方意见中",
            State::Concluded => "已办结",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            State::Received => "received",
            State::Accepted => "accepted",
            State::CorrectionRequested => "awaiting the applicant's correction",
            State::Consulting => "consulting a third party",
            State::Concluded => "concluded",
        }
    }
}

/// The statutory answer types of a disclosure reply (《政府信息公开条例》第36条,
/// ogi_answer_types), plus the two ways a request ends without one: it is not
/// an information request at all (第39条, ogi_not_a_request) or the applicant
/// did not correct it (第30条, ogi_clarify_7wd).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// 已主动公开: say where.
    AlreadyPublic,
    /// 予以公开 (including 部分公开 with the rest withheld, 第37条).
    Provided,
    /// 不予公开 with reasons.
    Refused,
    /// 信息不存在.
    DoesNotExist,
    /// 非本机关负责公开 (name the right agency if known).
    NotThisAgency,
    /// 重复申请，不予重复处理.
    Repeat,
    /// 按特别法规定办理 (e.g. registers under their own law).
    SpecialLaw,
    /// 不作为政府信息公开申请处理 (第39条).
    NotARequest,
    /// 视为放弃申请 (第30条).
    Abandoned,
}

impl Answer {
    /// The seven answer types of 第36条.
    pub const STATUTORY: [Answer; 7] = [
        Answer::AlreadyPublic,
        Answer::Provided,
        Answer::Refused,
        Answer::DoesNotExist,
        Answer::NotThisAgency,
        Answer::Repeat,
        Answer::SpecialLaw,
    ];
    pub const ALL: [Answer; 9] = [
        Answer::AlreadyPublic,
        Answer::Provided,
        Answer::Refused,
        Answer::DoesNotExist,
        Answer::NotThisAgency,
        Answer::Repeat,
        Answer::SpecialLaw,
        Answer::NotARequest,
        Answer::Abandoned,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Answer::AlreadyPublic => "already_public",
            Answer::Provided => "provided",
            Answer::Refused => "refused",
            Answer::DoesNotExist => "does_not_exist",
            Answer::NotThisAgency => "not_this_agency",
            Answer::Repeat => "repeat",
            Answer::SpecialLaw => "special_law",
            Answer::NotARequest => "not_a_request",
            Answer::Abandoned => "abandoned",
        }
    }
    pub fn parse(code: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Answer::AlreadyPublic => "已主动公开（告知获取方式和途径）",
            Answer::Provided => "予以公开",
            Answer::Refused => "不予公开（说明理由）",
            Answer::DoesNotExist => "政府信息不存在",
            Answer::NotThisAgency => "不属于本机关负责公开",
            Answer::Repeat => "重复申请，不予重复处理",
            Answer::SpecialLaw => "按特别法规定办理",
            Answer::NotARequest => "不作为政府信息公开申请处理（告知其他渠道）",
            Answer::Abandoned => "逾期未补正，视为放弃申请",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Answer::AlreadyPublic => "already public (where to find it)",
            Answer::Provided => "provided",
            Answer::Refused => "refused, with reasons",
            Answer::DoesNotExist => "the information does not exist",
            Answer::NotThisAgency => "not this agency's information",
            Answer::Repeat => "repeat request, not handled again",
            Answer::SpecialLaw => "handled under a special law",
            Answer::NotARequest => "not an information request (other channel named)",
            Answer::Abandoned => "not corrected in time: request abandoned",
        }
    }
    /// The rule (with its article) that this answer rests on.
    pub fn rule_id(self) -> &'static str {
        match self {
            Answer::NotARequest => RULE_NOT_A_REQUEST,
            Answer::Abandoned => RULE_CLARIFY,
            _ => RULE_ANSWER_TYPES,
        }
    }
}

/// How a complaint or report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 不予受理 (with the reason, within the intake limit).
    NotAccepted,
    /// 属实.
    Substantiated,
    /// 部分属实.
    PartlySubstantiated,
    /// 不属实.
    Unsubstantiated,
    /// 转交有权机关处理.
    Referred,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::NotAccepted,
        Outcome::Substantiated,
        Outcome::PartlySubstantiated,
        Outcome::Unsubstantiated,
        Outcome::Referred,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Outcome::NotAccepted => "not_accepted",
            Outcome::Substantiated => "substantiated",
            Outcome::PartlySubstantiated => "partly_substantiated",
            Outcome::Unsubstantiated => "unsubstantiated",
            Outcome::Referred => "referred",
        }
    }
    pub fn parse(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Outcome::NotAccepted => "不予受理",
            Outcome::Substantiated => "属实",
            Outcome::PartlySubstantiated => "部分属实",
            Outcome::Unsubstantiated => "不属实",
            Outcome::Referred => "转交有权机关处理",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Outcome::NotAccepted => "not accepted",
            Outcome::Substantiated => "substantiated",
            Outcome::PartlySubstantiated => "partly substantiated",
            Outcome::Unsubstantiated => "unsubstantiated",
            Outcome::Referred => "referred to the competent authority",
        }
    }
}

/// The requester's satisfaction, given once after conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    Basically,
    Dissatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::Satisfied,
        Satisfaction::Basically,
        Satisfaction::Dissatisfied,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basically => "basically",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }
    pub fn parse(code: &str) -> Option<Satisfaction> {
        Satisfaction::ALL.into_iter().find(|s| s.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basically => "基本满意",
            Satisfaction::Dissatisfied => "不满意",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basically => "basically satisfied",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }
    /// Counted as satisfied in the satisfaction rate (满意 + 基本满意).
    pub fn counts_as_satisfied(self) -> bool {
        !matches!(self, Satisfaction::Dissatisfied)
    }
}

/// The inspection task or case a complaint caused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Link {
    Inspection(i64),
    Case(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub requested_on: Date,
    /// What to correct, as told to the applicant (shown on the status page).
    pub note: String,
    pub corrected_on: Option<Date>,
    /// The reasonable period set for the correction (第30条): only a request
    /// not corrected by then counts as abandoned.
    #[serde(default)]
    pub until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    /// The day the letter went out.
    pub from: Date,
    /// The day the third party received it: its 15 working days run from
    /// here (第32条); `None` in records made before this was asked.
    #[serde(default)]
    pub received_on: Option<Date>,
    /// The day the answer came back (or the 15-working-day period ran out).
    pub to: Option<Date>,
    /// Who was consulted (internal: a third party's name is not public).
    pub party: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extended {
    pub days: u32,
    pub on: Date,
    pub reason: String,
    /// The approving head's user id.
    pub approved_by: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "code", rename_all = "snake_case")]
pub enum Result_ {
    Answer(Answer),
    Outcome(Outcome),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    pub on: Date,
    pub result: Result_,
    /// The reply to the requester (shown on the status page).
    pub reply: String,
    /// Concluded on or before the due date in force at the time.
    pub on_time: bool,
    pub by: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub on: Date,
    pub level: Satisfaction,
    pub comment: String,
}

/// The date the agency has to act by, and the rule that sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub rule_id: String,
    pub on: Date,
    /// 暂定: computed on the provisional calendar of a year whose holiday
    /// schedule is not loaded (see [`deadline::Computed::provisional`]).
    #[serde(default)]
    pub provisional: bool,
    /// Those years.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisional_years: Vec<i16>,
    /// The date before the last holiday-schedule import moved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_from: Option<Date>,
}

/// An internal note (never on the public page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub on: Date,
    pub by: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub kind: Kind,
    pub state: State,
    pub received_on: Date,
    /// 事项 / 所需信息的名称.
    pub subject: String,
    /// The facts, or the description of the information sought.
    pub content: String,
    /// Complaints and reports: the entity concerned (free text).
    pub concerning: String,
    pub assignee: Option<i64>,
    pub correction: Option<Correction>,
    pub consultations: Vec<Consultation>,
    pub extension: Option<Extended>,
    pub accepted_on: Option<Date>,
    pub conclusion: Option<Conclusion>,
    pub link: Option<Link>,
    pub feedback: Option<Feedback>,
    pub notes: Vec<Note>,
    /// `None` while the applicant corrects the request or after conclusion;
    /// during a consultation, the third party's time to answer.
    pub due: Option<Due>,
    /// A deadline that could not be computed (calendar or rule missing): its rule id.
    pub calendar_missing: Option<String>,
}

/// What the public submits (validated at the edge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub kind: Kind,
    pub subject: String,
    pub content: String,
    pub concerning: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    Assign {
        user_id: i64,
    },
    Accept,
    NotAccept {
        reason: String,
    },
    RequestCorrection {
        note: String,
        /// The reasonable period given to the applicant, in days from today.
        #[serde(default)]
        days: u32,
    },
    Corrected,
    StartConsultation {
        party: String,
        /// The day the third party received the letter (today if `None`).
        #[serde(default)]
        received_on: Option<Date>,
    },
    EndConsultation,
    Extend {
        days: u32,
        reason: String,
    },
    Reply {
        answer: Answer,
        text: String,
    },
    Conclude {
        outcome: Outcome,
        text: String,
    },
    Link {
        link: Link,
    },
    Note {
        text: String,
    },
    Feedback {
        level: Satisfaction,
        comment: String,
    },
}

impl Command {
    pub fn code(&self) -> &'static str {
        match self {
            Command::Assign { .. } => "assign",
            Command::Accept => "accept",
            Command::NotAccept { .. } => "not_accept",
            Command::RequestCorrection { .. } => "request_correction",
            Command::Corrected => "corrected",
            Command::StartConsultation { .. } => "start_consultation",
            Command::EndConsultation => "end_consultation",
            Command::Extend { .. } => "extend",
            Command::Reply { .. } => "reply",
            Command::Conclude { .. } => "conclude",
            Command::Link { .. } => "link",
            Command::Note { .. } => "note",
            Command::Feedback { .. } => "feedback",
        }
    }
}

/// The facts every step needs: the date, who acts (`None`: the requester), the
/// rules, the agency's calendar and its province code.
pub struct Ctx<'a> {
    pub today: Date,
    pub actor: Option<(i64, Role)>,
    pub rules: &'a RuleRegistry,
    pub calendar: &'a Calendar,
    pub jurisdiction: &'a str,
}

fn refuse(
    ctx: &Ctx,
    rule_id: &'static str,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> Refusal {
    Refusal {
        rule_id,
        citation: ctx
            .rules
            .get(rule_id, ctx.jurisdiction, ctx.today)
            .map(|r| r.citation.clone())
            .unwrap_or_default(),
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

/// A step that is not possible in this state or for this kind: not a rule of
/// law but of the procedure; named `request_state`.
fn not_now(req: &Request, cmd: &Command) -> Refusal {
    Refusal {
        rule_id: "request_state",
        citation: String::new(),
        message_zh: format!(
            "{}在“{}”状态下不能执行此步骤（{}）",
            req.kind.name_zh(),
            req.state.name_zh(),
            cmd.code()
        ),
        message_en: format!(
            "a {} in state '{}' cannot take this step ({})",
            req.kind.name_en(),
            req.state.name_en(),
            cmd.code()
        ),
    }
}

fn staff(ctx: &Ctx) -> Result<(i64, Role), Refusal> {
    ctx.actor.ok_or_else(|| Refusal {
        rule_id: "request_state",
        citation: String::new(),
        message_zh: "此步骤须由工作人员办理".into(),
        message_en: "this step is for staff".into(),
    })
}

/// A new request as received on `ctx.today`, with its first due date.
pub fn receive(sub: &Submission, ctx: &Ctx) -> Request {
    let mut req = Request {
        kind: sub.kind,
        state: State::Received,
        received_on: ctx.today,
        subject: sub.subject.clone(),
        content: sub.content.clone(),
        concerning: sub.concerning.clone(),
        assignee: None,
        correction: None,
        consultations: Vec::new(),
        extension: None,
        accepted_on: None,
        conclusion: None,
        link: None,
        feedback: None,
        notes: Vec::new(),
        due: None,
        calendar_missing: None,
    };
    refresh_due(&mut req, ctx);
    req
}

/// The rule, start date, pauses and extension that set the current due date,
/// or `None` while no agency deadline runs.
fn clock(
    req: &Request,
    third_party_due: &dyn Fn(&Consultation) -> Option<Date>,
) -> Option<(&'static str, Date, Vec<Pause>, Vec<Extension>)> {
    let ext = |e: &Option<Extended>| -> Vec<Extension> {
        e.iter()
            .map(|x| Extension {
                count: x.days,
                reason_code: x.reason.clone(),
                approver: x.approved_by.to_string(),
            })
            .collect()
    };
    match (req.kind, req.state) {
        (_, State::Concluded | State::CorrectionRequested) => None,
        // The reply clock stands still; what runs is the third party's time to
        // answer, after which its silence leaves the decision to the agency (第32条).
        (_, State::Consulting) => req.consultations.last().map(|c| {
            (
                RULE_THIRD_PARTY,
                c.received_on.unwrap_or(c.from),
                Vec::new(),
                Vec::new(),
            )
        }),
        (Kind::Disclosure, State::Received | State::Accepted) => {
            // A corrected request restarts the clock on the day the correction
            // arrived (第30条); consultation time is excluded (第33条第2款). The
            // consultation runs from the day after the letter (the start day is
            // not counted, cal_start_day_excluded) to the day the answer came.
            let start = req
                .correction
                .as_ref()
                .and_then(|c| c.corrected_on)
                .unwrap_or(req.received_on);
            let pauses = req
                .consultations
                .iter()
                .filter_map(|c| {
                    // The pause ends with the answer, or when the third party's
                    // 15 working days from receipt ran out in silence (第32条).
                    let to = match (c.to, third_party_due(c)) {
                        (Some(to), Some(cap)) => to.min(cap),
                        (to, _) => to?,
                    };
                    let from = c.from.tomorrow().ok()?;
                    (from <= to && to > start).then(|| Pause {
                        from: from.max(start),
                        to,
                        reason: "征求第三方意见".into(),
                    })
                })
                .collect();
            Some((RULE_REPLY, start, pauses, ext(&req.extension)))
        }
        (Kind::Complaint | Kind::Report, State::Received) => {
            Some((RULE_INTAKE, req.received_on, Vec::new(), Vec::new()))
        }
        // The 60 (+30) days are for petition matters (《信访工作条例》第三十一条
        // 第六项): a report of a violation goes into the enforcement procedure
        // (an inspection or a case), whose own clocks apply.
        (Kind::Report, State::Accepted) => None,
        (Kind::Complaint, State::Accepted) => Some((
            RULE_CONCLUDE,
            req.accepted_on.unwrap_or(req.received_on),
            Vec::new(),
            ext(&req.extension),
        )),
    }
}

/// The current due date of `req`, computed from its facts.
pub fn deadline_of(
    req: &Request,
    rules: &RuleRegistry,
    calendar: &Calendar,
    jurisdiction: &str,
) -> Result<Option<Due>, &'static str> {
    let third_party_due = |c: &Consultation| {
        let start = c.received_on.unwrap_or(c.from);
        rules
            .deadline_rule(RULE_THIRD_PARTY, jurisdiction, start)
            .ok()
            .and_then(|r| deadline::compute(&r, start, calendar, &[], &[]).ok())
            .map(|d| d.due)
    };
    let Some((rule_id, start, pauses, ext)) = clock(req, &third_party_due) else {
        return Ok(None);
    };
    let rule = rules
        .deadline_rule(rule_id, jurisdiction, start)
        .map_err(|_| rule_id)?;
    let computed = deadline::compute(&rule, start, calendar, &pauses, &ext).map_err(|_| rule_id)?;
    Ok(Some(Due {
        rule_id: rule_id.to_owned(),
        on: computed.due,
        provisional: computed.provisional,
        provisional_years: computed.provisional_years,
        changed_from: None,
    }))
}

/// `req` with its due date recomputed on `calendar` (after a holiday-schedule
/// import), or `None` when nothing changes. A moved date keeps the old one in
/// `changed_from` so the pages can show the change.
pub fn recomputed(
    req: &Request,
    rules: &RuleRegistry,
    calendar: &Calendar,
    jurisdiction: &str,
) -> Option<Request> {
    if req.due.is_none() && req.calendar_missing.is_none() {
        return None;
    }
    let Ok(Some(mut due)) = deadline_of(req, rules, calendar, jurisdiction) else {
        return None;
    };
    match &req.due {
        Some(old) if old.on == due.on && old.provisional_years == due.provisional_years => {
            return None;
        }
        Some(old) if old.on == due.on => due.changed_from = old.changed_from,
        Some(old) => due.changed_from = Some(old.on),
        None => {}
    }
    let mut next = req.clone();
    next.due = Some(due);
    next.calendar_missing = None;
    Some(next)
}

fn refresh_due(req: &mut Request, ctx: &Ctx) {
    match deadline_of(req, ctx.rules, ctx.calendar, ctx.jurisdiction) {
        Ok(due) => {
            req.due = due;
            req.calendar_missing = None;
        }
        Err(rule_id) => {
            req.due = None;
            req.calendar_missing = Some(rule_id.to_owned());
        }
    }
}

fn text(field_zh: &str, field_en: &str, t: &str) -> Result<String, Refusal> {
    let t = t.trim();
    if t.is_empty() {
        return Err(Refusal {
            rule_id: "request_state",
            citation: String::new(),
            message_zh: format!("请填写{field_zh}"),
            message_en: format!("enter the {field_en}"),
        });
    }
    Ok(t.to_owned())
}

fn conclude(req: &mut Request, ctx: &Ctx, by: i64, result: Result_, reply: String) {
    let on_time = req.due.as_ref().is_none_or(|d| ctx.today <= d.on);
    req.conclusion = Some(Conclusion {
        on: ctx.today,
        result,
        reply,
        on_time,
        by,
    });
    req.state = State::Concluded;
}

/// Take one step. Returns the next request or the refusal naming the rule.
pub fn apply(req: &Request, cmd: &Command, ctx: &Ctx) -> Result<Request, Refusal> {
    use Command as C;
    use State as S;
    let mut next = req.clone();
    let disclosure = req.kind.is_disclosure();
    match (req.state, cmd) {
        (_, C::Feedback { level, comment }) => {
            if req.state != S::Concluded {
                return Err(not_now(req, cmd));
            }
            if req.feedback.is_some() {
                return Err(Refusal {
                    rule_id: "request_state",
                    citation: String::new(),
                    message_zh: "已评价过，每件只能评价一次".into(),
                    message_en: "feedback was given already (once per request)".into(),
                });
            }
            next.feedback = Some(Feedback {
                on: ctx.today,
                level: *level,
                comment: comment.trim().to_owned(),
            });
        }
        (S::Concluded, C::Link { link }) if !disclosure => {
            staff(ctx)?;
            next.link = Some(*link);
        }
        (S::Concluded, _) => return Err(not_now(req, cmd)),
        (_, C::Note { text: t }) => {
            let (by, _) = staff(ctx)?;
            next.notes.push(Note {
                on: ctx.today,
                by,
                text: text("备注", "note", t)?,
            });
        }
        (_, C::Assign { user_id }) => {
            staff(ctx)?;
            next.assignee = Some(*user_id);
        }
        (S::Received, C::Accept) if !disclosure => {
            staff(ctx)?;
            next.state = S::Accepted;
            next.accepted_on = Some(ctx.today);
        }
        (S::Received, C::NotAccept { reason }) if !disclosure => {
            let (by, _) = staff(ctx)?;
            let reason = text("不予受理理由", "reason for not accepting", reason)?;
            conclude(
                &mut next,
                ctx,
                by,
                Result_::Outcome(Outcome::NotAccepted),
                reason,
            );
        }
        (S::Accepted, C::Conclude { outcome, text: t }) if !disclosure => {
            let (by, _) = staff(ctx)?;
            if *outcome == Outcome::NotAccepted {
                return Err(refuse(
                    ctx,
                    RULE_INTAKE,
                    "已受理的投诉举报不能以“不予受理”办结",
                    "an accepted complaint cannot end as 'not accepted'",
                ));
            }
            let reply = text("办理结果", "reply", t)?;
            conclude(&mut next, ctx, by, Result_::Outcome(*outcome), reply);
        }
        (S::Accepted, C::Link { link }) if !disclosure => {
            staff(ctx)?;
            next.link = Some(*link);
        }
        (S::Received, C::RequestCorrection { note, days }) if disclosure => {
            staff(ctx)?;
            // 一次性告知 within 7 working days of receipt (第30条).
            if req.correction.is_some() {
                return Err(refuse(
                    ctx,
                    RULE_CLARIFY,
                    "补正须一次性告知，本申请已告知过补正",
                    "corrections must be asked for all at once; this request was already sent back once",
                ));
            }
            let limit = ctx
                .rules
                .deadline_rule(RULE_CLARIFY, ctx.jurisdiction, req.received_on)
                .ok()
                .and_then(|r| deadline::compute(&r, req.received_on, ctx.calendar, &[], &[]).ok())
                .map(|c| c.due);
            match limit {
                Some(limit) if ctx.today <= limit => {}
                Some(limit) => {
                    return Err(refuse(
                        ctx,
                        RULE_CLARIFY,
                        format!("补正告知期限已于 {limit} 届满（收到申请之日起七个工作日内）"),
                        format!(
                            "the time to ask for a correction ended on {limit} (7 working days from receipt)"
                        ),
                    ));
                }
                None => {
                    return Err(refuse(
                        ctx,
                        RULE_CLARIFY,
                        "无法计算补正告知期限（缺少节假日安排）",
                        "the correction limit cannot be computed (holiday calendar missing)",
                    ));
                }
            }
            if *days == 0 {
                return Err(refuse(
                    ctx,
                    RULE_CLARIFY,
                    "请设定合理的补正期限（天数），申请人逾期未补正的才视为放弃申请",
                    "set a reasonable period (days) for the correction: only a request not corrected by then is abandoned",
                ));
            }
            let until = ctx
                .today
                .checked_add(jiff::Span::new().days(i64::from(*days)))
                .map_err(|_| {
                    refuse(
                        ctx,
                        RULE_CLARIFY,
                        "补正期限不合理",
                        "the correction period is not plausible",
                    )
                })?;
            next.correction = Some(Correction {
                requested_on: ctx.today,
                note: text("补正内容", "what to correct", note)?,
                corrected_on: None,
                until: Some(until),
            });
            next.state = S::CorrectionRequested;
        }
        (S::CorrectionRequested, C::Corrected) => {
            staff(ctx)?;
            if let Some(c) = next.correction.as_mut() {
                c.corrected_on = Some(ctx.today);
            }
            next.state = S::Received;
        }
        (S::CorrectionRequested, C::Reply { answer, text: t }) => {
            let (by, _) = staff(ctx)?;
            if *answer != Answer::Abandoned {
                return Err(not_now(req, cmd));
            }
            // 第30条 "逾期不补正的，视为放弃申请": only after the period set.
            match req.correction.as_ref().and_then(|c| c.until) {
                Some(until) if ctx.today > until => {}
                Some(until) => {
                    return Err(refuse(
                        ctx,
                        RULE_CLARIFY,
                        format!("补正期限至 {until} 届满，届满前不能视为放弃申请"),
                        format!(
                            "the correction period runs to {until}: the request is not abandoned before then"
                        ),
                    ));
                }
                None => {
                    return Err(refuse(
                        ctx,
                        RULE_CLARIFY,
                        "告知补正时未设定补正期限，不能视为放弃申请",
                        "no correction period was set: the request cannot count as abandoned",
                    ));
                }
            }
            let reply = text("答复内容", "reply", t)?;
            // No clock runs while the applicant corrects: the reply is on time.
            next.due = None;
            conclude(&mut next, ctx, by, Result_::Answer(*answer), reply);
        }
        (S::Received, C::StartConsultation { party, received_on }) if disclosure => {
            staff(ctx)?;
            let received_on = received_on.unwrap_or(ctx.today);
            if received_on < ctx.today {
                return Err(refuse(
                    ctx,
                    RULE_THIRD_PARTY,
                    "第三方收到征求意见书的日期不能早于发出之日",
                    "the day the third party received the letter cannot be before it was sent",
                ));
            }
            next.consultations.push(Consultation {
                from: ctx.today,
                received_on: Some(received_on),
                to: None,
                party: text("征求意见对象", "consulted party", party)?,
            });
            next.state = S::Consulting;
        }
        (S::Consulting, C::EndConsultation) => {
            staff(ctx)?;
            if let Some(c) = next.consultations.last_mut() {
                c.to = Some(ctx.today);
            }
            next.state = S::Received;
        }
        (S::Received | S::Accepted, C::Extend { days, reason }) => {
            let (by, role) = staff(ctx)?;
            let rule_id = match (req.kind, req.state) {
                (Kind::Disclosure, S::Received) => RULE_REPLY,
                (Kind::Complaint, S::Accepted) => RULE_CONCLUDE,
                (Kind::Report, S::Accepted) => {
                    return Err(refuse(
                        ctx,
                        RULE_CONCLUDE,
                        "举报违法行为转入执法程序（检查或立案），适用其自身的期限，不适用信访办理期限的延长",
                        "a report of a violation follows the enforcement procedure (inspection or case) and its own periods: no petition extension",
                    ));
                }
                _ => return Err(not_now(req, cmd)),
            };
            // Disclosure: the head of the government-information office
            // (第33条, here a section or agency head); complaints and reports:
            // the agency's own head (本机关负责人). Never a system administrator.
            let allowed = match rule_id {
                RULE_REPLY => matches!(role, Role::AgencyHead | Role::SectionHead),
                _ => role == Role::AgencyHead,
            };
            if !allowed {
                return Err(if rule_id == RULE_REPLY {
                    refuse(
                        ctx,
                        rule_id,
                        "延长答复期限须经政府信息公开工作机构负责人同意",
                        "an extension needs the consent of the head of the government-information office",
                    )
                } else {
                    refuse(
                        ctx,
                        rule_id,
                        "延长办理期限须经本机关负责人批准",
                        "an extension needs the approval of the agency's own head",
                    )
                });
            }
            if req.extension.is_some() {
                return Err(refuse(
                    ctx,
                    rule_id,
                    "期限已延长过一次",
                    "the deadline was extended already",
                ));
            }
            let max = ctx
                .rules
                .get(rule_id, ctx.jurisdiction, ctx.today)
                .and_then(|r| r.param_i64("extension_max"))
                .map_err(|e| refuse(ctx, rule_id, e.to_string(), e.to_string()))?;
            if *days == 0 || i64::from(*days) > max {
                return Err(refuse(
                    ctx,
                    rule_id,
                    format!("延长期限须为 1 至 {max} 日"),
                    format!("an extension is 1 to {max} days"),
                ));
            }
            if let Some(due) = &req.due
                && ctx.today > due.on
            {
                return Err(refuse(
                    ctx,
                    rule_id,
                    format!("期限已于 {} 届满，不能再延长", due.on),
                    format!(
                        "the deadline passed on {}; it can no longer be extended",
                        due.on
                    ),
                ));
            }
            next.extension = Some(Extended {
                days: *days,
                on: ctx.today,
                reason: text("延长理由", "reason for the extension", reason)?,
                approved_by: by,
            });
        }
        (S::Received, C::Reply { answer, text: t }) if disclosure => {
            let (by, _) = staff(ctx)?;
            if *answer == Answer::Abandoned {
                return Err(refuse(
                    ctx,
                    RULE_CLARIFY,
                    "只有告知补正而逾期未补正的申请才能视为放弃",
                    "only a request sent back for correction and not corrected counts as abandoned",
                ));
            }
            let reply = text("答复内容", "reply", t)?;
            conclude(&mut next, ctx, by, Result_::Answer(*answer), reply);
        }
        (
            S::Received | S::Accepted | S::CorrectionRequested | S::Consulting,
            C::Accept
            | C::NotAccept { .. }
            | C::Conclude { .. }
            | C::Link { .. }
            | C::RequestCorrection { .. }
            | C::Corrected
            | C::StartConsultation { .. }
            | C::EndConsultation
            | C::Extend { .. }
            | C::Reply { .. },
        ) => return Err(not_now(req, cmd)),
    }
    refresh_due(&mut next, ctx);
    Ok(next)
}

/// Which commands make sense now (for the forms a page offers).
pub fn available(req: &Request) -> Vec<&'static str> {
    let d = req.kind.is_disclosure();
    let mut out: Vec<&'static str> = Vec::new();
    match req.state {
        State::Received if d => {
            out.extend(["assign", "reply", "start_consultation", "extend", "note"]);
            if req.correction.is_none() {
                out.push("request_correction");
            }
        }
        State::Received => out.extend(["assign", "accept", "not_accept", "note"]),
        State::Accepted => out.extend(["assign", "conclude", "extend", "link", "note"]),
        State::CorrectionRequested => out.extend(["assign", "corrected", "reply", "note"]),
        State::Consulting => out.extend(["assign", "end_consultation", "note"]),
        State::Concluded if !d => out.push("link"),
        State::Concluded => {}
    }
    out
}

/// What a group of requests amounts to: the statistics page and the
/// indicators count with this one function.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Received in the period.
    pub received: u64,
    /// Concluded in the period.
    pub concluded: u64,
    /// Of those, concluded by their due date.
    pub on_time: u64,
    /// Open on `as_of` and past their due date.
    pub overdue_open: u64,
    /// Concluded in the period, by outcome or answer code.
    pub by_result: std::collections::BTreeMap<&'static str, u64>,
    /// Feedback on requests concluded in the period, by level code.
    pub by_satisfaction: std::collections::BTreeMap<&'static str, u64>,
    pub feedback: u64,
    /// 满意 + 基本满意.
    pub satisfied: u64,
}

impl Tally {
    /// On-time conclusion in per mille of the concluded (`None` if none).
    pub fn on_time_permille(&self) -> Option<u64> {
        (self.on_time * 1000).checked_div(self.concluded)
    }
    pub fn satisfied_permille(&self) -> Option<u64> {
        (self.satisfied * 1000).checked_div(self.feedback)
    }
}

impl Result_ {
    pub fn code(&self) -> &'static str {
        match self {
            Result_::Answer(a) => a.code(),
            Result_::Outcome(o) => o.code(),
        }
    }
}

/// Count `requests` for the period `[from, to]`, open ones as of `as_of`.
pub fn tally<'a>(
    requests: impl IntoIterator<Item = &'a Request>,
    from: Date,
    to: Date,
    as_of: Date,
) -> Tally {
    let mut t = Tally::default();
    let within = |d: Date| from <= d && d <= to;
    for r in requests {
        t.received += u64::from(within(r.received_on));
        match &r.conclusion {
            Some(c) if within(c.on) => {
                t.concluded += 1;
                t.on_time += u64::from(c.on_time);
                *t.by_result.entry(c.result.code()).or_default() += 1;
                if let Some(f) = &r.feedback {
                    t.feedback += 1;
                    t.satisfied += u64::from(f.level.counts_as_satisfied());
                    *t.by_satisfaction.entry(f.level.code()).or_default() += 1;
                }
            }
            Some(_) => {}
            None => {
                t.overdue_open += u64::from(
                    within(r.received_on) && r.due.as_ref().is_some_and(|d| d.on < as_of),
                );
            }
        }
    }
    t
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;

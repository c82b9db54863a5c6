//! Penalty cases (行政处罚案件): the summary and ordinary procedures of the
//! Administrative Penalty Law (2021) as an exhaustive state machine.
//!
//! [`apply`] takes a case (or none, for commands that open one), a command and
//! the context of the moment (date, actor, rules, calendar) and returns the
//! next case or a [`Refusal`] naming the rule that forbids the step. It is
//! pure: the use case loads the facts a command needs (officers' credentials,
//! recusals, the discretion band) and passes them in with the command.
//!
//! The stages, in the order a penalty case usually runs:
//! 受理 Intake → 立案调查 Investigation → 拟处理意见 Proposed → (法制审核 Review,
//! 集体讨论, 事先告知 Notice, 听证 Hearing, in the order the agency works) →
//! 决定 Decided → 送达 Served → 执行 Execution / 强制执行 Enforcement →
//! 待结案 Closing → 结案 Closed → 归档 Archived. Side exits: 不予立案 NotFiled,
//! 移送司法 Transfer. The summary procedure opens directly at 当场处罚 Summary.

use crate::calendar::Calendar;
use crate::deadline::{self, Extension};
use crate::money::Money;
use crate::registry::{Circumstance, CredentialStatus, SupervisionDomain};
use crate::role::Role;
use crate::rules::RuleRegistry;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Version of the case encoding stored with each case (bump on change).
pub const CASE_FORMAT: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 简易程序（当场处罚）
    Summary,
    /// 普通程序
    Ordinary,
}

impl Procedure {
    pub fn name_zh(self) -> &'static str {
        match self {
            Procedure::Summary => "简易程序",
            Procedure::Ordinary => "普通程序",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Intake,
    NotFiled,
    Investigation,
    Proposed,
    Review,
    Notice,
    Hearing,
    Decided,
    Served,
    Execution,
    Enforcement,
    Transfer,
    Summary,
    Closing,
    Closed,
    Archived,
}

impl Stage {
    pub const ALL: [Stage; 16] = [
        Stage::Intake,
        Stage::NotFiled,
        Stage::Investigation,
        Stage::Proposed,
        Stage::Review,
        Stage::Notice,
        Stage::Hearing,
        Stage::Decided,
        Stage::Served,
        Stage::Execution,
        Stage::Enforcement,
        Stage::Transfer,
        Stage::Summary,
        Stage::Closing,
        Stage::Closed,
        Stage::Archived,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Stage::Intake => "intake",
            Stage::NotFiled => "not_filed",
            Stage::Investigation => "investigation",
            Stage::Proposed => "proposed",
            Stage::Review => "review",
            Stage::Notice => "notice",
            Stage::Hearing => "hearing",
            Stage::Decided => "decided",
            Stage::Served => "served",
            Stage::Execution => "execution",
            Stage::Enforcement => "enforcement",
            Stage::Transfer => "transfer",
            Stage::Summary => "summary",
            Stage::Closing => "closing",
            Stage::Closed => "closed",
            Stage::Archived => "archived",
        }
    }
    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Stage::Intake => "案件受理",
            Stage::NotFiled => "不予立案",
            Stage::Investigation => "立案调查",
            Stage::Proposed => "拟处理意见",
            Stage::Review => "法制审核",
            Stage::Notice => "事先告知",
            Stage::Hearing => "听证",
            Stage::Decided => "已作出决定",
            Stage::Served => "已送达",
            Stage::Execution => "执行中",
            Stage::Enforcement => "强制执行",
            Stage::Transfer => "移送司法",
            Stage::Summary => "当场处罚待备案",
            Stage::Closing => "待结案",
            Stage::Closed => "已结案",
            Stage::Archived => "已归档",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Stage::Intake => "intake",
            Stage::NotFiled => "not filed",
            Stage::Investigation => "investigation",
            Stage::Proposed => "outcome proposed",
            Stage::Review => "legal review",
            Stage::Notice => "prior notice",
            Stage::Hearing => "hearing",
            Stage::Decided => "decided",
            Stage::Served => "served",
            Stage::Execution => "execution",
            Stage::Enforcement => "compulsory enforcement",
            Stage::Transfer => "criminal transfer",
            Stage::Summary => "on-the-spot decision, to be filed",
            Stage::Closing => "to be closed",
            Stage::Closed => "closed",
            Stage::Archived => "archived",
        }
    }
    /// Stages in which the case is finished: nothing but archiving may follow.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::NotFiled | Stage::Closed | Stage::Archived)
    }
}

/// 案源
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 监督检查发现
    Inspection,
    /// 投诉举报
    Complaint,
    /// 上级交办
    AssignedFromAbove,
    /// 下级报请
    ReportedFromBelow,
    /// 其他部门移送
    Transferred,
    /// 其他
    Other,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Inspection,
        Source::Complaint,
        Source::AssignedFromAbove,
        Source::ReportedFromBelow,
        Source::Transferred,
        Source::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Source::Inspection => "inspection",
            Source::Complaint => "complaint",
            Source::AssignedFromAbove => "assigned",
            Source::ReportedFromBelow => "reported",
            Source::Transferred => "transferred",
            Source::Other => "other",
        }
    }
    pub fn parse(code: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Source::Inspection => "监督检查发现",
            Source::Complaint => "投诉举报",
            Source::AssignedFromAbove => "上级交办",
            Source::ReportedFromBelow => "下级报请",
            Source::Transferred => "其他部门移送",
            Source::Other => "其他",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// 公民
    Citizen,
    /// 法人或者其他组织
    Organisation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub kind: PartyKind,
    pub name: String,
    /// USCC for an organisation, ID card number for a citizen.
    pub id_number: String,
    pub address: String,
}

/// 证据种类 (《行政处罚法》第四十六条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceType {
    Documentary,
    Physical,
    AudioVisual,
    Electronic,
    Witness,
    PartyStatement,
    ExpertOpinion,
    /// 勘验笔录、现场笔录
    Record,
}

impl EvidenceType {
    pub const ALL: [EvidenceType; 8] = [
        EvidenceType::Documentary,
        EvidenceType::Physical,
        EvidenceType::AudioVisual,
        EvidenceType::Electronic,
        EvidenceType::Witness,
        EvidenceType::PartyStatement,
        EvidenceType::ExpertOpinion,
        EvidenceType::Record,
    ];
    pub fn code(self) -> &'static str {
        match self {
            EvidenceType::Documentary => "documentary",
            EvidenceType::Physical => "physical",
            EvidenceType::AudioVisual => "audio_visual",
            EvidenceType::Electronic => "electronic",
            EvidenceType::Witness => "witness",
            EvidenceType::PartyStatement => "party_statement",
            EvidenceType::ExpertOpinion => "expert_opinion",
            EvidenceType::Record => "record",
        }
    }
    pub fn parse(code: &str) -> Option<EvidenceType> {
        EvidenceType::ALL.into_iter().find(|t| t.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            EvidenceType::Documentary => "书证",
            EvidenceType::Physical => "物证",
            EvidenceType::AudioVisual => "视听资料",
            EvidenceType::Electronic => "电子数据",
            EvidenceType::Witness => "证人证言",
            EvidenceType::PartyStatement => "当事人的陈述",
            EvidenceType::ExpertOpinion => "鉴定意见",
            EvidenceType::Record => "勘验笔录、现场笔录",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub kind: EvidenceType,
    pub title: String,
    /// Content hash of the attachment in the evidence store, if any.
    pub sha256: Option<String>,
    /// Officers (user ids) who made a record (现场笔录, 询问笔录).
    pub officers: Vec<i64>,
    pub added_on: Date,
}

/// 先行登记保存
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preservation {
    pub items: String,
    pub approved_by: i64,
    pub on: Date,
    /// Handling decision due (7 working days, 第五十六条); `None` if the
    /// calendar of that year is not loaded yet.
    pub due: Option<Date>,
    pub handled_on: Option<Date>,
}

/// 调查终结后的处理意见 (《行政处罚法》第五十七条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 给予行政处罚
    Penalty,
    /// 违法行为轻微等，依法不予行政处罚 (第三十三条)
    NoPenalty,
    /// 违法事实不能成立，不予行政处罚
    NotEstablished,
    /// 违法行为涉嫌犯罪，移送司法机关
    TransferToPolice,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Penalty => "penalty",
            Outcome::NoPenalty => "no_penalty",
            Outcome::NotEstablished => "not_established",
            Outcome::TransferToPolice => "transfer",
        }
    }
    pub fn parse(code: &str) -> Option<Outcome> {
        [
            Outcome::Penalty,
            Outcome::NoPenalty,
            Outcome::NotEstablished,
            Outcome::TransferToPolice,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Outcome::Penalty => "给予行政处罚",
            Outcome::NoPenalty => "不予行政处罚（违法行为轻微/首违/无过错）",
            Outcome::NotEstablished => "违法事实不能成立",
            Outcome::TransferToPolice => "移送司法机关",
        }
    }
}

/// A fine band of the discretion benchmark that matched the power and circumstance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    pub power_code: String,
    pub circumstance: Circumstance,
    pub min: Money,
    pub max: Money,
    pub version: i64,
    pub description: String,
    pub citation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub outcome: Outcome,
    pub facts: String,
    pub legal_basis: String,
    /// Fine proposed (zero for a warning only or no fine).
    pub fine: Money,
    pub confiscation: Money,
    /// Other penalties in words (警告, 吊销许可证 …).
    pub other_penalties: String,
    /// A penalty that triggers the right to a hearing regardless of amount
    /// (licence revocation, closure, stop of business …, 第六十三条).
    pub heavy_penalty: bool,
    pub circumstance: Option<Circumstance>,
    pub band: Option<Band>,
    /// Written reason for a fine outside the band (第三十四条).
    pub out_of_band_reason: Option<String>,
    /// 教育记录 for a no-penalty outcome (第三十三条).
    pub education_record: Option<String>,
    /// Marked complex or major by the proposer or the head: collective
    /// discussion is required (第五十七条).
    pub major: bool,
    pub proposed_by: i64,
    pub proposed_on: Date,
}

impl Proposal {
    pub fn out_of_band(&self) -> bool {
        self.band
            .as_ref()
            .is_some_and(|b| self.fine < b.min || self.fine > b.max)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    NotRequested,
    Pending,
    Passed,
    Returned,
}

/// 法制审核 checklist items, each with the reviewer's finding.
pub const REVIEW_CHECKLIST: [(&str, &str); 7] = [
    ("subject", "主体是否合法"),
    ("facts", "事实是否清楚"),
    ("evidence", "证据是否确凿"),
    ("characterisation", "定性是否准确"),
    ("law", "适用法律是否正确"),
    ("procedure", "程序是否合法"),
    ("discretion", "裁量是否适当"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub reviewer: i64,
    pub on: Date,
    pub passed: bool,
    /// One finding per checklist item, in [`REVIEW_CHECKLIST`] order.
    pub checklist: Vec<bool>,
    pub opinion: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discussion {
    pub on: Date,
    pub participants: Vec<String>,
    pub minutes: String,
    pub conclusion: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub served_on: Date,
    /// The fine notified: the decision may not exceed it (第四十五条).
    pub fine: Money,
    pub hearing_right: bool,
    /// End of the statement period; `None` if the calendar is not loaded.
    pub statement_until: Option<Date>,
    pub hearing_request_until: Option<Date>,
    pub statements: Vec<Statement>,
    pub waived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub on: Date,
    pub text: String,
    pub answer: String,
    pub adopted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    pub requested_on: Date,
    pub notified_on: Option<Date>,
    pub date: Option<Date>,
    pub chair: Option<i64>,
    pub held: bool,
    pub record: String,
    pub report: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub on: Date,
    pub by: i64,
    pub number: String,
    pub outcome: Outcome,
    pub fine: Money,
    pub confiscation: Money,
    pub other_penalties: String,
}

/// 送达方式
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMethod {
    /// 直接送达
    Direct,
    /// 留置送达（见证人或者拍照录像）
    LeftAtAddress,
    /// 邮寄送达
    Post,
    /// 电子送达（经当事人同意并签订确认书）
    Electronic,
    /// 公告送达
    PublicNotice,
}

impl ServiceMethod {
    pub const ALL: [ServiceMethod; 5] = [
        ServiceMethod::Direct,
        ServiceMethod::LeftAtAddress,
        ServiceMethod::Post,
        ServiceMethod::Electronic,
        ServiceMethod::PublicNotice,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ServiceMethod::Direct => "direct",
            ServiceMethod::LeftAtAddress => "left",
            ServiceMethod::Post => "post",
            ServiceMethod::Electronic => "electronic",
            ServiceMethod::PublicNotice => "public_notice",
        }
    }
    pub fn parse(code: &str) -> Option<ServiceMethod> {
        ServiceMethod::ALL.into_iter().find(|m| m.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            ServiceMethod::Direct => "直接送达",
            ServiceMethod::LeftAtAddress => "留置送达",
            ServiceMethod::Post => "邮寄送达",
            ServiceMethod::Electronic => "电子送达",
            ServiceMethod::PublicNotice => "公告送达",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub method: ServiceMethod,
    pub on: Date,
    /// Receipt (送达回执) evidence: signer, witness, or the hash of the recording.
    pub receipt: String,
    /// Consent and signed confirmation for electronic service (规定 第57条).
    pub electronic_consent: bool,
    /// When service takes effect: the day itself, or the end of a public notice period.
    #[serde(default)]
    pub effective_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub on: Date,
    pub amount: Money,
    pub late_fee: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub approved_on: Option<Date>,
    pub transferred_on: Option<Date>,
    pub police_accepted: Option<bool>,
}

/// Warnings an oversight view shows; they never block the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// Filed within the warning window before the limitation period ends.
    LimitationNear { ends: Date },
    /// Fine outside the discretion band, with a written reason.
    OutOfBand,
    /// The decision came after its deadline.
    DecisionLate { due: Date },
    /// Service after its deadline.
    ServiceLate { due: Date },
    /// Preservation handled after its deadline.
    PreservationLate { due: Date },
    /// A deadline could not be computed: the holiday calendar of its year is not loaded.
    CalendarMissing { rule_id: String },
    /// 暂定: a deadline computed on the provisional calendar of `years` (no
    /// State Council schedule loaded yet); it may move when one is imported.
    ProvisionalDeadline {
        rule_id: String,
        due: Date,
        years: Vec<i16>,
    },
    /// A provisional date moved when the holiday schedule of its year was
    /// imported (`recompute_provisional`).
    DeadlineMoved {
        rule_id: String,
        from: Date,
        to: Date,
    },
    /// A repeat violator for whom a transfer rule may apply.
    TransferCheck { reason: String },
    /// A published notice withdrawn after its 3-working-day limit.
    WithdrawalLate { due: Date },
    /// Transferred to the police more than 24 hours after approval.
    TransferLate { approved: Date },
    /// Court enforcement sought after its 3-month window.
    CourtApplicationLate { due: Date },
}

/// Why a fine was collected on the spot (《行政处罚法》第六十八条、第六十九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectionGround {
    /// 第六十八条（一）: a fine of at most 100 yuan.
    SmallFine,
    /// 第六十八条（二）: not collecting now would make it hard to enforce later.
    HardToEnforce,
    /// 第六十九条: a remote, water-borne or poorly connected area where paying
    /// at a bank or electronically is really difficult, at the party's request.
    RemoteOnRequest,
}

impl CollectionGround {
    pub const ALL: [CollectionGround; 3] = [
        CollectionGround::SmallFine,
        CollectionGround::HardToEnforce,
        CollectionGround::RemoteOnRequest,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CollectionGround::SmallFine => "small_fine",
            CollectionGround::HardToEnforce => "hard_to_enforce",
            CollectionGround::RemoteOnRequest => "remote_on_request",
        }
    }
    pub fn parse(code: &str) -> Option<CollectionGround> {
        CollectionGround::ALL.into_iter().find(|g| g.code() == code)
    }
}

/// A penalty case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub format: u32,
    pub procedure: Procedure,
    pub stage: Stage,
    pub source: Source,
    pub party: Party,
    pub domain: SupervisionDomain,
    pub power_code: String,
    pub summary: String,
    /// Date of the act (or the end of a continuing act).
    pub act_date: Date,
    pub opened_by: i64,
    pub opened_on: Date,
    /// Handlers (user ids), at least two once filed (第四十二条).
    pub handlers: Vec<i64>,
    pub filed_on: Option<Date>,
    pub filing_approved_by: Option<i64>,
    pub limitation_ends: Option<Date>,
    pub evidence: Vec<EvidenceItem>,
    pub preservations: Vec<Preservation>,
    pub proposal: Option<Proposal>,
    pub review_required: bool,
    pub review_state: ReviewState,
    pub reviews: Vec<Review>,
    pub discussion_required: bool,
    pub discussion: Option<Discussion>,
    pub notice: Option<Notice>,
    pub hearing: Option<Hearing>,
    pub decision_due: Option<Date>,
    pub extensions: Vec<Extension>,
    pub decision: Option<Decision>,
    pub service_due: Option<Date>,
    pub service: Option<Service>,
    pub payment_due: Option<Date>,
    pub payments: Vec<Payment>,
    pub deferral_until: Option<Date>,
    pub demand_on: Option<Date>,
    pub court_application_on: Option<Date>,
    pub court_result: Option<String>,
    pub transfer: Option<Transfer>,
    pub summary_filing_due: Option<Date>,
    pub summary_filed_on: Option<Date>,
    pub collected_on_spot: bool,
    /// The ground of an on-the-spot collection (none: the 100-yuan case).
    #[serde(default)]
    pub collection_ground: Option<CollectionGround>,
    pub closing_report: Option<String>,
    pub closed_on: Option<Date>,
    pub archived_on: Option<Date>,
    pub flags: Vec<Flag>,
    /// 双公示 of the decision, when it is to be published.
    #[serde(default)]
    pub publication: Option<Publication>,
    /// A decision later changed, revoked or annulled (reconsideration, court, self-correction).
    #[serde(default)]
    pub alteration: Option<Alteration>,
    /// Reconsideration or litigation against the decision: no late fee accrues meanwhile.
    #[serde(default)]
    pub remedies: Vec<RemedyPeriod>,
    /// Last day to apply to the court for compulsory enforcement.
    #[serde(default)]
    pub court_application_due: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemedyKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼
    Litigation,
}

impl RemedyKind {
    pub fn code(self) -> &'static str {
        match self {
            RemedyKind::Reconsideration => "reconsideration",
            RemedyKind::Litigation => "litigation",
        }
    }
    pub fn parse(code: &str) -> Option<RemedyKind> {
        [RemedyKind::Reconsideration, RemedyKind::Litigation]
            .into_iter()
            .find(|k| k.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            RemedyKind::Reconsideration => "行政复议",
            RemedyKind::Litigation => "行政诉讼",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemedyPeriod {
    pub kind: RemedyKind,
    pub from: Date,
    /// The day it ended (decision served, judgment effective); `None` while pending.
    pub until: Option<Date>,
    #[serde(default)]
    pub result: String,
}

/// Publication of a penalty decision (the public notices read this).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// Publish within 7 working days of the decision (rule `pub_permit_penalty_7wd`).
    pub due: Option<Date>,
    pub published_on: Option<Date>,
    /// Withdraw within 3 working days of a change, revocation or annulment (第四十八条).
    pub withdrawal_due: Option<Date>,
    pub withdrawn_on: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlterationKind {
    /// 变更
    Changed,
    /// 撤销
    Revoked,
    /// 确认违法
    DeclaredUnlawful,
    /// 确认无效
    DeclaredVoid,
}

impl AlterationKind {
    pub const ALL: [AlterationKind; 4] = [
        AlterationKind::Changed,
        AlterationKind::Revoked,
        AlterationKind::DeclaredUnlawful,
        AlterationKind::DeclaredVoid,
    ];
    pub fn code(self) -> &'static str {
        match self {
            AlterationKind::Changed => "changed",
            AlterationKind::Revoked => "revoked",
            AlterationKind::DeclaredUnlawful => "unlawful",
            AlterationKind::DeclaredVoid => "void",
        }
    }
    pub fn parse(code: &str) -> Option<AlterationKind> {
        AlterationKind::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            AlterationKind::Changed => "变更",
            AlterationKind::Revoked => "撤销",
            AlterationKind::DeclaredUnlawful => "确认违法",
            AlterationKind::DeclaredVoid => "确认无效",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alteration {
    pub kind: AlterationKind,
    pub reason: String,
    pub on: Date,
}

impl Case {
    pub fn paid(&self) -> Money {
        Money::from_fen(self.payments.iter().map(|p| p.amount.fen()).sum())
    }
    pub fn fine(&self) -> Money {
        self.decision.as_ref().map_or(Money::ZERO, |d| d.fine)
    }
    /// The deadline a worklist should show next, with its rule id.
    pub fn next_due(&self) -> Option<(&'static str, Date)> {
        Dues {
            stage: self.stage,
            preservation: open_preservation_due(
                self.preservations.iter().map(|p| (p.due, p.handled_on)),
            ),
            decision: self.decision_due,
            service: self.service_due,
            payment: self.payment_due,
            summary_filing: self.summary_filing_due,
        }
        .next()
    }
}

/// The earliest handling deadline of a preservation not yet handled.
fn open_preservation_due(
    preservations: impl Iterator<Item = (Option<Date>, Option<Date>)>,
) -> Option<Date> {
    preservations
        .filter(|(_, handled_on)| handled_on.is_none())
        .filter_map(|(due, _)| due)
        .min()
}

/// The deadlines a case can be waiting on; which one is next depends on
/// the stage. One definition for [`Case::next_due`] and [`CaseFacts::next_due`].
struct Dues {
    stage: Stage,
    preservation: Option<Date>,
    decision: Option<Date>,
    service: Option<Date>,
    payment: Option<Date>,
    summary_filing: Option<Date>,
}

impl Dues {
    fn next(&self) -> Option<(&'static str, Date)> {
        match self.stage {
            Stage::Investigation => self
                .preservation
                .map(|d| ("ap_evidence_preservation", d))
                .or(self.decision.map(|d| ("hp_decision_deadline", d))),
            Stage::Proposed | Stage::Review | Stage::Notice | Stage::Hearing => {
                self.decision.map(|d| ("hp_decision_deadline", d))
            }
            Stage::Decided => self.service.map(|d| ("ap_service", d)),
            Stage::Served | Stage::Execution => self.payment.map(|d| ("ap_payment_deadline", d)),
            Stage::Summary => self.summary_filing.map(|d| ("ap_summary_filing", d)),
            _ => None,
        }
    }
}

/// What statistics read of a case: the indicators' counts and sums, the
/// dashboard's overdue list and a drill-down row. It deserializes from the
/// stored JSON of a [`Case`] and skips the rest (evidence, documents,
/// minutes …), which a province's year of statistics does not need: parsing
/// 100,000 whole cases took about 2.5 s of one core, most of it building
/// strings and vectors that were never read. `From<&Case>` gives the same
/// value, and a test checks that both agree at every step of a case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CaseFacts {
    pub procedure: Procedure,
    pub stage: Stage,
    pub party: PartyName,
    pub domain: SupervisionDomain,
    pub summary: String,
    pub opened_on: Date,
    pub filed_on: Option<Date>,
    /// The earliest handling deadline of an unhandled preservation.
    #[serde(rename = "preservations", deserialize_with = "preservation_due")]
    pub preservation_due: Option<Date>,
    pub review_required: bool,
    /// Legal reviews held (法制审核).
    #[serde(rename = "reviews", deserialize_with = "count_of")]
    pub reviews_held: usize,
    /// Collective discussion held (集体讨论).
    #[serde(rename = "discussion", deserialize_with = "is_present")]
    pub discussed: bool,
    pub hearing: Option<HearingFacts>,
    pub decision_due: Option<Date>,
    pub decision: Option<DecisionFacts>,
    pub service_due: Option<Date>,
    pub payment_due: Option<Date>,
    pub payments: Vec<Payment>,
    pub transfer: Option<Transfer>,
    pub summary_filing_due: Option<Date>,
}

/// The party as statistics name it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PartyName {
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct HearingFacts {
    pub date: Option<Date>,
    pub held: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct DecisionFacts {
    pub on: Date,
    pub outcome: Outcome,
    pub fine: Money,
    pub confiscation: Money,
}

impl CaseFacts {
    /// The next deadline the case waits on, as [`Case::next_due`].
    pub fn next_due(&self) -> Option<(&'static str, Date)> {
        Dues {
            stage: self.stage,
            preservation: self.preservation_due,
            decision: self.decision_due,
            service: self.service_due,
            payment: self.payment_due,
            summary_filing: self.summary_filing_due,
        }
        .next()
    }
}

impl From<&Case> for CaseFacts {
    fn from(c: &Case) -> Self {
        CaseFacts {
            procedure: c.procedure,
            stage: c.stage,
            party: PartyName {
                name: c.party.name.clone(),
            },
            domain: c.domain,
            summary: c.summary.clone(),
            opened_on: c.opened_on,
            filed_on: c.filed_on,
            preservation_due: open_preservation_due(
                c.preservations.iter().map(|p| (p.due, p.handled_on)),
            ),
            review_required: c.review_required,
            reviews_held: c.reviews.len(),
            discussed: c.discussion.is_some(),
            hearing: c.hearing.as_ref().map(|h| HearingFacts {
                date: h.date,
                held: h.held,
            }),
            decision_due: c.decision_due,
            decision: c.decision.as_ref().map(|d| DecisionFacts {
                on: d.on,
                outcome: d.outcome,
                fine: d.fine,
                confiscation: d.confiscation,
            }),
            service_due: c.service_due,
            payment_due: c.payment_due,
            payments: c.payments.clone(),
            transfer: c.transfer.clone(),
            summary_filing_due: c.summary_filing_due,
        }
    }
}

/// `preservations` read as the earliest due date of those not handled.
fn preservation_due<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    #[derive(Deserialize)]
    struct Due {
        due: Option<Date>,
        handled_on: Option<Date>,
    }
    let all = Vec::<Due>::deserialize(d)?;
    Ok(open_preservation_due(
        all.into_iter().map(|p| (p.due, p.handled_on)),
    ))
}

/// A list read as its length, its elements skipped.
fn count_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    struct Count;
    impl<'de> serde::de::Visitor<'de> for Count {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            let mut n = 0;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
    d.deserialize_seq(Count)
}

/// An optional value read as whether it is there, its contents skipped.
fn is_present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<serde::de::IgnoredAny>::deserialize(d)?.is_some())
}

/// Facts about a prospective handler, loaded by the use case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandlerFacts {
    pub user_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    /// Status of the officer's credential today; `None` without one.
    pub credential: Option<CredentialStatus>,
    pub domains: Vec<SupervisionDomain>,
    /// The officer has a recusal relation with the party (第四十三条).
    pub recused: bool,
}

/// What a case may be asked to do. Each command names the facts it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// 案件受理: register a case source.
    Open {
        source: Source,
        party: Party,
        domain: SupervisionDomain,
        power_code: String,
        summary: String,
        act_date: Date,
        /// Harm to life and health (5-year limitation, 第三十六条).
        life_health_harm: bool,
        /// The power is one of illegal medical practice (非法行医) …
        #[serde(default)]
        illegal_practice: bool,
        /// … and the party was penalised this many times before for the same conduct.
        #[serde(default)]
        prior_penalties: u32,
    },
    /// 立案 (approved by a section or agency head) with at least two handlers.
    File {
        handlers: Vec<HandlerFacts>,
    },
    /// 不予立案
    DeclineFiling {
        reason: String,
    },
    AddEvidence {
        kind: EvidenceType,
        title: String,
        sha256: Option<String>,
        officers: Vec<i64>,
    },
    /// 先行登记保存 (head approval).
    Preserve {
        items: String,
    },
    /// 先行登记保存处理决定
    HandlePreservation {
        index: usize,
    },
    ProposeOutcome {
        outcome: Outcome,
        facts: String,
        legal_basis: String,
        fine: Money,
        confiscation: Money,
        other_penalties: String,
        heavy_penalty: bool,
        circumstance: Option<Circumstance>,
        band: Option<Band>,
        out_of_band_reason: Option<String>,
        education_record: Option<String>,
        major: bool,
    },
    /// Ask for legal review (法制审核).
    SubmitForReview,
    /// The reviewer's opinion: pass, or return for correction.
    RecordReview {
        passed: bool,
        checklist: Vec<bool>,
        opinion: String,
        /// The reviewer's account records a 法律职业资格 or legal review done
        /// before 2021-07-15 (第五十八条第二款; loaded by the use case).
        #[serde(default)]
        reviewer_qualified: bool,
    },
    /// 集体讨论
    RecordDiscussion {
        participants: Vec<String>,
        minutes: String,
        conclusion: String,
    },
    /// 行政处罚事先告知书 served on `served_on`.
    SendNotice {
        served_on: Date,
    },
    RecordStatement {
        text: String,
        answer: String,
        adopted: bool,
    },
    /// The party waives statement, defence and hearing (explicitly, in writing).
    WaiveRights,
    RequestHearing {
        on: Date,
    },
    /// 听证通知书: hearing on `date`, chaired by `chair`.
    ScheduleHearing {
        date: Date,
        chair: i64,
    },
    RecordHearing {
        record: String,
        report: String,
    },
    /// 延长办案期限 with a reason code and the approver.
    ExtendDecisionDeadline {
        days: u32,
        reason_code: String,
        /// The approving head belongs to an agency above the case's agency
        /// (loaded by the use case from the agency tree).
        #[serde(default)]
        approver_superior: bool,
    },
    /// 行政处罚决定 by the agency head; `number` from the agency's register.
    Decide {
        number: String,
        fine: Money,
        /// To be published (双公示): decisions with a certain social impact (第四十八条).
        #[serde(default)]
        publish: bool,
    },
    /// The notice went up on the public site.
    RecordPublished,
    /// The decision was changed, revoked, declared unlawful or void.
    AlterDecision {
        kind: AlterationKind,
        reason: String,
    },
    /// The public notice of an altered decision was withdrawn.
    RecordWithdrawn,
    /// The party applied for reconsideration or sued (the late fee stops accruing).
    RecordRemedy {
        kind: RemedyKind,
        on: Date,
    },
    /// That reconsideration or lawsuit ended (the late fee runs again).
    RecordRemedyConcluded {
        on: Date,
        result: String,
    },
    Serve {
        method: ServiceMethod,
        on: Date,
        receipt: String,
        electronic_consent: bool,
    },
    RecordPayment {
        on: Date,
        amount: Money,
        /// Collected on the spot under 第六十九条 (a remote, water-borne or
        /// poorly connected area, at the party's request): ordinary procedure.
        collected_on_spot: bool,
    },
    ApproveDeferral {
        until: Date,
    },
    /// 催告书
    SendDemand,
    /// 强制执行申请书
    ApplyToCourt,
    RecordCourtResult {
        result: String,
    },
    ApproveTransfer,
    RecordTransferred,
    RecordPoliceFeedback {
        accepted: bool,
    },
    /// 简易程序: on-the-spot decision, handed over at once.
    OpenSummary {
        party: Party,
        domain: SupervisionDomain,
        power_code: String,
        summary: String,
        handlers: Vec<HandlerFacts>,
        number: String,
        fine: Money,
        warning: bool,
        collected_on_spot: bool,
        /// The ground of collecting on the spot (default: a fine of at most 100 yuan).
        #[serde(default)]
        collection_ground: Option<CollectionGround>,
        legal_basis: String,
    },
    /// 当场处罚决定报所属机关备案
    FileSummary,
    Close {
        report: String,
    },
    Archive,
}

impl Command {
    pub fn code(&self) -> &'static str {
        match self {
            Command::Open { .. } => "open",
            Command::File { .. } => "file",
            Command::DeclineFiling { .. } => "decline_filing",
            Command::AddEvidence { .. } => "add_evidence",
            Command::Preserve { .. } => "preserve",
            Command::HandlePreservation { .. } => "handle_preservation",
            Command::ProposeOutcome { .. } => "propose_outcome",
            Command::SubmitForReview => "submit_for_review",
            Command::RecordReview { .. } => "record_review",
            Command::RecordDiscussion { .. } => "record_discussion",
            Command::SendNotice { .. } => "send_notice",
            Command::RecordStatement { .. } => "record_statement",
            Command::WaiveRights => "waive_rights",
            Command::RequestHearing { .. } => "request_hearing",
            Command::ScheduleHearing { .. } => "schedule_hearing",
            Command::RecordHearing { .. } => "record_hearing",
            Command::ExtendDecisionDeadline { .. } => "extend_decision_deadline",
            Command::Decide { .. } => "decide",
            Command::RecordPublished => "record_published",
            Command::AlterDecision { .. } => "alter_decision",
            Command::RecordWithdrawn => "record_withdrawn",
            Command::RecordRemedy { .. } => "record_remedy",
            Command::RecordRemedyConcluded { .. } => "record_remedy_concluded",
            Command::Serve { .. } => "serve",
            Command::RecordPayment { .. } => "record_payment",
            Command::ApproveDeferral { .. } => "approve_deferral",
            Command::SendDemand => "send_demand",
            Command::ApplyToCourt => "apply_to_court",
            Command::RecordCourtResult { .. } => "record_court_result",
            Command::ApproveTransfer => "approve_transfer",
            Command::RecordTransferred => "record_transferred",
            Command::RecordPoliceFeedback { .. } => "record_police_feedback",
            Command::OpenSummary { .. } => "open_summary",
            Command::FileSummary => "file_summary",
            Command::Close { .. } => "close",
            Command::Archive => "archive",
        }
    }

    pub fn name_zh(&self) -> &'static str {
        match self {
            Command::Open { .. } => "案件受理",
            Command::File { .. } => "立案",
            Command::DeclineFiling { .. } => "不予立案",
            Command::AddEvidence { .. } => "调查取证",
            Command::Preserve { .. } => "先行登记保存",
            Command::HandlePreservation { .. } => "先行登记保存处理",
            Command::ProposeOutcome { .. } => "提出处理意见",
            Command::SubmitForReview => "提请法制审核",
            Command::RecordReview { .. } => "法制审核意见",
            Command::RecordDiscussion { .. } => "集体讨论",
            Command::SendNotice { .. } => "送达事先告知书",
            Command::RecordStatement { .. } => "陈述申辩",
            Command::WaiveRights => "当事人放弃陈述申辩",
            Command::RequestHearing { .. } => "申请听证",
            Command::ScheduleHearing { .. } => "听证通知",
            Command::RecordHearing { .. } => "听证笔录与报告",
            Command::ExtendDecisionDeadline { .. } => "延长办案期限",
            Command::Decide { .. } => "作出行政处罚决定",
            Command::RecordPublished => "公示",
            Command::AlterDecision { .. } => "决定变更、撤销或被确认违法、无效",
            Command::RecordWithdrawn => "撤回公示",
            Command::RecordRemedy { .. } => "当事人申请复议或提起诉讼",
            Command::RecordRemedyConcluded { .. } => "复议或诉讼终结",
            Command::Serve { .. } => "送达",
            Command::RecordPayment { .. } => "缴纳罚款",
            Command::ApproveDeferral { .. } => "批准延期（分期）缴纳",
            Command::SendDemand => "催告",
            Command::ApplyToCourt => "申请法院强制执行",
            Command::RecordCourtResult { .. } => "法院执行结果",
            Command::ApproveTransfer => "批准移送",
            Command::RecordTransferred => "移送公安机关",
            Command::RecordPoliceFeedback { .. } => "公安机关受理反馈",
            Command::OpenSummary { .. } => "当场行政处罚",
            Command::FileSummary => "当场处罚备案",
            Command::Close { .. } => "结案",
            Command::Archive => "归档",
        }
    }
}

/// Who acts and when, with the law and calendar of the moment.
pub struct Ctx<'a> {
    pub today: Date,
    pub actor: i64,
    pub role: Role,
    pub rules: &'a RuleRegistry,
    pub calendar: &'a Calendar,
    /// Province code for provincial rule versions (e.g. `410000`).
    pub jurisdiction: &'a str,
}

/// Why a step is refused: the rule (with its citation) and a message in
/// both languages. Nothing changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub rule_id: &'static str,
    pub citation: String,
    pub message_zh: String,
    pub message_en: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}（{}） / {}",
            self.message_zh, self.citation, self.message_en
        )
    }
}

type Step = Result<Case, Refusal>;

pub(crate) fn refuse(
    ctx: &Ctx,
    rule_id: &'static str,
    zh: impl Into<String>,
    en: impl Into<String>,
) -> Refusal {
    // The version in force today, or else the rule's latest (a rule that
    // ended still governs what was decided under it).
    let citation = ctx
        .rules
        .get(rule_id, ctx.jurisdiction, ctx.today)
        .ok()
        .or_else(|| ctx.rules.versions(rule_id).last().copied())
        .map_or_else(
            || PLATFORM_RULE.to_owned(),
            // A rule still to be confirmed says so wherever it refuses a step.
            |r| match r.confidence {
                crate::rules::Confidence::M => format!("{}（该规则待核实）", r.citation),
                crate::rules::Confidence::V | crate::rules::Confidence::S => r.citation.clone(),
            },
        );
    Refusal {
        rule_id,
        citation,
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

/// Citation of steps the platform orders without a statute (who may act, what
/// stage comes next).
const PLATFORM_RULE: &str = "《卫生健康行政处罚程序规定》及本平台办案流程";

fn wrong_stage(_ctx: &Ctx, case: &Case, cmd: &Command) -> Refusal {
    Refusal {
        rule_id: "case_stage",
        citation: PLATFORM_RULE.to_owned(),
        message_zh: format!(
            "案件处于“{}”阶段，不能进行“{}”",
            case.stage.name_zh(),
            cmd.name_zh()
        ),
        message_en: format!(
            "the case is at '{}'; '{}' is not possible now",
            case.stage.name_en(),
            cmd.code()
        ),
    }
}

fn role_refusal(_ctx: &Ctx, cmd: &Command, who_zh: &str, who_en: &str) -> Refusal {
    Refusal {
        rule_id: "case_role",
        citation: PLATFORM_RULE.to_owned(),
        message_zh: format!("“{}”须由{}办理", cmd.name_zh(), who_zh),
        message_en: format!("'{}' must be done by {}", cmd.code(), who_en),
    }
}

fn is_head(role: Role) -> bool {
    matches!(role, Role::AgencyHead | Role::SectionHead)
}

/// Due date of a rule's period from `start`, or `None` (with a flag) when the
/// calendar of the year it ends in is not loaded.
fn due(
    ctx: &Ctx,
    case: &mut Case,
    rule_id: &'static str,
    start: Date,
    ext: &[Extension],
) -> Option<Date> {
    let computed = ctx
        .rules
        .deadline_rule(rule_id, ctx.jurisdiction, start)
        .ok()
        .and_then(|r| deadline::compute(&r, start, ctx.calendar, &[], ext).ok());
    match computed {
        Some(c) => {
            if c.provisional {
                let flag = Flag::ProvisionalDeadline {
                    rule_id: rule_id.to_owned(),
                    due: c.due,
                    years: c.provisional_years,
                };
                if !case.flags.contains(&flag) {
                    case.flags.push(flag);
                }
            }
            Some(c.due)
        }
        None => {
            let flag = Flag::CalendarMissing {
                rule_id: rule_id.to_owned(),
            };
            if !case.flags.contains(&flag) {
                case.flags.push(flag);
            }
            None
        }
    }
}

pub(crate) fn param(ctx: &Ctx, rule_id: &'static str, name: &str) -> Result<i64, Refusal> {
    ctx.rules
        .get(rule_id, ctx.jurisdiction, ctx.today)
        .and_then(|r| r.param_i64(name))
        .map_err(|e| Refusal {
            rule_id,
            citation: PLATFORM_RULE.to_owned(),
            message_zh: format!("规则库缺少参数：{e}"),
            message_en: format!("the rule registry lacks a parameter: {e}"),
        })
}

fn handlers_check(
    ctx: &Ctx,
    domain: SupervisionDomain,
    handlers: &[HandlerFacts],
) -> Result<(), Refusal> {
    let min = param(ctx, "ap_two_officers", "officers_min")?;
    let mut ids: Vec<i64> = handlers.iter().map(|h| h.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    if (ids.len() as i64) < min {
        return Err(refuse(
            ctx,
            "ap_two_officers",
            format!("办案人员不得少于{min}人（须为不同的执法人员）"),
            format!("at least {min} different officers must handle the case"),
        ));
    }
    for h in handlers {
        match h.credential {
            Some(status) if status.may_enforce() => {}
            Some(status) => {
                return Err(refuse(
                    ctx,
                    "ap_two_officers",
                    format!(
                        "{}的执法证状态为“{}”，不能承办案件",
                        h.name,
                        status.name_zh()
                    ),
                    format!(
                        "{}'s credential is {}; they may not handle cases",
                        h.name,
                        status.code()
                    ),
                ));
            }
            None => {
                return Err(refuse(
                    ctx,
                    "ap_two_officers",
                    format!("{}没有执法证，不能承办案件", h.name),
                    format!("{} holds no enforcement credential", h.name),
                ));
            }
        }
        if !h.domains.contains(&domain) {
            return Err(refuse(
                ctx,
                "ap_two_officers",
                format!("{}的执法领域不含“{}”", h.name, domain.name_zh()),
                format!("{} may not enforce in {}", h.name, domain.code()),
            ));
        }
        if h.recused {
            return Err(refuse(
                ctx,
                "ap_recusal",
                format!("{}与当事人存在回避关系，应当回避", h.name),
                format!(
                    "{} has a recusal relation with the party and must withdraw",
                    h.name
                ),
            ));
        }
    }
    Ok(())
}

/// Whether legal review is required for the proposal (第五十八条 and the
/// province's rule version).
fn review_required(ctx: &Ctx, case: &Case, p: &Proposal) -> bool {
    if p.outcome != Outcome::Penalty {
        return false;
    }
    let all_ordinary = ctx
        .rules
        .get("ap_legal_review", ctx.jurisdiction, ctx.today)
        .and_then(|r| r.param_bool("all_ordinary_procedure"))
        .unwrap_or(false);
    all_ordinary
        || p.major
        || p.heavy_penalty
        // Unknown until the province sets its amount: review to be safe.
        || hearing_triggered(ctx, case, p).unwrap_or(true)
        || case.hearing.is_some()
}

/// Whether the proposed penalty carries the right to request a hearing
/// (第六十三条). "较大数额" is set by each province: there is no national
/// amount, and without the province's value the question cannot be answered
/// — a refusal naming the rule, never a silently dropped right.
fn hearing_triggered(ctx: &Ctx, case: &Case, p: &Proposal) -> Result<bool, Refusal> {
    if p.outcome != Outcome::Penalty {
        return Ok(false);
    }
    let large = hearing_threshold(ctx, case.party.kind)?;
    Ok(p.heavy_penalty || p.fine.fen() + p.confiscation.fen() >= large.fen())
}

/// The province's 较大数额 for a party of `kind` (rule `ap_hearing_triggers`
/// in the agency's jurisdiction).
pub fn hearing_threshold(ctx: &Ctx, kind: PartyKind) -> Result<Money, Refusal> {
    let key = match kind {
        PartyKind::Citizen => "large_fine_citizen_fen",
        PartyKind::Organisation => "large_fine_organisation_fen",
    };
    ctx.rules
        .get("ap_hearing_triggers", ctx.jurisdiction, ctx.today)
        .and_then(|r| r.param_i64(key))
        .map(Money::from_fen)
        .map_err(|_| {
            refuse(
                ctx,
                "ap_hearing_triggers",
                format!(
                    "本省（{}）尚未设定听证的“较大数额罚款”标准（规则 ap_hearing_triggers），不能确定当事人是否享有听证权利；请先在规则库中设定本省标准，再送达事先告知书",
                    ctx.jurisdiction
                ),
                format!(
                    "the province ({}) has not set the amount of a 'large fine' for hearings (rule ap_hearing_triggers): the hearing right cannot be decided; set the province's amount before serving the prior notice",
                    ctx.jurisdiction
                ),
            )
        })
}

/// Apply `cmd` to `case` (or open a case when `case` is `None`).
pub fn apply(case: Option<&Case>, cmd: &Command, ctx: &Ctx) -> Step {
    let Some(case) = case else {
        return open(cmd, ctx);
    };
    if case.stage == Stage::Archived {
        return Err(Refusal {
            rule_id: "case_archived",
            citation: "《行政处罚法》第四十七条".to_owned(),
            message_zh: "案件已归档，案卷只读，不能再变更".to_owned(),
            message_en: "the case is archived and read-only".to_owned(),
        });
    }
    let mut next = case.clone();
    match cmd {
        Command::Open { .. } | Command::OpenSummary { .. } => Err(wrong_stage(ctx, case, cmd)),
        Command::File { handlers } => {
            if case.stage != Stage::Intake {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if !is_head(ctx.role) {
                return Err(role_refusal(
                    ctx,
                    cmd,
                    "科室或机关负责人批准",
                    "a section or agency head",
                ));
            }
            handlers_check(ctx, case.domain, handlers)?;
            // 第三十六条 runs to discovery: the day the case source was
            // registered, not the day the filing is approved.
            if let Some(ends) = case.limitation_ends
                && case.opened_on > ends
            {
                return Err(refuse(
                    ctx,
                    "ap_limitation",
                    format!(
                        "违法行为发生于 {}，至案源登记（{}）时追责期限已于 {ends} 届满，不再给予行政处罚",
                        case.act_date, case.opened_on
                    ),
                    format!(
                        "the act of {} was time-barred on {ends}, before the case source was registered on {}",
                        case.act_date, case.opened_on
                    ),
                ));
            }
            next.handlers = handlers.iter().map(|h| h.user_id).collect();
            next.handlers.sort_unstable();
            next.handlers.dedup();
            next.filed_on = Some(ctx.today);
            next.filing_approved_by = Some(ctx.actor);
            next.stage = Stage::Investigation;
            if let Some(ends) = case.limitation_ends {
                let warn = param(ctx, "ap_limitation_warning", "warn_days_before").unwrap_or(60);
                if ends
                    .checked_sub(jiff::Span::new().days(warn))
                    .is_ok_and(|from| case.opened_on >= from)
                {
                    next.flags.push(Flag::LimitationNear { ends });
                }
            }
            let today = ctx.today;
            next.decision_due = decision_due(ctx, &mut next, today);
            Ok(next)
        }
        Command::DeclineFiling { reason } => {
            if case.stage != Stage::Intake {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if !is_head(ctx.role) {
                return Err(role_refusal(
                    ctx,
                    cmd,
                    "科室或机关负责人",
                    "a section or agency head",
                ));
            }
            require_text(ctx, "reason", reason)?;
            next.closing_report = Some(reason.clone());
            next.closed_on = Some(ctx.today);
            next.stage = Stage::NotFiled;
            Ok(next)
        }
        Command::AddEvidence {
            kind,
            title,
            sha256,
            officers,
        } => {
            if !matches!(case.stage, Stage::Investigation) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            require_text(ctx, "title", title)?;
            if *kind == EvidenceType::Record {
                let min = param(ctx, "ap_show_certificate", "officers_min")?;
                let present = officers
                    .iter()
                    .filter(|o| case.handlers.contains(o))
                    .count() as i64;
                if present < min {
                    return Err(refuse(
                        ctx,
                        "ap_show_certificate",
                        format!("现场笔录、询问笔录须由不少于{min}名办案人员共同制作并签名"),
                        format!(
                            "records must be made and signed by at least {min} of the case's handlers"
                        ),
                    ));
                }
            }
            next.evidence.push(EvidenceItem {
                kind: *kind,
                title: title.clone(),
                sha256: sha256.clone(),
                officers: officers.clone(),
                added_on: ctx.today,
            });
            Ok(next)
        }
        Command::Preserve { items } => {
            if case.stage != Stage::Investigation {
                return Err(wrong_stage(ctx, case, cmd));
            }
            // 第五十六条: "经行政机关负责人批准" — the agency's head, not a section head.
            if ctx.role != Role::AgencyHead {
                return Err(refuse(
                    ctx,
                    "ap_evidence_preservation",
                    "先行登记保存须经行政机关负责人批准（科室负责人不能批准）",
                    "preserving evidence needs the agency head's approval (a section head may not approve it)",
                ));
            }
            require_text(ctx, "items", items)?;
            let today = ctx.today;
            let due = due(ctx, &mut next, "ap_evidence_preservation", today, &[]);
            next.preservations.push(Preservation {
                items: items.clone(),
                approved_by: ctx.actor,
                on: today,
                due,
                handled_on: None,
            });
            Ok(next)
        }
        Command::HandlePreservation { index } => {
            if case.stage != Stage::Investigation {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            let Some(p) = next.preservations.get_mut(*index) else {
                return Err(not_found(ctx, "preservation"));
            };
            if p.handled_on.is_some() {
                return Err(refuse(
                    ctx,
                    "ap_evidence_preservation",
                    "该先行登记保存已作出处理决定",
                    "already handled",
                ));
            }
            p.handled_on = Some(ctx.today);
            if let Some(d) = p.due
                && ctx.today > d
            {
                next.flags.push(Flag::PreservationLate { due: d });
            }
            Ok(next)
        }
        Command::ProposeOutcome {
            outcome,
            facts,
            legal_basis,
            fine,
            confiscation,
            other_penalties,
            heavy_penalty,
            circumstance,
            band,
            out_of_band_reason,
            education_record,
            major,
        } => {
            if case.stage != Stage::Investigation {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            require_text(ctx, "facts", facts)?;
            if case.preservations.iter().any(|p| p.handled_on.is_none()) {
                return Err(refuse(
                    ctx,
                    "ap_evidence_preservation",
                    "尚有先行登记保存的证据未作出处理决定",
                    "preserved evidence still awaits its handling decision",
                ));
            }
            if case.evidence.is_empty() && *outcome != Outcome::NotEstablished {
                return Err(refuse(
                    ctx,
                    "ap_evidence_types",
                    "认定违法须有证据：请先登记至少一项法定种类的证据",
                    "a finding needs evidence: add at least one item of a statutory type first",
                ));
            }
            match outcome {
                Outcome::Penalty => {
                    require_text(ctx, "legal_basis", legal_basis)?;
                    if fine.fen() == 0
                        && confiscation.fen() == 0
                        && other_penalties.trim().is_empty()
                    {
                        return Err(refuse(
                            ctx,
                            "ap_decision_content",
                            "给予行政处罚须写明处罚种类（罚款数额或其他处罚）",
                            "a penalty needs its type: a fine amount or another penalty",
                        ));
                    }
                }
                Outcome::NoPenalty => {
                    if education_record
                        .as_deref()
                        .is_none_or(|t| t.trim().is_empty())
                    {
                        return Err(refuse(
                            ctx,
                            "ap_no_penalty_minor",
                            "不予行政处罚的，应当对当事人进行教育：请填写教育记录",
                            "a no-penalty outcome needs the record of educating the party",
                        ));
                    }
                }
                Outcome::NotEstablished | Outcome::TransferToPolice => {}
            }
            let mut p = Proposal {
                outcome: *outcome,
                facts: facts.clone(),
                legal_basis: legal_basis.clone(),
                fine: if *outcome == Outcome::Penalty {
                    *fine
                } else {
                    Money::ZERO
                },
                confiscation: if *outcome == Outcome::Penalty {
                    *confiscation
                } else {
                    Money::ZERO
                },
                other_penalties: other_penalties.clone(),
                heavy_penalty: *heavy_penalty,
                circumstance: *circumstance,
                band: band.clone(),
                out_of_band_reason: out_of_band_reason.clone().filter(|r| !r.trim().is_empty()),
                education_record: education_record.clone(),
                major: *major,
                proposed_by: ctx.actor,
                proposed_on: ctx.today,
            };
            if p.outcome == Outcome::Penalty && p.out_of_band() {
                if p.out_of_band_reason.is_none() {
                    let b = p
                        .band
                        .as_ref()
                        .map_or((Money::ZERO, Money::ZERO), |b| (b.min, b.max));
                    return Err(refuse(
                        ctx,
                        "ap_discretion_benchmark_public",
                        format!(
                            "拟罚款 {} 超出裁量基准幅度（{} – {}），须书面说明理由",
                            p.fine, b.0, b.1
                        ),
                        format!(
                            "the fine {} is outside the benchmark band {} – {}: give a written reason",
                            p.fine, b.0, b.1
                        ),
                    ));
                }
                if !next.flags.contains(&Flag::OutOfBand) {
                    next.flags.push(Flag::OutOfBand);
                }
            } else {
                p.out_of_band_reason = None;
                next.flags.retain(|f| *f != Flag::OutOfBand);
            }
            next.review_required = review_required(ctx, case, &p);
            next.discussion_required = p.outcome == Outcome::Penalty && p.major;
            next.review_state = ReviewState::NotRequested;
            next.proposal = Some(p);
            next.stage = if *outcome == Outcome::TransferToPolice {
                next.transfer = Some(Transfer {
                    approved_on: None,
                    transferred_on: None,
                    police_accepted: None,
                });
                Stage::Transfer
            } else {
                Stage::Proposed
            };
            Ok(next)
        }
        Command::SubmitForReview => {
            if !matches!(case.stage, Stage::Proposed | Stage::Notice) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            if case.review_state == ReviewState::Passed {
                return Err(refuse(
                    ctx,
                    "ap_legal_review",
                    "法制审核已通过",
                    "legal review has already passed",
                ));
            }
            next.review_state = ReviewState::Pending;
            next.stage = Stage::Review;
            Ok(next)
        }
        Command::RecordReview {
            passed,
            checklist,
            opinion,
            reviewer_qualified,
        } => {
            if case.stage != Stage::Review {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if ctx.role != Role::LegalReviewer {
                return Err(role_refusal(ctx, cmd, "法制审核人员", "a legal reviewer"));
            }
            if !reviewer_qualified {
                return Err(refuse(
                    ctx,
                    "ap_legal_review",
                    "初次从事行政处罚决定法制审核的人员，应当取得法律职业资格：审核人员账号未登记法律职业资格（或 2021年7月15日前已从事法制审核），不能审核",
                    "a first-time legal reviewer must hold the legal professional qualification: none is recorded on the reviewer's account (nor review work before 2021-07-15)",
                ));
            }
            if case.handlers.contains(&ctx.actor) {
                return Err(refuse(
                    ctx,
                    "ap_legal_review",
                    "办审分离：本案办案人员不得审核本案",
                    "separation of handling and review: a handler of this case may not review it",
                ));
            }
            if checklist.len() != REVIEW_CHECKLIST.len() {
                return Err(refuse(
                    ctx,
                    "ap_legal_review",
                    format!("审核须逐项填写 {} 项审核要点", REVIEW_CHECKLIST.len()),
                    format!(
                        "the review must answer all {} checklist items",
                        REVIEW_CHECKLIST.len()
                    ),
                ));
            }
            if *passed && checklist.iter().any(|ok| !ok) {
                return Err(refuse(
                    ctx,
                    "ap_legal_review",
                    "审核要点中有未通过项，不能作出“同意”意见",
                    "a review with a failed checklist item cannot pass",
                ));
            }
            require_text(ctx, "opinion", opinion)?;
            next.reviews.push(Review {
                reviewer: ctx.actor,
                on: ctx.today,
                passed: *passed,
                checklist: checklist.clone(),
                opinion: opinion.clone(),
            });
            if *passed {
                next.review_state = ReviewState::Passed;
                next.stage = Stage::Proposed;
            } else {
                // Returned for correction: back to investigation; the proposal is redone.
                next.review_state = ReviewState::Returned;
                next.proposal = None;
                next.notice = None;
                next.stage = Stage::Investigation;
            }
            Ok(next)
        }
        Command::RecordDiscussion {
            participants,
            minutes,
            conclusion,
        } => {
            if !matches!(case.stage, Stage::Proposed | Stage::Notice) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if ctx.role != Role::AgencyHead {
                return Err(refuse(
                    ctx,
                    "ap_head_review_outcomes",
                    "集体讨论由行政机关负责人主持并记录",
                    "collective discussion is chaired and recorded by the agency head",
                ));
            }
            let mut names: Vec<&String> = participants
                .iter()
                .filter(|p| !p.trim().is_empty())
                .collect();
            names.sort();
            names.dedup();
            if names.len() < 3 {
                return Err(refuse(
                    ctx,
                    "ap_head_review_outcomes",
                    "集体讨论须有三名以上负责人参加",
                    "collective discussion needs at least three leaders",
                ));
            }
            require_text(ctx, "minutes", minutes)?;
            require_text(ctx, "conclusion", conclusion)?;
            next.discussion = Some(Discussion {
                on: ctx.today,
                participants: participants.clone(),
                minutes: minutes.clone(),
                conclusion: conclusion.clone(),
            });
            Ok(next)
        }
        Command::SendNotice { served_on } => {
            if case.stage != Stage::Proposed {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            let Some(p) = &case.proposal else {
                return Err(wrong_stage(ctx, case, cmd));
            };
            if p.outcome != Outcome::Penalty {
                return Err(refuse(
                    ctx,
                    "ap_prior_notice",
                    "只有拟给予行政处罚的案件需要事先告知",
                    "only a proposed penalty is notified in advance",
                ));
            }
            if case.notice.is_some() {
                return Err(refuse(
                    ctx,
                    "ap_prior_notice",
                    "事先告知书已送达",
                    "the prior notice was already served",
                ));
            }
            if *served_on > ctx.today || *served_on < p.proposed_on {
                return Err(bad_date(ctx, "served_on"));
            }
            let hearing_right = hearing_triggered(ctx, case, p)?;
            let statement_until = due(ctx, &mut next, "ap_statement_period", *served_on, &[]);
            let hearing_request_until = if hearing_right {
                due(ctx, &mut next, "ap_hearing_request", *served_on, &[])
            } else {
                None
            };
            next.notice = Some(Notice {
                served_on: *served_on,
                fine: p.fine,
                hearing_right,
                statement_until,
                hearing_request_until,
                statements: Vec::new(),
                waived: false,
            });
            next.stage = Stage::Notice;
            Ok(next)
        }
        Command::RecordStatement {
            text,
            answer,
            adopted,
        } => {
            if case.stage != Stage::Notice {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            require_text(ctx, "text", text)?;
            require_text(ctx, "answer", answer)?;
            if let Some(n) = next.notice.as_mut() {
                n.statements.push(Statement {
                    on: ctx.today,
                    text: text.clone(),
                    answer: answer.clone(),
                    adopted: *adopted,
                });
            }
            Ok(next)
        }
        Command::WaiveRights => {
            if case.stage != Stage::Notice {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            if let Some(n) = next.notice.as_mut() {
                n.waived = true;
            }
            next.stage = Stage::Proposed;
            Ok(next)
        }
        Command::RequestHearing { on } => {
            if case.stage != Stage::Notice {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            let Some(n) = &case.notice else {
                return Err(wrong_stage(ctx, case, cmd));
            };
            if !n.hearing_right {
                return Err(refuse(
                    ctx,
                    "ap_hearing_triggers",
                    "拟作出的处罚不属于应当告知听证权利的情形",
                    "the proposed penalty carries no right to a hearing",
                ));
            }
            if *on < n.served_on || *on > ctx.today {
                return Err(bad_date(ctx, "on"));
            }
            if let Some(until) = n.hearing_request_until
                && *on > until
            {
                return Err(refuse(
                    ctx,
                    "ap_hearing_request",
                    format!("听证申请须在告知后五个工作日内（{until} 前）提出"),
                    format!(
                        "a hearing must be requested within 5 working days of the notice (by {until})"
                    ),
                ));
            }
            next.hearing = Some(Hearing {
                requested_on: *on,
                notified_on: None,
                date: None,
                chair: None,
                held: false,
                record: String::new(),
                report: String::new(),
            });
            // A hearing makes legal review mandatory (第五十八条第（二）项).
            next.review_required = true;
            if next.review_state == ReviewState::Passed {
                next.review_state = ReviewState::NotRequested;
            }
            next.stage = Stage::Hearing;
            Ok(next)
        }
        Command::ScheduleHearing { date, chair } => {
            if case.stage != Stage::Hearing {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            if case.handlers.contains(chair) {
                return Err(refuse(
                    ctx,
                    "ap_hearing_chair",
                    "听证主持人不得由本案调查人员担任",
                    "the hearing chair may not be an investigator of the case",
                ));
            }
            let today = ctx.today;
            if let Some(earliest) = due(ctx, &mut next, "ap_hearing_notice", today, &[])
                && *date < earliest
            {
                return Err(refuse(
                    ctx,
                    "ap_hearing_notice",
                    format!("应当在举行听证的七个工作日前通知当事人：最早可定于 {earliest}"),
                    format!(
                        "the party must be notified 7 working days ahead: the earliest date is {earliest}"
                    ),
                ));
            }
            if let Some(h) = next.hearing.as_mut() {
                h.notified_on = Some(today);
                h.date = Some(*date);
                h.chair = Some(*chair);
            }
            Ok(next)
        }
        Command::RecordHearing { record, report } => {
            if case.stage != Stage::Hearing {
                return Err(wrong_stage(ctx, case, cmd));
            }
            let Some(h) = &case.hearing else {
                return Err(wrong_stage(ctx, case, cmd));
            };
            let (Some(date), Some(chair)) = (h.date, h.chair) else {
                return Err(refuse(
                    ctx,
                    "ap_hearing_notice",
                    "请先发出听证通知",
                    "schedule the hearing first",
                ));
            };
            if ctx.actor != chair {
                return Err(refuse(
                    ctx,
                    "ap_hearing_chair",
                    "听证笔录和听证报告由听证主持人提交",
                    "the hearing chair submits the record and report",
                ));
            }
            if ctx.today < date {
                return Err(bad_date(ctx, "date"));
            }
            require_text(ctx, "record", record)?;
            require_text(ctx, "report", report)?;
            if let Some(h) = next.hearing.as_mut() {
                h.held = true;
                h.record = record.clone();
                h.report = report.clone();
            }
            next.stage = Stage::Proposed;
            Ok(next)
        }
        Command::ExtendDecisionDeadline {
            days,
            reason_code,
            approver_superior,
        } => {
            if !matches!(
                case.stage,
                Stage::Investigation
                    | Stage::Proposed
                    | Stage::Review
                    | Stage::Notice
                    | Stage::Hearing
            ) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            let Some(filed) = case.filed_on else {
                return Err(wrong_stage(ctx, case, cmd));
            };
            // The health-sector rule in force on the filing date decides the
            // period, who approves an extension, how long and how often.
            let rule = ctx
                .rules
                .get("hp_decision_deadline", ctx.jurisdiction, filed)
                .map_err(|e| {
                    refuse(
                        ctx,
                        "hp_decision_deadline",
                        format!("办案期限规则：{e}"),
                        format!("case period rule: {e}"),
                    )
                })?;
            let superior = rule
                .params
                .get("extension_approver")
                .and_then(toml::Value::as_str)
                == Some("superior");
            if ctx.role != Role::AgencyHead || superior != *approver_superior {
                return Err(if superior {
                    refuse(
                        ctx,
                        "hp_decision_deadline",
                        "因特殊原因延长办案期限的，应当报请上级卫生行政机关批准（由上级机关负责人批准）",
                        "an extension must be approved by the superior health agency (its head)",
                    )
                } else {
                    refuse(
                        ctx,
                        "hp_decision_deadline",
                        "延长办案期限须经本机关负责人批准",
                        "an extension needs the approval of the agency's own head",
                    )
                });
            }
            if !EXTENSION_REASONS.iter().any(|(c, _)| c == reason_code) || *days == 0 {
                return Err(refuse(
                    ctx,
                    "hp_decision_deadline",
                    "延期须选择法定事由（不可抗力、当事人下落不明、等待其他机关结论、需协助调查）并填写天数；人手不足、工作量大不是延期事由",
                    "an extension needs a valid reason code and a number of days; staffing and workload are not reasons",
                ));
            }
            if let Ok(max) = rule.param_i64("extension_max_days")
                && i64::from(*days) > max
            {
                return Err(refuse(
                    ctx,
                    "hp_decision_deadline",
                    format!("延长期限不得超过 {max} 日"),
                    format!("an extension may not exceed {max} days"),
                ));
            }
            if let Ok(max) = rule.param_i64("extensions_max")
                && i64::try_from(case.extensions.len()).unwrap_or(i64::MAX) >= max
            {
                return Err(refuse(
                    ctx,
                    "hp_decision_deadline",
                    format!("办案期限只能延长 {max} 次"),
                    format!("the case period may be extended {max} time(s) only"),
                ));
            }
            next.extensions.push(Extension {
                count: *days,
                reason_code: reason_code.clone(),
                approver: ctx.actor.to_string(),
            });
            next.decision_due = decision_due(ctx, &mut next, filed);
            Ok(next)
        }
        Command::Decide {
            number,
            fine,
            publish,
        } => {
            let mut next = decide(case, next, cmd, number, *fine, ctx)?;
            let penalty = next
                .decision
                .as_ref()
                .filter(|d| d.outcome == Outcome::Penalty);
            if *publish && let Some(d) = penalty {
                let class = crate::notice::classify(
                    ctx,
                    d.on,
                    false,
                    d.fine,
                    d.confiscation,
                    &d.other_penalties,
                )?;
                crate::notice::publishable(ctx, class, d.on)?;
                let today = ctx.today;
                let due_on = due(ctx, &mut next, "pub_permit_penalty_7wd", today, &[]);
                next.publication = Some(Publication {
                    due: due_on,
                    published_on: None,
                    withdrawal_due: None,
                    withdrawn_on: None,
                });
            }
            Ok(next)
        }
        Command::RecordPublished => {
            handler_or_head(ctx, case, cmd)?;
            match next.publication.as_mut() {
                Some(p) if p.published_on.is_none() && case.alteration.is_none() => {
                    p.published_on = Some(ctx.today);
                    Ok(next)
                }
                _ => Err(refuse(
                    ctx,
                    "pub_permit_penalty_7wd",
                    "本案决定未标记公示，或已公示，或已被变更撤销",
                    "this decision is not marked for publication, is already published, or was altered",
                )),
            }
        }
        Command::AlterDecision { kind, reason } => {
            if case.decision.is_none()
                || case.alteration.is_some()
                || matches!(case.stage, Stage::Archived)
            {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if ctx.role != Role::AgencyHead {
                return Err(role_refusal(ctx, cmd, "行政机关负责人", "the agency head"));
            }
            require_text(ctx, "reason", reason)?;
            let today = ctx.today;
            next.alteration = Some(Alteration {
                kind: *kind,
                reason: reason.clone(),
                on: today,
            });
            let withdrawal_due = due(ctx, &mut next, "pub_withdraw_3d", today, &[]);
            if let Some(p) = next.publication.as_mut()
                && p.published_on.is_some()
            {
                p.withdrawal_due = withdrawal_due;
            }
            Ok(next)
        }
        Command::RecordWithdrawn => {
            handler_or_head(ctx, case, cmd)?;
            match next.publication.as_mut() {
                Some(p) if p.withdrawal_due.is_some() && p.withdrawn_on.is_none() => {
                    p.withdrawn_on = Some(ctx.today);
                    let due_on = p.withdrawal_due;
                    if let Some(d) = due_on
                        && ctx.today > d
                    {
                        next.flags.push(Flag::WithdrawalLate { due: d });
                    }
                    Ok(next)
                }
                _ => Err(refuse(
                    ctx,
                    "pub_withdraw_3d",
                    "没有须撤回的公示",
                    "there is no published notice to withdraw",
                )),
            }
        }
        Command::Serve {
            method,
            on,
            receipt,
            electronic_consent,
        } => {
            if !matches!(case.stage, Stage::Decided) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_only(ctx, case, cmd)?;
            let Some(d) = &case.decision else {
                return Err(wrong_stage(ctx, case, cmd));
            };
            if *on < d.on || *on > ctx.today {
                return Err(bad_date(ctx, "on"));
            }
            require_text(ctx, "receipt", receipt)?;
            if *method == ServiceMethod::Electronic && !electronic_consent {
                return Err(refuse(
                    ctx,
                    "ap_service",
                    "电子送达须经当事人同意并签订确认书",
                    "electronic service needs the party's signed consent",
                ));
            }
            next.service = Some(Service {
                method: *method,
                on: *on,
                receipt: receipt.clone(),
                electronic_consent: *electronic_consent,
                effective_on: None,
            });
            if let Some(due_on) = case.service_due
                && *on > due_on
            {
                next.flags.push(Flag::ServiceLate { due: due_on });
            }
            // Service by public notice takes effect when the notice period ends
            // (《民事诉讼法》第九十五条, rule hp_public_notice_service).
            let effective = if *method == ServiceMethod::PublicNotice {
                due(ctx, &mut next, "hp_public_notice_service", *on, &[])
            } else {
                Some(*on)
            };
            if let Some(s) = next.service.as_mut() {
                s.effective_on = effective;
            }
            if d.fine.fen() + d.confiscation.fen() > 0 {
                next.payment_due = match effective {
                    Some(e) => due(ctx, &mut next, "ap_payment_deadline", e, &[]),
                    None => None,
                };
                // Court enforcement may be sought within 3 months after the
                // reconsideration and litigation periods end (《行政强制法》第五十三条).
                next.court_application_due = court_window(ctx, &mut next)?.map(|(_, last)| last);
                next.stage = Stage::Execution;
            } else {
                next.stage = Stage::Closing;
            }
            Ok(next)
        }
        Command::RecordPayment {
            on,
            amount,
            collected_on_spot,
        } => {
            if !matches!(
                case.stage,
                Stage::Execution | Stage::Enforcement | Stage::Summary
            ) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            // 第六十九条 reaches decisions of both procedures; an on-the-spot
            // decision states its ground when it is made (第六十八条), so here
            // only the ordinary procedure's collection in a remote area.
            if *collected_on_spot && case.procedure == Procedure::Summary {
                return Err(refuse(
                    ctx,
                    "ap_on_spot_collection",
                    "当场处罚的当场收缴及其情形在作出决定时登记",
                    "an on-the-spot decision records its on-the-spot collection and ground when it is made",
                ));
            }
            if *on > ctx.today || amount.fen() <= 0 {
                return Err(bad_date(ctx, "on"));
            }
            let fine = case.fine();
            let outstanding = fine.fen() - case.paid().fen();
            let late = late_fee_on(ctx, case, *on)?;
            if amount.fen() > outstanding + late.fen() {
                return Err(refuse(
                    ctx,
                    "ap_late_fee",
                    format!(
                        "缴款 {} 超过应缴金额（罚款余额 {} 加处罚款 {}）",
                        amount,
                        Money::from_fen(outstanding),
                        late
                    ),
                    format!(
                        "payment {} exceeds what is owed ({} plus late fee {})",
                        amount,
                        Money::from_fen(outstanding),
                        late
                    ),
                ));
            }
            next.payments.push(Payment {
                on: *on,
                amount: *amount,
                late_fee: late,
            });
            if *collected_on_spot {
                next.collected_on_spot = true;
                next.collection_ground = Some(CollectionGround::RemoteOnRequest);
            }
            if next.paid().fen() >= fine.fen() && case.stage != Stage::Summary {
                next.stage = Stage::Closing;
            }
            Ok(next)
        }
        Command::ApproveDeferral { until } => {
            if case.stage != Stage::Execution {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if ctx.role != Role::AgencyHead {
                return Err(refuse(
                    ctx,
                    "ap_late_fee",
                    "暂缓或分期缴纳须经行政机关批准",
                    "deferral needs the agency head's approval",
                ));
            }
            if *until <= ctx.today {
                return Err(bad_date(ctx, "until"));
            }
            next.deferral_until = Some(*until);
            Ok(next)
        }
        Command::SendDemand => {
            if case.stage != Stage::Execution {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            let due_on = case.deferral_until.or(case.payment_due);
            if due_on.is_none_or(|d| ctx.today <= d) {
                return Err(refuse(
                    ctx,
                    "ac_court_application_demand",
                    "缴款期限尚未届满，不能催告",
                    "the payment period has not ended; no demand yet",
                ));
            }
            next.demand_on = Some(ctx.today);
            next.stage = Stage::Enforcement;
            Ok(next)
        }
        Command::ApplyToCourt => {
            if case.stage != Stage::Enforcement {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            let Some(demand) = case.demand_on else {
                return Err(wrong_stage(ctx, case, cmd));
            };
            let mut scratch = case.clone();
            if let Some(after) = due(
                ctx,
                &mut scratch,
                "ac_court_application_demand",
                demand,
                &[],
            ) && ctx.today <= after
            {
                return Err(refuse(
                    ctx,
                    "ac_court_application_demand",
                    format!(
                        "催告书送达十个工作日后（{after} 后）当事人仍未履行的，方可申请强制执行"
                    ),
                    format!(
                        "court enforcement may be sought only after 10 working days from the demand (after {after})"
                    ),
                ));
            }
            let Some((periods_end, last)) = court_window(ctx, &mut scratch)? else {
                return Err(refuse(
                    ctx,
                    "ac_court_application",
                    "申请强制执行的期限无法计算（节假日安排未导入或送达未生效），请先导入节假日安排",
                    "the court application window cannot be computed (holiday calendar missing or service not effective)",
                ));
            };
            if ctx.today <= periods_end {
                return Err(refuse(
                    ctx,
                    "ac_court_application",
                    format!(
                        "复议、诉讼期限至 {periods_end} 届满，届满后三个月内（{last} 前）方可申请人民法院强制执行"
                    ),
                    format!(
                        "the reconsideration and litigation periods run to {periods_end}; apply to the court only after that, by {last}"
                    ),
                ));
            }
            if ctx.today > last {
                return Err(refuse(
                    ctx,
                    "ac_court_application",
                    format!(
                        "申请人民法院强制执行的期限已于 {last} 届满（复议、诉讼期限届满之日 {periods_end} 起三个月），法院不予受理"
                    ),
                    format!(
                        "the window to apply to the court ended on {last} (3 months after the remedy periods ended on {periods_end})"
                    ),
                ));
            }
            next.court_application_due = Some(last);
            next.court_application_on = Some(ctx.today);
            Ok(next)
        }
        Command::RecordCourtResult { result } => {
            if case.stage != Stage::Enforcement || case.court_application_on.is_none() {
                return Err(wrong_stage(ctx, case, cmd));
            }
            require_text(ctx, "result", result)?;
            next.court_result = Some(result.clone());
            next.stage = Stage::Closing;
            Ok(next)
        }
        Command::ApproveTransfer => {
            if case.stage != Stage::Transfer {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if ctx.role != Role::AgencyHead {
                return Err(refuse(
                    ctx,
                    "crim_approval_3d_transfer_24h",
                    "移送涉嫌犯罪案件须经行政机关正职负责人批准",
                    "a criminal transfer needs the agency head's approval",
                ));
            }
            if let Some(t) = next.transfer.as_mut() {
                t.approved_on = Some(ctx.today);
            }
            Ok(next)
        }
        Command::RecordTransferred => {
            if case.stage != Stage::Transfer {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            if case
                .transfer
                .as_ref()
                .is_none_or(|t| t.approved_on.is_none())
            {
                return Err(refuse(
                    ctx,
                    "crim_approval_3d_transfer_24h",
                    "移送须先经负责人批准",
                    "the transfer must be approved first",
                ));
            }
            let approved = case.transfer.as_ref().and_then(|t| t.approved_on);
            if let Some(t) = next.transfer.as_mut() {
                t.transferred_on = Some(ctx.today);
            }
            // Within 24 hours of approval: the next calendar day at the latest.
            if let Some(a) = approved
                && (ctx.today - a).get_days() > 1
            {
                next.flags.push(Flag::TransferLate { approved: a });
            }
            Ok(next)
        }
        Command::RecordRemedy { kind, on } => {
            if !matches!(
                case.stage,
                Stage::Decided
                    | Stage::Execution
                    | Stage::Enforcement
                    | Stage::Closing
                    | Stage::Closed
            ) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            if *on > ctx.today || case.decision.as_ref().is_none_or(|d| *on < d.on) {
                return Err(bad_date(ctx, "on"));
            }
            if case.remedies.iter().any(|r| r.until.is_none()) {
                return Err(refuse(
                    ctx,
                    "ap_late_fee",
                    "已有未终结的复议或诉讼",
                    "a reconsideration or lawsuit is already pending",
                ));
            }
            next.remedies.push(RemedyPeriod {
                kind: *kind,
                from: *on,
                until: None,
                result: String::new(),
            });
            Ok(next)
        }
        Command::RecordRemedyConcluded { on, result } => {
            handler_or_head(ctx, case, cmd)?;
            require_text(ctx, "result", result)?;
            let Some(open) = next.remedies.iter_mut().find(|r| r.until.is_none()) else {
                return Err(refuse(
                    ctx,
                    "ap_late_fee",
                    "没有未终结的复议或诉讼",
                    "no reconsideration or lawsuit is pending",
                ));
            };
            if *on < open.from || *on > ctx.today {
                return Err(bad_date(ctx, "on"));
            }
            open.until = Some(*on);
            open.result = result.clone();
            Ok(next)
        }
        Command::RecordPoliceFeedback { accepted } => {
            if case.stage != Stage::Transfer
                || case
                    .transfer
                    .as_ref()
                    .is_none_or(|t| t.transferred_on.is_none())
            {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if let Some(t) = next.transfer.as_mut() {
                t.police_accepted = Some(*accepted);
            }
            if *accepted {
                next.stage = Stage::Closing;
            } else {
                // Not accepted: the agency deals with the case itself.
                next.proposal = None;
                next.stage = Stage::Investigation;
            }
            Ok(next)
        }
        Command::FileSummary => {
            if case.stage != Stage::Summary {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            next.summary_filed_on = Some(ctx.today);
            next.stage = if case.fine().fen() > case.paid().fen() {
                Stage::Execution
            } else {
                Stage::Closing
            };
            Ok(next)
        }
        Command::Close { report } => {
            if case.stage != Stage::Closing {
                return Err(wrong_stage(ctx, case, cmd));
            }
            if !is_head(ctx.role) {
                return Err(role_refusal(ctx, cmd, "负责人批准", "a head"));
            }
            require_text(ctx, "report", report)?;
            next.closing_report = Some(report.clone());
            next.closed_on = Some(ctx.today);
            next.stage = Stage::Closed;
            Ok(next)
        }
        Command::Archive => {
            if !matches!(case.stage, Stage::Closed | Stage::NotFiled) {
                return Err(wrong_stage(ctx, case, cmd));
            }
            handler_or_head(ctx, case, cmd)?;
            next.archived_on = Some(ctx.today);
            next.stage = Stage::Archived;
            Ok(next)
        }
    }
}

/// The decision deadline of a case filed on `filed`: the health-sector rule
/// in force on the filing date (`hp_decision_deadline`: 3 months before
/// 2025-06-01, 90 days after), with the extensions granted — in the rule's
/// unit when it counts days, added as calendar days to a period in months.
fn decision_due(ctx: &Ctx, case: &mut Case, filed: Date) -> Option<Date> {
    let ext = case.extensions.clone();
    let days: u32 = ext.iter().map(|e| e.count).sum();
    let in_days = ctx
        .rules
        .deadline_rule("hp_decision_deadline", ctx.jurisdiction, filed)
        .is_ok_and(|r| r.unit == deadline::Unit::CalendarDays);
    if in_days {
        due(ctx, case, "hp_decision_deadline", filed, &ext)
    } else {
        due(ctx, case, "hp_decision_deadline", filed, &[])
            .and_then(|d| d.checked_add(jiff::Span::new().days(i64::from(days))).ok())
    }
}

/// The window to apply to the court for enforcement (《行政强制法》第五十三条,
/// 法释〔2018〕1号第一百五十六条): `(periods_end, last)` — an application is
/// possible after `periods_end` (the reconsideration and litigation periods
/// have run out, counted from effective service) up to `last` (3 months
/// later). An on-the-spot decision must go to reconsideration first
/// (`rev_on_spot_first`): only the 60 days count. A reconsideration the party
/// brought moves the start to the end of the 15 days to sue after it; a
/// deferral or instalment approved under 第七十二条第二款 moves it to the end
/// of the deferral. `None` when a period cannot be computed (calendar missing).
fn court_window(ctx: &Ctx, case: &mut Case) -> Result<Option<(Date, Date)>, Refusal> {
    let Some(served) = case.service.as_ref().and_then(|s| s.effective_on) else {
        return Ok(None);
    };
    if case.remedies.iter().any(|r| r.until.is_none()) {
        return Err(refuse(
            ctx,
            "ac_court_application",
            "当事人已申请复议或提起诉讼且尚未终结，不能申请人民法院强制执行",
            "a reconsideration or lawsuit is pending: no court enforcement application now",
        ));
    }
    let last_remedy = case
        .remedies
        .iter()
        .filter_map(|r| r.until.map(|u| (u, r.kind)))
        .max_by_key(|(u, _)| *u);
    let periods_end = match last_remedy {
        Some((_, RemedyKind::Litigation)) => {
            return Err(refuse(
                ctx,
                "ac_court_application",
                "当事人已提起行政诉讼：生效裁判的执行依照《行政诉讼法》第九十五条申请，不适用非诉执行",
                "the party sued: the judgment is enforced under Art. 95 of the Administrative Litigation Law, not by this application",
            ));
        }
        Some((until, RemedyKind::Reconsideration)) => {
            due(ctx, case, "lit_after_review_15d", until, &[])
        }
        None => {
            let on_spot_first = case.procedure == Procedure::Summary
                && ctx
                    .rules
                    .get("rev_on_spot_first", ctx.jurisdiction, served)
                    .is_ok_and(|r| r.in_force_on(served));
            let reconsideration = due(ctx, case, "rev_apply_60d", served, &[]);
            if on_spot_first {
                reconsideration
            } else {
                match (reconsideration, due(ctx, case, "lit_6_months", served, &[])) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                }
            }
        }
    };
    let Some(periods_end) = periods_end else {
        return Ok(None);
    };
    let start = case
        .deferral_until
        .map_or(periods_end, |d| d.max(periods_end));
    Ok(due(ctx, case, "ac_court_application", start, &[]).map(|last| (start, last)))
}

/// 延期事由 (codes and names; 浙卫发〔2019〕44号 lists the kind of reasons that count).
pub const EXTENSION_REASONS: [(&str, &str); 4] = [
    ("force_majeure", "不可抗力"),
    ("party_missing", "当事人下落不明"),
    ("awaiting_other_authority", "等待其他机关或者其他案件的结论"),
    ("assistance_needed", "需要司法机关或者其他部门协助调查"),
];

fn late_fee_on(ctx: &Ctx, case: &Case, on: Date) -> Result<Money, Refusal> {
    let due_on = case.deferral_until.or(case.payment_due);
    let Some(due_on) = due_on else {
        return Ok(Money::ZERO);
    };
    if on <= due_on {
        return Ok(Money::ZERO);
    }
    // Days under reconsideration or litigation do not count (第七十三条).
    let paused: i32 = case
        .remedies
        .iter()
        .map(|r| {
            let from = r.from.max(due_on);
            let until = r.until.unwrap_or(on).min(on);
            (until - from).get_days().max(0)
        })
        .sum();
    let days = ((on - due_on).get_days() - paused).max(0) as u32;
    let rate = param(ctx, "ap_late_fee", "basis_points_per_day")?;
    let cap = param(ctx, "ap_late_fee", "cap_percent_of_fine")?;
    let outstanding = Money::from_fen(case.fine().fen() - case.paid().fen());
    Ok(crate::money::late_fee(outstanding, days, rate, cap).unwrap_or(Money::ZERO))
}

fn decide(
    case: &Case,
    mut next: Case,
    cmd: &Command,
    number: &str,
    fine: Money,
    ctx: &Ctx,
) -> Step {
    // From the notice stage too: when the party neither waives nor asks for a
    // hearing, the periods simply run out.
    if !matches!(case.stage, Stage::Proposed | Stage::Notice) {
        return Err(wrong_stage(ctx, case, cmd));
    }
    if ctx.role != Role::AgencyHead {
        return Err(role_refusal(ctx, cmd, "行政机关负责人", "the agency head"));
    }
    let Some(p) = &case.proposal else {
        return Err(wrong_stage(ctx, case, cmd));
    };
    if case.review_required && case.review_state != ReviewState::Passed {
        return Err(refuse(
            ctx,
            "ap_legal_review",
            "本案须经法制审核，未经审核或审核未通过的，不得作出决定",
            "this case needs legal review; without a passed review no decision may be made",
        ));
    }
    if case.discussion_required && case.discussion.is_none() {
        return Err(refuse(
            ctx,
            "ap_head_review_outcomes",
            "情节复杂或者重大违法行为，须经负责人集体讨论决定",
            "a complex or major case must be decided by collective discussion",
        ));
    }
    if p.outcome == Outcome::Penalty {
        let Some(n) = &case.notice else {
            return Err(refuse(
                ctx,
                "ap_no_decision_without_notice",
                "未告知当事人拟作出的处罚内容及事实、理由、依据的，不得作出行政处罚决定",
                "no penalty decision without prior notice to the party",
            ));
        };
        if !n.waived {
            match n.statement_until {
                Some(until) if ctx.today > until => {}
                Some(until) => {
                    return Err(refuse(
                        ctx,
                        "ap_no_decision_without_notice",
                        format!(
                            "陈述申辩期至 {until} 届满，届满前不得作出决定（当事人明确放弃的除外）"
                        ),
                        format!(
                            "the statement period runs to {until}; no decision before it ends unless the party waived"
                        ),
                    ));
                }
                None => {
                    return Err(refuse(
                        ctx,
                        "ap_no_decision_without_notice",
                        "陈述申辩期无法计算（节假日安排未导入），请先导入节假日安排",
                        "the statement period cannot be computed (holiday calendar missing)",
                    ));
                }
            }
            if n.hearing_right
                && case.hearing.is_none()
                && n.hearing_request_until.is_some_and(|u| ctx.today <= u)
            {
                return Err(refuse(
                    ctx,
                    "ap_hearing_request",
                    "听证申请期尚未届满，不得作出决定",
                    "the period to request a hearing has not ended",
                ));
            }
        }
        if let Some(h) = &case.hearing
            && !h.held
        {
            return Err(refuse(
                ctx,
                "ap_hearing_procedure",
                "当事人要求听证的，须先举行听证",
                "the requested hearing must be held first",
            ));
        }
        if fine > n.fine {
            return Err(refuse(
                ctx,
                "ap_statement_defence",
                format!(
                    "决定罚款 {fine} 高于事先告知的 {}：不得因当事人陈述、申辩而加重处罚；确需加重的，应重新告知",
                    n.fine
                ),
                format!(
                    "the fine {fine} exceeds the notified {}: a penalty may not be increased because of a defence",
                    n.fine
                ),
            ));
        }
        require_text(ctx, "number", number)?;
    }
    next.decision = Some(Decision {
        on: ctx.today,
        by: ctx.actor,
        number: number.to_owned(),
        outcome: p.outcome,
        fine: if p.outcome == Outcome::Penalty {
            fine
        } else {
            Money::ZERO
        },
        confiscation: if p.outcome == Outcome::Penalty {
            p.confiscation
        } else {
            Money::ZERO
        },
        other_penalties: p.other_penalties.clone(),
    });
    if let Some(d) = case.decision_due
        && ctx.today > d
    {
        next.flags.push(Flag::DecisionLate { due: d });
    }
    let today = ctx.today;
    match p.outcome {
        Outcome::Penalty => {
            next.service_due = due(ctx, &mut next, "ap_service", today, &[]);
            next.stage = Stage::Decided;
        }
        Outcome::NoPenalty | Outcome::NotEstablished => next.stage = Stage::Closing,
        Outcome::TransferToPolice => next.stage = Stage::Transfer,
    }
    Ok(next)
}

fn open(cmd: &Command, ctx: &Ctx) -> Step {
    match cmd {
        Command::Open {
            source,
            party,
            domain,
            power_code,
            summary,
            act_date,
            life_health_harm,
            illegal_practice,
            prior_penalties,
        } => {
            if !matches!(
                ctx.role,
                Role::Officer | Role::SectionHead | Role::AgencyHead
            ) {
                return Err(Refusal {
                    rule_id: "case_role",
                    citation: PLATFORM_RULE.to_owned(),
                    message_zh: "案件受理须由执法人员或负责人登记".into(),
                    message_en: "cases are registered by officers or heads".into(),
                });
            }
            party_check(ctx, party)?;
            require_text(ctx, "summary", summary)?;
            if *act_date > ctx.today {
                return Err(bad_date(ctx, "act_date"));
            }
            let mut case = blank(
                Procedure::Ordinary,
                Stage::Intake,
                *source,
                party.clone(),
                *domain,
                power_code,
                summary,
                *act_date,
                ctx,
            );
            case.limitation_ends = Some(limitation_end(
                ctx,
                &mut case,
                *act_date,
                *life_health_harm,
            )?);
            if *illegal_practice {
                let min = param(ctx, "crim_illegal_practice_repeat", "prior_penalties_min")?;
                if i64::from(*prior_penalties) >= min {
                    case.flags.push(Flag::TransferCheck {
                        reason: format!(
                            "当事人此前已因非法行医受过 {prior_penalties} 次行政处罚，再次非法行医涉嫌非法行医罪（《刑法》第三百三十六条），请审查是否移送公安机关"
                        ),
                    });
                }
            }
            Ok(case)
        }
        Command::OpenSummary {
            party,
            domain,
            power_code,
            summary,
            handlers,
            number,
            fine,
            warning,
            collected_on_spot,
            collection_ground,
            legal_basis,
        } => {
            if ctx.role != Role::Officer && !is_head(ctx.role) {
                return Err(Refusal {
                    rule_id: "case_role",
                    citation: PLATFORM_RULE.to_owned(),
                    message_zh: "当场处罚由执法人员作出".into(),
                    message_en: "on-the-spot decisions are made by officers".into(),
                });
            }
            party_check(ctx, party)?;
            handlers_check(ctx, *domain, handlers)?;
            if !handlers.iter().any(|h| h.user_id == ctx.actor) {
                return Err(refuse(
                    ctx,
                    "ap_two_officers",
                    "作出当场处罚的执法人员须是本案执法人员之一",
                    "the officer recording the decision must be one of its officers",
                ));
            }
            let key = match party.kind {
                PartyKind::Citizen => "citizen_fine_max_fen",
                PartyKind::Organisation => "organisation_fine_max_fen",
            };
            let max = Money::from_fen(param(ctx, "ap_summary_threshold", key)?);
            if *fine > max {
                return Err(refuse(
                    ctx,
                    "ap_summary_threshold",
                    format!(
                        "当场处罚的罚款不得超过 {max}（{}）；超过的适用普通程序",
                        if party.kind == PartyKind::Citizen {
                            "公民"
                        } else {
                            "法人或者其他组织"
                        }
                    ),
                    format!(
                        "an on-the-spot fine may not exceed {max} for this party; use the ordinary procedure"
                    ),
                ));
            }
            if fine.fen() == 0 && !warning {
                return Err(refuse(
                    ctx,
                    "ap_summary_threshold",
                    "当场处罚须为警告或者罚款",
                    "an on-the-spot penalty is a warning or a fine",
                ));
            }
            let spot_max = Money::from_fen(param(ctx, "ap_on_spot_collection", "fine_max_fen")?);
            let ground = collection_ground.unwrap_or(CollectionGround::SmallFine);
            if *collected_on_spot && ground == CollectionGround::SmallFine && *fine > spot_max {
                return Err(refuse(
                    ctx,
                    "ap_on_spot_collection",
                    format!(
                        "依第六十八条（一）当场收缴罚款仅限 {spot_max} 以下；不当场收缴事后难以执行的（第六十八条（二））或边远地区经当事人提出的（第六十九条），请选择相应事由"
                    ),
                    format!(
                        "under Art. 68(1) fines may be collected on the spot only up to {spot_max}; choose Art. 68(2) or Art. 69 where they apply"
                    ),
                ));
            }
            require_text(ctx, "number", number)?;
            require_text(ctx, "legal_basis", legal_basis)?;
            let mut case = blank(
                Procedure::Summary,
                Stage::Summary,
                Source::Inspection,
                party.clone(),
                *domain,
                power_code,
                summary,
                ctx.today,
                ctx,
            );
            case.handlers = handlers.iter().map(|h| h.user_id).collect();
            case.handlers.sort_unstable();
            case.handlers.dedup();
            case.filed_on = Some(ctx.today);
            case.decision = Some(Decision {
                on: ctx.today,
                by: ctx.actor,
                number: number.clone(),
                outcome: Outcome::Penalty,
                fine: *fine,
                confiscation: Money::ZERO,
                other_penalties: if *warning {
                    "警告".into()
                } else {
                    String::new()
                },
            });
            case.proposal = Some(Proposal {
                outcome: Outcome::Penalty,
                facts: summary.clone(),
                legal_basis: legal_basis.clone(),
                fine: *fine,
                confiscation: Money::ZERO,
                other_penalties: if *warning {
                    "警告".into()
                } else {
                    String::new()
                },
                heavy_penalty: false,
                circumstance: None,
                band: None,
                out_of_band_reason: None,
                education_record: None,
                major: false,
                proposed_by: ctx.actor,
                proposed_on: ctx.today,
            });
            case.service = Some(Service {
                method: ServiceMethod::Direct,
                on: ctx.today,
                receipt: "当场交付".into(),
                electronic_consent: false,
                effective_on: Some(ctx.today),
            });
            case.collected_on_spot = *collected_on_spot;
            case.collection_ground = collected_on_spot.then_some(ground);
            if *collected_on_spot && fine.fen() > 0 {
                case.payments.push(Payment {
                    on: ctx.today,
                    amount: *fine,
                    late_fee: Money::ZERO,
                });
            } else if fine.fen() > 0 {
                let today = ctx.today;
                case.payment_due = due(ctx, &mut case, "ap_payment_deadline", today, &[]);
                case.court_application_due = court_window(ctx, &mut case)?.map(|(_, last)| last);
            }
            let today = ctx.today;
            case.summary_filing_due = due(ctx, &mut case, "ap_summary_filing", today, &[]);
            Ok(case)
        }
        other => Err(Refusal {
            rule_id: "case_stage",
            citation: PLATFORM_RULE.to_owned(),
            message_zh: format!("“{}”须针对已有案件", other.name_zh()),
            message_en: format!("'{}' needs an existing case", other.code()),
        }),
    }
}

/// The last day on which the act may still be discovered (《行政处罚法》第三十六条).
/// The rule version is the one in force on the act's date: an act before
/// 2021-07-15 has the old law's two years even with harm to life and health
/// (从旧兼从轻, 第三十七条), never the new five years. Without the calendar of
/// the end year the same-numbered day is used (民法典第二百零二条) and flagged.
fn limitation_end(
    ctx: &Ctx,
    case: &mut Case,
    act_date: Date,
    life_health_harm: bool,
) -> Result<Date, Refusal> {
    let in_force = |id: &str| ctx.rules.deadline_rule(id, ctx.jurisdiction, act_date).ok();
    let (rule_id, rule) = match life_health_harm
        .then(|| in_force("ap_limitation_life_health"))
        .flatten()
    {
        Some(r) => ("ap_limitation_life_health", r),
        None => match in_force("ap_limitation") {
            Some(r) => ("ap_limitation", r),
            None => {
                return Err(refuse(
                    ctx,
                    "ap_limitation",
                    format!("违法行为发生之日（{act_date}）没有生效的追责时效规则"),
                    format!("no limitation rule was in force on the act's date {act_date}"),
                ));
            }
        },
    };
    if let Ok(c) = deadline::compute(&rule, act_date, ctx.calendar, &[], &[]) {
        return Ok(c.due);
    }
    case.flags.push(Flag::CalendarMissing {
        rule_id: rule_id.to_owned(),
    });
    let years = i16::try_from(rule.count).unwrap_or(i16::MAX);
    act_date
        .checked_add(jiff::Span::new().years(years))
        .map_err(|_| bad_date(ctx, "act_date"))
}

#[allow(clippy::too_many_arguments)] // one call site per procedure; a struct would only rename the fields
fn blank(
    procedure: Procedure,
    stage: Stage,
    source: Source,
    party: Party,
    domain: SupervisionDomain,
    power_code: &str,
    summary: &str,
    act_date: Date,
    ctx: &Ctx,
) -> Case {
    Case {
        format: CASE_FORMAT,
        procedure,
        stage,
        source,
        party,
        domain,
        power_code: power_code.to_owned(),
        summary: summary.to_owned(),
        act_date,
        opened_by: ctx.actor,
        opened_on: ctx.today,
        handlers: Vec::new(),
        filed_on: None,
        filing_approved_by: None,
        limitation_ends: None,
        evidence: Vec::new(),
        preservations: Vec::new(),
        proposal: None,
        review_required: false,
        review_state: ReviewState::NotRequested,
        reviews: Vec::new(),
        discussion_required: false,
        discussion: None,
        notice: None,
        hearing: None,
        decision_due: None,
        extensions: Vec::new(),
        decision: None,
        service_due: None,
        service: None,
        payment_due: None,
        payments: Vec::new(),
        deferral_until: None,
        demand_on: None,
        court_application_on: None,
        court_result: None,
        transfer: None,
        summary_filing_due: None,
        summary_filed_on: None,
        collected_on_spot: false,
        collection_ground: None,
        closing_report: None,
        closed_on: None,
        archived_on: None,
        flags: Vec::new(),
        publication: None,
        alteration: None,
        remedies: Vec::new(),
        court_application_due: None,
    }
}

fn party_check(ctx: &Ctx, party: &Party) -> Result<(), Refusal> {
    require_text(ctx, "party.name", &party.name)?;
    let ok = match party.kind {
        PartyKind::Organisation => crate::ident::Uscc::parse(&party.id_number).is_ok(),
        PartyKind::Citizen => crate::ident::IdCardNumber::parse(&party.id_number).is_ok(),
    };
    if !ok {
        return Err(Refusal {
            rule_id: "ap_decision_content",
            citation: "《行政处罚法》第五十九条".into(),
            message_zh: "当事人证件号码无效（单位填统一社会信用代码，个人填公民身份号码）".into(),
            message_en: "the party's identifier is invalid (USCC for an organisation, ID number for a person)".into(),
        });
    }
    Ok(())
}

fn require_text(_ctx: &Ctx, field: &str, text: &str) -> Result<(), Refusal> {
    let n = text.trim().chars().count();
    if n == 0 || n > TEXT_CHARS_MAX {
        return Err(Refusal {
            rule_id: "case_field",
            citation: PLATFORM_RULE.to_owned(),
            message_zh: format!("“{field}”必填，且不超过 {TEXT_CHARS_MAX} 个字符"),
            message_en: format!("'{field}' is required, at most {TEXT_CHARS_MAX} characters"),
        });
    }
    Ok(())
}

/// Longest free text of a case field (a hearing record, minutes): 20,000 characters.
pub const TEXT_CHARS_MAX: usize = 20_000;

fn bad_date(_ctx: &Ctx, field: &str) -> Refusal {
    Refusal {
        rule_id: "case_field",
        citation: PLATFORM_RULE.to_owned(),
        message_zh: format!("“{field}”的日期或数额不合理（不得晚于今天，不得早于前一步骤）"),
        message_en: format!(
            "'{field}' is not a plausible date or amount (not in the future, not before the previous step)"
        ),
    }
}

fn not_found(_ctx: &Ctx, what: &str) -> Refusal {
    Refusal {
        rule_id: "case_field",
        citation: PLATFORM_RULE.to_owned(),
        message_zh: format!("找不到“{what}”"),
        message_en: format!("no such {what}"),
    }
}

fn handler_only(ctx: &Ctx, case: &Case, cmd: &Command) -> Result<(), Refusal> {
    if case.handlers.contains(&ctx.actor) {
        Ok(())
    } else {
        Err(role_refusal(
            ctx,
            cmd,
            "本案办案人员",
            "a handler of this case",
        ))
    }
}

fn handler_or_head(ctx: &Ctx, case: &Case, cmd: &Command) -> Result<(), Refusal> {
    if case.handlers.contains(&ctx.actor) || is_head(ctx.role) {
        Ok(())
    } else {
        Err(role_refusal(
            ctx,
            cmd,
            "本案办案人员或负责人",
            "a handler of this case or a head",
        ))
    }
}

/// What the law forbids a case to be in, whatever led there. The property
/// test drives random command sequences and checks every state against it.
pub fn violations(case: &Case) -> Vec<&'static str> {
    let mut out = Vec::new();
    let filed = case.filed_on.is_some();
    if filed && case.handlers.len() < 2 {
        out.push("ap_two_officers");
    }
    if let Some(d) = &case.decision {
        if case.procedure == Procedure::Ordinary {
            if case.review_required && case.review_state != ReviewState::Passed {
                out.push("ap_legal_review");
            }
            if case.discussion_required && case.discussion.is_none() {
                out.push("ap_head_review_outcomes");
            }
            if d.outcome == Outcome::Penalty {
                match &case.notice {
                    None => out.push("ap_no_decision_without_notice"),
                    Some(n) if d.fine > n.fine => out.push("ap_statement_defence"),
                    Some(_) => {}
                }
                if case.hearing.as_ref().is_some_and(|h| !h.held) {
                    out.push("ap_hearing_procedure");
                }
            }
        }
        if case
            .reviews
            .iter()
            .any(|r| case.handlers.contains(&r.reviewer))
        {
            out.push("ap_legal_review");
        }
    }
    if case
        .hearing
        .as_ref()
        .and_then(|h| h.chair)
        .is_some_and(|c| case.handlers.contains(&c))
    {
        out.push("ap_hearing_chair");
    }
    if case.proposal.as_ref().is_some_and(|p| {
        p.outcome == Outcome::Penalty && p.out_of_band() && p.out_of_band_reason.is_none()
    }) {
        out.push("ap_discretion_benchmark_public");
    }
    if case.procedure == Procedure::Summary
        && case.collected_on_spot
        && case
            .collection_ground
            .is_none_or(|g| g == CollectionGround::SmallFine)
        && case.fine() > Money::from_yuan(100)
    {
        out.push("ap_on_spot_collection");
    }
    if case.stage == Stage::Archived && case.closed_on.is_none() {
        out.push("case_archived");
    }
    out
}

mod recompute;
pub use recompute::{MovedDeadline, recompute_provisional};

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;

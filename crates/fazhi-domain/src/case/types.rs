use super::*;

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

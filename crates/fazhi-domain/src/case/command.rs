use super::*;

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

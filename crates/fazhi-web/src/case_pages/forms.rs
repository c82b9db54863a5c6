//! Step forms of the case page: the input builders and the forms each
//! role may fill in now.

use super::*;

// ------------------------------------------------------------------ case page

/// One input of a step form.
pub struct Input {
    pub name: &'static str,
    pub label: String,
    /// `text`, `textarea`, `date`, `money`, `select`, `checks`, `check`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String, bool)>,
    pub required: bool,
}

impl Input {
    fn new(name: &'static str, label: &str, kind: &'static str) -> Input {
        Input {
            name,
            label: label.to_owned(),
            kind,
            value: String::new(),
            options: Vec::new(),
            required: matches!(kind, "text" | "textarea" | "date" | "select"),
        }
    }
    fn value(mut self, v: impl Into<String>) -> Input {
        self.value = v.into();
        self
    }
    fn optional(mut self) -> Input {
        self.required = false;
        self
    }
    fn options(mut self, o: impl IntoIterator<Item = (String, String)>) -> Input {
        let value = self.value.clone();
        self.options = o
            .into_iter()
            .map(|(v, l)| {
                let sel = v == value;
                (v, l, sel)
            })
            .collect();
        self
    }
    fn checked_options(mut self, o: impl IntoIterator<Item = (String, String, bool)>) -> Input {
        self.options = o.into_iter().collect();
        self
    }
}

pub struct StepForm {
    pub command: &'static str,
    pub title: String,
    pub hint: String,
    pub inputs: Vec<Input>,
    /// Opened by default (the usual next step).
    pub primary: bool,
}

pub(super) fn yes_no(tr: Tr) -> Vec<(String, String)> {
    vec![
        ("yes".into(), tr.pick("是", "yes").into()),
        ("no".into(), tr.pick("否", "no").into()),
    ]
}

/// The step forms that make sense now, for this role. The machine still
/// decides: a form shown is no promise the step is allowed.
pub(super) fn forms_for(
    tr: Tr,
    c: &Case,
    role: Role,
    me: i64,
    handlers: &[(i64, String)],
    today: &str,
) -> Vec<StepForm> {
    let is_handler = c.handlers.contains(&me);
    let head = matches!(role, Role::AgencyHead | Role::SectionHead);
    let agency_head = role == Role::AgencyHead;
    let mut f = Vec::new();
    let form =
        |command: &'static str, title: &str, hint: &str, inputs: Vec<Input>, primary: bool| {
            StepForm {
                command,
                title: title.to_owned(),
                hint: hint.to_owned(),
                inputs,
                primary,
            }
        };
    let penalty = c
        .proposal
        .as_ref()
        .is_some_and(|p| p.outcome == Outcome::Penalty);
    match c.stage {
        Stage::Intake if head => {
            f.push(form(
                "file",
                tr.pick("批准立案并指定办案人员", "Approve filing and assign handlers"),
                tr.pick("办案人员不少于两名，须持有效执法证并具备本专业执法资格；系统核对回避关系（《行政处罚法》第四十二、四十三条）。", "At least two certified officers of the domain; recusals are checked (Arts. 42–43)."),
                vec![Input::new("handlers", tr.pick("办案人员", "Handlers"), "checks").checked_options(handlers.iter().map(|(id, n)| (id.to_string(), n.clone(), false)))],
                true,
            ));
            f.push(form(
                "decline_filing",
                tr.pick("不予立案", "Decline to file"),
                "",
                vec![Input::new("reason", tr.pick("理由", "Reason"), "textarea")],
                false,
            ));
        }
        Stage::Investigation => {
            if is_handler {
                f.push(form(
                    "add_evidence",
                    tr.pick("登记证据", "Add evidence"),
                    tr.pick("证据种类以《行政处罚法》第四十六条为准；现场笔录、询问笔录须两名办案人员共同制作。附件先上传到证据库，再填其 SHA-256。", "Statutory evidence types (Art. 46); records need two handlers. Upload attachments to the evidence store first and give their SHA-256."),
                    vec![
                        Input::new("evidence_kind", tr.pick("证据种类", "Type"), "select").options(EvidenceType::ALL.iter().map(|t| (t.code().to_owned(), t.name_zh().to_owned()))),
                        Input::new("title", tr.pick("名称", "Title"), "text"),
                        Input::new("sha256", tr.pick("附件 SHA-256（可选）", "Attachment SHA-256 (optional)"), "text").optional(),
                        Input::new("officers", tr.pick("制作笔录的办案人员", "Officers making the record"), "checks")
                            .optional()
                            .checked_options(handlers.iter().filter(|(id, _)| c.handlers.contains(id)).map(|(id, n)| (id.to_string(), n.clone(), true))),
                    ],
                    c.evidence.is_empty(),
                ));
                let p = propose_inputs(tr);
                f.push(form("propose_outcome", tr.pick("调查终结，提出处理意见", "Finish investigating: propose the outcome"), tr.pick("选择情节后系统按裁量基准给出罚款幅度；超出幅度须书面说明理由并标记督查（《行政处罚法》第三十四条）。", "Pick the circumstance: the benchmark band applies; a fine outside it needs a written reason and is flagged (Art. 34)."), p, !c.evidence.is_empty()));
            }
            if agency_head {
                f.push(form(
                    "preserve",
                    tr.pick(
                        "先行登记保存证据（行政机关负责人批准）",
                        "Preserve evidence (the agency head's approval)",
                    ),
                    tr.pick(
                        "七个工作日内作出处理决定（第五十六条）。",
                        "Decide on it within 7 working days (Art. 56).",
                    ),
                    vec![Input::new(
                        "items",
                        tr.pick("物品清单", "Items"),
                        "textarea",
                    )],
                    false,
                ));
            }
            for (i, p) in c.preservations.iter().enumerate() {
                if p.handled_on.is_none() && (is_handler || head) {
                    f.push(form(
                        "handle_preservation",
                        &format!(
                            "{}：{}",
                            tr.pick("先行登记保存处理决定", "Decide on preserved evidence"),
                            p.items
                        ),
                        "",
                        vec![Input::new("index", "", "hidden").value(i.to_string())],
                        true,
                    ));
                }
            }
        }
        _ => {}
    }
    if matches!(
        c.stage,
        Stage::Investigation | Stage::Proposed | Stage::Review | Stage::Notice | Stage::Hearing
    ) && agency_head
    {
        f.push(form(
            "extend_decision_deadline",
            tr.pick("延长办案期限", "Extend the case period"),
            tr.pick(
                "须为法定事由；人手不足、工作量大不是延期事由。",
                "Only valid reasons; staffing and workload are not.",
            ),
            vec![
                Input::new("reason_code", tr.pick("延期事由", "Reason"), "select").options(
                    EXTENSION_REASONS
                        .iter()
                        .map(|(c, n)| ((*c).to_owned(), (*n).to_owned())),
                ),
                Input::new("days", tr.pick("延长天数", "Days"), "text").value("30"),
            ],
            false,
        ));
    }
    match c.stage {
        Stage::Proposed | Stage::Notice => {
            let needs_review = c.review_required
                && c.review_state != ReviewState::Passed
                && c.review_state != ReviewState::Pending;
            if is_handler
                && (needs_review || (penalty && c.review_state == ReviewState::NotRequested))
            {
                f.push(form(
                    "submit_for_review",
                    tr.pick("提请法制审核", "Submit for legal review"),
                    if c.review_required {
                        tr.pick(
                            "本案依规定须经法制审核，未经审核不得作出决定（第五十八条）。",
                            "This case must be reviewed before any decision (Art. 58).",
                        )
                    } else {
                        tr.pick(
                            "本案不属必须审核情形，也可提请审核。",
                            "Review is optional for this case.",
                        )
                    },
                    vec![],
                    needs_review,
                ));
            }
            if agency_head && c.discussion_required && c.discussion.is_none() {
                f.push(form(
                    "record_discussion",
                    tr.pick("负责人集体讨论", "Collective discussion"),
                    tr.pick(
                        "情节复杂或重大违法行为须集体讨论决定（第五十七条）。",
                        "Complex or major cases are decided collectively (Art. 57).",
                    ),
                    vec![
                        Input::new(
                            "participants",
                            tr.pick(
                                "参加人员（每行一人，不少于三人）",
                                "Participants (one per line, at least three)",
                            ),
                            "textarea",
                        ),
                        Input::new("minutes", tr.pick("讨论记录", "Minutes"), "textarea"),
                        Input::new("conclusion", tr.pick("讨论结论", "Conclusion"), "textarea"),
                    ],
                    true,
                ));
            }
            if c.stage == Stage::Proposed && is_handler && penalty && c.notice.is_none() {
                f.push(form("send_notice", tr.pick("送达行政处罚事先告知书", "Serve the prior notice"), tr.pick("告知拟处罚内容及事实、理由、依据和陈述、申辩、听证权利（第四十四条）。", "Tell the party the proposed penalty, facts, reasons, basis and rights (Art. 44)."), vec![Input::new("date", tr.pick("送达日期", "Served on"), "date").value(today)], !c.review_required || c.review_state == ReviewState::Passed));
            }
            if c.stage == Stage::Notice && is_handler {
                f.push(form(
                    "record_statement",
                    tr.pick(
                        "记录陈述申辩及采纳情况",
                        "Record a statement and the answer",
                    ),
                    tr.pick(
                        "不得因当事人陈述、申辩而加重处罚（第四十五条）。",
                        "A defence may not lead to a heavier penalty (Art. 45).",
                    ),
                    vec![
                        Input::new("text", tr.pick("陈述申辩内容", "Statement"), "textarea"),
                        Input::new("answer", tr.pick("复核意见", "Answer"), "textarea"),
                        Input::new("adopted", tr.pick("采纳", "Adopted"), "check").optional(),
                    ],
                    false,
                ));
                f.push(form(
                    "waive_rights",
                    tr.pick(
                        "当事人书面放弃陈述申辩（及听证）",
                        "The party waives in writing",
                    ),
                    "",
                    vec![],
                    false,
                ));
                if c.notice.as_ref().is_some_and(|n| n.hearing_right) {
                    f.push(form(
                        "request_hearing",
                        tr.pick("当事人申请听证", "The party requests a hearing"),
                        tr.pick(
                            "须在告知后五个工作日内提出（第六十四条）。",
                            "Within 5 working days of the notice (Art. 64).",
                        ),
                        vec![
                            Input::new("date", tr.pick("申请日期", "Requested on"), "date")
                                .value(today),
                        ],
                        false,
                    ));
                }
            }
            if agency_head {
                f.push(form(
                    "decide",
                    tr.pick("作出决定", "Decide"),
                    tr.pick("决定书编号由系统按本机关年度文号自动生成。须经审核的案件未通过审核不得决定；罚款不得高于告知数额。", "The number is issued from the agency's register. No decision without a required review; the fine may not exceed the notified amount."),
                    if penalty {
                        vec![
                            Input::new("fine", tr.pick("罚款（元）", "Fine (yuan)"), "money")
                                .value(c.proposal.as_ref().map_or(String::new(), |p| p.fine.yuan_text()))
                                .optional(),
                            Input::new("publish", tr.pick("公示本决定（双公示：七个工作日内公开）", "Publish this decision (within 7 working days)"), "check")
                                .value("on")
                                .optional(),
                        ]
                    } else {
                        vec![]
                    },
                    c.review_state == ReviewState::Passed || !c.review_required,
                ));
            }
        }
        Stage::Review if role == Role::LegalReviewer => {
            f.push(form(
                "record_review",
                tr.pick("法制审核意见", "Legal review opinion"),
                tr.pick(
                    "逐项审核；办案人员不得审核本案（办审分离）。",
                    "Check every item; handlers may not review their own case.",
                ),
                vec![
                    Input::new(
                        "checklist",
                        tr.pick("审核要点（勾选通过项）", "Checklist (tick what passes)"),
                        "checks",
                    )
                    .optional()
                    .checked_options(
                        REVIEW_CHECKLIST
                            .iter()
                            .map(|(c, n)| ((*c).to_owned(), (*n).to_owned(), false)),
                    ),
                    Input::new("passed", tr.pick("审核结论", "Conclusion"), "select").options(
                        vec![
                            ("yes".into(), tr.pick("同意", "approve").into()),
                            (
                                "no".into(),
                                tr.pick("退回补正", "return for correction").into(),
                            ),
                        ],
                    ),
                    Input::new("opinion", tr.pick("审核意见", "Opinion"), "textarea"),
                ],
                true,
            ));
        }
        Stage::Hearing => {
            let scheduled = c.hearing.as_ref().is_some_and(|h| h.date.is_some());
            if !scheduled && (is_handler || head) {
                f.push(form(
                    "schedule_hearing",
                    tr.pick("发出听证通知", "Schedule the hearing"),
                    tr.pick(
                        "听证七个工作日前通知；主持人不得为本案调查人员。",
                        "Notify 7 working days ahead; the chair is not an investigator.",
                    ),
                    vec![
                        Input::new("date", tr.pick("听证日期", "Hearing date"), "date"),
                        Input::new(
                            "chair",
                            tr.pick("听证主持人（用户编号）", "Chair (user id)"),
                            "text",
                        ),
                    ],
                    true,
                ));
            }
            if scheduled {
                f.push(form(
                    "record_hearing",
                    tr.pick(
                        "听证笔录与听证报告（主持人提交）",
                        "Hearing record and report (by the chair)",
                    ),
                    "",
                    vec![
                        Input::new("record", tr.pick("听证笔录", "Record"), "textarea"),
                        Input::new("report", tr.pick("听证报告", "Report"), "textarea"),
                    ],
                    true,
                ));
            }
        }
        Stage::Decided if is_handler => {
            f.push(form(
                "serve",
                tr.pick("送达行政处罚决定书", "Serve the decision"),
                tr.pick(
                    "当事人不在场的，七个工作日内送达；电子送达须经当事人同意并签订确认书。",
                    "Serve within 7 working days; electronic service needs signed consent.",
                ),
                vec![
                    Input::new("method", tr.pick("送达方式", "Method"), "select").options(
                        ServiceMethod::ALL
                            .iter()
                            .map(|m| (m.code().to_owned(), m.name_zh().to_owned())),
                    ),
                    Input::new("date", tr.pick("送达日期", "Served on"), "date").value(today),
                    Input::new(
                        "receipt",
                        tr.pick(
                            "送达回执（签收人/见证人/录像）",
                            "Receipt (signer, witness or recording)",
                        ),
                        "text",
                    ),
                    Input::new(
                        "electronic_consent",
                        tr.pick(
                            "当事人已同意电子送达并签订确认书",
                            "Signed consent to electronic service",
                        ),
                        "check",
                    )
                    .optional(),
                ],
                true,
            ));
        }
        Stage::Execution | Stage::Enforcement | Stage::Summary if is_handler || head => {
            if c.fine().fen() > c.paid().fen() {
                f.push(form("record_payment", tr.pick("登记缴款", "Record a payment"), tr.pick("逾期每日按罚款数额 3% 加处罚款，总额不超过罚款数额，系统自动计算（第七十二条）。", "Late: 3% a day, at most the fine, computed (Art. 72)."), vec![
                    Input::new("date", tr.pick("缴款日期", "Paid on"), "date").value(today),
                    Input::new("amount", tr.pick("金额（元，含加处罚款）", "Amount (yuan, with late fee)"), "money"),
                    Input::new("collected_on_spot", tr.pick("边远、水上、交通不便地区经当事人提出当场收缴（第六十九条）", "Collected on the spot in a remote area at the party's request (Art. 69)"), "check").optional(),
                ], c.stage == Stage::Execution));
            }
            if c.stage == Stage::Summary {
                f.push(form(
                    "file_summary",
                    tr.pick("当场处罚决定报机关备案", "File the on-the-spot decision"),
                    "",
                    vec![],
                    true,
                ));
            }
            if c.stage == Stage::Execution {
                f.push(form(
                    "send_demand",
                    tr.pick("催告", "Send a demand"),
                    tr.pick(
                        "缴款期限届满未履行的，先催告。",
                        "After the payment period, demand first.",
                    ),
                    vec![],
                    false,
                ));
                if agency_head {
                    f.push(form(
                        "approve_deferral",
                        tr.pick("批准延期（分期）缴纳", "Approve deferral"),
                        "",
                        vec![Input::new("date", tr.pick("延至", "Until"), "date")],
                        false,
                    ));
                }
            }
            if c.stage == Stage::Enforcement {
                if c.court_application_on.is_none() {
                    f.push(form(
                        "apply_to_court",
                        tr.pick("申请人民法院强制执行", "Apply to court for enforcement"),
                        tr.pick(
                            "催告书送达十个工作日后仍未履行的，可以申请。",
                            "10 working days after the demand.",
                        ),
                        vec![],
                        true,
                    ));
                } else {
                    f.push(form(
                        "record_court_result",
                        tr.pick("登记法院执行结果", "Record the court's result"),
                        "",
                        vec![Input::new("result", tr.pick("结果", "Result"), "textarea")],
                        true,
                    ));
                }
            }
        }
        Stage::Transfer => {
            let t = c.transfer.as_ref();
            if agency_head && t.is_none_or(|t| t.approved_on.is_none()) {
                f.push(form(
                    "approve_transfer",
                    tr.pick("批准移送公安机关", "Approve the criminal transfer"),
                    tr.pick(
                        "负责人三日内批准；批准后二十四小时内移送。",
                        "Approve within 3 days; transfer within 24 hours.",
                    ),
                    vec![],
                    true,
                ));
            }
            if (is_handler || head)
                && t.is_some_and(|t| t.approved_on.is_some() && t.transferred_on.is_none())
            {
                f.push(form(
                    "record_transferred",
                    tr.pick("已移送公安机关", "Transferred to the police"),
                    "",
                    vec![],
                    true,
                ));
            }
            if (is_handler || head) && t.is_some_and(|t| t.transferred_on.is_some()) {
                f.push(form(
                    "record_police_feedback",
                    tr.pick("公安机关受理反馈", "Police feedback"),
                    "",
                    vec![
                        Input::new("accepted", tr.pick("已立案受理", "Accepted"), "select")
                            .options(yes_no(tr)),
                    ],
                    true,
                ));
            }
        }
        Stage::Closing if head => {
            f.push(form(
                "close",
                tr.pick("结案", "Close the case"),
                "",
                vec![Input::new(
                    "reason",
                    tr.pick("结案报告", "Closing report"),
                    "textarea",
                )],
                true,
            ));
        }
        Stage::Closed | Stage::NotFiled if is_handler || head => {
            f.push(form(
                "archive",
                tr.pick("归档（案卷只读）", "Archive (read-only afterwards)"),
                "",
                vec![],
                true,
            ));
        }
        _ => {}
    }
    // After a decision: remedies, publication, and a later change, revocation or annulment.
    if c.decision.is_some() && c.stage != Stage::Archived && (is_handler || head) {
        let pending = c.remedies.iter().any(|r| r.until.is_none());
        if !pending
            && matches!(
                c.stage,
                Stage::Decided
                    | Stage::Execution
                    | Stage::Enforcement
                    | Stage::Closing
                    | Stage::Closed
            )
        {
            f.push(form(
                "record_remedy",
                tr.pick(
                    "当事人申请复议或提起诉讼",
                    "The party applied for reconsideration or sued",
                ),
                tr.pick(
                    "复议、诉讼期间不计加处罚款（第七十三条）；处罚决定不停止执行。",
                    "No late fee accrues meanwhile (Art. 73); the decision is still executed.",
                ),
                vec![
                    Input::new("remedy_kind", tr.pick("类型", "Kind"), "select").options(vec![
                        ("reconsideration".to_owned(), "行政复议".to_owned()),
                        ("litigation".to_owned(), "行政诉讼".to_owned()),
                    ]),
                    Input::new("date", tr.pick("申请或起诉日期", "Filed on"), "date").value(today),
                ],
                false,
            ));
        }
        if pending {
            f.push(form(
                "record_remedy_concluded",
                tr.pick("复议或诉讼终结", "Reconsideration or lawsuit ended"),
                "",
                vec![
                    Input::new("date", tr.pick("终结日期", "Ended on"), "date").value(today),
                    Input::new("result", tr.pick("结果", "Result"), "textarea"),
                ],
                true,
            ));
        }
    }
    if c.decision.is_some() && c.stage != Stage::Archived {
        if let Some(p) = &c.publication {
            if p.published_on.is_none() && c.alteration.is_none() && (is_handler || head) {
                f.push(form(
                    "record_published",
                    tr.pick("已在门户公示", "Published on the portal"),
                    tr.pick(
                        "自作出决定之日起七个工作日内公示。",
                        "Publish within 7 working days of the decision.",
                    ),
                    vec![],
                    false,
                ));
            }
            if p.withdrawal_due.is_some() && p.withdrawn_on.is_none() && (is_handler || head) {
                f.push(form("record_withdrawn", tr.pick("已撤回公示", "Notice withdrawn"), tr.pick("决定被变更、撤销或确认违法、无效的，应在三个工作日内撤回并说明理由（第四十八条）。", "Withdraw within 3 working days with the reason (Art. 48)."), vec![], true));
            }
        }
        if c.alteration.is_none() && agency_head {
            f.push(form(
                "alter_decision",
                tr.pick("决定被变更、撤销或确认违法、无效", "The decision was changed, revoked or annulled"),
                tr.pick("复议、诉讼或自行纠错后登记；已公示的，系统开始三个工作日撤回期限。", "Record after reconsideration, litigation or self-correction; a published notice must then be withdrawn in 3 working days."),
                vec![
                    Input::new("alteration", tr.pick("情形", "What happened"), "select").options(
                        fazhi_domain::case::AlterationKind::ALL.iter().map(|k| (k.code().to_owned(), k.name_zh().to_owned())),
                    ),
                    Input::new("reason", tr.pick("理由（公开说明）", "Reason (published)"), "textarea"),
                ],
                false,
            ));
        }
    }
    f
}

pub(super) fn propose_inputs(tr: Tr) -> Vec<Input> {
    vec![
        Input::new("outcome", tr.pick("处理意见", "Outcome"), "select").options(
            [
                Outcome::Penalty,
                Outcome::NoPenalty,
                Outcome::NotEstablished,
                Outcome::TransferToPolice,
            ]
            .iter()
            .map(|o| (o.code().to_owned(), o.name_zh().to_owned())),
        ),
        Input::new("facts", tr.pick("违法事实", "Facts"), "textarea"),
        Input::new("legal_basis", tr.pick("处罚依据", "Legal basis"), "text").optional(),
        Input::new(
            "circumstance",
            tr.pick("情节（裁量基准）", "Circumstance (benchmark)"),
            "select",
        )
        .optional()
        .options(vec![
            (String::new(), tr.pick("—", "—").to_owned()),
            ("minor".into(), "轻微".into()),
            ("ordinary".into(), "一般".into()),
            ("serious".into(), "较重".into()),
            ("grave".into(), "严重".into()),
        ]),
        Input::new("fine", tr.pick("罚款（元）", "Fine (yuan)"), "money").optional(),
        Input::new(
            "confiscation",
            tr.pick("没收违法所得（元）", "Confiscation (yuan)"),
            "money",
        )
        .optional(),
        Input::new(
            "other_penalties",
            tr.pick("其他处罚（警告、吊销许可证等）", "Other penalties"),
            "text",
        )
        .optional(),
        Input::new(
            "heavy_penalty",
            tr.pick(
                "属吊销许可证、责令停产停业等较重处罚",
                "A heavy penalty (revocation, closure …)",
            ),
            "check",
        )
        .optional(),
        Input::new(
            "out_of_band_reason",
            tr.pick("超出裁量幅度的理由", "Reason for a fine outside the band"),
            "textarea",
        )
        .optional(),
        Input::new(
            "education_record",
            tr.pick(
                "教育记录（不予处罚时必填）",
                "Education record (for no penalty)",
            ),
            "textarea",
        )
        .optional(),
        Input::new(
            "major",
            tr.pick(
                "情节复杂或重大违法（须集体讨论）",
                "Complex or major (collective discussion)",
            ),
            "check",
        )
        .optional(),
    ]
}

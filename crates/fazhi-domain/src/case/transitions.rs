use super::*;

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
        Command::Serve { .. }
        | Command::RecordPayment { .. }
        | Command::ApproveDeferral { .. }
        | Command::SendDemand
        | Command::ApplyToCourt
        | Command::RecordCourtResult { .. }
        | Command::ApproveTransfer
        | Command::RecordTransferred
        | Command::RecordRemedy { .. }
        | Command::RecordRemedyConcluded { .. }
        | Command::RecordPoliceFeedback { .. }
        | Command::FileSummary
        | Command::Close { .. }
        | Command::Archive => execution::apply(case, cmd, ctx, next),
    }
}

use super::*;

pub(super) fn decide(
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

//! After the decision: service, payment and late fees, deferral, demand and
//! court enforcement, transfer to the police, remedies, the summary filing,
//! closing and archiving.

use super::*;

/// The steps after the decision; `transitions::apply` dispatches them here.
pub(super) fn apply(case: &Case, cmd: &Command, ctx: &Ctx, mut next: Case) -> Step {
    match cmd {
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
        // `transitions::apply` sends only the commands above here.
        _ => Err(wrong_stage(ctx, case, cmd)),
    }
}

use super::*;

/// The decision deadline of a case filed on `filed`: the health-sector rule
/// in force on the filing date (`hp_decision_deadline`: 3 months before
/// 2025-06-01, 90 days after), with the extensions granted — in the rule's
/// unit when it counts days, added as calendar days to a period in months.
pub(super) fn decision_due(ctx: &Ctx, case: &mut Case, filed: Date) -> Option<Date> {
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
pub(super) fn court_window(ctx: &Ctx, case: &mut Case) -> Result<Option<(Date, Date)>, Refusal> {
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

pub(super) fn late_fee_on(ctx: &Ctx, case: &Case, on: Date) -> Result<Money, Refusal> {
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

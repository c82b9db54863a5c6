//! Deadlines of an open case computed again after the calendar changed (a
//! State Council schedule or a regional holiday imported): each date that was
//! computed on the provisional calendar (暂定) is recomputed from the fact that
//! started it, and a date that moves is kept as `Flag::DeadlineMoved` so the
//! case shows what it was.

use super::{Case, Ctx, Flag, Procedure, due};
use jiff::civil::Date;

/// One due date the new calendar moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedDeadline {
    pub rule_id: String,
    pub from: Date,
    pub to: Option<Date>,
}

/// The case with its provisional deadlines recomputed on `ctx.calendar`, and
/// the dates that moved; `None` when nothing changes (no provisional date, or
/// the same dates still provisional). A date that stays the same but is no
/// longer provisional only loses its mark.
pub fn recompute_provisional(case: &Case, ctx: &Ctx) -> Option<(Case, Vec<MovedDeadline>)> {
    let provisional: Vec<(String, Date)> = case
        .flags
        .iter()
        .filter_map(|f| match f {
            Flag::ProvisionalDeadline { rule_id, due, .. } => Some((rule_id.clone(), *due)),
            _ => None,
        })
        .collect();
    if provisional.is_empty() {
        return None;
    }
    let mut next = case.clone();
    let mut moved = Vec::new();
    for (rule_id, old) in provisional {
        let Some(new) = recompute_one(ctx, &mut next, &rule_id, old) else {
            // A date this function cannot place keeps its mark and its value.
            continue;
        };
        if new != Some(old) {
            moved.push(MovedDeadline {
                rule_id: rule_id.clone(),
                from: old,
                to: new,
            });
            if let Some(to) = new {
                next.flags.push(Flag::DeadlineMoved {
                    rule_id,
                    from: old,
                    to,
                });
            }
        }
    }
    (next != *case).then_some((next, moved))
}

/// Recompute the stored date of `rule_id` that equals `old`, from the fact
/// that started it. `None` when the case holds no such date (it was replaced
/// by a later step) or its start is unknown; `Some(new)` otherwise, with the
/// old provisional flag removed (the computation adds a new one if the date is
/// still provisional).
fn recompute_one(ctx: &Ctx, case: &mut Case, rule_id: &str, old: Date) -> Option<Option<Date>> {
    let decided_on = case.decision.as_ref().map(|d| d.on);
    let start = match rule_id {
        "hp_decision_deadline" | "ap_decision_deadline" if case.decision_due == Some(old) => {
            case.filed_on?
        }
        "ap_service" if case.service_due == Some(old) => decided_on?,
        "ap_summary_filing" if case.summary_filing_due == Some(old) => decided_on?,
        "ap_payment_deadline" if case.payment_due == Some(old) => match case.procedure {
            Procedure::Summary => decided_on?,
            _ => case.service.as_ref().and_then(|s| s.effective_on)?,
        },
        _ => return None,
    };
    case.flags.retain(|f| {
        !matches!(f, Flag::ProvisionalDeadline { rule_id: r, due, .. } if r == rule_id && *due == old)
    });
    let new = match rule_id {
        "hp_decision_deadline" | "ap_decision_deadline" => {
            let new = super::decision_due(ctx, case, start);
            case.decision_due = new;
            new
        }
        "ap_service" => {
            let new = due(ctx, case, "ap_service", start, &[]);
            case.service_due = new;
            new
        }
        "ap_summary_filing" => {
            let new = due(ctx, case, "ap_summary_filing", start, &[]);
            case.summary_filing_due = new;
            new
        }
        _ => {
            let new = due(ctx, case, "ap_payment_deadline", start, &[]);
            case.payment_due = new;
            new
        }
    };
    Some(new)
}

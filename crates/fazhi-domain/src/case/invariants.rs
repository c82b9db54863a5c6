use super::*;

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

use super::*;

pub(super) type Step = Result<Case, Refusal>;

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
pub(super) const PLATFORM_RULE: &str = "《卫生健康行政处罚程序规定》及本平台办案流程";

pub(super) fn wrong_stage(_ctx: &Ctx, case: &Case, cmd: &Command) -> Refusal {
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

pub(super) fn role_refusal(_ctx: &Ctx, cmd: &Command, who_zh: &str, who_en: &str) -> Refusal {
    Refusal {
        rule_id: "case_role",
        citation: PLATFORM_RULE.to_owned(),
        message_zh: format!("“{}”须由{}办理", cmd.name_zh(), who_zh),
        message_en: format!("'{}' must be done by {}", cmd.code(), who_en),
    }
}

pub(super) fn is_head(role: Role) -> bool {
    matches!(role, Role::AgencyHead | Role::SectionHead)
}

/// Due date of a rule's period from `start`, or `None` (with a flag) when the
/// calendar of the year it ends in is not loaded.
pub(super) fn due(
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

pub(super) fn handlers_check(
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
pub(super) fn review_required(ctx: &Ctx, case: &Case, p: &Proposal) -> bool {
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
pub(super) fn hearing_triggered(ctx: &Ctx, case: &Case, p: &Proposal) -> Result<bool, Refusal> {
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

pub(super) fn party_check(ctx: &Ctx, party: &Party) -> Result<(), Refusal> {
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

pub(super) fn require_text(_ctx: &Ctx, field: &str, text: &str) -> Result<(), Refusal> {
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

pub(super) fn bad_date(_ctx: &Ctx, field: &str) -> Refusal {
    Refusal {
        rule_id: "case_field",
        citation: PLATFORM_RULE.to_owned(),
        message_zh: format!("“{field}”的日期或数额不合理（不得晚于今天，不得早于前一步骤）"),
        message_en: format!(
            "'{field}' is not a plausible date or amount (not in the future, not before the previous step)"
        ),
    }
}

pub(super) fn not_found(_ctx: &Ctx, what: &str) -> Refusal {
    Refusal {
        rule_id: "case_field",
        citation: PLATFORM_RULE.to_owned(),
        message_zh: format!("找不到“{what}”"),
        message_en: format!("no such {what}"),
    }
}

pub(super) fn handler_only(ctx: &Ctx, case: &Case, cmd: &Command) -> Result<(), Refusal> {
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

pub(super) fn handler_or_head(ctx: &Ctx, case: &Case, cmd: &Command) -> Result<(), Refusal> {
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

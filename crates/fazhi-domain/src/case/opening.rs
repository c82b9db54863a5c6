use super::*;

pub(super) fn open(cmd: &Command, ctx: &Ctx) -> Step {
    match cmd {
        Command::Open {
            source,
            party,
            domain,
            power_code,
            summary,
            act_date,
            life_health_harm,
            illegal_practice,
            prior_penalties,
        } => {
            if !matches!(
                ctx.role,
                Role::Officer | Role::SectionHead | Role::AgencyHead
            ) {
                return Err(Refusal {
                    rule_id: "case_role",
                    citation: PLATFORM_RULE.to_owned(),
                    message_zh: "案件受理须由执法人员或负责人登记".into(),
                    message_en: "cases are registered by officers or heads".into(),
                });
            }
            party_check(ctx, party)?;
            require_text(ctx, "summary", summary)?;
            if *act_date > ctx.today {
                return Err(bad_date(ctx, "act_date"));
            }
            let mut case = blank(
                Procedure::Ordinary,
                Stage::Intake,
                *source,
                party.clone(),
                *domain,
                power_code,
                summary,
                *act_date,
                ctx,
            );
            case.limitation_ends = Some(limitation_end(
                ctx,
                &mut case,
                *act_date,
                *life_health_harm,
            )?);
            if *illegal_practice {
                let min = param(ctx, "crim_illegal_practice_repeat", "prior_penalties_min")?;
                if i64::from(*prior_penalties) >= min {
                    case.flags.push(Flag::TransferCheck {
                        reason: format!(
                            "当事人此前已因非法行医受过 {prior_penalties} 次行政处罚，再次非法行医涉嫌非法行医罪（《刑法》第三百三十六条），请审查是否移送公安机关"
                        ),
                    });
                }
            }
            Ok(case)
        }
        Command::OpenSummary {
            party,
            domain,
            power_code,
            summary,
            handlers,
            number,
            fine,
            warning,
            collected_on_spot,
            collection_ground,
            legal_basis,
        } => {
            if ctx.role != Role::Officer && !is_head(ctx.role) {
                return Err(Refusal {
                    rule_id: "case_role",
                    citation: PLATFORM_RULE.to_owned(),
                    message_zh: "当场处罚由执法人员作出".into(),
                    message_en: "on-the-spot decisions are made by officers".into(),
                });
            }
            party_check(ctx, party)?;
            handlers_check(ctx, *domain, handlers)?;
            if !handlers.iter().any(|h| h.user_id == ctx.actor) {
                return Err(refuse(
                    ctx,
                    "ap_two_officers",
                    "作出当场处罚的执法人员须是本案执法人员之一",
                    "the officer recording the decision must be one of its officers",
                ));
            }
            let key = match party.kind {
                PartyKind::Citizen => "citizen_fine_max_fen",
                PartyKind::Organisation => "organisation_fine_max_fen",
            };
            let max = Money::from_fen(param(ctx, "ap_summary_threshold", key)?);
            if *fine > max {
                return Err(refuse(
                    ctx,
                    "ap_summary_threshold",
                    format!(
                        "当场处罚的罚款不得超过 {max}（{}）；超过的适用普通程序",
                        if party.kind == PartyKind::Citizen {
                            "公民"
                        } else {
                            "法人或者其他组织"
                        }
                    ),
                    format!(
                        "an on-the-spot fine may not exceed {max} for this party; use the ordinary procedure"
                    ),
                ));
            }
            if fine.fen() == 0 && !warning {
                return Err(refuse(
                    ctx,
                    "ap_summary_threshold",
                    "当场处罚须为警告或者罚款",
                    "an on-the-spot penalty is a warning or a fine",
                ));
            }
            let spot_max = Money::from_fen(param(ctx, "ap_on_spot_collection", "fine_max_fen")?);
            let ground = collection_ground.unwrap_or(CollectionGround::SmallFine);
            if *collected_on_spot && ground == CollectionGround::SmallFine && *fine > spot_max {
                return Err(refuse(
                    ctx,
                    "ap_on_spot_collection",
                    format!(
                        "依第六十八条（一）当场收缴罚款仅限 {spot_max} 以下；不当场收缴事后难以执行的（第六十八条（二））或边远地区经当事人提出的（第六十九条），请选择相应事由"
                    ),
                    format!(
                        "under Art. 68(1) fines may be collected on the spot only up to {spot_max}; choose Art. 68(2) or Art. 69 where they apply"
                    ),
                ));
            }
            require_text(ctx, "number", number)?;
            require_text(ctx, "legal_basis", legal_basis)?;
            let mut case = blank(
                Procedure::Summary,
                Stage::Summary,
                Source::Inspection,
                party.clone(),
                *domain,
                power_code,
                summary,
                ctx.today,
                ctx,
            );
            case.handlers = handlers.iter().map(|h| h.user_id).collect();
            case.handlers.sort_unstable();
            case.handlers.dedup();
            case.filed_on = Some(ctx.today);
            case.decision = Some(Decision {
                on: ctx.today,
                by: ctx.actor,
                number: number.clone(),
                outcome: Outcome::Penalty,
                fine: *fine,
                confiscation: Money::ZERO,
                other_penalties: if *warning {
                    "警告".into()
                } else {
                    String::new()
                },
            });
            case.proposal = Some(Proposal {
                outcome: Outcome::Penalty,
                facts: summary.clone(),
                legal_basis: legal_basis.clone(),
                fine: *fine,
                confiscation: Money::ZERO,
                other_penalties: if *warning {
                    "警告".into()
                } else {
                    String::new()
                },
                heavy_penalty: false,
                circumstance: None,
                band: None,
                out_of_band_reason: None,
                education_record: None,
                major: false,
                proposed_by: ctx.actor,
                proposed_on: ctx.today,
            });
            case.service = Some(Service {
                method: ServiceMethod::Direct,
                on: ctx.today,
                receipt: "当场交付".into(),
                electronic_consent: false,
                effective_on: Some(ctx.today),
            });
            case.collected_on_spot = *collected_on_spot;
            case.collection_ground = collected_on_spot.then_some(ground);
            if *collected_on_spot && fine.fen() > 0 {
                case.payments.push(Payment {
                    on: ctx.today,
                    amount: *fine,
                    late_fee: Money::ZERO,
                });
            } else if fine.fen() > 0 {
                let today = ctx.today;
                case.payment_due = due(ctx, &mut case, "ap_payment_deadline", today, &[]);
                case.court_application_due = court_window(ctx, &mut case)?.map(|(_, last)| last);
            }
            let today = ctx.today;
            case.summary_filing_due = due(ctx, &mut case, "ap_summary_filing", today, &[]);
            Ok(case)
        }
        other => Err(Refusal {
            rule_id: "case_stage",
            citation: PLATFORM_RULE.to_owned(),
            message_zh: format!("“{}”须针对已有案件", other.name_zh()),
            message_en: format!("'{}' needs an existing case", other.code()),
        }),
    }
}

/// The last day on which the act may still be discovered (《行政处罚法》第三十六条).
/// The rule version is the one in force on the act's date: an act before
/// 2021-07-15 has the old law's two years even with harm to life and health
/// (从旧兼从轻, 第三十七条), never the new five years. Without the calendar of
/// the end year the same-numbered day is used (民法典第二百零二条) and flagged.
pub(super) fn limitation_end(
    ctx: &Ctx,
    case: &mut Case,
    act_date: Date,
    life_health_harm: bool,
) -> Result<Date, Refusal> {
    let in_force = |id: &str| ctx.rules.deadline_rule(id, ctx.jurisdiction, act_date).ok();
    let (rule_id, rule) = match life_health_harm
        .then(|| in_force("ap_limitation_life_health"))
        .flatten()
    {
        Some(r) => ("ap_limitation_life_health", r),
        None => match in_force("ap_limitation") {
            Some(r) => ("ap_limitation", r),
            None => {
                return Err(refuse(
                    ctx,
                    "ap_limitation",
                    format!("违法行为发生之日（{act_date}）没有生效的追责时效规则"),
                    format!("no limitation rule was in force on the act's date {act_date}"),
                ));
            }
        },
    };
    if let Ok(c) = deadline::compute(&rule, act_date, ctx.calendar, &[], &[]) {
        return Ok(c.due);
    }
    case.flags.push(Flag::CalendarMissing {
        rule_id: rule_id.to_owned(),
    });
    let years = i16::try_from(rule.count).unwrap_or(i16::MAX);
    act_date
        .checked_add(jiff::Span::new().years(years))
        .map_err(|_| bad_date(ctx, "act_date"))
}

#[allow(clippy::too_many_arguments)] // one call site per procedure; a struct would only rename the fields
pub(super) fn blank(
    procedure: Procedure,
    stage: Stage,
    source: Source,
    party: Party,
    domain: SupervisionDomain,
    power_code: &str,
    summary: &str,
    act_date: Date,
    ctx: &Ctx,
) -> Case {
    Case {
        format: CASE_FORMAT,
        procedure,
        stage,
        source,
        party,
        domain,
        power_code: power_code.to_owned(),
        summary: summary.to_owned(),
        act_date,
        opened_by: ctx.actor,
        opened_on: ctx.today,
        handlers: Vec::new(),
        filed_on: None,
        filing_approved_by: None,
        limitation_ends: None,
        evidence: Vec::new(),
        preservations: Vec::new(),
        proposal: None,
        review_required: false,
        review_state: ReviewState::NotRequested,
        reviews: Vec::new(),
        discussion_required: false,
        discussion: None,
        notice: None,
        hearing: None,
        decision_due: None,
        extensions: Vec::new(),
        decision: None,
        service_due: None,
        service: None,
        payment_due: None,
        payments: Vec::new(),
        deferral_until: None,
        demand_on: None,
        court_application_on: None,
        court_result: None,
        transfer: None,
        summary_filing_due: None,
        summary_filed_on: None,
        collected_on_spot: false,
        collection_ground: None,
        closing_report: None,
        closed_on: None,
        archived_on: None,
        flags: Vec::new(),
        publication: None,
        alteration: None,
        remedies: Vec::new(),
        court_application_due: None,
    }
}

//! Inspections (监督检查): the gates a result must pass, what it sets in
//! motion (a re-check, the publication deadline), and burden control under
//! 国办发〔2024〕54号 — the yearly cap per entity, repeated visits within 30
//! days, and the proposals to merge tasks into one visit (综合查一次).
//!
//! Pure like the rest of the crate: the facts (officers' credentials today,
//! the visits an entity had) come in as parameters.

use crate::case::{Ctx, Refusal, param, refuse};
use crate::deadline;
use crate::rules::RuleError;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The result of an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 合格
    Pass,
    /// 不合格 (problems found; may lead to a case)
    Fail,
    /// 责令整改 (a 卫生监督意见书 with a deadline, then a re-check)
    Rectify,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Pass, Verdict::Fail, Verdict::Rectify];

    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Rectify => "rectify",
        }
    }

    pub fn parse(code: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Verdict::Pass => "合格",
            Verdict::Fail => "不合格",
            Verdict::Rectify => "责令整改",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Verdict::Pass => "passed",
            Verdict::Fail => "failed",
            Verdict::Rectify => "ordered to correct",
        }
    }

    /// Whether problems were found (counted as 发现问题 in statistics).
    pub fn found_problems(self) -> bool {
        match self {
            Verdict::Pass => false,
            Verdict::Fail | Verdict::Rectify => true,
        }
    }
}

/// An officer present at the inspection, as of its date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Present {
    pub officer_id: i64,
    pub name: String,
    /// Credential valid on the inspection date (not expired, review not overdue).
    pub credential_valid: bool,
    /// The credential covers the inspected domain.
    pub domain_covered: bool,
}

/// What an officer records after the visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultInput {
    pub done_on: Date,
    pub verdict: Verdict,
    pub findings: String,
    /// Text of the 卫生监督意见书 (required when ordering a correction).
    pub opinion: String,
    pub rectify_by: Option<Date>,
    pub present: Vec<Present>,
}

/// What a valid result sets in motion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    /// Due date of the re-check (复查) task, for a correction order.
    pub recheck_due: Option<Date>,
    /// Publish the result by this date (`insp_result_20wd`); `None` when the
    /// calendar of that year is not loaded.
    pub publish_by: Option<Date>,
}

fn due(ctx: &Ctx, rule_id: &str, start: Date) -> Option<Date> {
    ctx.rules
        .deadline_rule(rule_id, ctx.jurisdiction, start)
        .ok()
        .and_then(|r| deadline::compute(&r, start, ctx.calendar, &[], &[]).ok())
        .map(|c| c.due)
}

/// Check a result against the gates; nothing is recorded when it is refused.
pub fn check_result(input: &ResultInput, ctx: &Ctx) -> Result<Accepted, Refusal> {
    if input.done_on > ctx.today {
        return Err(Refusal {
            rule_id: "input_date",
            citation: "本平台执法全过程记录".to_owned(),
            message_zh: format!("检查日期 {} 晚于今天", input.done_on),
            message_en: format!("the inspection date {} is in the future", input.done_on),
        });
    }
    let qualified: Vec<&Present> = input
        .present
        .iter()
        .filter(|p| p.credential_valid && p.domain_covered)
        .collect();
    let min_officers = param(ctx, "insp_two_certified_officers", "min_officers")?;
    if (qualified.len() as i64) < min_officers {
        let unqualified: Vec<&str> = input
            .present
            .iter()
            .filter(|p| !(p.credential_valid && p.domain_covered))
            .map(|p| p.name.as_str())
            .collect();
        return Err(refuse(
            ctx,
            "insp_two_certified_officers",
            format!(
                "检查须有 {min_officers} 名以上持有效执法证件、具备本领域资格的执法人员（符合条件的 {} 名；不符合：{}）",
                qualified.len(),
                unqualified.join("、")
            ),
            format!(
                "an inspection needs {min_officers} or more officers with valid credentials for the domain ({} qualified; not qualified: {})",
                qualified.len(),
                unqualified.join(", ")
            ),
        ));
    }
    if input.verdict.found_problems() && input.findings.trim().is_empty() {
        return Err(refuse(
            ctx,
            "insp_findings_recorded",
            "发现问题的，须记录检查发现的问题".to_owned(),
            "record the problems found".to_owned(),
        ));
    }
    let mut recheck_due = None;
    if input.verdict == Verdict::Rectify {
        let Some(by) = input.rectify_by.filter(|by| *by > input.done_on) else {
            return Err(refuse(
                ctx,
                "insp_rectify_opinion",
                "责令整改须载明晚于检查日期的整改期限".to_owned(),
                "a correction order needs a deadline after the inspection date".to_owned(),
            ));
        };
        if input.opinion.trim().is_empty() {
            return Err(refuse(
                ctx,
                "insp_rectify_opinion",
                "责令整改须出具卫生监督意见书（填写意见书内容）".to_owned(),
                "a correction order needs the supervision opinion text".to_owned(),
            ));
        }
        recheck_due = Some(due(ctx, "insp_recheck", by).unwrap_or(by));
    }
    Ok(Accepted {
        recheck_due,
        publish_by: due(ctx, "insp_result_20wd", input.done_on),
    })
}

/// One visit to an entity, done or planned. Tasks merged into one joint visit
/// share `visit` (the id of the lead task) and count once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub task_id: i64,
    pub entity_id: i64,
    /// The inspection date when done, else the due date.
    pub on: Date,
    pub visit: i64,
    pub done: bool,
}

/// A burden-control warning (国办发〔2024〕54号).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// The entity's visits this year reach `cap - warn_remaining` or more.
    YearlyCapNear {
        entity_id: i64,
        year: i16,
        visits: u32,
        cap: u32,
    },
    /// More visits than the cap.
    YearlyCapExceeded {
        entity_id: i64,
        year: i16,
        visits: u32,
        cap: u32,
    },
    /// Separate visits within the window (`insp_repeat_30d`).
    Repeated {
        entity_id: i64,
        tasks: Vec<i64>,
        days: i32,
    },
}

impl Warning {
    pub fn rule_id(&self) -> &'static str {
        match self {
            Warning::YearlyCapNear { .. } | Warning::YearlyCapExceeded { .. } => "insp_yearly_cap",
            Warning::Repeated { .. } => "insp_repeat_30d",
        }
    }

    pub fn entity_id(&self) -> i64 {
        match self {
            Warning::YearlyCapNear { entity_id, .. }
            | Warning::YearlyCapExceeded { entity_id, .. }
            | Warning::Repeated { entity_id, .. } => *entity_id,
        }
    }

    pub fn text_zh(&self) -> String {
        match self {
            Warning::YearlyCapNear {
                year, visits, cap, ..
            } => format!("{year} 年已检查（含已安排）{visits} 次，接近年度上限 {cap} 次"),
            Warning::YearlyCapExceeded {
                year, visits, cap, ..
            } => format!("{year} 年检查（含已安排）{visits} 次，超过年度上限 {cap} 次"),
            Warning::Repeated { tasks, days, .. } => format!(
                "{} 项任务在 {days} 日内分别检查同一企业，建议合并为一次综合检查",
                tasks.len()
            ),
        }
    }

    pub fn text_en(&self) -> String {
        match self {
            Warning::YearlyCapNear {
                year, visits, cap, ..
            } => {
                format!("{visits} visits (done or planned) in {year}, near the yearly cap of {cap}")
            }
            Warning::YearlyCapExceeded {
                year, visits, cap, ..
            } => format!(
                "{visits} visits (done or planned) in {year}, above the yearly cap of {cap}"
            ),
            Warning::Repeated { tasks, days, .. } => format!(
                "{} tasks visit the same entity within {days} days; merge them into one visit",
                tasks.len()
            ),
        }
    }
}

/// Limits of burden control, read from the rules (a plan may set its own cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurdenLimits {
    /// `None` before a cap is in force (国办发〔2024〕54号 took effect 2025-01-03)
    /// and the plan sets none.
    pub yearly_cap: Option<u32>,
    pub warn_remaining: u32,
    pub repeat_window_days: Option<u32>,
    /// Open tasks this close are proposed for one joint visit (`insp_joint_visit`).
    pub joint_window_days: Option<u32>,
}

impl BurdenLimits {
    /// The limits in force on `ctx.today`, with `plan_cap` (0 = the rule's
    /// default). A rule not yet in force sets no limit.
    pub fn from_rules(ctx: &Ctx, plan_cap: u32) -> Result<BurdenLimits, RuleError> {
        let p = |id: &str, name: &str| -> Result<Option<u32>, RuleError> {
            let rule = match ctx.rules.get(id, ctx.jurisdiction, ctx.today) {
                Ok(r) => r,
                Err(RuleError::NotInForce { .. }) => return Ok(None),
                Err(e) => return Err(e),
            };
            let v = rule.param_i64(name)?;
            u32::try_from(v)
                .map(Some)
                .map_err(|_| RuleError::MissingParam {
                    id: id.to_owned(),
                    param: name.to_owned(),
                })
        };
        Ok(BurdenLimits {
            yearly_cap: if plan_cap > 0 {
                Some(plan_cap)
            } else {
                p("insp_yearly_cap", "default_cap")?
            },
            warn_remaining: p("insp_yearly_cap", "warn_remaining")?.unwrap_or(0),
            repeat_window_days: p("insp_repeat_30d", "window_days")?,
            joint_window_days: p("insp_joint_visit", "window_days")?,
        })
    }
}

/// Warnings for the visits of one or more entities. Tasks sharing a joint
/// visit count once; the repeat warning looks at separate visits only.
pub fn warnings(visits: &[Visit], limits: BurdenLimits) -> Vec<Warning> {
    let mut by_entity: BTreeMap<i64, Vec<&Visit>> = BTreeMap::new();
    for v in visits {
        by_entity.entry(v.entity_id).or_default().push(v);
    }
    let mut out = Vec::new();
    for (entity_id, list) in by_entity {
        // One entry per joint visit: its earliest date.
        let mut joint: BTreeMap<i64, (Date, Vec<i64>)> = BTreeMap::new();
        for v in &list {
            let e = joint.entry(v.visit).or_insert((v.on, Vec::new()));
            e.0 = e.0.min(v.on);
            e.1.push(v.task_id);
        }
        let mut per_year: BTreeMap<i16, u32> = BTreeMap::new();
        for (on, _) in joint.values() {
            *per_year.entry(on.year()).or_default() += 1;
        }
        for (year, n) in per_year {
            let Some(cap) = limits.yearly_cap else {
                break;
            };
            if n > cap {
                out.push(Warning::YearlyCapExceeded {
                    entity_id,
                    year,
                    visits: n,
                    cap,
                });
            } else if n + limits.warn_remaining >= cap && n > 0 {
                out.push(Warning::YearlyCapNear {
                    entity_id,
                    year,
                    visits: n,
                    cap,
                });
            }
        }
        let mut dated: Vec<(Date, Vec<i64>)> = joint.into_values().collect();
        dated.sort();
        let Some(window) = limits.repeat_window_days else {
            continue;
        };
        let window = i32::try_from(window).unwrap_or(i32::MAX);
        // Each maximal run of visits whose neighbours are within the window.
        let mut run: Vec<(Date, Vec<i64>)> = Vec::new();
        let flush = |run: &mut Vec<(Date, Vec<i64>)>, out: &mut Vec<Warning>| {
            if run.len() > 1 {
                let first = run[0].0;
                let last = run[run.len() - 1].0;
                out.push(Warning::Repeated {
                    entity_id,
                    tasks: run.iter().flat_map(|(_, t)| t.iter().copied()).collect(),
                    days: days_between(first, last),
                });
            }
            run.clear();
        };
        for v in dated {
            if let Some(prev) = run.last()
                && days_between(prev.0, v.0) > window
            {
                flush(&mut run, &mut out);
            }
            run.push(v);
        }
        flush(&mut run, &mut out);
    }
    out
}

fn days_between(a: Date, b: Date) -> i32 {
    (b - a).get_days().abs()
}

/// Open tasks on the same entity within the joint-visit window that are not
/// yet one visit: each group is a proposal to merge (综合查一次), lead first.
pub fn merge_proposals(open: &[Visit], window_days: u32) -> Vec<Vec<i64>> {
    let mut by_entity: BTreeMap<i64, Vec<&Visit>> = BTreeMap::new();
    for v in open.iter().filter(|v| !v.done) {
        by_entity.entry(v.entity_id).or_default().push(v);
    }
    let window = i32::try_from(window_days).unwrap_or(i32::MAX);
    let mut out = Vec::new();
    for list in by_entity.into_values() {
        let mut list = list;
        list.sort_by_key(|v| (v.on, v.task_id));
        let mut group: Vec<&Visit> = Vec::new();
        let mut flush = |group: &mut Vec<&Visit>| {
            let visits: std::collections::BTreeSet<i64> = group.iter().map(|v| v.visit).collect();
            if visits.len() > 1 {
                out.push(group.iter().map(|v| v.task_id).collect());
            }
            group.clear();
        };
        for v in list {
            if let Some(first) = group.first()
                && days_between(first.on, v.on) > window
            {
                flush(&mut group);
            }
            group.push(v);
        }
        flush(&mut group);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::role::Role;
    use crate::rules::RuleRegistry;
    use jiff::civil::date;
    use std::sync::LazyLock;

    static RULES: LazyLock<RuleRegistry> = LazyLock::new(|| RuleRegistry::national().unwrap());
    static CAL: LazyLock<Calendar> = LazyLock::new(|| Calendar::national().unwrap());

    fn ctx(today: Date) -> Ctx<'static> {
        Ctx {
            today,
            actor: 1,
            role: Role::Officer,
            rules: &RULES,
            calendar: &CAL,
            jurisdiction: "national",
        }
    }

    fn officer(id: i64, valid: bool) -> Present {
        Present {
            officer_id: id,
            name: format!("执法人员{id}"),
            credential_valid: valid,
            domain_covered: true,
        }
    }

    fn input(verdict: Verdict) -> ResultInput {
        ResultInput {
            done_on: date(2026, 3, 2),
            verdict,
            findings: String::new(),
            opinion: String::new(),
            rectify_by: None,
            present: vec![officer(1, true), officer(2, true)],
        }
    }

    #[test]
    fn insp_two_certified_officers_one_expired_credential_refuses_the_result() {
        let mut i = input(Verdict::Pass);
        i.present[1].credential_valid = false;
        let r = check_result(&i, &ctx(date(2026, 3, 3))).unwrap_err();
        assert_eq!(r.rule_id, "insp_two_certified_officers");
        assert!(r.message_zh.contains("执法人员2"));
        let mut i = input(Verdict::Pass);
        i.present[0].domain_covered = false;
        assert_eq!(
            check_result(&i, &ctx(date(2026, 3, 3)))
                .unwrap_err()
                .rule_id,
            "insp_two_certified_officers"
        );
        assert!(check_result(&input(Verdict::Pass), &ctx(date(2026, 3, 3))).is_ok());
    }

    #[test]
    fn insp_findings_recorded_a_failed_inspection_needs_its_findings() {
        let r = check_result(&input(Verdict::Fail), &ctx(date(2026, 3, 3))).unwrap_err();
        assert_eq!(r.rule_id, "insp_findings_recorded");
        let mut i = input(Verdict::Fail);
        i.findings = "从业人员未取得健康合格证明".into();
        assert!(check_result(&i, &ctx(date(2026, 3, 3))).is_ok());
    }

    #[test]
    fn insp_rectify_opinion_a_correction_order_needs_an_opinion_and_a_later_deadline() {
        let mut i = input(Verdict::Rectify);
        i.findings = "公共用品用具未按规定清洗消毒".into();
        i.opinion = "责令于2026年3月16日前改正".into();
        i.rectify_by = Some(date(2026, 3, 2));
        assert_eq!(
            check_result(&i, &ctx(date(2026, 3, 3)))
                .unwrap_err()
                .rule_id,
            "insp_rectify_opinion"
        );
        i.rectify_by = Some(date(2026, 3, 16));
        i.opinion.clear();
        assert_eq!(
            check_result(&i, &ctx(date(2026, 3, 3)))
                .unwrap_err()
                .rule_id,
            "insp_rectify_opinion"
        );
    }

    #[test]
    fn insp_recheck_is_due_five_working_days_after_the_correction_deadline() {
        let mut i = input(Verdict::Rectify);
        i.findings = "未公示卫生许可证".into();
        i.opinion = "责令改正".into();
        // Monday 16 March 2026 + 5 working days = Monday 23 March.
        i.rectify_by = Some(date(2026, 3, 16));
        let a = check_result(&i, &ctx(date(2026, 3, 3))).unwrap();
        assert_eq!(a.recheck_due, Some(date(2026, 3, 23)));
        // Published within 20 working days of Monday 2 March: 30 March.
        assert_eq!(a.publish_by, Some(date(2026, 3, 30)));
    }

    #[test]
    fn a_result_dated_in_the_future_is_refused() {
        let r = check_result(&input(Verdict::Pass), &ctx(date(2026, 3, 1))).unwrap_err();
        assert_eq!(r.rule_id, "input_date");
    }

    fn visit(task: i64, entity: i64, on: Date) -> Visit {
        Visit {
            task_id: task,
            entity_id: entity,
            on,
            visit: task,
            done: false,
        }
    }

    fn limits(cap: u32) -> BurdenLimits {
        BurdenLimits {
            yearly_cap: Some(cap),
            warn_remaining: 1,
            repeat_window_days: Some(30),
            joint_window_days: Some(30),
        }
    }

    #[test]
    fn insp_yearly_cap_warns_at_the_last_allowed_visit_and_when_exceeded() {
        let v = vec![visit(1, 7, date(2026, 2, 1)), visit(2, 7, date(2026, 6, 1))];
        assert_eq!(
            warnings(&v, limits(3)),
            vec![Warning::YearlyCapNear {
                entity_id: 7,
                year: 2026,
                visits: 2,
                cap: 3
            }]
        );
        let mut v = v;
        v.push(visit(3, 7, date(2026, 9, 1)));
        v.push(visit(4, 7, date(2026, 11, 1)));
        assert_eq!(
            warnings(&v, limits(3)),
            vec![Warning::YearlyCapExceeded {
                entity_id: 7,
                year: 2026,
                visits: 4,
                cap: 3
            }]
        );
        // Before 国办发〔2024〕54号 took effect there is no cap and no warning.
        let before = BurdenLimits::from_rules(&ctx(date(2024, 6, 3)), 0).unwrap();
        assert_eq!((before.yearly_cap, before.repeat_window_days), (None, None));
        assert!(warnings(&v, before).is_empty());
        // The default comes from the rule when the plan sets none.
        assert_eq!(
            BurdenLimits::from_rules(&ctx(date(2026, 1, 5)), 0)
                .unwrap()
                .yearly_cap,
            Some(3)
        );
        assert_eq!(
            BurdenLimits::from_rules(&ctx(date(2026, 1, 5)), 5)
                .unwrap()
                .yearly_cap,
            Some(5)
        );
    }

    #[test]
    fn insp_repeat_30d_two_tasks_within_thirty_days_warn_and_a_joint_visit_does_not() {
        let v = vec![
            visit(1, 7, date(2026, 3, 1)),
            visit(2, 7, date(2026, 3, 20)),
            visit(3, 8, date(2026, 3, 1)),
            visit(4, 8, date(2026, 5, 1)),
        ];
        let w = warnings(&v, limits(10));
        assert_eq!(
            w,
            vec![Warning::Repeated {
                entity_id: 7,
                tasks: vec![1, 2],
                days: 19
            }]
        );
        assert_eq!(w[0].rule_id(), "insp_repeat_30d");
        let mut joint = v.clone();
        joint[1].visit = 1;
        assert!(warnings(&joint, limits(10)).is_empty());
    }

    #[test]
    fn insp_joint_visit_open_tasks_on_one_entity_within_the_window_are_proposed_for_merging() {
        let mut v = vec![
            visit(1, 7, date(2026, 3, 1)),
            visit(2, 7, date(2026, 3, 25)),
            visit(3, 7, date(2026, 6, 1)),
            visit(4, 8, date(2026, 3, 1)),
        ];
        assert_eq!(merge_proposals(&v, 30), vec![vec![1, 2]]);
        // Already merged: nothing to propose; done tasks are not proposed.
        v[1].visit = 1;
        assert!(merge_proposals(&v, 30).is_empty());
        v[1].visit = 2;
        v[1].done = true;
        assert!(merge_proposals(&v, 30).is_empty());
    }

    #[test]
    fn insp_listed_items_only_is_a_published_gate_rule() {
        // The gate is enforced where plans are made (fazhi-app::inspections);
        // here: the rule exists with its citation.
        let r = RULES
            .get("insp_listed_items_only", "national", date(2026, 1, 5))
            .unwrap();
        assert!(r.citation.contains("54号"));
    }
}

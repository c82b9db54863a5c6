//! Public notices of decisions (双公示): a penalty or permit decision marked
//! for publication becomes a notice that is due within 7 working days,
//! stays up for the publicity period the credit rules set for its kind of
//! penalty, comes down on its own at the end of that period or earlier after
//! credit repair (信用修复), and is withdrawn with a public reason within 3
//! working days when the decision is changed, revoked or annulled
//! (《行政处罚法》第四十八条). The party may add a reply that is shown next to
//! the notice.
//!
//! Everything here is pure: the clock, the rule registry and the calendar
//! come in through [`Ctx`]; the store keeps the [`Notice`] as columns and the
//! app logs each command.

use crate::case::{Ctx, Refusal, param, refuse};
use crate::deadline;
use crate::money::Money;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 行政处罚决定公示
    Penalty,
    /// 行政许可决定公示
    Permit,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 2] = [NoticeKind::Penalty, NoticeKind::Permit];

    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Penalty => "penalty",
            NoticeKind::Permit => "permit",
        }
    }

    pub fn parse(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            NoticeKind::Penalty => "行政处罚",
            NoticeKind::Permit => "行政许可",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            NoticeKind::Penalty => "Penalty",
            NoticeKind::Permit => "Permit",
        }
    }
}

/// Where a notice is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeState {
    /// Decided, to be published (due date running).
    Pending,
    /// On the public site.
    Published,
    /// Taken down at the end of its publicity period.
    Expired,
    /// Taken down early after credit repair (信用修复).
    Repaired,
    /// Withdrawn because the decision was changed, revoked or annulled; the
    /// public sees the withdrawal statement, not the notice.
    Withdrawn,
}

impl NoticeState {
    pub const ALL: [NoticeState; 5] = [
        NoticeState::Pending,
        NoticeState::Published,
        NoticeState::Expired,
        NoticeState::Repaired,
        NoticeState::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NoticeState::Pending => "pending",
            NoticeState::Published => "published",
            NoticeState::Expired => "expired",
            NoticeState::Repaired => "repaired",
            NoticeState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<NoticeState> {
        NoticeState::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            NoticeState::Pending => "待公示",
            NoticeState::Published => "公示中",
            NoticeState::Expired => "期满撤下",
            NoticeState::Repaired => "信用修复撤下",
            NoticeState::Withdrawn => "已撤回",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            NoticeState::Pending => "to publish",
            NoticeState::Published => "published",
            NoticeState::Expired => "taken down (period ended)",
            NoticeState::Repaired => "taken down (credit repaired)",
            NoticeState::Withdrawn => "withdrawn",
        }
    }
}

/// The publicity class of a penalty, which sets its publicity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyClass {
    /// Only a warning: not published under the market-regulation rule the
    /// health sector follows until 2026-03-31 (`cred_minor_publicity`).
    WarningOnly,
    /// 轻微: the summary procedure, a warning or public criticism, a low fine
    /// (`cred_minor_publicity`, `cred_publicity_period_2026`).
    Minor,
    /// 一般: any other penalty (fines, confiscation, suspension of a licence).
    General,
    /// 严重: revocation of a licence, a ban on trade or practice, closure.
    Serious,
}

impl PenaltyClass {
    pub fn name_zh(self) -> &'static str {
        match self {
            PenaltyClass::WarningOnly => "仅警告",
            PenaltyClass::Minor => "轻微失信（简易程序、警告、通报批评或较低数额罚款）",
            PenaltyClass::General => "一般失信",
            PenaltyClass::Serious => "严重失信（吊销许可证件、限制从业、责令停产停业或关闭等）",
        }
    }
}

/// Penalties that make a decision serious (《信用修复管理办法》: 吊销许可证件,
/// 限制开展生产经营活动, 责令停产停业, 责令关闭, 限制从业).
const SERIOUS_PENALTIES: [&str; 7] = [
    "吊销",
    "限制开展生产经营活动",
    "责令停产停业",
    "责令停业",
    "责令关闭",
    "限制从业",
    "禁止从业",
];

/// The class of a penalty decision: serious when it revokes a licence or bans
/// trade or practice; minor when it was made on the spot, or imposes nothing
/// beyond a warning or public criticism and a fine of at most the rule's
/// `low_fine_max_yuan` (from 2026-04-01, when no sector amount is set, only
/// warnings and public criticism); warning-only decisions are their own class.
pub fn classify(
    ctx: &Ctx,
    decided_on: Date,
    summary_procedure: bool,
    fine: Money,
    confiscation: Money,
    other_penalties: &str,
) -> Result<PenaltyClass, Refusal> {
    let parts: Vec<&str> = other_penalties
        .split(['、', ',', '，', ';', '；', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts
        .iter()
        .any(|p| SERIOUS_PENALTIES.iter().any(|s| p.contains(s)))
    {
        return Ok(PenaltyClass::Serious);
    }
    let only_light = parts.iter().all(|p| *p == "警告" || *p == "通报批评");
    let warning_only = !parts.is_empty()
        && parts.iter().all(|p| *p == "警告")
        && fine.fen() == 0
        && confiscation.fen() == 0;
    let market_rule = in_force(ctx, "cred_minor_publicity", decided_on);
    if warning_only && market_rule {
        return Ok(PenaltyClass::WarningOnly);
    }
    if summary_procedure {
        return Ok(PenaltyClass::Minor);
    }
    let low_fen = if market_rule {
        let on = Ctx {
            today: decided_on,
            ..*ctx
        };
        param(&on, "cred_minor_publicity", "low_fine_max_yuan")?.saturating_mul(100)
    } else {
        0
    };
    Ok(
        if only_light && fine.fen() <= low_fen && confiscation.fen() == 0 {
            PenaltyClass::Minor
        } else {
            PenaltyClass::General
        },
    )
}

/// The credit rule that set the period of a notice decided on `decided_on`.
pub fn period_rule(ctx: &Ctx, decided_on: Date) -> &'static str {
    [
        "cred_publicity_period_2026",
        "cred_publicity_period_2023",
        "cred_publicity_period_2019",
    ]
    .into_iter()
    .find(|id| in_force(ctx, id, decided_on))
    .unwrap_or("cred_publicity_period_2026")
}

fn in_force(ctx: &Ctx, id: &str, on: Date) -> bool {
    ctx.rules
        .get(id, ctx.jurisdiction, on)
        .is_ok_and(|r| r.in_force_on(on))
}

/// Whether a penalty of this class may be published at all: a decision of
/// only a warning is not (`cred_minor_publicity`, until 2026-03-31); from
/// 2026-04-01 a minor one is published only where the agency finds it
/// necessary, for at most 3 months (`cred_publicity_period_2026`).
pub fn publishable(ctx: &Ctx, class: PenaltyClass, decided_on: Date) -> Result<(), Refusal> {
    if class == PenaltyClass::WarningOnly && in_force(ctx, "cred_minor_publicity", decided_on) {
        return Err(refuse(
            ctx,
            "cred_minor_publicity",
            "仅受到警告的行政处罚不予公示",
            "a decision of only a warning is not published",
        ));
    }
    Ok(())
}

/// A publicity period: the notice may come down after credit repair from
/// `shortest_until`, and comes down on its own on `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub shortest_until: Date,
    pub until: Date,
    /// The rule that set it.
    pub rule_id: &'static str,
}

/// The publicity period of a penalty decided on `decided_on`, counted from
/// the decision date, under the credit rule in force on that date:
/// `cred_publicity_period_2026` (three grades) from 2026-04-01,
/// `cred_publicity_period_2023` (with `cred_minor_publicity` for minor
/// penalties) from 2023-05-01, and `cred_publicity_period_2019` (general and
/// serious) before. A warning-only decision under the market-regulation rule
/// has no period (it is not published: the period ends the day it starts).
pub fn penalty_period(ctx: &Ctx, class: PenaltyClass, decided_on: Date) -> Result<Period, Refusal> {
    let on = Ctx {
        today: decided_on,
        ..*ctx
    };
    let (rule_id, shortest, longest) = if in_force(ctx, "cred_publicity_period_2026", decided_on) {
        let id = "cred_publicity_period_2026";
        let grade = match class {
            PenaltyClass::WarningOnly | PenaltyClass::Minor => "minor",
            PenaltyClass::General => "general",
            PenaltyClass::Serious => "serious",
        };
        (
            id,
            param(&on, id, &format!("{grade}_shortest_months"))?,
            param(&on, id, &format!("{grade}_longest_months"))?,
        )
    } else {
        let general = ["cred_publicity_period_2023", "cred_publicity_period_2019"]
            .into_iter()
            .find(|id| in_force(ctx, id, decided_on))
            .ok_or_else(|| {
                refuse(
                    ctx,
                    "cred_publicity_period_2026",
                    format!("{decided_on} 时没有生效的公示期限规则"),
                    format!("no publicity-period rule was in force on {decided_on}"),
                )
            })?;
        let minor_rule = in_force(ctx, "cred_minor_publicity", decided_on);
        match class {
            PenaltyClass::WarningOnly if minor_rule => ("cred_minor_publicity", 0, 0),
            PenaltyClass::WarningOnly | PenaltyClass::Minor if minor_rule => {
                let months = param(&on, "cred_minor_publicity", "months")?;
                let shortest = param(&on, general, "shortest_months")?;
                ("cred_minor_publicity", shortest.min(months), months)
            }
            PenaltyClass::Serious if general == "cred_publicity_period_2019" => (
                general,
                param(&on, general, "serious_shortest_months")?,
                param(&on, general, "serious_longest_months")?,
            ),
            PenaltyClass::WarningOnly
            | PenaltyClass::Minor
            | PenaltyClass::General
            | PenaltyClass::Serious => (
                general,
                param(&on, general, "shortest_months")?,
                param(&on, general, "longest_months")?,
            ),
        }
    };
    let add = |months: i64| {
        decided_on.checked_add(months.months()).map_err(|e| {
            refuse(
                ctx,
                rule_id,
                format!("日期溢出：{e}"),
                format!("date overflow: {e}"),
            )
        })
    };
    let until = add(longest)?;
    let shortest_until = add(shortest.min(longest))?;
    Ok(Period {
        shortest_until,
        until,
        rule_id,
    })
}

/// The period a notice already up should have: the right period where it
/// shortens the stored one, the stored one otherwise (a running publicity is
/// never lengthened after the fact). `None` when nothing changes.
pub fn retimed(notice: &Notice, right: Period) -> Option<(Date, Date)> {
    let (Some(shortest), Some(until)) = (notice.shortest_until, notice.until) else {
        return None;
    };
    if !matches!(notice.state, NoticeState::Pending | NoticeState::Published) {
        return None;
    }
    let next = (shortest.min(right.shortest_until), until.min(right.until));
    (next != (shortest, until)).then_some(next)
}

/// The publication due date: 7 working days from the decision
/// (`pub_permit_penalty_7wd`); `None` when the calendar of that year is not
/// loaded yet (never a guess).
pub fn publication_due(ctx: &Ctx, decided_on: Date) -> Option<Date> {
    due(ctx, "pub_permit_penalty_7wd", decided_on)
}

/// The withdrawal due date: 3 working days from the change, revocation or
/// annulment (`pub_withdraw_3d`).
pub fn withdrawal_due(ctx: &Ctx, altered_on: Date) -> Option<Date> {
    due(ctx, "pub_withdraw_3d", altered_on)
}

fn due(ctx: &Ctx, rule_id: &str, start: Date) -> Option<Date> {
    ctx.rules
        .deadline_rule(rule_id, ctx.jurisdiction, start)
        .ok()
        .and_then(|r| deadline::compute(&r, start, ctx.calendar, &[], &[]).ok())
        .map(|c| c.due)
}

/// A notice's lifecycle facts (the public content lives next to it in the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub state: NoticeState,
    pub decided_on: Date,
    /// Publish by (`pub_permit_penalty_7wd`); `None` when the calendar is missing.
    pub due: Option<Date>,
    pub published_on: Option<Date>,
    /// Penalties: credit repair may take it down from this day.
    pub shortest_until: Option<Date>,
    /// Penalties: taken down on this day; permits: `None` (up while the permit stands).
    pub until: Option<Date>,
    pub withdrawal_due: Option<Date>,
    pub taken_down_on: Option<Date>,
    /// Public statement of why it was withdrawn, or the repair note.
    pub reason: String,
    /// The party's reply, shown next to the notice.
    pub reply: String,
}

impl Notice {
    /// A new notice of a decision: pending, due 7 working days later; a
    /// penalty carries its publicity period.
    pub fn new(ctx: &Ctx, kind: NoticeKind, decided_on: Date, period: Option<Period>) -> Notice {
        Notice {
            kind,
            state: NoticeState::Pending,
            decided_on,
            due: publication_due(ctx, decided_on),
            published_on: None,
            shortest_until: period.map(|p| p.shortest_until),
            until: period.map(|p| p.until),
            withdrawal_due: None,
            taken_down_on: None,
            reason: String::new(),
            reply: String::new(),
        }
    }

    /// Whether the public sees the notice itself on `today`.
    pub fn is_public(&self, today: Date) -> bool {
        self.state == NoticeState::Published && self.until.is_none_or(|u| today < u)
    }

    /// Whether the public sees a withdrawal statement in its place.
    pub fn shows_withdrawal(&self) -> bool {
        self.state == NoticeState::Withdrawn && self.published_on.is_some()
    }

    /// Pending past its due date: an oversight warning (`pub_permit_penalty_7wd`).
    pub fn overdue(&self, today: Date) -> bool {
        self.state == NoticeState::Pending && self.due.is_some_and(|d| today > d)
    }

    /// Published later than due.
    pub fn published_late(&self) -> bool {
        matches!((self.published_on, self.due), (Some(p), Some(d)) if p > d)
    }

    /// Published and its period has ended: the sweep takes it down.
    pub fn expired_on(&self, today: Date) -> bool {
        self.state == NoticeState::Published && self.until.is_some_and(|u| today >= u)
    }
}

/// What may happen to a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Put it on the public site.
    Publish,
    /// Take it down at the end of its period (the sweep).
    Expire,
    /// Take it down early after credit repair.
    Repair { note: String },
    /// Withdraw it: the decision was changed, revoked or annulled.
    Withdraw { altered_on: Date, reason: String },
    /// The party's reply (陈述), shown next to the notice; empty removes it.
    Reply { text: String },
}

impl Command {
    pub fn code(&self) -> &'static str {
        match self {
            Command::Publish => "publish",
            Command::Expire => "expire",
            Command::Repair { .. } => "repair",
            Command::Withdraw { .. } => "withdraw",
            Command::Reply { .. } => "reply",
        }
    }
}

/// Apply a command: the next notice, or a refusal naming the rule.
pub fn apply(notice: &Notice, cmd: &Command, ctx: &Ctx) -> Result<Notice, Refusal> {
    let mut next = notice.clone();
    let today = ctx.today;
    match cmd {
        Command::Publish => match notice.state {
            NoticeState::Pending => {
                if notice.until.is_some_and(|u| today >= u) {
                    return Err(refuse(
                        ctx,
                        period_rule(ctx, notice.decided_on),
                        "公示期限已届满，不再公示",
                        "the publicity period has already ended; it is not published",
                    ));
                }
                next.state = NoticeState::Published;
                next.published_on = Some(today);
            }
            NoticeState::Published
            | NoticeState::Expired
            | NoticeState::Repaired
            | NoticeState::Withdrawn => {
                return Err(wrong_state(ctx, notice, cmd, "pub_permit_penalty_7wd"));
            }
        },
        Command::Expire => match notice.state {
            NoticeState::Published if notice.expired_on(today) => {
                next.state = NoticeState::Expired;
                next.taken_down_on = notice.until;
            }
            NoticeState::Published
            | NoticeState::Pending
            | NoticeState::Expired
            | NoticeState::Repaired
            | NoticeState::Withdrawn => {
                return Err(wrong_state(
                    ctx,
                    notice,
                    cmd,
                    period_rule(ctx, notice.decided_on),
                ));
            }
        },
        Command::Repair { note } => match notice.state {
            NoticeState::Published if notice.kind == NoticeKind::Penalty => {
                let Some(shortest) = notice.shortest_until else {
                    return Err(wrong_state(
                        ctx,
                        notice,
                        cmd,
                        period_rule(ctx, notice.decided_on),
                    ));
                };
                if today < shortest {
                    return Err(refuse(
                        ctx,
                        period_rule(ctx, notice.decided_on),
                        format!("最短公示期至 {shortest} 届满，届满后方可申请信用修复提前撤下"),
                        format!(
                            "credit repair may take it down only after the shortest period ends on {shortest}"
                        ),
                    ));
                }
                require(ctx, "note", note, period_rule(ctx, notice.decided_on))?;
                next.state = NoticeState::Repaired;
                next.taken_down_on = Some(today);
                next.reason = note.trim().to_owned();
            }
            NoticeState::Published
            | NoticeState::Pending
            | NoticeState::Expired
            | NoticeState::Repaired
            | NoticeState::Withdrawn => {
                return Err(wrong_state(
                    ctx,
                    notice,
                    cmd,
                    period_rule(ctx, notice.decided_on),
                ));
            }
        },
        Command::Withdraw { altered_on, reason } => match notice.state {
            NoticeState::Pending | NoticeState::Published => {
                require(ctx, "reason", reason, "pub_withdraw_3d")?;
                next.state = NoticeState::Withdrawn;
                next.withdrawal_due = withdrawal_due(ctx, *altered_on);
                next.taken_down_on = Some(today);
                next.reason = reason.trim().to_owned();
            }
            NoticeState::Expired | NoticeState::Repaired | NoticeState::Withdrawn => {
                return Err(wrong_state(ctx, notice, cmd, "pub_withdraw_3d"));
            }
        },
        Command::Reply { text } => match notice.state {
            NoticeState::Published => {
                // A statement, not a file: the rule bounds its length.
                let max = param(ctx, "pub_party_reply", "max_chars")?;
                if i64::try_from(text.chars().count()).unwrap_or(i64::MAX) > max {
                    return Err(refuse(
                        ctx,
                        "pub_party_reply",
                        format!("“回应”不得超过 {max} 字"),
                        format!("'reply' must be at most {max} characters"),
                    ));
                }
                next.reply = text.trim().to_owned();
            }
            NoticeState::Pending
            | NoticeState::Expired
            | NoticeState::Repaired
            | NoticeState::Withdrawn => {
                return Err(wrong_state(ctx, notice, cmd, "pub_party_reply"));
            }
        },
    }
    Ok(next)
}

/// Late withdrawal: withdrawn after its 3-working-day limit (an oversight flag).
pub fn withdrawn_late(n: &Notice) -> bool {
    matches!((n.taken_down_on, n.withdrawal_due), (Some(t), Some(d)) if n.state == NoticeState::Withdrawn && t > d)
}

fn require(ctx: &Ctx, field: &str, text: &str, rule: &'static str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        return Err(refuse(
            ctx,
            rule,
            format!("请填写“{}”", field_zh(field)),
            format!("'{field}' is required"),
        ));
    }
    Ok(())
}

fn field_zh(field: &str) -> &'static str {
    match field {
        "reason" => "撤回理由",
        "note" => "信用修复说明",
        _ => "内容",
    }
}

fn wrong_state(ctx: &Ctx, n: &Notice, cmd: &Command, rule: &'static str) -> Refusal {
    refuse(
        ctx,
        rule,
        format!("公示处于“{}”状态，不能执行该操作", n.state.name_zh()),
        format!(
            "the notice is {}; '{}' is not possible",
            n.state.name_en(),
            cmd.code()
        ),
    )
}

#[cfg(test)]
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

    fn penalty(decided_on: Date, class: PenaltyClass) -> Notice {
        let c = ctx(decided_on);
        let period = penalty_period(&c, class, decided_on).unwrap();
        Notice::new(&c, NoticeKind::Penalty, decided_on, Some(period))
    }

    #[test]
    fn pub_permit_penalty_7wd_notice_is_due_seven_working_days_after_the_decision() {
        // Friday 2025-09-26; National Day holidays 10-01..10-08 are skipped and
        // the make-up days count: 9-28 (Sunday, 调休), 9-29, 9-30, 10-09, 10-10,
        // 10-11 (Saturday, 调休), 10-13.
        let n = penalty(date(2025, 9, 26), PenaltyClass::General);
        assert_eq!(n.due, Some(date(2025, 10, 13)));
        assert!(!n.overdue(date(2025, 10, 13)));
        assert!(
            n.overdue(date(2025, 10, 14)),
            "overdue the day after the due date"
        );
        assert_eq!(n.state, NoticeState::Pending);
        assert!(
            !n.is_public(date(2025, 9, 30)),
            "pending notices are not public"
        );
    }

    #[test]
    fn pub_permit_penalty_7wd_late_publication_is_recorded_as_late() {
        let n = penalty(date(2025, 3, 3), PenaltyClass::General);
        let on_time = apply(&n, &Command::Publish, &ctx(date(2025, 3, 5))).unwrap();
        assert!(!on_time.published_late());
        let late = apply(&n, &Command::Publish, &ctx(date(2025, 4, 1))).unwrap();
        assert!(late.published_late());
        assert!(late.is_public(date(2025, 4, 1)));
        assert!(apply(&late, &Command::Publish, &ctx(date(2025, 4, 2))).is_err());
    }

    #[test]
    fn cred_publicity_period_2023_general_penalty_is_up_three_years_and_comes_down_on_its_own() {
        let n = penalty(date(2024, 5, 10), PenaltyClass::General);
        assert_eq!(n.until, Some(date(2027, 5, 10)));
        assert_eq!(n.shortest_until, Some(date(2024, 8, 10)));
        let p = apply(&n, &Command::Publish, &ctx(date(2024, 5, 13))).unwrap();
        assert!(p.is_public(date(2027, 5, 9)));
        assert!(
            !p.is_public(date(2027, 5, 10)),
            "off the public list on the last day"
        );
        assert!(apply(&p, &Command::Expire, &ctx(date(2027, 5, 9))).is_err());
        let e = apply(&p, &Command::Expire, &ctx(date(2027, 5, 11))).unwrap();
        assert_eq!(e.state, NoticeState::Expired);
        assert_eq!(e.taken_down_on, Some(date(2027, 5, 10)));
    }

    #[test]
    fn cred_publicity_period_2019_applies_to_decisions_before_may_2023() {
        let n = penalty(date(2022, 6, 1), PenaltyClass::General);
        assert_eq!(
            n.until,
            Some(date(2023, 6, 1)),
            "one year under the 2019 rule"
        );
        let p = penalty_period(
            &ctx(date(2026, 1, 1)),
            PenaltyClass::General,
            date(2022, 6, 1),
        )
        .unwrap();
        assert_eq!(p.rule_id, "cred_publicity_period_2019");
    }

    #[test]
    fn cred_minor_publicity_low_fine_is_up_three_months_and_a_warning_alone_is_not_published() {
        let on = date(2025, 1, 6);
        let c = ctx(on);
        let class = |fine: i64, conf: i64, other: &str| {
            classify(
                &c,
                on,
                false,
                Money::from_yuan(fine),
                Money::from_yuan(conf),
                other,
            )
            .unwrap()
        };
        assert_eq!(class(3_000, 0, "警告"), PenaltyClass::Minor);
        assert_eq!(class(0, 0, "通报批评"), PenaltyClass::Minor);
        assert_eq!(
            class(3_001, 0, ""),
            PenaltyClass::General,
            "above the low-fine amount"
        );
        assert_eq!(class(500, 1, ""), PenaltyClass::General, "any confiscation");
        assert_eq!(
            class(0, 0, "警告、暂停执业活动六个月"),
            PenaltyClass::General,
            "a suspension is not minor"
        );
        // 《市场监督管理行政处罚信息公示规定》第二条第二款: only a warning is not
        // published (the old behaviour put it up for 3 months).
        assert_eq!(class(0, 0, "警告"), PenaltyClass::WarningOnly);
        assert_eq!(
            publishable(&c, PenaltyClass::WarningOnly, on)
                .unwrap_err()
                .rule_id,
            "cred_minor_publicity"
        );
        let n = penalty(on, PenaltyClass::Minor);
        assert_eq!(n.until, Some(date(2025, 4, 6)));
    }

    #[test]
    fn cred_publicity_period_2026_three_grades_counted_from_the_decision() {
        let on = date(2026, 5, 6);
        let c = ctx(on);
        let class = |fine: i64, other: &str, summary: bool| {
            classify(&c, on, summary, Money::from_yuan(fine), Money::ZERO, other).unwrap()
        };
        assert_eq!(class(0, "警告", false), PenaltyClass::Minor);
        assert_eq!(class(200, "", true), PenaltyClass::Minor, "简易程序");
        assert_eq!(
            class(2_000, "", false),
            PenaltyClass::General,
            "no sector amount for a low fine is set: an ordinary fine is general"
        );
        assert_eq!(
            class(0, "吊销医疗机构执业许可证", false),
            PenaltyClass::Serious
        );
        assert_eq!(class(5_000, "限制从业五年", false), PenaltyClass::Serious);
        assert!(publishable(&c, PenaltyClass::Minor, on).is_ok());
        let minor = penalty_period(&c, PenaltyClass::Minor, on).unwrap();
        assert_eq!(
            (minor.shortest_until, minor.until, minor.rule_id),
            (on, date(2026, 8, 6), "cred_publicity_period_2026")
        );
        let general = penalty_period(&c, PenaltyClass::General, on).unwrap();
        assert_eq!(
            (general.shortest_until, general.until),
            (date(2026, 8, 6), date(2027, 5, 6)),
            "3 months to 1 year, not 3 years"
        );
        let serious = penalty_period(&c, PenaltyClass::Serious, on).unwrap();
        assert_eq!(
            (serious.shortest_until, serious.until),
            (date(2027, 5, 6), date(2029, 5, 6)),
            "repair only after a year"
        );
    }

    #[test]
    fn cred_publicity_period_2026_a_notice_before_april_2026_keeps_the_2023_period_one_after_gets_the_new_one()
     {
        let before = penalty(date(2026, 3, 31), PenaltyClass::General);
        assert_eq!(before.until, Some(date(2029, 3, 31)));
        assert_eq!(before.shortest_until, Some(date(2026, 6, 30)));
        let after = penalty(date(2026, 4, 1), PenaltyClass::General);
        assert_eq!(after.until, Some(date(2027, 4, 1)));
        // A notice published after April 2026 under the 2023 period is re-timed;
        // one decided before keeps its period.
        let mut wrong = after.clone();
        wrong.until = Some(date(2029, 4, 1));
        let wrong = apply(&wrong, &Command::Publish, &ctx(date(2026, 4, 2))).unwrap();
        let right = penalty_period(
            &ctx(date(2026, 12, 7)),
            PenaltyClass::General,
            date(2026, 4, 1),
        )
        .unwrap();
        assert_eq!(
            retimed(&wrong, right),
            Some((date(2026, 7, 1), date(2027, 4, 1)))
        );
        let kept = apply(&before, &Command::Publish, &ctx(date(2026, 4, 2))).unwrap();
        let right = penalty_period(
            &ctx(date(2026, 12, 7)),
            PenaltyClass::General,
            date(2026, 3, 31),
        )
        .unwrap();
        assert_eq!(retimed(&kept, right), None);
        // Never lengthened after the fact, and nothing done to a notice already down.
        let longer = Period {
            until: date(2030, 1, 1),
            ..right
        };
        assert_eq!(retimed(&kept, longer), None);
        let expired = Notice {
            state: NoticeState::Expired,
            ..wrong
        };
        assert_eq!(retimed(&expired, right), None);
    }

    #[test]
    fn cred_publicity_period_2019_serious_penalties_six_months_to_three_years() {
        let p = penalty_period(
            &ctx(date(2026, 1, 1)),
            PenaltyClass::Serious,
            date(2022, 6, 1),
        )
        .unwrap();
        assert_eq!(
            (p.shortest_until, p.until, p.rule_id),
            (
                date(2022, 12, 1),
                date(2025, 6, 1),
                "cred_publicity_period_2019"
            )
        );
    }

    #[test]
    fn cred_publicity_period_2023_credit_repair_only_after_the_shortest_period() {
        let n = penalty(date(2025, 1, 6), PenaltyClass::General);
        let p = apply(&n, &Command::Publish, &ctx(date(2025, 1, 7))).unwrap();
        let note = Command::Repair {
            note: "已整改并作出信用承诺".into(),
        };
        let early = apply(&p, &note, &ctx(date(2025, 4, 5))).unwrap_err();
        assert_eq!(early.rule_id, "cred_publicity_period_2023");
        assert!(
            early.message_zh.contains("2025-04-06"),
            "{}",
            early.message_zh
        );
        let r = apply(&p, &note, &ctx(date(2025, 4, 6))).unwrap();
        assert_eq!(r.state, NoticeState::Repaired);
        assert!(!r.is_public(date(2025, 4, 6)));
        let blank = Command::Repair { note: " ".into() };
        assert!(apply(&p, &blank, &ctx(date(2025, 5, 1))).is_err());
    }

    #[test]
    fn pub_withdraw_3d_withdrawal_needs_a_public_reason_and_is_late_after_three_working_days() {
        let n = penalty(date(2025, 3, 3), PenaltyClass::General);
        let p = apply(&n, &Command::Publish, &ctx(date(2025, 3, 4))).unwrap();
        let no_reason = Command::Withdraw {
            altered_on: date(2025, 6, 2),
            reason: String::new(),
        };
        assert_eq!(
            apply(&p, &no_reason, &ctx(date(2025, 6, 3)))
                .unwrap_err()
                .rule_id,
            "pub_withdraw_3d"
        );
        let cmd = Command::Withdraw {
            altered_on: date(2025, 6, 2),
            reason: "行政复议决定撤销原处罚决定".into(),
        };
        let w = apply(&p, &cmd, &ctx(date(2025, 6, 5))).unwrap();
        assert_eq!(w.withdrawal_due, Some(date(2025, 6, 5)));
        assert!(!withdrawn_late(&w));
        assert!(w.shows_withdrawal());
        assert!(!w.is_public(date(2025, 6, 5)));
        let late = apply(&p, &cmd, &ctx(date(2025, 6, 6))).unwrap();
        assert!(withdrawn_late(&late));
        assert!(apply(&w, &cmd, &ctx(date(2025, 6, 7))).is_err(), "once");
    }

    #[test]
    fn pub_party_reply_is_shown_only_on_a_published_notice_and_bounded() {
        let n = penalty(date(2025, 3, 3), PenaltyClass::General);
        let reply = Command::Reply {
            text: "我单位已完成整改。".into(),
        };
        assert!(apply(&n, &reply, &ctx(date(2025, 3, 4))).is_err());
        let p = apply(&n, &Command::Publish, &ctx(date(2025, 3, 4))).unwrap();
        assert_eq!(
            apply(&p, &reply, &ctx(date(2025, 3, 5))).unwrap().reply,
            "我单位已完成整改。"
        );
        let max = param(&ctx(date(2025, 3, 5)), "pub_party_reply", "max_chars").unwrap();
        let long = Command::Reply {
            text: "字".repeat(usize::try_from(max).unwrap() + 1),
        };
        assert_eq!(
            apply(&p, &long, &ctx(date(2025, 3, 5)))
                .unwrap_err()
                .rule_id,
            "pub_party_reply"
        );
    }

    #[test]
    fn permits_have_no_period_and_stay_up_until_withdrawn() {
        let c = ctx(date(2025, 3, 3));
        let n = Notice::new(&c, NoticeKind::Permit, date(2025, 3, 3), None);
        let p = apply(&n, &Command::Publish, &ctx(date(2025, 3, 4))).unwrap();
        assert!(p.is_public(date(2035, 1, 1)));
        assert!(apply(&p, &Command::Expire, &ctx(date(2035, 1, 1))).is_err());
        let repair = Command::Repair { note: "x".into() };
        assert!(apply(&p, &repair, &ctx(date(2035, 1, 1))).is_err());
    }
}

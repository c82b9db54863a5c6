//! The indicators annual reports quote (legal-rules §15 and the seed
//! reports): each a named definition with its unit, formula and source
//! module, and the pure computations over the records of one period.
//! Indicators whose module does not exist yet are listed as such, never 0.

use crate::case::{CaseFacts, DecisionFacts, Outcome, Procedure};
use crate::inspection::Verdict;
use crate::request::Request;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Where an indicator's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceModule {
    Inspections,
    Cases,
    Registry,
    /// Complaints, reports and disclosure requests.
    Requests,
    /// A module Fazhi does not have yet: the figure is not computed.
    NotYet,
}

/// One indicator definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub id: &'static str,
    pub name_zh: &'static str,
    pub unit_zh: &'static str,
    /// The exact formula over the records, in words.
    pub formula_zh: &'static str,
    pub source: SourceModule,
}

const fn def(
    id: &'static str,
    name_zh: &'static str,
    unit_zh: &'static str,
    formula_zh: &'static str,
    source: SourceModule,
) -> Definition {
    Definition {
        id,
        name_zh,
        unit_zh,
        formula_zh,
        source,
    }
}

use SourceModule::{Cases, Inspections, NotYet, Registry, Requests};

/// Every indicator, in report order.
pub const DEFINITIONS: &[Definition] = &[
    def(
        "insp.visits",
        "监督检查户次",
        "户次",
        "本期完成的检查次数；合并为一次综合检查的多项任务计一户次",
        Inspections,
    ),
    def(
        "insp.units",
        "被监督单位数",
        "户",
        "本期完成检查的不同单位数",
        Inspections,
    ),
    def(
        "insp.opinions",
        "出具卫生监督意见书",
        "份",
        "本期完成且出具卫生监督意见书的检查任务数",
        Inspections,
    ),
    def(
        "insp.problems",
        "检查发现问题",
        "户次",
        "本期完成、结果为不合格或责令整改的检查任务数",
        Inspections,
    ),
    def(
        "insp.cases",
        "检查发现问题立案",
        "件",
        "本期检查任务中据以立案的任务数",
        Inspections,
    ),
    def(
        "random.national.tasks",
        "国家双随机抽查任务",
        "件",
        "本期到期或完成的国家级抽查任务数",
        Inspections,
    ),
    def(
        "random.national.completion",
        "国家双随机抽查任务按期完成率",
        "%",
        "期限内完成的国抽任务 ÷ 国抽任务",
        Inspections,
    ),
    def(
        "random.provincial.tasks",
        "省级双随机抽查任务",
        "件",
        "本期到期或完成的省级抽查任务数",
        Inspections,
    ),
    def(
        "random.provincial.completion",
        "省级双随机抽查任务按期完成率",
        "%",
        "期限内完成的省抽任务 ÷ 省抽任务",
        Inspections,
    ),
    def(
        "random.local.tasks",
        "市县双随机抽查任务",
        "件",
        "本期到期或完成的市级、县级抽查任务数",
        Inspections,
    ),
    def(
        "random.local.completion",
        "市县双随机抽查任务按期完成率",
        "%",
        "期限内完成的市县抽查任务 ÷ 市县抽查任务",
        Inspections,
    ),
    def(
        "random.published",
        "双随机抽查结果公开率",
        "%",
        "结果已公开的抽查任务 ÷ 已完成的抽查任务",
        Inspections,
    ),
    def(
        "cases.filed",
        "立案查处案件",
        "件",
        "本期立案的普通程序案件数",
        Cases,
    ),
    def(
        "cases.summary",
        "简易程序当场处罚",
        "件",
        "本期作出的当场处罚决定数",
        Cases,
    ),
    def(
        "cases.penalties",
        "作出行政处罚决定",
        "件",
        "本期作出给予行政处罚决定的案件数（含简易程序）",
        Cases,
    ),
    def(
        "cases.no_penalty",
        "依法不予行政处罚",
        "件",
        "本期决定不予行政处罚（违法行为轻微等、违法事实不能成立）的案件数",
        Cases,
    ),
    def(
        "cases.fines",
        "罚款决定金额",
        "元",
        "本期处罚决定的罚款金额合计",
        Cases,
    ),
    def(
        "cases.confiscations",
        "没收违法所得金额",
        "元",
        "本期处罚决定的没收违法所得金额合计",
        Cases,
    ),
    def(
        "cases.collected",
        "罚没款收缴金额",
        "元",
        "本期缴纳的罚款与加处罚款合计",
        Cases,
    ),
    def(
        "cases.reviewed",
        "重大执法决定法制审核",
        "件",
        "本期作出决定且经法制审核的案件数",
        Cases,
    ),
    def(
        "cases.review_rate",
        "法制审核率",
        "%",
        "经法制审核的案件 ÷ 本期作出决定且应当法制审核的案件",
        Cases,
    ),
    def(
        "cases.discussed",
        "集体讨论决定",
        "件",
        "本期经负责人集体讨论的案件数",
        Cases,
    ),
    def(
        "cases.hearings",
        "听证",
        "件",
        "本期举行听证的案件数",
        Cases,
    ),
    def(
        "cases.transfers",
        "移送司法机关",
        "件",
        "本期移送公安机关的涉嫌犯罪案件数",
        Cases,
    ),
    def(
        "officers.certified_rate",
        "执法人员持证率",
        "%",
        "持有效执法证件的执法人员 ÷ 执法人员",
        Registry,
    ),
    def(
        "officers.training_hours",
        "人均培训学时",
        "学时",
        "执法人员最新证件登记的培训学时的平均数",
        Registry,
    ),
    def(
        "powers.by_kind",
        "权责清单事项",
        "项",
        "已公布的权责清单事项按类别计数",
        Registry,
    ),
    def(
        "complaints.received",
        "受理投诉举报",
        "件",
        "本期收到并登记的投诉、举报数（含不予受理的）",
        Requests,
    ),
    def(
        "complaints.concluded",
        "投诉举报办结",
        "件",
        "本期办结的投诉、举报数（含不予受理的）",
        Requests,
    ),
    def(
        "complaints.on_time",
        "投诉举报按期办结率",
        "%",
        "本期办结中在期限内办结的 ÷ 本期办结（受理前以十五日受理期限、受理后以六十日及批准延长的期限为准）",
        Requests,
    ),
    def(
        "complaints.satisfaction",
        "投诉举报满意率",
        "%",
        "本期办结并评价的投诉、举报中评价为满意或基本满意的 ÷ 评价数",
        Requests,
    ),
    def(
        "disclosure.requests",
        "政府信息公开申请",
        "件",
        "本期收到的依申请公开数",
        Requests,
    ),
    def(
        "disclosure.by_answer",
        "政府信息公开申请答复情况",
        "件",
        "本期答复的依申请公开按答复类型（《政府信息公开条例》第三十六条）计数",
        Requests,
    ),
    def(
        "disclosure.on_time",
        "政府信息公开申请按期答复率",
        "%",
        "本期答复中在二十个工作日（补正重新计算、征求意见不计、批准延长的另计）内答复的 ÷ 本期答复",
        Requests,
    ),
    def(
        "reconsideration.cases",
        "行政复议案件",
        "件",
        "本期以本机关为被申请人的复议案件数（按结果）",
        NotYet,
    ),
    def(
        "litigation.cases",
        "行政诉讼案件",
        "件",
        "本期以本机关为被告的诉讼案件数（按结果）",
        NotYet,
    ),
    def(
        "litigation.head_in_court",
        "负责人出庭应诉率",
        "%",
        "负责人出庭的开庭案件 ÷ 开庭案件",
        NotYet,
    ),
    def(
        "permits.by_item",
        "行政许可办理",
        "件",
        "本期办结的许可按事项、方式（含告知承诺）计数",
        NotYet,
    ),
    def(
        "publicity.on_time",
        "双公示按时公示率",
        "%",
        "七个工作日内公示的决定 ÷ 应公示的决定",
        NotYet,
    ),
];

pub fn definition(id: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|d| d.id == id)
}

/// A computed figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Count(i64),
    /// Money in fen.
    Fen(i64),
    /// A rate in per mille (1000 = 100 %); `None` when nothing was due.
    Permille(Option<i64>),
    /// Tenths of a unit (e.g. 12.5 学时 = 125).
    Tenths(i64),
    Text(String),
}

impl Value {
    /// As a report prints it: "1,234", "12,345.60", "98.5%", "—".
    pub fn display(&self) -> String {
        match self {
            Value::Count(n) => crate::money::group_thousands(*n),
            Value::Fen(f) => crate::money::Money::from_fen(*f).to_string(),
            Value::Permille(Some(p)) => format!("{}.{}%", p / 10, p % 10),
            Value::Permille(None) => "—".to_owned(),
            Value::Tenths(t) => format!("{}.{}", t / 10, t % 10),
            Value::Text(s) => s.clone(),
        }
    }
}

fn rate(num: u64, den: u64) -> Value {
    Value::Permille(
        (num * 1000)
            .checked_div(den)
            .and_then(|p| i64::try_from(p).ok()),
    )
}

fn count(n: u64) -> Value {
    Value::Count(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A period: both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    pub fn year(year: i16) -> Option<Period> {
        Some(Period {
            from: Date::new(year, 1, 1).ok()?,
            to: Date::new(year, 12, 31).ok()?,
        })
    }

    /// Months `from..=to` of `year` (1–12), for a dashboard's month range.
    pub fn months(year: i16, from: i8, to: i8) -> Option<Period> {
        if !(1..=12).contains(&from) || !(from..=12).contains(&to) {
            return None;
        }
        let first = Date::new(year, from, 1).ok()?;
        let last = Date::new(year, to, 1).ok()?.last_of_month();
        Some(Period {
            from: first,
            to: last,
        })
    }

    /// The same days one year earlier, for the year-over-year change.
    pub fn a_year_earlier(&self) -> Option<Period> {
        let back = |d: Date| {
            Date::new(d.year() - 1, d.month(), 1)
                .ok()
                .map(|m| m.with().day(d.day().min(m.days_in_month())).build().ok())
        };
        Some(Period {
            from: back(self.from)??,
            to: back(self.to)??,
        })
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    fn has(&self, d: Option<Date>) -> bool {
        d.is_some_and(|d| self.contains(d))
    }
}

/// One inspection task as the indicators need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFacts {
    /// The task's id, so a figure's drill-down can link each record.
    pub id: i64,
    /// `national`, `provincial`, `city`, `county`, or empty for ad hoc/re-checks.
    /// (Texts are shared: a million tasks hold a handful of distinct values.)
    pub level: Arc<str>,
    /// `random`, `adhoc`, `complaint` or `recheck`.
    pub source: Arc<str>,
    /// The inspected domain (the plan's, else the entity's first).
    pub domain: Arc<str>,
    pub entity_id: i64,
    /// Lead task of the joint visit.
    pub visit: i64,
    pub due_on: Date,
    pub done_on: Option<Date>,
    pub verdict: Option<Verdict>,
    pub opinion_issued: bool,
    pub case_opened: bool,
    pub published: bool,
}

/// What a group of tasks amounts to (the statistics page and the indicators).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tasks: u64,
    pub entities: u64,
    /// Visits (户次) done: tasks merged into one visit count once.
    pub visits: u64,
    pub done: u64,
    pub done_on_time: u64,
    /// Open tasks past their due date on `today`.
    pub overdue_open: u64,
    pub problems: u64,
    pub opinions: u64,
    pub cases: u64,
    pub published: u64,
}

impl Counts {
    /// On-time completion in per mille of the tasks (0 without tasks).
    pub fn completion_permille(&self) -> u64 {
        (self.done_on_time * 1000)
            .checked_div(self.tasks)
            .unwrap_or(0)
    }
}

/// Count a group of tasks as of `today`.
pub fn tally<'a>(tasks: impl IntoIterator<Item = &'a TaskFacts>, today: Date) -> Counts {
    let mut c = Counts::default();
    let mut entities = BTreeSet::new();
    let mut visits = BTreeSet::new();
    for t in tasks {
        c.tasks += 1;
        entities.insert(t.entity_id);
        match t.done_on {
            Some(done) => {
                visits.insert(t.visit);
                c.done += 1;
                c.done_on_time += u64::from(done <= t.due_on);
                c.published += u64::from(t.published);
            }
            None => c.overdue_open += u64::from(t.due_on < today),
        }
        c.problems += u64::from(t.verdict.is_some_and(Verdict::found_problems));
        c.opinions += u64::from(t.opinion_issued);
        c.cases += u64::from(t.case_opened);
    }
    c.entities = entities.len() as u64;
    c.visits = visits.len() as u64;
    c
}

/// The levels of random (双随机) tasks an indicator counts, if it is one.
fn random_levels(id: &str) -> Option<&'static [&'static str]> {
    match id {
        "random.national.tasks" | "random.national.completion" => Some(&["national"]),
        "random.provincial.tasks" | "random.provincial.completion" => Some(&["provincial"]),
        "random.local.tasks" | "random.local.completion" => Some(&["city", "county"]),
        "random.published" => Some(&["national", "provincial", "city", "county"]),
        _ => None,
    }
}

/// Which tasks make up the figure of indicator `id` for `period`: indices
/// into `tasks`, in order. This is the one definition of an inspection
/// figure: [`inspection_values`] counts these members, and the drill-down
/// lists them, so the figure and its list cannot disagree. A count is the
/// number of members (a visit or a unit counts its first task once); a rate's
/// members are its denominator and [`task_in_numerator`] picks the numerator.
/// `None` for an id that is not an inspection indicator.
pub fn task_members(id: &str, tasks: &[TaskFacts], period: Period) -> Option<Vec<usize>> {
    let pick = |f: &dyn Fn(&TaskFacts) -> bool| -> Vec<usize> {
        tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| f(t))
            .map(|(i, _)| i)
            .collect()
    };
    let done_in = |t: &TaskFacts| period.has(t.done_on);
    let first_of = |key: &dyn Fn(&TaskFacts) -> i64| -> Vec<usize> {
        let mut seen = BTreeSet::new();
        pick(&done_in)
            .into_iter()
            .filter(|&i| seen.insert(key(&tasks[i])))
            .collect()
    };
    Some(match id {
        "insp.visits" => first_of(&|t| t.visit),
        "insp.units" => first_of(&|t| t.entity_id),
        "insp.opinions" => pick(&|t| done_in(t) && t.opinion_issued),
        "insp.problems" => pick(&|t| done_in(t) && t.verdict.is_some_and(Verdict::found_problems)),
        "insp.cases" => pick(&|t| done_in(t) && t.case_opened),
        _ => {
            let levels = random_levels(id)?;
            // Random tasks of the period: due in it, or done in it.
            let of_period = |t: &TaskFacts| {
                levels.contains(&&*t.level) && (period.contains(t.due_on) || period.has(t.done_on))
            };
            if id == "random.published" {
                pick(&|t| of_period(t) && t.done_on.is_some())
            } else {
                pick(&of_period)
            }
        }
    })
}

/// Whether a member of a rate indicator counts in its numerator (on time
/// for completion rates, published for the publication rate); every member
/// of a count is "in".
pub fn task_in_numerator(id: &str, t: &TaskFacts) -> bool {
    match id {
        "random.national.completion"
        | "random.provincial.completion"
        | "random.local.completion" => t.done_on.is_some_and(|done| done <= t.due_on),
        "random.published" => t.published,
        _ => true,
    }
}

/// The ids [`task_members`] answers, in report order.
pub const TASK_INDICATORS: [&str; 12] = [
    "insp.visits",
    "insp.units",
    "insp.opinions",
    "insp.problems",
    "insp.cases",
    "random.national.tasks",
    "random.national.completion",
    "random.provincial.tasks",
    "random.provincial.completion",
    "random.local.tasks",
    "random.local.completion",
    "random.published",
];

fn is_rate(id: &str) -> bool {
    definition(id).is_some_and(|d| d.unit_zh == "%")
}

/// Inspection indicators for `period`, counted over [`task_members`].
pub fn inspection_values(tasks: &[TaskFacts], period: Period) -> BTreeMap<&'static str, Value> {
    let mut out = BTreeMap::new();
    for id in TASK_INDICATORS {
        let Some(members) = task_members(id, tasks, period) else {
            continue;
        };
        let value = if is_rate(id) {
            let num = members
                .iter()
                .filter(|&&i| task_in_numerator(id, &tasks[i]))
                .count();
            rate(num as u64, members.len() as u64)
        } else {
            count(members.len() as u64)
        };
        out.insert(id, value);
    }
    out
}

/// Complaint, report and disclosure indicators for `period`: received by
/// receipt date, concluded and rated by conclusion date.
pub fn request_values(requests: &[Request], period: Period) -> BTreeMap<&'static str, Value> {
    let complaints = crate::request::tally(
        requests.iter().filter(|r| !r.kind.is_disclosure()),
        period.from,
        period.to,
        period.to,
    );
    let disclosure = crate::request::tally(
        requests.iter().filter(|r| r.kind.is_disclosure()),
        period.from,
        period.to,
        period.to,
    );
    let mut out = BTreeMap::new();
    out.insert("complaints.received", count(complaints.received));
    out.insert("complaints.concluded", count(complaints.concluded));
    out.insert(
        "complaints.on_time",
        rate(complaints.on_time, complaints.concluded),
    );
    out.insert(
        "complaints.satisfaction",
        rate(complaints.satisfied, complaints.feedback),
    );
    out.insert("disclosure.requests", count(disclosure.received));
    out.insert(
        "disclosure.by_answer",
        Value::Text(
            crate::request::Answer::ALL
                .iter()
                .filter_map(|a| {
                    let n = disclosure.by_result.get(a.code()).copied().unwrap_or(0);
                    (n > 0).then(|| format!("{}{}件", a.name_zh(), n))
                })
                .collect::<Vec<_>>()
                .join("，"),
        ),
    );
    out.insert(
        "disclosure.on_time",
        rate(disclosure.on_time, disclosure.concluded),
    );
    out
}

/// The ids [`case_members`] answers, in report order.
pub const CASE_INDICATORS: [&str; 12] = [
    "cases.filed",
    "cases.summary",
    "cases.penalties",
    "cases.no_penalty",
    "cases.fines",
    "cases.confiscations",
    "cases.collected",
    "cases.reviewed",
    "cases.review_rate",
    "cases.discussed",
    "cases.hearings",
    "cases.transfers",
];

fn decision_in(c: &CaseFacts, period: Period) -> Option<&DecisionFacts> {
    c.decision.as_ref().filter(|d| period.contains(d.on))
}

/// Which cases make up the figure of indicator `id` for `period` (indices into
/// `cases`): the one definition [`case_values`] counts or sums over and the
/// drill-down lists. Decisions count by their date, filings by theirs,
/// payments by theirs. For a rate the members are the denominator and
/// [`case_in_numerator`] picks the numerator.
pub fn case_members(id: &str, cases: &[CaseFacts], period: Period) -> Option<Vec<usize>> {
    let decided = |c: &CaseFacts| decision_in(c, period).is_some();
    let outcome = |c: &CaseFacts| decision_in(c, period).map(|d| d.outcome);
    let f: &dyn Fn(&CaseFacts) -> bool = match id {
        "cases.filed" => &|c| c.procedure == Procedure::Ordinary && period.has(c.filed_on),
        "cases.summary" => &|c| decided(c) && c.procedure == Procedure::Summary,
        "cases.penalties" => &|c| outcome(c) == Some(Outcome::Penalty),
        "cases.no_penalty" => &|c| {
            matches!(
                outcome(c),
                Some(Outcome::NoPenalty | Outcome::NotEstablished)
            )
        },
        "cases.fines" => &|c| decision_in(c, period).is_some_and(|d| d.fine.fen() != 0),
        "cases.confiscations" => {
            &|c| decision_in(c, period).is_some_and(|d| d.confiscation.fen() != 0)
        }
        "cases.collected" => &|c| c.payments.iter().any(|p| period.contains(p.on)),
        "cases.reviewed" => &|c| decided(c) && c.reviews_held > 0,
        // Due a review: the case machine required one, or one was held.
        "cases.review_rate" => &|c| decided(c) && (c.review_required || c.reviews_held > 0),
        "cases.discussed" => &|c| decided(c) && c.discussed,
        "cases.hearings" => &|c| {
            c.hearing
                .as_ref()
                .is_some_and(|h| h.held && period.has(h.date))
        },
        "cases.transfers" => &|c| period.has(c.transfer.as_ref().and_then(|t| t.transferred_on)),
        _ => return None,
    };
    Some(
        cases
            .iter()
            .enumerate()
            .filter(|(_, c)| f(c))
            .map(|(i, _)| i)
            .collect(),
    )
}

/// Whether a member of a case rate counts in its numerator.
pub fn case_in_numerator(id: &str, c: &CaseFacts) -> bool {
    match id {
        "cases.review_rate" => c.reviews_held > 0,
        _ => true,
    }
}

/// What one member case adds to a money indicator, in fen.
pub fn case_amount(id: &str, c: &CaseFacts, period: Period) -> i64 {
    match id {
        "cases.fines" => decision_in(c, period).map_or(0, |d| d.fine.fen()),
        "cases.confiscations" => decision_in(c, period).map_or(0, |d| d.confiscation.fen()),
        "cases.collected" => c
            .payments
            .iter()
            .filter(|p| period.contains(p.on))
            .map(|p| p.amount.fen() + p.late_fee.fen())
            .sum(),
        _ => 0,
    }
}

fn is_money(id: &str) -> bool {
    definition(id).is_some_and(|d| d.unit_zh == "元")
}

/// Case indicators for `period`, counted or summed over [`case_members`].
pub fn case_values(cases: &[CaseFacts], period: Period) -> BTreeMap<&'static str, Value> {
    let mut out = BTreeMap::new();
    for id in CASE_INDICATORS {
        let Some(members) = case_members(id, cases, period) else {
            continue;
        };
        let value = if is_money(id) {
            Value::Fen(
                members
                    .iter()
                    .map(|&i| case_amount(id, &cases[i], period))
                    .sum(),
            )
        } else if is_rate(id) {
            let num = members
                .iter()
                .filter(|&&i| case_in_numerator(id, &cases[i]))
                .count();
            rate(num as u64, members.len() as u64)
        } else {
            count(members.len() as u64)
        };
        out.insert(id, value);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn year() -> Period {
        Period::year(2025).unwrap()
    }

    fn task(level: &str, entity: i64, due: Date, done: Option<Date>) -> TaskFacts {
        TaskFacts {
            id: entity * 100 + i64::from(due.month()),
            level: level.into(),
            source: if level.is_empty() { "adhoc" } else { "random" }.into(),
            domain: "public_places".into(),
            entity_id: entity,
            visit: entity * 10_000 + i64::from(due.month()) * 100 + i64::from(due.day()),
            due_on: due,
            done_on: done,
            verdict: done.map(|_| Verdict::Pass),
            opinion_issued: false,
            case_opened: false,
            published: done.is_some(),
        }
    }

    #[test]
    fn every_indicator_id_is_unique_and_named() {
        let ids: BTreeSet<&str> = DEFINITIONS.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), DEFINITIONS.len());
        assert!(
            DEFINITIONS
                .iter()
                .all(|d| !d.name_zh.is_empty() && !d.formula_zh.is_empty())
        );
    }

    #[test]
    fn visits_count_a_joint_visit_once_and_units_count_distinct_entities() {
        let mut a = task("", 1, date(2025, 3, 1), Some(date(2025, 3, 1)));
        let mut b = task("", 1, date(2025, 3, 9), Some(date(2025, 3, 1)));
        b.visit = a.visit; // merged into one visit
        a.opinion_issued = true;
        a.verdict = Some(Verdict::Rectify);
        let c = task("", 1, date(2025, 6, 1), Some(date(2025, 6, 2)));
        let d = task("", 2, date(2025, 6, 1), Some(date(2025, 6, 2)));
        let outside = task("", 3, date(2024, 6, 1), Some(date(2024, 6, 2)));
        let v = inspection_values(&[a, b, c, d, outside], year());
        assert_eq!(v["insp.visits"], Value::Count(3));
        assert_eq!(v["insp.units"], Value::Count(2));
        assert_eq!(v["insp.opinions"], Value::Count(1));
        assert_eq!(v["insp.problems"], Value::Count(1));
    }

    #[test]
    fn completion_rate_counts_tasks_done_by_their_due_date_per_level() {
        let v = inspection_values(
            &[
                task("national", 1, date(2025, 10, 30), Some(date(2025, 10, 1))),
                task("national", 2, date(2025, 10, 30), Some(date(2025, 11, 2))),
                task("national", 3, date(2025, 10, 30), None),
                task("provincial", 4, date(2025, 10, 30), Some(date(2025, 9, 1))),
                task("county", 5, date(2025, 10, 30), None),
            ],
            year(),
        );
        assert_eq!(v["random.national.tasks"], Value::Count(3));
        assert_eq!(v["random.national.completion"], Value::Permille(Some(333)));
        assert_eq!(
            v["random.provincial.completion"],
            Value::Permille(Some(1000))
        );
        assert_eq!(v["random.local.tasks"], Value::Count(1));
        assert_eq!(v["random.local.completion"], Value::Permille(Some(0)));
        assert_eq!(v["random.published"], Value::Permille(Some(1000)));
        assert_eq!(Value::Permille(Some(333)).display(), "33.3%");
        let none = inspection_values(&[], year());
        assert_eq!(none["random.national.completion"], Value::Permille(None));
        assert_eq!(Value::Permille(None).display(), "—");
    }

    #[test]
    fn a_tally_counts_open_tasks_past_due_as_overdue_and_late_ones_as_not_on_time() {
        let c = tally(
            &[
                task("county", 1, date(2025, 5, 1), Some(date(2025, 4, 1))),
                task("county", 2, date(2025, 5, 1), Some(date(2025, 6, 1))),
                task("county", 3, date(2025, 5, 1), None),
                task("county", 4, date(2025, 9, 1), None),
            ],
            date(2025, 7, 1),
        );
        assert_eq!(
            (c.tasks, c.done, c.done_on_time, c.overdue_open),
            (4, 2, 1, 1)
        );
        assert_eq!(c.completion_permille(), 250);
    }

    /// A request built by hand: received, and concluded with `result` on `done`.
    fn request(
        kind: crate::request::Kind,
        received: Date,
        done: Option<(Date, crate::request::Result_, bool)>,
        feedback: Option<crate::request::Satisfaction>,
    ) -> Request {
        use crate::request::{Conclusion, Feedback, State};
        Request {
            kind,
            state: if done.is_some() {
                State::Concluded
            } else {
                State::Received
            },
            received_on: received,
            subject: "s".into(),
            content: "c".into(),
            concerning: String::new(),
            assignee: None,
            correction: None,
            consultations: Vec::new(),
            extension: None,
            accepted_on: None,
            conclusion: done.map(|(on, result, on_time)| Conclusion {
                on,
                result,
                reply: "r".into(),
                on_time,
                by: 1,
            }),
            link: None,
            feedback: feedback.map(|level| Feedback {
                on: received,
                level,
                comment: String::new(),
            }),
            notes: Vec::new(),
            due: None,
            calendar_missing: None,
        }
    }

    #[test]
    fn request_indicators_count_receipts_conclusions_on_time_satisfaction_and_answers() {
        use crate::request::{Answer, Kind, Outcome, Result_, Satisfaction};
        let o = |x| Result_::Outcome(x);
        let a = |x| Result_::Answer(x);
        let reqs = vec![
            // Received in 2024, concluded in 2025 late: counts as concluded, not received.
            request(
                Kind::Complaint,
                date(2024, 12, 20),
                Some((date(2025, 3, 1), o(Outcome::Substantiated), false)),
                Some(Satisfaction::Dissatisfied),
            ),
            request(
                Kind::Report,
                date(2025, 2, 1),
                Some((date(2025, 2, 10), o(Outcome::NotAccepted), true)),
                Some(Satisfaction::Satisfied),
            ),
            request(
                Kind::Complaint,
                date(2025, 5, 1),
                Some((date(2025, 6, 1), o(Outcome::Unsubstantiated), true)),
                Some(Satisfaction::Basically),
            ),
            // Received in 2025, still open: received only.
            request(Kind::Complaint, date(2025, 12, 30), None, None),
            // Concluded in 2026: not this year's conclusion.
            request(
                Kind::Report,
                date(2025, 12, 1),
                Some((date(2026, 1, 5), o(Outcome::Referred), true)),
                None,
            ),
            request(
                Kind::Disclosure,
                date(2025, 3, 1),
                Some((date(2025, 3, 20), a(Answer::Provided), true)),
                None,
            ),
            request(
                Kind::Disclosure,
                date(2025, 4, 1),
                Some((date(2025, 5, 20), a(Answer::DoesNotExist), false)),
                None,
            ),
            request(
                Kind::Disclosure,
                date(2025, 4, 2),
                Some((date(2025, 4, 20), a(Answer::Provided), true)),
                None,
            ),
        ];
        let v = request_values(&reqs, year());
        assert_eq!(v["complaints.received"], Value::Count(4));
        assert_eq!(v["complaints.concluded"], Value::Count(3));
        // 2 of 3 on time = 666‰; 2 of 3 rated satisfied or basically.
        assert_eq!(v["complaints.on_time"], Value::Permille(Some(666)));
        assert_eq!(v["complaints.satisfaction"], Value::Permille(Some(666)));
        assert_eq!(v["disclosure.requests"], Value::Count(3));
        assert_eq!(
            v["disclosure.by_answer"],
            Value::Text("予以公开2件，政府信息不存在1件".into())
        );
        assert_eq!(v["disclosure.on_time"], Value::Permille(Some(666)));
        let empty = request_values(&[], year());
        assert_eq!(empty["complaints.on_time"], Value::Permille(None));
        assert_eq!(empty["complaints.received"], Value::Count(0));
    }

    #[test]
    fn values_print_as_reports_quote_them() {
        assert_eq!(Value::Count(1234567).display(), "1,234,567");
        assert_eq!(Value::Count(12).display(), "12");
        assert_eq!(Value::Fen(1_234_560).display(), "12,345.60");
        assert_eq!(Value::Tenths(125).display(), "12.5");
    }

    #[test]
    fn a_figure_is_the_count_of_its_drill_down_members() {
        let mut a = task("national", 1, date(2025, 3, 1), Some(date(2025, 3, 1)));
        a.opinion_issued = true;
        let mut b = task("national", 1, date(2025, 3, 9), Some(date(2025, 3, 1)));
        b.visit = a.visit;
        let c = task("county", 2, date(2025, 6, 1), None);
        let d = task("", 3, date(2025, 6, 1), Some(date(2025, 7, 2)));
        let tasks = [a, b, c, d];
        let values = inspection_values(&tasks, year());
        for id in TASK_INDICATORS {
            let members = task_members(id, &tasks, year()).unwrap();
            match &values[id] {
                Value::Count(n) => assert_eq!(*n as usize, members.len(), "{id}"),
                Value::Permille(p) => {
                    let num = members
                        .iter()
                        .filter(|&&i| task_in_numerator(id, &tasks[i]))
                        .count();
                    assert_eq!(*p, (num as i64 * 1000).checked_div(members.len() as i64));
                }
                other => panic!("{id}: {other:?}"),
            }
        }
        // The joint visit lists its first task once; the unit list names each entity once.
        assert_eq!(
            task_members("insp.visits", &tasks, year()).unwrap(),
            vec![0, 3]
        );
        assert_eq!(
            task_members("insp.units", &tasks, year()).unwrap(),
            vec![0, 3]
        );
        assert_eq!(
            task_members("insp.opinions", &tasks, year()).unwrap(),
            vec![0]
        );
        assert!(task_members("cases.filed", &tasks, year()).is_none());
        assert!(case_members("insp.visits", &[], year()).is_none());
    }

    #[test]
    fn a_month_range_and_its_year_earlier_cover_whole_months() {
        let p = Period::months(2024, 2, 3).unwrap();
        assert_eq!((p.from, p.to), (date(2024, 2, 1), date(2024, 3, 31)));
        let before = p.a_year_earlier().unwrap();
        assert_eq!(
            (before.from, before.to),
            (date(2023, 2, 1), date(2023, 3, 31))
        );
        let leap = Period::months(2024, 2, 2).unwrap();
        assert_eq!(leap.a_year_earlier().unwrap().to, date(2023, 2, 28));
        assert!(Period::months(2024, 4, 3).is_none());
        assert!(Period::months(2024, 0, 3).is_none());
    }

    #[test]
    fn unbuilt_modules_are_listed_as_having_no_source_not_as_zero() {
        let not_yet: Vec<&str> = DEFINITIONS
            .iter()
            .filter(|d| d.source == NotYet)
            .map(|d| d.id)
            .collect();
        assert!(not_yet.contains(&"reconsideration.cases"));
        assert!(!inspection_values(&[], year()).contains_key("reconsideration.cases"));
        assert!(!case_values(&[], year()).contains_key("reconsideration.cases"));
        assert!(!request_values(&[], year()).contains_key("reconsideration.cases"));
    }
}

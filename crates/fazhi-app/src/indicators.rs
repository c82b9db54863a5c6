//! Indicators for an agency subtree and a year, with the previous year for
//! the year-over-year change and the log checkpoint they were computed at.

use crate::{App, AppError};
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::case::CaseFacts;
use fazhi_domain::indicators::{self as ind, Definition, Period, SourceModule, Value};
use fazhi_domain::registry::SupervisionDomain;
use fazhi_domain::role::Role;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// One indicator with its value this year and last.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub definition: Definition,
    /// `None` when the source module does not exist yet.
    pub value: Option<Value>,
    pub previous: Option<Value>,
}

impl Figure {
    pub fn status(&self) -> &'static str {
        match self.definition.source {
            SourceModule::NotYet => "no_data_source_yet",
            _ => "computed",
        }
    }

    /// Change against last year, as printed ("+12", "-3.5 个百分点"), if comparable.
    pub fn change(&self) -> Option<String> {
        match (&self.value, &self.previous) {
            (Some(Value::Count(a)), Some(Value::Count(b))) => Some(format!("{:+}", a - b)),
            (Some(Value::Fen(a)), Some(Value::Fen(b))) => {
                Some(format!("{:+.2}", (a - b) as f64 / 100.0))
            }
            (Some(Value::Permille(Some(a))), Some(Value::Permille(Some(b)))) => {
                Some(format!("{:+.1} 个百分点", (a - b) as f64 / 10.0))
            }
            _ => None,
        }
    }
}

/// The figures of one agency subtree and year.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub agency_id: i64,
    pub agency_name: String,
    pub year: i16,
    /// The period's first and last day (a whole year unless a month range).
    pub from: String,
    pub to: String,
    /// The signed checkpoint the figures were computed at (size, root hex).
    pub checkpoint: Option<(i64, String)>,
    pub figures: Vec<Figure>,
}

impl Figures {
    pub fn get(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.definition.id == id)
    }

    /// The printed value of an indicator, or "—".
    pub fn text(&self, id: &str) -> String {
        self.get(id)
            .and_then(|f| f.value.as_ref())
            .map_or_else(|| "—".to_owned(), Value::display)
    }
}

/// Indicators for the actor's own scope.
pub async fn for_actor(app: &App, actor: &Actor, year: i16) -> Result<Figures, AppError> {
    authorize(actor, Action::ViewStatistics, None)?;
    compute(app, actor.agency_id, year).await
}

/// Indicators of an agency subtree (the CLI runs this with database access).
pub async fn compute(app: &App, agency_id: i64, year: i16) -> Result<Figures, AppError> {
    let period = Period::year(year).ok_or_else(bad_year)?;
    compute_period(app, agency_id, period).await
}

fn bad_year() -> AppError {
    AppError::invalid("year", "年度无效", "bad year")
}

/// The records of an agency subtree the indicators count, loaded once for a
/// span of dates: the tasks due or done in it and every case of the scope
/// (cases are filtered by each indicator's own date).
pub(crate) struct Records {
    pub agency: fazhi_store::agencies::Agency,
    pub checkpoint: Option<(i64, String)>,
    pub tasks: Vec<ind::TaskFacts>,
    pub case_ids: Vec<i64>,
    pub cases: Vec<CaseFacts>,
    pub requests: Vec<fazhi_domain::request::Request>,
}

pub(crate) async fn load(
    app: &App,
    agency_id: i64,
    from: Date,
    to: Date,
) -> Result<Records, AppError> {
    let agency = fazhi_store::agencies::get(&app.db, agency_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "机构",
            en: "agency",
        })?;
    // The checkpoint is read before the records: every event it covers is
    // in what is counted, so recomputing at that checkpoint gives the figure.
    let checkpoint = crate::transparency::checkpoints(app, 1)
        .await?
        .into_iter()
        .next()
        .map(|c| (c.checkpoint.size, hex::encode(&c.checkpoint.root)));
    // Tasks and cases are read side by side (each on its own blocking
    // thread on SQLite): at province scale each takes seconds.
    let (tasks, (case_ids, cases)) = tokio::try_join!(
        crate::inspection_tasks::task_facts(app, &agency.path, from, to),
        cases_in_scope(app, &agency.path),
    )?;
    let requests = crate::requests::requests_in_scope(app, &agency.path).await?;
    Ok(Records {
        agency,
        checkpoint,
        tasks,
        case_ids,
        cases,
        requests,
    })
}

/// Every case of the scope, read as the facts statistics need (the rest of
/// each document is skipped, see [`CaseFacts`]), with its id. The JSON is
/// parsed on a blocking thread, so that it overlaps the reading of the tasks.
async fn cases_in_scope(
    app: &App,
    scope: &fazhi_domain::agency::AgencyPath,
) -> Result<(Vec<i64>, Vec<CaseFacts>), AppError> {
    let rows = fazhi_store::cases::states_in_scope(&app.db, scope).await?;
    tokio::task::spawn_blocking(move || {
        let mut ids = Vec::with_capacity(rows.len());
        let mut cases = Vec::with_capacity(rows.len());
        for (id, json) in rows {
            let case: CaseFacts = serde_json::from_str(&json)
                .map_err(|e| AppError::Internal(format!("case {id}: {e}")))?;
            ids.push(id);
            cases.push(case);
        }
        Ok((ids, cases))
    })
    .await
    .map_err(|e| AppError::Internal(format!("parsing cases: {e}")))?
}

/// Indicators of an agency subtree for any period (whole months), with the
/// same period a year earlier.
pub async fn compute_period(
    app: &App,
    agency_id: i64,
    period: Period,
) -> Result<Figures, AppError> {
    let last = period.a_year_earlier().ok_or_else(bad_year)?;
    let r = std::sync::Arc::new(load(app, agency_id, last.from, period.to).await?);
    // The two years are tallied side by side, off the async runtime (about
    // a second of counting for a province's year).
    let tally = |period: Period| {
        let r = std::sync::Arc::clone(&r);
        tokio::task::spawn_blocking(move || {
            let mut v = ind::inspection_values(&r.tasks, period);
            v.extend(ind::case_values(&r.cases, period));
            v.extend(ind::request_values(&r.requests, period));
            v
        })
    };
    let (now, before) = tokio::join!(tally(period), tally(last));
    let joined = |e: tokio::task::JoinError| AppError::Internal(format!("tallying: {e}"));
    let (mut now, before) = (now.map_err(joined)?, before.map_err(joined)?);
    // Registry figures are as of today (the registry keeps no yearly snapshot).
    let actor = Actor {
        user_id: 0,
        role: Role::SystemAdmin,
        agency_id,
        agency_path: r.agency.path.clone(),
    };
    let officers = crate::registry::officer_stats(app, &actor).await?;
    now.insert(
        "officers.certified_rate",
        Value::Permille((officers.certified as i64 * 1000).checked_div(officers.officers as i64)),
    );
    now.insert(
        "officers.training_hours",
        Value::Tenths((officers.average_training_hours * 10.0).round() as i64),
    );
    let powers = crate::registry::power_counts(app, &actor).await?;
    now.insert(
        "powers.by_kind",
        Value::Text(
            powers
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| format!("{}{}项", k.name_zh(), n))
                .collect::<Vec<_>>()
                .join("，"),
        ),
    );
    let figures = ind::DEFINITIONS
        .iter()
        .map(|d| Figure {
            definition: *d,
            value: now.get(d.id).cloned(),
            previous: before.get(d.id).cloned(),
        })
        .collect();
    Ok(Figures {
        agency_id,
        agency_name: r.agency.name.clone(),
        year: period.from.year(),
        from: period.from.to_string(),
        to: period.to.to_string(),
        checkpoint: r.checkpoint.clone(),
        figures,
    })
}

/// What a dashboard or drill-down asks for: an agency of the caller's scope
/// (its own when `None`), a year and a month range.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Filter {
    pub agency: Option<i64>,
    pub year: Option<i16>,
    pub from: Option<i8>,
    pub to: Option<i8>,
}

/// A filter checked against the caller's scope and turned into a period.
#[derive(Debug, Clone)]
pub struct Scope {
    pub agency_id: i64,
    pub year: i16,
    pub from_month: i8,
    pub to_month: i8,
    pub period: Period,
}

/// Authorize `action` on the filter's agency and resolve its period.
pub async fn scope_of(
    app: &App,
    actor: &Actor,
    action: Action,
    f: &Filter,
) -> Result<Scope, AppError> {
    authorize(actor, action, None)?;
    let agency_id = f.agency.unwrap_or(actor.agency_id);
    let agency = fazhi_store::agencies::get(&app.db, agency_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "机构",
            en: "agency",
        })?;
    authorize(actor, action, Some(&agency.path))?;
    let year = f
        .year
        .unwrap_or_else(|| crate::registry::today_cst(app).year());
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid(
            "year",
            "年度应在 2000 至 2100 之间",
            "the year must be between 2000 and 2100",
        ));
    }
    let (from_month, to_month) = (f.from.unwrap_or(1), f.to.unwrap_or(12));
    let period = Period::months(year, from_month, to_month).ok_or_else(|| {
        AppError::invalid(
            "from",
            "月份范围无效：起止月份应在 1 至 12 之间且起始不晚于截止",
            "bad month range: months are 1 to 12 and the first is not after the last",
        )
    })?;
    Ok(Scope {
        agency_id,
        year,
        from_month,
        to_month,
        period,
    })
}

/// One point of a monthly trend.
#[derive(Debug, Clone, Serialize)]
pub struct MonthPoint {
    pub month: i8,
    /// 监督检查户次 done in the month.
    pub visits: i64,
    /// Ordinary cases filed in the month.
    pub filed: i64,
    /// Penalty decisions of the month.
    pub penalties: i64,
}

/// One slice of a composition (by domain, by procedure).
#[derive(Debug, Clone, Serialize)]
pub struct Slice {
    /// A domain code, or the indicator id the slice counts.
    pub key: String,
    pub visits: i64,
    pub cases: i64,
}

/// An overdue item: an open task or case past its due date.
#[derive(Debug, Clone, Serialize)]
pub struct Overdue {
    /// `task` or `case`.
    pub kind: &'static str,
    pub id: i64,
    pub label: String,
    pub due_on: String,
    /// The rule the case deadline comes from (empty for a task).
    pub rule: String,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub figures: Figures,
    pub monthly: Vec<MonthPoint>,
    pub by_domain: Vec<Slice>,
    pub overdue: Vec<Overdue>,
}

/// How many overdue items the dashboard lists.
pub const OVERDUE_SHOWN: usize = 10;

fn members_len(m: Option<Vec<usize>>) -> i64 {
    m.map_or(0, |m| m.len() as i64)
}

/// The dashboard of an agency of the caller's scope for a period.
/// A task as the dashboard and drill-down lists name it: its entity.
async fn task_label(app: &App, id: i64) -> Result<String, AppError> {
    Ok(fazhi_store::inspections::get_task(&app.db, id)
        .await?
        .map_or_else(String::new, |row| row.entity_name))
}

pub async fn dashboard(app: &App, actor: &Actor, f: &Filter) -> Result<Dashboard, AppError> {
    let s = scope_of(app, actor, Action::ViewStatistics, f).await?;
    let figures = compute_period(app, s.agency_id, s.period).await?;
    let r = load(app, s.agency_id, s.period.from, s.period.to).await?;
    let mut monthly = Vec::new();
    for m in s.from_month..=s.to_month {
        let Some(p) = Period::months(s.year, m, m) else {
            continue;
        };
        monthly.push(MonthPoint {
            month: m,
            visits: members_len(ind::task_members("insp.visits", &r.tasks, p)),
            filed: members_len(ind::case_members("cases.filed", &r.cases, p)),
            penalties: members_len(ind::case_members("cases.penalties", &r.cases, p)),
        });
    }
    let mut by_domain = Vec::new();
    for d in SupervisionDomain::ALL {
        let (tasks, cases) = only_domain(&r, d.code());
        let slice = Slice {
            key: d.code().to_owned(),
            visits: members_len(ind::task_members("insp.visits", &tasks, s.period)),
            cases: members_len(ind::case_members("cases.filed", &cases, s.period))
                + members_len(ind::case_members("cases.summary", &cases, s.period)),
        };
        if slice.visits > 0 || slice.cases > 0 {
            by_domain.push(slice);
        }
    }
    let today = crate::registry::today_cst(app);
    let mut overdue: Vec<Overdue> = Vec::new();
    let mut late: Vec<&ind::TaskFacts> = r
        .tasks
        .iter()
        .filter(|t| t.done_on.is_none() && t.due_on < today)
        .collect();
    late.sort_by_key(|t| (t.due_on, t.id));
    for t in late.into_iter().take(OVERDUE_SHOWN) {
        let label = task_label(app, t.id).await?;
        overdue.push(Overdue {
            kind: "task",
            id: t.id,
            label,
            due_on: t.due_on.to_string(),
            rule: String::new(),
        });
    }
    let mut late_cases: Vec<(Date, &'static str, i64, &CaseFacts)> = r
        .case_ids
        .iter()
        .zip(&r.cases)
        .filter_map(|(id, c)| {
            let (rule, due) = c.next_due()?;
            (due < today).then_some((due, rule, *id, c))
        })
        .collect();
    late_cases.sort_by_key(|(due, _, id, _)| (*due, *id));
    for (due, rule, id, c) in late_cases.into_iter().take(OVERDUE_SHOWN) {
        overdue.push(Overdue {
            kind: "case",
            id,
            label: c.party.name.clone(),
            due_on: due.to_string(),
            rule: rule.to_owned(),
        });
    }
    overdue.sort_by(|a, b| a.due_on.cmp(&b.due_on));
    overdue.truncate(OVERDUE_SHOWN);
    Ok(Dashboard {
        figures,
        monthly,
        by_domain,
        overdue,
    })
}

/// The tasks and cases of one supervision domain.
fn only_domain(r: &Records, domain: &str) -> (Vec<ind::TaskFacts>, Vec<CaseFacts>) {
    (
        r.tasks
            .iter()
            .filter(|t| &*t.domain == domain)
            .cloned()
            .collect(),
        r.cases
            .iter()
            .filter(|c| c.domain.code() == domain)
            .cloned()
            .collect(),
    )
}

/// What a drill-down asks for beyond the filter.
#[derive(Debug, Clone, Default)]
pub struct DrillQuery {
    pub filter: Filter,
    /// Only the records of one supervision domain.
    pub domain: Option<String>,
    pub page: Option<usize>,
}

/// One record behind a figure.
#[derive(Debug, Clone, Serialize)]
pub struct DrillRow {
    /// `task` or `case`.
    pub kind: &'static str,
    pub id: i64,
    pub label: String,
    /// The date that put the record in the period (done, due, decided …).
    pub date: String,
    /// For a rate: whether the record is in its numerator.
    pub counted: bool,
    /// For a money figure: what the record adds.
    pub amount: Option<String>,
}

/// The records that make up one figure.
#[derive(Debug, Clone, Serialize)]
pub struct Drill {
    pub definition: Definition,
    pub agency_id: i64,
    pub agency_name: String,
    pub from: String,
    pub to: String,
    pub domain: Option<String>,
    pub checkpoint: Option<(i64, String)>,
    /// The figure, computed from exactly the records listed.
    pub value: Value,
    /// How many records make it up (the rows of every page).
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    pub rows: Vec<DrillRow>,
}

/// Rows per drill-down page.
pub const DRILL_PAGE_ROWS: usize = 100;

/// The records behind indicator `id` for a filter: the same members the
/// figure counts ([`ind::task_members`], [`ind::case_members`]).
pub async fn drill(app: &App, actor: &Actor, id: &str, q: &DrillQuery) -> Result<Drill, AppError> {
    let definition = *ind::definition(id).ok_or(AppError::NotFound {
        zh: "指标",
        en: "indicator",
    })?;
    let s = scope_of(app, actor, Action::ViewStatistics, &q.filter).await?;
    if let Some(d) = &q.domain
        && SupervisionDomain::parse(d).is_none()
    {
        return Err(AppError::invalid(
            "domain",
            "监管领域无效",
            "unknown supervision domain",
        ));
    }
    let period = s.period;
    let mut r = load(app, s.agency_id, period.from, period.to).await?;
    if let Some(d) = &q.domain {
        r.tasks.retain(|t| *t.domain == **d);
        let keep: Vec<bool> = r.cases.iter().map(|c| c.domain.code() == d).collect();
        let mut k = keep.iter();
        r.case_ids.retain(|_| k.next().copied().unwrap_or(false));
        let mut k = keep.iter();
        r.cases.retain(|_| k.next().copied().unwrap_or(false));
    }
    let page = q.page.unwrap_or(1).max(1);
    let (value, total, rows) = if let Some(members) = ind::task_members(id, &r.tasks, period) {
        let value = ind::inspection_values(&r.tasks, period)
            .remove(id)
            .unwrap_or(Value::Count(0));
        let mut rows = Vec::new();
        for &i in members
            .iter()
            .skip((page - 1).saturating_mul(DRILL_PAGE_ROWS))
            .take(DRILL_PAGE_ROWS)
        {
            let t = &r.tasks[i];
            let label = task_label(app, t.id).await?;
            rows.push(DrillRow {
                kind: "task",
                id: t.id,
                label,
                date: t.done_on.unwrap_or(t.due_on).to_string(),
                counted: ind::task_in_numerator(id, t),
                amount: None,
            });
        }
        (value, members.len(), rows)
    } else if let Some(members) = ind::case_members(id, &r.cases, period) {
        let value = ind::case_values(&r.cases, period)
            .remove(id)
            .unwrap_or(Value::Count(0));
        let money = matches!(value, Value::Fen(_));
        let rows = members
            .iter()
            .skip((page - 1).saturating_mul(DRILL_PAGE_ROWS))
            .take(DRILL_PAGE_ROWS)
            .map(|&i| {
                let c = &r.cases[i];
                let date = c
                    .decision
                    .as_ref()
                    .map(|d| d.on)
                    .or(c.filed_on)
                    .unwrap_or(c.opened_on);
                DrillRow {
                    kind: "case",
                    id: r.case_ids.get(i).copied().unwrap_or_default(),
                    label: format!("{}：{}", c.party.name, c.summary),
                    date: date.to_string(),
                    counted: ind::case_in_numerator(id, c),
                    amount: money.then(|| Value::Fen(ind::case_amount(id, c, period)).display()),
                }
            })
            .collect();
        (value, members.len(), rows)
    } else {
        return Err(AppError::invalid(
            "id",
            format!("指标 {id} 没有可追溯的业务记录（来源为名录或尚无数据来源）"),
            format!("indicator {id} has no records to drill down to (registry or no source yet)"),
        ));
    };
    Ok(Drill {
        definition,
        agency_id: s.agency_id,
        agency_name: r.agency.name,
        from: period.from.to_string(),
        to: period.to.to_string(),
        domain: q.domain.clone(),
        checkpoint: r.checkpoint,
        value,
        total,
        page,
        pages: total.div_ceil(DRILL_PAGE_ROWS).max(1),
        rows,
    })
}

/// Whether an indicator can be drilled down to records.
pub fn drillable(id: &str) -> bool {
    ind::TASK_INDICATORS.contains(&id) || ind::CASE_INDICATORS.contains(&id)
}

/// Figures as a map id → printed value (for templates and JSON).
pub fn printed(f: &Figures) -> BTreeMap<&'static str, String> {
    f.figures
        .iter()
        .map(|x| {
            (
                x.definition.id,
                x.value
                    .as_ref()
                    .map_or_else(|| "—".to_owned(), Value::display),
            )
        })
        .collect()
}

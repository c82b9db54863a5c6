//! Indicators for an agency subtree and a year, with the previous year for
//! the year-over-year change and the log checkpoint they were computed at.

use crate::{App, AppError};
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::indicators::{self as ind, Definition, Period, SourceModule, Value};
use fazhi_domain::role::Role;
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
    authorize(actor, Action::ViewCases, None)?;
    compute(app, actor.agency_id, year).await
}

/// Indicators of an agency subtree (the CLI runs this with database access).
pub async fn compute(app: &App, agency_id: i64, year: i16) -> Result<Figures, AppError> {
    let agency = fazhi_store::agencies::get(&app.db, agency_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "机构",
            en: "agency",
        })?;
    let scope = agency.path.clone();
    let checkpoint = crate::transparency::checkpoints(app, 1)
        .await?
        .into_iter()
        .next()
        .map(|c| (c.checkpoint.size, hex::encode(&c.checkpoint.root)));
    let this =
        Period::year(year).ok_or_else(|| AppError::invalid("year", "年度无效", "bad year"))?;
    let last =
        Period::year(year - 1).ok_or_else(|| AppError::invalid("year", "年度无效", "bad year"))?;
    let tasks = crate::inspection_tasks::task_facts(app, &scope, last.from, this.to).await?;
    let cases: Vec<fazhi_domain::case::Case> = fazhi_store::cases::states_in_scope(&app.db, &scope)
        .await?
        .iter()
        .filter_map(|j| serde_json::from_str(j).ok())
        .collect();
    let requests = crate::requests::requests_in_scope(app, &scope).await?;
    let mut now = ind::inspection_values(&tasks, this);
    now.extend(ind::case_values(&cases, this));
    now.extend(ind::request_values(&requests, this));
    let mut before = ind::inspection_values(&tasks, last);
    before.extend(ind::case_values(&cases, last));
    before.extend(ind::request_values(&requests, last));
    // Registry figures are as of today (the registry keeps no yearly snapshot).
    let actor = Actor {
        user_id: 0,
        role: Role::SystemAdmin,
        agency_id,
        agency_path: scope.clone(),
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
        agency_name: agency.name,
        year,
        checkpoint,
        figures,
    })
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

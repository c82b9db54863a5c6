//! 法律依据 — the calendar and rule registry the whole app computes with,
//! holiday-schedule imports, deadline computation and tracked deadlines.

use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::calendar::Calendar;
use fazhi_domain::deadline::{self, Computed, DeadlineRule, Extension, Pause};
use fazhi_domain::rules::{RuleError, RuleRegistry};
use jiff::civil::Date;
use sha2::Digest;
use std::sync::RwLock;

/// The calendar (replaced when a year is imported) and the rules.
pub struct Law {
    calendar: RwLock<Calendar>,
    pub rules: RuleRegistry,
}

impl Law {
    /// The embedded national calendar and rules. Their validity is checked by
    /// tests; failing here is a build defect, so it stops the program.
    #[allow(clippy::expect_used)]
    pub fn national() -> Law {
        Law {
            calendar: RwLock::new(
                Calendar::national().expect("embedded holidays_cn.toml is valid (tested)"),
            ),
            rules: RuleRegistry::national().expect("embedded rule files are valid (tested)"),
        }
    }

    pub fn calendar(&self) -> Calendar {
        self.calendar
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_calendar(&self, cal: Calendar) {
        *self.calendar.write().unwrap_or_else(|p| p.into_inner()) = cal;
    }
}

fn rule_error(e: RuleError) -> AppError {
    let text = e.to_string();
    let (zh, en) = text.split_once(" / ").unwrap_or((&text, &text));
    AppError::invalid("rule", zh.to_owned(), en.to_owned())
}

fn deadline_error(e: deadline::DeadlineError) -> AppError {
    let text = e.to_string();
    let (zh, en) = text.split_once(" / ").unwrap_or((&text, &text));
    AppError::invalid("from", zh.to_owned(), en.to_owned())
}

/// Parse a `YYYY-MM-DD` date from user input.
pub fn parse_date(field: &'static str, text: &str) -> Result<Date, AppError> {
    text.trim().parse::<Date>().map_err(|_| {
        AppError::invalid(
            field,
            format!("“{}”不是有效日期（YYYY-MM-DD）", text.trim()),
            format!("'{}' is not a real date (YYYY-MM-DD)", text.trim()),
        )
    })
}

/// Apply the imports stored in the database (at start).
pub async fn load_imports(app: &App) -> Result<(), AppError> {
    let mut cal = app.law.calendar();
    for (text, replaced) in fazhi_store::law::calendar_imports(&app.db).await? {
        cal = cal.import(&text, replaced).map_err(|e| {
            AppError::Internal(format!("stored calendar import no longer applies: {e}"))
        })?;
    }
    app.law.set_calendar(cal);
    Ok(())
}

/// A computed deadline with its rule and explanation.
pub struct DeadlineAnswer {
    pub rule: DeadlineRule,
    pub computed: Computed,
    pub explanation_zh: Vec<String>,
    pub explanation_en: Vec<String>,
}

/// The national calendar with the regional holidays of the agency at `path`
/// (its own and its ancestors') layered on top.
pub async fn calendar_for(app: &App, path: Option<&AgencyPath>) -> Result<Calendar, AppError> {
    let base = app.law.calendar();
    match path {
        None => Ok(base),
        Some(p) => Ok(layer(
            &base,
            &fazhi_store::law::regional_for_path(&app.db, p.as_str()).await?,
        )),
    }
}

fn layer(base: &Calendar, regional: &[fazhi_store::law::RegionalHoliday]) -> Calendar {
    let extra: Vec<(Date, String, String)> = regional
        .iter()
        .filter_map(|h| {
            h.holiday_date
                .parse()
                .ok()
                .map(|d| (d, h.festival.clone(), h.notice.clone()))
        })
        .collect();
    base.with_regional(&extra)
}

/// Compute `rule_id` from `from` on the national calendar, with the rule version in force on `from`.
pub fn compute_deadline(
    app: &App,
    rule_id: &str,
    from: Date,
    jurisdiction: &str,
    pauses: &[Pause],
    extensions: &[Extension],
) -> Result<DeadlineAnswer, AppError> {
    compute_deadline_on(
        app,
        &app.law.calendar(),
        rule_id,
        from,
        jurisdiction,
        pauses,
        extensions,
    )
}

/// Compute on a given calendar (e.g. one with an agency's regional holidays).
pub fn compute_deadline_on(
    app: &App,
    cal: &Calendar,
    rule_id: &str,
    from: Date,
    jurisdiction: &str,
    pauses: &[Pause],
    extensions: &[Extension],
) -> Result<DeadlineAnswer, AppError> {
    let rule = app
        .law
        .rules
        .deadline_rule(rule_id.trim(), jurisdiction, from)
        .map_err(rule_error)?;
    let computed =
        deadline::compute(&rule, from, cal, pauses, extensions).map_err(deadline_error)?;
    Ok(DeadlineAnswer {
        explanation_zh: computed.explain_zh(&rule),
        explanation_en: computed.explain_en(&rule),
        rule,
        computed,
    })
}

/// Start watching a deadline of a record (used by the case and request modules).
pub async fn track_deadline(
    app: &App,
    tx: &mut fazhi_store::Tx,
    subject: &str,
    rule_id: &str,
    jurisdiction: &str,
    agency: Option<&fazhi_store::agencies::Agency>,
    start: Date,
) -> Result<(i64, Date), AppError> {
    let cal = match agency {
        Some(a) => layer(
            &app.law.calendar(),
            &fazhi_store::law::regional_for_path_in_tx(tx, a.path.as_str()).await?,
        ),
        None => app.law.calendar(),
    };
    let answer = compute_deadline_on(app, &cal, rule_id, start, jurisdiction, &[], &[])?;
    let due = answer.computed.due.to_string();
    let id = fazhi_store::law::insert_deadline(
        tx,
        &fazhi_store::law::NewTrackedDeadline {
            subject,
            rule_id,
            jurisdiction,
            start_date: &start.to_string(),
            pauses_json: "[]",
            extensions_json: "[]",
            due_date: &due,
            agency_id: agency.map(|a| a.id),
            at_us: app.now_us(),
        },
    )
    .await?;
    Ok((id, answer.computed.due))
}

/// Recompute every open deadline — tracked deadlines and the due dates of
/// open public requests — on `base` (plus each one's agency's regional
/// holidays); each moved date is logged as its own event. Returns how many
/// due dates changed.
async fn recompute_open(
    app: &App,
    tx: &mut fazhi_store::Tx,
    base: &Calendar,
    now: i64,
    actor_user_id: Option<i64>,
) -> Result<usize, AppError> {
    let mut recomputed = 0;
    for s in fazhi_store::requests::open_in_tx(tx).await? {
        let Ok(req) = serde_json::from_str::<fazhi_domain::request::Request>(&s.state_json) else {
            continue;
        };
        let cal = layer(
            base,
            &fazhi_store::law::regional_for_path_in_tx(tx, &s.agency_path).await?,
        );
        let jurisdiction = crate::cases::province_of(&s.agency_region);
        let Some(next) =
            fazhi_domain::request::recomputed(&req, &app.law.rules, &cal, &jurisdiction)
        else {
            continue;
        };
        let json = serde_json::to_string(&next)
            .map_err(|e| AppError::Internal(format!("request {}: {e}", s.id)))?;
        let p = crate::requests::projection(&next);
        if !fazhi_store::requests::update(tx, s.id, s.version, &p, &json, now).await? {
            return Err(AppError::Internal(format!(
                "request {} changed during the recompute",
                s.id
            )));
        }
        let (old, new) = (req.due.as_ref(), next.due.as_ref());
        if old.map(|d| d.on) != new.map(|d| d.on) {
            recomputed += 1;
        }
        app.log(
            tx,
            actor_user_id,
            Some(s.agency_id),
            EventKind::DeadlineRecomputed,
            format!("request:{}", s.id),
            serde_json::json!({
                "rule": new.map(|d| d.rule_id.clone()),
                "from": old.map(|d| d.on.to_string()),
                "to": new.map(|d| d.on.to_string()),
                "was_provisional": old.is_some_and(|d| d.provisional),
                "provisional": new.is_some_and(|d| d.provisional),
            }),
        )
        .await?;
    }
    recomputed += recompute_open_cases(app, tx, base, now, actor_user_id).await?;
    for d in fazhi_store::law::open_deadlines_in_tx(tx).await? {
        // A row whose rule or date no longer parses is left as it is (and shows in oversight).
        let Ok(start) = d.start_date.parse::<Date>() else {
            continue;
        };
        let Ok(rule) = app
            .law
            .rules
            .deadline_rule(&d.rule_id, &d.jurisdiction, start)
        else {
            continue;
        };
        let cal = match d.agency_id {
            Some(id) => match fazhi_store::agencies::get(&app.db, id).await? {
                Some(a) => layer(
                    base,
                    &fazhi_store::law::regional_for_path_in_tx(tx, a.path.as_str()).await?,
                ),
                None => base.clone(),
            },
            None => base.clone(),
        };
        let pauses: Vec<Pause> = serde_json::from_str(&d.pauses_json).unwrap_or_default();
        let extensions: Vec<Extension> =
            serde_json::from_str(&d.extensions_json).unwrap_or_default();
        if let Ok(c) = deadline::compute(&rule, start, &cal, &pauses, &extensions)
            && c.due.to_string() != d.due_date
        {
            fazhi_store::law::set_due_date(tx, d.id, &c.due.to_string(), now).await?;
            app.log(
                tx,
                actor_user_id,
                d.agency_id,
                EventKind::DeadlineRecomputed,
                format!("deadline:{}", d.id),
                serde_json::json!({
                    "rule": d.rule_id, "subject": d.subject, "from": d.due_date,
                    "to": c.due.to_string(), "provisional": c.provisional,
                }),
            )
            .await?;
            recomputed += 1;
        }
    }
    Ok(recomputed)
}

/// The provisional dates of open penalty cases on the new calendar
/// (`case::recompute_provisional`): each case that changes is saved with one
/// `deadline.recomputed` event naming the dates that moved; returns how many
/// dates moved.
async fn recompute_open_cases(
    app: &App,
    tx: &mut fazhi_store::Tx,
    base: &Calendar,
    now: i64,
    actor_user_id: Option<i64>,
) -> Result<usize, AppError> {
    let mut moved_total = 0;
    for s in fazhi_store::cases::provisional_open_in_tx(tx).await? {
        let case: fazhi_domain::case::Case = serde_json::from_str(&s.state_json).map_err(|e| {
            AppError::Internal(format!("case {}: stored state unreadable: {e}", s.id))
        })?;
        let cal = layer(
            base,
            &fazhi_store::law::regional_for_path_in_tx(tx, &s.agency_path).await?,
        );
        let jurisdiction = crate::cases::province_of(&s.agency_region);
        let ctx = fazhi_domain::case::Ctx {
            today: crate::registry::today_cst(app),
            actor: actor_user_id.unwrap_or(0),
            role: fazhi_domain::role::Role::SystemAdmin,
            rules: &app.law.rules,
            calendar: &cal,
            jurisdiction: &jurisdiction,
        };
        let Some((next, moved)) = fazhi_domain::case::recompute_provisional(&case, &ctx) else {
            continue;
        };
        let json = serde_json::to_string(&next)
            .map_err(|e| AppError::Internal(format!("case {}: {e}", s.id)))?;
        let p = crate::cases::projection(&next);
        if !fazhi_store::cases::update(tx, s.id, s.version, &p, &json, now).await? {
            return Err(AppError::Internal(format!(
                "case {} changed during the recompute",
                s.id
            )));
        }
        moved_total += moved.len();
        app.log(
            tx,
            actor_user_id,
            Some(s.agency_id),
            EventKind::DeadlineRecomputed,
            format!("case:{}", s.id),
            serde_json::json!({
                "moved": moved.iter().map(|m| serde_json::json!({
                    "rule": m.rule_id,
                    "from": m.from.to_string(),
                    "to": m.to.map(|d| d.to_string()),
                })).collect::<Vec<_>>(),
            }),
        )
        .await?;
    }
    Ok(moved_total)
}

/// Add a regional holiday for an agency (and the agencies below it), recompute
/// the open deadlines, and record it. `actor: None` is the command line.
pub async fn add_regional_holiday(
    app: &App,
    actor: Option<&Actor>,
    agency_id: i64,
    date_text: &str,
    festival: &str,
    notice: &str,
) -> Result<usize, AppError> {
    if let Some(a) = actor {
        authorize(a, Action::ManageAgencies, None)?;
    }
    let agency = fazhi_store::agencies::get(&app.db, agency_id)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "agency",
                format!("机构 {agency_id} 不存在"),
                format!("agency {agency_id} does not exist"),
            )
        })?;
    if let Some(a) = actor {
        authorize(a, Action::ManageAgencies, Some(&agency.path))?;
    }
    let date = parse_date("date", date_text)?;
    let (festival, notice) = (festival.trim(), notice.trim());
    if festival.is_empty() || notice.is_empty() {
        return Err(AppError::invalid(
            "festival",
            "须填写节日名称和设立依据（文件名称或文号）",
            "give the festival and the document that sets it",
        ));
    }
    let now = app.now_us();
    let mut tx = app.db.begin().await?;
    let holiday = fazhi_store::law::RegionalHoliday {
        agency_id,
        holiday_date: date.to_string(),
        festival: festival.to_owned(),
        notice: notice.to_owned(),
    };
    fazhi_store::law::insert_regional(&mut tx, &holiday, now)
        .await
        .map_err(|e| {
            if e.is_unique_violation() {
                AppError::Conflict {
                    zh: format!("{date} 已是该机构的地方节假日"),
                    en: format!("{date} is already a regional holiday of this agency"),
                }
            } else {
                e.into()
            }
        })?;
    let recomputed = recompute_open(
        app,
        &mut tx,
        &app.law.calendar(),
        now,
        actor.map(|a| a.user_id),
    )
    .await?;
    app.log(
        &mut tx,
        actor.map(|a| a.user_id),
        Some(agency_id),
        EventKind::RegionalHolidayAdded,
        format!("agency:{agency_id}"),
        serde_json::json!({ "date": date.to_string(), "festival": festival, "notice": notice, "recomputed_deadlines": recomputed }),
    )
    .await?;
    tx.commit().await?;
    Ok(recomputed)
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HolidayImport {
    pub years: Vec<i16>,
    /// Open deadlines whose due date changed.
    pub recomputed: usize,
}

/// Add (or, with `replace`, replace) years of the holiday calendar from a
/// schedule file, recompute every open deadline, and record it — all in one
/// transaction; a bad file changes nothing. `actor: None` is the command line.
pub async fn import_holidays(
    app: &App,
    actor: Option<&Actor>,
    text: &str,
    replace: bool,
) -> Result<HolidayImport, AppError> {
    if let Some(actor) = actor {
        authorize(actor, Action::ManageAgencies, None)?;
    }
    let current = app.law.calendar();
    let parsed = Calendar::parse(text).map_err(|e| {
        let t = e.to_string();
        let (zh, en) = t.split_once(" / ").unwrap_or((&t, &t));
        AppError::invalid("file", zh.to_owned(), en.to_owned())
    })?;
    let years: Vec<i16> = parsed.years().collect();
    let merged = current.import(text, replace).map_err(|e| {
        let t = e.to_string();
        let (zh, en) = t.split_once(" / ").unwrap_or((&t, &t));
        AppError::invalid("file", zh.to_owned(), en.to_owned())
    })?;
    let now = app.now_us();
    let mut tx = app.db.begin().await?;
    let years_text = years
        .iter()
        .map(i16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    fazhi_store::law::insert_calendar_import(&mut tx, &years_text, text, replace, now).await?;
    let recomputed = recompute_open(app, &mut tx, &merged, now, actor.map(|a| a.user_id)).await?;
    app.log(
        &mut tx,
        actor.map(|a| a.user_id),
        actor.map(|a| a.agency_id),
        EventKind::HolidayCalendarImported,
        format!("calendar:{years_text}"),
        serde_json::json!({
            "years": years, "replaced": replace, "recomputed_deadlines": recomputed,
            "file_sha256": hex::encode(sha2::Sha256::digest(text.as_bytes())),
        }),
    )
    .await?;
    tx.commit().await?;
    app.law.set_calendar(merged);
    Ok(HolidayImport { years, recomputed })
}

/// From 1 November (China time), next year when its State Council schedule
/// is not loaded: deadlines running into it are provisional until it is.
pub fn next_year_missing(app: &App) -> Option<i16> {
    let today = crate::registry::today_cst(app);
    let next = today.year().checked_add(1)?;
    (today.month() >= 11 && !app.law.calendar().is_loaded(next)).then_some(next)
}

/// The years whose State Council schedule is loaded.
pub fn loaded_years(app: &App) -> Vec<i16> {
    app.law.calendar().years().collect()
}

/// Whether a stored due date (`YYYY-MM-DD`) lies in a year without a loaded
/// schedule: then it was counted on the provisional calendar (loaded years
/// run without gaps, so a count that touched a provisional year ends in one).
/// Lists read this from the date alone; records carry the engine's own flag.
pub fn is_provisional_date(app: &App, date: &str) -> bool {
    date.parse::<Date>()
        .is_ok_and(|d| !app.law.calendar().is_loaded(d.year()))
}

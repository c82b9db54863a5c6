//! The agency home page: real counts of the actor's scope.

use crate::{App, AppError};
use fazhi_domain::action_log::Event;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_store::stats::{self, DAY_US, ScopeCounts};
use fazhi_store::{agencies, events};

/// Days shown in the "events per day" chart.
pub const HOME_DAYS: i64 = 14;
pub const HOME_RECENT_EVENTS: i64 = 10;

pub struct HomeStats {
    pub agency_name: String,
    pub counts: ScopeCounts,
    /// `(YYYY-MM-DD, events)` for each of the last `HOME_DAYS` days, oldest first, zeros included.
    pub events_by_day: Vec<(String, i64)>,
    pub recent_events: Vec<Event>,
}

pub async fn home(app: &App, actor: &Actor) -> Result<HomeStats, AppError> {
    authorize(actor, Action::ViewHome, None)?;
    let agency = agencies::get(&app.db, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound {
            zh: "机构",
            en: "agency",
        })?;
    let counts = stats::scope_counts(&app.db, &actor.agency_path).await?;
    let today = (app.now_us() + stats::CST_OFFSET_US) / DAY_US;
    let since = today - (HOME_DAYS - 1);
    let rows = stats::events_by_day(&app.db, &actor.agency_path, since).await?;
    let events_by_day = (since..=today)
        .map(|day| {
            let n = rows.iter().find(|(d, _)| *d == day).map_or(0, |(_, n)| *n);
            (day_label(day), n)
        })
        .collect();
    let recent_events =
        events::recent_in_scope(&app.db, &actor.agency_path, HOME_RECENT_EVENTS).await?;
    Ok(HomeStats {
        agency_name: agency.name,
        counts,
        events_by_day,
        recent_events,
    })
}

/// The newest events of the actor's scope (the action-log page).
pub async fn recent_events(
    app: &App,
    actor: &Actor,
    limit_rows: i64,
) -> Result<Vec<Event>, AppError> {
    authorize(actor, Action::ViewActionLog, None)?;
    Ok(events::recent_in_scope(&app.db, &actor.agency_path, limit_rows.clamp(1, 1000)).await?)
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
pub fn day_label(day: i64) -> String {
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(day))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Beijing-time `YYYY-MM-DD HH:MM` of an instant in microseconds.
pub fn format_instant_cst(at_us: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_microsecond(at_us) else {
        return String::new();
    };
    let offset = jiff::tz::Offset::constant(8);
    ts.to_zoned(jiff::tz::TimeZone::fixed(offset))
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_labels_and_beijing_times_are_formatted() {
        assert_eq!(day_label(0), "1970-01-01");
        assert_eq!(day_label(20_454), "2026-01-01");
        // 2026-01-01T00:00:00Z is 08:00 in Beijing.
        assert_eq!(
            format_instant_cst(1_767_225_600_000_000),
            "2026-01-01 08:00"
        );
    }
}
